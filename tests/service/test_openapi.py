"""The OpenAPI document: valid OpenAPI 3.1, generated from the definitions."""

from __future__ import annotations

from importlib import resources
from typing import Any

import jsonschema
import pytest
from openapi_spec_validator import OpenAPIV31SpecValidator
from openapi_spec_validator.validation.exceptions import OpenAPIValidationError
from starlette.testclient import TestClient

from tests.service.conftest import NEW, ORIENTATION
from trajectory.engine.loader import load_lifecycle
from trajectory.engine.serialization import Codec, standard_migrations
from trajectory.ontwikkelkracht import documents
from trajectory.ontwikkelkracht import lifecycle as leertraject
from trajectory.ontwikkelkracht.bootstrap import Ontwikkelkracht, build_converter, programme
from trajectory.ontwikkelkracht.ledger import ledger_registry, load_ledger
from trajectory.service import openapi_document


def validate(document: dict[str, Any]) -> None:
    """Raise unless ``document`` is a valid OpenAPI 3.1 document."""
    OpenAPIV31SpecValidator(document).validate()


#: The event the test adds to a copy of the leertraject's definition.
ADDED = """
[[events]]
name = "record_visit"
description = "Records a visit of the team to another school."
transitions = [{ sources = ["application_in_preparation"] }]

"""


def extended() -> Ontwikkelkracht:
    """The programme with a leertraject whose definition has one event more."""
    source = (resources.files("trajectory.ontwikkelkracht.data") / "leertraject.toml").read_text(
        encoding="utf-8"
    )
    at = source.index("[[repeats]]")
    registry = leertraject.leertraject_registry()
    codec = Codec(converter=build_converter(), migrations=standard_migrations())
    lifecycle = load_lifecycle(source[:at] + ADDED + source[at:], registry, codec=codec)
    ledger = load_ledger(ledger_registry(), codec)
    ledger_registry(registry, violations=False)
    documents.add_to(codec, lifecycle.name)
    return Ontwikkelkracht(lifecycle, ledger, registry=registry, codec=codec)


def test_the_served_document_is_valid_openapi_3_1(client: TestClient) -> None:
    response = client.get("/openapi.json")
    assert 200 == response.status_code
    document = response.json()
    validate(document)
    assert "3.1.0" == document["openapi"]


def test_every_event_is_an_operation_with_its_payload_schema() -> None:
    document = openapi_document()
    events = programme().leertraject.events
    operations = {
        path.rsplit("/", 1)[1]: item["post"]
        for path, item in document["paths"].items()
        if path.startswith("/trajectories/{id}/events/")
    }
    assert set(events) == set(operations)
    for name, event in events.items():
        body = operations[name]["requestBody"]
        assert event.needs_payload == body["required"]
        ref = body["content"]["application/json"]["schema"]["$ref"]
        assert ref.endswith("/" + event.payload.__name__)


def test_an_added_event_is_an_added_operation() -> None:
    before = openapi_document()
    after = openapi_document(extended())
    validate(after)
    added = set(after["paths"]) - set(before["paths"])
    assert {"/trajectories/{id}/events/record_visit"} == added
    assert "fire_record_visit" == after["paths"][next(iter(added))]["post"]["operationId"]


def _schema_of(document: dict[str, Any], name: str) -> dict[str, Any]:
    """The component ``name`` as a JSON Schema that resolves the document's references."""
    return {"$ref": f"#/components/schemas/{name}", "components": document["components"]}


def test_the_schemas_take_what_the_service_takes() -> None:
    """A payload the service accepts (amounts as numbers and as text) fits its schema;
    one with a field too many does not."""
    document = openapi_document()
    validator = jsonschema.Draft202012Validator
    validator(_schema_of(document, "HoldOrientation")).validate(ORIENTATION)
    validator(_schema_of(document, "NewTrajectory")).validate(NEW)
    participant = _schema_of(document, "AddParticipant")
    for hours in (150, "150.5", 150.5):
        validator(participant).validate({"name": "Bram", "role": "teacher", "planned_hours": hours})
    assert not validator(_schema_of(document, "HoldOrientation")).is_valid(
        {**ORIENTATION, "mood": "fine"}
    )


def test_problems_are_described_with_their_types(client: TestClient) -> None:
    document = openapi_document()
    problem = document["components"]["schemas"]["Problem"]
    served = client.get("/trajectories/no-such-id").json()
    jsonschema.Draft202012Validator(_schema_of(document, "Problem")).validate(served)
    assert served["type"] in problem["properties"]["type"]["enum"]


def test_every_operation_but_the_document_and_the_event_schemas_asks_for_a_key() -> None:
    document = openapi_document()
    assert "bearer" == document["components"]["securitySchemes"]["key"]["scheme"]
    assert [{"key": []}] == document["security"]
    for path, item in document["paths"].items():
        for operation in item.values():
            if path in ("/openapi.json", "/schemas/{name}"):
                assert [] == operation["security"]
            else:
                assert {"401", "403"} <= set(operation["responses"])


def test_the_validator_refuses_a_broken_document() -> None:
    """The check above can fail: a parameter that does not say where it goes is no
    OpenAPI."""
    broken = openapi_document()
    broken["paths"]["/trajectories/{id}"]["get"]["parameters"] = [{"name": "id"}]
    with pytest.raises(OpenAPIValidationError):
        validate(broken)
