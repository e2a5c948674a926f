"""The programme office's page (trajectory.service.page), read with Starlette's TestClient:
its content in Dutch and English, its escaping, and who may read what."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from typing import Any, Final

import attrs
import pytest
from starlette.testclient import TestClient

import trajectory
from trajectory.ontwikkelkracht.school import NETHERLANDS, School
from trajectory.service import create_app
from trajectory.service.credentials import MemoryCredentials
from trajectory.service.page import SESSION_COOKIE, texts
from trajectory.store import Store

ROUND: Final = "2024-2025/main"
PRIMAIR: Final = "Stichting Primair"
KOERS: Final = "Stichting Koers"
OFFICE_ACTOR: Final = "Programmabureau"
TEAM: Final = (
    ("Anna", "school_leader", 200),
    ("Bram", "teacher", 150),
    ("Chloé", "teacher", 150),
    ("Daan", "teacher", 150),
    ("Eva", "teacher", 150),
)
PLAN: Final = {
    "report": "Report of the orientation talk.",
    "willing_and_able": "Willing and able.",
    "leadership_commitment": "Committed.",
    "team_support": "Supported.",
}
#: The Dutch message of the blocked location's missing activity-plan part.
BLOCKED_NL: Final = "Het activiteitenplan mist het onderdeel ‘draagvlak in het team’."
BLOCKED_EN: Final = "support in the team"


def at(day: dt.date, hour: int = 10) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour), tzinfo=NETHERLANDS)


@attrs.frozen
class Seeded:
    """A store with a round: what the tests look for on the page."""

    store: Store
    clock: trajectory.ManualClock
    granted: Any
    due: Any
    preparing: Any
    blocked_location: str
    keys: dict[str, str]
    credentials: MemoryCredentials


def location(
    store: Store, clock: trajectory.ManualClock, name: str, brin: str, board: str, *, plan: bool
) -> str:
    """A leertraject with its team, registered for an application (with its activity
    plan unless ``plan`` is false), saved."""
    school = School(name=name, sector="po", board=board, brin=brin)
    made = trajectory.new_trajectory(
        school=school,
        offer="leven-lang-lezen",
        school_year="2024-2025",
        clock=clock,
        actor="Expertschool Lezen",
    )
    made.fire(
        "hold_orientation",
        date=clock().date(),
        learning_question="How do we read more?",
        conclusion="positive",
        report="It fits.",
        actor="Expertschool Lezen",
    )
    made.fire("register", actor=board)
    for person, role, hours in TEAM:
        made.fire("add_participant", name=person, role=role, planned_hours=hours, actor=board)
    if plan:
        made.fire("write_activity_plan", **PLAN, actor=board)
    store.save(made)
    return made.id


def seed(store: Store, clock: trajectory.ManualClock) -> Seeded:
    """A round with three applications: one received on 2 May 2024 and granted, one of
    two locations received on 3 May (its decision due on 2 August), and one still in
    preparation whose location lacks its activity plan; the clock on Monday 29 July
    2024, the week the second's decision is due. Keys of each role."""
    office = trajectory.Office(store, clock=clock)

    def application(board: str, *schools: tuple[str, str, bool]) -> Any:
        ids = [location(store, clock, name, brin, board, plan=plan) for name, brin, plan in schools]
        made = office.new_application(board=board, round=ROUND, locations=ids, actor=board)
        office.record_talk(
            made.id, kind="exploratory_talk", date=clock().date(), actor=OFFICE_ACTOR
        )
        return made

    clock.set(at(dt.date(2024, 4, 26)))
    first = application(PRIMAIR, ("OBS De Linde", "12AB00", True))
    second = application(KOERS, ("CBS Het Anker", "13CD00", True), ("CBS De Wilg", "13CD01", True))
    third = application(PRIMAIR, ("OBS Zonnewijzer", "12AB01", False))
    clock.set(at(dt.date(2024, 5, 2)))
    office.submit(first.id, actor=PRIMAIR)
    clock.set(at(dt.date(2024, 5, 3)))
    office.submit(second.id, actor=KOERS)
    clock.set(at(dt.date(2024, 7, 1)))
    granted = office.grant(first.id, actor=OFFICE_ACTOR)
    clock.set(at(dt.date(2024, 7, 29)))
    credentials = MemoryCredentials()
    keys = {
        role: credentials.create(name=name, role=role, scope=scope)[1]
        for role, name, scope in (
            ("office", "Programmabureau", None),
            ("auditor", "Auditdienst", None),
            ("board", "Bestuursbureau Primair", PRIMAIR),
            ("expert_school", "Expertschool Schrijven", "Expertschool Schrijven"),
        )
    }
    return Seeded(
        store,
        clock,
        granted,
        office.application(second.id),
        office.application(third.id),
        third.locations[0],
        keys,
        credentials,
    )


