"""Hypothesis strategies for leertraject payloads, on both sides of every check.

Two kinds of strategies live here:

**Payloads.** :func:`payloads` draws the keyword arguments of
``Trajectory.fire(event, **payload)`` for any event of the leertraject (or of the
``lifecycle`` given: a copy of its definition with events of its own). They are
derived from the event's payload class: each field's type (a date, a text with the
limits of :data:`~trajectory.engine.fields.Text`, :data:`~trajectory.engine.fields.Name`,
:data:`~trajectory.engine.fields.Line` or :data:`~trajectory.engine.fields.Identifier`,
an amount within its converter's bounds, a choice, a tuple of these), and every drawn
value is checked against the field's converter and validator (and the payload
against the class), so an added event needs nothing here. Where the leertraject's
preconditions need more than the payload class says (a participant the trajectory
knows, hours that fit the day), a hint for that payload class draws them:

- ``valid=True``: the event's payload class accepts them, so ``fire`` never raises
  :class:`~trajectory.InvalidData` for them. Whether the event is *accepted* still
  depends on the trajectory (its state, its participants, the clock). Pass
  ``today=`` and ``data=`` to draw payloads that also satisfy the preconditions that
  look at the payload itself: dates on or before ``today``, participants the
  trajectory knows (a new name for ``add_participant``), a completion deadline within
  the scheme's period, the granted amount of the year's rules (or another with a
  reason), hours that still fit in the participant's day, planned dates inside the
  school year, moments, hours and knowledge sharing dated inside the school year (and
  moments not before the intake).
- ``valid=False``: the payload class refuses them, so ``fire`` raises
  :class:`~trajectory.InvalidData` and changes nothing: a field of the wrong type,
  a text too long or with a control character, hours or an amount out of range, a
  blank name, an unknown choice, a missing required field, a field the event does
  not take, a plan without any part (derived from the field types likewise, and
  each value checked to be refused); a self-scan without a level for every aspect.

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

from trajectory.engine.definition import Lifecycle
from trajectory.engine.errors import DefinitionError
from trajectory.engine.examples import (
    FieldShape,
    accepts,
    builds,
    example_payload,
    field_shapes,
    invalid_values,
    refuses,
    valid_values,
)
from trajectory.engine.fields import name_key
from trajectory.ontwikkelkracht import lifecycle as _leertraject
from trajectory.ontwikkelkracht import payloads as p
from trajectory.ontwikkelkracht.development_models import development_models
from trajectory.ontwikkelkracht.model import ActivityPlanPart, DevelopmentPlanPart, Role, TalkKind
from trajectory.ontwikkelkracht.payloads import MAX_AMOUNT, MAX_HOURS_PER_DAY, MAX_PLANNED_HOURS
from trajectory.ontwikkelkracht.record import Leertraject
from trajectory.ontwikkelkracht.rules import Rules
from trajectory.ontwikkelkracht.school import School, Sector
from trajectory.ontwikkelkracht.walker import FIRST_NAMES, SCHOOL_NAMES, SURNAMES

__all__ = [
    "ApplicationDraw",
    "BoardDraw",
    "applications",
    "around",
    "blank_texts",
    "boards",
    "completion_deadlines",
    "dates_around",
    "field_values",
    "participant_counts",
    "participant_names",
    "participants",
    "payloads",
    "planned_hours",
    "receipt_moments",
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

    def so_far(self, *, after_intake: bool = False) -> st.SearchStrategy[dt.date]:
        """A date inside the trajectory's school year, not after ``today`` and (with
        ``after_intake``) not before the intake where one is recorded; where no such
        date exists (or without data), as :meth:`past`."""
        if self.data is None:
            return self.past()
        year, intake = self.data.school_year, self.data.intake_date
        low = max(year.start, intake) if after_intake and intake is not None else year.start
        high = year.end if self.today is None else min(self.today, year.end)
        if high < low:
            return self.past()
        return st.dates(low, high)

    def known(self) -> tuple[str, ...]:
        return () if self.data is None else tuple(person.name for person in self.data.participants)

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


# -- derived from the payload class: valid values, field by field --------------------------


def _checked(
    payload_class: type, name: str, drawn: st.SearchStrategy[Any], known: Sequence[Any]
) -> st.SearchStrategy[Any]:
    """``drawn`` where the field takes the value, else one of ``known`` (values it
    takes): never a value the field refuses, and no filtering."""

    def pick(pair: tuple[Any, Any]) -> Any:
        value, fallback = pair
        return value if accepts(payload_class, name, value) else fallback

    return st.tuples(drawn, st.sampled_from(known)).map(pick)


def _drawn(shape: FieldShape, scope: _Scope) -> st.SearchStrategy[Any] | None:
    """Values of the kind the field's type names (checked by the caller)."""
    if shape.kind == "text":
        high = shape.max_length
        return texts() if high is None else texts().map(lambda text: text[:high])
    if shape.kind == "date":
        return scope.past()
    if shape.kind == "datetime":
        return st.datetimes(
            dt.datetime(2020, 1, 1), dt.datetime(2030, 12, 31), timezones=st.just(dt.UTC)
        )
    if shape.kind == "number":
        lowest = Decimal(0) if shape.minimum is None else shape.minimum
        highest = lowest + 1000 if shape.maximum is None else shape.maximum
        return _amounts(lowest, highest)
    if shape.kind == "integer":
        return st.integers(0, 1000)
    if shape.kind == "boolean":
        return st.booleans()
    if shape.kind == "choice":
        members = shape.choices
        return st.sampled_from((*members, *(str(member.value) for member in members)))
    if shape.kind == "sequence" and shape.item is not None:
        item = _drawn(shape.item, scope)
        return None if item is None else st.lists(item, min_size=1, max_size=3)
    return None


