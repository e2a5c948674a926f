"""Hypothesis strategies for leertraject payloads, on both sides of every check.

Two kinds of strategies live here:

**Payloads.** :func:`payloads` draws the keyword arguments of
``Trajectory.fire(event, **payload)`` for any event of the leertraject:

- ``valid=True``: the event's payload class accepts them, so ``fire`` never raises
  :class:`~trajectory.InvalidData` for them. Whether the event is *accepted* still
  depends on the trajectory (its state, its participants, the clock). Pass
  ``today=`` and ``data=`` to draw payloads that also satisfy the preconditions that
  look at the payload itself: dates on or before ``today``, participants the
  trajectory knows (a new name for ``add_participant``), a completion deadline within
  the scheme's period, the granted amount of the year's rules (or another with a
  reason), hours that still fit in the participant's day, planned dates inside the
  school year.
- ``valid=False``: the payload class refuses them, so ``fire`` raises
  :class:`~trajectory.InvalidData` and changes nothing: a field of the wrong type,
  hours or an amount out of range, a blank name, an unknown choice, a missing
  required field, a field the event does not take, a plan without any part, a
  self-scan without a level for every aspect.

**Both sides of a precondition.** :func:`around` and the helpers built on it draw
values just below, at and just above a bound of the year's :class:`~trajectory.Rules`:
:func:`participant_counts`, :func:`school_leader_counts`, :func:`planned_hours`,
:func:`study_moment_counts`, :func:`dates_around`, :func:`window_moments`,
:func:`completion_deadlines`; :func:`teams` draws whole teams of participants whose
size, school leaders and planned hours each land on one side of the minimum.

Every strategy is built from ``sampled_from``, small ranges and ``fixed_dictionaries``
(no filtering), so they stay fast.

Give each example a trajectory of its own (a strategy drawn with ``data=`` judges by
that data, and Hypothesis needs examples that do not depend on each other):

>>> from hypothesis import given, settings, strategies as st
>>> from structlog.testing import capture_logs
>>> from trajectory import InvalidData
>>> from trajectory.ontwikkelkracht.walker import Walker
>>> @settings(max_examples=10, database=None, deadline=None)
... @given(st.data())
... def hours_that_fit(data):
...     walker = Walker.start(seed=1)
...     t = walker.walk_to("in_progress")
...     payload = data.draw(payloads("log_hours", today=walker.today(), data=t.data))
...     t.fire("log_hours", **payload)  # accepted
>>> @settings(max_examples=10, database=None, deadline=None)
... @given(payloads("log_hours", valid=False))
... def hours_refused(payload):
...     t = Walker.start(seed=1).walk_to("in_progress")
...     before = t.history
...     try:
...         t.fire("log_hours", **payload)
...     except InvalidData:
...         assert t.history == before
...     else:
...         raise AssertionError(f"accepted {payload}")
>>> with capture_logs():  # the engine logs every event
...     hours_that_fit()
...     hours_refused()
"""

from __future__ import annotations

import datetime as dt
import enum
import math
from collections.abc import Callable, Iterable, Sequence
from decimal import ROUND_DOWN, Decimal
from typing import Any, Final

import attrs

from trajectory.engine.errors import MissingDependency

try:
    from hypothesis import strategies as st
except ImportError as err:  # an optional dependency: the testing extra installs it
    raise MissingDependency(
        "hypothesis", extra="testing", needed_for="trajectory.testing.strategies"
    ) from err

from trajectory.engine.fields import name_key
from trajectory.ontwikkelkracht.development_models import development_models
from trajectory.ontwikkelkracht.lifecycle import LIFECYCLE
from trajectory.ontwikkelkracht.model import (
    ActivityPlanPart,
    Conclusion,
    DevelopmentPlanPart,
    Role,
    StudyMomentForm,
    TalkKind,
)
from trajectory.ontwikkelkracht.payloads import MAX_AMOUNT, MAX_HOURS_PER_DAY, MAX_PLANNED_HOURS
from trajectory.ontwikkelkracht.record import Leertraject
from trajectory.ontwikkelkracht.rules import Rules
from trajectory.ontwikkelkracht.school import School, Sector
from trajectory.ontwikkelkracht.walker import FIRST_NAMES, SCHOOL_NAMES, SURNAMES