@pytest.fixture
def seeded() -> Iterator[Seeded]:
    clock = trajectory.ManualClock(at(dt.date(2024, 4, 20)))
    with trajectory.open_store("memory://", clock=clock) as store:
        yield seed(store, clock)


@pytest.fixture
def client(seeded: Seeded) -> Iterator[TestClient]:
    app = create_app(seeded.store, clock=seeded.clock, credentials=seeded.credentials)
    with TestClient(app, base_url="http://testserver") as made:
        yield made


def sign_in(client: TestClient, key: str, after: str = "/office/") -> Any:
    return client.post(
        "/office/sign-in",
        content=f"key={key}&next={after}",
        headers={"content-type": "application/x-www-form-urlencoded"},
        follow_redirects=False,
    )


def text_of(html: str) -> str:
    """The page's text, tags removed and white space collapsed (for looking up phrases)."""
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def test_without_a_session_the_page_redirects_to_sign_in(client: TestClient) -> None:
    """Every page redirects to the sign-in form (remembering where it was going) until
    a valid key is pasted; a wrong key is answered with the form again and a 401."""
    response = client.get("/office/rounds/2024-2025/main", follow_redirects=False)
    assert 303 == response.status_code
    assert (
        "/office/sign-in?next=%2Foffice%2Frounds%2F2024-2025%2Fmain" == response.headers["location"]
    )
    wrong = sign_in(client, "tk_nothing.wrong")
    assert 401 == wrong.status_code
    assert "Deze sleutel is onbekend of ingetrokken." in wrong.text
    assert SESSION_COOKIE not in wrong.headers.get("set-cookie", "")


def test_a_valid_key_starts_an_httponly_strict_session_that_holds_no_key(
    client: TestClient, seeded: Seeded
) -> None:
    """Signing in sets a signed, HttpOnly, SameSite=Strict cookie (the key itself is
    not in it) and goes where the reader was going; signing out ends the session."""
    key = seeded.keys["office"]
    response = sign_in(client, key, "/office/rounds/2024-2025/main")
    assert (303, "/office/rounds/2024-2025/main") == (
        response.status_code,
        response.headers["location"],
    )
    cookie = response.headers["set-cookie"].lower()
    assert "httponly" in cookie
    assert "samesite=strict" in cookie
    assert key.lower() not in cookie
    assert 200 == client.get("/office/").status_code
    out = client.post("/office/sign-out", follow_redirects=False)
    assert (303, "/office/sign-in") == (out.status_code, out.headers["location"])
    assert 303 == client.get("/office/", follow_redirects=False).status_code


def test_sign_in_never_sends_the_reader_to_another_site(client: TestClient, seeded: Seeded) -> None:
    """A ``next`` that is not a path of the page is replaced by the page's home."""
    for elsewhere in ("https://evil.example/", "//evil.example/office/", "/openapi.json"):
        response = sign_in(client, seeded.keys["office"], elsewhere)
        assert "/office/" == response.headers["location"]


