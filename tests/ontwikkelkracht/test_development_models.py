"""The School aan Zet development models (SPEC §6.4, seed 004) as complete data."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

import pytest

from trajectory import InvalidData
from trajectory.ontwikkelkracht import (
    Aspect,
    Descriptor,
    DevelopmentModel,
    ExtraCell,
    development_model,
    development_models,
    load_development_models,
)

SPEC_ASPECTS = {
    "samen-leren-inhoud-geven": [
        "Koers",
        "Gebruik van data en feedback",
        "Lerende professional",
        "Samen leren in het team",
        "Georganiseerd leiderschap",
    ],
    "lerende-organisatie": [
        "Goede koers",
        "Goede start",
        "Goede feedback",
        "Goede ontwikkeling",
        "Goede differentiatie",
    ],
}


def shipped_path() -> Path:
    return Path(str(resources.files("trajectory.ontwikkelkracht.data") / "development_models.toml"))


# -- the shipped data is complete -----------------------------------------------------------


def test_the_two_models_ship_with_their_aspects() -> None:
    """Both rubrics ship, with the five aspects the spec names, in order."""
    actual = {model.id: [aspect.name for aspect in model.aspects] for model in development_models()}

    assert SPEC_ASPECTS == actual


@pytest.mark.parametrize("model_id", sorted(SPEC_ASPECTS))
def test_every_aspect_has_one_descriptor_per_level(model_id: str) -> None:
    """Five levels, and every aspect has exactly one descriptor for each of them."""
    model = development_model(model_id)

    assert 5 == len(model.levels)
    for aspect in model.aspects:
        assert (1, 2, 3, 4, 5) == tuple(d.level for d in aspect.descriptors), aspect.id
        assert all(
            d.paragraphs and all(p.strip() for p in d.paragraphs) for d in aspect.descriptors
        )
        assert aspect.description, aspect.id


@pytest.mark.parametrize("model_id", sorted(SPEC_ASPECTS))
def test_no_two_descriptors_of_an_aspect_are_the_same(model_id: str) -> None:
    """Each level of an aspect says something of its own: the data is not padded."""
    for aspect in development_model(model_id).aspects:
        texts = [descriptor.text for descriptor in aspect.descriptors]
        # The source repeats one descriptor: 'Georganiseerd leiderschap' phase 4 and 5.
        expected = 4 if aspect.id == "georganiseerd_leiderschap" else 5
        assert expected == len(set(texts)), aspect.id


def test_level_names_and_scales() -> None:
    """The phases of Samen Leren Inhoud Geven and the levels of Lerende Organisatie."""
    slig = development_model("samen-leren-inhoud-geven")
    lo = development_model("lerende-organisatie")

    assert ("fase", "niveau") == (slig.scale, lo.scale)
    assert "Ad hoc, individueel, reactief" == slig.level_name(1)
    assert "Niveau 4: lerende organisatie" == lo.level_name(4)
    assert ("De mate waarin...", "") == (slig.description_lead, slig.descriptor_lead)
    assert ("De mate waarin...", "Deze school...") == (lo.description_lead, lo.descriptor_lead)


def test_descriptors_are_the_text_of_the_source() -> None:
    """Spot checks against seed 004: the points of a level, the paragraphs of a phase."""
    feedback = development_model("lerende-organisatie").aspect("goede_feedback")
    koers = development_model("samen-leren-inhoud-geven").aspect("koers")

    assert (
        "Gebruikt geen enkele bron van feedback ten behoeve van professionele ontwikkeling",
        "Bepaalt geen interventies voor personeel",
    ) == feedback.descriptor(1).paragraphs
    assert (
        "Gebruikt een gedocumenteerd feedbackprogramma voor de schoolleiding",
        "Evalueert feedbackprogramma en bronnen regelmatig en ontwikkelt innovatieve bronnen "
        "en analyses van feedback",
    ) == feedback.descriptor(5).paragraphs
    assert (
        "De schoolleiding heeft algemene doelen gekozen voor onderwijskundig en "
        "personeelskwaliteits en heeft het team hiervan op de hoogte gezet.",
        "De school heeft in globale termen gekozen voor de schooltoekomst.",
    ) == koers.descriptor(1).paragraphs
    assert (
        "Personeel meerdere bronnen voor feedback en ontwikkeling gebruikt "
        "(leerlingen/ouders/bestuur/lerarenenquête/diepte-interviews, peerreview, "
        "co-teaching, intervisie)",
        "Personeel feedback met elkaar analyseert en interventies bepaalt",
    ) == feedback.description


#: The sixth cell of the source's 'Lerende professional' row (seed 004), in the column
#: after FASE 5 that has no heading.
SIXTH_CELL = (
    "Leerkrachten nemen deel aan en richten zelf externe netwerken in om zo het eigen leren "
    "en dat van collega's te bevorderen. De schoolleiders wordt geïnteresseerd in een "
    "leerprofiel waarbij externe partijen worden betrokken.",
    "Nieuwe leerkrachten worden geïntroduceerd en begeleid op basis van de competentieplan "
    "en volgen een introductieprogramma op maat.",
    "Leerkrachten lossen in hun handelen dat zij bewijzen hoe belangrijk hun bijdrage is "
    "binnen het collectief. Er is een individuele verantwoordelijkheid en wederzijdse "
    "afhankelijkheid.",
)


def test_every_cell_of_the_source_is_kept() -> None:
    """Seed 004: 'Lerende professional' has six cells for five phases, every other row
    five. Each cell is in the data: a descriptor per phase, and the sixth cell kept as an
    extra cell of phase 5; no other descriptor has one."""
    cells = {
        aspect.id: len(aspect.descriptors) + sum(len(d.extra_cells) for d in aspect.descriptors)
        for model in development_models()
        for aspect in model.aspects
    }
    expected = dict.fromkeys(cells, 5) | {"lerende_professional": 6}

    assert expected == cells


def test_the_sixth_cell_of_lerende_professional_is_under_phase_5_with_its_reason() -> None:
    """The extra cell is the source's text, under phase 5, and says why: it stands in
    the column after phase 5, without a heading, and speaks of what phase 5 is named for."""
    phase_5 = development_model("samen-leren-inhoud-geven").descriptor("lerende_professional", 5)
    (cell,) = phase_5.extra_cells

    assert SIXTH_CELL == cell.paragraphs
    assert "six cells for five phases" in cell.reason
    assert "no heading" in cell.reason
    assert "put under phase 5" in cell.reason
    assert phase_5.paragraphs + SIXTH_CELL == phase_5.all_paragraphs
    assert "\n".join(phase_5.all_paragraphs) == phase_5.text
    assert phase_5.paragraphs[0].startswith("Professionaliteitsinhoud wordt bepaald")


def test_model_aspect_level_descriptor() -> None:
    """model → aspect → level → descriptor, and the shortcut on the model."""
    model = development_model("lerende-organisatie")
    descriptor = model.aspect("goede_start").descriptor(3)

    assert descriptor == model.descriptor("goede_start", 3)
    assert 3 == descriptor.level
    assert "\n".join(descriptor.paragraphs) == descriptor.text
    assert descriptor.text.startswith("Selecteert de meerderheid van de personeelsleden")


def test_loading_the_shipped_file_gives_the_shipped_models() -> None:
    """load_development_models reads a Path of the shipped form."""
    assert development_models() == load_development_models(shipped_path())


# -- lookups that miss ----------------------------------------------------------------------


def test_unknown_model() -> None:
    """An unknown model id is InvalidData naming the known ones."""
    with pytest.raises(InvalidData) as refused:
        development_model("lerende-school")

    assert "model" == refused.value.field
    assert "samen-leren-inhoud-geven, lerende-organisatie" in refused.value.reason


def test_unknown_aspect() -> None:
    """An aspect of another model is InvalidData naming this model's aspects."""
    with pytest.raises(InvalidData) as refused:
        development_model("lerende-organisatie").aspect("koers")

    assert "aspect" == refused.value.field
    assert "goede_koers, goede_start" in refused.value.reason