__all__ = [
    "around",
    "blank_texts",
    "completion_deadlines",
    "dates_around",
    "participant_counts",
    "participant_names",
    "participants",
    "payloads",
    "planned_hours",
    "school_leader_counts",
    "schools",
    "study_moment_counts",
    "teams",
    "texts",
    "window_moments",
]

Payload = dict[str, Any]

#: Without ``today``, dates of things that happened are drawn from this period.
EARLIEST: Final = dt.date(2020, 1, 1)
LATEST: Final = dt.date(2030, 12, 31)
#: How far back (in days) a date before ``today`` is drawn.
LOOKBACK_DAYS: Final = 60
#: The completion period when no rules are given (the shipped years use 14 days).
DEFAULT_COMPLETION_DAYS: Final = 14

_SENTENCES: Final = (
    "Written with the expert school.",
    "The team supports it.",
    "Leerlingen lezen meer en met plezier.",
    "Eén team, één koers: samen leren.",
)
_WORDS: Final = ("Plan", "Verslag", "Team", "Leerlingen", "Uitvoering", "Koers")
_BLANKS: Final = ("", " ", "   ", "\t", "\n ", "\u00a0")
_UNKNOWN_FIELDS: Final = ("colour", "Date", "amount_eur", "note", "payload")


# -- building blocks -------------------------------------------------------------------


def texts() -> st.SearchStrategy[str]:
    """Non-blank texts: a few fixed sentences, or a word followed by any text without
    control characters (so that it fits any text field, one line or many).

    >>> from hypothesis import given
    >>> @given(texts())
    ... def non_blank(text):
    ...     assert text.strip()
    >>> non_blank()
    """
    word = st.sampled_from(_WORDS)
    rest = st.text(st.characters(exclude_categories=("Cc", "Cs")), max_size=30)
    free = st.builds(lambda first, more: f"{first} {more}", word, rest)
    return st.one_of(st.sampled_from(_SENTENCES), free)


def blank_texts() -> st.SearchStrategy[str]:
    """Texts that are empty or only whitespace: the other side of every "not blank"
    precondition (a reason, a report, a plan)."""
    return st.sampled_from(_BLANKS)


def participant_names(*, exclude: Iterable[str] = ()) -> st.SearchStrategy[str]:
    """Non-blank Dutch names; none of them equal (case and blanks ignored) to a name
    in ``exclude``, so ``add_participant`` with one of them passes
    ``participants.duplicate``."""
    taken = frozenset(name_key(name) for name in exclude)

    def free(name: str) -> str:
        candidate, number = name, 1
        while name_key(candidate) in taken:
            number += 1
            candidate = f"{name} {number}"
        return candidate

    drawn = st.builds(
        lambda first, last: f"{first} {last}",
        st.sampled_from(FIRST_NAMES),
        st.sampled_from(SURNAMES),
    )
    return drawn.map(free) if taken else drawn


def _brins() -> st.SearchStrategy[str]:
    letters = st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZ", min_size=2, max_size=2)
    location = st.one_of(st.just(""), st.integers(0, 99).map(lambda n: f"{n:02d}"))
    plain = st.builds(
        lambda digits, pair, place: f"{digits:02d}{pair}{place}",
        st.integers(0, 99),
        letters,
        location,
    )
    return st.one_of(plain, plain.map(str.lower))  # python-stdnum normalises the case


def schools(*, sectors: Iterable[str | Sector] | None = None) -> st.SearchStrategy[School]:
    """Valid schools: a name, a board, a valid BRIN and a sector (any sector, or one
    of ``sectors``; the year's rules decide which are eligible).

    >>> from hypothesis import given
    >>> @given(schools(sectors=["po"]))
    ... def primary(school):
    ...     assert school.sector == "po" and len(school.brin) in (4, 6)
    >>> primary()
    """
    chosen = tuple(Sector(s) for s in sectors) if sectors is not None else tuple(Sector)
    return st.builds(
        School,
        name=st.one_of(st.sampled_from(SCHOOL_NAMES), texts()),
        sector=st.sampled_from(chosen),
        board=st.sampled_from(SURNAMES).map(lambda name: f"Stichting {name.title()} Onderwijs"),
        brin=_brins(),
    )


def _choice_values(enum_type: type[enum.Enum]) -> st.SearchStrategy[Any]:
    """A member of ``enum_type``, or its value as text (both are accepted)."""
    members: tuple[enum.Enum, ...] = tuple(enum_type)
    return st.sampled_from((*members, *(str(member.value) for member in members)))


