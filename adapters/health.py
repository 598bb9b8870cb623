"""`/healthz` and `/metrics` over HTTP, on a background thread beside the bot.

Started before the index opens, so a supervisor sees "starting" (503) during a first build
instead of a refused connection, "connecting" (503) while the platform (Slack, Telegram) is
not reachable yet, and "ok" (200) only once questions can be answered on the platform.
"""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Protocol

from partnerbot.bot.ops.metrics import CONTENT_TYPE, Metrics
from partnerbot.bot.settings import Settings, SettingsError
from partnerbot.bot.types import IndexStatus

log = logging.getLogger("partnerbot.health")


class _Status(Protocol):
    def status(self) -> IndexStatus: ...


class Observed(Protocol):
    """What the endpoint reports on: the engine (its metrics, and its admin's status)."""

    metrics: Metrics

    @property
    def admin(self) -> _Status: ...


class Readiness(Protocol):
    """What a platform adapter tells the health endpoint about its connection."""

    def ready(self) -> None:
        """Connected and listening: questions on the platform get answers."""

    def not_ready(self, reason: str) -> None:
        """Not (or no longer) reachable on the platform; `reason` is shown on /healthz."""


class Unobserved:
    """Readiness when nobody asks (the endpoint is off: PARTNERBOT_METRICS_PORT=0)."""

    def ready(self) -> None:
        pass

    def not_ready(self, reason: str) -> None:
        pass


class HealthServer:
    """A ThreadingHTTPServer on `host:port` (port 0: a free one, see `port`).

    Ready (200) once `attach` has given it the engine, unless a platform adapter said
    `not_ready` and has not said `ready` since."""

    def __init__(self, host: str = "127.0.0.1", port: int = 0) -> None:
        self._engine: Observed | None = None
        self._waiting: str | None = None  # why the platform is not ready; None: it is
        health = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                status, content_type, body = health.respond(self.path.split("?", 1)[0])
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format: str, *args: object) -> None:
                log.debug("http: " + format, *args)

        self._server = ThreadingHTTPServer((host, port), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, args=(0.1,),
                                        name="partnerbot-health", daemon=True)

    @property
    def port(self) -> int:
        return int(self._server.server_address[1])

    def start(self) -> HealthServer:
        self._thread.start()
        log.info("health and metrics on http://%s:%d/healthz and /metrics",
                 self._server.server_address[0], self.port)
        return self

    def attach(self, engine: Observed) -> None:
        """The index is open: from now on report on `engine`."""
        self._engine = engine

    def ready(self) -> None:
        self._waiting = None

    def not_ready(self, reason: str) -> None:
        self._waiting = reason

    def close(self) -> None:
        if self._thread.is_alive():
            self._server.shutdown()
        self._server.server_close()

    def respond(self, path: str) -> tuple[int, str, bytes]:
        """(status, content type, body) for a GET of `path`."""
        if path == "/healthz":
            return self._health()
        if path == "/metrics":
            if self._engine is None:
                return 503, "text/plain; charset=utf-8", b"index not loaded yet\n"
            return 200, CONTENT_TYPE, self._engine.metrics.exposition()
        return 404, "text/plain; charset=utf-8", b"not found: try /healthz or /metrics\n"

    def _health(self) -> tuple[int, str, bytes]:
        code: int = 503
        body: dict[str, object] = {"status": "starting", "reason": "index not loaded yet"}
        waiting = self._waiting
        if self._engine is not None and waiting is not None:
            body = {"status": "connecting", "reason": waiting}
        elif self._engine is not None:
            try:
                index = self._engine.admin.status()
                code, body = 200, {"status": "ok", "index_version": index.version,
                                   "releases": index.releases, "passages": index.passages}
            except Exception as exc:  # report, never crash the endpoint
                code, body = 503, {"status": "error", "reason": f"{type(exc).__name__}: {exc}"}
        return code, "application/json", json.dumps(body).encode()


@contextmanager
def health_endpoint(settings: Settings, platform: str = "") -> Iterator[HealthServer | None]:
    """The endpoint on `settings.metrics_host:metrics_port` while the block runs; None when
    `metrics_port` is 0 (turned off). With `platform`, it is not ready until the adapter
    serving that platform says `ready()`."""
    if not settings.metrics_port:
        yield None
        return
    try:
        server = HealthServer(settings.metrics_host, settings.metrics_port).start()
    except OSError as exc:  # the port is taken, or the host is not ours
        raise SettingsError(f"cannot serve /healthz on {settings.metrics_host}:"
                            f"{settings.metrics_port}: {exc.strerror or exc} (set "
                            f"PARTNERBOT_METRICS_PORT to another port, or 0 to turn it off)"
                            ) from None
    if platform:
        server.not_ready(f"not connected to {platform.capitalize()} yet")
    try:
        yield server
    finally:
        server.close()