@pytest.mark.parametrize("level", [0, 6, -1, True, "3", 2.0])
def test_level_outside_the_scale(level: object) -> None:
    """A level that is not 1 to 5 is InvalidData, for a descriptor as for a name."""
    model = development_model("samen-leren-inhoud-geven")

    with pytest.raises(InvalidData) as descriptor:
        model.aspect("koers").descriptor(level)  # type: ignore[arg-type]
    with pytest.raises(InvalidData) as name:
        model.level_name(level)  # type: ignore[arg-type]

    assert ("level", "level") == (descriptor.value.field, name.value.field)
    assert f"expected a level 1 to 5 of koers, got {level!r}" == descriptor.value.reason


# -- malformed data -------------------------------------------------------------------------

DESCRIPTOR = """
[[models.aspects.descriptors]]
level = {level}
paragraphs = ["Op niveau {level}."]
"""


def model_toml(levels: tuple[object, ...] = (1, 2), *, aspect: str = "koers") -> str:
    """A model with two levels and one aspect whose descriptors have ``levels``."""
    return (
        '[[models]]\nid = "m"\nname = "M"\nscale = "fase"\nlevels = ["Een", "Twee"]\n'
        f'[[models.aspects]]\nid = "{aspect}"\nname = "Koers"\ndescription = ["...de koers."]\n'
        + "".join(DESCRIPTOR.format(level=level) for level in levels)
    )


