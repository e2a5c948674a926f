"""Headless Chromium, driven over the DevTools protocol on a pipe, with no network.

The docs site's diagrams are drawn by Mermaid into a *closed* shadow root (Material's
way of keeping the page's styles out of them), which no page script and no
``--dump-dom`` can see. The DevTools protocol can: ``DOM.getDocument`` with
``pierce`` walks closed shadow roots too. The protocol runs over two pipes
(``--remote-debugging-pipe``: the browser reads commands from its descriptor 3 and
writes to its descriptor 4, each message JSON ended by a NUL byte), so no port is
opened and no WebSocket library is needed.

No host name resolves (but 127.0.0.1 itself), and every request for another host goes
to a proxy that does not exist (port 9 on 127.0.0.1), so a page that reaches out to
the network gets an error instead of an answer; ``file:`` pages and 127.0.0.1 work.
"""

from __future__ import annotations

import base64
import contextlib
import json
import os
import select
import shutil
import subprocess
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, Final, TypeVar
from urllib.parse import urlsplit

T = TypeVar("T")

#: Debian's package installs ``chromium``; other systems name it otherwise.
NAMES: Final = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")

#: No name resolves (except 127.0.0.1 itself), and every connection goes to a closed port.
OFFLINE: Final = (
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
    "--proxy-server=127.0.0.1:9",
)


_NETWORK: Final = ("http", "https", "ws", "wss")


def find() -> str | None:
    """The path of a Chromium on this machine, or ``None``."""
    for name in NAMES:
        found = shutil.which(name)
        if found is not None:
            return found
    return None


class ProtocolError(RuntimeError):
    """The browser answered a command with an error, or did not answer in time."""


