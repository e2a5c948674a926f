"""The HTTP/JSON service: the library for systems that do not speak Python.

``trajectory serve`` runs it; :func:`create_app` builds the Starlette (ASGI)
application on a store, for tests and for embedding in another ASGI application.
Needs the ``service`` extra (``pip install 'trajectory-lifecycle[service]'``);
``import trajectory`` does not import it.

- ``GET /openapi.json``: the OpenAPI 3.1 document, one operation per event
  (:func:`~trajectory.service.openapi.openapi_document`);
- errors are problem details (RFC 9457), their types under :data:`PROBLEM_BASE`
  (:mod:`trajectory.service.problems`);
- access by role, from API keys kept hashed in the store's database
  (:mod:`trajectory.service.credentials`, :mod:`trajectory.service.access`);
- ``Idempotency-Key`` on every POST (:mod:`trajectory.service.idempotency`).
"""

from __future__ import annotations

from trajectory.service.app import create_app
from trajectory.service.openapi import openapi_document
from trajectory.service.problems import PROBLEM_BASE, Problem, language_of

__all__ = ["PROBLEM_BASE", "Problem", "create_app", "language_of", "openapi_document"]