def _not_a_choice(enum_type: type[enum.Enum]) -> st.SearchStrategy[Any]:
    values = [str(member.value) for member in enum_type]
    wrong = ("", "unknown", *(v.upper() for v in values), *(f" {v}" for v in values))
    return st.one_of(st.sampled_from(wrong), st.integers(), st.none())


def _number_forms(number: Decimal) -> st.SearchStrategy[Any]:
    """``number`` as a Decimal, as text, and as an int where it is whole."""
    forms: list[Any] = [number, str(number)]
    if number == number.to_integral_value():
        forms.append(int(number))
    return st.sampled_from(forms)


def _decimals_between(low: Decimal, high: Decimal) -> st.SearchStrategy[Decimal]:
    """Decimals from ``low`` to ``high`` in hundredths (both ends included)."""
    lowest, highest = math.ceil(low * 100), math.floor(high * 100)
    if highest < lowest:
        return st.just(high)
    return st.integers(lowest, highest).map(lambda n: Decimal(n) / 100)


def _amounts(low: Decimal, high: Decimal) -> st.SearchStrategy[Any]:
    """A number from ``low`` to ``high`` in one of the accepted forms."""
    return _decimals_between(low, high).flatmap(_number_forms)


# -- the scope a payload is drawn for ----------------------------------------------------


@attrs.frozen
class _Scope:
    """What a payload may know about its trajectory: the date and the data."""

    today: dt.date | None
    data: Leertraject | None

    @property
    def rules(self) -> Rules | None:
        return None if self.data is None else self.data.rules

    def past(self) -> st.SearchStrategy[dt.date]:
        """A date that is not after ``today`` (any date of the period without it)."""
        today = self.today
        if today is None:
            return st.dates(EARLIEST, LATEST)
        return st.integers(0, LOOKBACK_DAYS).map(lambda days: today - dt.timedelta(days=days))

    def in_year(self) -> st.SearchStrategy[dt.date]:
        """A date inside the trajectory's school year (any date of the period without it)."""
        if self.data is None:
            return st.dates(EARLIEST, LATEST)
        return st.dates(self.data.school_year.start, self.data.school_year.end)

    def known(self) -> tuple[str, ...]:
        return () if self.data is None else tuple(p.name for p in self.data.participants)

    def participant(self) -> st.SearchStrategy[str]:
        """A participant of the trajectory (any name if it has none yet)."""
        known = self.known()
        return st.sampled_from(known) if known else participant_names()


def _parts(names: Sequence[str]) -> st.SearchStrategy[Payload]:
    """Some parts of a plan (at least one; most often all), each with a text."""
    every = st.fixed_dictionaries({name: texts() for name in names})
    some = st.lists(st.sampled_from(names), min_size=1, max_size=len(names), unique=True)
    return st.one_of(every, some.flatmap(lambda chosen: st.fixed_dictionaries(
        {name: texts() for name in chosen}
    )))  # fmt: skip


def _optional(field: str, values: st.SearchStrategy[Any]) -> st.SearchStrategy[Payload]:
    """The field left out, given as ``None``, or given a value."""
    return st.one_of(
        st.just({}),
        st.just({field: None}),
        values.map(lambda value: {field: value}),
    )


def _merge(*parts: st.SearchStrategy[Payload]) -> st.SearchStrategy[Payload]:
    def combine(pieces: tuple[Payload, ...]) -> Payload:
        merged: Payload = {}
        for piece in pieces:
            merged.update(piece)
        return merged

    return st.tuples(*parts).map(combine)


# -- valid payloads, event by event ------------------------------------------------------


def _hold_orientation(scope: _Scope) -> st.SearchStrategy[Payload]:
    return st.fixed_dictionaries(
        {
            "date": scope.past(),
            "learning_question": texts(),
            "conclusion": _choice_values(Conclusion),
            "report": texts(),
        }
    )


def _reason(scope: _Scope) -> st.SearchStrategy[Payload]:
    return st.fixed_dictionaries({"reason": texts()})


def _no_fields(scope: _Scope) -> st.SearchStrategy[Payload]:
    return st.just({})


