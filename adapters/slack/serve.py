"""`partnerbot serve slack`: pick the transport from the settings and run until stopped.

Socket Mode when `SLACK_APP_TOKEN` is set (no public URL needed: the bot dials out), else the
HTTP Events API on `settings.slack_port`, path `/slack/events`, served by bolt's own WSGI
handler on a threaded stdlib server so one slow request never holds up the next ack.
"""

from __future__ import annotations

import logging
from socketserver import ThreadingMixIn
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

from slack_bolt import App
from slack_bolt.adapter.socket_mode import SocketModeHandler
from slack_bolt.adapter.wsgi import SlackRequestHandler
from slack_bolt.error import BoltError

from partnerbot.adapters.slack.app import build_app
from partnerbot.adapters.stores.factory import check_redis
from partnerbot.bot.engine import Engine
from partnerbot.bot.settings import Settings, SettingsError

log = logging.getLogger("partnerbot.slack")

EVENTS_PATH = "/slack/events"


class ThreadingWSGIServer(ThreadingMixIn, WSGIServer):
    """wsgiref's server, one thread per request."""

    daemon_threads = True


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        log.debug("http: " + format, *args)


def make_http_server(app: App, host: str = "0.0.0.0", port: int = 3000) -> ThreadingWSGIServer:
    """An HTTP server for Slack's Events API, interactivity and slash commands, all on
    `/slack/events`; port 0 picks a free port (tests)."""
    handler = SlackRequestHandler(app, path=EVENTS_PATH)
    server = make_server(host, port, handler, server_class=ThreadingWSGIServer,
                         handler_class=_QuietHandler)
    assert isinstance(server, ThreadingWSGIServer)
    return server


def _app(settings: Settings, engine: Engine, socket_mode: bool) -> App:
    try:
        return build_app(engine, settings, socket_mode=socket_mode)
    except BoltError as exc:  # auth.test refused the token, or Slack was unreachable
        raise SettingsError(f"SLACK_BOT_TOKEN could not be verified with Slack: {exc}") from None


def check_settings(settings: Settings) -> None:
    """Fail with a one-line SettingsError before anything slow (opening the index) starts."""
    settings.require("slack_bot_token")
    if settings.slack_app_token:
        if not settings.slack_app_token.startswith("xapp-"):
            raise SettingsError("SLACK_APP_TOKEN must be an app-level token (xapp-...).")
    else:
        settings.require("slack_signing_secret")
    check_redis(settings)  # several replicas: their shared memory must be there from the start


def serve_slack(settings: Settings, engine: Engine) -> None:
    """Run the Slack bot in the foreground until interrupted."""
    check_settings(settings)
    if settings.slack_app_token:
        app = _app(settings, engine, socket_mode=True)
        log.info("Slack: Socket Mode")
        SocketModeHandler(app, settings.slack_app_token).start()
        return
    app = _app(settings, engine, socket_mode=False)
    server = make_http_server(app, port=settings.slack_port)
    log.info("Slack: HTTP on port %d, path %s", server.server_port, EVENTS_PATH)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