class Browser:
    """One headless Chromium; :meth:`command` sends a DevTools command and waits for
    its answer, keeping the events that arrive meanwhile in :attr:`events`."""

    def __init__(self, executable: str, *, timeout: float = 60.0) -> None:
        self.timeout = timeout
        self.events: list[dict[str, Any]] = []
        self._profile = tempfile.TemporaryDirectory(prefix="chromium-")
        commands_read, self._commands = os.pipe()
        self._answers, answers_write = os.pipe()
        arguments = [
            executable,
            "--headless",
            "--no-sandbox",  # root in a container has no user namespace to sandbox in
            "--disable-gpu",
            "--disable-dev-shm-usage",
            "--no-first-run",
            "--no-default-browser-check",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--mute-audio",
            "--hide-scrollbars",
            "--window-size=1280,2000",
            f"--user-data-dir={self._profile.name}",
            "--remote-debugging-pipe",
            *OFFLINE,
            "about:blank",
        ]
        # The browser wants the pipes as its descriptors 3 and 4: bash puts them there
        # (a POSIX sh need not take descriptors above 9, which the pipes may be).
        script = f'exec "$@" 3<&{commands_read} 4>&{answers_write}'
        self._process = subprocess.Popen(
            ["bash", "-c", script, "bash", *arguments],
            pass_fds=(commands_read, answers_write),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        os.close(commands_read)
        os.close(answers_write)
        self._buffer = b""
        self._next_id = 0

    def close(self) -> None:
        """End the browser and remove its profile."""
        with contextlib.suppress(OSError, ProtocolError):
            self.command("Browser.close")
        with contextlib.suppress(OSError):
            os.close(self._commands)
        try:
            self._process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self._process.kill()
            self._process.wait()
        os.close(self._answers)
        self._profile.cleanup()

    def command(self, method: str, session: str | None = None, **params: Any) -> dict[str, Any]:
        """Send ``method`` with ``params`` (to the page of ``session``); its result."""
        self._next_id += 1
        message: dict[str, Any] = {"id": self._next_id, "method": method, "params": params}
        if session is not None:
            message["sessionId"] = session
        os.write(self._commands, json.dumps(message).encode() + b"\0")
        deadline = time.monotonic() + self.timeout
        while True:
            answer = self._receive(deadline)
            if answer.get("id") != self._next_id:
                self.events.append(answer)
                continue
            if "error" in answer:
                raise ProtocolError(f"{method}: {answer['error']}")
            result: dict[str, Any] = answer["result"]
            return result

    def _receive(self, deadline: float) -> dict[str, Any]:
        while b"\0" not in self._buffer:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([self._answers], [], [], left)[0]:
                raise ProtocolError("the browser did not answer in time")
            chunk = os.read(self._answers, 1 << 16)
            if not chunk:
                raise ProtocolError("the browser closed its end of the pipe")
            self._buffer += chunk
        message, _, self._buffer = self._buffer.partition(b"\0")
        found: dict[str, Any] = json.loads(message)
        return found


@contextlib.contextmanager
def browser(executable: str) -> Iterator[Browser]:
    """A headless Chromium with no network, ended on leaving."""
    opened = Browser(executable)
    try:
        yield opened
    finally:
        opened.close()


class Page:
    """A page opened in a :class:`Browser`."""

    def __init__(self, chromium: Browser, url: str) -> None:
        self.browser = chromium
        target = chromium.command("Target.createTarget", url="about:blank")["targetId"]
        self.session: str = chromium.command(
            "Target.attachToTarget", targetId=target, flatten=True
        )["sessionId"]
        chromium.command("Network.enable", self.session)
        chromium.command("Page.enable", self.session)
        self._events, self._since = 0, time.monotonic()
        chromium.command("Page.navigate", self.session, url=url)

    def document(self) -> dict[str, Any]:
        """The page's whole DOM as the protocol's node tree, shadow roots included."""
        root: dict[str, Any] = self.browser.command(
            "DOM.getDocument", self.session, depth=-1, pierce=True
        )["root"]
        return root

    def settled(self, quiet: float = 1.0) -> bool:
        """Whether the page has loaded, none of its requests is pending, and no event
        came from it for ``quiet`` seconds (as of the last command's answer)."""
        mine = [event for event in self.browser.events if event.get("sessionId") == self.session]
        if len(mine) != self._events:
            self._events, self._since = len(mine), time.monotonic()
            return False
        started = {
            event["params"]["requestId"]
            for event in mine
            if event.get("method") == "Network.requestWillBeSent"
        }
        ended = {
            event["params"]["requestId"]
            for event in mine
            if event.get("method") in ("Network.loadingFinished", "Network.loadingFailed")
        }
        loaded = any(event.get("method") == "Page.loadEventFired" for event in mine)
        return loaded and not started - ended and time.monotonic() - self._since >= quiet

    def wait(
        self,
        found: Callable[[dict[str, Any]], T | None],
        timeout: float,
        *,
        until_settled: bool = False,
    ) -> T | None:
        """Look for something in the DOM (``found`` returns it or ``None``) until it is
        there or ``timeout`` seconds have passed; with ``until_settled``, also stop
        when the page has settled (:meth:`settled`) without it. A page's scripts may
        work for long without a request, so settling is no proof that nothing more
        will come: stop there only when something else says so."""
        deadline = time.monotonic() + timeout
        while True:
            result = found(self.document())
            if result is not None or time.monotonic() > deadline:
                return result
            if until_settled and self.settled():
                return found(self.document())
            time.sleep(0.2)

    def failed_requests(self) -> list[str]:
        """The URLs of the page's requests that got no answer."""
        mine = [event for event in self.browser.events if event.get("sessionId") == self.session]
        urls = {
            event["params"]["requestId"]: event["params"]["request"]["url"]
            for event in mine
            if event.get("method") == "Network.requestWillBeSent"
        }
        return [
            urls[event["params"]["requestId"]]
            for event in mine
            if event.get("method") == "Network.loadingFailed"
            and event["params"]["requestId"] in urls
        ]

    def external_requests(self, kind: str | None = None) -> list[str]:
        """The URLs the page asked for from another host (not a ``file:`` or ``data:``
        URL, not 127.0.0.1), of the resource type ``kind`` ("Script", "Font" ...) if
        given."""
        found = []
        for event in self.browser.events:
            if (
                event.get("method") != "Network.requestWillBeSent"
                or event.get("sessionId") != self.session
                or kind not in (None, event["params"].get("type"))
            ):
                continue
            url = event["params"]["request"]["url"]
            parts = urlsplit(url)
            if parts.scheme in _NETWORK and parts.hostname not in ("127.0.0.1", "localhost"):
                found.append(url)
        return found

    def screenshot(self, path: Path, node: dict[str, Any] | None = None) -> None:
        """Save what the page shows (of ``node``, if given) as a PNG."""
        clip = {}
        if node is not None:
            quad = self.browser.command("DOM.getBoxModel", self.session, nodeId=node["nodeId"])[
                "model"
            ]["border"]
            xs, ys = quad[0::2], quad[1::2]
            clip = {
                "clip": {
                    "x": min(xs),
                    "y": min(ys),
                    "width": max(xs) - min(xs),
                    "height": max(ys) - min(ys),
                    "scale": 1,
                }
            }
        data = self.browser.command(
            "Page.captureScreenshot",
            self.session,
            format="png",
            captureBeyondViewport=True,
            **clip,
        )["data"]
        path.write_bytes(base64.b64decode(data))


def walk(node: dict[str, Any]) -> Iterator[dict[str, Any]]:
    """``node`` and every node under it, through shadow roots and frames."""
    yield node
    for child in (
        *node.get("shadowRoots", ()),
        *node.get("children", ()),
        *([node["contentDocument"]] if "contentDocument" in node else []),
    ):
        yield from walk(child)


def attributes(node: dict[str, Any]) -> dict[str, str]:
    """A node's attributes (the protocol sends them as a flat list of names and values)."""
    flat = node.get("attributes", [])
    return dict(zip(flat[::2], flat[1::2], strict=True))


def text(node: dict[str, Any]) -> list[str]:
    """The text under ``node``, one string per text node, blanks left out."""
    return [
        found["nodeValue"].strip()
        for found in walk(node)
        if found.get("nodeType") == 3 and found["nodeValue"].strip()
    ]
