"""The registry: names for the code a definition file refers to."""

from __future__ import annotations

from typing import Any

import attrs
import pytest

from trajectory import Context, DefinitionError, Violation
from trajectory.engine.registry import GuardCall, Registry


@attrs.frozen
class Visit:
    """A payload class."""

    host: str


def host_named(data: Any, payload: Any, context: Context) -> list[Violation]:
    return []


def at_least(number: int) -> Any:
    def guard(data: Any, payload: Any, context: Context) -> list[Violation]:
        return []

    guard.number = number  # type: ignore[attr-defined]
    return guard


def test_decorators_register_under_the_function_name() -> None:
    """guard(), effect() and payload() register under the function or class name by
    default, or under the name given, and return what they decorate."""
    registry = Registry()
    assert host_named is registry.guard()(host_named)
    assert Visit is registry.payload("visit")(Visit)

    @registry.effect("noted")
    def note(data: Any, payload: Any, context: Context) -> Any:
        return data

    assert host_named is registry.resolve_guard("host_named", "$.g")
    assert Visit is registry.payload_class("visit", "$.p")
    assert note is registry.resolve_effect("noted", "$.e")


def test_unknown_names_say_where_and_what_is_known() -> None:
    """An unknown name is a DefinitionError with the path and the registered names."""
    registry = Registry()
    registry.register_guard("host_named", host_named)
    with pytest.raises(DefinitionError) as info:
        registry.resolve_guard("host_missing", "$.events[3].guards[0]")
    assert "$.events[3].guards[0]" == info.value.path
    assert "host_missing" in str(info.value)
    assert "registered: host_named" in str(info.value)


def test_a_name_is_registered_once() -> None:
    """Registering a second guard under the same name is a DefinitionError."""
    registry = Registry()
    registry.register_guard("host_named", host_named)
    with pytest.raises(DefinitionError, match="registered twice"):
        registry.register_guard("host_named", host_named)


def test_payloads_are_attrs_classes() -> None:
    """A payload class that is not an attrs class is refused."""
    with pytest.raises(DefinitionError, match="not an attrs class"):
        Registry().register_payload(dict)


def test_factories_make_each_guard_once_and_name_it() -> None:
    """A factory's guard is made once per argument list, and named back by them."""
    registry = Registry()
    registry.register_guard_factory("at_least", at_least)
    two = registry.resolve_guard(GuardCall("at_least", (2,)), "$.g")
    assert two is registry.resolve_guard(GuardCall("at_least", (2,)), "$.h")
    assert 2 == two.number  # type: ignore[attr-defined]
    three = registry.resolve_guard(GuardCall("at_least", (3,)), "$.i")
    assert two is not three
    assert GuardCall("at_least", (3,)) == registry.name_of("guard", three, "a guard")


def test_a_factory_given_the_wrong_arguments() -> None:
    """Arguments a factory does not take are a DefinitionError at that path."""
    registry = Registry()
    registry.register_guard_factory("at_least", at_least)
    with pytest.raises(DefinitionError) as info:
        registry.resolve_guard(GuardCall("at_least", (1, 2)), "$.events[0].guards[1]")
    assert "$.events[0].guards[1]" == info.value.path


def test_limits_are_numbers_or_names() -> None:
    """A limit is a whole number as it is, or a registered function by name."""
    registry = Registry()

    def maximum(data: Any) -> int:
        return 3

    registry.register_limit("maximum", maximum)
    assert 2 == registry.limit(2, "$.m")
    assert maximum is registry.limit("maximum", "$.m")


def test_name_of_unregistered_code() -> None:
    """Naming code that is not registered is a DefinitionError saying what it was."""
    with pytest.raises(DefinitionError, match="the effect of 'visit'"):
        Registry().name_of("effect", host_named, "the effect of 'visit'")
    with pytest.raises(DefinitionError, match="unknown kind"):
        Registry().name_of("colour", host_named, "x")


@pytest.mark.parametrize(
    "call",
    [
        lambda registry: registry.resolve_guard(5, "$.events[0].guards[0]"),
        lambda registry: registry.resolve_guard(None, "$.events[0].guards[0]"),
        lambda registry: registry.name_of(["guard"], host_named, "a guard"),
        lambda registry: registry.register_guard(10**5000, host_named),
        lambda registry: registry.register_payload(10**5000),
    ],
    ids=["guard 5", "guard None", "kind as a list", "a huge name", "a huge payload class"],
)
def test_a_reference_of_the_wrong_kind_is_a_definition_error(call: Any) -> None:
    """Names of the wrong kind are a DefinitionError, never a raw AttributeError, a
    TypeError, or a ValueError from printing a number of thousands of digits."""
    with pytest.raises(DefinitionError):
        call(Registry())


def test_a_preparation_is_registered_beside_its_event() -> None:
    """register_preparation() and preparation() register a walker hint under the
    event's name; preparation_for() gives it (None for an event without one), and
    preparations is a read-only view of them all."""
    registry = Registry()

    def enter(walker: Any) -> dict[str, Any]:
        return {"host": "OBS De Linde"}

    registry.register_preparation("record_visit", enter)

    @registry.preparation("settle")
    def settle(walker: Any) -> dict[str, Any]:
        return {}

    assert enter is registry.preparation_for("record_visit")
    assert settle is registry.preparation_for("settle")
    assert registry.preparation_for("grant") is None
    assert registry.preparation_for(["not", "a", "name"]) is None  # type: ignore[arg-type]
    assert {"record_visit": enter, "settle": settle} == dict(registry.preparations)
    with pytest.raises(TypeError):
        registry.preparations["grant"] = enter  # type: ignore[index]
    assert {"host": "OBS De Linde"} == registry.preparation_for("record_visit")(None)  # type: ignore[misc]


@pytest.mark.parametrize(
    ("event", "preparation", "message"),
    [
        ("settle", "not callable", "not callable"),
        ("", lambda walker: {}, "non-empty name"),
        (None, lambda walker: {}, "non-empty name"),
    ],
)
def test_a_bad_preparation_is_refused(event: Any, preparation: Any, message: str) -> None:
    """A preparation that is not callable, or without an event's name, is a
    DefinitionError; the registry keeps none."""
    registry = Registry()
    with pytest.raises(DefinitionError, match=message):
        registry.register_preparation(event, preparation)
    assert {} == dict(registry.preparations)


def test_an_event_has_one_preparation() -> None:
    """A second hint for the same event is a DefinitionError; the first stays."""
    registry = Registry()

    def first(walker: Any) -> dict[str, Any]:
        return {}

    registry.register_preparation("settle", first)
    with pytest.raises(DefinitionError, match="registered twice"):
        registry.register_preparation("settle", lambda walker: {})
    assert first is registry.preparation_for("settle")
