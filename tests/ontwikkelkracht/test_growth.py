"""Growth per aspect from the baseline self-scan (intake) to the closing one (SPEC §6.4)."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import attrs
import pytest
from structlog.testing import capture_logs

from trajectory import InvalidData, Trajectory
from trajectory.ontwikkelkracht import (
    AspectGrowth,
    GrowthReport,
    Leertraject,
    SelfScan,
    development_model,
    growth_report,
)
from trajectory.testing import Walker

LO = "lerende-organisatie"
SLIG = "samen-leren-inhoud-geven"

BASELINE = {
    "goede_koers": 2,
    "goede_start": 1,
    "goede_feedback": 2,
    "goede_ontwikkeling": 3,
    "goede_differentiatie": 2,
}
RESULT = {
    "goede_koers": 4,
    "goede_start": 2,
    "goede_feedback": 2,
    "goede_ontwikkeling": 2,
    "goede_differentiatie": 3,
}
SLIG_SCORES = {
    "koers": 1,
    "data_en_feedback": 1,
    "lerende_professional": 2,
    "samen_leren_in_het_team": 1,
    "georganiseerd_leiderschap": 1,
}


def scanned(
    baseline: list[tuple[str, dict[str, int]]],
    result: list[tuple[str, dict[str, int]]],
    *,
    seed: int = 7,
) -> Walker:
    """A leertraject with the ``baseline`` scans recorded at the intake and the
    ``result`` scans at the closing talk, as (model, scores), in order."""
    walker = Walker.start(seed=seed)
    with capture_logs():
        walker.walk_to("intake")
        for model, scores in baseline:
            walker.fire("record_self_scan", model=model, date=walker.today(), scores=scores)
        walker.walk_to("closing")
        for model, scores in result:
            walker.fire("record_self_scan", model=model, date=walker.today(), scores=scores)
    return walker


@pytest.fixture(scope="module")
def walker() -> Walker:
    """A leertraject with a baseline and a closing self-scan on Lerende Organisatie."""
    return scanned([(LO, BASELINE)], [(LO, RESULT)])


@pytest.fixture(scope="module")
def report(walker: Walker) -> GrowthReport:
    return growth_report(walker.trajectory)


# -- the done-when: growth per aspect -------------------------------------------------------


def test_a_baseline_and_a_closing_scan_report_growth_per_aspect(walker: Walker) -> None:
    """Per aspect: the baseline level, the closing level, the levels gained, with the
    descriptors of both levels."""
    model = development_model(LO)
    expected = tuple(
        AspectGrowth(
            aspect=aspect.id,
            name=aspect.name,
            baseline=BASELINE[aspect.id],
            result=RESULT[aspect.id],
            growth=RESULT[aspect.id] - BASELINE[aspect.id],
            baseline_descriptor=aspect.descriptor(BASELINE[aspect.id]),
            result_descriptor=aspect.descriptor(RESULT[aspect.id]),
        )
        for aspect in model.aspects
    )

    report = growth_report(walker.trajectory)

    assert expected == report.aspects
    assert [2, 1, 0, -1, 1] == [growth.growth for growth in report.aspects]
    assert 3 == report.total_growth
    assert (LO, "Lerende Organisatie", "niveau") == (
        report.model,
        report.model_name,
        report.scale,
    )
    assert model.levels == report.levels


def test_the_dates_are_those_of_the_scans(walker: Walker, report: GrowthReport) -> None:
    """The report carries the dates of the baseline and the closing scan."""
    scans = walker.data.self_scans

    assert (scans[0].date, scans[1].date) == (report.baseline_date, report.result_date)
    assert report.baseline_date < report.result_date


def test_the_scans_know_their_kind(walker: Walker) -> None:
    """A scan at the intake is the baseline; one at the closing talk is the result."""
    assert [("intake", "baseline"), ("closing", "result")] == [
        (scan.moment, scan.kind) for scan in walker.data.self_scans
    ]


def test_the_data_or_the_trajectory(walker: Walker) -> None:
    """growth_report takes the Trajectory or its Leertraject data alike."""
    assert growth_report(walker.trajectory) == growth_report(walker.data)


def test_one_aspect_by_id(report: GrowthReport) -> None:
    """report.aspect(id) gives that aspect's growth; an unknown id is InvalidData."""
    assert (2, 4, 2) == (
        report.aspect("goede_koers").baseline,
        report.aspect("goede_koers").result,
        report.aspect("goede_koers").growth,
    )
    with pytest.raises(InvalidData) as refused:
        report.aspect("koers")
    assert "aspect" == refused.value.field


