"""The documentation site builds with every warning as an error.

``mkdocs build --strict`` (mkdocs.yml) fails on a broken link or anchor, a page
missing from the navigation or a navigation entry without a page, a missing
snippet, and a docstring cross-reference to nothing. The build runs once, into a
temporary directory; the tests read what it wrote.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Final, TypeAlias

import pytest

ROOT: Final = Path(__file__).resolve().parent.parent
_TIMEOUT: Final = 600

Build: TypeAlias = tuple[subprocess.CompletedProcess[str], Path]


@pytest.fixture(scope="module")
def build(
    tmp_path_factory: pytest.TempPathFactory,
) -> tuple[subprocess.CompletedProcess[str], Path]:
    """The strict build's result and the directory it wrote the site to."""
    site = tmp_path_factory.mktemp("site")
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(site)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=_TIMEOUT,
        check=False,
    )
    return result, site


@pytest.fixture(scope="module")
def site(build: Build) -> Path:
    result, site = build
    assert 0 == result.returncode, f"mkdocs build --strict failed:\n{result.stderr}"
    return site


def test_the_strict_build_has_no_warnings(
    build: tuple[subprocess.CompletedProcess[str], Path],
) -> None:
    """The build exits 0 and logs no warning or error."""
    result, _ = build
    output = f"{result.stdout}\n{result.stderr}"
    problems = [line for line in output.splitlines() if re.match(r"^\s*(WARNING|ERROR)\b", line)]
    assert (0, []) == (result.returncode, problems), output


def _page(site: Path, name: str) -> str:
    return (site / name / "index.html").read_text(encoding="utf-8")


def test_mermaid_diagrams_are_left_to_mermaid(site: Path) -> None:
    """A ```mermaid fence becomes the element Material hands to Mermaid, not code."""
    html = _page(site, "concepts")
    diagrams = re.findall(r'<pre class="mermaid"><code>(.*?)</code></pre>', html, re.DOTALL)
    assert 1 <= len(diagrams)
    assert "stateDiagram-v2" in diagrams[0]


def test_the_changelog_page_includes_the_changelog(site: Path) -> None:
    """The changelog page is CHANGELOG.md itself, included when the site is built."""
    changelog = (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")
    first_entry = re.search(r"^## \[(.+?)\]", changelog, re.MULTILINE)
    assert first_entry is not None
    html = _page(site, "changelog")
    assert f"[{first_entry[1]}]" in html
    assert "--8&lt;--" not in html


@pytest.mark.parametrize(
    ("page", "objects"),
    [
        ("reference/api/trajectory", ["trajectory.new_trajectory", "trajectory.Trajectory"]),
        ("reference/api/engine", ["trajectory.engine.runtime.Trajectory.fire"]),
        ("reference/api/ontwikkelkracht", ["trajectory.ontwikkelkracht.rules.Rules"]),
        ("reference/api/store", ["trajectory.store.open_store"]),
        ("reference/api/sim", ["trajectory.sim.cohort.simulate"]),
        ("reference/api/testing", ["trajectory.testing.make_trajectory"]),
    ],
)
def test_api_pages_render_the_docstrings(site: Path, page: str, objects: list[str]) -> None:
    """Each API page documents its package's objects, under their full paths."""
    html = _page(site, page)
    assert [] == [name for name in objects if f'id="{name}"' not in html]


def test_docstring_roles_become_links(site: Path) -> None:
    """A ``:class:`~trajectory.ManualClock``` role in a docstring is a link on the site,
    not reStructuredText shown as text."""
    html = "\n".join(
        path.read_text(encoding="utf-8") for path in (site / "reference" / "api").rglob("*.html")
    )
    assert [] == re.findall(r":(?:class|func|meth|mod|data|attr):`", html)
    assert 'href="#trajectory.testing.stateful.LeertrajectMachine.create"' in _page(
        site, "reference/api/testing"
    )