def field_values(
    payload_class: type, name: str, *, valid: bool = True, today: dt.date | None = None
) -> st.SearchStrategy[Any]:
    """Values for the field ``name`` of ``payload_class``, derived from its type and
    checked against its converter and validator: with ``valid=True`` values it takes
    (dates up to ``today``), else values it refuses with
    :class:`~trajectory.InvalidData`.

    Raises :class:`~trajectory.DefinitionError` when none can be derived (a field of a
    type of its own, or a validator none of the ordinary values passes).

    >>> from hypothesis import given
    >>> from trajectory.engine.examples import accepts, refuses
    >>> from trajectory.ontwikkelkracht.payloads import LogHours
    >>> @given(field_values(LogHours, "hours"), field_values(LogHours, "hours", valid=False))
    ... def both_sides(hours, wrong):
    ...     assert accepts(LogHours, "hours", hours) and refuses(LogHours, "hours", wrong)
    >>> both_sides()
    """
    return _field_values(payload_class, name, valid, _Scope(today, None))


def _field_values(
    payload_class: type, name: str, valid: bool, scope: _Scope
) -> st.SearchStrategy[Any]:
    shape = next((s for s in field_shapes(payload_class) if s.name == name), None)
    if shape is None:
        raise DefinitionError(f"{payload_class.__qualname__} has no field {name!r}")
    if not valid:
        wrong = invalid_values(payload_class, name)
        if not wrong:
            raise DefinitionError(
                f"no value {payload_class.__qualname__}.{name} refuses can be derived"
            )
        return _refused(payload_class, name, shape, wrong)
    known = valid_values(payload_class, name, today=scope.today)
    if not known:
        raise DefinitionError(
            f"no value {payload_class.__qualname__}.{name} takes can be derived; "
            "give its payload class a hint"
        )
    drawn = _drawn(shape, scope)
    return st.sampled_from(known) if drawn is None else _checked(payload_class, name, drawn, known)


def _out_of_range(shape: FieldShape) -> st.SearchStrategy[Any] | None:
    """More values on the wrong side of a field's checks (checked by the caller)."""
    if shape.kind == "number":
        lowest = -1 if shape.minimum is None else int(shape.minimum) - 1
        below = st.integers(max_value=lowest)
        if shape.maximum is None:
            return below
        return st.one_of(below, st.integers(min_value=int(shape.maximum) + 1))
    if shape.kind in ("text", "date", "datetime", "choice", "sequence"):
        return st.one_of(st.integers(), st.booleans(), st.floats())
    return None


