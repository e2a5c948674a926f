"""An event added in one place: the definition file and one registration.

A copy of the leertraject's definition gets one event more, ``record_visit``, whose
payload class, guard and effect are registered in a copy of the leertraject's
registry, here in the test. Nothing else changes: the walker, the simulator, the
Hypothesis strategies and the state machine take the event from the definition, its
payload class and the hints registered in the registry.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Mapping
from importlib import resources
from typing import Any, Final

import attrs
import pytest
import structlog
from hypothesis import HealthCheck, find, given, settings
from hypothesis import strategies as st
from hypothesis.stateful import run_state_machine_as_test

from trajectory import Event, InvalidData
from trajectory.engine.definition import Context, Lifecycle
from trajectory.engine.fields import Text, calendar_date, text
from trajectory.engine.loader import load_lifecycle
from trajectory.engine.serialization import Codec, standard_migrations
from trajectory.engine.violations import Violation, ViolationType
from trajectory.ontwikkelkracht import documents
from trajectory.ontwikkelkracht import lifecycle as leertraject
from trajectory.ontwikkelkracht.bootstrap import Ontwikkelkracht, build_converter
from trajectory.ontwikkelkracht.ledger import ledger_registry, load_ledger
from trajectory.ontwikkelkracht.record import Leertraject
from trajectory.ontwikkelkracht.walker import Walker
from trajectory.sim.cohort import Probabilities, simulate, simulate_school
from trajectory.testing.stateful import LeertrajectMachine, Outcome
from trajectory.testing.strategies import field_values, payloads, texts

NOTES_MISSING: Final = ViolationType(
    "visit.notes_missing",
    nl="Het bezoek heeft geen aantekeningen.",
    en="The visit has no notes.",
)


def _ends_a_sentence(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    """Validator: the notes end with a full stop."""
    if not isinstance(value, str) or not value.endswith("."):
        raise InvalidData(attribute.name, f"expected a sentence ending in '.', got {value!r}")


@attrs.frozen
class RecordVisit:
    """``record_visit``: the team visited another school."""

    date: dt.date = attrs.field(validator=calendar_date)
    notes: Text = attrs.field(validator=[text, _ends_a_sentence])


def visit_notes_given(data: Leertraject, payload: Any, context: Context) -> list[Violation]:
    """The visit has notes beyond the full stop."""
    return [] if payload.notes.strip(" .") else [NOTES_MISSING()]


def record_visit(data: Leertraject, payload: Any, context: Context) -> Leertraject:
    """Nothing of the leertraject's data changes: the history holds the visit."""
    return data


EVENT: Final = """
[[events]]
name = "record_visit"
description = "Records a visit of the team to another school."
payload = "RecordVisit"
guards = ["visit_notes_given", { name = "not_in_future", args = ["date"] }]
effect = "record_visit"
transitions = [{ sources = ["application_in_preparation", "preparing", "in_progress"] }]

"""


def extended_programme() -> Ontwikkelkracht:
    """The Ontwikkelkracht programme whose leertraject is its definition with
    ``record_visit`` added, loaded with a copy of its registry that registers the
    event's payload class, guard and effect (a module-level function: the simulator's
    worker processes build the programme with it)."""
    source = (resources.files("trajectory.ontwikkelkracht.data") / "leertraject.toml").read_text(
        encoding="utf-8"
    )
    at = source.index("[[repeats]]")
    registry = leertraject.leertraject_registry()
    registry.register_payload(RecordVisit)
    registry.register_guard("visit_notes_given", visit_notes_given)
    registry.register_effect("record_visit", record_visit)
    registry.register_violations({NOTES_MISSING.code: NOTES_MISSING})
    codec = Codec(converter=build_converter(), migrations=standard_migrations())
    lifecycle = load_lifecycle(source[:at] + EVENT + source[at:], registry, codec=codec)
    ledger = load_ledger(ledger_registry(), codec)
    ledger_registry(registry, violations=False)
    documents.add_to(codec, lifecycle.name)
    return Ontwikkelkracht(lifecycle, ledger, registry=registry, codec=codec)


def extended() -> Lifecycle[Leertraject]:
    """The leertraject's definition with ``record_visit`` added (see
    :func:`extended_programme`)."""
    built: Lifecycle[Leertraject] = PROGRAMME.leertraject
    return built


PROGRAMME: Final = extended_programme()
EXTENDED: Final = extended()
FAST: Final = settings(
    max_examples=25, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow]
)


@pytest.fixture(autouse=True)
def _quiet_logging() -> None:
    """The engine logs every event at info."""
    structlog.configure(wrapper_class=structlog.make_filtering_bound_logger(logging.WARNING))


def preparing_application(seed: int = 1) -> Walker:
    """A walker of the extended leertraject in application_in_preparation."""
    walker = Walker.start(seed=seed, lifecycle=EXTENDED)
    walker.walk_to("application_in_preparation")
    return walker


def test_the_copy_has_the_event_and_the_original_does_not() -> None:
    """The added event is in the copy only: the shipped definition is untouched."""
    assert "record_visit" in EXTENDED.events
    assert "record_visit" not in leertraject.LIFECYCLE.events
    assert RecordVisit is EXTENDED.events["record_visit"].payload


