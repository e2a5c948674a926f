"""Names a package gives on first use (PEP 562), so that importing it stays cheap.

>>> import types
>>> module = types.ModuleType("example")
>>> module.__getattr__, module.__dir__ = lazy_names(vars(module), {"dedent": "textwrap"})
>>> module.dedent("  x")
'x'
>>> "dedent" in dir(module)
True
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping, MutableMapping
from typing import Any

__all__ = ["lazy_names"]


def lazy_names(
    namespace: MutableMapping[str, Any], names: Mapping[str, str]
) -> tuple[Callable[[str], Any], Callable[[], list[str]]]:
    """A module's ``__getattr__`` and ``__dir__`` giving each of ``names`` (name → the
    module it is imported from) on first use; the name is then kept in ``namespace``
    (the module's globals), so it is imported once."""

    def get(name: str) -> Any:
        module = names.get(name)
        if module is None:
            raise AttributeError(f"module {namespace.get('__name__')!r} has no attribute {name!r}")
        value = getattr(importlib.import_module(module), name)
        namespace[name] = value
        return value

    def listed() -> list[str]:
        return sorted({*namespace, *names})

    return get, listed