def test_a_revoked_key_ends_the_session(client: TestClient, seeded: Seeded) -> None:
    """The session holds the key's id: once the key is revoked, the page asks to sign in."""
    sign_in(client, seeded.keys["office"])
    assert 200 == client.get("/office/").status_code
    (office_key,) = [one for one in seeded.credentials.all() if one.role == "office"]
    seeded.credentials.revoke(office_key.id)
    assert 303 == client.get("/office/", follow_redirects=False).status_code


def test_the_round_shows_its_ledger_its_order_of_receipt_and_what_blocks_a_location(
    client: TestClient, seeded: Seeded
) -> None:
    """In Dutch by default: the ledger's figures as Babel writes them, the applications
    in order of receipt (the granted one first), the one in preparation apart, and the
    blocked location's Dutch message."""
    sign_in(client, seeded.keys["office"])
    response = client.get("/office/rounds/2024-2025/main")
    assert 200 == response.status_code
    assert "nl" == response.headers["content-language"]
    shown = text_of(response.text)
    assert '<html lang="nl">' in response.text
    assert "Subsidieplafond € 2.120.000,00" in shown
    assert "Vastgelegd € 21.200,00" in shown
    assert "Resterend € 2.098.800,00" in shown
    first = shown.index(seeded.granted.id)
    second = shown.index(seeded.due.id)
    later = shown.index(seeded.preparing.id)
    assert first < second < later
    assert "1 " + seeded.granted.id + " Stichting Primair besloten 2 mei 2024 om 10:00" in shown
    assert BLOCKED_NL in shown
    assert f'href="/office/trajectories/{seeded.blocked_location}"' in response.text
    # The talk recorded on the application counts for its location, as the Office
    # checks the submission: no "a talk is needed" for it.
    assert "gesprek met het programmabureau" not in shown


def test_the_home_page_lists_the_decisions_due_this_week(
    client: TestClient, seeded: Seeded
) -> None:
    """The decisions due up to Sunday of the clock's week (Office.due_decisions): the
    application received on 3 May, due on 2 August; the granted one is not due."""
    sign_in(client, seeded.keys["office"])
    shown = text_of(client.get("/office/").text)
    assert "Besluiten die deze week vallen" in shown
    assert "uiterlijk 4 augustus 2024" in shown
    assert f"2 augustus 2024 {seeded.due.id} Stichting Koers" in shown
    assert seeded.granted.id not in shown


def test_a_trajectory_shows_its_timeline_and_blockers(client: TestClient, seeded: Seeded) -> None:
    """A location's timeline: each event's label, moment and actor, oldest first, and
    what blocks it now."""
    sign_in(client, seeded.keys["office"])
    response = client.get(f"/office/trajectories/{seeded.blocked_location}")
    shown = text_of(response.text)
    assert "Leertraject OBS Zonnewijzer" in shown
    assert "26 april 2024 om 10:00 traject aangemaakt Expertschool Lezen" in shown
    assert "aanmelden Stichting Primair" in shown
    assert shown.index("traject aangemaakt") < shown.index("deelnemer toevoegen")
    assert "subsidieaanvraag indienen" in shown
    assert BLOCKED_NL in shown


def test_english_by_accept_language_or_by_the_switch_which_the_session_keeps(
    client: TestClient, seeded: Seeded
) -> None:
    """English when the browser prefers it, or when the reader follows the language
    switch (``?lang=en``), which later pages keep; labels, messages, amounts and
    dates in English."""
    sign_in(client, seeded.keys["office"])
    english = client.get("/office/rounds/2024-2025/main", headers={"accept-language": "en"})
    assert '<html lang="en">' in english.text
    assert "Subsidy ceiling €2,120,000.00" in text_of(english.text)
    assert "2 May 2024 at 10:00" in text_of(english.text)
    assert BLOCKED_EN in english.text
    dutch = client.get("/office/rounds/2024-2025/main")
    assert 'href="/office/rounds/2024-2025/main?lang=en"' in dutch.text
    switched = client.get("/office/?lang=en")
    assert "Decisions due this week" in switched.text
    kept = client.get(f"/office/trajectories/{seeded.blocked_location}")
    assert "en" == kept.headers["content-language"]
    assert "trajectory created" in kept.text
    assert 'href="/office/trajectories/' + seeded.blocked_location + '?lang=nl"' in kept.text


