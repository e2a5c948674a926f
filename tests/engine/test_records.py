"""Immutable records: evolver behaves like attrs.evolve; Entries grow without copying."""

from __future__ import annotations

import attrs
import pytest

from tests.builders import at_state
from trajectory import InvalidData
from trajectory.engine.fields import text
from trajectory.engine.records import Entries, appended, evolver
from trajectory.ontwikkelkracht import Leertraject
from trajectory.ontwikkelkracht.model import HoursEntry, Participant, Role
from trajectory.ontwikkelkracht.record import Hours, Participants


@attrs.frozen
class Sample:
    name: str = attrs.field(validator=text)
    count: int = 0
    note: str | None = attrs.field(default=None, kw_only=True)
    _secret: int = 7


def test_evolver_copies_unchanged_fields_and_changes_the_given_ones() -> None:
    """Unchanged fields are copied, given ones replaced; kw_only and private fields work."""
    evolve = evolver(Sample)
    original = Sample("a", 2, note="n", secret=9)
    assert attrs.evolve(original, count=5) == evolve(original, count=5)
    assert Sample("b", 2, note="m", secret=1) == evolve(original, name="b", note="m", secret=1)
    assert Sample("a", 2, note="n", secret=9) == original


def test_evolver_runs_validators() -> None:
    """A changed field goes through __init__, so validators run as with attrs.evolve."""
    with pytest.raises(InvalidData):
        evolver(Sample)(Sample("a"), name=3)


def test_evolver_refuses_unknown_fields() -> None:
    """An unknown field raises TypeError, as attrs.evolve does."""
    with pytest.raises(TypeError):
        evolver(Sample)(Sample("a"), colour="red")


def test_evolver_is_compiled_once_per_class() -> None:
    """The same function is returned for the same class."""
    assert evolver(Sample) is evolver(Sample)


def test_evolver_matches_attrs_evolve_on_a_real_leertraject() -> None:
    """On a leertraject in progress, every field can be changed alike."""
    data = at_state("in_progress").data
    evolve = evolver(Leertraject)
    for field in (f for f in attrs.fields(Leertraject) if f.init):
        value = getattr(data, field.name)
        assert attrs.evolve(data, **{field.alias: value}) == evolve(data, **{field.alias: value})
    assert attrs.evolve(data, evaluation="x") == evolve(data, evaluation="x")


@attrs.frozen(slots=False)
class Plain:
    """A record without slots, with a private alias and a field __init__ does not take."""

    name: str
    tags: tuple[str, ...] = ()
    _alias: int = 0
    _cache: object = attrs.field(default=None, init=False, eq=False)


def test_evolver_matches_attrs_evolve_without_slots() -> None:
    """The copy gives what attrs.evolve gives, private aliases included."""
    evolve = evolver(Plain)
    original = Plain("a", ("x",), alias=3)
    assert attrs.evolve(original, tags=("y",)) == evolve(original, tags=("y",))
    assert Plain("b", ("x",), alias=4) == evolve(original, name="b", alias=4)
    assert Plain("a", ("x",), alias=3) == original
    assert type(evolve(original)) is Plain


def test_evolver_resets_fields_that_init_does_not_take() -> None:
    """A cache (init=False) starts again at its default in the copy, as with __init__."""
    original = Plain("a")
    object.__setattr__(original, "_cache", "built")
    copy = evolver(Plain)(original, name="b")
    assert copy._cache is None
    assert "built" == original._cache


def test_evolver_refuses_unknown_fields_and_those_init_does_not_take() -> None:
    """An unknown field raises TypeError naming it, as attrs.evolve does."""
    with pytest.raises(TypeError, match="'colour'"):
        evolver(Plain)(Plain("a"), colour="red")
    with pytest.raises(TypeError, match="'_cache'"):
        evolver(Plain)(Plain("a"), _cache=1)


def test_a_record_with_validators_is_copied_through_init() -> None:
    """Without slots, but with a validator: the copy still validates."""

    @attrs.frozen(slots=False)
    class Checked:
        name: str = attrs.field(validator=text)

    with pytest.raises(InvalidData):
        evolver(Checked)(Checked("a"), name=3)


@pytest.mark.parametrize("cls", [5, None, dict, "Sample"])
def test_evolver_refuses_what_is_not_an_attrs_class(cls: object) -> None:
    """evolver of anything but an attrs class is InvalidData naming 'cls'."""
    with pytest.raises(InvalidData) as refused:
        evolver(cls)  # type: ignore[arg-type]

    assert "cls" == refused.value.field


