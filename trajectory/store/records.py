"""What stores keep and give back: the rows of a trajectory, its events, its
blockers and outbox entries, and the checks every value read back goes through.

What a backend gives back is never trusted: every stored value is checked for its
type and every JSON document is parsed; whatever does not fit is a
:class:`~trajectory.store.errors.CorruptRecord` naming the trajectory.
"""

from __future__ import annotations

import datetime as dt
import reprlib
from collections.abc import Iterable, Mapping, Sequence
from typing import Annotated, Any, Final, TypeAlias

import attrs
import msgspec

from trajectory.engine.errors import InvalidData, TrajectoryError
from trajectory.engine.runtime import Trajectory
from trajectory.engine.violations import Violation
from trajectory.store.errors import CorruptRecord

__all__ = [
    "Blocked",
    "EventRecord",
    "OutboxEntry",
    "Summary",
    "TrajectoryRecord",
    "Write",
]


@attrs.frozen
class Summary:
    """A trajectory as listed: its id, lifecycle, state, version, the values its
    lifecycle indexes it by (``index``) and the time of its last change."""

    id: str
    lifecycle: str
    state: str
    version: int
    updated_at: dt.datetime | None
    """When the trajectory was last changed; None if the stored value is unreadable."""
    index: Mapping[str, str | None] = attrs.field(factory=dict)
    """What the store lists the trajectory by, as its lifecycle declares
    (:attr:`~trajectory.engine.definition.Lifecycle.index_keys`); a key the
    trajectory has no value for is absent."""

    # Readers of the leertraject's values from before the index was generic.
    @property
    def school_year(self) -> str | None:
        """``index.get("school_year")``."""
        return self.index.get("school_year")

    @property
    def offer(self) -> str | None:
        """``index.get("offer")``."""
        return self.index.get("offer")

    @property
    def board(self) -> str | None:
        """``index.get("board")``."""
        return self.index.get("board")

    @property
    def school(self) -> str | None:
        """``index.get("school")``."""
        return self.index.get("school")


@attrs.frozen
class TrajectoryRecord(Summary):
    """One stored trajectory: a summary's columns, its blockers and its snapshot (JSON)."""

    blocked: str = "{}"
    snapshot: str | None = None
    """The snapshot document (JSON); in a save, None keeps the stored one."""
    generation: int = 0
    """Raised by every rewrite of stored events (erasure); saves must match it."""

    def summary(self) -> Summary:
        """The record as listed (without blockers and snapshot)."""
        return Summary(
            id=self.id,
            lifecycle=self.lifecycle,
            state=self.state,
            version=self.version,
            updated_at=self.updated_at,
            index=self.index,
        )


@attrs.frozen
class EventRecord:
    """One stored event (its JSON document in ``body``)."""

    trajectory_id: str
    sequence: int
    id: str
    name: str
    timestamp: dt.datetime
    body: str


#: One stored event as a backend reads it: (sequence, id, name, timestamp, body), the
#: timestamp as a moment or as its stored ISO text; nothing in it is trusted yet.
StoredEvent: TypeAlias = tuple[object, object, object, object, object]


@attrs.frozen
class Write:
    """One trajectory's part of a unit of work: its row, its new events, and the
    version the stored row must be at (0: it must not exist yet)."""

    record: TrajectoryRecord
    events: Sequence[EventRecord]
    expected: int


@attrs.frozen
class Blocked:
    """A trajectory whose next steps are refused, with the violation codes per event.

    The blockers are those found when the trajectory was last saved, or, in a state
    whose blockers depend on the time (``Lifecycle.time_dependent_states``), those
    at the moment :meth:`Store.blocked` was asked. A stored row
    whose blockers cannot be read is listed too, with ``corrupt`` saying why and no
    blockers: one damaged row hides no other, and its id says which to repair
    (:meth:`Store.load` raises the :class:`CorruptRecord` for it).
    """

    id: str
    state: str
    blockers: Mapping[str, tuple[str, ...]]
    corrupt: str | None = None
    """Why the stored row cannot be read; None when it can."""


@attrs.frozen
class OutboxEntry:
    """A committed event, at its position in the outbox (positions only grow)."""

    position: int
    trajectory_id: str
    sequence: int
    event: Mapping[str, Any]


_ENCODER: Final = msgspec.json.Encoder()
_DECODER: Final = msgspec.json.Decoder()
_BLOCKERS: Final = msgspec.json.Decoder(dict[str, tuple[str, ...]])

_Moment = Annotated[dt.datetime, msgspec.Meta(tz=True)]


class _Schedule(msgspec.Struct, forbid_unknown_fields=True):
    """A stored schedule of blockers, as :func:`scheduled_blockers` writes it."""

    schedule: list[tuple[_Moment, dict[str, tuple[str, ...]]]] = msgspec.field(name="@schedule")
    known_until: _Moment | None = msgspec.field(name="@known_until")


_SCHEDULE: Final = msgspec.json.Decoder(_Schedule)