def _refused(
    payload_class: type, name: str, shape: FieldShape, wrong: Sequence[Any]
) -> st.SearchStrategy[Any]:
    """Values the field refuses: those listed, and more drawn where the field's kind
    allows (each checked; one listed stands in for a drawn value the field takes)."""
    listed = st.sampled_from(wrong)
    more = _out_of_range(shape)
    if more is None:
        return listed

    def pick(pair: tuple[Any, Any]) -> Any:
        value, fallback = pair
        return value if refuses(payload_class, name, value) else fallback

    return st.one_of(listed, st.tuples(more, listed).map(pick))


def _derived(payload_class: type, scope: _Scope) -> st.SearchStrategy[Payload]:
    """Payloads of ``payload_class``: every required field, each optional one left
    out, ``None`` or given; a payload the class refuses as a whole (a plan without
    any part) gives way to :func:`~trajectory.engine.examples.example_payload`."""
    shapes = field_shapes(payload_class)
    if not shapes:
        return st.just({})
    example = example_payload(payload_class, today=scope.today)
    required = st.fixed_dictionaries(
        {
            shape.name: _field_values(payload_class, shape.name, True, scope)
            for shape in shapes
            if shape.required
        }
    )
    optional = [
        _optional(shape.name, _field_values(payload_class, shape.name, True, scope))
        for shape in shapes
        if not shape.required and valid_values(payload_class, shape.name, today=scope.today)
    ]

    def whole(payload: Payload) -> Payload:
        return payload if builds(payload_class, payload) else dict(example)

    return _merge(required, *optional).map(whole)


# -- hints: what the leertraject's preconditions need beyond the payload class ----------------


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


def _grant_on_objection(scope: _Scope) -> st.SearchStrategy[Payload]:
    decision = texts().filter(str.strip)
    return st.tuples(_grant(scope), decision).map(lambda pair: {**pair[0], "decision": pair[1]})


def _submit_application(scope: _Scope) -> st.SearchStrategy[Payload]:
    """Received now (no moment given), with or without the talks of an application."""
    kinds = st.lists(_choice_values(TalkKind), max_size=3).map(tuple)
    return st.one_of(st.just({}), st.fixed_dictionaries({"application_talks": kinds}))


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
    """A participant, a date inside the school year up to today, and hours that still
    fit in that participant's day."""
    name = draw(scope.participant())
    day = draw(scope.so_far())
    found = data.participant(name)
    registered = name if found is None else found.name
    room = MAX_HOURS_PER_DAY - data.hours_on(registered, day)
    if room <= 0:  # that day is full: the nearest day with room, the year's first
        year = data.school_year
        latest = year.end if scope.today is None else min(scope.today, year.end)
        earlier = (day - dt.timedelta(days=n) for n in range(1, (day - year.start).days + 1))
        later = (day + dt.timedelta(days=n) for n in range(1, (latest - day).days + 1))
        for candidate in (*earlier, *later):
            room = MAX_HOURS_PER_DAY - data.hours_on(registered, candidate)
            if room > 0:
                day = candidate
                break
        while room <= 0:  # every day of the year is full: the day before
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


def _dated(
    payload_class: type, *, after_intake: bool = False
) -> Callable[[_Scope], st.SearchStrategy[Payload]]:
    """A hint: payloads derived from ``payload_class`` whose ``date`` lies inside the
    school year, up to today (and, with ``after_intake``, not before the intake)."""

    def dated(drawn: tuple[Payload, dt.date]) -> Payload:
        payload, day = drawn
        return payload if payload.get("date") is None else {**payload, "date": day}

    def hint(scope: _Scope) -> st.SearchStrategy[Payload]:
        dates = scope.so_far(after_intake=after_intake)
        return st.tuples(_derived(payload_class, scope), dates).map(dated)

    return hint


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


