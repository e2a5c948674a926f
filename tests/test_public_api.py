"""The public API: sorted __all__ that matches what the packages export (httpx-style)."""

from __future__ import annotations

import datetime as dt
import inspect
import re
from types import ModuleType

import pytest

import trajectory
import trajectory.engine
import trajectory.ontwikkelkracht
from tests.builders import SCHOOL, new
from trajectory.ontwikkelkracht.guards import NETHERLANDS

PACKAGES = [trajectory, trajectory.engine, trajectory.ontwikkelkracht]
#: Dunder names that are public on purpose.
PUBLIC_DUNDERS = {"__version__"}


def _isort_key(name: str) -> tuple[int, str]:
    """ruff's isort-style order (RUF022): CONSTANTS, then Classes, then everything else."""
    if name.isupper():
        return (0, name)
    if name[0].isupper():
        return (1, name)
    return (2, name)


def _public_names(module: ModuleType) -> set[str]:
    """The public names a package defines or imports, and those it imports on first
    use (its ``_LAZY_NAMES``, given by its module ``__getattr__``)."""
    defined = {
        name
        for name, value in vars(module).items()
        if (not name.startswith("_") or name in PUBLIC_DUNDERS) and not inspect.ismodule(value)
    }
    return defined | set(getattr(module, "_LAZY_NAMES", ()))


@pytest.mark.parametrize("module", PACKAGES, ids=lambda m: m.__name__)
def test_all_is_sorted(module: ModuleType) -> None:
    """__all__ is sorted as written: constants, classes, then functions, each alphabetically."""
    assert sorted(module.__all__, key=_isort_key) == list(module.__all__)


@pytest.mark.parametrize("module", PACKAGES, ids=lambda m: m.__name__)
def test_all_has_no_duplicates(module: ModuleType) -> None:
    """Every name is listed once."""
    assert len(set(module.__all__)) == len(module.__all__)


@pytest.mark.parametrize("module", PACKAGES, ids=lambda m: m.__name__)
def test_all_equals_the_public_names(module: ModuleType) -> None:
    """__all__ is exactly the public names the package defines or imports (modules aside)."""
    assert _public_names(module) == set(module.__all__)


@pytest.mark.parametrize("module", PACKAGES, ids=lambda m: m.__name__)
def test_every_name_in_all_exists(module: ModuleType) -> None:
    """Every name in __all__ can be imported from the package."""
    missing = [name for name in module.__all__ if not hasattr(module, name)]

    assert [] == missing


def test_the_top_level_reexports_the_same_objects() -> None:
    """A name exported by trajectory and a subpackage is the same object in both."""
    for sub in (trajectory.engine, trajectory.ontwikkelkracht):
        for name in set(trajectory.__all__) & set(sub.__all__):
            assert getattr(sub, name) is getattr(trajectory, name), name


def test_the_version_is_a_version_string() -> None:
    """trajectory.__version__ looks like a version number."""
    assert re.fullmatch(r"\d+\.\d+\.\d+.*", trajectory.__version__)


# -- the names the issue asks for -----------------------------------------------------------


def test_the_required_names_exist() -> None:
    """The names the issue requires are exported at the top level."""
    required = {
        "School",
        "new_trajectory",
        "Trajectory",
        "Violation",
        "TrajectoryError",
        "PreconditionFailed",
        "TransitionNotAllowed",
        "InvalidData",
        "DefinitionError",
        "replay",
        "rules_for",
    }

    assert required <= set(trajectory.__all__)
    assert hasattr(trajectory.ontwikkelkracht, "LIFECYCLE")


def test_the_errors_form_one_tree() -> None:
    """Every error is a TrajectoryError; InvalidData is also a ValueError."""
    for error in (
        trajectory.DefinitionError,
        trajectory.InvalidData,
        trajectory.PreconditionFailed,
        trajectory.TransitionNotAllowed,
        trajectory.EffectFailed,
        trajectory.UnknownEvent,
    ):
        assert issubclass(error, trajectory.TrajectoryError), error
    assert issubclass(trajectory.InvalidData, ValueError)
    assert issubclass(trajectory.TrajectoryError, Exception)