# -- Entries ---------------------------------------------------------------------------------


@pytest.mark.parametrize("size", [0, 1, 31, 32, 33, 64, 65, 100])
def test_entries_read_as_the_tuple_of_their_items(size: int) -> None:
    """Grown one by one across chunk boundaries, Entries read, iterate, reverse,
    slice and compare as the tuple of the same items, and hash as it."""
    items = tuple(range(size))
    grown: Entries[int] = Entries()
    for item in items:
        grown = grown.appended(item)

    assert items == tuple(grown)
    assert list(reversed(items)) == list(reversed(grown))
    assert [items[i] for i in range(-size, size)] == [grown[i] for i in range(-size, size)]
    assert items[3:-2:2] == grown[3:-2:2]
    assert (size, bool(size)) == (len(grown), bool(grown))
    assert grown == items
    assert grown == Entries(items)
    assert hash(items) == hash(grown)
    assert grown != (*items, "more")


def test_entries_are_never_changed_by_growing() -> None:
    """A sequence that grew from another shares with it but leaves it as it was;
    two grown from one do not see each other's items."""
    base = Entries(range(40))
    left, right = base.appended("left"), base.appended("right")

    assert (40, 41, 41) == (len(base), len(left), len(right))
    assert ("left", "right") == (left[-1], right[-1])
    assert tuple(range(40)) == tuple(base)
    assert (*range(40), "left") == tuple(appended(tuple(range(40)), "left"))


def test_entries_refuse_to_be_changed_and_index_out_of_range() -> None:
    """Setting or deleting an attribute raises AttributeError; a position outside
    raises IndexError; what is no position, TypeError."""
    entries = Entries([1, 2])
    with pytest.raises(AttributeError):
        entries._size = 5  # type: ignore[misc]
    with pytest.raises(AttributeError):
        del entries._tail
    with pytest.raises(IndexError):
        entries[2]
    with pytest.raises(IndexError):
        entries[-3]
    with pytest.raises(TypeError):
        entries["0"]  # type: ignore[call-overload]
    assert (1, 2) == tuple(entries)


def test_entries_pickle_and_copy_as_themselves() -> None:
    """A pickled or deep-copied Entries (or Hours) is equal and of the same type."""
    import copy
    import pickle

    hours = Hours([HoursEntry("Anna", at_state("in_progress").clock().date(), 3)])
    for value in (Entries(range(50)), hours):
        for made in (pickle.loads(pickle.dumps(value)), copy.deepcopy(value)):
            assert (type(value), value) == (type(made), made)
    assert hours.total == pickle.loads(pickle.dumps(hours)).total


def test_hours_keep_their_totals_as_they_grow() -> None:
    """Hours sum per participant and date and in all, as the entries would."""
    day = at_state("in_progress").clock().date()
    entries = [HoursEntry("Anna", day, 2), HoursEntry("Bram", day, 3), HoursEntry("Anna", day, 4)]
    grown = Hours()
    for entry in entries:
        grown = grown.appended(entry)

    for hours in (grown, Hours(entries)):
        assert (6, 3, 0, 9) == (
            hours.on("Anna", day),
            hours.on("Bram", day),
            hours.on("Eva", day),
            hours.total,
        )


def test_participants_are_found_by_their_exact_name_first() -> None:
    """find() gives the first with exactly the name, else the first whose name is
    the same with case and blanks ignored; planned hours and school leaders add up."""
    first = Participant("anna", Role.TEACHER, 10)
    second = Participant("Anna", Role.SCHOOL_LEADER, 20)
    grown = Participants().appended(first).appended(second)

    for participants in (grown, Participants([first, second])):
        assert second is participants.find("Anna")
        assert first is participants.find("anna")
        assert first is participants.find("  ANNA ")
        assert participants.find("Bram") is None
        assert (30, 1) == (participants.planned_hours, participants.school_leader_count)
    assert (first,) == tuple(grown.without("ANNA ").appended(first)[:1])
    assert () == tuple(grown.without("anna"))


def test_a_leertraject_is_immutable_in_fact() -> None:
    """No attribute of the record can be set, nor a new one added (it has slots), and
    its collections are given as tuples and read back equal to them."""
    data = at_state("in_progress").data

    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        data.hours = ()  # type: ignore[misc]
    assert not hasattr(data, "__dict__")
    rebuilt = attrs.evolve(data, participants=tuple(data.participants), hours=tuple(data.hours))
    assert data == rebuilt
    assert tuple(data.participants) == data.participants