def _request_completion(scope: _Scope) -> st.SearchStrategy[Payload]:
    today = scope.today
    if today is None:
        return _optional("deadline", st.dates(EARLIEST, LATEST))
    rules = scope.rules
    period = DEFAULT_COMPLETION_DAYS if rules is None else rules.completion_period_days
    deadlines = st.integers(1, period).map(lambda days: today + dt.timedelta(days=days))
    return _optional("deadline", deadlines)


def _grant(scope: _Scope) -> st.SearchStrategy[Payload]:
    rules = scope.rules
    other = st.fixed_dictionaries(
        {"amount": _amounts(Decimal(0), MAX_AMOUNT), "override_reason": texts()}
    )
    if rules is None:
        return st.one_of(st.just({}), other)
    fixed = _number_forms(rules.subsidy_amount).map(lambda amount: {"amount": amount})
    return st.one_of(st.just({}), fixed, other)


def _hold_study_moment(scope: _Scope) -> st.SearchStrategy[Payload]:
    required = st.fixed_dictionaries(
        {"date": scope.past(), "form": _choice_values(StudyMomentForm)}
    )
    return _merge(required, _optional("topic", texts()))


def _hold_guidance_moment(scope: _Scope) -> st.SearchStrategy[Payload]:
    return _merge(st.fixed_dictionaries({"date": scope.past()}), _optional("notes", texts()))


def _hold_closing_talk(scope: _Scope) -> st.SearchStrategy[Payload]:
    return _optional("evaluation", texts())


def _deliver_implementation_plan(scope: _Scope) -> st.SearchStrategy[Payload]:
    return st.fixed_dictionaries({"plan": texts()})


def _record_talk(scope: _Scope) -> st.SearchStrategy[Payload]:
    kinds: st.SearchStrategy[Any] = _choice_values(TalkKind)
    rules = scope.rules
    if rules is not None and rules.required_talks:
        required = tuple(kind for kinds in rules.required_talks for kind in kinds)
        kinds = st.one_of(st.sampled_from(required), kinds)
    return st.fixed_dictionaries({"kind": kinds, "date": scope.past()})


def _hours(maximum: Decimal) -> st.SearchStrategy[Any]:
    return _amounts(Decimal(0), maximum)


def _new_participant(exclude: Iterable[str]) -> st.SearchStrategy[Payload]:
    return st.fixed_dictionaries(
        {
            "name": participant_names(exclude=exclude),
            "role": _choice_values(Role),
            "planned_hours": _hours(Decimal(400)) | _hours(MAX_PLANNED_HOURS),
        }
    )


def _add_participant(scope: _Scope) -> st.SearchStrategy[Payload]:
    return _new_participant(scope.known())


def _remove_participant(scope: _Scope) -> st.SearchStrategy[Payload]:
    return st.fixed_dictionaries({"name": scope.participant()})


def _write_activity_plan(scope: _Scope) -> st.SearchStrategy[Payload]:
    return _parts([str(part) for part in ActivityPlanPart])


def _write_development_plan(scope: _Scope) -> st.SearchStrategy[Payload]:
    return _parts([str(part) for part in DevelopmentPlanPart])


def _form_core_group(scope: _Scope) -> st.SearchStrategy[Payload]:
    known = scope.known()
    pool = st.sampled_from(known) if known else participant_names()
    most = max(len(known), 1) if known else 4
    members = st.lists(pool, min_size=1, max_size=most, unique_by=name_key)
    return st.fixed_dictionaries({"members": members})


def _plan_calendar(scope: _Scope) -> st.SearchStrategy[Payload]:
    rules, day = scope.rules, scope.in_year()
    fewest_studies, most_studies = (0, 4) if rules is None else (
        rules.study_moments_minimum, rules.study_moments_maximum,
    )  # fmt: skip
    fewest_guidance = 0 if rules is None else max(rules.guidance_moments_minimum, 1)
    return st.fixed_dictionaries(
        {
            "intake": day,
            "study_moments": st.lists(day, min_size=fewest_studies, max_size=most_studies),
            "guidance_moments": st.lists(
                day, min_size=fewest_guidance, max_size=fewest_guidance + 2
            ),
        }
    )


