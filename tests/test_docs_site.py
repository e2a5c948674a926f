"""The documentation site builds with every warning as an error.

``mkdocs build --strict`` (mkdocs.yml) fails on a broken link or anchor, a page
missing from the navigation or a navigation entry without a page, a missing
snippet, and a docstring cross-reference to nothing. The build runs once, into a
temporary directory; the tests read what it wrote, and open its pages in headless
Chromium with no network (tests/headless_chromium.py) to see the diagrams drawn.
"""

from __future__ import annotations

import functools
import hashlib
import http.server
import os
import re
import shutil
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Final, NamedTuple, TypeAlias

import material  # type: ignore[import-untyped]
import pytest

from tests import headless_chromium
from trajectory.ontwikkelkracht import LIFECYCLE

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
        (
            "reference/api/office",
            ["trajectory.office.office.Office.grant", "trajectory.office.office.Application"],
        ),
        ("reference/api/publish", ["trajectory.publish.CloudEvents.read"]),
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


# -- the diagrams, drawn in a browser with no network ------------------------------------


def test_the_shipped_mermaid_is_the_release_mkdocs_yml_names() -> None:
    """The Mermaid the site ships is the file mkdocs.yml describes (its SHA-256 and
    its version), with its licence beside it, and Material's loader asks for the same
    major version (it is written against that version's API)."""
    config = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    described = re.search(r"mermaid (\d+)\.(\d+\.\d+)'s.*?sha256[\s#]+([0-9a-f]{64})", config, re.S)
    assert described is not None
    major, minor, checksum = described.groups()
    shipped = ROOT / "docs" / "assets" / "javascripts" / "mermaid.min.js"
    assert checksum == hashlib.sha256(shipped.read_bytes()).hexdigest()
    assert f'version:"{major}.{minor}"' in shipped.read_text(encoding="utf-8")
    assert "MIT License" in (shipped.parent / "mermaid.LICENSE").read_text(encoding="utf-8")
    bundle = next((Path(material.__file__).parent / "templates").rglob("bundle.*.min.js"))
    assert f"mermaid@{major}/" in bundle.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def chromium() -> str:
    """A headless Chromium (Debian's ``chromium``). Missing, the browser tests skip on
    a developer's machine and fail in CI (``CI=true``), where .ci/run installs it."""
    found = headless_chromium.find()
    if found is None:
        message = "the diagram tests need Chromium: apt-get install chromium"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    return found


def _diagram(document: dict[str, Any]) -> dict[str, Any] | None:
    """The container of the first diagram Mermaid drew: the ``div.mermaid`` Material
    puts in place of the ```mermaid block, with the SVG in its (closed) shadow root."""
    for node in headless_chromium.walk(document):
        classes = headless_chromium.attributes(node).get("class", "").split()
        if node.get("localName") == "div" and "mermaid" in classes:
            for root in node.get("shadowRoots", ()):
                if any(child.get("localName") == "svg" for child in root.get("children", ())):
                    return node
    return None


class Rendered(NamedTuple):
    """What a page showed in the offline browser."""

    text: list[str]
    """The text of its first drawn diagram (nothing when none was drawn)."""
    scripts: list[str]
    """The scripts it asked another host for."""
    failed: list[str]
    """The URLs of its requests that got no answer."""


def _rendered(chromium: str, page: Path, screenshot: Path, *, expected: bool) -> Rendered:
    """Open ``page`` with no network and wait for its first diagram to be drawn (up to a
    minute; when none is ``expected``, only until the page has settled)."""
    with headless_chromium.browser(chromium) as browser:
        opened = headless_chromium.Page(browser, page.as_uri())
        diagram = opened.wait(_diagram, timeout=60, until_settled=not expected)
        if diagram is not None:
            opened.screenshot(screenshot, diagram)
        return Rendered(
            [] if diagram is None else headless_chromium.text(diagram),
            opened.external_requests("Script"),
            opened.failed_requests(),
        )


def test_the_lifecycle_diagram_is_drawn_with_no_network(
    chromium: str, site: Path, tmp_path: Path
) -> None:
    """Opened from the disk in a browser that cannot reach any host, the concepts page
    shows the lifecycle diagram: Mermaid, shipped with the site, drew an SVG with every
    state's name in the diagram's container, and no script came from the network."""
    shown = _rendered(
        chromium, site / "concepts" / "index.html", tmp_path / "shot.png", expected=True
    )
    assert [] == shown.scripts
    assert [] == [state for state in LIFECYCLE.states if state not in shown.text]
    assert (tmp_path / "shot.png").stat().st_size > 0


def test_without_the_shipped_mermaid_the_diagram_is_not_drawn(
    chromium: str, site: Path, tmp_path: Path
) -> None:
    """The check above can fail: the same page without the shipped script (as the site
    was built before it shipped Mermaid) makes Material fetch Mermaid from its CDN,
    which the offline browser cannot reach, and no diagram is drawn."""
    page = tmp_path / "concepts" / "index.html"
    shutil.copytree(site, tmp_path, dirs_exist_ok=True)
    html = page.read_text(encoding="utf-8")
    tag = re.compile(r'\s*<script src="[./]*assets/javascripts/mermaid\.min\.js"></script>')
    assert 1 == len(tag.findall(html))
    page.write_text(tag.sub("", html), encoding="utf-8")
    shown = _rendered(chromium, page, tmp_path / "shot.png", expected=False)
    fetched = [url for url in shown.scripts if "mermaid" in url]
    assert (1, []) == (len(fetched), shown.text)
    assert set(fetched) <= set(shown.failed)


#: A strict policy: scripts, styles, fonts and connections from the site itself only
#: (Material's own inline scripts allowed), no eval, images also as data: URLs.
STRICT_POLICY: Final = (
    "default-src 'self'; script-src 'self' 'unsafe-inline'; "
    "style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self'; "
    "connect-src 'self'"
)


class _PolicyHandler(http.server.SimpleHTTPRequestHandler):
    """Serves the site with the strict Content-Security-Policy header."""

    def end_headers(self) -> None:
        self.send_header("Content-Security-Policy", STRICT_POLICY)
        super().end_headers()

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: the test reads the browser, not the server's log."""


@pytest.fixture
def served(site: Path) -> Iterator[str]:
    """The site served over HTTP on 127.0.0.1 with the strict policy; its base URL."""
    handler = functools.partial(_PolicyHandler, directory=str(site))
    with http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler) as server:
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        try:
            yield f"http://127.0.0.1:{server.server_address[1]}/"
        finally:
            server.shutdown()
            thread.join()


def test_the_diagram_is_drawn_under_a_strict_content_policy(
    chromium: str, served: str, tmp_path: Path
) -> None:
    """Served with a Content-Security-Policy that allows only the site's own scripts
    (no other host, no eval), the lifecycle diagram is drawn all the same."""
    with headless_chromium.browser(chromium) as browser:
        page = headless_chromium.Page(browser, f"{served}concepts/")
        diagram = page.wait(_diagram, timeout=60)
        text = [] if diagram is None else headless_chromium.text(diagram)
    assert [] == [state for state in LIFECYCLE.states if state not in text]
