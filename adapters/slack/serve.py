"""`partnerbot serve slack`: pick the transport from the settings and run until stopped.

Socket Mode when `SLACK_APP_TOKEN` is set (no public URL needed: the bot dials out), else the
HTTP Events API on `settings.slack_port`, path `/slack/events`, served by waitress
(`http_server.py`). Before either starts, Slack's `auth.test` must answer: while Slack cannot
be reached the bot retries with backoff and `/healthz` says why it is not ready, and after
`Backoff.give_up` seconds it stops with one line naming the URL.
"""

from __future__ import annotations

import logging
import signal
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from types import FrameType
from urllib.error import URLError

from slack_bolt import App
from slack_bolt.adapter.socket_mode import SocketModeHandler
from slack_bolt.error import BoltError
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError

from partnerbot.adapters.health import Readiness, Unobserved
from partnerbot.adapters.slack.app import build_app
from partnerbot.adapters.slack.http_server import (
    EVENTS_PATH,
    Limits,
    SlackHTTPServer,
    make_http_server,
)
from partnerbot.adapters.stores.factory import check_redis
from partnerbot.bot.engine import Engine
from partnerbot.bot.settings import Settings, SettingsError

__all__ = ["EVENTS_PATH", "Backoff", "Limits", "SlackHTTPServer", "check_settings",
           "make_http_server", "serve_slack", "wait_for_slack"]

log = logging.getLogger("partnerbot.slack")

_TRANSIENT = frozenset({429, 500, 502, 503, 504})  # Slack answered, but "not now"

# slack_sdk logs every failed call at ERROR; while waiting, our one line per try says it all.
_PROBE_LOG = logging.getLogger("partnerbot.slack.auth_test")
_PROBE_LOG.setLevel(logging.CRITICAL)


@dataclass(frozen=True)
class Backoff:
    """How long start-up waits for Slack: `first` seconds between tries, doubling up to `cap`;
    after `give_up` seconds in all it stops (a supervisor restarting it then sees why)."""

    first: float = 1.0
    cap: float = 15.0
    give_up: float = 120.0


CONNECT = Backoff()


def api_base(settings: Settings) -> str:
    """The Web API base URL the bot talks to (`PARTNERBOT_SLACK_API_URL`, or Slack's)."""
    return settings.slack_api_url.rstrip("/") + "/" if settings.slack_api_url \
        else WebClient.BASE_URL


def _reason(exc: BaseException) -> str:
    if isinstance(exc, URLError):
        inner = exc.reason
        return (getattr(inner, "strerror", None) or str(inner)) if isinstance(inner, OSError) \
            else str(inner)
    if isinstance(exc, OSError) and exc.strerror:
        return exc.strerror
    return f"{type(exc).__name__}: {exc}"


def wait_for_slack(settings: Settings, readiness: Readiness, backoff: Backoff = CONNECT,
                   sleep: Callable[[float], None] = time.sleep) -> None:
    """Return once `auth.test` accepts the token; retry while Slack is unreachable or says
    "not now" (429, 5xx). A refused token, or Slack still unreachable after
    `backoff.give_up` seconds, is a one-line SettingsError."""
    base = api_base(settings)
    url = base + "auth.test"
    client = WebClient(token=settings.slack_bot_token, base_url=base, timeout=10,
                       logger=_PROBE_LOG)
    client.retry_handlers = []  # the waiting is ours, with a log line per try
    started, delay = time.monotonic(), backoff.first
    while True:
        try:
            client.auth_test()
            return
        except SlackApiError as exc:
            status = exc.response.status_code if exc.response is not None else 0
            if status not in _TRANSIENT:
                error = exc.response.get("error") if exc.response is not None else exc
                raise SettingsError(f"SLACK_BOT_TOKEN could not be verified with Slack at "
                                    f"{url}: {error}") from None
            reason = f"HTTP {status}"
        except (SlackClientError, OSError) as exc:  # URLError: refused, unreachable, timeout
            reason = _reason(exc)
        left = backoff.give_up - (time.monotonic() - started)
        if left <= 0:
            raise SettingsError(f"Slack API unreachable at {url} ({reason}); gave up after "
                                f"{backoff.give_up:g} s (check the network, or "
                                f"PARTNERBOT_SLACK_API_URL)")
        wait = min(delay, left)
        readiness.not_ready(f"Slack API unreachable at {url} ({reason})")
        log.warning("Slack API unreachable at %s (%s); retrying in %.1f s", url, reason, wait)
        sleep(wait)
        delay = min(delay * 2, backoff.cap)


def _app(settings: Settings, engine: Engine, socket_mode: bool) -> App:
    try:
        return build_app(engine, settings, socket_mode=socket_mode)
    except BoltError as exc:  # auth.test refused the token
        raise SettingsError(f"SLACK_BOT_TOKEN could not be verified with Slack: {exc}") from None
    except (SlackClientError, OSError) as exc:  # Slack went away again since wait_for_slack
        raise SettingsError(f"Slack API unreachable at {api_base(settings)}auth.test "
                            f"({_reason(exc)})") from None


def check_settings(settings: Settings) -> None:
    """Fail with a one-line SettingsError before anything slow (opening the index) starts."""
    settings.require("slack_bot_token")
    if settings.slack_app_token:
        if not settings.slack_app_token.startswith("xapp-"):
            raise SettingsError("SLACK_APP_TOKEN must be an app-level token (xapp-...).")
    else:
        settings.require("slack_signing_secret")
    check_redis(settings)  # several replicas: their shared memory must be there from the start


@contextmanager
def _stop_on_signals(stop: Callable[[], None]) -> Iterator[None]:
    """SIGTERM (a supervisor) and SIGINT (Ctrl-C) call `stop` instead of killing the process
    mid-request; only the main thread can install handlers, elsewhere nothing changes."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def handle(signum: int, frame: FrameType | None) -> None:
        stop()

    previous = {sig: signal.signal(sig, handle) for sig in (signal.SIGTERM, signal.SIGINT)}
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def serve_slack(settings: Settings, engine: Engine, readiness: Readiness | None = None,
                backoff: Backoff | None = None, limits: Limits | None = None) -> None:
    """Run the Slack bot in the foreground until SIGTERM or SIGINT; `readiness` (the health
    endpoint) hears when Slack answers and the bot can take events."""
    check_settings(settings)
    readiness = readiness or Unobserved()
    wait_for_slack(settings, readiness, backoff or CONNECT)
    if settings.slack_app_token:
        handler = SocketModeHandler(_app(settings, engine, socket_mode=True),
                                    settings.slack_app_token)
        handler.connect()
        readiness.ready()
        log.info("Slack: Socket Mode")
        stopped = threading.Event()
        with _stop_on_signals(stopped.set):
            stopped.wait()
        readiness.not_ready("shutting down")
        handler.close()
        return
    app = _app(settings, engine, socket_mode=False)
    try:
        server = make_http_server(app, port=settings.slack_port, limits=limits)
    except OSError as exc:
        raise SettingsError(f"cannot serve Slack on port {settings.slack_port}: "
                            f"{exc.strerror or exc} (set PARTNERBOT_SLACK_PORT)") from None
    readiness.ready()
    log.info("Slack: HTTP on port %d, path %s", server.server_port, EVENTS_PATH)
    try:
        with _stop_on_signals(server.shutdown):
            server.serve_forever()
    finally:
        readiness.not_ready("shutting down")
        server.server_close()