#: By payload class: strategies that draw what the trajectory's preconditions accept
#: (given ``today`` and ``data``). Every other payload class is derived.
_HINTS: Final[dict[type, Callable[[_Scope], st.SearchStrategy[Payload]]]] = {
    p.RequestCompletion: _request_completion,
    p.GrantSubsidy: _grant,
    p.GrantOnObjection: _grant_on_objection,
    p.SubmitApplication: _submit_application,
    p.RecordTalk: _record_talk,
    p.AddParticipant: _add_participant,
    p.RemoveParticipant: _remove_participant,
    p.WriteActivityPlan: _write_activity_plan,
    p.WriteDevelopmentPlan: _write_development_plan,
    p.FormCoreGroup: _form_core_group,
    p.PlanCalendar: _plan_calendar,
    p.LogHours: _log_hours,
    p.HoldIntake: _dated(p.HoldIntake),
    p.HoldStudyMoment: _dated(p.HoldStudyMoment, after_intake=True),
    p.HoldGuidanceMoment: _dated(p.HoldGuidanceMoment, after_intake=True),
    p.RecordKnowledgeSharing: _dated(p.RecordKnowledgeSharing),
    p.RecordSelfScan: _record_self_scan,
}


# -- invalid payloads ------------------------------------------------------------------------


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


#: By payload class: payloads refused as a whole rather than for one field's value,
#: beyond what the field types give.
_INVALID_HINTS: Final[
    dict[type, Callable[[st.SearchStrategy[Payload]], st.SearchStrategy[Payload]]]
] = {p.RecordSelfScan: _bad_scores}


def _replacing(field: str) -> Callable[[tuple[Payload, Any]], Payload]:
    def replace(drawn: tuple[Payload, Any]) -> Payload:
        payload, value = drawn
        return {**payload, field: value}

    return replace


def _invalid(payload_class: type, valid: st.SearchStrategy[Payload]) -> st.SearchStrategy[Payload]:
    """Payloads ``payload_class`` refuses: a field it does not take, a required field
    missing, each field's refused values (:func:`field_values`), and as a whole
    nothing, or only ``None``, where the class needs some field."""
    shapes = field_shapes(payload_class) if attrs.has(payload_class) else ()
    names = {shape.name for shape in shapes}
    required = sorted(shape.name for shape in shapes if shape.required)
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
    for shape in shapes:
        wrong = invalid_values(payload_class, shape.name)
        if wrong:
            values = _refused(payload_class, shape.name, shape, wrong)
            options.append(st.tuples(valid, values).map(_replacing(shape.name)))
    if shapes and not required:
        nothing: list[Payload] = [{}, dict.fromkeys(names)]
        options.extend(st.just(whole) for whole in nothing if not builds(payload_class, whole))
    hint = _INVALID_HINTS.get(payload_class)
    if hint is not None:
        options.append(hint(valid))
    return st.one_of(options)


