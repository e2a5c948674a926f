"""The library's logging: structured events that stay quiet until the host asks.

trajectory logs with structlog: every fired event, accepted or refused, with the
bound keys ``trajectory_id``, ``event`` (the lifecycle event's name),
``from_state``, ``to_state`` and ``outcome``. A library must not print on its
own, and structlog left unconfigured prints every entry, coloured, on standard
output. So each entry goes

- to structlog, unchanged, once the host configured structlog
  (``structlog.configure``; ``structlog.testing.capture_logs`` configures it too);
- otherwise to the standard library's logger of the same name, as the entries of a
  library that logs with :mod:`logging`: the ``trajectory`` logger has a
  :class:`logging.NullHandler`, so a host that configured neither sees nothing, and
  a host that configured only :mod:`logging` sees the entries at the levels it
  chose (by default warnings and above).

The choice is made at every entry, so a host may configure logging after importing
trajectory (a host that configured structlog imported it; until then trajectory
does not import it either); as structlog itself does, a logger is kept once
structlog assembled it
under a configuration that caches loggers on first use
(``cache_logger_on_first_use=True``). Modules log through :func:`get_logger`, never
``structlog.get_logger``, and the library never configures either.

>>> import structlog
>>> from structlog.testing import capture_logs
>>> structlog.reset_defaults()  # structlog as a host leaves it that never configures it
>>> logger = get_logger("trajectory.example")
>>> logger.info("quiet")  # nothing is printed
>>> with capture_logs() as entries:
...     logger.info("heard", trajectory_id="t1")
>>> entries
[{'trajectory_id': 't1', 'event': 'heard', 'log_level': 'info'}]
>>> structlog.reset_defaults()  # capture_logs() left structlog configured
"""

from __future__ import annotations

import logging
import sys
from typing import Any, Final

__all__ = ["LibraryLogger", "get_logger", "qualified_name"]

#: The package's logger in the standard library; its NullHandler keeps it quiet.
PACKAGE: Final = __name__.partition(".")[0]
logging.getLogger(PACKAGE).addHandler(logging.NullHandler())


def _is_configured() -> bool:
    """Whether the host configured structlog (never true before it imported it)."""
    structlog = sys.modules.get("structlog")
    return structlog is not None and bool(structlog.is_configured())


def _get_config() -> dict[str, Any]:
    import structlog

    config: dict[str, Any] = structlog.get_config()
    return config


class _Pairs:
    """An entry's values as ``key=value`` text, made only when a handler shows it."""

    __slots__ = ("values",)

    def __init__(self, values: dict[str, Any]) -> None:
        self.values = values

    def __str__(self) -> str:
        return "".join(f" {key}={value!r}" for key, value in self.values.items())


class _Standard:
    """Entries for the standard library's logger: ``event key=value …`` at the
    entry's level, built only when the logger is enabled for it."""

    __slots__ = ("_context", "_logger")

    def __init__(self, logger: logging.Logger, context: dict[str, Any]) -> None:
        self._logger = logger
        self._context = context

    def _log(self, level: int, event: str, values: dict[str, Any], exc_info: bool) -> None:
        if self._logger.isEnabledFor(level):
            pairs = _Pairs({**self._context, **values})
            self._logger.log(level, "%s%s", event, pairs, exc_info=exc_info)

    def debug(self, event: str, **values: Any) -> None:
        self._log(logging.DEBUG, event, values, False)

    def info(self, event: str, **values: Any) -> None:
        self._log(logging.INFO, event, values, False)

    def warning(self, event: str, **values: Any) -> None:
        self._log(logging.WARNING, event, values, False)

    def error(self, event: str, **values: Any) -> None:
        self._log(logging.ERROR, event, values, False)

    def exception(self, event: str, **values: Any) -> None:
        self._log(logging.ERROR, event, values, True)


class LibraryLogger:
    """A logger of the library: structlog's when the host configured structlog,
    else the standard library's (see the module's documentation).

    ``bind(**values)`` gives the logger to log to now, as structlog's
    ``logger.bind()`` does; ``debug``, ``info``, ``warning``, ``error`` and
    ``exception`` (with the exception being handled) log through it.
    """

    __slots__ = ("_cached", "_standard", "_structured", "_uncached")

    def __init__(self, name: str) -> None:
        self._structured: Any = None  # structlog's proxy, made once structlog is configured
        self._standard = _Standard(logging.getLogger(name), {})
        self._cached: Any = None  # structlog's logger, once structlog caches it
        self._uncached = False  # the host's configuration does not cache loggers

    @property
    def name(self) -> str:
        """The logger's name (the module's ``__name__``)."""
        return self._standard._logger.name

    def bind(self, **values: Any) -> Any:
        """The logger to log to now, with ``values`` bound: structlog's when the host
        configured structlog, else one for the standard library's logger."""
        cached = self._cached
        if cached is not None:  # fire's path: the usual answer first
            return cached.bind(**values) if values else cached
        if _is_configured():
            if self._structured is None:
                import structlog

                self._structured = structlog.get_logger(self.name)
            bound = self._structured.bind()
            if not self._uncached:
                if _get_config()["cache_logger_on_first_use"]:
                    self._cached = bound  # as structlog's own proxy keeps it
                else:
                    self._uncached = True
            return bound.bind(**values) if values else bound
        if values:
            return _Standard(self._standard._logger, values)
        return self._standard

    def debug(self, event: str, **values: Any) -> None:
        """Log ``event`` at level debug, with ``values`` as the entry's keys."""
        self.bind().debug(event, **values)

    def info(self, event: str, **values: Any) -> None:
        """Log ``event`` at level info, with ``values`` as the entry's keys."""
        self.bind().info(event, **values)

    def warning(self, event: str, **values: Any) -> None:
        """Log ``event`` at level warning."""
        self.bind().warning(event, **values)

    def error(self, event: str, **values: Any) -> None:
        """Log ``event`` at level error."""
        self.bind().error(event, **values)

    def exception(self, event: str, **values: Any) -> None:
        """Log ``event`` at level error with the exception being handled."""
        self.bind().exception(event, **values)

    def __repr__(self) -> str:
        return f"<LibraryLogger {self.name}>"


def get_logger(name: str) -> LibraryLogger:
    """The library's logger for the module ``name`` (pass ``__name__``)."""
    return LibraryLogger(name)


def qualified_name(function: object) -> str:
    """How a log entry names a callable (a listener, a subscriber): its module and
    qualified name, or its class's name when it has none; never its arguments or state.

    >>> qualified_name(qualified_name)
    'trajectory.engine.logs.qualified_name'
    """
    name = getattr(function, "__qualname__", None)
    module = getattr(function, "__module__", None)
    if not isinstance(name, str):
        return type(function).__qualname__
    return f"{module}.{name}" if isinstance(module, str) else name
