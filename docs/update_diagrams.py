"""Put the leertraject's state diagram, generated from its definition, into the pages.

The first ```mermaid block of each page in :data:`PAGES` is replaced by
``trajectory.diagram(LIFECYCLE)``::

    python docs/update_diagrams.py          # rewrite the blocks
    python docs/update_diagrams.py --check  # exit 1 when a page is out of step

``tests/test_docs.py`` fails when a page's diagram differs from the generated one.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Final

from trajectory import diagram
from trajectory.ontwikkelkracht import LIFECYCLE

ROOT: Final = Path(__file__).resolve().parent.parent
#: The pages that show the leertraject's diagram.
PAGES: Final = (ROOT / "README.md", ROOT / "docs" / "concepts.md")
MERMAID: Final = re.compile(r"^```mermaid\n(.*?)^```", re.MULTILINE | re.DOTALL)


def update(text: str) -> str:
    """``text`` with its first Mermaid block replaced by the generated diagram."""
    if not MERMAID.search(text):
        raise SystemExit("update_diagrams.py: a page has no ```mermaid block")
    return MERMAID.sub(lambda _: f"```mermaid\n{diagram(LIFECYCLE)}```", text, count=1)


def main(argv: Sequence[str] = ()) -> int:
    """Rewrite the blocks; with ``--check``, only say whether they are in step."""
    stale = [page for page in PAGES if update(page.read_text("utf-8")) != page.read_text("utf-8")]
    if "--check" in argv:
        for page in stale:
            print(f"{page} is out of step; run: python docs/update_diagrams.py")
        return 1 if stale else 0
    for page in stale:
        page.write_text(update(page.read_text("utf-8")), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
