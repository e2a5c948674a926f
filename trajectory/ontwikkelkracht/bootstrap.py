"""The composition root of the Ontwikkelkracht programme: one function builds it.

:func:`programme` (built once, on first use) gives the :class:`Ontwikkelkracht`
programme: the leertraject lifecycle, the budget ledger of a round, the registry of
the code their definitions name, the programme's own converter (the school year's
hooks are registered on it, never on a shared one), its migrations and schema types,
the rules book per school year, the catalog and the development models. The data
files are read on first use: ``leertraject.toml`` and ``ledger.toml`` when the
programme is built, a school year's rules when they are asked for, the catalog and
the development models when first used.

Stores, the simulator, the command line and a service receive it::

    >>> from trajectory.ontwikkelkracht import programme
    >>> built = programme()
    >>> list(built.lifecycles)
    ['ontwikkelkracht.leertraject', 'ontwikkelkracht.ledger', 'ontwikkelkracht.application']
    >>> built.lifecycle("ontwikkelkracht.leertraject") is built.leertraject
    True
    >>> built.rules_for("2024-2025").minimum_participants
    5
    >>> built.catalog.get("leven-lang-lezen").place
    'Beek en Donk'

Importing the package builds none of it; :func:`build_programme` builds a new one
(for a test that must not share the process's rules book).
"""

from __future__ import annotations

import functools
import threading
from typing import TYPE_CHECKING, Any

from trajectory.engine.conversion import make_converter
from trajectory.engine.definition import Lifecycle
from trajectory.engine.errors import DefinitionError, InvalidData
from trajectory.engine.programme import Programme
from trajectory.engine.registry import Registry
from trajectory.engine.serialization import Codec, standard_migrations
from trajectory.ontwikkelkracht import documents
from trajectory.ontwikkelkracht.application import ApplicationData
from trajectory.ontwikkelkracht.application_events import application_registry, load_application
from trajectory.ontwikkelkracht.catalog import Catalog, shipped_catalog
from trajectory.ontwikkelkracht.development_models import (
    Descriptor,
    DevelopmentModel,
    shipped_development_models,
)
from trajectory.ontwikkelkracht.ledger import Ledger, ledger_registry, load_ledger
from trajectory.ontwikkelkracht.lifecycle import leertraject_registry, load_leertraject
from trajectory.ontwikkelkracht.record import Leertraject
from trajectory.ontwikkelkracht.rounds import Round, check_round_id
from trajectory.ontwikkelkracht.rules import Rules, RulesBook, legacy_rules_document
from trajectory.ontwikkelkracht.school import SchoolYear

if TYPE_CHECKING:
    import cattrs

__all__ = ["Ontwikkelkracht", "build_converter", "build_programme", "programme"]

#: The programme's name.
NAME = "ontwikkelkracht"


class Ontwikkelkracht(Programme):
    """The Ontwikkelkracht programme: the leertraject with its rules per school year,
    its catalog and the development models (read on first use)."""

    def __init__(
        self,
        leertraject: Lifecycle[Leertraject],
        ledger: Lifecycle[Ledger],
        *,
        registry: Registry,
        codec: Codec,
        application: Lifecycle[ApplicationData] | None = None,
    ):
        lifecycles: list[Lifecycle[Any]] = [leertraject, ledger]
        if application is not None:
            lifecycles.append(application)
        super().__init__(NAME, lifecycles, registry=registry, codec=codec)
        #: The leertraject lifecycle.
        self.leertraject = leertraject
        #: The budget ledger of a round (see :mod:`trajectory.ontwikkelkracht.ledger`).
        self.ledger = ledger
        #: The lifecycle of a board's application for one or more locations (SPEC §7.1).
        self.application = application
        #: The rules per school year (shipped, read on first use, and registered).
        self.rules = RulesBook(codec.converter)

    def rules_for(self, school_year: str | SchoolYear) -> Rules:
        """The rules of ``school_year``: a registered override first, else the shipped
        file (see :class:`~trajectory.ontwikkelkracht.rules.RulesBook`)."""
        return self.rules.rules_for(school_year)

    def round(self, round_id: str) -> Round:
        """The round with ``round_id`` (``"2024-2025/main"``), from the rules of the
        school year its id begins with; :class:`~trajectory.InvalidData` for an id
        that is not a round's, or a year without rules or without that round."""
        year = check_round_id(round_id, "round").split("/", 1)[0]
        return self.rules_for(year).round(round_id)

    @functools.cached_property
    def catalog(self) -> Catalog:
        """The catalog of offered trajectories that ships with the package."""
        return shipped_catalog(self.converter)

    @functools.cached_property
    def development_models(self) -> tuple[DevelopmentModel, ...]:
        """The development models that ship with the package."""
        return shipped_development_models(self.converter)

    def development_model(self, model_id: str) -> DevelopmentModel:
        """The development model with ``model_id``, or :class:`~trajectory.InvalidData`."""
        for model in self.development_models:
            if model.id == model_id:
                return model
        known = ", ".join(model.id for model in self.development_models)
        raise InvalidData("model", f"unknown development model {model_id!r}; known: {known}")


