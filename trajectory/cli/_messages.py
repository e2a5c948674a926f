"""The command line's own messages in Dutch and English, and the library's errors in
the language a command was given with ``--lang``.

Every command takes ``--lang`` (Dutch by default); the command class sets it with
:func:`speaking` before the command runs. The library's errors that carry their
parts (an unknown trajectory, an event not allowed, a refusal with its violations,
a conflicting save, a guard or an effect that failed, a corrupt record, an unknown
event) are told in that language, their parts (an event's name, a reason) as they
are; the others (``InvalidData``'s reasons, ``StoreError``'s messages,
``DefinitionError``) keep the library's English text, as do the usage errors of the
option parser.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Final

from trajectory.engine.errors import (
    EffectFailed,
    GuardFailed,
    ListenerVetoed,
    MissingDependency,
    PreconditionFailed,
    TrajectoryError,
    TransitionNotAllowed,
    UnknownEvent,
)
from trajectory.engine.violations import LANGUAGES
from trajectory.store.errors import ConcurrencyConflict, CorruptRecord, TrajectoryNotFound

__all__ = ["DEFAULT_LANGUAGE", "MESSAGES", "describe_error", "language", "message", "speaking"]

#: The language of the messages when a command is given no ``--lang``.
DEFAULT_LANGUAGE: Final = "nl"

_LANGUAGE: ContextVar[str] = ContextVar("trajectory_cli_language", default=DEFAULT_LANGUAGE)

#: The command line's messages by key, each in every language of :data:`LANGUAGES`.
MESSAGES: Final[Mapping[str, Mapping[str, str]]] = {
    "lang.unknown": {
        "en": "--lang must be {choices:or}, got `{value}`",
        "nl": "--lang moet {choices:or} zijn, niet `{value}`",
    },
    "at.format": {
        "en": "--at must be an ISO date or date-time such as `2024-10-01T14:30`, got `{value}`",
        "nl": "--at moet een ISO-datum of -datum-tijd zijn, zoals `2024-10-01T14:30`, "
        "niet `{value}`",
    },
    "at.range": {
        "en": "--at `{value}` lies beyond the times that can be recorded",
        "nl": "--at `{value}` ligt buiten de tijden die vastgelegd kunnen worden",
    },
    "at.before_last": {
        "en": "--at {moment:datetime} lies before the last event ({last:datetime})",
        "nl": "--at {moment:datetime} ligt vóór de laatste gebeurtenis ({last:datetime})",
    },
    "data.pair": {
        "en": "--data takes `key=value`, got `{value}`",
        "nl": "--data verwacht `sleutel=waarde`, niet `{value}`",
    },
    "data.twice": {
        "en": '--data gives `{key}` twice; give a list as JSON: `{key}=\'["a", "b"]\'`',
        "nl": '--data geeft `{key}` twee keer; geef een lijst als JSON: `{key}=\'["a", "b"]\'`',
    },
    "payload.both": {
        "en": "give the payload with --data or with --json-file, not both",
        "nl": "geef de gegevens met --data of met --json-file, niet met allebei",
    },
    "json_file.unreadable": {
        "en": "--json-file: cannot read `{path}`: {reason}",
        "nl": "--json-file: kan `{path}` niet lezen: {reason}",
    },
    "json_file.not_json": {
        "en": "--json-file: `{path}` is no JSON: {reason}",
        "nl": "--json-file: `{path}` is geen JSON: {reason}",
    },
    "json_file.too_deep": {
        "en": "--json-file: `{path}` is nested too deeply to be a payload",
        "nl": "--json-file: `{path}` is te diep genest voor gegevens van een gebeurtenis",
    },
    "json_file.not_object": {
        "en": "--json-file: `{path}` must hold a JSON object, got a JSON {kind}",
        "nl": "--json-file: `{path}` moet een JSON-object bevatten, geen JSON-{kind}",
    },
    "event.unknown": {
        "en": "unknown event `{event}`{hint} (`trajectory fields` lists the events)",
        "nl": "onbekende gebeurtenis `{event}`{hint} (`trajectory fields` noemt de gebeurtenissen)",
    },
    "event.did_you_mean": {
        "en": "; did you mean `{close}`?",
        "nl": "; bedoelt u `{close}`?",
    },
    "event.refused": {
        "en": "‘{event:event}’ refused in the state ‘{state:state}’: {violations}",
        "nl": "‘{event:event}’ geweigerd in de fase ‘{state:state}’: {violations}",
    },
    "event.not_allowed": {
        "en": "‘{event:event}’ cannot be taken in the state ‘{state:state}’, "
        "only in: {allowed:state or}",
        "nl": "‘{event:event}’ kan niet in de fase ‘{state:state}’, alleen in: {allowed:state or}",
    },
    "event.not_defined": {
        "en": "unknown event `{event}`; expected one of: {known:list}",
        "nl": "onbekende gebeurtenis `{event}`; bekend zijn: {known:list}",
    },
    "effect.failed": {
        "en": "processing ‘{event:event}’ in the state ‘{state:state}’ failed; nothing was changed",
        "nl": "het verwerken van ‘{event:event}’ in de fase ‘{state:state}’ is mislukt; "
        "er is niets veranderd",
    },
    "in_state": {"en": " in the state ‘{state:state}’", "nl": " in de fase ‘{state:state}’"},
    "listener.vetoed": {
        "en": "the listener `{listener}` stopped ‘{event:event}’{where}; nothing was changed",
        "nl": "de luisteraar `{listener}` hield ‘{event:event}’{where} tegen; "
        "er is niets veranderd",
    },
    "effect.failed_at_creation": {
        "en": "processing ‘{event:event}’ failed; nothing was changed",
        "nl": "het verwerken van ‘{event:event}’ is mislukt; er is niets veranderd",
    },
    "dependency.missing": {
        "en": "{package} is not installed: `pip install 'trajectory-lifecycle[{extra}]'`",
        "nl": "{package} is niet geïnstalleerd: `pip install 'trajectory-lifecycle[{extra}]'`",
    },
    "guard.failed": {
        "en": "the check `{guard}` of ‘{event:event}’ in the state ‘{state:state}’ failed; "
        "nothing was changed",
        "nl": "de controle `{guard}` van ‘{event:event}’ in de fase ‘{state:state}’ is mislukt; "
        "er is niets veranderd",
    },
    "trajectory.not_found": {
        "en": "no trajectory `{id}` in the store",
        "nl": "geen traject `{id}` in de opslag",
    },
    "trajectory.corrupt": {
        "en": "trajectory `{id}` is stored unreadably: {reason}",
        "nl": "traject `{id}` is onleesbaar opgeslagen: {reason}",
    },
    "trajectory.conflict": {
        "en": "trajectory `{id}` was saved by someone else meanwhile (version {actual:number}); "
        "nothing was written: try again",
        "nl": "traject `{id}` is intussen door iemand anders opgeslagen (versie {actual:number}); "
        "er is niets opgeslagen: probeer het opnieuw",
    },
    "trajectory.exists": {
        "en": "trajectory `{id}` already exists; nothing was written",
        "nl": "traject `{id}` bestaat al; er is niets opgeslagen",
    },
    "filter.blank": {
        "en": "{option} must not be blank",
        "nl": "{option} mag niet leeg zijn",
    },
    "state.unknown": {
        "en": "--state: unknown state `{state}`; states: {states:list}",
        "nl": "--state: onbekende toestand `{state}`; toestanden: {states:list}",
    },
    "number.whole": {
        "en": "{option} must be a whole number, got `{value}`",
        "nl": "{option} moet een geheel getal zijn, niet `{value}`",
    },
    "number.amount": {
        "en": "{option} must be an amount in euro such as `2120000`, got `{value}`",
        "nl": "{option} moet een bedrag in euro zijn, zoals `2120000`, niet `{value}`",
    },
    "number.minimum": {
        "en": "{option} must be at least {minimum:number}, got {value:number}",
        "nl": "{option} moet minstens {minimum:number} zijn, niet {value:number}",
    },
    "number.maximum": {
        "en": "{option} must be at most {maximum:number}, got {value:number}",
        "nl": "{option} mag hoogstens {maximum:number} zijn, niet {value:number}",
    },
}


def language() -> str:
    """The language of the messages of the command that runs now."""
    return _LANGUAGE.get()


@contextmanager
def speaking(lang: str) -> Iterator[None]:
    """Give the messages in ``lang`` (one of :data:`LANGUAGES`) inside the block."""
    if lang not in LANGUAGES:
        raise ValueError(f"no messages in {lang!r}")  # the command class checks --lang first
    token = _LANGUAGE.set(lang)
    try:
        yield
    finally:
        _LANGUAGE.reset(token)


def message(key: str, /, **fields: object) -> str:
    """The message ``key`` in the current language, ``fields`` filled in by the
    leertraject's wording (labels, amounts, dates and moments in Dutch time; see
    :mod:`trajectory.engine.wording`); what the user types is shown as code,
    between backticks."""
    from trajectory.ontwikkelkracht.labels import WORDING

    return WORDING.render(MESSAGES[key][language()], fields, language())


def describe_error(err: TrajectoryError) -> str:
    """What went wrong, in the current language where the error carries its parts;
    the library's own text otherwise."""
    lang = language()
    if isinstance(err, PreconditionFailed):
        violations = "; ".join(f"[{v.code}] {v.message(lang)}" for v in err.violations)
        return message("event.refused", event=err.event, state=err.state, violations=violations)
    if isinstance(err, TransitionNotAllowed):
        allowed = list(err.allowed_from)
        return message("event.not_allowed", event=err.event, state=err.state, allowed=allowed)
    if isinstance(err, UnknownEvent):
        known = [f"`{name}`" for name in sorted(err.known)]
        return message("event.not_defined", event=err.event, known=known)
    if isinstance(err, ListenerVetoed):
        where = "" if err.state is None else message("in_state", state=err.state)
        return message("listener.vetoed", listener=err.listener, event=err.event, where=where)
    if isinstance(err, EffectFailed):
        if err.state is None:
            return message("effect.failed_at_creation", event=err.event)
        return message("effect.failed", event=err.event, state=err.state)
    if isinstance(err, GuardFailed):
        return message("guard.failed", guard=err.guard, event=err.event, state=err.state)
    if isinstance(err, MissingDependency):
        return message("dependency.missing", package=err.package, extra=err.extra)
    if isinstance(err, TrajectoryNotFound):
        return message("trajectory.not_found", id=err.trajectory_id)
    if isinstance(err, CorruptRecord):
        return message("trajectory.corrupt", id=err.trajectory_id, reason=err.reason)
    if isinstance(err, ConcurrencyConflict):
        if err.expected == 0:
            return message("trajectory.exists", id=err.trajectory_id)
        return message("trajectory.conflict", id=err.trajectory_id, actual=err.actual)
    return str(err)
