"""The test suite on every supported Python, and on the lowest supported dependencies.

``nox`` runs them all; ``nox -s tests-3.12`` one of them. Each session installs the
project into a fresh environment with uv, from the lock files in ``requirements/``:

- ``tests``: Python 3.11, 3.12 and 3.13 with ``requirements/constraints-dev.txt``, the locked
  development environment;
- ``lowest``: Python 3.11 with ``requirements/constraints-lowest.txt``, every direct dependency at
  the lower bound that ``pyproject.toml`` declares, so the ranges we publish are tested.

``python -m nox -s lock`` writes both lock files anew from ``pyproject.toml``.
"""

from __future__ import annotations

import nox

nox.options.default_venv_backend = "uv"
nox.options.sessions = ["tests", "lowest"]
nox.options.error_on_missing_interpreters = True

PYTHONS = ["3.11", "3.12", "3.13"]
PYTEST = ("python", "-m", "pytest", "-p", "no:cacheprovider", "-q")
#: The end-to-end tests (a browser, a client in another language, a load of clients) run
#: once, in the README's test run on Python 3.11; these sessions check the library on
#: other Pythons and dependencies.
NOT_END_TO_END = ("-m", "not end_to_end")


@nox.session(python=PYTHONS)
def tests(session: nox.Session) -> None:
    """The whole test suite in the locked development environment."""
    session.install("-r", "requirements/constraints-dev.txt", "-e", ".")
    session.run(*PYTEST, *(session.posargs or NOT_END_TO_END))


@nox.session(python="3.11")
def lowest(session: nox.Session) -> None:
    """The whole test suite with every direct dependency at its declared lower bound."""
    session.install("-r", "requirements/constraints-lowest.txt", "-e", ".")
    session.run(*PYTEST, *(session.posargs or NOT_END_TO_END))


@nox.session(python=False)
def lock(session: nox.Session) -> None:
    """Write requirements/constraints-dev.txt (the newest versions) and
    requirements/constraints-lowest.txt (the lower bounds)."""
    common = ("pyproject.toml", "--extra", "dev", "--universal", "--python-version", "3.11")
    session.run("uv", "pip", "compile", *common, "-o", "requirements/constraints-dev.txt")
    session.run(
        "uv",
        "pip",
        "compile",
        *common,
        "--resolution",
        "lowest-direct",
        "-o",
        "requirements/constraints-lowest.txt",
    )
