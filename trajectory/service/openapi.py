"""The service's OpenAPI 3.1 document, generated from the lifecycle definitions.

Every event of the leertraject is an operation of its own,
``POST /trajectories/{id}/events/{event}`` with the event's name in the path, whose
request body is the JSON Schema of the event's payload class (generated with msgspec
from the class itself, as the shipped schema files are: :mod:`trajectory.engine.schema`).
An event added to the definition is an operation added to the document. The bodies of
the Office's actions come from :mod:`trajectory.service.requests`; every error is a
``Problem`` (RFC 9457). Amounts are read as numbers or as decimal text, and the schemas
say so.

Importing this module needs no web framework: ``openapi_document`` works without the
service extra.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, Final

import attrs

from trajectory.engine.definition import Lifecycle
from trajectory.engine.schema import own_description
from trajectory.ontwikkelkracht.bootstrap import Ontwikkelkracht
from trajectory.service import requests as bodies
from trajectory.service.problems import PROBLEM_BASE, PROBLEM_MEDIA_TYPE, PROBLEM_TYPES

__all__ = ["APPLICATION_ACTIONS", "openapi_document"]

_REF: Final = "#/components/schemas/{name}"

#: The Office's actions on an application: the path's last part, its body's class,
#: the operation's id and its summary.
APPLICATION_ACTIONS: Final[tuple[tuple[str, type, str, str], ...]] = (
    ("talks", bodies.Talk, "record_talk", "Record a pre-application talk."),
    ("submit", bodies.Receipt, "submit_application", "Submit the application."),
    (
        "request-completion",
        bodies.CompletionRequest,
        "request_completion",
        "Ask for missing parts; the decision term is suspended meanwhile.",
    ),
    ("complete", bodies.Completion, "complete_application", "The application is complete."),
    (
        "not-consider",
        bodies.NoFields,
        "not_consider_application",
        "Not completed in time: the application is not considered.",
    ),
    ("grant", bodies.ApplicationToGrant, "grant_application", "Grant the application."),
    ("reject", bodies.ApplicationToReject, "reject_application", "Reject the application."),
    ("objections", bodies.Objection, "lodge_objection", "The board objects to the decision."),
    (
        "objection-decision",
        bodies.ObjectionDecision,
        "decide_objection",
        "Decide the objection.",
    ),
    ("withdraw", bodies.ApplicationToWithdraw, "withdraw_application", "Withdraw the application."),
    (
        "settlement-request",
        bodies.SettlementRequest,
        "request_settlement",
        "The board files the settlement request with its activity report.",
    ),
    (
        "settle",
        bodies.Settling,
        "settle_application",
        "Settle the granted locations and release what they no longer need.",
    ),
    ("stop", bodies.Stopping, "stop_location", "A granted location stops early."),
)

_DECIMAL: Final = {"type": "string", "format": "decimal"}


def _numbers_too(schema: Any) -> Any:
    """``schema`` with every decimal text also taken as a JSON number (and its
    defaults as JSON: a tuple as an array)."""
    if isinstance(schema, dict):
        if schema == _DECIMAL:
            return {"anyOf": [{"type": "number"}, dict(_DECIMAL)]}
        return {key: _numbers_too(value) for key, value in schema.items()}
    if isinstance(schema, list | tuple):
        return [_numbers_too(value) for value in schema]
    return schema


def _schemas(
    types: list[type], overrides: Mapping[str, Mapping[str, Any]]
) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """The references to ``types`` and the schema components they need."""
    import msgspec

    refs, components = msgspec.json.schema_components(types, ref_template=_REF)
    cleaned: dict[str, Any] = {}
    for name, component in components.items():
        if name in overrides:
            cleaned[name] = {"title": name, **overrides[name]}
            continue
        component = own_description(component)
        properties = component.get("properties")
        if properties is not None:  # private fields are caches, not data
            component["properties"] = {k: v for k, v in properties.items() if not k.startswith("_")}
            component["required"] = [
                r for r in component.get("required", []) if not r.startswith("_")
            ]
            component["additionalProperties"] = False
        cleaned[name] = _numbers_too(component)
    return list(refs), cleaned


def _ref(name: str) -> dict[str, str]:
    return {"$ref": _REF.format(name=name)}


def _json(schema: Mapping[str, Any]) -> dict[str, Any]:
    return {"application/json": {"schema": dict(schema)}}


_VIOLATION: Final = {
    "type": "object",
    "description": "A violation of a rule: its stable code, its figures, the trajectory "
    "it belongs to when an action checks several, and its message.",
    "required": ["code", "figures", "location", "message"],
    "properties": {
        "code": {"type": "string"},
        "figures": {"type": "object"},
        "location": {"type": ["string", "null"]},
        "message": {"type": "string"},
    },
}

_PROBLEM: Final = {
    "type": "object",
    "description": f"A problem (RFC 9457). Its type is a URI under {PROBLEM_BASE}; a "
    "refusal by the rules carries every violation.",
    "required": ["type", "title", "status", "detail"],
    "properties": {
        "type": {
            "type": "string",
            "format": "uri",
            "enum": [PROBLEM_BASE + kind for kind in PROBLEM_TYPES],
        },
        "title": {"type": "string"},
        "status": {"type": "integer"},
        "detail": {"type": "string"},
        "violations": {"type": "array", "items": _ref("Violation")},
        "event": {"type": "string"},
        "state": {"type": "string"},
        "field": {"type": "string"},
        "version": {"type": "integer"},
    },
}

_TRAJECTORY: Final = {
    "type": "object",
    "description": "A trajectory: its state and version, its data, the events allowed "
    "now and the violations that block each of them (the events that take no payload).",
    "required": ["id", "lifecycle", "state", "final", "version", "allowed_events", "blockers"],
    "properties": {
        "id": {"type": "string"},
        "lifecycle": {"type": "string"},
        "state": {"type": "string"},
        "final": {"type": "boolean"},
        "version": {"type": "integer", "minimum": 1},
        "allowed_events": {"type": "array", "items": {"type": "string"}},
        "blockers": {
            "type": "object",
            "additionalProperties": {"type": "array", "items": _ref("Violation")},
        },
        "data": {"type": "object"},
    },
}

_EVENT: Final = {
    "type": "object",
    "description": "An event of the history, as the library writes it (see the shipped "
    "event schema).",
    "required": ["id", "sequence", "timestamp", "name", "to_state", "payload"],
    "properties": {
        "id": {"type": "string"},
        "trajectory_id": {"type": "string"},
        "sequence": {"type": "integer", "minimum": 1},
        "timestamp": {"type": "string", "format": "date-time"},
        "name": {"type": "string"},
        "from_state": {"type": ["string", "null"]},
        "to_state": {"type": "string"},
        "actor": {"type": ["string", "null"]},
        "payload": {"type": "object"},
    },
}

_PAGE: Final = {
    "type": "object",
    "required": ["items", "next_cursor"],
    "properties": {
        "items": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["id", "lifecycle", "state", "version"],
                "properties": {
                    "id": {"type": "string"},
                    "lifecycle": {"type": "string"},
                    "state": {"type": "string"},
                    "version": {"type": "integer"},
                    "updated_at": {"type": ["string", "null"], "format": "date-time"},
                    "index": {"type": "object"},
                },
            },
        },
        "next_cursor": {
            "type": ["string", "null"],
            "description": "Give it as cursor for the next page; null on the last.",
        },
    },
}

_ERRORS: Final = {
    "400": "The body is not JSON, or a parameter does not fit.",
    "401": "No key, or an unknown or revoked one.",
    "403": "The key's role may not do this.",
    "404": "No such resource.",
    "409": "Changed by another request at the same time (read it again and retry), or a "
    "request with the same Idempotency-Key is still at work.",
    "412": "If-Match names another version than the current one.",
    "413": "The body is larger than the service takes (1 MB).",
    "415": "The body is not application/json.",
    "422": "The data does not fit, the rules refuse it (every violation is listed), or "
    "the Idempotency-Key was used for another request.",
}

_ID: Final = {"name": "id", "in": "path", "required": True, "schema": {"type": "string"}}
_ROUND: Final = {
    "name": "round_id",
    "in": "path",
    "required": True,
    "description": "The round's id, such as 2024-2025/main: its slash as it is or as %2F.",
    "schema": {"type": "string"},
}
_LANGUAGE: Final = {
    "name": "Accept-Language",
    "in": "header",
    "required": False,
    "description": "The language of the messages: nl (the default) or en.",
    "schema": {"type": "string"},
}
_IDEMPOTENCY: Final = {
    "name": "Idempotency-Key",
    "in": "header",
    "required": False,
    "description": "A key of the client's own (a UUID): a retry with the same key and the "
    "same request gets the first response and acts on nothing.",
    "schema": {"type": "string", "minLength": 1, "maxLength": 255},
}
_IF_MATCH: Final = {
    "name": "If-Match",
    "in": "header",
    "required": False,
    "description": "The ETag (the version) the change is based on; another version "
    "than the current one is refused with 412.",
    "schema": {"type": "string"},
}


def _responses(ok: str, schema: Mapping[str, Any], *errors: str) -> dict[str, Any]:
    answered: dict[str, Any] = {
        ok: {
            "description": "Done." if ok != "201" else "Created.",
            "headers": {
                "ETag": {"description": "The version.", "schema": {"type": "string"}},
            },
            "content": _json(schema),
        }
    }
    for status in sorted({*errors, "401", "403"}):
        answered[status] = {
            "description": _ERRORS[status],
            "content": {PROBLEM_MEDIA_TYPE: {"schema": _ref("Problem")}},
        }
    return answered


def _body(ref: Mapping[str, Any], *, required: bool) -> dict[str, Any]:
    return {"required": required, "content": _json(ref)}


def _index_parameters(lifecycles: Iterable[Lifecycle[Any]]) -> list[dict[str, Any]]:
    keys = sorted({key for lifecycle in lifecycles for key in lifecycle.index_keys})
    return [
        {"name": key, "in": "query", "required": False, "schema": {"type": "string"}}
        for key in keys
    ]


def openapi_document(programme: Ontwikkelkracht | None = None) -> dict[str, Any]:
    """The OpenAPI 3.1 document of the service on ``programme`` (default: the
    Ontwikkelkracht programme): one operation per event of its leertraject, with the
    event's payload schema, and the Office's operations on applications."""
    if programme is None:
        from trajectory.ontwikkelkracht.bootstrap import programme as default_programme

        programme = default_programme()
    import trajectory

    lifecycle = programme.leertraject
    events = list(lifecycle.events.values())
    requests = [bodies.NewTrajectory, bodies.NewApplication]
    action_types = [kind for _, kind, _, _ in APPLICATION_ACTIONS]
    refs, components = _schemas(
        [*(event.payload for event in events), *requests, *action_types],
        programme.schema_types,
    )
    payload_refs = refs[: len(events)]
    new_trajectory, new_application = refs[len(events) : len(events) + 2]
    action_refs = refs[len(events) + 2 :]
    trajectory_ref = _ref("Trajectory")

    paths: dict[str, Any] = {
        "/openapi.json": {
            "get": {
                "operationId": "openapi",
                "summary": "This document.",
                "security": [],
                "responses": {"200": {"description": "The document.", "content": _json({})}},
            }
        },
        "/trajectories": {
            "get": {
                "operationId": "list_trajectories",
                "summary": "The stored trajectories, oldest change first, a page at a time.",
                "parameters": [
                    {"name": "lifecycle", "in": "query", "schema": {"type": "string"}},
                    {"name": "state", "in": "query", "schema": {"type": "string"}},
                    *_index_parameters(programme),
                    {
                        "name": "limit",
                        "in": "query",
                        "schema": {"type": "integer", "minimum": 1, "maximum": 500},
                    },
                    {"name": "cursor", "in": "query", "schema": {"type": "string"}},
                    {
                        "name": "blocked",
                        "in": "query",
                        "description": "true: only those whose next steps are refused "
                        "(`Store.blocked`); false: only the others.",
                        "schema": {"type": "string", "enum": ["true", "false"]},
                    },
                ],
                "responses": _responses("200", _ref("TrajectoryPage"), "400"),
            },
            "post": {
                "operationId": "new_trajectory",
                "summary": "Start a leertraject.",
                "parameters": [_IDEMPOTENCY, _LANGUAGE],
                "requestBody": _body(new_trajectory, required=True),
                "responses": _responses("201", trajectory_ref, "400", "413", "415", "422"),
            },
        },
        "/trajectories/{id}": {
            "get": {
                "operationId": "get_trajectory",
                "summary": "A trajectory with its allowed events and blockers.",
                "parameters": [_ID, _LANGUAGE],
                "responses": _responses("200", trajectory_ref, "404"),
            }
        },
        "/trajectories/{id}/history": {
            "get": {
                "operationId": "get_history",
                "summary": "Every event of a trajectory, the creation first.",
                "parameters": [_ID],
                "responses": _responses("200", {"type": "array", "items": _ref("Event")}, "404"),
            }
        },
    }
    for event, payload_ref in zip(events, payload_refs, strict=True):
        paths[f"/trajectories/{{id}}/events/{event.name}"] = {
            "post": {
                "operationId": f"fire_{event.name}",
                "summary": event.description or f"Fire {event.name}.",
                "tags": ["events"],
                "parameters": [_ID, _IF_MATCH, _IDEMPOTENCY, _LANGUAGE],
                "requestBody": _body(payload_ref, required=event.needs_payload),
                "responses": _responses(
                    "200", trajectory_ref, "400", "404", "409", "412", "413", "415", "422"
                ),
            }
        }
    paths["/applications"] = {
        "post": {
            "operationId": "new_application",
            "summary": "A board's application in a round for the leertrajects of its locations.",
            "tags": ["applications"],
            "parameters": [_IDEMPOTENCY, _LANGUAGE],
            "requestBody": _body(new_application, required=True),
            "responses": _responses("201", trajectory_ref, "400", "413", "415", "422"),
        }
    }
    paths["/applications/{id}"] = {
        "get": {
            "operationId": "get_application",
            "summary": "An application with its allowed events and blockers.",
            "tags": ["applications"],
            "parameters": [_ID, _LANGUAGE],
            "responses": _responses("200", trajectory_ref, "404"),
        }
    }
    for (action, kind, operation, summary), ref in zip(
        APPLICATION_ACTIONS, action_refs, strict=True
    ):
        required = any(field.default is attrs.NOTHING for field in attrs.fields(kind))
        paths[f"/applications/{{id}}/{action}"] = {
            "post": {
                "operationId": operation,
                "summary": summary + " Its locations move with it, or none does.",
                "tags": ["applications"],
                "parameters": [_ID, _IF_MATCH, _IDEMPOTENCY, _LANGUAGE],
                "requestBody": _body(ref, required=required),
                "responses": _responses(
                    "200", trajectory_ref, "400", "404", "409", "412", "413", "415", "422"
                ),
            }
        }
    paths["/rounds/{round_id}/ledger"] = {
        "get": {
            "operationId": "get_ledger",
            "summary": "The round's ledger: ceiling, committed, released, remaining.",
            "tags": ["rounds"],
            "parameters": [_ROUND],
            "responses": _responses("200", {"type": "object"}, "404", "422"),
        }
    }
    paths["/rounds/{round_id}/applications"] = {
        "get": {
            "operationId": "round_applications",
            "summary": "The complete applications of the round in order of receipt.",
            "tags": ["rounds"],
            "parameters": [_ROUND, _LANGUAGE],
            "responses": _responses("200", {"type": "object"}, "404", "422"),
        }
    }
    paths["/due-decisions"] = {
        "get": {
            "operationId": "due_decisions",
            "summary": "The undecided applications whose decision is due by a day.",
            "tags": ["rounds"],
            "parameters": [
                {
                    "name": "by",
                    "in": "query",
                    "required": True,
                    "schema": {"type": "string", "format": "date"},
                },
                _LANGUAGE,
            ],
            "responses": _responses("200", {"type": "object"}, "400"),
        }
    }
    paths.update(_EVENTS_OUT)
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "trajectory",
            "version": trajectory.__version__,
            "description": "The lifecycle of the Ontwikkelkracht leertraject over HTTP. "
            f"Errors are problem details (RFC 9457) whose types are under {PROBLEM_BASE}.",
        },
        "paths": paths,
        "security": [{"key": []}],
        "components": {
            "securitySchemes": {
                "key": {
                    "type": "http",
                    "scheme": "bearer",
                    "description": "A key made with `trajectory create-key`, for one role: "
                    "office, board, expert_school or auditor (a service started with "
                    "--open asks for none).",
                }
            },
            "schemas": {
                **components,
                "Problem": _PROBLEM,
                "Violation": _VIOLATION,
                "Trajectory": _TRAJECTORY,
                "Event": _EVENT,
                "TrajectoryPage": _PAGE,
                **_EVENTS_OUT_SCHEMAS,
            },
        },
    }


# -- events out: the feed, the schemas, the webhooks and their dead letters ---------------

_CLOUDEVENT: Final = {
    "type": "object",
    "description": "A committed event as a structured CloudEvent 1.0; position (an "
    "extension attribute) is its place in the outbox: read on after it.",
    "required": ["specversion", "id", "source", "type", "subject", "time", "position", "data"],
    "properties": {
        "specversion": {"const": "1.0"},
        "id": {"type": "string"},
        "source": {"type": "string", "format": "uri-reference"},
        "type": {"type": "string", "examples": ["ontwikkelkracht.leertraject.register"]},
        "subject": {"type": "string", "description": "The trajectory's id."},
        "time": {"type": "string", "format": "date-time"},
        "datacontenttype": {"const": "application/json"},
        "dataschema": {"type": "string", "format": "uri"},
        "sequence": {"type": "string", "description": "The event's sequence in its trajectory."},
        "position": {"type": "integer", "minimum": 1},
        "data": {"type": "object"},
    },
}
_WEBHOOK: Final = {
    "type": "object",
    "required": ["id", "url", "types", "position", "created_at"],
    "properties": {
        "id": {"type": "string"},
        "url": {"type": "string", "format": "uri"},
        "types": {
            "type": "array",
            "items": {"type": "string"},
            "description": "The CloudEvent types it is sent; none: every type.",
        },
        "position": {
            "type": "integer",
            "description": "The outbox position of the last event it was given (or given up on).",
        },
        "created_at": {"type": "string", "format": "date-time"},
        "secret": {
            "type": "string",
            "description": "The signing secret (whsec_…), in the answer to the registration only.",
        },
    },
}
_NEW_WEBHOOK: Final = {
    "type": "object",
    "required": ["url"],
    "additionalProperties": False,
    "properties": {
        "url": {"type": "string", "format": "uri", "description": "An http(s) URL."},
        "types": {"type": "array", "items": {"type": "string"}},
        "after": {
            "type": "integer",
            "minimum": 0,
            "default": 0,
            "description": "The outbox position to start after (0: from the first event).",
        },
    },
}
_DEAD_LETTER: Final = {
    "type": "object",
    "required": [
        "id",
        "webhook",
        "position",
        "event_id",
        "event_type",
        "attempts",
        "error",
        "failed_at",
        "replay_requested",
        "delivered_at",
    ],
    "properties": {
        "id": {"type": "string"},
        "webhook": {"type": "string"},
        "position": {"type": "integer"},
        "event_id": {"type": "string"},
        "event_type": {"type": "string"},
        "attempts": {"type": "integer"},
        "error": {"type": "string"},
        "failed_at": {"type": "string", "format": "date-time"},
        "replay_requested": {"type": "boolean"},
        "delivered_at": {"type": ["string", "null"], "format": "date-time"},
    },
}
_EVENTS_OUT_SCHEMAS: Final = {
    "CloudEvent": _CLOUDEVENT,
    "Webhook": _WEBHOOK,
    "NewWebhook": _NEW_WEBHOOK,
    "DeadLetter": _DEAD_LETTER,
}


def _items(name: str) -> dict[str, Any]:
    return {
        "type": "object",
        "required": ["items"],
        "properties": {"items": {"type": "array", "items": _ref(name)}},
    }


def _plain(ok: str, schema: Mapping[str, Any], *errors: str) -> dict[str, Any]:
    """:func:`_responses` without the ETag."""
    answered = _responses(ok, schema, *errors)
    del answered[ok]["headers"]
    return answered


_WEBHOOK_ID: Final = {
    "name": "webhook_id",
    "in": "path",
    "required": True,
    "schema": {"type": "string"},
}
_LETTER_ID: Final = {**_WEBHOOK_ID, "name": "letter_id"}
_EVENTS_OUT: Final = {
    "/events": {
        "get": {
            "operationId": "read_events",
            "summary": "The committed events after a position, in commit order, as "
            "CloudEvents; waits up to wait seconds for one. With Accept: text/event-stream, "
            "server-sent events (id: the position; resume with Last-Event-ID). For the "
            "programme office and auditors.",
            "tags": ["events out"],
            "parameters": [
                {"name": "after", "in": "query", "schema": {"type": "integer", "minimum": 0}},
                {
                    "name": "limit",
                    "in": "query",
                    "schema": {"type": "integer", "minimum": 1, "maximum": 1000},
                },
                {
                    "name": "wait",
                    "in": "query",
                    "schema": {"type": "integer", "minimum": 0, "maximum": 60},
                },
                {"name": "Last-Event-ID", "in": "header", "schema": {"type": "string"}},
            ],
            "responses": {
                **_plain("200", {}, "400"),
                "200": {
                    "description": "The events (an empty batch when there are none).",
                    "headers": {
                        "Link": {
                            "description": 'The next batch: rel="next".',
                            "schema": {"type": "string"},
                        }
                    },
                    "content": {
                        "application/cloudevents-batch+json": {
                            "schema": {"type": "array", "items": _ref("CloudEvent")}
                        },
                        "text/event-stream": {"schema": {"type": "string"}},
                    },
                },
            },
        }
    },
    "/schemas/{name}": {
        "get": {
            "operationId": "get_schema",
            "summary": "A JSON Schema the events point at (their dataschema).",
            "tags": ["events out"],
            "security": [],
            "parameters": [
                {"name": "name", "in": "path", "required": True, "schema": {"type": "string"}}
            ],
            "responses": {
                "200": {
                    "description": "The schema.",
                    "content": {"application/schema+json": {"schema": {"type": "object"}}},
                },
                "404": {
                    "description": _ERRORS["404"],
                    "content": {PROBLEM_MEDIA_TYPE: {"schema": _ref("Problem")}},
                },
            },
        }
    },
    "/webhooks": {
        "get": {
            "operationId": "list_webhooks",
            "summary": "The registered webhooks (never their secrets). Programme office only.",
            "tags": ["events out"],
            "responses": _plain("200", _items("Webhook")),
        },
        "post": {
            "operationId": "register_webhook",
            "summary": "Register a webhook; the answer shows its signing secret, this once. "
            "Programme office only.",
            "tags": ["events out"],
            "parameters": [_IDEMPOTENCY],
            "requestBody": _body(_ref("NewWebhook"), required=True),
            "responses": _plain("201", _ref("Webhook"), "400", "413", "415", "422"),
        },
    },
    "/webhooks/{webhook_id}": {
        "get": {
            "operationId": "get_webhook",
            "summary": "A webhook and its position. Programme office only.",
            "tags": ["events out"],
            "parameters": [_WEBHOOK_ID],
            "responses": _plain("200", _ref("Webhook"), "404"),
        },
        "delete": {
            "operationId": "delete_webhook",
            "summary": "Delete a webhook and its dead letters. Programme office only.",
            "tags": ["events out"],
            "parameters": [_WEBHOOK_ID],
            "responses": _plain("200", _ref("Webhook"), "404"),
        },
    },
    "/dead-letters": {
        "get": {
            "operationId": "list_dead_letters",
            "summary": "The events a webhook could not be given. Programme office only.",
            "tags": ["events out"],
            "parameters": [{"name": "webhook", "in": "query", "schema": {"type": "string"}}],
            "responses": _plain("200", _items("DeadLetter"), "400", "404"),
        }
    },
    "/dead-letters/{letter_id}/replay": {
        "post": {
            "operationId": "replay_dead_letter",
            "summary": "Ask for a dead letter to be posted once more. Programme office only.",
            "tags": ["events out"],
            "parameters": [_LETTER_ID, _IDEMPOTENCY],
            "responses": _plain("202", _ref("DeadLetter"), "404", "422"),
        }
    },
}
