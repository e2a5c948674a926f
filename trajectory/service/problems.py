"""Errors as RFC 9457 problem details, translated in one place.

Every error the service answers with is a JSON object of media type
``application/problem+json``: ``type`` (a URI under :data:`PROBLEM_BASE` naming the
kind of problem, stable for clients to branch on), ``title`` (the kind, in words, in
the language asked for), ``status``, ``detail`` (this occurrence) and, for a refusal by
the rules, ``violations``: every violation with its ``code``, ``figures``,
``location`` (the trajectory it belongs to when an action checks several, else
``null``) and ``message`` in the language of ``Accept-Language`` (Dutch unless
English is asked for).

:func:`problem_of` maps the library's exceptions to problems (as httpx's
``map_exceptions`` maps a transport's): the adapter's only translation of errors.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Final

from trajectory.engine.errors import InvalidData, PreconditionFailed, TransitionNotAllowed
from trajectory.engine.violations import Violation

__all__ = [
    "PROBLEM_BASE",
    "PROBLEM_MEDIA_TYPE",
    "PROBLEM_TYPES",
    "Problem",
    "language_of",
    "problem_of",
    "violation_document",
]

#: The base of every problem type's URI: ``{PROBLEM_BASE}refused`` and so on.
PROBLEM_BASE: Final = "https://trajectory.invalid/problems/"

#: The media type of a problem details document (RFC 9457).
PROBLEM_MEDIA_TYPE: Final = "application/problem+json"

#: Each problem type (the last part of its URI): its status and its title per language.
PROBLEM_TYPES: Final[Mapping[str, tuple[int, Mapping[str, str]]]] = {
    "malformed-request": (
        400,
        {"nl": "Het verzoek is geen geldige JSON.", "en": "The request is not valid JSON."},
    ),
    "invalid-query": (
        400,
        {
            "nl": "Een parameter van het verzoek klopt niet.",
            "en": "A parameter of the request does not fit.",
        },
    ),
    "unauthenticated": (
        401,
        {
            "nl": "Stuur een geldige sleutel mee.",
            "en": "Send a valid key.",
        },
    ),
    "forbidden": (
        403,
        {
            "nl": "Deze sleutel mag dit niet.",
            "en": "This key may not do this.",
        },
    ),
    "not-found": (404, {"nl": "Niet gevonden.", "en": "Not found."}),
    "unknown-event": (
        404,
        {
            "nl": "Deze gebeurtenis bestaat hier niet.",
            "en": "There is no such event here.",
        },
    ),
    "method-not-allowed": (
        405,
        {"nl": "Deze methode kan hier niet.", "en": "This method is not allowed here."},
    ),
    "not-acceptable": (
        406,
        {
            "nl": "Het antwoord is er alleen als JSON.",
            "en": "The response is available as JSON only.",
        },
    ),
    "conflict": (
        409,
        {
            "nl": "Tegelijk door een ander gewijzigd; probeer het opnieuw.",
            "en": "Changed by someone else at the same time; try again.",
        },
    ),
    "idempotency-key-in-use": (
        409,
        {
            "nl": "Een verzoek met deze Idempotency-Key is nog bezig.",
            "en": "A request with this Idempotency-Key is still at work.",
        },
    ),
    "stale-version": (
        412,
        {
            "nl": "De versie in If-Match is niet meer de huidige.",
            "en": "The version in If-Match is no longer the current one.",
        },
    ),
    "too-large": (
        413,
        {
            "nl": "De inhoud van het verzoek is te groot.",
            "en": "The request's content is too large.",
        },
    ),
    "unsupported-media-type": (
        415,
        {
            "nl": "Stuur de inhoud als application/json.",
            "en": "Send the content as application/json.",
        },
    ),
    "invalid-data": (
        422,
        {
            "nl": "De gegevens passen niet.",
            "en": "The data does not fit.",
        },
    ),
    "idempotency-key-reused": (
        422,
        {
            "nl": "Deze Idempotency-Key hoort bij een ander verzoek.",
            "en": "This Idempotency-Key belongs to another request.",
        },
    ),
    "refused": (
        422,
        {
            "nl": "Geweigerd door de regels.",
            "en": "Refused by the rules.",
        },
    ),
    "internal-error": (
        500,
        {
            "nl": "Er ging aan onze kant iets mis.",
            "en": "Something went wrong on our side.",
        },
    ),
}

_LANGUAGES: Final = ("nl", "en")
_DEFAULT_LANGUAGE: Final = "nl"


def language_of(accept_language: str | None) -> str:
    """The language to answer in for an ``Accept-Language`` header: the supported one
    (``nl`` or ``en``) the client prefers most, by quality, else Dutch.

    >>> language_of("en-GB,en;q=0.9,nl;q=0.8")
    'en'
    >>> language_of("de, en;q=0.5")
    'en'
    >>> language_of("fr")
    'nl'
    """
    if not accept_language:
        return _DEFAULT_LANGUAGE
    ranked: list[tuple[float, int, str]] = []
    for position, part in enumerate(accept_language.split(",")):
        tag, *parameters = (piece.strip() for piece in part.split(";"))
        quality = 1.0
        for parameter in parameters:
            name, _, value = parameter.partition("=")
            if name.strip().lower() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        primary = tag.split("-", 1)[0].lower()
        if primary in _LANGUAGES and quality > 0:
            ranked.append((-quality, position, primary))
    return min(ranked)[2] if ranked else _DEFAULT_LANGUAGE


class Problem(Exception):
    """A problem to answer with: its ``kind`` (a key of :data:`PROBLEM_TYPES`), its
    ``detail``, the ``violations`` of a refusal and ``extra`` members of the document.
    Raised inside the service's handlers and rendered by :meth:`document`."""

    def __init__(
        self,
        kind: str,
        detail: str,
        violations: Sequence[Violation] = (),
        extra: Mapping[str, Any] | None = None,
    ) -> None:
        if kind not in PROBLEM_TYPES:
            raise ValueError(f"no problem type {kind!r}")
        super().__init__(detail)
        self.kind = kind
        self.detail = detail
        self.violations = tuple(violations)
        self.extra = dict(extra or {})

    @property
    def status(self) -> int:
        """The HTTP status of the problem's type."""
        return PROBLEM_TYPES[self.kind][0]

    def document(self, lang: str, converter: Any) -> dict[str, Any]:
        """The problem details document, its titles and messages in ``lang``;
        ``converter`` writes the violations' figures as JSON."""
        status, titles = PROBLEM_TYPES[self.kind]
        document: dict[str, Any] = {
            "type": PROBLEM_BASE + self.kind,
            "title": titles[lang],
            "status": status,
            "detail": self.detail,
            **self.extra,
        }
        if self.kind == "refused":
            document["violations"] = [
                violation_document(violation, lang, converter) for violation in self.violations
            ]
        return document


