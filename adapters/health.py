"""`/healthz` and `/metrics` over HTTP, on a background thread beside the bot.

Started before the index opens, so a supervisor sees "starting" (503) during a first build
instead of a refused connection, and "ok" (200) once questions can be answered.
"""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Protocol

from partnerbot.bot.metrics import CONTENT_TYPE, Metrics
from partnerbot.bot.settings import Settings, SettingsError
from partnerbot.bot.types import IndexStatus

log = logging.getLogger("partnerbot.health")


class Observed(Protocol):
    """What the endpoint reports on: the engine."""

    metrics: Metrics

    def status(self) -> IndexStatus: ...


class HealthServer:
    """A ThreadingHTTPServer on `host:port` (port 0: a free one, see `port`)."""

    def __init__(self, host: str = "127.0.0.1", port: int = 0) -> None:
        self._engine: Observed | None = None
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
        if self._engine is not None:
            try:
                index = self._engine.status()
                code, body = 200, {"status": "ok", "index_version": index.version,
                                   "releases": index.releases, "passages": index.passages}
            except Exception as exc:  # report, never crash the endpoint
                code, body = 503, {"status": "error", "reason": f"{type(exc).__name__}: {exc}"}
        return code, "application/json", json.dumps(body).encode()


@contextmanager
def health_endpoint(settings: Settings) -> Iterator[HealthServer | None]:
    """The endpoint on `settings.metrics_host:metrics_port` while the block runs; None when
    `metrics_port` is 0 (turned off)."""
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
    try:
        yield server
    finally:
        server.close()
