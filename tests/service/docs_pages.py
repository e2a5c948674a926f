"""The curl blocks of a how-to page, run against ``trajectory serve``.

A page's ```bash blocks run in order, as one script (``set -euo pipefail``), in an
empty folder, with ``TRAJECTORY_DB`` naming the store of a service started on a free
port of its own, and the page's address (``http://127.0.0.1:8000``) replaced by that
service's. Its ```text blocks are what the page says they print.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Final, NamedTuple

from tests.service.test_serve import free_port, serving, stop

#: The how-to pages.
HOW_TO: Final = Path(__file__).resolve().parents[2] / "docs" / "how-to"
#: The service's address as the pages write it.
ADDRESS: Final = "http://127.0.0.1:8000"
#: What the page's curl blocks need on the machine.
TOOLS_MISSING: Final = shutil.which("curl") is None or shutil.which("jq") is None

_FENCED: Final = re.compile(r"^```(bash|text)\n(.*?)^```$", re.MULTILINE | re.DOTALL)


def blocks(page: str, kind: str) -> str:
    """The page's fenced blocks of ``kind`` (``bash`` or ``text``), one after another."""
    found = _FENCED.findall((HOW_TO / page).read_text(encoding="utf-8"))
    return "".join(code for fence, code in found if fence == kind)


def script(page: str) -> str:
    """The page's bash blocks as one script that stops at the first failure."""
    return "set -euo pipefail\n" + blocks(page, "bash")


class Ran(NamedTuple):
    """What the page's script printed, and the address of the service it ran against."""

    output: str
    address: str

    @property
    def lines(self) -> list[str]:
        return self.output.splitlines()


def run_curl_blocks(page: str, folder: Path, timeout: float = 300) -> Ran:
    """Run the page's bash blocks against a new service (its store a SQLite file in
    ``folder``); fails the test when the script fails."""
    port = free_port()
    address = f"http://127.0.0.1:{port}"
    db = f"sqlite:///{folder / 'docs.db'}"
    process = serving(db, port)
    path = f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}"
    try:
        result = subprocess.run(
            ["bash", "-c", script(page).replace(ADDRESS, address)],
            cwd=folder,
            env={**os.environ, "TRAJECTORY_DB": db, "PATH": path},
            capture_output=True,
            text=True,
            timeout=timeout,
        )
    finally:
        stop(process)
    assert 0 == result.returncode, result.stdout + result.stderr
    return Ran(result.stdout, address)
