"""Which transitions and which violation codes a test run exercised.

A :class:`CoverageRecorder` counts, for one lifecycle (the leertraject by default):

- every **accepted** event, as the transition it took: a
  :class:`~trajectory.engine.paths.Step` ``(source, event, target)``;
- every **refused** event, by the codes of its violations (``transition.not_allowed``
  for an event that does not leave the current state).

Its :meth:`~CoverageRecorder.report` sets them against every transition of the
lifecycle (:func:`trajectory.engine.paths.transitions`) and every violation code it
reports itself (:func:`own_codes`): what was covered, what is missing, percentages,
and a text rendering.

**Per lifecycle.** The Ontwikkelkracht programme's leertraject and application share
one registry of violation types (``lifecycle.violations`` holds both), but each
reports its own: the leertraject's report lists the leertraject's codes only, the
application's its own (those of
:data:`~trajectory.ontwikkelkracht.violations.APPLICATION_VIOLATIONS`, the engine's,
and the leertraject's codes its guards report too, such as ``window.closed``). The
ledger has a registry of its own. Refusals the :class:`~trajectory.Office` raises
itself (``order_of_receipt.earlier_pending``, ``budget.exhausted`` on a grant) do not
pass through a lifecycle's listeners: count them with
:meth:`~CoverageRecorder.record_refusal`.

**How it records.** While a recorder records (``with recorder:``, or
:meth:`~CoverageRecorder.start` and :meth:`~CoverageRecorder.stop`), it is a listener
of its lifecycle (:meth:`~trajectory.Lifecycle.listen`): told of every accepted and
every refused event. So every trajectory of the lifecycle is seen — those a test makes
itself, those ``make_trajectory`` and the
:class:`~trajectory.ontwikkelkracht.walker.Walker` build, those loaded from a store —
whatever the logging configuration; ``fire`` itself is not touched. Stopping removes
the listener.

Events fired where no recorder runs (another process, before recording started) can be
added from their history with :meth:`~CoverageRecorder.record_history`, refusals
with :meth:`~CoverageRecorder.record_refusal`.

>>> from structlog.testing import capture_logs
>>> from trajectory import TransitionNotAllowed
>>> from trajectory.ontwikkelkracht.walker import Walker
>>> with CoverageRecorder() as recorder, capture_logs():
...     walker = Walker.start(seed=1)
...     _ = walker.walk_to("granted")
...     try:
...         walker.fire("settle")
...     except TransitionNotAllowed:
...         pass
>>> report = recorder.report()
>>> Step("application_submitted", "grant", "granted") in report.covered_transitions
True
>>> report.covered_codes
('transition.not_allowed',)
>>> print(report.render())  # doctest: +ELLIPSIS
Coverage of ontwikkelkracht.leertraject: 7.3% (8 of 109)
  transitions      7 of 71 (9.9%)
  violation codes  1 of 38 (2.6%)
<BLANKLINE>
Transitions not taken (64):
  orientation_held --decline--> not_pursued
...
"""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from types import TracebackType
from typing import Any, Final

import attrs

from trajectory.engine.definition import Lifecycle
from trajectory.engine.errors import PreconditionFailed, TrajectoryError, TransitionNotAllowed
from trajectory.engine.history import Event
from trajectory.engine.listeners import Refusal
from trajectory.engine.paths import Step, transitions
from trajectory.engine.runtime import Trajectory
from trajectory.engine.violations import ENGINE_VIOLATIONS, TRANSITION_NOT_ALLOWED

__all__ = ["CoverageRecorder", "CoverageReport", "Step", "own_codes"]


def own_codes(lifecycle: Lifecycle[Any]) -> tuple[str, ...]:
    """The violation codes ``lifecycle`` reports itself, in declaration order.

    For the leertraject and the application of the Ontwikkelkracht programme, which
    share the programme's registry: the leertraject's codes without the application's
    own (:data:`~trajectory.ontwikkelkracht.violations.APPLICATION_CODES`), and the
    application's own with the engine's and the leertraject's codes its guards report
    (:data:`APPLICATION_SHARED`). For any other lifecycle: every code it declares
    (``lifecycle.violations``).

    >>> from trajectory.ontwikkelkracht import programme
    >>> "window.closed" in own_codes(programme().application)
    True
    >>> "objection.late" in own_codes(programme().leertraject)
    False
    """
    declared = tuple(lifecycle.violations)
    from trajectory.ontwikkelkracht.lifecycle import LIFECYCLE
    from trajectory.ontwikkelkracht.violations import APPLICATION_CODES

    if lifecycle.name == LIFECYCLE.name:
        return tuple(code for code in declared if code not in APPLICATION_CODES)
    if lifecycle.name == _APPLICATION:
        mine = APPLICATION_CODES | APPLICATION_SHARED | set(ENGINE_VIOLATIONS)
        return tuple(code for code in declared if code in mine)
    return declared


