"""The curl blocks of docs/how-to/serve-over-http.md run against ``trajectory serve``.

The page's ```bash blocks run in order, as one script (``set -euo pipefail``), in an
empty directory, with ``TRAJECTORY_DB`` naming the store of a service this test
starts on a free port of its own, and the page's address (``http://127.0.0.1:8000``)
replaced by that service's.
"""

from __future__ import annotations

from pathlib import Path
from typing import Final

import pytest

from tests.service.docs_pages import TOOLS_MISSING, run_curl_blocks, script

PAGE: Final = "serve-over-http.md"


def test_the_page_has_curl_blocks_for_each_step() -> None:
    text = script(PAGE)
    for path in ("/trajectories", "/events/hold_orientation", "/history", "/openapi.json"):
        assert path in text
    assert text.count("curl ") >= 6


@pytest.mark.skipif(TOOLS_MISSING, reason="no curl/jq")
def test_the_pages_curl_blocks_run(tmp_path: Path) -> None:
    ran = run_curl_blocks(PAGE, tmp_path)
    lines = ran.lines
    assert "422" in lines  # the refusal
    assert "https://trajectory.invalid/problems/refused" in lines
    assert any(line.startswith("participants.minimum: ") for line in lines)
    replays = [line for line in lines if line.startswith('{"version":4')]
    assert 2 == len(replays)
    assert replays[0] == replays[1]
    assert "3.1.0" in lines
    assert any(line.startswith("register by Programme office (") for line in lines)
    print(ran.output)
