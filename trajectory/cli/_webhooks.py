"""The commands of the service's webhooks: deliver-webhooks, list-dead-letters,
replay-dead-letter.

The webhooks are registered over HTTP by the programme office (``POST /webhooks``) and
kept in the store's database (see :mod:`trajectory.service.webhooks`).
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING, Annotated, Any, Final

import typer

from trajectory.cli._common import DbOption, JsonOption, open_the_store
from trajectory.cli._output import dutch_iso, print_json, print_table
from trajectory.engine.errors import InvalidData, MissingDependency

if TYPE_CHECKING:
    from trajectory.service.webhooks import DeadLetter, Webhooks
    from trajectory.store import Store

#: The environment variable that gives the service's base URL (the events' source).
BASE_URL_ENV: Final = "TRAJECTORY_SERVICE_URL"


def _webhooks(store: Store) -> Webhooks:
    try:
        from trajectory.service.webhooks import webhooks_for
    except ImportError as missing:
        raise MissingDependency(
            missing.name or "starlette", extra="service", needed_for="the service's webhooks"
        ) from None
    return webhooks_for(store)


def _document(letter: DeadLetter) -> dict[str, Any]:
    return {
        **letter.document(),
        "failed_at": dutch_iso(letter.failed_at),
        "delivered_at": None if letter.delivered_at is None else dutch_iso(letter.delivered_at),
    }


def deliver_webhooks(
    base_url: Annotated[
        str,
        typer.Option(
            "--base-url",
            metavar="URL",
            envvar=BASE_URL_ENV,
            help="The service's base URL: the events' source, and where their schemas are.",
            show_default=False,
        ),
    ],
    once: Annotated[bool, typer.Option("--once", help="Deliver what is there, then stop.")] = False,
    attempts: Annotated[
        int,
        typer.Option(
            metavar="N", min=1, max=100, help="Attempts before an event is a dead letter."
        ),
    ] = 6,
    db: DbOption = None,
) -> None:
    """Post the committed events to the registered webhooks, signed, in commit order.

    Runs until stopped (or, with --once, until every webhook has every event). Several
    may run on one database: one at a time works on a webhook. Needs the service extra."""
    with open_the_store(db) as store:
        webhooks = _webhooks(store)
        from trajectory.service.feed import published
        from trajectory.service.webhooks import Deliverer

        deliverer = Deliverer(store, published(base_url), webhooks=webhooks, attempts=attempts)
        if once:
            typer.echo(f"delivered {deliverer.deliver()} events")
            return
        stop = threading.Event()
        try:
            deliverer.run(stop)
        except KeyboardInterrupt:
            stop.set()


def list_dead_letters(
    webhook: Annotated[
        str | None,
        typer.Option(metavar="ID", help="Only this webhook's.", show_default=False),
    ] = None,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """List the events a webhook could not be given, the oldest first."""
    with open_the_store(db) as store:
        webhooks = _webhooks(store)
        if webhook is not None and webhooks.get(webhook) is None:
            raise InvalidData("webhook", f"there is no webhook {webhook!r}")
        found = [_document(letter) for letter in webhooks.dead_letters(webhook)]
    if as_json:
        print_json(found)
        return
    print_table(
        ("id", "webhook", "position", "event", "type", "attempts", "error", "failed", "delivered"),
        [
            (
                row["id"],
                row["webhook"],
                str(row["position"]),
                row["event_id"],
                row["event_type"],
                str(row["attempts"]),
                row["error"],
                row["failed_at"],
                row["delivered_at"] or ("replay asked" if row["replay_requested"] else ""),
            )
            for row in found
        ],
    )


def replay_dead_letter(
    letter_id: Annotated[
        str, typer.Argument(metavar="ID", help="The dead letter's id (see list-dead-letters).")
    ],
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Ask for a dead letter to be posted once more: the deliverer does so next."""
    with open_the_store(db) as store:
        letter = _webhooks(store).request_replay(letter_id)
    if as_json:
        print_json(_document(letter))
    else:
        typer.echo(f"replay of {letter.id} (event {letter.event_id}) asked")