def test_a_trajectory_has_the_required_members() -> None:
    """A Trajectory made by new_trajectory has id, state, history, check, fire, allowed_events."""
    t = trajectory.new_trajectory(
        school=trajectory.School(
            name="OBS De Linde", sector="po", board="Stichting Primair", brin="12AB00"
        ),
        offer="leven-lang-lezen",
        school_year="2024-2025",
        clock=trajectory.ManualClock(dt.datetime(2024, 5, 2, 10, 0, tzinfo=NETHERLANDS)),
    )

    assert isinstance(t, trajectory.Trajectory)
    assert isinstance(t.id, str)
    assert "orientation_requested" == t.state
    assert 1 == len(t.history)
    assert ("hold_orientation", "withdraw", "record_talk") == t.allowed_events()
    assert ["transition.not_allowed"] == [v.code for v in t.check("grant")]
    recorded = t.fire("record_talk", kind="exploratory_talk", date=dt.date(2024, 4, 20))
    assert recorded == t.history[-1]
    assert t == trajectory.replay(t.history)


def test_a_violation_has_code_details_and_message() -> None:
    """PreconditionFailed.violations hold Violations with code, details and message()."""
    t = new()
    t.fire(
        "hold_orientation",
        date=dt.date(2024, 4, 22),
        learning_question="How?",
        conclusion="positive",
        report="It fits.",
    )
    t.fire("register")

    with pytest.raises(trajectory.PreconditionFailed) as refused:
        t.fire("submit_application")

    minimum = next(v for v in refused.value.violations if v.code == "participants.minimum")
    assert isinstance(minimum, trajectory.Violation)
    assert (5, 0) == (minimum.details["required"], minimum.details["actual"])
    assert "Minimaal 5 deelnemers nodig; er zijn er geen." == minimum.message()
    assert "At least 5 participants are needed; there are none." == minimum.message("en")


def test_transition_not_allowed_has_event_and_state() -> None:
    """TransitionNotAllowed carries the event and the state it was fired in."""
    with pytest.raises(trajectory.TransitionNotAllowed) as refused:
        new().fire("settle")

    assert ("settle", "orientation_requested") == (refused.value.event, refused.value.state)


def test_invalid_data_and_definition_error_are_raised_where_expected() -> None:
    """A bad BRIN is InvalidData (a ValueError); an empty lifecycle is a DefinitionError."""
    with pytest.raises(ValueError) as bad:  # noqa: PT011 - the point is the ValueError base
        trajectory.School(name="X", sector="po", board="Y", brin="nonsense")
    assert isinstance(bad.value, trajectory.InvalidData)

    with pytest.raises(trajectory.DefinitionError):
        trajectory.Lifecycle(
            "empty",
            states=(),
            events=(),
            initial="nowhere",
            creation=trajectory.Creation(trajectory.NoPayload, lambda payload, context: None),
        )


def test_rules_for_and_the_lifecycle_are_available() -> None:
    """rules_for gives a year's rules; LIFECYCLE exposes its states and events."""
    lifecycle = trajectory.ontwikkelkracht.LIFECYCLE
    rules = trajectory.rules_for("2024-2025")

    assert 5 == rules.minimum_participants
    assert 17 == len(lifecycle.states)
    assert {"orientation_requested", "application_submitted", "granted", "settled"} <= set(
        lifecycle.states
    )
    assert {"submit_application", "grant", "withdraw", "record_talk"} <= set(lifecycle.events)
    assert SCHOOL == new().data.school


def test_the_development_models_and_growth_report_are_available() -> None:
    """The School aan Zet models and the growth report are exported at the top level,
    as the same objects as in trajectory.ontwikkelkracht."""
    exported = {"DevelopmentModel", "GrowthReport", "development_model", "growth_report"}

    assert exported <= set(trajectory.__all__)
    assert exported <= set(trajectory.ontwikkelkracht.__all__)
    assert "Lerende Organisatie" == trajectory.development_model("lerende-organisatie").name


def test_the_lifecycle_diagram_is_available() -> None:
    """diagram() is exported at the top level and draws the leertraject."""
    assert "diagram" in trajectory.__all__
    source = trajectory.diagram(trajectory.ontwikkelkracht.LIFECYCLE, "dot")
    assert source.startswith('digraph "ontwikkelkracht.leertraject" {')
