"""A Griffe extension: the package's reStructuredText docstrings as Markdown.

The docstrings of ``trajectory`` are written for ``help()`` and doctest, in the
reStructuredText manner. mkdocstrings renders Markdown, so before rendering this
extension rewrites, in every docstring of the loaded package:

- a cross-reference role (``:class:`~trajectory.ManualClock```, ``:func:`replay```,
  ``:meth:`~Store.save```) into a mkdocstrings cross-reference (``[`ManualClock`][
  trajectory.ManualClock]``), the name resolved in the scope of the object the
  docstring belongs to; a name that cannot be resolved stays code (`` `name` ``);
- a run of doctest lines (``>>>``, ``...`` and their output) into a ``pycon`` code block;
- a paragraph ending in ``::`` (a literal block follows) into one ending in ``:``.

``mkdocs build --strict`` then fails on a cross-reference whose target the site does not
render. mkdocs.yml loads this file (``extensions: [docs/griffe_sphinx_roles.py]``).
"""

from __future__ import annotations

import re
from typing import Any, Final

import griffe

ROLE: Final = re.compile(r":(?:py:)?(?:class|func|meth|mod|data|attr|exc|obj):`(?P<target>[^`]+)`")
_DOCTEST: Final = re.compile(r"^(?P<indent>\s*)>>>( |$)")


def _target(obj: griffe.Object, name: str) -> str | None:
    """The full path of ``name`` as seen from ``obj``, or None when it is not found."""
    head, _, rest = name.partition(".")
    candidates = []
    if name.startswith("trajectory."):
        candidates.append(name)
    for scope in (obj, *_parents(obj)):
        try:
            resolved = scope.resolve(head)
        except (griffe.NameResolutionError, AttributeError, KeyError):
            continue
        candidates.append(f"{resolved}.{rest}" if rest else resolved)
        break
    for candidate in candidates:
        try:
            obj.modules_collection.get_member(candidate)
        except (KeyError, ValueError, griffe.AliasResolutionError, griffe.CyclicAliasError):
            continue
        return candidate
    return None


def _parents(obj: griffe.Object) -> list[griffe.Object]:
    parents: list[griffe.Object] = []
    parent = obj.parent
    while parent is not None:
        parents.append(parent)
        parent = parent.parent
    return parents


def roles_to_references(obj: griffe.Object, text: str) -> str:
    """Rewrite every cross-reference role of ``text`` as seen from ``obj``."""

    def replace(match: re.Match[str]) -> str:
        name = match["target"].strip()
        short = name.startswith("~")
        name = name.lstrip("~.")
        title = name.rsplit(".", 1)[-1] if short else name
        target = _target(obj, name)
        return f"[`{title}`][{target}]" if target else f"`{title}`"

    return ROLE.sub(replace, text)


def doctests_to_blocks(text: str) -> str:
    """Fence every run of doctest lines as ``pycon``; turn ``::`` paragraphs into ``:``.

    >>> doctests_to_blocks("A clock:\\n>>> clock()\\n'now'\\n\\nRun it::").splitlines()
    ['A clock:', '', '```pycon', '>>> clock()', "'now'", '```', '', 'Run it:']
    """
    lines = text.splitlines()
    out: list[str] = []
    index = 0
    while index < len(lines):
        line = lines[index]
        start = _DOCTEST.match(line)
        if start is None:
            if line.rstrip().endswith("::") and not line.strip().startswith(".."):
                line = line.rstrip()[:-1]
            out.append(line)
            index += 1
            continue
        indent = start["indent"]
        if out and out[-1].strip():
            out.append("")
        out.append(f"{indent}```pycon")
        while index < len(lines) and lines[index].strip():
            out.append(lines[index])
            index += 1
        out.append(f"{indent}```")
    return "\n".join(out)


class SphinxRoles(griffe.Extension):
    """Rewrite the docstrings of a loaded package for Markdown (see the module)."""

    def on_package(self, *, pkg: griffe.Module, **kwargs: Any) -> None:
        """Rewrite every docstring of the package, once it is loaded whole."""
        self._rewrite(pkg, seen=set())

    def _rewrite(self, obj: griffe.Object, seen: set[str]) -> None:
        if obj.path in seen:
            return
        seen.add(obj.path)
        if obj.docstring is not None:
            value = doctests_to_blocks(obj.docstring.value)
            obj.docstring.value = roles_to_references(obj, value)
        for member in obj.members.values():
            if not member.is_alias:
                self._rewrite(member, seen)  # type: ignore[arg-type]