@st.composite
def _log_hours_within_day(draw: st.DrawFn, scope: _Scope, data: Leertraject) -> Payload:
    """A participant, a date and hours that still fit in that participant's day."""
    name = draw(scope.participant())
    day = draw(scope.past())
    found = data.participant(name)
    registered = name if found is None else found.name
    room = MAX_HOURS_PER_DAY - data.hours_on(registered, day)
    while room <= 0:  # that day is full: the day before
        day -= dt.timedelta(days=1)
        room = MAX_HOURS_PER_DAY - data.hours_on(registered, day)
    hours = draw(_amounts(Decimal("0.01"), room))
    return {"participant": name, "date": day, "hours": hours}


def _log_hours(scope: _Scope) -> st.SearchStrategy[Payload]:
    if scope.data is not None:
        return _log_hours_within_day(scope, scope.data)
    return st.fixed_dictionaries(
        {
            "participant": scope.participant(),
            "date": scope.past(),
            "hours": _amounts(Decimal("0.01"), MAX_HOURS_PER_DAY),
        }
    )


def _scores(aspects: Sequence[str], levels: int) -> st.SearchStrategy[dict[str, int]]:
    return st.fixed_dictionaries({aspect: st.integers(1, levels) for aspect in aspects})


def _record_self_scan(scope: _Scope) -> st.SearchStrategy[Payload]:
    def for_model(model_id: str) -> st.SearchStrategy[Payload]:
        model = next(m for m in development_models() if m.id == model_id)
        return st.fixed_dictionaries(
            {
                "model": st.just(model.id),
                "date": scope.past(),
                "scores": _scores(model.aspect_ids, len(model.levels)),
            }
        )

    return st.sampled_from([m.id for m in development_models()]).flatmap(for_model)


_VALID: Final[dict[str, Callable[[_Scope], st.SearchStrategy[Payload]]]] = {
    "hold_orientation": _hold_orientation,
    "decline": _reason,
    "register": _no_fields,
    "submit_application": _no_fields,
    "request_completion": _request_completion,
    "complete_application": _no_fields,
    "grant": _grant,
    "reject": _reason,
    "start_preparation": _no_fields,
    "hold_intake": _no_fields,
    "start_execution": _no_fields,
    "hold_study_moment": _hold_study_moment,
    "hold_guidance_moment": _hold_guidance_moment,
    "hold_closing_talk": _hold_closing_talk,
    "deliver_implementation_plan": _deliver_implementation_plan,
    "settle": _no_fields,
    "withdraw": _reason,
    "record_talk": _record_talk,
    "add_participant": _add_participant,
    "remove_participant": _remove_participant,
    "write_activity_plan": _write_activity_plan,
    "form_core_group": _form_core_group,
    "plan_calendar": _plan_calendar,
    "write_development_plan": _write_development_plan,
    "log_hours": _log_hours,
    "record_self_scan": _record_self_scan,
}


# -- invalid values, field by field --------------------------------------------------------

_NAIVE_OR_AWARE_DATETIMES: Final = st.one_of(
    st.datetimes(), st.datetimes(timezones=st.just(dt.UTC))
)
_NOT_OPTIONAL_TEXT: Final = st.one_of(
    st.integers(),
    st.booleans(),
    st.binary(min_size=1, max_size=3),
    st.lists(st.sampled_from(_WORDS), max_size=2),
)
_NOT_TEXT: Final = st.one_of(_NOT_OPTIONAL_TEXT, st.none())
_NOT_NAME: Final = st.one_of(st.sampled_from(_BLANKS), st.none(), st.integers())
_NOT_OPTIONAL_DATE: Final = st.one_of(
    _NAIVE_OR_AWARE_DATETIMES,
    st.dates().map(dt.date.isoformat),
    st.integers(),
    st.lists(st.dates(), min_size=1, max_size=2),
)
_NOT_DATE: Final = st.one_of(_NOT_OPTIONAL_DATE, st.none())
_NOT_DATES: Final = st.one_of(
    st.dates().map(dt.date.isoformat),  # a text, not a list
    st.dates(),  # one date, not a list
    st.none(),
    st.integers(),
    st.lists(
        st.one_of(_NAIVE_OR_AWARE_DATETIMES, st.dates().map(dt.date.isoformat), st.integers()),
        min_size=1,
        max_size=3,
    ),
)
_NOT_NAMES: Final = st.one_of(
    participant_names(),  # one name, not a list
    st.just([]),
    st.none(),
    st.integers(),
    st.lists(_NOT_NAME, min_size=1, max_size=3),
    participant_names().map(lambda name: [name, f"  {name.upper()} "]),  # the same name twice
)
#: Values no number converter accepts (``None`` aside: an optional amount takes it).
_NOT_A_NUMBER: Final[tuple[Any, ...]] = (
    "",
    "many",
    "1,5",
    True,
    False,
    float("nan"),
    float("inf"),
    Decimal("NaN"),
    Decimal("-Infinity"),
    [],
)


