"""The curl blocks of docs/how-to/integrate-over-http.md run against ``trajectory serve``.

The page's ```bash blocks run in order, as one script, with ``TRAJECTORY_DB`` naming
the store of a service started on a free port, the page's address replaced by its.
"""

from __future__ import annotations

from pathlib import Path
from typing import Final

import pytest

from tests.service.docs_pages import HOW_TO, TOOLS_MISSING, run_curl_blocks

PAGE: Final = "integrate-over-http.md"


@pytest.mark.skipif(TOOLS_MISSING, reason="no curl/jq")
def test_the_pages_curl_blocks_run(tmp_path: Path) -> None:
    lines = run_curl_blocks(PAGE, tmp_path).lines
    assert "orientation_held 2" in lines
    assert "422" in lines
    assert "https://trajectory.invalid/problems/refused" in lines
    shown = (HOW_TO / PAGE).read_text(encoding="utf-8")
    for code in ("talks.required_missing", "participants.minimum", "hours.minimum"):
        said = next(line for line in lines if line.startswith(f"{code}: "))
        assert said in shown  # the page shows the Dutch message the service gives
