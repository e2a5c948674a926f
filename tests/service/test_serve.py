"""``trajectory serve``: the real command, in a process of its own, on a free port."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.service.conftest import NEW, ORIENTATION

TRAJECTORY = Path(sys.executable).parent / "trajectory"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def serving(db: str, port: int, *extra: str) -> subprocess.Popen[str]:
    """``trajectory serve`` on ``port``, once it says it has started."""
    process = subprocess.Popen(
        [str(TRAJECTORY), "serve", "--db", db, "--port", str(port), *extra],
        stdout=subprocess.DEVNULL,  # the access log
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "NO_COLOR": "1"},
    )
    assert process.stderr is not None
    said = []
    for line in process.stderr:  # ends when the process does
        said.append(line)
        if "Application startup complete" in line:
            return process
    stop(process)
    pytest.fail("trajectory serve did not start:\n" + "".join(said))


def stop(process: subprocess.Popen[str]) -> None:
    process.terminate()
    process.wait(timeout=60)
    if process.stderr is not None:
        process.stderr.close()


def create_key(db: str, *args: str) -> str:
    made = subprocess.run(
        [str(TRAJECTORY), "create-key", "--db", db, *args],
        capture_output=True,
        text=True,
        check=True,
    )
    return made.stdout.strip()


def test_serve_answers_over_http_and_keeps_what_it_is_sent(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'served.db'}"
    key = create_key(db, "--role", "office", "--name", "Programme office")
    port = free_port()
    process = serving(db, port)
    try:
        base = f"http://127.0.0.1:{port}"
        assert 401 == httpx.post(f"{base}/trajectories", json=NEW).status_code
        auth = {"Authorization": f"Bearer {key}"}
        made = httpx.post(f"{base}/trajectories", json=NEW, headers=auth)
        assert 201 == made.status_code, made.text
        trajectory_id = made.json()["id"]
        refused = httpx.post(
            f"{base}/trajectories/{trajectory_id}/events/hold_orientation",
            json={**ORIENTATION, "date": "2999-01-01"},
            headers={"Accept-Language": "en", **auth},
        )
        assert 422 == refused.status_code
        assert "application/problem+json" == refused.headers["content-type"]
        assert "en" == refused.headers["content-language"]
        assert "3.1.0" == httpx.get(f"{base}/openapi.json").json()["openapi"]
    finally:
        stop(process)
    listed = subprocess.run(
        [str(TRAJECTORY), "list", "--db", db, "--json"], capture_output=True, text=True, check=True
    )
    rows: list[dict[str, Any]] = json.loads(listed.stdout)
    assert [trajectory_id] == [row["id"] for row in rows]
    history = subprocess.run(
        [str(TRAJECTORY), "history", trajectory_id, "--db", db, "--json"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert json.loads(history.stdout)[0]["actor"].startswith("Programme office (")


def test_serve_with_two_workers_shares_one_store(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'shared.db'}"
    port = free_port()
    process = serving(db, port, "--workers", "2", "--open")
    try:
        base = f"http://127.0.0.1:{port}"
        made = [httpx.post(f"{base}/trajectories", json=NEW).json()["id"] for _ in range(6)]
        listed = httpx.get(f"{base}/trajectories", params={"limit": "10"}).json()["items"]
        assert sorted(made) == sorted(item["id"] for item in listed)
    finally:
        stop(process)


def test_serve_refuses_a_port_out_of_range() -> None:
    result = subprocess.run(
        [str(TRAJECTORY), "serve", "--port", "70000"], capture_output=True, text=True
    )
    assert 2 == result.returncode
    assert "port" in result.stderr