#: The name of the programme's application lifecycle.
_APPLICATION: Final = "ontwikkelkracht.application"
#: The leertraject's codes that the application's guards report too (on its own
#: events: the moment of receipt, the window, the completion's deadline, a reason).
APPLICATION_SHARED: Final = frozenset(
    {
        "date.in_future",
        "reason.missing",
        "receipt.in_future",
        "window.closed",
        "completion.deadline_invalid",
        "completion.deadline_passed",
        "completion.deadline_not_passed",
    }
)


def _percent(part: int, whole: int) -> float:
    return 100.0 if whole == 0 else round(100.0 * part / whole, 1)


@attrs.frozen
class CoverageReport:
    """What a recorder saw, set against everything its lifecycle defines.

    ``transition_counts`` and ``code_counts`` hold how often each transition was taken
    and each code was met (only those seen).
    """

    lifecycle: str
    transitions: tuple[Step, ...]
    codes: tuple[str, ...]
    transition_counts: Mapping[Step, int]
    code_counts: Mapping[str, int]

    @property
    def covered_transitions(self) -> tuple[Step, ...]:
        """The lifecycle's transitions that were taken, in definition order."""
        return tuple(step for step in self.transitions if self.transition_counts.get(step))

    @property
    def missing_transitions(self) -> tuple[Step, ...]:
        """The lifecycle's transitions never taken, in definition order."""
        return tuple(step for step in self.transitions if not self.transition_counts.get(step))

    @property
    def covered_codes(self) -> tuple[str, ...]:
        """The lifecycle's violation codes that refused an event, in declaration order."""
        return tuple(code for code in self.codes if self.code_counts.get(code))

    @property
    def missing_codes(self) -> tuple[str, ...]:
        """The lifecycle's violation codes never met, in declaration order."""
        return tuple(code for code in self.codes if not self.code_counts.get(code))

    @property
    def unknown_transitions(self) -> tuple[Step, ...]:
        """Transitions seen that the lifecycle does not define (from a foreign history)."""
        known = set(self.transitions)
        return tuple(sorted(step for step in self.transition_counts if step not in known))

    @property
    def unknown_codes(self) -> tuple[str, ...]:
        """Codes seen that the lifecycle does not declare."""
        known = set(self.codes)
        return tuple(sorted(code for code in self.code_counts if code not in known))

    @property
    def transition_percent(self) -> float:
        """The share of the transitions taken, in percent (one decimal)."""
        return _percent(len(self.covered_transitions), len(self.transitions))

    @property
    def code_percent(self) -> float:
        """The share of the violation codes met, in percent (one decimal)."""
        return _percent(len(self.covered_codes), len(self.codes))

    @property
    def percent(self) -> float:
        """Transitions and codes together, in percent (one decimal)."""
        covered = len(self.covered_transitions) + len(self.covered_codes)
        return _percent(covered, len(self.transitions) + len(self.codes))

    @property
    def complete(self) -> bool:
        """Whether every transition was taken and every code met."""
        return not self.missing_transitions and not self.missing_codes

    def as_dict(self) -> dict[str, Any]:
        """The report as JSON-friendly data."""

        def step(s: Step) -> dict[str, str]:
            return {"source": s.source, "event": s.event, "target": s.target}

        return {
            "lifecycle": self.lifecycle,
            "percent": self.percent,
            "transitions": {
                "total": len(self.transitions),
                "covered": [
                    {**step(s), "count": self.transition_counts[s]}
                    for s in self.covered_transitions
                ],
                "missing": [step(s) for s in self.missing_transitions],
                "percent": self.transition_percent,
            },
            "violation_codes": {
                "total": len(self.codes),
                "covered": {code: self.code_counts[code] for code in self.covered_codes},
                "missing": list(self.missing_codes),
                "percent": self.code_percent,
            },
        }

    def render(self, *, covered: bool = False) -> str:
        """A text rendering: the totals, then what is missing (and with ``covered``,
        what was seen and how often)."""
        n_steps, n_codes = len(self.covered_transitions), len(self.covered_codes)
        width = len(str(max(len(self.transitions), len(self.codes))))
        lines = [
            f"Coverage of {self.lifecycle}: {self.percent}% "
            f"({n_steps + n_codes} of {len(self.transitions) + len(self.codes)})",
            f"  transitions     {n_steps:>{width}} of {len(self.transitions)} "
            f"({self.transition_percent}%)",
            f"  violation codes {n_codes:>{width}} of {len(self.codes)} ({self.code_percent}%)",
        ]

        def arrow(s: Step) -> str:
            return f"{s.source} --{s.event}--> {s.target}"

        def section(title: str, items: list[str]) -> None:
            if items:
                lines.extend(["", f"{title} ({len(items)}):", *(f"  {item}" for item in items)])

        section("Transitions not taken", [arrow(s) for s in self.missing_transitions])
        section("Violation codes not met", list(self.missing_codes))
        if covered:
            counts = [*self.transition_counts.values(), *self.code_counts.values(), 1]
            count_width = len(str(max(counts)))
            section(
                "Transitions taken",
                [
                    f"{self.transition_counts[s]:>{count_width}}  {arrow(s)}"
                    for s in self.covered_transitions
                ],
            )
            section(
                "Violation codes met",
                [f"{self.code_counts[code]:>{count_width}}  {code}" for code in self.covered_codes],
            )
        section(
            "Transitions the lifecycle does not define",
            [arrow(s) for s in self.unknown_transitions],
        )
        section("Codes the lifecycle does not declare", list(self.unknown_codes))
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.render()


