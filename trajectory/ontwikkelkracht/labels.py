"""The labels of the leertraject's enumerated values, in Dutch and English.

A message, a table or a report never shows an identifier (``team_support``) but its
label ("draagvlak in het team" / "support in the team")::

    >>> label("activity_plan_part", "team_support", "nl")
    'draagvlak in het team'
    >>> label("role", "school_leader", "en")
    'school leader'
    >>> label("state", "granted", "nl")
    'subsidie verleend'

The labels are data: ``data/labels.toml`` holds one table per kind (events, roles,
talk kinds, activity-plan and development-plan parts, study-moment forms …), read
on first use. The states' labels are the definition's own (``leertraject.toml``),
an offer's label is its title in the catalog. :data:`WORDING` gives them, with the
Netherlands' time zone, to the leertraject's violation messages
(:mod:`trajectory.engine.wording`).

Adding a label: add the value under its kind's table in ``labels.toml`` with an
``nl`` and an ``en`` text (a new kind is a new table); a message shows it through a
figure whose format spec names the kind (``{part:activity_plan_part}``).
"""

from __future__ import annotations

import functools
import tomllib
from collections.abc import Mapping
from types import MappingProxyType
from typing import Final

from trajectory.engine.errors import DefinitionError, InvalidData
from trajectory.engine.fields import describe as _shown
from trajectory.engine.wording import LANGUAGES, Wording
from trajectory.ontwikkelkracht.school import NETHERLANDS

__all__ = ["KINDS", "WORDING", "label", "labels", "lookup"]

#: The kinds whose labels are in ``labels.toml``; ``state`` and ``offer`` come from
#: the definition and the catalog.
KINDS: Final = (
    "event",
    "role",
    "talk_kind",
    "conclusion",
    "study_moment_form",
    "activity_plan_part",
    "development_plan_part",
    "calendar_item",
    "field",
    "sector",
    "self_scan_moment",
    "settlement_policy",
    "settlement_route",
    "change_kind",
)

Labels = Mapping[str, Mapping[str, str]]


@functools.cache
def _shipped() -> Mapping[str, Labels]:
    """``labels.toml``, read and checked once."""
    from importlib import resources

    resource = resources.files("trajectory.ontwikkelkracht.data") / "labels.toml"
    document = tomllib.loads(resource.read_text(encoding="utf-8"))
    found: dict[str, Labels] = {}
    for kind, values in document.items():
        if not isinstance(values, dict):
            raise DefinitionError(f"labels.toml: {kind!r} is not a table of values")
        table: dict[str, Mapping[str, str]] = {}
        for value, texts in values.items():
            if not isinstance(texts, dict) or any(
                not isinstance(texts.get(lang), str) or not texts[lang].strip()
                for lang in LANGUAGES
            ):
                raise DefinitionError(
                    f"labels.toml: {kind}.{value} needs a text in {' and '.join(LANGUAGES)}"
                )
            table[value] = MappingProxyType({lang: texts[lang] for lang in LANGUAGES})
        found[kind] = MappingProxyType(table)
    return MappingProxyType(found)


def _state_labels() -> Labels:
    from trajectory.ontwikkelkracht.bootstrap import programme

    return {name: state.labels for name, state in programme().leertraject.states.items()}


def _offer_labels() -> Labels:
    from trajectory.ontwikkelkracht.bootstrap import programme

    return {offer.id: dict.fromkeys(LANGUAGES, offer.title) for offer in programme().catalog}


def labels(kind: str) -> Labels:
    """Every label of ``kind``: value → language → text (InvalidData for an unknown kind)."""
    if kind == "state":
        return _state_labels()
    if kind == "offer":
        return _offer_labels()
    found = _shipped().get(kind) if isinstance(kind, str) else None
    if found is None:
        known = ", ".join(("state", "offer", *_shipped()))
        raise InvalidData("kind", f"expected one of {known}, got {_shown(kind)}")
    return found


def label(kind: str, value: str, lang: str = "nl") -> str:
    """The label of ``value`` of ``kind`` in ``lang`` (``"nl"``, the default, or
    ``"en"``); InvalidData for an unknown kind, value or language."""
    if lang not in LANGUAGES:
        raise InvalidData("lang", f"expected one of {', '.join(LANGUAGES)}, got {_shown(lang)}")
    texts = labels(kind).get(value) if isinstance(value, str) else None
    if texts is None or lang not in texts:
        raise InvalidData("value", f"no {kind} label for {_shown(value)}")
    return texts[lang]


def lookup(kind: str, value: str, lang: str) -> str | None:
    """The label of ``value`` of ``kind`` in ``lang``, or ``None`` where there is none
    (the lookup of :data:`WORDING`)."""
    try:
        return label(kind, value, lang)
    except InvalidData:
        return None


#: The wording of the leertraject's messages: these labels, times in the Netherlands.
WORDING: Final = Wording(labels=(lookup,), timezone=NETHERLANDS)