def test_every_text_of_the_page_is_in_both_languages() -> None:
    """texts.toml has the same keys in Dutch and English, none empty."""
    words = texts()
    assert set(words["nl"]) == set(words["en"])
    assert all(text.strip() for lang in words.values() for text in lang.values())


def test_what_the_store_holds_is_escaped(seeded: Seeded) -> None:
    """A school's name with markup is shown as text, never as markup."""
    hostile = "<script>alert('x')</script> & Co"
    location_id = location(seeded.store, seeded.clock, hostile, "14EF00", PRIMAIR, plan=True)
    app = create_app(seeded.store, clock=seeded.clock)
    with TestClient(app) as open_client:
        response = open_client.get(f"/office/trajectories/{location_id}")
    assert 200 == response.status_code
    assert "<script>" not in response.text
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; Co" in response.text
    assert "script-src" not in response.headers["content-security-policy"]
    assert "default-src 'none'" in response.headers["content-security-policy"]


@pytest.mark.parametrize("role", ["auditor", "office"])
def test_the_office_and_the_auditor_read_everything(
    client: TestClient, seeded: Seeded, role: str
) -> None:
    """Both read the rounds, what is due and every trajectory."""
    sign_in(client, seeded.keys[role])
    for path in ("/office/", "/office/rounds/2024-2025/main"):
        assert 200 == client.get(path).status_code
    assert seeded.due.id in client.get("/office/").text


def test_a_board_reads_its_own_trajectories_only(client: TestClient, seeded: Seeded) -> None:
    """A school board is refused the round (403), sees no due decisions, reads its own
    location's timeline, and another board's is answered as not found."""
    sign_in(client, seeded.keys["board"])
    home = client.get("/office/")
    assert seeded.due.id not in home.text
    assert "zijn voor het programmabureau en auditors" in home.text
    assert 403 == client.get("/office/rounds/2024-2025/main").status_code
    assert 200 == client.get(f"/office/trajectories/{seeded.blocked_location}").status_code
    assert 200 == client.get(f"/office/trajectories/{seeded.preparing.id}").status_code
    other = client.get(f"/office/trajectories/{seeded.due.id}")
    assert 404 == other.status_code
    assert "Niet gevonden." in other.text


def test_an_expert_school_sees_only_its_offers_trajectories(
    client: TestClient, seeded: Seeded
) -> None:
    """An expert school of no seeded offer sees none of the trajectories."""
    sign_in(client, seeded.keys["expert_school"])
    assert 404 == client.get(f"/office/trajectories/{seeded.blocked_location}").status_code
    assert 403 == client.get("/office/rounds/2024-2025/main").status_code


def test_an_unknown_round_or_trajectory_is_not_found(client: TestClient, seeded: Seeded) -> None:
    """A round id that is no round's and an unknown trajectory: 404 pages."""
    sign_in(client, seeded.keys["office"])
    assert 404 == client.get("/office/rounds/2024-2025/none").status_code
    assert 404 == client.get("/office/rounds/nonsense").status_code
    assert 404 == client.get("/office/trajectories/nothing").status_code


def test_the_stylesheet_is_served_by_the_service(client: TestClient) -> None:
    """The page's CSS comes from the service itself (no CDN), without signing in."""
    response = client.get("/office/static/page.css")
    assert 200 == response.status_code
    assert ":focus-visible" in response.text
