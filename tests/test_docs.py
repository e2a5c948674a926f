"""The documentation stays in step with the code.

The examples in the Markdown pages run as doctests (``--doctest-glob=*.md``); these
tests check what doctests cannot: the generated reference, the names the pages must
mention, the lifecycle diagram and the links.
"""

from __future__ import annotations

import importlib.util
import re
import sys
from pathlib import Path
from types import ModuleType
from typing import Final

import pytest

import trajectory
from tests.diagrams import mermaid_edges, routes
from trajectory.ontwikkelkracht import LIFECYCLE

ROOT: Final = Path(__file__).resolve().parent.parent
DOCS: Final = ROOT / "docs"
README: Final = ROOT / "README.md"
PAGES: Final = (README, *sorted(DOCS.rglob("*.md")))

_FENCE: Final = re.compile(r"^```.*?^```", re.MULTILINE | re.DOTALL)
_LINK: Final = re.compile(r"\[[^\]]*\]\(([^)\s]+)\)")
_HEADING: Final = re.compile(r"^#{1,6}\s+(.+?)\s*#*$", re.MULTILINE)
_MERMAID: Final = re.compile(r"^```mermaid\n(.*?)^```", re.MULTILINE | re.DOTALL)


def _load_generator() -> ModuleType:
    return _load_script("generate_reference.py")


def _load_script(name: str) -> ModuleType:
    """``docs/<name>`` imported as when it runs as a script: its folder on the path."""
    if str(DOCS) not in sys.path:
        sys.path.append(str(DOCS))
    path = DOCS / name
    spec = importlib.util.spec_from_file_location(f"docs_{path.stem}", path)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def generator() -> ModuleType:
    """The script that generates docs/reference/generated.md."""
    return _load_generator()


def _docs_text() -> str:
    return "\n".join(page.read_text(encoding="utf-8") for page in PAGES)


def _without_code(text: str) -> str:
    return _FENCE.sub("", text)


def _slug(heading: str) -> str:
    """The anchor GitHub gives a heading."""
    plain = re.sub(r"[`*_]{2,}|`", "", heading).strip().lower()
    return re.sub(r"[^\w\- ]", "", plain).replace(" ", "-")


def _anchors(page: Path) -> set[str]:
    text = _without_code(page.read_text(encoding="utf-8"))
    return {_slug(heading) for heading in _HEADING.findall(text)}


def test_generated_reference_is_in_step(generator: ModuleType) -> None:
    """docs/reference/generated.md is what the script renders from the code now."""
    current = generator.TARGET.read_text(encoding="utf-8")
    assert generator.update(current) == current, (
        "docs/reference/generated.md is out of step; run: python docs/generate_reference.py"
    )


def test_every_guard_has_its_violation_codes(generator: ModuleType) -> None:
    """The script knows the codes of every guard, and names only declared codes."""
    guards = {
        f"{guard.__module__}:{guard.__qualname__}"
        for definition in LIFECYCLE.events.values()
        for guard in definition.guards
    }
    assert set() == guards - set(generator.GUARD_CODES)
    named = {code for codes in generator.GUARD_CODES.values() for code in codes}
    assert set() == named - set(LIFECYCLE.violations)


def test_every_violation_code_is_documented() -> None:
    """Every violation code of the leertraject appears in the documentation."""
    text = _docs_text()
    assert [] == [code for code in LIFECYCLE.violations if f"`{code}`" not in text]


def test_every_event_is_documented() -> None:
    """Every event of the leertraject, the creation included, appears in the documentation."""
    text = _docs_text()
    events = [LIFECYCLE.creation.name, *LIFECYCLE.events]
    assert [] == [event for event in events if f"`{event}`" not in text]


def test_every_public_name_is_in_the_reference() -> None:
    """docs/reference.md describes every name of ``trajectory.__all__``."""
    text = (DOCS / "reference.md").read_text(encoding="utf-8")
    assert [] == [name for name in trajectory.__all__ if f"| `{name}` |" not in text]


def test_lifecycle_diagram_lists_every_transition() -> None:
    """The Mermaid diagram in docs/concepts.md has exactly the lifecycle's transitions."""
    (diagram,) = _MERMAID.findall((DOCS / "concepts.md").read_text(encoding="utf-8"))
    drawn, starts, ends = mermaid_edges(diagram)
    assert routes(LIFECYCLE) == drawn
    assert {LIFECYCLE.initial} == starts
    assert set(LIFECYCLE.final_states) == ends


@pytest.mark.parametrize("page", [README, DOCS / "concepts.md"], ids=lambda page: page.name)
def test_the_diagram_on_the_page_is_the_generated_one(page: Path) -> None:
    """The README and the concepts page show what trajectory.diagram() draws now."""
    (shown, *_) = _MERMAID.findall(page.read_text(encoding="utf-8"))
    assert trajectory.diagram(LIFECYCLE) == shown, (
        f"the diagram in {page.name} is out of step; run: python docs/update_diagrams.py"
    )


@pytest.mark.parametrize("page", PAGES, ids=lambda page: str(page.relative_to(ROOT)))
def test_relative_links_point_to_existing_files(page: Path) -> None:
    """Every relative link in the README and the docs leads to a file (and heading)."""
    broken = []
    for link in _LINK.findall(_without_code(page.read_text(encoding="utf-8"))):
        if re.match(r"^[a-z][a-z0-9+.-]*:", link):
            continue  # an absolute URL (https:, mailto:)
        path, _, anchor = link.partition("#")
        target = (page.parent / path).resolve() if path else page
        missing_heading = (
            target.is_file()
            and target.suffix == ".md"
            and anchor
            and anchor not in _anchors(target)
        )
        if not target.is_file() or missing_heading:
            broken.append(link)
    assert [] == broken
