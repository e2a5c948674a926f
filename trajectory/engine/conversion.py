"""The library's own cattrs converter (never cattrs' global one) and safe structuring.

Errors are reported with the path where the data is wrong, such as
``$.application_windows[1].closes``, in an :class:`InvalidData`.
"""

from __future__ import annotations

import datetime as dt
import tomllib
from collections.abc import Set as AbstractSet
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any, TypeVar

import cattrs

from trajectory.engine.errors import InvalidData, TrajectoryError

__all__ = ["converter", "load_toml", "structure"]

T = TypeVar("T")


def _structure_decimal(value: Any, _: type) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, int | str | Decimal | float):
        raise TypeError(f"expected a number, got {value!r}")
    try:
        number = Decimal(str(value)) if isinstance(value, float) else Decimal(value)
    except InvalidOperation:
        raise ValueError(f"expected a number, got {value!r}") from None
    if not number.is_finite():
        raise ValueError(f"expected a finite number, got {value!r}")
    return number


def _structure_int(value: Any, _: type) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"expected a whole number, got {value!r}")
    return value


def _structure_bool(value: Any, _: type) -> bool:
    if not isinstance(value, bool):
        raise TypeError(f"expected true or false, got {value!r}")
    return value


def _structure_date(value: Any, _: type) -> dt.date:
    if isinstance(value, dt.datetime):
        raise TypeError(f"expected a date, got the datetime {value!r}")
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        return dt.date.fromisoformat(value)
    raise TypeError(f"expected a date, got {value!r}")


def _structure_datetime(value: Any, _: type) -> dt.datetime:
    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value)
    if not isinstance(value, dt.datetime):
        raise TypeError(f"expected a datetime, got {value!r}")
    if value.tzinfo is None:
        raise ValueError(f"expected a timezone-aware datetime, got the naive {value!r}")
    return value


def _make_converter() -> cattrs.Converter:
    made = cattrs.Converter(
        detailed_validation=True,
        forbid_extra_keys=True,
        # Sets become sorted JSON arrays, so the same data always gives the same JSON.
        unstruct_collection_overrides={AbstractSet: sorted},
    )
    made.register_structure_hook(bool, _structure_bool)
    made.register_structure_hook(int, _structure_int)
    made.register_structure_hook(Decimal, _structure_decimal)
    made.register_unstructure_hook(Decimal, str)
    made.register_structure_hook(dt.date, _structure_date)
    made.register_unstructure_hook(dt.date, dt.date.isoformat)
    made.register_structure_hook(dt.datetime, _structure_datetime)
    made.register_unstructure_hook(dt.datetime, dt.datetime.isoformat)
    return made


#: The converter trajectory uses for its own data files and payloads.
converter = _make_converter()


def _reason(exc: BaseException, type_: Any) -> str:
    """Keep the reason our own validators and hooks give; cattrs' wording otherwise."""
    if isinstance(exc, InvalidData):
        return exc.reason
    if isinstance(exc, KeyError):
        return "required field missing"
    if isinstance(exc, TypeError | ValueError) and str(exc):
        return str(exc)
    return cattrs.v.format_exception(exc, type_)


def _problems(exc: BaseException, path: str) -> list[tuple[str, str]]:
    """Every problem in a cattrs error as (path, reason), like ``cattrs.transform_error``,
    but a validator's :class:`InvalidData` (raised inside ``__init__``, so cattrs only
    knows the class) extends the path with the field it names."""
    if isinstance(exc, cattrs.IterableValidationError):
        with_index, without = exc.group_exceptions()
        found = [
            problem
            for inner, note in with_index
            for problem in _problems(inner, f"{path}[{note.index!r}]")
        ]
    elif isinstance(exc, cattrs.ClassValidationError):
        with_name, without = exc.group_exceptions()
        found = [
            problem
            for inner, note in with_name
            for problem in _problems(inner, f"{path}.{note.name}")
        ]
    else:
        return [(_leaf_path(exc, path), _reason(exc, None))]
    found += [(_leaf_path(inner, path), _reason(inner, None)) for inner in without]
    return found


def _leaf_path(exc: BaseException, path: str) -> str:
    if isinstance(exc, InvalidData) and not exc.field.startswith("$"):
        field = exc.field
        return path if path.endswith(f".{field}") else f"{path}.{field}"
    return path


def structure(data: Any, cls: type[T], *, path: str = "$", source: str | None = None) -> T:
    """Structure ``data`` into ``cls``; every problem goes into one :class:`InvalidData`
    whose ``field`` is the path of the first (``$.participants[2].planned_hours``).

    ``source`` names where the data came from (a file name) in the message.
    """
    suffix = "" if source is None else f" (in {source})"
    try:
        return converter.structure(data, cls)
    except (cattrs.BaseValidationError, cattrs.ForbiddenExtraKeysError) as err:
        problems = _problems(err, path) or [(path, str(err))]
        if len(problems) == 1:  # the field names where
            described = problems[0][1]
        else:
            described = "; ".join(f"{reason} @ {where}" for where, reason in problems)
        raise InvalidData(problems[0][0], described + suffix) from err
    except InvalidData as err:
        raise InvalidData(f"{path}.{err.field}", err.reason + suffix) from err
    except TrajectoryError:
        raise
    except (TypeError, ValueError, KeyError, AttributeError) as err:
        raise InvalidData(path, f"cannot be read: {err}{suffix}") from err


def load_toml(source: str | Path, cls: type[T]) -> T:
    """Read ``cls`` from a TOML file (a :class:`~pathlib.Path`) or TOML text."""
    if isinstance(source, Path):
        try:
            text = source.read_text(encoding="utf-8")
        except OSError as err:
            raise InvalidData("path", f"cannot read {source}: {err}") from err
        name = str(source)
    elif isinstance(source, str):
        text, name = source, "<text>"
    else:
        raise InvalidData("source", f"expected a Path or TOML text, got {source!r}")
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as err:
        raise InvalidData("$", f"not valid TOML in {name}: {err}") from err
    return structure(data, cls, source=name)