def test_a_well_formed_model_loads() -> None:
    """The small model the malformed cases start from loads as written."""
    expected = (
        DevelopmentModel(
            id="m",
            name="M",
            scale="fase",
            levels=("Een", "Twee"),
            aspects=(
                Aspect(
                    id="koers",
                    name="Koers",
                    description=("...de koers.",),
                    descriptors=(
                        Descriptor(1, ("Op niveau 1.",)),
                        Descriptor(2, ("Op niveau 2.",)),
                    ),
                ),
            ),
        ),
    )

    assert expected == load_development_models(model_toml((2, 1)))


EXTRA_CELL = """
[[models.aspects.descriptors.extra_cells]]
paragraphs = ["Nog een cel."]
reason = "It follows the column of level 2."
"""


def test_an_extra_cell_loads_under_its_level() -> None:
    """A file may keep a cell beyond the level columns under a level, with its reason."""
    (model,) = load_development_models(model_toml() + EXTRA_CELL)
    descriptor = model.descriptor("koers", 2)

    assert (ExtraCell(("Nog een cel.",), "It follows the column of level 2."),) == (
        descriptor.extra_cells
    )
    assert ("Op niveau 2.", "Nog een cel.") == descriptor.all_paragraphs
    assert () == model.descriptor("koers", 1).extra_cells


def test_extra_cells_from_python_are_extra_cells() -> None:
    """A list of ExtraCell becomes a tuple; anything else is InvalidData naming the field."""
    cell = ExtraCell(["Nog een cel."], "It follows the column of level 1.")  # type: ignore[arg-type]

    assert (cell,) == Descriptor(1, ("Op niveau 1.",), [cell]).extra_cells  # type: ignore[arg-type]
    with pytest.raises(InvalidData) as refused:
        Descriptor(1, ("Op niveau 1.",), [{"paragraphs": ["Nog een cel."]}])  # type: ignore[list-item]
    assert "extra_cells" == refused.value.field