# -- which scans count ----------------------------------------------------------------------


def test_the_last_scan_of_a_moment_counts() -> None:
    """A scan recorded again at the same moment replaces the earlier one in the report."""
    corrected = {**BASELINE, "goede_koers": 1}
    walker = scanned([(LO, BASELINE), (LO, corrected)], [(LO, RESULT)])

    report = growth_report(walker.trajectory)

    assert (1, 4, 3) == (
        report.aspect("goede_koers").baseline,
        report.aspect("goede_koers").result,
        report.aspect("goede_koers").growth,
    )


def test_the_model_can_be_named() -> None:
    """With scans on both models, model= chooses; without it, the last baseline's model."""
    walker = scanned([(LO, BASELINE), (SLIG, SLIG_SCORES)], [(LO, RESULT), (SLIG, SLIG_SCORES)])

    named = growth_report(walker.trajectory, model=LO)
    default = growth_report(walker.trajectory)

    assert (LO, 3) == (named.model, named.total_growth)
    assert (SLIG, 0) == (default.model, default.total_growth)
    assert "fase" == default.scale


# -- errors ---------------------------------------------------------------------------------


def test_no_baseline() -> None:
    """Without a scan at the intake there is no growth to report."""
    walker = scanned([], [(LO, RESULT)])

    with pytest.raises(InvalidData) as refused:
        growth_report(walker.trajectory)

    assert "self_scans" == refused.value.field
    assert "no baseline self-scan: record_self_scan at the intake records one" == (
        refused.value.reason
    )


def test_no_closing_scan() -> None:
    """A baseline alone (the leertraject still running) is not enough either."""
    walker = scanned([(LO, BASELINE)], [])

    with pytest.raises(InvalidData) as refused:
        growth_report(walker.data)

    assert "self_scans" == refused.value.field
    assert (
        "no closing self-scan on lerende-organisatie: record_self_scan at the closing talk "
        "records one"
    ) == refused.value.reason


def test_the_closing_scan_on_another_model() -> None:
    """A baseline on one model and a closing scan on the other do not make growth."""
    walker = scanned([(LO, BASELINE)], [(SLIG, SLIG_SCORES)])

    with pytest.raises(InvalidData) as on_lo:
        growth_report(walker.trajectory)
    with pytest.raises(InvalidData) as on_slig:
        growth_report(walker.trajectory, model=SLIG)

    assert "no closing self-scan on lerende-organisatie" in on_lo.value.reason
    assert "no baseline self-scan on samen-leren-inhoud-geven" in on_slig.value.reason


def test_a_scan_without_a_level_for_an_aspect(walker: Walker) -> None:
    """Data whose scan misses an aspect (written by hand, not through the event) is
    InvalidData naming the scan and the aspect."""
    baseline, result = walker.data.self_scans
    partial = attrs.evolve(result, scores={k: v for k, v in RESULT.items() if k != "goede_start"})
    data = attrs.evolve(walker.data, self_scans=(baseline, partial))

    with pytest.raises(InvalidData) as refused:
        growth_report(data)

    assert "self_scans.result.scores.goede_start" == refused.value.field


def test_unknown_model(walker: Walker) -> None:
    """An unknown model id is InvalidData naming 'model'."""
    with pytest.raises(InvalidData) as refused:
        growth_report(walker.trajectory, model="lerende-school")

    assert "model" == refused.value.field