def test_the_walker_takes_the_added_event() -> None:
    """The walker fires the new event with a payload derived from its class (dated
    today, notes that pass the validator), and walks the copy's whole year."""
    walker = preparing_application()
    event = walker.take("record_visit")
    assert ("record_visit", "application_in_preparation") == (event.name, event.to_state)
    assert RecordVisit(walker.today(), "Written for the example.") == event.payload
    assert "settled" == walker.walk(("submit_application", "grant", *_AFTER_GRANT)).state
    assert EXTENDED is walker.trajectory.lifecycle


_AFTER_GRANT: Final = (
    "start_preparation",
    "hold_intake",
    "start_execution",
    "hold_closing_talk",
    "deliver_implementation_plan",
    "settle",
)


@FAST
@given(st.data())
def test_valid_payloads_of_the_added_event_are_accepted(data: st.DataObject) -> None:
    """A payload drawn for the new event with today's date is accepted."""
    walker = preparing_application(seed=data.draw(st.integers(0, 3), label="seed"))
    t = walker.trajectory
    payload = data.draw(payloads("record_visit", today=walker.today(), lifecycle=EXTENDED))
    event = t.fire("record_visit", **payload)
    assert ("record_visit", RecordVisit(**payload)) == (event.name, event.payload)


WALKED: Final = preparing_application()


@FAST
@given(payloads("record_visit", valid=False, lifecycle=EXTENDED))
def test_invalid_payloads_of_the_added_event_are_refused(payload: dict[str, Any]) -> None:
    """A payload drawn with valid=False raises InvalidData and changes nothing."""
    t = WALKED.trajectory
    before = (t.state, t.data, t.history)
    with pytest.raises(InvalidData):
        t.fire("record_visit", **payload)
    assert before == (t.state, t.data, t.history)


@FAST
@given(field_values(RecordVisit, "notes"), payloads("record_visit", lifecycle=EXTENDED))
def test_a_field_validator_is_respected(notes: str, payload: dict[str, Any]) -> None:
    """Valid notes always pass the field's own validator (a full stop at the end),
    however the drawn text ends, and so does every valid payload."""
    assert notes.endswith(".")
    assert payload["notes"].endswith(".")
    assert isinstance(RecordVisit(**payload), RecordVisit)


def test_the_drawn_texts_would_fail_that_validator() -> None:
    """The texts the strategy starts from do not all end in a full stop: the
    validator, not the texts, keeps the valid values valid."""
    found = find(texts(), lambda drawn: not drawn.endswith("."), settings=settings(database=None))
    with pytest.raises(InvalidData):
        RecordVisit(dt.date(2024, 10, 1), found)


def test_the_state_machine_fires_the_added_event() -> None:
    """A state machine set to the copy fires the new event (its rules draw it from the
    copy's events, with payloads derived from its class) and has it accepted."""
    accepted: list[Event] = []

    class Extended(LeertrajectMachine):
        lifecycle = EXTENDED
        head_starts = ("application_in_preparation", "preparing", "in_progress")

        def after_fire(self, event: str, payload: Mapping[str, Any], result: Outcome) -> None:
            if event == "record_visit" and isinstance(result, Event):
                accepted.append(result)

    run_state_machine_as_test(
        Extended,
        settings=settings(
            max_examples=100,
            derandomize=True,
            stateful_step_count=25,
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
        ),
    )
    assert accepted
    assert all(isinstance(event.payload, RecordVisit) for event in accepted)


#: Schools visit another school along the way: a chance, as data; no code of their own.
VISITING: Final = Probabilities(extras={"record_visit": 0.3})


def test_the_simulator_takes_the_added_event() -> None:
    """Given the programme, the simulated schools take the new event where the
    definition allows it, fired with a payload derived from its class; the report is
    the sum of the schools, and the shipped leertraject is simulated as before."""
    report = simulate(30, seed=3, programme=PROGRAMME, probabilities=VISITING)
    schools = [
        simulate_school(index, seed=3, programme=PROGRAMME, probabilities=VISITING)
        for index in range(30)
    ]
    visits = [event for school in schools for event in school.history[1:]]
    visits = [event for event in visits if event.name == "record_visit"]
    assert visits
    assert all(isinstance(event.payload, RecordVisit) for event in visits)
    sources = {"application_in_preparation", "preparing", "in_progress"}
    assert {event.from_state for event in visits} <= sources
    assert all(school.lifecycle is EXTENDED for school in schools)
    assert 30 == report.schools == sum(report.final_states.values())
    assert report.events == sum(school.version for school in schools)
    assert report.granted > 0


def test_the_simulator_builds_the_programme_in_its_workers() -> None:
    """A function that builds the programme is run in each worker process: the
    report is the one of a single process."""
    alone = simulate(20, seed=5, programme=PROGRAMME, probabilities=VISITING)
    spread = simulate(20, seed=5, programme=extended_programme, probabilities=VISITING, processes=2)
    assert alone == spread


def test_a_programme_instance_stays_in_its_process() -> None:
    """A programme object cannot cross to other processes: refused, naming it."""
    with pytest.raises(InvalidData) as refused:
        simulate(5, seed=1, programme=PROGRAMME, processes=2)
    assert "programme" == refused.value.field


def test_an_extra_event_the_lifecycle_lacks_is_refused() -> None:
    """An event the story names that the lifecycle does not define is refused before
    any school walks, naming the story."""
    with pytest.raises(InvalidData) as refused:
        simulate(5, seed=1, probabilities=VISITING)
    assert "story" == refused.value.field
    assert "record_visit" in str(refused.value)
