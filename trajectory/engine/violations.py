"""Violations: why an event may not fire, with a stable code and the figures.

A :class:`ViolationType` is declared once per code, with a Dutch and an English
message template; calling it with the figures makes a :class:`Violation`::

    >>> MINIMUM = ViolationType(
    ...     "participants.minimum",
    ...     nl="Minimaal {required} deelnemers nodig, er zijn er {actual}.",
    ...     en="At least {required} participants are needed, there are {actual}.",
    ... )
    >>> v = MINIMUM(required=5, actual=3)
    >>> v.code
    'participants.minimum'
    >>> v.message("en")
    'At least 5 participants are needed, there are 3.'
"""

from __future__ import annotations

import string
from collections.abc import Iterator, Mapping
from types import MappingProxyType
from typing import Any, Final

import attrs

from trajectory.engine.errors import DefinitionError, InvalidData
from trajectory.engine.fields import describe as _shown

__all__ = ["LANGUAGES", "Violation", "ViolationRegistry", "ViolationType"]

#: The languages every message exists in; Dutch is the default.
LANGUAGES: Final = ("nl", "en")


class _MessageFormatter(string.Formatter):
    """Formats sequences in details as comma-separated lists."""

    def format_field(self, value: Any, format_spec: str) -> Any:
        if isinstance(value, list | tuple | frozenset | set):
            return ", ".join(str(item) for item in value)
        return super().format_field(value, format_spec)


_FORMATTER: Final = _MessageFormatter()


def _freeze(details: Mapping[str, Any]) -> Mapping[str, Any]:
    return MappingProxyType(dict(details))


@attrs.frozen
class ViolationType:
    """One kind of violation: a stable code and its message in every language."""

    code: str
    nl: str
    en: str
    description: str = ""

    def __call__(self, **details: Any) -> Violation:
        """Make a violation of this type carrying ``details``."""
        return Violation(self.code, details, self)

    def template(self, lang: str) -> str:
        """The message template in ``lang`` (``"nl"`` or ``"en"``)."""
        if lang == "nl":
            return self.nl
        if lang == "en":
            return self.en
        raise InvalidData("lang", f"expected one of {', '.join(LANGUAGES)}, got {_shown(lang)}")


@attrs.frozen(unsafe_hash=False)
class Violation:
    """A precondition that does not hold.

    ``code`` is stable (an integration contract), ``details`` holds the figures
    (``required``, ``actual`` …), :meth:`message` renders them in Dutch or English.
    ``location`` says which trajectory it belongs to when an action checks several
    together (see :meth:`at`); it is ``None`` otherwise, and equal violations of
    different locations are not equal.
    """

    code: str
    details: Mapping[str, Any] = attrs.field(converter=_freeze)
    type: ViolationType = attrs.field(eq=False, repr=False)
    location: str | None = attrs.field(default=None, kw_only=True)
    """What the violation belongs to where one action moves several trajectories
    together (the trajectory id of a school location of an application); ``None``
    for the trajectory that fired, or the application itself."""

    def at(self, location: str | None) -> Violation:
        """This violation, belonging to ``location`` (a trajectory id, or ``None``)."""
        if location is not None and not isinstance(location, str):
            raise InvalidData(
                "location", f"expected a trajectory id or None, got {_shown(location)}"
            )
        return attrs.evolve(self, location=location)

    def message(self, lang: str = "nl") -> str:
        """The message in ``lang`` (``"nl"``, the default, or ``"en"``), figures filled in."""
        return _FORMATTER.vformat(self.type.template(lang), (), dict(self.details))


class ViolationRegistry(Mapping[str, ViolationType]):
    """All violation types of one lifecycle, by code; used for reference docs."""

    def __init__(self) -> None:
        self._types: dict[str, ViolationType] = {}

    def define(self, code: str, *, nl: str, en: str, description: str = "") -> ViolationType:
        """Declare a violation type; a code can be declared once."""
        if not isinstance(code, str) or not code:
            raise DefinitionError(f"a violation code is non-empty text, got {_shown(code)}")
        if code in self._types:
            raise DefinitionError(f"violation code {code!r} is declared twice")
        declared = ViolationType(code, nl=nl, en=en, description=description)
        self._types[code] = declared
        return declared

    def include(self, other: Mapping[str, ViolationType]) -> None:
        """Add every type of ``other`` (for example the engine's own)."""
        if not isinstance(other, Mapping):
            raise DefinitionError(f"expected violation types by code, got {_shown(other)}")
        for declared in other.values():
            if not isinstance(declared, ViolationType):
                raise DefinitionError(f"expected a ViolationType, got {_shown(declared)}")
            if declared.code in self._types:
                raise DefinitionError(f"violation code {declared.code!r} is declared twice")
            self._types[declared.code] = declared

    def __getitem__(self, code: str) -> ViolationType:
        return self._types[code]

    def __iter__(self) -> Iterator[str]:
        return iter(self._types)

    def __len__(self) -> int:
        return len(self._types)


#: Violations the engine itself reports, whatever the lifecycle.
ENGINE_VIOLATIONS: Final = ViolationRegistry()

TRANSITION_NOT_ALLOWED: Final = ENGINE_VIOLATIONS.define(
    "transition.not_allowed",
    nl="De stap '{event}' kan niet in de fase '{state}'; wel in: {allowed_from}.",
    en="The step '{event}' is not allowed in state '{state}'; it is allowed in: {allowed_from}.",
    description="The event does not leave the current state.",
)
