"""Slack's Events API over HTTP on waitress, with a body-size limit and idle timeouts.

The standard library's `wsgiref` server is meant for development: it reads any body whole,
has no timeouts, and answers a malformed request with a 500 and a traceback. waitress is a
production WSGI server (pure Python, one process, so the index is loaded once): it refuses a
`Content-Length` over the limit with a 413 before reading the body, and closes idle
connections. bolt's own WSGI `SlackRequestHandler` stays the application; `SlackEndpoint` adds
what it lacks: a 413 check of its own (for any other WSGI server) and a 4xx, not a 500, for a
body bolt cannot parse or a header or field bolt would trip over.
"""

from __future__ import annotations

import logging
import socket
import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from slack_bolt import App, BoltRequest, BoltResponse
from slack_bolt.adapter.wsgi import SlackRequestHandler
from slack_bolt.adapter.wsgi.http_request import WsgiHttpRequest
from waitress import wasyncore
from waitress.channel import HTTPChannel
from waitress.server import create_server
from waitress.task import ErrorTask
from waitress.utilities import RequestEntityTooLarge

from partnerbot.adapters.slack.log_noise import quiet_waitress_queue
from partnerbot.corpus.sizes import over_limit

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIEnvironment

log = logging.getLogger("partnerbot.slack")

EVENTS_PATH = "/slack/events"


@dataclass(frozen=True)
class Limits:
    """What one request may take. Slack's payloads are a few kB (a modal's state at most some
    tens), so 1 MiB leaves room without letting a client make the server buffer megabytes."""

    max_body: int = 1 << 20  # bytes; larger bodies get 413
    idle_timeout: int = 30  # seconds a connection may sit without sending (slow clients)
    threads: int = 8  # requests handled at once; they only ack, listeners run elsewhere
    connections: int = 100  # open connections before new ones wait
    grace: float = 5.0  # seconds in-flight requests get to finish on shutdown


def _plain(status: str, text: str, start_response: StartResponse) -> list[bytes]:
    body = text.encode()
    start_response(status, [("Content-Type", "text/plain; charset=utf-8"),
                            ("Content-Length", str(len(body)))])
    return [body]


class SlackEndpoint(SlackRequestHandler):
    """bolt's WSGI handler, answering 413 and 400 where bolt would raise (a 500)."""

    def __init__(self, app: App, path: str = EVENTS_PATH, max_body: int = Limits.max_body,
                 ) -> None:
        super().__init__(app, path=path)
        self.max_body = max_body

    def __call__(self, environ: WSGIEnvironment,
                 start_response: StartResponse) -> Iterable[bytes]:
        length = str(environ.get("CONTENT_LENGTH") or "0")
        if not length.isdigit():
            return _plain("400 Bad Request", "bad Content-Length\n", start_response)
        if int(length) > self.max_body:  # checked before a byte of the body is read
            return _plain("413 Request Entity Too Large",
                          f"body over {self.max_body} bytes\n", start_response)
        return super().__call__(environ, start_response)

    def dispatch(self, request: WsgiHttpRequest) -> BoltResponse:
        # BoltRequest parses the body (JSON, a form, a form's JSON `payload`) and reads ids out
        # of it as it is built; whatever fails there is the sender's malformed body.
        try:
            bolt_request = BoltRequest(body=request.get_body(), query=request.query_string,
                                       headers=request.get_headers())
        except Exception as exc:  # parsing untrusted input: see above
            log.warning("Slack HTTP: malformed request body (%s), answered 400",
                        type(exc).__name__)
            return BoltResponse(status=400, body="malformed request body")
        refusal = refuse_shape(bolt_request)
        if refusal is not None:
            log.warning("Slack HTTP: %s, answered %d", refusal.body, refusal.status)
            return refusal
        return self.app.dispatch(bolt_request)


def refuse_shape(request: BoltRequest) -> BoltResponse | None:
    """What bolt's middleware would trip over with a 500 and a traceback, answered 4xx first.

    bolt's signature check calls `int()` on the timestamp header (a `ValueError` for `abc`),
    and its event routing calls `.get` on the body's `event` (an `AttributeError` for a
    string); the body itself was parsed while building `request`, so these are the only
    shapes left to check. A timestamp that is not a number cannot be signed: 401, as bolt
    answers a bad signature."""
    stamp = request.headers.get("x-slack-request-timestamp", [""])[0]
    if stamp and not stamp.isdigit():
        return BoltResponse(status=401, body="request timestamp is not a number")
    body = request.body
    if "event" in body and not isinstance(body["event"], dict):
        return BoltResponse(status=400, body="malformed request body (event is not an object)")
    return None


