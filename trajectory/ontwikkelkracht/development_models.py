"""The School aan Zet development models, as data: aspects scored on five levels.

A school scores itself (a self-scan) at the intake and again at the closing talk.

>>> model = development_model("lerende-organisatie")
>>> [aspect.name for aspect in model.aspects][:2]
['Goede koers', 'Goede start']
"""

from __future__ import annotations

import functools
from importlib import resources

import attrs

from trajectory.engine.conversion import load_toml
from trajectory.engine.errors import InvalidData

__all__ = ["Aspect", "DevelopmentModel", "development_model", "development_models"]


@attrs.frozen
class Aspect:
    """One aspect (ontwikkelaspect) of a development model."""

    id: str
    name: str


@attrs.frozen
class DevelopmentModel:
    """A development model: its aspects and the names of its five levels."""

    id: str
    name: str
    scale: str
    levels: tuple[str, ...]
    aspects: tuple[Aspect, ...]

    @property
    def aspect_ids(self) -> tuple[str, ...]:
        """The ids of the aspects, in order."""
        return tuple(aspect.id for aspect in self.aspects)


@attrs.frozen
class _Models:
    models: tuple[DevelopmentModel, ...]


@functools.cache
def development_models() -> tuple[DevelopmentModel, ...]:
    """The development models that ship with the package."""
    resource = resources.files("trajectory.ontwikkelkracht.data") / "development_models.toml"
    return load_toml(resource.read_text(encoding="utf-8"), _Models).models


def development_model(model_id: str) -> DevelopmentModel:
    """The development model with ``model_id``, or :class:`~trajectory.InvalidData`."""
    for model in development_models():
        if model.id == model_id:
            return model
    known = ", ".join(model.id for model in development_models())
    raise InvalidData("model", f"unknown development model {model_id!r}; known: {known}")
