"""The service attacked through its own OpenAPI document, with schemathesis.

Every operation of ``GET /openapi.json``, on the ASGI application in this process
(an office key, a SQLite store of its own), with requests drawn from the document's
schemas (valid ones; and invalid ones, for every operation but the events, of which two
stand for all): no answer is a 5xx, and every answer conforms to the document (its
status code, content type, headers and body schema). The operations on an id are sent
valid data on a leertraject and an application that exist, so that they reach the
rules. Bounded: a few examples per operation, derandomized, so each run draws the same
requests.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any, Final

import pytest

schemathesis = pytest.importorskip("schemathesis")

from hypothesis import HealthCheck, given, settings  # noqa: E402
from schemathesis import GenerationMode, checks  # noqa: E402
from starlette.testclient import TestClient  # noqa: E402

import trajectory  # noqa: E402
from tests.service.conftest import BOARD, NEW  # noqa: E402
from trajectory.service import create_app, openapi_document  # noqa: E402
from trajectory.service.credentials import MemoryCredentials  # noqa: E402

#: What every answer must satisfy: no 5xx; the status code, content type, headers and
#: body the document gives; invalid data refused; a key required; a method the path
#: does not take refused; a resource readable once made and gone nowhere. Not
#: ``positive_data_acceptance``: data that fits a schema may still be refused by the
#: rules (a 422 that lists the violations), which is the service's point.
CHECKS: Final = [
    checks.not_a_server_error,
    checks.status_code_conformance,
    checks.content_type_conformance,
    checks.response_headers_conformance,
    checks.response_schema_conformance,
    checks.negative_data_rejection,
    checks.ignored_auth,
    checks.missing_required_header,
    checks.unsupported_method,
    checks.use_after_free,
    checks.ensure_resource_availability,
]
#: Every operation of the document.
OPERATIONS: Final = [
    (method.upper(), path) for path, item in openapi_document()["paths"].items() for method in item
]
#: How many requests are drawn per operation, of valid data and of invalid data.
EXAMPLES: Final = {GenerationMode.POSITIVE: 3, GenerationMode.NEGATIVE: 2}
#: The events whose operations also get invalid data. Every event's operation reads its
#: body the same way (its payload class), and building the strategies of a payload
#: schema costs a second or two: two events stand for all, within the time bound.
INVALID_EVENTS: Final = ("hold_orientation", "add_participant")
#: The operations whose parameters take any text: there is no invalid data to send.
NO_INVALID_DATA: Final = ("/openapi.json", "/schemas/{name}")

#: Every operation with valid data, and with invalid data where it says something new.
CASES: Final = [
    pytest.param(method, path, mode, id=f"{method} {path} {mode.value}")
    for method, path in OPERATIONS
    for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE)
    if mode is GenerationMode.POSITIVE
    or (path not in NO_INVALID_DATA and ("/events/" not in path or path.endswith(INVALID_EVENTS)))
]


class Attacked:
    """The service, its document loaded by schemathesis, and the office's header."""

    def __init__(self, app: Any, token: str) -> None:
        self.schema = schemathesis.openapi.from_asgi("/openapi.json", app)
        self.headers = {"Authorization": f"Bearer {token}"}
        client = TestClient(app, headers=self.headers)
        made = client.post("/trajectories", json=NEW)
        assert 201 == made.status_code, made.text
        #: A leertraject and an application that exist, so that the operations on an
        #: id reach their rules, not only the 404 of an unknown id.
        self.leertraject: str = made.json()["id"]
        asked = {"board": BOARD, "round": "2024-2025/main", "locations": [self.leertraject]}
        made = client.post("/applications", json=asked)
        assert 201 == made.status_code, made.text
        self.application: str = made.json()["id"]


@pytest.fixture(scope="module")
def attacked(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Attacked]:
    db = Path(tmp_path_factory.mktemp("schemathesis")) / "attacked.db"
    with trajectory.open_store(f"sqlite:///{db}") as store:
        credentials = MemoryCredentials()
        _, token = credentials.create(name="the office", role="office")
        yield Attacked(create_app(store, credentials=credentials), token)


@pytest.mark.end_to_end
@pytest.mark.parametrize(("method", "path", "mode"), CASES)
def test_every_operation_answers_as_its_document_says(
    attacked: Attacked, method: str, path: str, mode: GenerationMode
) -> None:
    operation = attacked.schema[path][method]
    known = attacked.application if path.startswith("/applications/") else attacked.leertraject
    fixed = {"id": known} if "{id}" in path and mode is GenerationMode.POSITIVE else None

    @given(case=operation.as_strategy(generation_mode=mode, path_parameters=fixed))
    @settings(
        max_examples=EXAMPLES[mode],
        derandomize=True,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    def answers(case: Any) -> None:
        # A long poll of the feed answers after its wait when nothing new comes: keep
        # it to a second, well inside the client's read timeout of ten.
        wait = (case.query or {}).get("wait")
        if isinstance(wait, int | float) and not isinstance(wait, bool) and wait > 1:
            case.query["wait"] = 1
        case.call_and_validate(headers=attacked.headers, checks=CHECKS)

    answers()
