"""The School aan Zet development models, as data: aspects scored on five levels.

Two rubrics (ontwikkelmodellen) ship with the package, 'Samen Leren Inhoud Geven'
(five phases) and 'Lerende Organisatie' (five levels). Each has five aspects; each
aspect has a description (the extent it measures, "De mate waarin...") and a
descriptor per level: the text that describes the aspect at that level, in Dutch as
in the source. Where the source has a cell beyond the level columns, the data keeps it
under a level and says why (:class:`ExtraCell`).

A school scores itself (a self-scan) at the intake and again at the closing talk.

>>> model = development_model("lerende-organisatie")
>>> [aspect.name for aspect in model.aspects][:2]
['Goede koers', 'Goede start']
>>> print(model.aspect("goede_feedback").descriptor(1).text)
Gebruikt geen enkele bron van feedback ten behoeve van professionele ontwikkeling
Bepaalt geen interventies voor personeel
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import attrs

from trajectory.engine.conversion import load_toml
from trajectory.engine.errors import InvalidData

if TYPE_CHECKING:
    import cattrs

__all__ = [
    "Aspect",
    "Descriptor",
    "DevelopmentModel",
    "ExtraCell",
    "development_model",
    "development_models",
    "load_development_models",
    "shipped_development_models",
]


def _text(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if not isinstance(value, str) or not value.strip():
        raise InvalidData(attribute.name, f"expected a non-empty text, got {value!r}")


def _texts(what: str) -> Callable[[object, attrs.Attribute[Any], object], None]:
    """A validator: a non-empty tuple of non-empty texts (``what`` names one)."""

    def validate(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
        if not isinstance(value, tuple) or not value:
            raise InvalidData(attribute.name, f"expected at least one {what}, got {value!r}")
        for index, text in enumerate(value):
            if not isinstance(text, str) or not text.strip():
                raise InvalidData(
                    f"{attribute.name}[{index}]", f"expected a non-empty text, got {text!r}"
                )

    return validate


def _as_tuple(value: object) -> object:
    """Lists (from Python callers) become tuples; anything else is left to the validator."""
    return tuple(value) if isinstance(value, list) else value


@attrs.frozen
class ExtraCell:
    """A cell of the source that has no level column of its own, kept under the level
    of the :class:`Descriptor` that holds it.

    ``paragraphs`` are its paragraphs, as in the source; ``reason`` says why it is put
    under that level (where it stands in the source, and what it says).
    """

    paragraphs: tuple[str, ...] = attrs.field(converter=_as_tuple, validator=_texts("paragraph"))
    reason: str = attrs.field(validator=_text)


@attrs.frozen
class Descriptor:
    """The text that describes an aspect at one level (1 is the lowest).

    ``paragraphs`` are the paragraphs or points of the source's cell in the column of
    this level, in order. ``extra_cells`` are cells of the source beyond its level
    columns that are put under this level, each with the reason why (the source's
    'Lerende professional' row has six cells for five phases); usually there are none.
    """

    level: int
    paragraphs: tuple[str, ...] = attrs.field(converter=_as_tuple, validator=_texts("paragraph"))
    extra_cells: tuple[ExtraCell, ...] = attrs.field(default=(), converter=_as_tuple)

    def __attrs_post_init__(self) -> None:
        if isinstance(self.level, bool) or not isinstance(self.level, int) or self.level < 1:
            raise InvalidData("level", f"expected a level of 1 or more, got {self.level!r}")
        if not isinstance(self.extra_cells, tuple) or not all(
            isinstance(cell, ExtraCell) for cell in self.extra_cells
        ):
            raise InvalidData(
                "extra_cells", f"expected a list of extra cells, got {self.extra_cells!r}"
            )

    @property
    def all_paragraphs(self) -> tuple[str, ...]:
        """The paragraphs of the level's cell, then those of each extra cell."""
        return self.paragraphs + tuple(p for cell in self.extra_cells for p in cell.paragraphs)

    @property
    def text(self) -> str:
        """Every paragraph that describes the level (:attr:`all_paragraphs`) as one
        text, a paragraph a line."""
        return "\n".join(self.all_paragraphs)


@attrs.frozen
class Aspect:
    """One aspect (ontwikkelaspect) of a development model, with a descriptor per level.

    ``description`` says what the aspect measures: the extent to which ("De mate
    waarin...") the school does something. ``descriptors`` are in level order.
    """

    id: str = attrs.field(validator=_text)
    name: str = attrs.field(validator=_text)
    description: tuple[str, ...] = attrs.field(converter=_as_tuple, validator=_texts("paragraph"))
    descriptors: tuple[Descriptor, ...] = attrs.field(converter=_as_tuple)

    def __attrs_post_init__(self) -> None:
        if not isinstance(self.descriptors, tuple) or not self.descriptors:
            raise InvalidData(
                "descriptors", f"expected a descriptor per level, got {self.descriptors!r}"
            )
        levels = [descriptor.level for descriptor in self.descriptors]
        twice = sorted({level for level in levels if levels.count(level) > 1})
        if twice:
            listed = ", ".join(str(level) for level in twice)
            raise InvalidData("descriptors", f"one descriptor per level; described twice: {listed}")
        ordered = tuple(sorted(self.descriptors, key=lambda descriptor: descriptor.level))
        object.__setattr__(self, "descriptors", ordered)

    @property
    def levels(self) -> tuple[int, ...]:
        """The levels that have a descriptor, in order."""
        return tuple(descriptor.level for descriptor in self.descriptors)

    def descriptor(self, level: int) -> Descriptor:
        """The descriptor of ``level``, or :class:`~trajectory.InvalidData`."""
        if isinstance(level, int) and not isinstance(level, bool):
            for descriptor in self.descriptors:
                if descriptor.level == level:
                    return descriptor
        raise InvalidData(
            "level", f"expected a level 1 to {len(self.descriptors)} of {self.id}, got {level!r}"
        )


