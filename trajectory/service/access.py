"""Access by role: what a credential may see and do (SPEC §9).

The programme office (``office``) may do everything; an ``auditor`` reads everything
and changes nothing. A school board (``board``) sees its own leertrajects and
applications only, an expert school (``expert_school``) the leertrajects of its
offers only; what each may change is data (``trajectory/service/data/roles.toml``,
an assumption: ``confirmed = false``). A trajectory a credential may not see is
answered as one that does not exist (404), so that a denied request learns nothing;
an operation its role may not do on what it sees is a 403.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

import attrs

from trajectory.engine.errors import DefinitionError
from trajectory.service.credentials import Credential
from trajectory.service.openapi import APPLICATION_ACTIONS as OFFICE_ACTIONS

__all__ = ["Policy", "RolePolicy", "load_policy", "sees"]

#: The Office's actions on applications a role may be given (``new`` makes one).
APPLICATION_ACTIONS: Final = ("new", *(action for action, *_ in OFFICE_ACTIONS))


@attrs.frozen
class RolePolicy:
    """What a role other than the office and the auditor may change."""

    events: frozenset[str] = frozenset()
    application_actions: frozenset[str] = frozenset()
    creates_trajectories: bool = False


@attrs.frozen
class Policy:
    """Who may do what: the office everything, the auditor nothing but reading, the
    other roles what ``roles`` says."""

    roles: Mapping[str, RolePolicy]
    confirmed: bool
    source: str

    def _of(self, who: Credential) -> RolePolicy:
        return self.roles.get(who.role, RolePolicy())

    def may_fire(self, who: Credential | None, event: str) -> bool:
        """Whether ``who`` may fire ``event`` on a leertraject it sees."""
        return who is None or who.role == "office" or event in self._of(who).events

    def may_act(self, who: Credential | None, action: str) -> bool:
        """Whether ``who`` may do the Office's ``action`` on an application it sees."""
        return who is None or who.role == "office" or action in self._of(who).application_actions

    def may_create(self, who: Credential | None) -> bool:
        """Whether ``who`` may start leertrajects (of what it sees)."""
        return who is None or who.role == "office" or self._of(who).creates_trajectories

    @staticmethod
    def reads_everything(who: Credential | None) -> bool:
        """Whether ``who`` sees every trajectory, round and ledger."""
        return who is None or who.role in ("office", "auditor")


def load_policy(lifecycle_events: frozenset[str], text: str | None = None) -> Policy:
    """The policy in ``text`` (default: the shipped ``roles.toml``), checked against
    the leertraject's events: a name it does not define is a :class:`DefinitionError`."""
    import tomllib

    if text is None:
        from importlib import resources

        text = (resources.files("trajectory.service.data") / "roles.toml").read_text("utf-8")
    document: dict[str, Any] = tomllib.loads(text)
    roles: dict[str, RolePolicy] = {}
    for role, given in document.get("roles", {}).items():
        if role not in ("board", "expert_school"):
            raise DefinitionError(f"roles.toml: no role {role!r} takes a policy")
        events = frozenset(given.get("events", ()))
        actions = frozenset(given.get("application_actions", ()))
        unknown = sorted(events - lifecycle_events) + sorted(actions - set(APPLICATION_ACTIONS))
        if unknown:
            raise DefinitionError(f"roles.toml: {role} names no such event or action: {unknown}")
        roles[role] = RolePolicy(events, actions, bool(given.get("creates_trajectories")))
    return Policy(roles, bool(document.get("confirmed", False)), str(document.get("source", "")))


def sees(who: Credential | None, trajectory: Any, leertraject: str, application: str) -> bool:
    """Whether ``who`` may see ``trajectory``: a board its own leertrajects and
    applications, an expert school the leertrajects of its offers."""
    if Policy.reads_everything(who):
        return True
    assert who is not None  # reads_everything(None) is true
    name = trajectory.lifecycle.name
    data = trajectory.data
    if who.role == "board":
        if name == leertraject:
            return bool(data.school.board == who.scope)
        return name == application and bool(data.board == who.scope)
    if who.role == "expert_school":
        return name == leertraject and bool(data.offer.expert_school == who.scope)
    return False