def test_not_a_leertraject() -> None:
    """Anything but a leertraject or its trajectory is InvalidData, not a TypeError."""
    with pytest.raises(InvalidData) as refused:
        growth_report({"self_scans": []})  # type: ignore[arg-type]

    assert "leertraject" == refused.value.field


def test_a_new_leertraject_has_no_scans() -> None:
    """A leertraject that never reached the intake has no baseline."""
    with capture_logs():
        t: Trajectory[Leertraject] = Walker.start(seed=3).trajectory

    with pytest.raises(InvalidData, match="no baseline self-scan"):
        growth_report(t)


# -- as data --------------------------------------------------------------------------------


def test_to_dict_is_json_and_reads_back(report: GrowthReport) -> None:
    """to_dict gives JSON-ready data through the library's converter; from_dict reads it."""
    data = report.to_dict()

    assert data == json.loads(json.dumps(data))
    assert report == GrowthReport.from_dict(data)
    assert {
        "aspect": "goede_feedback",
        "name": "Goede feedback",
        "baseline": 2,
        "result": 2,
        "growth": 0,
        "baseline_descriptor": {
            "level": 2,
            "paragraphs": [
                "Gebruikt enkele bronnen van feedback ad hoc ten behoeve van professionele "
                "ontwikkeling",
                "Bepaalt interventies voor personeel ad hoc",
            ],
        },
        "result_descriptor": {
            "level": 2,
            "paragraphs": [
                "Gebruikt enkele bronnen van feedback ad hoc ten behoeve van professionele "
                "ontwikkeling",
                "Bepaalt interventies voor personeel ad hoc",
            ],
        },
    } == data["aspects"][2]
    assert (report.baseline_date.isoformat(), report.result_date.isoformat()) == (
        data["baseline_date"],
        data["result_date"],
    )


def _edited(report: GrowthReport, **aspect: Any) -> dict[str, Any]:
    data = report.to_dict()
    data["aspects"][0].update(aspect)
    return data


@pytest.mark.parametrize(
    ("change", "field", "reason"),
    [
        (
            {"growth": 5},
            "$.aspects[0].growth",
            "expected 2 (result 4 minus baseline 2), got 5",
        ),
        (
            {"baseline": 3},
            "$.aspects[0].growth",
            "expected 1 (result 4 minus baseline 3), got 2",
        ),
        (
            {"result_descriptor": {"level": 3, "paragraphs": ["x"]}},
            "$.aspects[0].result_descriptor",
            "expected the descriptor of level 4, got level 3",
        ),
        ({"baseline": "twee"}, "$.aspects[0].baseline", "expected a whole number, got 'twee'"),
    ],
)
def test_from_dict_refuses_data_that_does_not_add_up(
    report: GrowthReport, change: dict[str, Any], field: str, reason: str
) -> None:
    """Data whose growth, levels or descriptors do not agree is InvalidData with its path."""
    with pytest.raises(InvalidData) as refused:
        GrowthReport.from_dict(_edited(report, **change))

    assert field == refused.value.field
    assert reason in refused.value.reason


def test_from_dict_refuses_a_level_beyond_the_scale(report: GrowthReport) -> None:
    """A level the report's scale does not have is refused."""
    data = report.to_dict()
    data["levels"] = data["levels"][:3]

    with pytest.raises(InvalidData) as refused:
        GrowthReport.from_dict(data)

    assert "$.aspects[0].result" == refused.value.field


# -- as text --------------------------------------------------------------------------------


def test_text_in_dutch(report: GrowthReport) -> None:
    """The summary in Dutch: a line per aspect with both levels and the growth."""
    expected = (
        "Groei per aspect: Lerende Organisatie\n"
        f"Nulmeting: {report.baseline_date} (intake); "
        f"eindmeting: {report.result_date} (nagesprek)\n"
        "\n"
        "Goede koers: niveau 2 → 4 (+2)\n"
        "Goede start: niveau 1 → 2 (+1)\n"
        "Goede feedback: niveau 2 → 2 (0)\n"
        "Goede ontwikkeling: niveau 3 → 2 (-1)\n"
        "Goede differentiatie: niveau 2 → 3 (+1)\n"
        "\n"
        "Totaal: +3 over 5 aspecten; gegroeid op 3, gelijk op 1, gedaald op 1.\n"
    )

    assert expected == report.to_text(descriptors=False)


