"""The compiled evolve behaves like attrs.evolve."""

from __future__ import annotations

import attrs
import pytest

from tests.builders import at_state
from trajectory import InvalidData
from trajectory.engine.fields import text
from trajectory.engine.records import evolver
from trajectory.ontwikkelkracht import Leertraject


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
    """A record without slots and without validators: copied by its dictionary."""

    name: str
    tags: tuple[str, ...] = ()
    _alias: int = 0
    _cache: object = attrs.field(default=None, init=False, eq=False)


def test_dict_evolver_matches_attrs_evolve() -> None:
    """The dictionary copy gives what attrs.evolve gives, private aliases included."""
    evolve = evolver(Plain)
    original = Plain("a", ("x",), alias=3)
    assert attrs.evolve(original, tags=("y",)) == evolve(original, tags=("y",))
    assert Plain("b", ("x",), alias=4) == evolve(original, name="b", alias=4)
    assert Plain("a", ("x",), alias=3) == original
    assert type(evolve(original)) is Plain


def test_dict_evolver_resets_fields_that_init_does_not_take() -> None:
    """A cache (init=False) starts again at its default in the copy, as with __init__."""
    original = Plain("a")
    object.__setattr__(original, "_cache", "built")
    copy = evolver(Plain)(original, name="b")
    assert copy._cache is None
    assert "built" == original._cache


def test_dict_evolver_refuses_unknown_fields() -> None:
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
