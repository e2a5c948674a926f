"""The pages of docs/examples/ stay in step with their example programmes: the diagram
they show, and the definition file and the output they quote."""

from __future__ import annotations

import pytest

from trajectory import diagram

from . import fenced, load_example, output_of

#: Each page, the example it describes and the name of the example's lifecycle.
PAGES = [
    pytest.param("leerkracht.md", "leerkracht", "LEERKRACHT", id="leerkracht"),
    pytest.param(
        "rotterdam.md", "rotterdam_school_development", "SCHOOL_DEVELOPMENT", id="rotterdam"
    ),
]


@pytest.mark.parametrize(("page", "name", "lifecycle"), PAGES)
def test_the_page_shows_the_lifecycle_s_diagram(page: str, name: str, lifecycle: str) -> None:
    """The page's Mermaid block is what ``diagram()`` draws of the example now."""
    assert [diagram(getattr(load_example(name), lifecycle))] == fenced(page, "mermaid")


@pytest.mark.parametrize(("page", "name", "lifecycle"), PAGES)
def test_the_page_quotes_the_definition_file(page: str, name: str, lifecycle: str) -> None:
    """Every TOML block of the page is a verbatim part of the definition file."""
    text = load_example(name).DEFINITION.read_text(encoding="utf-8")
    blocks = fenced(page, "toml")
    assert [] != blocks
    assert [] == [block for block in blocks if block not in text]


@pytest.mark.parametrize(("page", "name", "lifecycle"), PAGES)
def test_the_page_quotes_what_the_example_prints(page: str, name: str, lifecycle: str) -> None:
    """Every line of the page's output blocks is a line the example prints."""
    printed = output_of(load_example(name)).splitlines()
    lines = [line for block in fenced(page, "text") for line in block.splitlines()]
    assert [] != lines
    assert [] == [line for line in lines if line not in printed]
