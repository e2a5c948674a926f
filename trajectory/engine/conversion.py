"""The library's own cattrs converter (never cattrs' global one) and safe structuring.

Errors are reported with the path where the data is wrong, such as
``$.application_windows[1].closes``, in an :class:`InvalidData`.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any, TypeVar

import cattrs

from trajectory.engine.errors import InvalidData, TrajectoryError

__all__ = ["converter", "structure"]

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
    made = cattrs.Converter(detailed_validation=True, forbid_extra_keys=True)
    made.register_structure_hook(Decimal, _structure_decimal)
    made.register_unstructure_hook(Decimal, str)
    made.register_structure_hook(dt.date, _structure_date)
    made.register_unstructure_hook(dt.date, dt.date.isoformat)
    made.register_structure_hook(dt.datetime, _structure_datetime)
    made.register_unstructure_hook(dt.datetime, dt.datetime.isoformat)
    return made


#: The converter trajectory uses for its own data files and payloads.
converter = _make_converter()


def structure(data: Any, cls: type[T], *, source: str) -> T:
    """Structure ``data`` into ``cls``; errors become one :class:`InvalidData`.

    ``source`` names where the data came from (a file name) in the message.
    """
    try:
        return converter.structure(data, cls)
    except TrajectoryError as err:
        # A validator of ours refused a value; say which file it was in.
        field = getattr(err, "field", "$")
        raise InvalidData(f"$.{field}", f"{err} (in {source})") from err
    except (cattrs.BaseValidationError, cattrs.ForbiddenExtraKeysError) as err:
        problems = cattrs.transform_error(err, path="$")
        first = problems[0] if problems else str(err)
        where = first.rsplit(" @ ", 1)[-1] if " @ " in first else "$"
        raise InvalidData(where, f"{'; '.join(problems)} (in {source})") from err
    except (TypeError, ValueError, KeyError) as err:
        raise InvalidData("$", f"{err} (in {source})") from err
