"""Values derived from a payload class (trajectory.engine.examples), which the walker
and the Hypothesis strategies build on."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any, Final

import attrs
import pytest

from trajectory import DefinitionError, InvalidData
from trajectory.engine.examples import (
    EXAMPLE_DATE,
    accepts,
    example_payload,
    field_shapes,
    invalid_values,
    refuses,
    valid_values,
)
from trajectory.engine.fields import (
    MAX_ID_LENGTH,
    MAX_NAME_LENGTH,
    MAX_TEXT_LENGTH,
    Identifier,
    Line,
    calendar_date,
    identifier,
    line,
)
from trajectory.ontwikkelkracht import payloads as p
from trajectory.ontwikkelkracht.lifecycle import LIFECYCLE

CLASSES: Final = sorted(
    {event.payload for event in LIFECYCLE.events.values() if attrs.has(event.payload)},
    key=lambda cls: cls.__name__,
)
FIELDS: Final = [(cls, shape.name) for cls in CLASSES for shape in field_shapes(cls)]


def _shape(cls: type, name: str) -> Any:
    return next(shape for shape in field_shapes(cls) if shape.name == name)


def test_the_shapes_carry_the_limits_of_the_field_types() -> None:
    """Text, Name and Identifier give their lengths and lines; an amount its bounds."""
    report, name, model = (
        _shape(p.HoldOrientation, "report"),
        _shape(p.AddParticipant, "name"),
        _shape(p.RecordSelfScan, "model"),
    )
    assert ("text", MAX_TEXT_LENGTH, True) == (report.kind, report.max_length, report.multiline)
    assert ("text", 1, MAX_NAME_LENGTH, False) == (
        name.kind,
        name.min_length,
        name.max_length,
        name.multiline,
    )
    assert ("text", MAX_ID_LENGTH) == (model.kind, model.max_length)
    hours = _shape(p.LogHours, "hours")
    assert ("number", Decimal(0), Decimal(24), True) == (
        hours.kind,
        hours.minimum,
        hours.maximum,
        hours.strict_minimum,
    )
    deadline = _shape(p.RequestCompletion, "deadline")
    assert ("date", False, True) == (deadline.kind, deadline.required, deadline.optional)
    members = _shape(p.FormCoreGroup, "members")
    assert ("sequence", "text") == (members.kind, members.item.kind)
    assert "choice" == _shape(p.AddParticipant, "role").kind


@pytest.mark.parametrize(("cls", "name"), FIELDS, ids=lambda v: getattr(v, "__name__", v))
def test_valid_values_pass_and_invalid_values_are_refused(cls: type, name: str) -> None:
    """Every value listed as valid passes the field's checks, every value listed as
    invalid is refused with InvalidData."""
    for value in valid_values(cls, name, today=dt.date(2025, 1, 10)):
        assert accepts(cls, name, value), value
    wrong = invalid_values(cls, name)
    assert wrong, "no invalid value"
    for value in wrong:
        assert refuses(cls, name, value), value


@pytest.mark.parametrize("cls", CLASSES, ids=lambda cls: cls.__name__)
def test_an_example_payload_is_accepted_by_its_class(cls: type) -> None:
    """Every payload class of the leertraject but the self-scan (whose scores are a
    mapping of the model's own aspects) gets an example it accepts, dated today."""
    if cls is p.RecordSelfScan:
        with pytest.raises(DefinitionError, match="RecordSelfScan"):
            example_payload(cls)
        return
    payload = example_payload(cls, today=dt.date(2025, 1, 10))
    assert isinstance(cls(**payload), cls)
    dates = [value for value in payload.values() if isinstance(value, dt.date)]
    assert all(value == dt.date(2025, 1, 10) for value in dates)


def test_a_plan_example_has_a_part() -> None:
    """A class that needs one of its optional fields gets one."""
    assert {"report": "Written for the example."} == example_payload(p.WriteActivityPlan)


def _never(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    raise InvalidData(attribute.name, "nothing passes")


@attrs.frozen
class Strict:
    """A field whose validator no ordinary value passes, and one that takes an id."""

    code: Identifier = attrs.field(validator=identifier)
    label: Line = attrs.field(validator=[line, _never])
    day: dt.date = attrs.field(default=EXAMPLE_DATE, validator=calendar_date)


def test_a_validator_no_candidate_passes_leaves_no_valid_value() -> None:
    """Nothing is offered as valid that the validator refuses, and the example says
    which field needs a hint."""
    assert () == valid_values(Strict, "label")
    assert "example-1" == valid_values(Strict, "code")[0]
    with pytest.raises(DefinitionError, match=r"Strict\.label"):
        example_payload(Strict)


def test_an_identifier_too_long_is_invalid() -> None:
    """The identifier's limit gives an invalid value one character longer."""
    assert "x" * (MAX_ID_LENGTH + 1) in invalid_values(Strict, "code")


def test_a_class_that_is_not_attrs_is_a_definition_error() -> None:
    """field_shapes refuses what is not a payload class."""
    with pytest.raises(DefinitionError):
        field_shapes(dict)
