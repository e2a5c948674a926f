"""The curl blocks of docs/how-to/integrate-over-http.md run against ``trajectory serve``.

The page's ```bash blocks run in order, as one script, with ``TRAJECTORY_DB`` naming
the store of a service started on a free port, the page's address replaced by its.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Final

import pytest

from tests.service.test_serve import free_port, serving, stop

PAGE: Final = Path(__file__).resolve().parents[2] / "docs" / "how-to" / "integrate-over-http.md"
ADDRESS: Final = "http://127.0.0.1:8000"
_BLOCK: Final = re.compile(r"^```bash\n(.*?)^```$", re.MULTILINE | re.DOTALL)


def script() -> str:
    return "set -euo pipefail\n" + "\n".join(_BLOCK.findall(PAGE.read_text(encoding="utf-8")))


@pytest.mark.skipif(shutil.which("curl") is None or shutil.which("jq") is None, reason="no curl/jq")
def test_the_pages_curl_blocks_run(tmp_path: Path) -> None:
    port = free_port()
    db = f"sqlite:///{tmp_path / 'docs.db'}"
    process = serving(db, port)
    path = f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}"
    try:
        result = subprocess.run(
            ["bash", "-c", script().replace(ADDRESS, f"http://127.0.0.1:{port}")],
            cwd=tmp_path,
            env={**os.environ, "TRAJECTORY_DB": db, "PATH": path},
            capture_output=True,
            text=True,
            timeout=300,
        )
    finally:
        stop(process)
    assert 0 == result.returncode, result.stdout + result.stderr
    lines = result.stdout.splitlines()
    assert "orientation_held 2" in lines
    assert "422" in lines
    assert "https://trajectory.invalid/problems/refused" in lines
    shown = PAGE.read_text(encoding="utf-8")
    for code in ("talks.required_missing", "participants.minimum", "hours.minimum"):
        said = next(line for line in lines if line.startswith(f"{code}: "))
        assert said in shown  # the page shows the Dutch message the service gives
