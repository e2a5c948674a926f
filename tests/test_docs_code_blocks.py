"""Every ```python block of the README and the docs runs.

The ```pycon blocks run as doctests (``--doctest-glob=*.md``); this module runs the
```python blocks. Each runs in a fresh interpreter, in an empty directory of its own,
with ``TRAJECTORY_DB`` pointing there, and must exit 0. The line right before a block's
fence may say how else to treat it:

- ``<!-- run: pytest -->``: the block is a test module; pytest runs it and at least one
  test must pass and none fail;
- ``<!-- run: postgresql -->``: the block needs PostgreSQL: it runs with
  ``TRAJECTORY_DB`` naming the server of ``TRAJECTORY_TEST_POSTGRES_URL``, in a new
  schema of its own (dropped afterwards); skipped when that variable is unset, as the
  store tests are;
- ``<!-- not run: REASON -->``: code that cannot run here (it never ends, or needs what
  the test environment does not have); the reason must be given. A block whose reason
  says it is ``a fragment of`` a file of the repository must be that: its lines are
  found in the file, in order.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Final, NamedTuple
from urllib.parse import parse_qsl, quote, urlencode, urlsplit

import pytest

ROOT: Final = Path(__file__).resolve().parent.parent
PAGES: Final = (ROOT / "README.md", *sorted((ROOT / "docs").rglob("*.md")))

_OPEN: Final = re.compile(r"^(?P<indent>[ \t]*)```(?P<lang>[\w+-]*)[^\n`]*$")
_MARKER: Final = re.compile(r"^\s*<!--\s*(?P<kind>run|not run)\s*:\s*(?P<value>.*?)\s*-->\s*$")
_TIMEOUT: Final = 300
#: The markers' values for the blocks that run.
_RUN_KINDS: Final = ("pytest", "postgresql")
#: The reason of a block that quotes a file of the repository.
_FRAGMENT: Final = re.compile(r"\ba fragment of (?P<path>[\w./-]+\.\w+)")
#: The PostgreSQL server for the blocks that need one (the store tests use it too).
_POSTGRES_ENV: Final = "TRAJECTORY_TEST_POSTGRES_URL"


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
RUN_ON_POSTGRESQL: Final = [
    block for block in PYTHON_BLOCKS if block.marker == ("run", "postgresql")
]
FRAGMENTS: Final = [
    block
    for block in PYTHON_BLOCKS
    if block.marker is not None
    and block.marker[0] == "not run"
    and _FRAGMENT.search(block.marker[1])
]


def _run(
    command: list[str], cwd: Path, database: str | None = None
) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "TRAJECTORY_DB": database or str(cwd / "trajectory.db")}
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
    assert [] != RUN_ON_POSTGRESQL
    assert [] != FRAGMENTS


@pytest.mark.parametrize("page", PAGES, ids=lambda page: str(page.relative_to(ROOT)))
def test_every_marker_is_known_and_marks_a_python_block(page: Path) -> None:
    """A marker says ``run: pytest``, ``run: postgresql`` or ``not run: <reason>`` and
    stands right before a ```python fence; a stray or misspelt marker would silently
    mark nothing."""
    lines = page.read_text(encoding="utf-8").splitlines()
    marked = {block.line - 1 for block in blocks(page) if block.lang == "python"}
    wrong = []
    for number, line in enumerate(lines, start=1):
        if not re.match(r"\s*<!--\s*(not )?run\b", line):
            continue  # not a marker (one quoted in a sentence is code, not a marker)
        marker = _MARKER.match(line)
        valid = marker is not None and (
            (marker["kind"] == "run" and marker["value"] in _RUN_KINDS)
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


@pytest.fixture(scope="module")
def postgres_server() -> str:
    """The PostgreSQL server of ``TRAJECTORY_TEST_POSTGRES_URL``."""
    return postgres_server_url()


def postgres_server_url() -> str:
    """The URL in ``TRAJECTORY_TEST_POSTGRES_URL``: skip the test when it is unset,
    fail it when the server does not answer."""
    url = os.environ.get(_POSTGRES_ENV, "").strip()
    if not url:
        pytest.skip(f"no PostgreSQL server: set {_POSTGRES_ENV} to run the PostgreSQL blocks")
    import psycopg

    try:
        psycopg.connect(url, connect_timeout=5).close()
    except psycopg.Error as err:
        pytest.fail(f"PostgreSQL is not reachable at {_POSTGRES_ENV}: {err}", pytrace=False)
    return url


@pytest.fixture
def postgres_schema(postgres_server: str) -> Iterator[str]:
    """The server's URL with a new, empty schema as the connections' search path; the
    schema is dropped with everything in it afterwards."""
    import psycopg
    from psycopg import sql

    schema = f"docs_{uuid.uuid4().hex[:16]}"
    with psycopg.connect(postgres_server, autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE SCHEMA {}").format(sql.Identifier(schema)))
    try:
        yield with_search_path(postgres_server, schema)
    finally:
        with psycopg.connect(postgres_server, autocommit=True) as conn:
            conn.execute("SET lock_timeout = '10s'")
            conn.execute(sql.SQL("DROP SCHEMA {} CASCADE").format(sql.Identifier(schema)))


def with_search_path(url: str, schema: str, **options: Any) -> str:
    """``url`` with the connection options that make ``schema`` the search path (and
    set ``options``, such as a role)."""
    parts = urlsplit(url)
    query = dict(parse_qsl(parts.query, keep_blank_values=True))
    settings = [f"-csearch_path={schema}", *(f"-c{k}={v}" for k, v in options.items())]
    query["options"] = " ".join(filter(None, [query.get("options", ""), *settings]))
    return parts._replace(query=urlencode(query, quote_via=quote)).geturl()


@pytest.mark.parametrize("block", RUN_ON_POSTGRESQL, ids=lambda block: block.name)
def test_python_block_runs_on_postgresql(
    block: Block, tmp_path: Path, postgres_schema: str
) -> None:
    """The block runs as a script against PostgreSQL, in a schema of its own, and exits 0."""
    script = tmp_path / "block.py"
    script.write_text(block.code, encoding="utf-8")
    result = _run([sys.executable, str(script)], tmp_path, database=postgres_schema)
    assert 0 == result.returncode, f"{block.name} failed:\n{result.stdout}\n{result.stderr}"


def _code_lines(text: str) -> list[str]:
    """The lines of code of ``text``, stripped, without blanks and comment lines."""
    lines = (line.strip() for line in text.splitlines())
    return [line for line in lines if line and not line.startswith("#")]


@pytest.mark.parametrize("block", FRAGMENTS, ids=lambda block: block.name)
def test_a_fragment_is_found_in_its_file(block: Block) -> None:
    """A block shown as a fragment of a file (``not run: a fragment of <path>``) is in
    that file as it is now: each of its lines of code, in order."""
    assert block.marker is not None
    found = _FRAGMENT.search(block.marker[1])
    assert found is not None
    source = _code_lines((ROOT / found["path"]).read_text(encoding="utf-8"))
    position = 0
    missing = []
    for line in _code_lines(block.code):
        try:
            position = source.index(line, position) + 1
        except ValueError:
            missing.append(line)
    assert [] == missing
