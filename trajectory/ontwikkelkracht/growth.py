"""Growth per aspect: the baseline self-scan at the intake against the result at the
closing talk, on a School aan Zet development model.

The growth of an aspect is the closing level minus the baseline level; it is negative
when a school scores itself lower at the end (a sharper view is a result too). The
report is data (attrs; :meth:`GrowthReport.to_dict` gives JSON-ready data through the
programme's converter) and readable text in Dutch or English
(:meth:`GrowthReport.to_text`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any, Final

import attrs

from trajectory.engine.conversion import structure
from trajectory.engine.errors import InvalidData
from trajectory.engine.runtime import Trajectory
from trajectory.engine.violations import LANGUAGES
from trajectory.ontwikkelkracht.development_models import Descriptor, development_model
from trajectory.ontwikkelkracht.model import SelfScan
from trajectory.ontwikkelkracht.record import Leertraject

__all__ = ["AspectGrowth", "GrowthReport", "growth_report"]

#: The state a baseline self-scan is recorded in, and the state of the closing one.
BASELINE_MOMENT: Final = "intake"
RESULT_MOMENT: Final = "closing"

_WORDS: Final[dict[str, dict[str, str]]] = {
    "nl": {
        "title": "Groei per aspect",
        "baseline": "Nulmeting",
        "result": "Eindmeting",
        "baseline_when": "intake",
        "result_when": "nagesprek",
        "total": "Totaal: {total} over {aspects} aspecten; "
        "gegroeid op {grew}, gelijk op {same}, gedaald op {fell}.",
    },
    "en": {
        "title": "Growth per aspect",
        "baseline": "Baseline",
        "result": "Result",
        "baseline_when": "intake",
        "result_when": "closing talk",
        "total": "Total: {total} across {aspects} aspects; "
        "grew on {grew}, unchanged on {same}, fell on {fell}.",
    },
}
_SCALES: Final[dict[str, dict[str, str]]] = {
    "nl": {},
    "en": {"fase": "phase", "niveau": "level"},
}


def _signed(number: int) -> str:
    return f"+{number}" if number > 0 else str(number)


@attrs.frozen
class AspectGrowth:
    """One aspect's baseline level, closing level and growth, with their descriptors."""

    aspect: str
    name: str
    baseline: int
    result: int
    growth: int
    """The closing level minus the baseline level: the levels gained (or lost)."""
    baseline_descriptor: Descriptor
    result_descriptor: Descriptor

    def __attrs_post_init__(self) -> None:
        if self.growth != self.result - self.baseline:
            raise InvalidData(
                "growth",
                f"expected {self.result - self.baseline} (result {self.result} minus "
                f"baseline {self.baseline}), got {self.growth}",
            )
        for field, level, descriptor in (
            ("baseline_descriptor", self.baseline, self.baseline_descriptor),
            ("result_descriptor", self.result, self.result_descriptor),
        ):
            if descriptor.level != level:
                raise InvalidData(
                    field, f"expected the descriptor of level {level}, got level {descriptor.level}"
                )


