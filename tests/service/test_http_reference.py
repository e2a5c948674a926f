"""``docs/reference/http.md`` is what ``docs/generate_http_reference.py`` writes now."""

from __future__ import annotations

import importlib.util
from pathlib import Path

DOCS = Path(__file__).resolve().parents[2] / "docs"


def test_the_http_reference_is_in_step_with_the_openapi_document() -> None:
    spec = importlib.util.spec_from_file_location(
        "docs_generate_http_reference", DOCS / "generate_http_reference.py"
    )
    assert spec is not None
    assert spec.loader is not None
    generator = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(generator)
    page = generator.render()
    assert "### `POST /trajectories/{id}/events/hold_orientation`" in page
    assert (DOCS / "reference" / "http.md").read_text(encoding="utf-8") == page, (
        "docs/reference/http.md is out of step; run: python docs/generate_http_reference.py"
    )