#: What reading a stored document may raise when the document is not one this release
#: reads (the engine's own errors, and those of migrations and converters underneath).
UNREADABLE: Final = (
    TrajectoryError,
    ValueError,  # json's errors and UnicodeError too
    TypeError,
    LookupError,
    AttributeError,
    ArithmeticError,  # OverflowError and decimal's errors too
    RecursionError,
)


def encode(document: Any) -> str:
    """A JSON document as compact UTF-8 text (msgspec: several times faster than the
    standard library on the documents a save writes)."""
    try:
        return _ENCODER.encode(document).decode("utf-8")
    except (TypeError, msgspec.EncodeError) as err:
        raise InvalidData("document", f"cannot be written as JSON: {err}") from err


def decoded(trajectory_id: str, what: str, text: object) -> dict[str, Any]:
    """A stored JSON object, or :class:`CorruptRecord` saying what is wrong with it."""
    if not isinstance(text, str):
        raise CorruptRecord(trajectory_id, f"{what} is a {type(text).__name__}, not JSON text")
    try:
        document = _DECODER.decode(text)
    except (msgspec.DecodeError, RecursionError) as err:
        raise CorruptRecord(trajectory_id, f"{what} is not JSON: {err}") from err
    if not isinstance(document, dict):
        raise CorruptRecord(
            trajectory_id, f"{what} is a JSON {type(document).__name__}, not an object"
        )
    return document


#: The columns a load, a listing and blocked() read, with the types they must have.
LOADED: Final = ("id", "lifecycle", "state", "version", "snapshot", "updated_at", "generation")
LISTED: Final = ("id", "lifecycle", "state", "version", "updated_at")

_COLUMN_TYPES: Final[Mapping[str, tuple[type, ...]]] = {
    "id": (str,),
    "lifecycle": (str,),
    "state": (str,),
    "version": (int,),
    "blocked": (str,),
    "snapshot": (str,),
    "updated_at": (dt.datetime, type(None)),
    "generation": (int,),
}

#: The lowest value of the columns that count.
_LOWEST: Final = {"version": 1, "generation": 0}


def check_columns(record: TrajectoryRecord, names: Iterable[str]) -> None:
    """:class:`CorruptRecord` unless each named column of the stored record holds a
    value of its type (versions from 1, generations from 0)."""
    for name in names:
        value: object = getattr(record, name)
        expected = _COLUMN_TYPES[name]
        if isinstance(value, bool) or not isinstance(value, expected):
            wanted = " or ".join(
                "NULL" if kind is type(None) else kind.__name__ for kind in expected
            )
            raise CorruptRecord(
                shown_id(record.id),
                f"its column {name} holds a {type(value).__name__}, expected {wanted}",
            )
        lowest = _LOWEST.get(name)
        if lowest is not None and isinstance(value, int) and value < lowest:
            raise CorruptRecord(shown_id(record.id), f"its column {name} holds {value}")


def check_index(record: TrajectoryRecord) -> None:
    """:class:`CorruptRecord` unless the record's index maps text to text."""
    for key, value in record.index.items():
        if not isinstance(key, str) or not isinstance(value, str | None):
            raise CorruptRecord(
                shown_id(record.id),
                f"its index value {shown(key)} holds a {type(value).__name__}, expected str",
            )


def blocked_entry(trajectory_id: object, state: object, text: object) -> Blocked | None:
    """A stored row's blockers as blocked() lists them (None without blockers), or
    :class:`CorruptRecord`."""
    if type(trajectory_id) is str and type(state) is str and type(text) is str:
        try:  # the usual case: msgspec checks the shape as it parses
            shaped = _BLOCKERS.decode(text)
        except (msgspec.DecodeError, RecursionError):
            pass  # read again below, to say what is wrong
        else:
            return Blocked(trajectory_id, state, shaped) if shaped else None
    if type(trajectory_id) is not str or type(state) is not str or type(text) is not str:
        for name, value in (("id", trajectory_id), ("state", state), ("blocked", text)):
            if not isinstance(value, str):
                raise CorruptRecord(
                    shown_id(trajectory_id),
                    f"its column {name} holds a {type(value).__name__}, expected str",
                )
    blockers = decoded(trajectory_id, "its blockers", text)  # type: ignore[arg-type]
    return _listed(trajectory_id, state, blockers)  # type: ignore[arg-type]


def _listed(trajectory_id: str, state: str, blockers: Mapping[str, object]) -> Blocked | None:
    """Stored ``blockers`` (violation codes per event) as blocked() lists them (None
    without any), or :class:`CorruptRecord`."""
    if not blockers:
        return None
    found: dict[str, tuple[str, ...]] = {}
    for event, codes in blockers.items():
        if type(codes) is not list or not all(type(code) is str for code in codes):
            raise CorruptRecord(
                trajectory_id, f"its blockers of {event!r} are not a list of violation codes"
            )
        found[event] = tuple(codes)
    return Blocked(trajectory_id, state, found)