@pytest.mark.parametrize(
    ("text", "field", "reason"),
    [
        pytest.param(
            model_toml((1,)),
            "$.models[0].aspects[0].descriptors",
            "expected one descriptor for each level 1 to 2 of koers; no descriptor for level 2",
            id="level-missing",
        ),
        pytest.param(
            model_toml((1, 2, 3)),
            "$.models[0].aspects[0].descriptors",
            "expected one descriptor for each level 1 to 2 of koers; not a level: 3",
            id="level-beyond-the-scale",
        ),
        pytest.param(
            model_toml((1, 2, 2)),
            "$.models[0].aspects[0].descriptors",
            "one descriptor per level; described twice: 2",
            id="level-twice",
        ),
        pytest.param(
            model_toml((1, 0)),
            "$.models[0].aspects[0].descriptors[1].level",
            "expected a level of 1 or more, got 0",
            id="level-zero",
        ),
        pytest.param(
            model_toml().replace("level = 2", 'level = "twee"'),
            "$.models[0].aspects[0].descriptors[1].level",
            "expected a whole number, got 'twee'",
            id="level-not-a-number",
        ),
        pytest.param(
            model_toml().replace('paragraphs = ["Op niveau 2."]', "paragraphs = []"),
            "$.models[0].aspects[0].descriptors[1].paragraphs",
            "expected at least one paragraph, got ()",
            id="no-paragraphs",
        ),
        pytest.param(
            model_toml().replace('paragraphs = ["Op niveau 2."]', 'paragraphs = ["", "x"]'),
            "$.models[0].aspects[0].descriptors[1].paragraphs[0]",
            "expected a non-empty text, got ''",
            id="empty-paragraph",
        ),
        pytest.param(
            model_toml().replace('["Op niveau 2."]', '["Op niveau 2."]\ntext = "Twee"'),
            "$.models[0].aspects[0].descriptors[1]",
            "extra fields found (text)",
            id="unknown-field",
        ),
        pytest.param(
            model_toml().replace('description = ["...de koers."]\n', ""),
            "$.models[0].aspects[0].description",
            "required field missing",
            id="no-description",
        ),
        pytest.param(
            model_toml().replace('name = "Koers"', 'name = " "'),
            "$.models[0].aspects[0].name",
            "expected a non-empty text, got ' '",
            id="blank-aspect-name",
        ),
        pytest.param(
            model_toml() + "[[models.aspects]]" + model_toml().split("[[models.aspects]]")[1],
            "$.models[0].aspects",
            "aspect ids listed twice: koers",
            id="aspect-twice",
        ),
        pytest.param(
            model_toml() + model_toml(),
            "$.models",
            "model ids listed twice: m",
            id="model-twice",
        ),
        pytest.param(
            model_toml() + EXTRA_CELL.replace('reason = "It follows the column of level 2."', ""),
            "$.models[0].aspects[0].descriptors[1].extra_cells[0].reason",
            "required field missing",
            id="extra-cell-without-reason",
        ),
        pytest.param(
            model_toml() + EXTRA_CELL.replace('"It follows the column of level 2."', '" "'),
            "$.models[0].aspects[0].descriptors[1].extra_cells[0].reason",
            "expected a non-empty text, got ' '",
            id="extra-cell-blank-reason",
        ),
        pytest.param(
            model_toml() + EXTRA_CELL.replace('["Nog een cel."]', "[]"),
            "$.models[0].aspects[0].descriptors[1].extra_cells[0].paragraphs",
            "expected at least one paragraph, got ()",
            id="extra-cell-without-paragraphs",
        ),
        pytest.param(
            model_toml().replace('levels = ["Een", "Twee"]', "levels = []"),
            "$.models[0].levels",
            "expected at least one level name, got ()",
            id="no-levels",
        ),
    ],
)
def test_malformed_data_says_where(text: str, field: str, reason: str) -> None:
    """Malformed models are refused with the path where they are wrong and why."""
    with pytest.raises(InvalidData) as refused:
        load_development_models(text)

    assert field == refused.value.field
    assert f"{reason} (in <text>)" == refused.value.reason


def test_not_toml() -> None:
    """Text that is not TOML is InvalidData at the root."""
    with pytest.raises(InvalidData) as refused:
        load_development_models("[[models]\n")

    assert "$" == refused.value.field