def _structure_school_year(value: Any, _: type) -> SchoolYear:
    try:
        return SchoolYear.parse(value)
    except InvalidData as err:  # the path is the caller's: report the reason only
        raise ValueError(err.reason) from None


def build_converter() -> cattrs.Converter:
    """A new converter for the programme's data: the engine's strict base converter
    with a school year read from and written as its text (``"2024-2025"``), rules
    written before rounds (with ``application_windows``) read as rounds
    (:func:`~trajectory.ontwikkelkracht.rules.legacy_rules_document`), and a development
    model's descriptor written without ``extra_cells`` when it has none."""
    from cattrs.gen import make_dict_structure_fn, make_dict_unstructure_fn

    made = make_converter()
    made.register_structure_hook(SchoolYear, _structure_school_year)
    made.register_unstructure_hook(SchoolYear, str)
    # a descriptor without extra cells (nearly all of them) is written without the field
    made.register_unstructure_hook(
        Descriptor, make_dict_unstructure_fn(Descriptor, made, _cattrs_omit_if_default=True)
    )
    structure_rules = make_dict_structure_fn(Rules, made)

    def _structure_rules(value: Any, cls: type) -> Rules:
        return structure_rules(legacy_rules_document(value), cls)

    made.register_structure_hook(Rules, _structure_rules)
    return made


def build_programme() -> Ontwikkelkracht:
    """A new Ontwikkelkracht programme: its converter, migrations and schema types,
    its registry, and the leertraject read from its definition file."""
    codec = Codec(converter=build_converter(), migrations=standard_migrations())
    registry = application_registry(leertraject_registry())
    leertraject = load_leertraject(registry, codec)
    # The ledger is built with a registry of its own code (so that each lifecycle
    # declares its own violations only); the programme's registry names its code too.
    ledger = load_ledger(ledger_registry(), codec)
    ledger_registry(registry, violations=False)
    application = load_application(registry, codec)
    documents.add_to(codec, leertraject.name)
    return Ontwikkelkracht(
        leertraject, ledger, registry=registry, codec=codec, application=application
    )


#: The process's programme, once built; guarded by ``_lock`` while it is built.
_programme: Ontwikkelkracht | None = None
_lock = threading.RLock()  # re-entrant, so that a build that asks for itself fails clearly
_building = False


def programme() -> Ontwikkelkracht:
    """The process's Ontwikkelkracht programme, built by :func:`build_programme` on
    first use and kept.

    It is built once: threads that ask for it at the same moment wait for the one
    build and get the same programme. A build that fails keeps nothing, so the next
    call builds again. For a programme of its own (a test that must not share the
    process's rules book), call :func:`build_programme`.
    """
    global _programme, _building
    built = _programme  # once built, read without the lock
    if built is not None:
        return built
    with _lock:
        if _programme is None:
            if _building:  # only the building thread gets here: its build asked for itself
                raise DefinitionError(
                    "the programme was asked for while it is being built: a part of its "
                    "definition calls programme() as it is loaded; give it the parts it "
                    "needs instead"
                )
            _building = True
            try:
                _programme = build_programme()
            finally:
                _building = False
        return _programme
