"""Another language: a TypeScript client generated from the live OpenAPI document.

The real ``trajectory serve`` on a free loopback port and a fresh SQLite store, an
office key made with the CLI; openapi-typescript generates the client's types from
``GET /openapi.json``, ``tsc`` (strict) type-checks ``clients/typescript/src/walk.ts``
against them, and node runs it: a location walked from the orientation talk to the
grant with openapi-fetch. Skipped when node, npm or the client's packages (``npm ci``
in clients/typescript, which CI runs) are missing.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.service.test_serve import create_key, free_port, serving, stop

CLIENT = Path(__file__).resolve().parents[2] / "clients" / "typescript"
PACKAGES = ("openapi-typescript", "openapi-fetch", "typescript")


def _missing() -> str | None:
    for tool in ("node", "npm"):
        if shutil.which(tool) is None:
            return f"{tool} is not on the PATH"
    for package in PACKAGES:
        if not (CLIENT / "node_modules" / package / "package.json").is_file():
            return f"{package} is not installed: run npm ci in {CLIENT}"
    return None


def _npm(script: str, work: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """``npm run script`` in a copy of the client (its generated files stay there)."""
    done = subprocess.run(
        ["npm", "run", "--silent", script],
        cwd=work,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert 0 == done.returncode, f"npm run {script}:\n{done.stdout}\n{done.stderr}"
    return done


@pytest.mark.end_to_end
def test_a_generated_typescript_client_walks_a_location_to_the_grant(tmp_path: Path) -> None:
    missing = _missing()
    if missing is not None:
        pytest.skip(missing)
    work = tmp_path / "client"
    shutil.copytree(CLIENT, work, ignore=shutil.ignore_patterns("node_modules", "dist"))
    (work / "src" / "schema.d.ts").unlink(missing_ok=True)
    (work / "node_modules").symlink_to(CLIENT / "node_modules")
    db = f"sqlite:///{tmp_path / 'served.db'}"
    key = create_key(db, "--role", "office", "--name", "Programme office")
    port = free_port()
    process = serving(db, port)
    try:
        env = {"TRAJECTORY_URL": f"http://127.0.0.1:{port}", "TRAJECTORY_KEY": key}
        _npm("generate", work, env)
        generated = (work / "src" / "schema.d.ts").read_text(encoding="utf-8")
        assert '"/trajectories/{id}/events/hold_orientation"' in generated
        _npm("build", work, env)  # tsc --strict: the walk fits the generated types
        walked = _npm("walk", work, env)
    finally:
        stop(process)
    seen = json.loads(walked.stdout.strip().splitlines()[-1])
    assert {
        "create": "orientation_requested",
        "hold_orientation": "orientation_held",
        "register": "application_in_preparation",
        "write_activity_plan": "application_in_preparation",
        "new_application": "in_preparation",
        "submit": "received",
        "grant": "decided",
        "location": "granted",
    } == {step: state for step, state in seen["seen"].items() if step != "history"}
    names = seen["seen"]["history"].split(",")
    assert ["created", "hold_orientation", "register", *["add_participant"] * 5] == names[:8]
    assert ["write_activity_plan", "submit_application", "grant"] == names[8:]