class _SizedErrorTask(ErrorTask):
    """waitress's error answer, but a 413 says the size in the unit and with the limit that
    Slack's `Limits` is configured with ("body 8.0 MiB is over the 1 MiB limit"), not
    waitress's "exceeds max_body of 1048577" (it is set one byte over the limit, so that
    `SlackEndpoint` answers a body of exactly the limit itself)."""

    def execute(self) -> None:
        error = self.request.error
        if isinstance(error, RequestEntityTooLarge):
            limit = self.channel.server.adj.max_request_body_size - 1
            size = self.request.content_length or None
            self.request.error = RequestEntityTooLarge(f"body {over_limit(size, limit)}")
        super().execute()


class _Channel(HTTPChannel):
    error_task_class = _SizedErrorTask


def _listen(host: str, port: int) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    return socket.create_server((host, port), family=family, backlog=1024)


class SlackHTTPServer:
    """waitress serving one WSGI app, with the controls of a `socketserver` server
    (`server_port`, `serve_forever`, `shutdown`, `server_close`) that tests and the load
    benchmark drive it with."""

    def __init__(self, wsgi_app: Any, host: str, port: int, limits: Limits) -> None:
        self._map: dict[int, Any] = {}
        self._limits = limits
        quiet_waitress_queue()
        self._server = create_server(
            wsgi_app, map=self._map, sockets=[_listen(host, port)], threads=limits.threads,
            max_request_body_size=limits.max_body + 1, channel_timeout=limits.idle_timeout,
            cleanup_interval=min(30, limits.idle_timeout), connection_limit=limits.connections,
            asyncore_use_poll=True, ident="partnerbot")
        self._server.channel_class = _Channel
        self._stop = threading.Event()
        self._serving = threading.Event()
        self._stopped = threading.Event()
        self._closed = False
        self._thread: threading.Thread | None = None

    @property
    def server_port(self) -> int:
        return int(self._server.effective_port)

    def serve_forever(self, poll_interval: float = 0.5) -> None:
        """Serve until `shutdown()` (from another thread or a signal handler)."""
        self._thread = threading.current_thread()
        self._serving.set()
        try:
            while not self._stop.is_set():
                wasyncore.loop(timeout=poll_interval, map=self._map, use_poll=True, count=1)
            self._drain()
        finally:
            self._stopped.set()

    def shutdown(self) -> None:
        """Stop accepting, let requests in flight finish (up to `Limits.grace`), and return
        once `serve_forever` has; safe to call from a signal handler in the serving thread."""
        self._stop.set()
        if not self._closed:
            self._server.pull_trigger()  # wake the poll at once
        if self._serving.is_set() and threading.current_thread() is not self._thread:
            self._stopped.wait(self._limits.grace + 5)

    def server_close(self) -> None:
        if not self._closed:
            self._closed = True
            self._server.task_dispatcher.shutdown(timeout=self._limits.grace)
            wasyncore.close_all(self._map)

    def _drain(self) -> None:
        self._server.accepting = False  # no new connections; answer those already read
        deadline = time.monotonic() + self._limits.grace
        while time.monotonic() < deadline and any(
                getattr(ch, "requests", None) or getattr(ch, "total_outbufs_len", 0)
                for ch in list(self._map.values())):
            wasyncore.loop(timeout=0.05, map=self._map, use_poll=True, count=1)


def make_http_server(app: App, host: str = "0.0.0.0", port: int = 3000,
                     limits: Limits | None = None) -> SlackHTTPServer:
    """An HTTP server for Slack's Events API, interactivity and slash commands, all on
    `/slack/events`; port 0 picks a free port (tests). Start it with `serve_forever()`."""
    limits = limits or Limits()
    return SlackHTTPServer(SlackEndpoint(app, EVENTS_PATH, limits.max_body), host, port, limits)
