"""Every ```python block of the README and the docs runs.

The ```pycon blocks run as doctests (``--doctest-glob=*.md``); this module runs the
```python blocks. Each runs in a fresh interpreter, in an empty directory of its own,
with ``TRAJECTORY_DB`` pointing there, and must exit 0. The line right before a block's
fence may say how else to treat it:

- ``<!-- run: pytest -->``: the block is a test module; pytest runs it and at least one
  test must pass and none fail;
- ``<!-- not run: REASON -->``: a fragment, or code that needs what a test run does not
  have (a server on another host, a cluster); the reason must be given.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Final, NamedTuple

import pytest

ROOT: Final = Path(__file__).resolve().parent.parent
PAGES: Final = (ROOT / "README.md", *sorted((ROOT / "docs").rglob("*.md")))

_OPEN: Final = re.compile(r"^(?P<indent>[ \t]*)```(?P<lang>[\w+-]*)[^\n`]*$")
_MARKER: Final = re.compile(r"^\s*<!--\s*(?P<kind>run|not run)\s*:\s*(?P<value>.*?)\s*-->\s*$")
_TIMEOUT: Final = 300


class Block(NamedTuple):
    """One fenced code block of a page."""

    page: Path
    line: int  # of the opening fence, from 1
    lang: str
    code: str
    marker: tuple[str, str] | None  # ("run", "pytest") or ("not run", reason)

    @property
    def name(self) -> str:
        return f"{self.page.relative_to(ROOT)}:{self.line}"


def blocks(page: Path) -> list[Block]:
    """The fenced code blocks of ``page``, with the marker on the line before each."""
    lines = page.read_text(encoding="utf-8").splitlines()
    found = []
    index = 0
    while index < len(lines):
        opening = _OPEN.match(lines[index])
        if opening is None:
            index += 1
            continue
        indent = opening["indent"]
        end = index + 1
        while end < len(lines) and lines[end].strip() != "```":
            end += 1
        body = [line.removeprefix(indent) for line in lines[index + 1 : end]]
        marker = _MARKER.match(lines[index - 1]) if index else None
        found.append(
            Block(
                page=page,
                line=index + 1,
                lang=opening["lang"],
                code="\n".join(body) + "\n",
                marker=(marker["kind"], marker["value"]) if marker else None,
            )
        )
        index = end + 1
    return found


PYTHON_BLOCKS: Final = [block for page in PAGES for block in blocks(page) if block.lang == "python"]
RUN: Final = [block for block in PYTHON_BLOCKS if block.marker is None]
RUN_WITH_PYTEST: Final = [block for block in PYTHON_BLOCKS if block.marker == ("run", "pytest")]


def _run(command: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "TRAJECTORY_DB": str(cwd / "trajectory.db")}
    env.pop("PYTEST_ADDOPTS", None)
    return subprocess.run(
        command,
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=_TIMEOUT,
        check=False,
    )


def test_the_blocks_are_found() -> None:
    """The parser finds the blocks of a page, with their markers (so the tests below
    cannot pass by finding nothing)."""
    pages = {block.page.name for block in PYTHON_BLOCKS}
    assert {"embed-in-a-web-application.md", "test-with-the-pytest-plugin.md"} <= pages
    assert [] != RUN
    assert [] != RUN_WITH_PYTEST


@pytest.mark.parametrize("page", PAGES, ids=lambda page: str(page.relative_to(ROOT)))
def test_every_marker_is_known_and_marks_a_python_block(page: Path) -> None:
    """A marker says ``run: pytest`` or ``not run: <reason>`` and stands right before a
    ```python fence; a stray or misspelt marker would silently mark nothing."""
    lines = page.read_text(encoding="utf-8").splitlines()
    marked = {block.line - 1 for block in blocks(page) if block.lang == "python"}
    wrong = []
    for number, line in enumerate(lines, start=1):
        if not re.match(r"\s*<!--\s*(not )?run\b", line):
            continue  # not a marker (one quoted in a sentence is code, not a marker)
        marker = _MARKER.match(line)
        valid = marker is not None and (
            (marker["kind"] == "run" and marker["value"] == "pytest")
            or (marker["kind"] == "not run" and marker["value"] != "")
        )
        if not valid or number not in marked:
            wrong.append(f"{page.name}:{number}: {line.strip()}")
    assert [] == wrong


@pytest.mark.parametrize("block", RUN, ids=lambda block: block.name)
def test_python_block_runs(block: Block, tmp_path: Path) -> None:
    """The block runs as a script and exits 0."""
    script = tmp_path / "block.py"
    script.write_text(block.code, encoding="utf-8")
    result = _run([sys.executable, str(script)], tmp_path)
    assert 0 == result.returncode, f"{block.name} failed:\n{result.stdout}\n{result.stderr}"


@pytest.mark.parametrize("block", RUN_WITH_PYTEST, ids=lambda block: block.name)
def test_python_block_passes_as_a_test_module(block: Block, tmp_path: Path) -> None:
    """The block is a test module: pytest runs it, and its tests pass."""
    module = tmp_path / "test_block.py"
    module.write_text(block.code, encoding="utf-8")
    result = _run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-W", "error", "-rA"],
        tmp_path,
    )
    output = f"{result.stdout}\n{result.stderr}"
    assert 0 == result.returncode, f"{block.name} failed:\n{output}"
    assert re.search(r"\b[1-9]\d* passed\b", output), output