def violation_document(violation: Violation, lang: str, converter: Any) -> dict[str, Any]:
    """A violation as JSON: its code, its figures, the trajectory it belongs to
    (``location``) and its message in ``lang``."""
    return {
        "code": violation.code,
        "figures": converter.unstructure(dict(violation.details)),
        "location": violation.location,
        "message": violation.message(lang),
    }


def problem_of(error: Exception) -> Problem | None:
    """The problem an exception of the library is, or ``None`` for an exception that is
    not a client's doing (the service answers those with ``internal-error``).

    The store's errors are imported here, on first use: a not-found id is a 404, a
    save that lost the race against another process a 409.
    """
    from trajectory.store.errors import ConcurrencyConflict, TrajectoryNotFound

    if isinstance(error, Problem):
        return error
    if isinstance(error, TrajectoryNotFound):
        return Problem("not-found", f"there is no trajectory {error.trajectory_id!r}")
    if isinstance(error, ConcurrencyConflict):
        return Problem("conflict", str(error))
    if isinstance(error, PreconditionFailed):
        return Problem(
            "refused",
            f"{error.event!r} refused in state {error.state!r}",
            error.violations,
            {"event": error.event, "state": error.state},
        )
    if isinstance(error, TransitionNotAllowed):
        return Problem("refused", str(error), (), {"event": error.event, "state": error.state})
    if isinstance(error, InvalidData):
        return Problem("invalid-data", str(error), (), {"field": error.field})
    return None