@attrs.frozen
class DevelopmentModel:
    """A development model: the names of its levels and its aspects.

    ``scale`` is what a level is called (``fase`` or ``niveau``). Every aspect has
    exactly one descriptor for each level, 1 to ``len(levels)``.
    ``description_lead`` opens every aspect's description ("De mate waarin...");
    ``descriptor_lead`` opens every descriptor where the source has one
    ("Deze school...").
    """

    id: str = attrs.field(validator=_text)
    name: str = attrs.field(validator=_text)
    scale: str = attrs.field(validator=_text)
    levels: tuple[str, ...] = attrs.field(converter=_as_tuple, validator=_texts("level name"))
    aspects: tuple[Aspect, ...] = attrs.field(converter=_as_tuple)
    description_lead: str = ""
    descriptor_lead: str = ""

    def __attrs_post_init__(self) -> None:
        if not isinstance(self.aspects, tuple) or not self.aspects:
            raise InvalidData("aspects", f"expected at least one aspect, got {self.aspects!r}")
        ids = [aspect.id for aspect in self.aspects]
        twice = sorted({aspect for aspect in ids if ids.count(aspect) > 1})
        if twice:
            raise InvalidData("aspects", f"aspect ids listed twice: {', '.join(twice)}")
        expected = tuple(range(1, len(self.levels) + 1))
        for index, aspect in enumerate(self.aspects):
            if aspect.levels != expected:
                missing = [str(level) for level in expected if level not in aspect.levels]
                extra = [str(level) for level in aspect.levels if level not in expected]
                found = "; ".join(
                    part
                    for part in (
                        f"no descriptor for level {', '.join(missing)}" if missing else "",
                        f"not a level: {', '.join(extra)}" if extra else "",
                    )
                    if part
                )
                raise InvalidData(
                    f"aspects[{index}].descriptors",
                    f"expected one descriptor for each level 1 to {len(self.levels)} of "
                    f"{aspect.id}; {found}",
                )

    @property
    def aspect_ids(self) -> tuple[str, ...]:
        """The ids of the aspects, in order."""
        return tuple(aspect.id for aspect in self.aspects)

    def aspect(self, aspect_id: str) -> Aspect:
        """The aspect with ``aspect_id``, or :class:`~trajectory.InvalidData`."""
        for aspect in self.aspects:
            if aspect.id == aspect_id:
                return aspect
        raise InvalidData(
            "aspect",
            f"not an aspect of {self.id}: {aspect_id!r}; its aspects: {', '.join(self.aspect_ids)}",
        )

    def level_name(self, level: int) -> str:
        """The name of ``level`` (1 is the lowest), or :class:`~trajectory.InvalidData`."""
        if (
            isinstance(level, bool)
            or not isinstance(level, int)
            or not 1 <= level <= len(self.levels)
        ):
            raise InvalidData(
                "level", f"expected a level 1 to {len(self.levels)} of {self.id}, got {level!r}"
            )
        return self.levels[level - 1]

    def descriptor(self, aspect_id: str, level: int) -> Descriptor:
        """The descriptor of aspect ``aspect_id`` at ``level``."""
        return self.aspect(aspect_id).descriptor(level)


@attrs.frozen
class _Models:
    models: tuple[DevelopmentModel, ...]

    def __attrs_post_init__(self) -> None:
        ids = [model.id for model in self.models]
        twice = sorted({model for model in ids if ids.count(model) > 1})
        if twice:
            raise InvalidData("models", f"model ids listed twice: {', '.join(twice)}")


def load_development_models(
    source: str | Path, *, converter: cattrs.Converter | None = None
) -> tuple[DevelopmentModel, ...]:
    """Read development models from a file (a path, or TOML text) of the shipped form,
    with ``converter`` (default: the programme's).

    Bad data raises :class:`~trajectory.InvalidData` with the path where it is wrong,
    such as ``$.models[0].aspects[2].descriptors``.
    """
    if converter is None:
        from trajectory.ontwikkelkracht.bootstrap import programme

        converter = programme().converter
    return load_toml(source, _Models, converter=converter).models


def shipped_development_models(converter: cattrs.Converter) -> tuple[DevelopmentModel, ...]:
    """Read the development models that ship with the package, with ``converter``."""
    from importlib import resources

    resource = resources.files("trajectory.ontwikkelkracht.data") / "development_models.toml"
    return load_development_models(resource.read_text(encoding="utf-8"), converter=converter)


def development_models() -> tuple[DevelopmentModel, ...]:
    """The development models that ship with the package, the programme's
    (``programme().development_models``, read once, on first use)."""
    from trajectory.ontwikkelkracht.bootstrap import programme

    return programme().development_models


def development_model(model_id: str) -> DevelopmentModel:
    """The development model with ``model_id``, or :class:`~trajectory.InvalidData`."""
    for model in development_models():
        if model.id == model_id:
            return model
    known = ", ".join(model.id for model in development_models())
    raise InvalidData("model", f"unknown development model {model_id!r}; known: {known}")
