"""The programme office's page in a real browser: the system's Chromium (Debian's
``chromium``), driven by Playwright, on the service served by uvicorn on a loopback port.

Signs in, reads the round, the due decision and a timeline, switches to English, and
walks the page with the keyboard. Screenshots go to a temporary directory; with
``TRAJECTORY_SCREENSHOTS=1`` they are written to ``docs/assets/screenshots/`` (the
documentation's, committed): ``TRAJECTORY_SCREENSHOTS=1 pytest
tests/service/test_page_browser.py``.
"""

from __future__ import annotations

import os
import shutil
import socket
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Final

import pytest

import trajectory
from tests.service.test_page import BLOCKED_EN, BLOCKED_NL, Seeded, at, seed
from trajectory.service import create_app

pytestmark = pytest.mark.end_to_end

CHROMIUM: Final = shutil.which("chromium") or "/usr/bin/chromium"
DOCS_SCREENSHOTS: Final = Path(__file__).resolve().parents[2] / "docs" / "assets" / "screenshots"


@pytest.fixture
def served() -> Iterator[tuple[str, Seeded]]:
    """The service on a seeded memory store, served by uvicorn in a thread on a free
    loopback port: its base URL and the seed."""
    import datetime as dt

    import uvicorn

    clock = trajectory.ManualClock(at(dt.date(2024, 4, 20)))
    with trajectory.open_store("memory://", clock=clock) as store:
        seeded = seed(store, clock)
        app = create_app(store, clock=clock, credentials=seeded.credentials)
        listening = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        listening.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listening.bind(("127.0.0.1", 0))
        port = listening.getsockname()[1]
        config = uvicorn.Config(
            app, lifespan="off", ws="none", log_level="warning", access_log=False
        )
        server = uvicorn.Server(config)
        thread = threading.Thread(target=server.run, kwargs={"sockets": [listening]})
        thread.start()
        try:
            for _ in range(500):  # until it listens (a bounded wait, not a timing)
                if server.started:
                    break
                threading.Event().wait(0.01)
            assert server.started, "uvicorn did not start"
            yield f"http://127.0.0.1:{port}", seeded
        finally:
            server.should_exit = True
            thread.join(timeout=10)
            listening.close()


@pytest.fixture
def browser() -> Iterator[Any]:
    """The system's Chromium, headless (Playwright never downloads a browser here)."""
    if not os.path.exists(CHROMIUM):
        pytest.skip("the system's chromium is not installed (apt-get install chromium)")
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, headless=True)
        try:
            yield launched
        finally:
            launched.close()


@pytest.fixture
def shots(tmp_path: Path) -> Path:
    """Where the screenshots go: the docs' directory when asked, else a temporary one."""
    if os.environ.get("TRAJECTORY_SCREENSHOTS") == "1":
        DOCS_SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        return DOCS_SCREENSHOTS
    return tmp_path


def words(text: str) -> str:
    """``text`` with its white space (tabs, no-break spaces) as single spaces."""
    return " ".join(text.split())


def focused(page: Any) -> dict[str, Any]:
    """The focused element: its tag, text, href and outline (its focus indicator)."""
    found: dict[str, Any] = page.evaluate(
        """() => {
            const e = document.activeElement;
            const style = getComputedStyle(e);
            const box = e.getBoundingClientRect();
            return {tag: e.tagName.toLowerCase(), text: e.textContent.trim(),
                    href: e.getAttribute('href'), id: e.id,
                    outline: style.outlineStyle, outlineWidth: style.outlineWidth,
                    visible: box.width > 0 && box.height > 0 && box.left >= 0 && box.top >= 0};
        }"""
    )
    return found


