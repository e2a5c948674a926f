"""The command classes: what every command of the command line does alike.

- Every error of the library (a :class:`~trajectory.TrajectoryError`) that a command
  meets becomes one line on stderr, ``error: …``, in the command's ``--lang`` where a
  translation exists, and an exit code (:class:`ExitCode`); never a traceback.
- Every required argument and option that is missing is reported in one message.
- A flag is shown as a flag in ``--help`` (no ``<bool>`` value after it).
- ``--help`` ends with the exit codes.
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
from typing import Any, Final

import typer
from typer.core import TyperCommand, TyperGroup

from trajectory.cli._messages import DEFAULT_LANGUAGE, describe_error, message, speaking
from trajectory.cli._output import print_error
from trajectory.engine.errors import InvalidData, TrajectoryError
from trajectory.engine.violations import LANGUAGES

__all__ = ["EXIT_CODES", "ExitCode", "TrajectoryCommand", "TrajectoryGroup", "exit_code"]


class ExitCode(enum.IntEnum):
    """What the exit code of a command says."""

    DONE = 0
    """The command did what it was asked."""
    REFUSED = 1
    """The rules or the store refused the operation; nothing was changed."""
    USAGE = 2
    """A usage error, or input that does not fit; nothing was changed."""


#: The exit codes, as ``--help`` ends with them.
EXIT_CODES: Final = (
    "Exit codes: 0 done; 1 refused by the rules or the store (an event refused or not "
    "allowed now, no such trajectory, no store at --db), nothing changed; 2 a usage "
    "error or input that does not fit, nothing changed."
)


def exit_code(err: TrajectoryError) -> ExitCode:
    """The exit code for ``err``: input that does not fit is a usage error, every other
    error of the library a refusal."""
    return ExitCode.USAGE if isinstance(err, InvalidData) else ExitCode.REFUSED


def _flags_as_flags(params: Sequence[Any]) -> None:
    """A flag takes no value: show none (typer 0.29 shows ``<bool>``)."""
    for param in params:
        if getattr(param, "is_flag", False) and not getattr(param, "count", False):
            param.metavar = ""


def _named(param: Any) -> str:
    if param.param_type_name == "argument":
        return f"'{param.metavar or param.name.upper()}'"
    return f"'{param.opts[0]}'"


def _listed(names: Sequence[str]) -> str:
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"


def missing_message(missing: Sequence[Any]) -> str:
    """``Missing arguments 'ID' and 'EVENT'.``, ``Missing options '--name' and '--brin'.``"""
    pieces = []
    for kind in ("argument", "option"):
        names = [_named(param) for param in missing if param.param_type_name == kind]
        if names:
            pieces.append(f"{kind}{'s' if len(names) > 1 else ''} {_listed(names)}")
    return f"Missing {' and '.join(pieces)}."


class _Shown:
    """What the group and every command show alike: the exit codes in ``--help``'s
    epilog, and flags as flags."""

    def __init__(self, *args: Any, epilog: str | None = None, **kwargs: Any) -> None:
        super().__init__(*args, epilog=epilog or EXIT_CODES, **kwargs)  # type: ignore[call-arg]

    def get_params(self, ctx: Any) -> list[Any]:
        params: list[Any] = super().get_params(ctx)  # type: ignore[misc]
        _flags_as_flags(params)
        return params


class TrajectoryCommand(_Shown, TyperCommand):
    """A command of ``trajectory``: see the module docs."""

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        if not ctx.resilient_parsing:
            missing = self._missing(ctx, args)
            if missing:
                ctx.fail(missing_message(missing))
        result: list[str] = super().parse_args(ctx, args)
        return result

    def _missing(self, ctx: Any, args: Sequence[str]) -> list[Any]:
        """The required parameters that ``args`` leave out (none when it asks for help or
        cannot be parsed: the parser then says what is wrong)."""
        params = self.get_params(ctx)
        try:
            given, _, _ = self.make_parser(ctx).parse_args(args=list(args))
        except Exception:  # a usage error, which parse_args reports itself
            return []
        help_option = self.get_help_option(ctx)
        if help_option is not None and given.get(help_option.name):
            return []
        return [
            param for param in params if param.required and given.get(param.name) in (None, (), [])
        ]

    def invoke(self, ctx: Any) -> Any:
        lang = ctx.params.get("lang", DEFAULT_LANGUAGE)
        if lang not in LANGUAGES:
            with speaking("en"):
                print_error(message("lang.unknown", choices=list(LANGUAGES), value=lang))
            raise typer.Exit(ExitCode.USAGE)
        with speaking(lang):
            try:
                return super().invoke(ctx)
            except TrajectoryError as err:
                print_error(describe_error(err))
                raise typer.Exit(exit_code(err)) from None


class TrajectoryGroup(_Shown, TyperGroup):
    """The ``trajectory`` group: flags shown as flags, the exit codes in ``--help``."""