@attrs.frozen
class GrowthReport:
    """The growth per aspect of one leertraject on one development model."""

    model: str
    model_name: str
    scale: str
    """What a level is called in the model: ``fase`` or ``niveau``."""
    levels: tuple[str, ...]
    """The names of the model's levels, level 1 first."""
    baseline_date: dt.date
    result_date: dt.date
    aspects: tuple[AspectGrowth, ...]

    def __attrs_post_init__(self) -> None:
        top = len(self.levels)
        for index, growth in enumerate(self.aspects):
            for field, level in (("baseline", growth.baseline), ("result", growth.result)):
                if not 1 <= level <= top:
                    raise InvalidData(
                        f"aspects[{index}].{field}", f"expected a level 1 to {top}, got {level}"
                    )

    @property
    def total_growth(self) -> int:
        """The levels gained over all aspects together."""
        return sum(aspect.growth for aspect in self.aspects)

    def aspect(self, aspect_id: str) -> AspectGrowth:
        """The growth of the aspect ``aspect_id``, or :class:`~trajectory.InvalidData`."""
        for growth in self.aspects:
            if growth.aspect == aspect_id:
                return growth
        known = ", ".join(growth.aspect for growth in self.aspects)
        raise InvalidData("aspect", f"not an aspect of {self.model}: {aspect_id!r}; known: {known}")

    def to_dict(self) -> dict[str, Any]:
        """The report as JSON-ready data (dates as ISO strings)."""
        from trajectory.ontwikkelkracht.bootstrap import programme

        data: dict[str, Any] = programme().converter.unstructure(self)
        return data

    @classmethod
    def from_dict(cls, data: Any) -> GrowthReport:
        """A report read back from :meth:`to_dict` data; bad data raises
        :class:`~trajectory.InvalidData` with the path where it is wrong."""
        from trajectory.ontwikkelkracht.bootstrap import programme

        return structure(data, cls, converter=programme().converter)

    def to_text(self, lang: str = "nl", *, descriptors: bool = True) -> str:
        """The report as readable text in ``lang`` (``nl`` or ``en``): per aspect the
        baseline and closing level and the growth, with the descriptors of both levels
        unless ``descriptors`` is false. Model, aspect and level names stay Dutch."""
        if lang not in LANGUAGES:
            raise InvalidData("lang", f"expected one of {', '.join(LANGUAGES)}, got {lang!r}")
        words = _WORDS[lang]
        scale = _SCALES[lang].get(self.scale, self.scale)
        lines = [
            f"{words['title']}: {self.model_name}",
            f"{words['baseline']}: {self.baseline_date.isoformat()} ({words['baseline_when']}); "
            f"{words['result'].lower()}: {self.result_date.isoformat()} ({words['result_when']})",
        ]
        if not descriptors:
            lines.append("")
        for growth in self.aspects:
            if descriptors:
                lines.append("")
            lines.append(
                f"{growth.name}: {scale} {growth.baseline} → {growth.result} "
                f"({_signed(growth.growth)})"
            )
            if not descriptors:
                continue
            for label, descriptor in (
                (words["baseline"], growth.baseline_descriptor),
                (words["result"], growth.result_descriptor),
            ):
                level = f"{scale} {descriptor.level}"
                name = self.levels[descriptor.level - 1]
                plain = f"{self.scale} {descriptor.level}".lower()
                named = "" if name.lower() == plain else f" ({name})"
                lines.append(f"  {label}, {level}{named}:")
                lines.extend(f"    {paragraph}" for paragraph in descriptor.all_paragraphs)
        lines.append("")
        lines.append(
            words["total"].format(
                total=_signed(self.total_growth),
                aspects=len(self.aspects),
                grew=sum(1 for growth in self.aspects if growth.growth > 0),
                same=sum(1 for growth in self.aspects if growth.growth == 0),
                fell=sum(1 for growth in self.aspects if growth.growth < 0),
            )
        )
        return "\n".join(lines) + "\n"


def _last(scans: Sequence[SelfScan], moment: str, model: str | None) -> SelfScan | None:
    for scan in reversed(scans):
        if scan.moment == moment and (model is None or scan.model == model):
            return scan
    return None


def growth_report(
    leertraject: Leertraject | Trajectory[Leertraject], model: str | None = None
) -> GrowthReport:
    """The growth per aspect from the baseline self-scan (recorded at the intake) to the
    closing self-scan (recorded at the closing talk) on ``model``.

    Without ``model``, the model of the last baseline is used. When a moment has more
    than one scan on the model, the last one counts. Raises
    :class:`~trajectory.InvalidData` when there is no baseline or no closing self-scan
    on the model, or the model is unknown.
    """
    data = leertraject.data if isinstance(leertraject, Trajectory) else leertraject
    if not isinstance(data, Leertraject):
        raise InvalidData("leertraject", f"expected a Leertraject or its Trajectory, got {data!r}")
    if model is not None:
        development_model(model)
    baseline = _last(data.self_scans, BASELINE_MOMENT, model)
    if baseline is None:
        on = "" if model is None else f" on {model}"
        raise InvalidData(
            "self_scans",
            f"no baseline self-scan{on}: record_self_scan at the intake records one",
        )
    scheme = development_model(baseline.model)
    result = _last(data.self_scans, RESULT_MOMENT, scheme.id)
    if result is None:
        raise InvalidData(
            "self_scans",
            f"no closing self-scan on {scheme.id}: record_self_scan at the closing talk "
            "records one",
        )
    aspects = []
    for aspect in scheme.aspects:
        levels = []
        for scan in (baseline, result):
            level = scan.scores.get(aspect.id)
            if level is None:
                raise InvalidData(
                    f"self_scans.{scan.kind}.scores.{aspect.id}",
                    f"the {scan.kind} self-scan of {scan.date.isoformat()} has no level "
                    f"for {aspect.id}",
                )
            levels.append(level)
        before, after = levels
        aspects.append(
            AspectGrowth(
                aspect=aspect.id,
                name=aspect.name,
                baseline=before,
                result=after,
                growth=after - before,
                baseline_descriptor=aspect.descriptor(before),
                result_descriptor=aspect.descriptor(after),
            )
        )
    return GrowthReport(
        model=scheme.id,
        model_name=scheme.name,
        scale=scheme.scale,
        levels=scheme.levels,
        baseline_date=baseline.date,
        result_date=result.date,
        aspects=tuple(aspects),
    )