def test_the_office_reads_the_round_in_a_browser_in_dutch_and_english(
    served: tuple[str, Seeded], browser: Any, shots: Path
) -> None:
    """Signed in with the office's key: the round in order of receipt with its ledger
    figures, a blocker's Dutch message, the decision due this week and a trajectory's
    timeline; the language switch gives English."""
    base, seeded = served
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="nl-NL")
    page = context.new_page()
    page.goto(f"{base}/office/rounds/2024-2025/main")
    assert page.url.startswith(f"{base}/office/sign-in?next=")
    assert "nl" == page.get_attribute("html", "lang")
    page.screenshot(path=str(shots / "sign-in.png"))
    page.get_by_label("API-sleutel").fill(seeded.keys["office"])
    page.keyboard.press("Enter")
    page.wait_for_url(f"{base}/office/rounds/2024-2025/main")

    ledger = page.locator("table.ledger")
    assert "€ 2.120.000,00" in words(ledger.locator("tr", has_text="Subsidieplafond").inner_text())
    assert "€ 21.200,00" in words(ledger.locator("tr", has_text="Vastgelegd").inner_text())
    assert "€ 2.098.800,00" in words(ledger.locator("tr", has_text="Resterend").inner_text())
    in_order = page.locator("section[aria-labelledby=in-order] tbody th[scope=row]")
    assert [seeded.granted.id, seeded.due.id] == in_order.all_inner_texts()
    blocked = page.locator("section[aria-labelledby=blocked] tr", has_text="OBS Zonnewijzer")
    assert BLOCKED_NL in blocked.inner_text()
    page.screenshot(path=str(shots / "round.png"), full_page=True)

    page.get_by_role("link", name="Overzicht").first.click()
    due = page.locator("section[aria-labelledby=due] tbody tr")
    assert 1 == due.count()
    assert seeded.due.id in due.inner_text()
    assert "2 augustus 2024" in due.inner_text()
    page.screenshot(path=str(shots / "home.png"), full_page=True)

    page.goto(f"{base}/office/rounds/2024-2025/main")
    page.get_by_role("link", name="OBS Zonnewijzer").click()
    assert "Leertraject OBS Zonnewijzer" == page.locator("h1").inner_text()
    rows = page.locator("section[aria-labelledby=timeline] tbody tr")
    assert "traject aangemaakt" in rows.first.inner_text()
    assert "Expertschool Lezen" in rows.first.inner_text()
    assert "26 april 2024 om 10:00" in rows.first.inner_text()
    assert BLOCKED_NL in page.locator("dl.blockers").inner_text()
    page.screenshot(path=str(shots / "timeline.png"), full_page=True)

    page.get_by_role("link", name="Read this page in English").click()
    assert "en" == page.get_attribute("html", "lang")
    assert "Timeline" in page.locator("h2#timeline").inner_text()
    assert "trajectory created" in rows.first.inner_text()
    assert BLOCKED_EN in page.locator("dl.blockers").inner_text()
    page.goto(f"{base}/office/rounds/2024-2025/main")
    assert "€2,120,000.00" in words(page.locator("table.ledger").inner_text())
    page.screenshot(path=str(shots / "round-en.png"), full_page=True)
    context.close()


def test_the_page_is_walked_with_the_keyboard(
    served: tuple[str, Seeded], browser: Any, shots: Path
) -> None:
    """Tab reaches the skip link first (visible when focused), then the links and the
    sign-out button in the page's order, each with a visible focus; Enter on the skip
    link moves to the content, Enter on a round's link follows it."""
    base, seeded = served
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="nl-NL")
    page = context.new_page()
    page.goto(f"{base}/office/sign-in")
    page.keyboard.press("Tab")
    assert "Naar de inhoud" == focused(page)["text"]
    for _ in range(10):  # the header's links, then the field
        page.keyboard.press("Tab")
        if "key" == focused(page)["id"]:
            break
    assert "key" == focused(page)["id"]
    page.keyboard.type(seeded.keys["auditor"])
    page.keyboard.press("Tab")
    assert "button" == focused(page)["tag"]
    page.keyboard.press("Enter")
    page.wait_for_url(f"{base}/office/")

    expected = page.evaluate(
        """() => Array.from(document.querySelectorAll('a[href], button'))
                 .map(e => e.textContent.trim())"""
    )
    walked = []
    for _ in expected:
        page.keyboard.press("Tab")
        now = focused(page)
        assert now["visible"], now
        assert "none" != now["outline"], now
        assert "0px" != now["outlineWidth"], now
        walked.append(now["text"])
    assert expected == walked
    assert "Naar de inhoud" == walked[0]

    page.goto(f"{base}/office/")
    page.keyboard.press("Tab")
    page.screenshot(path=str(shots / "skip-link.png"))
    page.keyboard.press("Enter")
    assert "content" == focused(page)["id"]
    page.keyboard.press("Tab")
    assert "Ronde 2024-2025/main" == focused(page)["text"]
    page.keyboard.press("Enter")
    page.wait_for_url(f"{base}/office/rounds/2024-2025/main")
    assert "Ronde 2024-2025/main" == page.locator("h1").inner_text()
    context.close()


def test_the_page_reads_without_javascript(served: tuple[str, Seeded], browser: Any) -> None:
    """With JavaScript off, signing in and reading the round work the same."""
    base, seeded = served
    context = browser.new_context(java_script_enabled=False, locale="nl-NL")
    page = context.new_page()
    page.goto(f"{base}/office/")
    page.fill("#key", seeded.keys["office"])
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}/office/")
    page.get_by_role("link", name="Ronde 2024-2025/main").click()
    page.wait_for_url(f"{base}/office/rounds/2024-2025/main")
    assert BLOCKED_NL in words(page.locator("section[aria-labelledby=blocked]").inner_text())
    context.close()