def test_text_in_english_with_descriptors(report: GrowthReport) -> None:
    """In English, with the descriptors of both levels under each aspect."""
    text = report.to_text("en")
    koers = text.split("\n\n")[1]

    assert (
        "Goede koers: level 2 → 4 (+2)\n"
        "  Baseline, level 2:\n"
        "    Heeft ambities geconcretiseerd in doelen op schoolniveau en huidige kenmerken "
        "van de school meegenomen (cultuur, populatie, etc.)\n"
        "    Heeft leraren, OOP en ouders op de hoogte gesteld van de doelen\n"
        "  Result, level 4 (Niveau 4: lerende organisatie):\n"
        "    Stelt de prognoses meer dan één keer per jaar bij en afdelingen/teams en secties "
        "vertalen deze in nieuwe acties indien nodig\n"
        "    Heeft leraren, OOP, ouders, leerlingen proactief en tenminste één externe "
        "belanghebbende reactief betrokken in het vaststellen van de doelen en de doelen "
        "zijn zichtbaar in het gedrag van de schoolleider en leraren"
    ) == koers
    assert text.startswith("Growth per aspect: Lerende Organisatie\nBaseline: ")
    assert text.endswith("Total: +3 across 5 aspects; grew on 3, unchanged on 1, fell on 1.\n")


def test_text_names_the_phases_of_samen_leren_inhoud_geven() -> None:
    """A model of phases says 'fase'/'phase' and gives the phase's name."""
    walker = scanned([(SLIG, SLIG_SCORES)], [(SLIG, {**SLIG_SCORES, "koers": 3})])
    report = growth_report(walker.trajectory)

    dutch = report.to_text()
    english = report.to_text("en", descriptors=False)

    assert "Koers: fase 1 → 3 (+2)" in dutch
    assert "  Eindmeting, fase 3 (Planmatig en aandacht voor proces, observeren en " in dutch
    assert "Koers: phase 1 → 3 (+2)\n" in english


def test_phase_5_of_lerende_professional_shows_the_source_s_sixth_cell() -> None:
    """The cell the source has beyond phase 5 of 'Lerende professional' is part of phase
    5's descriptor: in the text and, with its reason, in the data, which reads back."""
    walker = scanned([(SLIG, SLIG_SCORES)], [(SLIG, {**SLIG_SCORES, "lerende_professional": 5})])
    report = growth_report(walker.trajectory)

    dutch = report.to_text()
    data = report.to_dict()
    growth = data["aspects"][2]

    assert "Lerende professional: fase 2 → 5 (+3)" in dutch
    assert "    Leerkrachten nemen deel aan en richten zelf externe netwerken in" in dutch
    assert "extra_cells" not in growth["baseline_descriptor"]
    assert 1 == len(growth["result_descriptor"]["extra_cells"])
    assert {"paragraphs", "reason"} == set(growth["result_descriptor"]["extra_cells"][0])
    assert report == GrowthReport.from_dict(json.loads(json.dumps(data)))


@pytest.mark.parametrize("lang", ["de", "NL", ""])
def test_unknown_language(report: GrowthReport, lang: str) -> None:
    """A language other than nl or en is InvalidData naming 'lang'."""
    with pytest.raises(InvalidData) as refused:
        report.to_text(lang)

    assert "lang" == refused.value.field


def test_the_kind_of_a_scan_follows_its_moment() -> None:
    """SelfScan.kind: ``baseline`` for a scan recorded at the intake, ``result`` for one
    recorded at the closing talk."""
    scan = SelfScan("intake", LO, dt.date(2024, 9, 10), BASELINE)

    assert ("baseline", "result") == (scan.kind, SelfScan("closing", LO, scan.date, {}).kind)
