"""The commands that manage the HTTP service's keys: create-key, revoke-key, list-keys.

The keys are kept, hashed, in the store's database (see
:mod:`trajectory.service.credentials`); ``trajectory serve`` asks every request for
one of them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

import typer

from trajectory.cli._common import DbOption, JsonOption, open_the_store
from trajectory.cli._output import dutch_iso, print_json, print_table
from trajectory.engine.errors import MissingDependency

if TYPE_CHECKING:
    from trajectory.service.credentials import Credential, Credentials
    from trajectory.store import Store


def _credentials(store: Store) -> Credentials:
    try:
        from trajectory.service.credentials import credentials_for
    except ImportError as missing:
        raise MissingDependency(
            missing.name or "starlette", extra="service", needed_for="the service's keys"
        ) from None
    return credentials_for(store)


def _document(credential: Credential) -> dict[str, Any]:
    return {
        "id": credential.id,
        "name": credential.name,
        "role": credential.role,
        "scope": credential.scope,
        "created_at": dutch_iso(credential.created_at),
        "revoked_at": None if credential.revoked_at is None else dutch_iso(credential.revoked_at),
    }


def create_key(
    role: Annotated[
        str,
        typer.Option(
            metavar="ROLE",
            help="office, board, expert_school or auditor.",
            show_default=False,
        ),
    ],
    name: Annotated[
        str,
        typer.Option(
            metavar="TEXT",
            help="Who holds it (recorded as the actor of what it does).",
            show_default=False,
        ),
    ],
    scope: Annotated[
        str | None,
        typer.Option(
            metavar="TEXT",
            help="For a board: the board's name; for an expert school: its name in the catalog.",
            show_default=False,
        ),
    ] = None,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Make a key for the HTTP service and print it (it is shown this once).

    The store keeps its hash only. Send it as `Authorization: Bearer KEY`."""
    with open_the_store(db, create=True) as store:
        credential, key = _credentials(store).create(name=name, role=role, scope=scope)
    if as_json:
        print_json({**_document(credential), "key": key})
    else:
        typer.echo(key)


def revoke_key(
    key_id: Annotated[str, typer.Argument(metavar="ID", help="The key's id (see list-keys).")],
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Revoke a key of the HTTP service: from now on it is refused."""
    with open_the_store(db) as store:
        credential = _credentials(store).revoke(key_id)
    if as_json:
        print_json(_document(credential))
    else:
        typer.echo(f"revoked {credential.id} ({credential.name})")


def list_keys(db: DbOption = None, as_json: JsonOption = False) -> None:
    """List the HTTP service's keys (never their secrets), the oldest first."""
    with open_the_store(db) as store:
        found = [_document(credential) for credential in _credentials(store).all()]
    if as_json:
        print_json(found)
        return
    print_table(
        ("id", "name", "role", "scope", "created", "revoked"),
        [
            (
                row["id"],
                row["name"],
                row["role"],
                row["scope"] or "",
                row["created_at"],
                row["revoked_at"] or "",
            )
            for row in found
        ],
    )