class CoverageRecorder:
    """Records the transitions taken and the violation codes met by the trajectories
    of ``lifecycle`` (default: the leertraject) while it records.

    ``codes`` replaces the violation codes the report counts against (default: the
    lifecycle's own, :func:`own_codes`).

    Use it as a context manager, or call :meth:`start` and :meth:`stop`; several
    recorders may record at once (each sees every event of its lifecycle). A
    session-wide report with pytest, in a ``conftest.py``::

        import pytest
        from trajectory.testing.coverage import CoverageRecorder

        @pytest.fixture(scope="session", autouse=True)
        def lifecycle_coverage():
            with CoverageRecorder() as recorder:
                yield recorder
            print(recorder.report().render())
    """

    def __init__(
        self, lifecycle: Lifecycle[Any] | None = None, *, codes: Iterable[str] | None = None
    ) -> None:
        if lifecycle is None:
            from trajectory.ontwikkelkracht.lifecycle import LIFECYCLE

            lifecycle = LIFECYCLE
        self.lifecycle: Lifecycle[Any] = lifecycle
        #: The violation codes the report sets the codes met against: ``codes`` in the
        #: order given, or the lifecycle's own (:func:`own_codes`).
        self.codes: tuple[str, ...] = (
            own_codes(lifecycle) if codes is None else tuple(dict.fromkeys(codes))
        )
        self._transitions = transitions(lifecycle)
        self._steps: Counter[Step] = Counter()
        self._codes: Counter[str] = Counter()
        self._lock = threading.Lock()
        self._unlisten: Callable[[], None] | None = None

    # -- recording ----------------------------------------------------------------------

    @property
    def recording(self) -> bool:
        """Whether the recorder is recording now."""
        return self._unlisten is not None

    def start(self) -> None:
        """Start recording every fire of the lifecycle's trajectories."""
        if self._unlisten is not None:
            raise RuntimeError("the recorder is recording already")
        self._unlisten = self.lifecycle.listen(after=self._accepted, refused=self._refused)

    def stop(self) -> None:
        """Stop recording (what was recorded stays)."""
        unlisten, self._unlisten = self._unlisten, None
        if unlisten is not None:
            unlisten()

    def _accepted(self, trajectory: Trajectory[Any], event: Event, /) -> None:
        self.record_event(event)

    def _refused(self, trajectory: Trajectory[Any], refusal: Refusal, /) -> None:
        self.record_codes(refusal.codes)

    def __enter__(self) -> CoverageRecorder:
        self.start()
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()

    def record_event(self, event: Event) -> None:
        """Count an accepted event as the transition it took (a creation is none)."""
        if event.from_state is None:
            return
        with self._lock:
            self._steps[Step(event.from_state, event.name, event.to_state)] += 1

    def record_history(self, history: Iterable[Event]) -> None:
        """Count the transitions of a history (a trajectory that was not watched)."""
        for event in history:
            self.record_event(event)

    def record_codes(self, codes: Iterable[str]) -> None:
        """Count violation codes that refused an event."""
        with self._lock:
            self._codes.update(codes)

    def record_refusal(self, error: TrajectoryError) -> None:
        """Count the codes of a refusal: a :class:`~trajectory.PreconditionFailed`'s
        violations, ``transition.not_allowed`` for a
        :class:`~trajectory.TransitionNotAllowed`; other errors carry no code."""
        self.record_codes(_codes_of(error))

    def reset(self) -> None:
        """Forget what was recorded."""
        with self._lock:
            self._steps.clear()
            self._codes.clear()

    # -- reporting ----------------------------------------------------------------------

    def report(self) -> CoverageReport:
        """What was recorded so far, against everything the lifecycle defines."""
        with self._lock:
            steps, codes = dict(self._steps), dict(self._codes)
        return CoverageReport(
            lifecycle=self.lifecycle.name,
            transitions=self._transitions,
            codes=self.codes,
            transition_counts=steps,
            code_counts=codes,
        )

    def __repr__(self) -> str:
        state = "recording" if self.recording else "stopped"
        return f"<CoverageRecorder of {self.lifecycle.name!r}: {state}>"


def _codes_of(error: BaseException) -> list[str]:
    if isinstance(error, PreconditionFailed):
        return [violation.code for violation in error.violations]
    if isinstance(error, TransitionNotAllowed):
        return [TRANSITION_NOT_ALLOWED.code]
    return []
