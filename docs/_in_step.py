"""What the scripts that generate a page of the documentation share: write the page,
or with ``--check`` only say whether it is in step."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path


def write_or_check(
    target: Path, current: str, wanted: str, argv: Sequence[str], *, script: str
) -> int:
    """Write ``wanted`` to ``target``; with ``--check`` in ``argv``, write nothing and
    return 1 when ``current`` (what ``target`` holds now) is not ``wanted``, saying to
    run ``docs/<script>``."""
    if "--check" in argv:
        if current != wanted:
            print(f"{target} is out of step; run: python docs/{script}")
            return 1
        return 0
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(wanted, encoding="utf-8")
    return 0
