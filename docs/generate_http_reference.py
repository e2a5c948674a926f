"""Generate the HTTP API reference, ``docs/reference/http.md``, from the OpenAPI document.

Every operation, its parameters, its request body, its answers, every schema of a
body and every problem type are read from
:func:`trajectory.service.openapi_document` (what ``GET /openapi.json`` serves) and
:data:`trajectory.service.problems.PROBLEM_TYPES`; only the introduction lives here::

    python docs/generate_http_reference.py          # rewrite the file
    python docs/generate_http_reference.py --check  # exit 1 when the file is out of step

``tests/service/test_http_reference.py`` runs the check: an event, a field or an
operation added to the service puts the page out of step until it is regenerated.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Final

from trajectory.service.openapi import openapi_document
from trajectory.service.problems import PROBLEM_BASE, PROBLEM_TYPES

TARGET: Final = Path(__file__).parent / "reference" / "http.md"

INTRODUCTION: Final = """\
# Reference: the HTTP API

This page is generated from the service's OpenAPI 3.1 document (what
`GET /openapi.json` serves) by `python docs/generate_http_reference.py`; a test fails
when it is out of step with the service. How to start the service and make keys:
[Serve over HTTP](../how-to/serve-over-http.md); how to call it from another language:
[Integrate over HTTP](../how-to/integrate-over-http.md).

- **Keys.** Every operation but `GET /openapi.json` needs `Authorization: Bearer KEY`,
  a key made with `trajectory create-key` for one role (office, board, expert_school,
  auditor), unless the service was started with `--open`. A trajectory a key may not
  see is answered as one that does not exist (404).
- **JSON.** Bodies are `application/json` (UTF-8); amounts are read as numbers or as
  decimal text and written as text; moments are ISO 8601 with their offset.
- **Versions.** A trajectory's answer carries its version as `ETag`; a change sent
  with `If-Match` is refused with 412 when the version is no longer the current one.
- **Retries.** A change sent with `Idempotency-Key` may be retried with the same key:
  the retry gets the first answer (with `Idempotent-Replayed: true`) and acts on
  nothing. A 409 means: read again (or wait) and retry.
- **Errors.** Every error is a problem document (RFC 9457,
  `application/problem+json`); a refusal by the rules lists every violation, with its
  message in the language of `Accept-Language` (Dutch unless English is asked for).
"""


def _type(schema: Mapping[str, Any]) -> str:
    """A schema in a few words: ``string``, ``array of Participant``, ``integer | null``."""
    if "$ref" in schema:
        return str(schema["$ref"]).rsplit("/", 1)[-1]
    for combined in ("anyOf", "oneOf"):
        if combined in schema:
            return " | ".join(_type(part) for part in schema[combined])
    if "enum" in schema and "type" not in schema:
        return "one of " + ", ".join(f"`{value}`" for value in schema["enum"])
    kind = schema.get("type", "any")
    if isinstance(kind, list):
        return " | ".join(str(part) for part in kind)
    if kind == "array" and "items" in schema:
        return f"array of {_type(schema['items'])}"
    if kind == "object" and isinstance(schema.get("additionalProperties"), Mapping):
        return f"object of {_type(schema['additionalProperties'])}"
    if "format" in schema:
        return f"{kind} ({schema['format']})"
    return str(kind)


def _cell(text: str) -> str:
    return " ".join(text.split()).replace("|", "\\|")


def _operation(method: str, path: str, operation: Mapping[str, Any]) -> list[str]:
    lines = [f"### `{method.upper()} {path}`", "", operation.get("summary", ""), ""]
    lines.append(f"Operation id: `{operation['operationId']}`.")
    if operation.get("security") == []:
        lines[-1] += " No key needed."
    lines.append("")
    parameters = operation.get("parameters", [])
    if parameters:
        lines += [
            "| Parameter | In | Type | Required | Description |",
            "| --- | --- | --- | --- | --- |",
        ]
        for parameter in parameters:
            lines.append(
                f"| `{parameter['name']}` | {parameter['in']} | {_type(parameter['schema'])} "
                f"| {'yes' if parameter.get('required') else 'no'} "
                f"| {_cell(parameter.get('description', ''))} |"
            )
        lines.append("")
    body = operation.get("requestBody")
    if body is not None:
        schema = body["content"]["application/json"]["schema"]
        needed = "required" if body.get("required") else "optional; `{}` when empty"
        lines += [f"Body ({needed}): {_type(schema)}.", ""]
    lines += ["| Answer | Content | Meaning |", "| --- | --- | --- |"]
    for status, answer in operation["responses"].items():
        content = ", ".join(
            f"`{media}` {_type(spec.get('schema', {}))}"
            for media, spec in answer.get("content", {}).items()
        )
        lines.append(f"| {status} | {content} | {_cell(answer['description'])} |")
    return [*lines, ""]


def _schema(name: str, schema: Mapping[str, Any]) -> list[str]:
    lines = [f"### {name}", ""]
    if schema.get("description"):
        lines += [_cell(schema["description"]), ""]
    if "enum" in schema:
        return [*lines, "One of: " + ", ".join(f"`{value}`" for value in schema["enum"]) + ".", ""]
    properties = schema.get("properties", {})
    if not properties:
        return [*lines, f"A JSON {_type(schema)}.", ""]
    required = set(schema.get("required", ()))
    lines += ["| Field | Type | Required | Default |", "| --- | --- | --- | --- |"]
    for field, spec in properties.items():
        default = f"`{json.dumps(spec['default'])}`" if "default" in spec else ""
        lines.append(
            f"| `{field}` | {_cell(_type(spec))} | {'yes' if field in required else 'no'} "
            f"| {default} |"
        )
    if schema.get("additionalProperties") is False:
        lines += ["", "No other fields are taken."]
    return [*lines, ""]


def render() -> str:
    """The page, from the document the service serves."""
    document = openapi_document()
    lines = [INTRODUCTION, "## Operations", ""]
    for path, item in document["paths"].items():
        for method, operation in item.items():
            lines += _operation(method, path, operation)
    lines += [
        "## Problem types",
        "",
        f"Each problem's `type` is `{PROBLEM_BASE}` followed by its name.",
        "",
        "| Type | Status | Title (en) | Title (nl) |",
        "| --- | --- | --- | --- |",
    ]
    for kind, (status, titles) in PROBLEM_TYPES.items():
        lines.append(f"| `{kind}` | {status} | {titles['en']} | {titles['nl']} |")
    lines += ["", "## Schemas", ""]
    for name, schema in sorted(document["components"]["schemas"].items()):
        lines += _schema(name, schema)
    return "\n".join(lines).rstrip() + "\n"


def main(argv: list[str]) -> int:
    page = render()
    if "--check" in argv:
        if TARGET.read_text(encoding="utf-8") != page:
            print(f"{TARGET} is out of step; run: python docs/generate_http_reference.py")
            return 1
        return 0
    TARGET.write_text(page, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
