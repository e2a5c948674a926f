"""Tests of the example programmes in examples/, loaded from their files."""

from __future__ import annotations

import contextlib
import importlib.util
import io
import re
import sys
from pathlib import Path
from types import ModuleType
from typing import Final

import structlog

EXAMPLES: Final = Path(__file__).resolve().parent.parent.parent / "examples"


def load_example(name: str) -> ModuleType:
    """The module ``examples/<name>.py``, imported once (its ``main()`` not run), as when
    it runs as a script: with its folder on the path, for the modules beside it."""
    if str(EXAMPLES) not in sys.path:
        sys.path.append(str(EXAMPLES))
    module_name = f"trajectory_example_{name}"
    loaded = sys.modules.get(module_name)
    if loaded is not None:
        return loaded
    spec = importlib.util.spec_from_file_location(module_name, EXAMPLES / f"{name}.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[module_name] = module
    spec.loader.exec_module(module)
    return module


DOCS: Final = EXAMPLES.parent / "docs" / "examples"
_FENCE: Final = re.compile(r"^```(?P<lang>\w+)\n(?P<body>.*?)^```$", re.MULTILINE | re.DOTALL)


def fenced(page: str, lang: str) -> list[str]:
    """The bodies of the ```lang blocks of ``docs/examples/<page>``."""
    text = (DOCS / page).read_text(encoding="utf-8")
    return [found["body"] for found in _FENCE.finditer(text) if found["lang"] == lang]


def output_of(module: ModuleType) -> str:
    """What the example's ``main()`` prints; the logging configuration it sets is undone."""
    saved = structlog.get_config()
    buffer = io.StringIO()
    try:
        with contextlib.redirect_stdout(buffer):
            module.main()
    finally:
        structlog.configure(**saved)
    return buffer.getvalue()