def payloads(
    event: str,
    *,
    valid: bool = True,
    today: dt.date | None = None,
    data: Leertraject | None = None,
    lifecycle: Lifecycle[Any] | None = None,
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

    ``lifecycle`` (default: the leertraject's) is where ``event`` is looked up: an
    event a copy of the definition adds is drawn for from its payload class.
    Raises :class:`~trajectory.UnknownEvent` for an event the lifecycle does not have,
    :class:`~trajectory.DefinitionError` for a payload class nothing can be derived for.

    >>> from hypothesis import given
    >>> from trajectory.ontwikkelkracht import LIFECYCLE
    >>> @given(payloads("add_participant"))
    ... def accepted(payload):
    ...     LIFECYCLE.events["add_participant"].build_payload(payload)
    >>> accepted()
    """
    chosen = _leertraject.LIFECYCLE if lifecycle is None else lifecycle
    payload_class = chosen.event(event).payload  # UnknownEvent for a name it does not define
    scope = _Scope(today, data)
    hint = _HINTS.get(payload_class)
    strategy = hint(scope) if hint is not None else _derived(payload_class, scope)
    return strategy if valid else _invalid(payload_class, strategy)


def participants(valid: bool = True, *, exclude: Iterable[str] = ()) -> st.SearchStrategy[Payload]:
    """Keyword arguments for ``add_participant``: a name (not one of ``exclude``), a
    role and planned hours (0 to 1659); with ``valid=False``, arguments that
    ``add_participant`` refuses with :class:`~trajectory.InvalidData` (a blank name,
    an unknown role, hours out of range, a missing field …)."""
    strategy = _new_participant(tuple(exclude))
    return strategy if valid else _invalid(p.AddParticipant, strategy)


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


# -- the funder's side: boards, their locations and the moments of receipt ---------------


@attrs.frozen
class BoardDraw:
    """A school board and its schools (one location each), drawn by :func:`boards`."""

    board: str
    schools: tuple[School, ...]


@attrs.frozen
class ApplicationDraw:
    """A board's application, drawn by :func:`applications`: the board, its schools
    (one location each) and the moment of receipt, inside the round's window."""

    board: str
    schools: tuple[School, ...]
    received_at: dt.datetime


def boards(*, min_locations: int = 1, max_locations: int = 3) -> st.SearchStrategy[BoardDraw]:
    """A board (``Stichting … Onderwijs``) with ``min_locations`` to ``max_locations``
    schools of its own in primary education, with distinct BRINs.

    >>> from hypothesis import given
    >>> @given(boards(max_locations=2))
    ... def own_schools(drawn):
    ...     assert 1 <= len(drawn.schools) <= 2
    ...     assert {school.board for school in drawn.schools} == {drawn.board}
    >>> own_schools()
    """
    if not 1 <= min_locations <= max_locations:
        raise ValueError(
            f"expected 1 <= min_locations <= max_locations, got {min_locations}, {max_locations}"
        )
    board = st.sampled_from(SURNAMES).map(lambda name: f"Stichting {name.title()} Onderwijs")

    def with_schools(name: str) -> st.SearchStrategy[BoardDraw]:
        school = st.builds(
            School,
            name=st.sampled_from(SCHOOL_NAMES),
            sector=st.just(Sector.PO),
            board=st.just(name),
            brin=_brins().map(str.upper),
        )
        return st.lists(
            school,
            min_size=min_locations,
            max_size=max_locations,
            unique_by=lambda found: found.brin,
        ).map(lambda found: BoardDraw(name, tuple(found)))

    return board.flatmap(with_schools)


def receipt_moments(round: str = "2024-2025/main") -> st.SearchStrategy[dt.datetime]:
    """Moments of receipt inside ``round``'s window, on a few days only (its first day,
    its last day and one in between), so that applications drawn together often fall
    on the same day: ties that a lottery orders where the budget does not cover them."""
    from trajectory.ontwikkelkracht.bootstrap import programme
    from trajectory.ontwikkelkracht.school import NETHERLANDS

    chosen = programme().round(round)
    first = chosen.opens.astimezone(NETHERLANDS)
    last = chosen.closes.astimezone(NETHERLANDS)
    middle = first + (last - first) / 2
    days = sorted({first.date(), middle.date(), last.date()})

    def on(day: dt.date) -> st.SearchStrategy[dt.datetime]:
        start = max(first, dt.datetime.combine(day, dt.time(0), tzinfo=NETHERLANDS))
        end = min(last, dt.datetime.combine(day, dt.time(23, 59), tzinfo=NETHERLANDS))
        minutes = int((end - start).total_seconds() // 60)
        return st.integers(0, minutes).map(lambda n: start + dt.timedelta(minutes=n))

    return st.sampled_from(days).flatmap(on)


def applications(
    round: str = "2024-2025/main", *, min_locations: int = 1, max_locations: int = 3
) -> st.SearchStrategy[ApplicationDraw]:
    """A board's application in ``round``: the board and its schools (:func:`boards`)
    and a moment of receipt inside the window (:func:`receipt_moments`)."""
    return st.builds(
        lambda drawn, moment: ApplicationDraw(drawn.board, drawn.schools, moment),
        boards(min_locations=min_locations, max_locations=max_locations),
        receipt_moments(round),
    )