def _out_of(values: Sequence[Any], *more: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    return st.one_of(st.sampled_from([*values, *_NOT_A_NUMBER, None]), *more)


_NOT_PLANNED_HOURS: Final = _out_of(
    (-1, Decimal("-0.5"), "-3", MAX_PLANNED_HOURS + Decimal("0.01"), "1660", 10**6),
    st.integers(max_value=-1),
    st.integers(min_value=int(MAX_PLANNED_HOURS) + 1),
)
_NOT_LOGGED_HOURS: Final = _out_of(
    (0, Decimal(0), "0", "0.00", -1, MAX_HOURS_PER_DAY + Decimal("0.01"), 25, "24.5"),
    st.integers(max_value=0),
    st.integers(min_value=int(MAX_HOURS_PER_DAY) + 1),
)
_NOT_AN_AMOUNT: Final = st.one_of(
    st.sampled_from([-1, Decimal("-0.01"), MAX_AMOUNT + Decimal("0.01"), 10**8, *_NOT_A_NUMBER]),
    st.integers(max_value=-1),
)
_NOT_A_MODEL: Final = st.one_of(
    st.sampled_from(("", "unknown-model", "Lerende-Organisatie")), st.integers(), st.none()
)

_BAD_VALUES: Final[dict[str, dict[str, st.SearchStrategy[Any]]]] = {
    "hold_orientation": {
        "date": _NOT_DATE,
        "learning_question": _NOT_TEXT,
        "conclusion": _not_a_choice(Conclusion),
        "report": _NOT_TEXT,
    },
    "decline": {"reason": _NOT_TEXT},
    "reject": {"reason": _NOT_TEXT},
    "withdraw": {"reason": _NOT_TEXT},
    "request_completion": {"deadline": _NOT_OPTIONAL_DATE},
    "grant": {"amount": _NOT_AN_AMOUNT, "override_reason": _NOT_OPTIONAL_TEXT},
    "hold_study_moment": {
        "date": _NOT_DATE,
        "form": _not_a_choice(StudyMomentForm),
        "topic": _NOT_OPTIONAL_TEXT,
    },
    "hold_guidance_moment": {"date": _NOT_DATE, "notes": _NOT_OPTIONAL_TEXT},
    "hold_closing_talk": {"evaluation": _NOT_OPTIONAL_TEXT},
    "deliver_implementation_plan": {"plan": _NOT_TEXT},
    "record_talk": {"kind": _not_a_choice(TalkKind), "date": _NOT_DATE},
    "add_participant": {
        "name": _NOT_NAME,
        "role": _not_a_choice(Role),
        "planned_hours": _NOT_PLANNED_HOURS,
    },
    "remove_participant": {"name": _NOT_NAME},
    "write_activity_plan": {str(part): _NOT_OPTIONAL_TEXT for part in ActivityPlanPart},
    "form_core_group": {"members": _NOT_NAMES},
    "plan_calendar": {
        "intake": _NOT_DATE,
        "study_moments": _NOT_DATES,
        "guidance_moments": _NOT_DATES,
    },
    "write_development_plan": {str(part): _NOT_OPTIONAL_TEXT for part in DevelopmentPlanPart},
    "log_hours": {"participant": _NOT_NAME, "date": _NOT_DATE, "hours": _NOT_LOGGED_HOURS},
    "record_self_scan": {"model": _NOT_A_MODEL, "date": _NOT_DATE},
}


def _no_part(parts: Sequence[str]) -> st.SearchStrategy[Payload]:
    """A plan event without any part: nothing, or only ``None`` parts."""
    nones = st.lists(st.sampled_from(parts), min_size=1, unique=True).map(dict.fromkeys)
    return st.one_of(st.just({}), nones)


@st.composite
def _bad_scores(draw: st.DrawFn, valid: st.SearchStrategy[Payload]) -> Payload:
    """A self-scan whose scores are refused: not a mapping, an aspect without a level,
    a level out of range or not a whole number, an aspect the model does not have."""
    payload = dict(draw(valid))
    scores = dict(payload["scores"])
    aspect = draw(st.sampled_from(sorted(scores)))
    kind = draw(st.sampled_from(("not_a_mapping", "missing", "level", "unknown")))
    if kind == "not_a_mapping":
        payload["scores"] = draw(st.one_of(st.none(), st.just([1, 2, 3]), st.just("3")))
    elif kind == "missing":
        del scores[aspect]
        payload["scores"] = scores
    elif kind == "level":
        scores[aspect] = draw(st.sampled_from((0, 6, -1, True, "3", 2.5, None)))
        payload["scores"] = scores
    else:
        scores["not_an_aspect"] = 3
        payload["scores"] = scores
    return payload


def _whole(event: str, valid: st.SearchStrategy[Payload]) -> list[st.SearchStrategy[Payload]]:
    """Payloads refused as a whole rather than for one field's value."""
    if event == "write_activity_plan":
        return [_no_part([str(part) for part in ActivityPlanPart])]
    if event == "write_development_plan":
        return [_no_part([str(part) for part in DevelopmentPlanPart])]
    if event == "record_self_scan":
        return [_bad_scores(valid)]
    return []


def _replacing(field: str) -> Callable[[tuple[Payload, Any]], Payload]:
    def replace(drawn: tuple[Payload, Any]) -> Payload:
        payload, value = drawn
        return {**payload, field: value}

    return replace


def _invalid(event: str, valid: st.SearchStrategy[Payload]) -> st.SearchStrategy[Payload]:
    payload_class = LIFECYCLE.events[event].payload
    fields = attrs.fields(payload_class)
    names = {field.name for field in fields}
    required = sorted(field.name for field in fields if field.default is attrs.NOTHING)
    unknown = [name for name in _UNKNOWN_FIELDS if name not in names]
    junk = st.one_of(st.none(), st.integers(), texts())
    options: list[st.SearchStrategy[Payload]] = [
        st.tuples(valid, st.sampled_from(unknown), junk).map(
            lambda drawn: {**drawn[0], drawn[1]: drawn[2]}
        )
    ]
    if required:
        options.append(
            st.tuples(valid, st.sampled_from(required)).map(
                lambda drawn: {k: v for k, v in drawn[0].items() if k != drawn[1]}
            )
        )
    for field, values in _BAD_VALUES.get(event, {}).items():
        options.append(st.tuples(valid, values).map(_replacing(field)))
    options.extend(_whole(event, valid))
    return st.one_of(options)


def payloads(
    event: str,
    *,
    valid: bool = True,
    today: dt.date | None = None,
    data: Leertraject | None = None,
) -> st.SearchStrategy[Payload]:
    """Keyword arguments for ``trajectory.fire(event, **payload)``.

    With ``valid=True`` the event's payload class accepts them (no
    :class:`~trajectory.InvalidData`); ``today`` (the trajectory's date in the
    Netherlands) and ``data`` (the trajectory's data) make them satisfy the
    preconditions that judge the payload itself as well (see the module's docstring);
    such a strategy judges by the ``data`` it was given, so draw from a new one after
    the trajectory changed.
    With ``valid=False`` the payload class refuses them: ``fire`` raises
    :class:`~trajectory.InvalidData` and changes nothing. Events without fields get
    ``{}`` (valid) or a field they do not take (invalid).

    Raises :class:`~trajectory.UnknownEvent` for an event the leertraject does not have.

    >>> from hypothesis import given
    >>> from trajectory.ontwikkelkracht import LIFECYCLE
    >>> @given(payloads("add_participant"))
    ... def accepted(payload):
    ...     LIFECYCLE.events["add_participant"].build_payload(payload)
    >>> accepted()
    """
    LIFECYCLE.event(event)  # UnknownEvent for a name the leertraject does not define
    strategy = _VALID[event](_Scope(today, data))
    return strategy if valid else _invalid(event, strategy)


def participants(valid: bool = True, *, exclude: Iterable[str] = ()) -> st.SearchStrategy[Payload]:
    """Keyword arguments for ``add_participant``: a name (not one of ``exclude``), a
    role and planned hours (0 to 1659); with ``valid=False``, arguments that
    ``add_participant`` refuses with :class:`~trajectory.InvalidData` (a blank name,
    an unknown role, hours out of range, a missing field …)."""
    strategy = _new_participant(tuple(exclude))
    return strategy if valid else _invalid("add_participant", strategy)


# -- both sides of a precondition ----------------------------------------------------------


def around(bound: int, *, step: int = 1, floor: int | None = 0) -> st.SearchStrategy[int]:
    """``bound - step``, ``bound`` and ``bound + step``: just below, at and just above
    a bound (never below ``floor``; ``floor=None`` for none).

    >>> from hypothesis import given
    >>> @given(around(5))
    ... def near_five(count):
    ...     assert count in (4, 5, 6)
    >>> near_five()
    """
    values = [bound - step, bound, bound + step]
    if floor is not None:
        values = sorted({max(value, floor) for value in values})
    return st.sampled_from(values)


def participant_counts(rules: Rules) -> st.SearchStrategy[int]:
    """Numbers of participants just below, at and just above the year's minimum."""
    return around(rules.minimum_participants)


def school_leader_counts(rules: Rules) -> st.SearchStrategy[int]:
    """Numbers of school leaders just below, at and just above the year's minimum."""
    return around(rules.minimum_school_leaders)


def planned_hours(rules: Rules, *, step: Decimal = Decimal("0.5")) -> st.SearchStrategy[Decimal]:
    """Totals of planned hours just below, at and just above the year's minimum."""
    bound = rules.minimum_hours
    return st.sampled_from(sorted({max(bound - step, Decimal(0)), bound, bound + step}))


def study_moment_counts(rules: Rules) -> st.SearchStrategy[int]:
    """Numbers of study moments around the year's minimum and around its maximum."""
    low, high = rules.study_moments_minimum, rules.study_moments_maximum
    return st.sampled_from(sorted({max(low - 1, 0), low, high, high + 1}))


def dates_around(day: dt.date) -> st.SearchStrategy[dt.date]:
    """The day before ``day``, ``day`` and the day after: for ``date.in_future`` (with
    ``day`` = today) and for a completion deadline."""
    return st.sampled_from([day - dt.timedelta(days=1), day, day + dt.timedelta(days=1)])


def window_moments(
    rules: Rules, *, step: dt.timedelta = dt.timedelta(minutes=1)
) -> st.SearchStrategy[dt.datetime]:
    """Moments just before, at and just after the opening and the closing of each of
    the year's application windows (``window.closed``)."""
    moments = sorted(
        {
            moment + offset
            for window in rules.application_windows
            for moment in (window.opens, window.closes)
            for offset in (-step, dt.timedelta(0), step)
        }
    )
    if not moments:
        raise ValueError(f"the rules of {rules.school_year} have no application window")
    return st.sampled_from(moments)


def completion_deadlines(rules: Rules, today: dt.date) -> st.SearchStrategy[dt.date]:
    """Deadlines on both sides of ``completion.deadline_invalid``: today (too early),
    tomorrow and the last day of the period (valid), the day after it (too late)."""
    period = rules.completion_period_days
    days = (0, 1, period, period + 1)
    return st.sampled_from([today + dt.timedelta(days=n) for n in sorted(set(days))])


@st.composite
def _teams(draw: st.DrawFn, rules: Rules) -> list[Payload]:
    size = draw(participant_counts(rules))
    leaders = min(draw(school_leader_counts(rules)), size)
    total = draw(planned_hours(rules))
    names = draw(st.lists(participant_names(), min_size=size, max_size=size, unique_by=name_key))
    if not names:
        return []
    share = (total / size).quantize(Decimal("0.01"), rounding=ROUND_DOWN)
    hours = [share] * (size - 1) + [total - share * (size - 1)]
    others = [role for role in Role if role is not Role.SCHOOL_LEADER]
    roles = [Role.SCHOOL_LEADER] * leaders + [
        draw(st.sampled_from(others)) for _ in range(size - leaders)
    ]
    return [
        {"name": name, "role": role, "planned_hours": planned}
        for name, role, planned in zip(names, roles, hours, strict=True)
    ]


def teams(rules: Rules) -> st.SearchStrategy[list[Payload]]:
    """Whole teams for ``add_participant``, one payload per person: their number, their
    school leaders and their planned hours together are each drawn just below, at or
    just above the year's minimum (``participants.minimum``,
    ``participants.school_leader``, ``hours.minimum``). The names differ.

    Judge a drawn team by what it is: ``len(team)``, the ``school_leader`` roles, the
    sum of ``planned_hours``.
    """
    return _teams(rules)