#: The key of a stored schedule of blockers (an event's name never starts with "@").
SCHEDULE: Final = "@schedule"
#: The key of the moment from which a stored schedule is no longer known (or null).
KNOWN_UNTIL: Final = "@known_until"
#: A schedule does not cover the moment asked: work the blockers out again.
NOT_SCHEDULED: Final = object()


def blocker_codes(blockers: Mapping[str, Sequence[Violation]]) -> dict[str, list[str]]:
    """The violation codes of ``blockers`` per event, as a store keeps them."""
    return {
        event: sorted({violation.code for violation in violations})
        for event, violations in blockers.items()
    }


def scheduled_blockers(trajectory: Trajectory[Any]) -> dict[str, Any]:
    """The blockers of a trajectory in a time-dependent state as a store keeps them:
    a schedule over time from now on (see
    :meth:`~trajectory.engine.runtime.Trajectory.blocker_schedule`), so that
    blocked() can answer at another moment without loading it."""
    schedule, forever = trajectory.blocker_schedule()
    return {
        SCHEDULE: [[moment.isoformat(), blocker_codes(found)] for moment, found in schedule],
        KNOWN_UNTIL: None if forever else schedule[-1][0].isoformat(),
    }


def is_schedule(text: object) -> bool:
    """Whether stored blockers are a schedule (as :func:`scheduled_blockers` writes
    them: the schedule's key first)."""
    return type(text) is str and text.startswith('{"' + SCHEDULE + '"')


def scheduled_entry(
    trajectory_id: object, state: object, text: object, moment: dt.datetime
) -> Blocked | object | None:
    """A stored schedule's blockers at ``moment`` as blocked() lists them (None
    without blockers); :data:`NOT_SCHEDULED` when the row holds no schedule or the
    schedule does not cover ``moment``; :class:`CorruptRecord` for a damaged one."""
    if type(trajectory_id) is not str or type(state) is not str or type(text) is not str:
        return blocked_entry(trajectory_id, state, text)  # says what is wrong
    try:  # the usual case: msgspec checks the shape and reads the moments as it parses
        shaped = _SCHEDULE.decode(text)
    except (msgspec.DecodeError, RecursionError):
        pass  # read again below, to say what is wrong
    else:
        entries = shaped.schedule
        until = shaped.known_until
        if not entries or moment < entries[0][0] or (until is not None and moment >= until):
            return NOT_SCHEDULED
        found = next(codes for at, codes in reversed(entries) if at <= moment)
        return Blocked(trajectory_id, state, found) if found else None
    document = decoded(trajectory_id, "its blockers", text)
    schedule = document.get(SCHEDULE)
    if schedule is None:  # saved before schedules were kept: checked, then worked out
        _listed(trajectory_id, state, document)
        return NOT_SCHEDULED
    try:
        entries = [(_moment(at), codes) for at, codes in schedule]
        known = document[KNOWN_UNTIL]
        until = None if known is None else _moment(known)
    except (TypeError, ValueError, KeyError) as err:
        raise CorruptRecord(
            trajectory_id, f"its schedule of blockers cannot be read: {err}"
        ) from err
    if not entries or moment < entries[0][0] or (until is not None and moment >= until):
        return NOT_SCHEDULED
    codes = next(codes for at, codes in reversed(entries) if at <= moment)
    if type(codes) is not dict:
        raise CorruptRecord(trajectory_id, "its schedule of blockers holds no blockers")
    return _listed(trajectory_id, state, codes)


def _moment(text: object) -> dt.datetime:
    """A moment of a stored schedule (ISO text with its offset)."""
    if type(text) is not str:
        raise TypeError(f"a moment is ISO text, not {type(text).__name__}")
    moment = dt.datetime.fromisoformat(text)
    if moment.tzinfo is None:
        raise ValueError(f"the moment {text!r} has no offset")
    return moment


def is_count(value: object) -> bool:
    """Whether ``value`` is a whole number from 1 (not a bool)."""
    return isinstance(value, int) and not isinstance(value, bool) and value >= 1


def shown_id(trajectory_id: object) -> str:
    """A stored id as an error names it (a shortened repr, when it is not text)."""
    return trajectory_id if isinstance(trajectory_id, str) else shown(trajectory_id)


def shown(value: object) -> str:
    """A stored value in a message: its repr, shortened; never raises."""
    try:
        return reprlib.repr(value)
    except Exception:  # an int too long to print, a repr that fails
        return f"<a {type(value).__name__}>"


def types(*values: object) -> str:
    """The names of the values' types, for a message."""
    return ", ".join(type(value).__name__ for value in values)


def checked_id(trajectory_id: object) -> str:
    """``trajectory_id`` if it is an id; :class:`InvalidData` otherwise."""
    if not isinstance(trajectory_id, str) or not trajectory_id:
        raise InvalidData("trajectory_id", f"expected an id, got {trajectory_id!r}")
    return trajectory_id
