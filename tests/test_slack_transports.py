"""Both transports over real sockets: the HTTP Events API server `serve_slack` runs, and Socket
Mode through slack_sdk's built-in client against a local WebSocket server."""

from __future__ import annotations

import contextlib
import dataclasses
import json
import threading
import urllib.error
import urllib.request
from collections.abc import Iterator
from urllib.parse import urlencode

import pytest
from slack_bolt.adapter.socket_mode import SocketModeHandler
from slack_sdk import WebClient

from partnerbot.adapters.slack.app import SlackBot, build_app
from partnerbot.adapters.slack.serve import (
    EVENTS_PATH,
    check_settings,
    make_http_server,
    serve_slack,
)
from partnerbot.bot.engine import Engine
from partnerbot.bot.messages import message
from partnerbot.bot.ops.feedback import FeedbackStore
from partnerbot.bot.settings import Settings, SettingsError
from tests.fakes.slack_api import (
    FakeSlackAPI,
    FakeSocketMode,
    TrackingExecutor,
    event_callback,
    message_event,
    signed_headers,
    slash_command,
    wait_until,
)

SECRET = "transport-secret"
QUESTION = "When did LINK-J sign the MOU with Kanagawa Prefecture?"


@pytest.fixture
def cfg(settings: Settings) -> Settings:
    return dataclasses.replace(settings, slack_bot_token="xoxb-test",
                               slack_signing_secret=SECRET)


@pytest.fixture
def api() -> Iterator[FakeSlackAPI]:
    with FakeSlackAPI() as fake:
        yield fake


def _post(url: str, raw: str, headers: dict[str, str]) -> tuple[int, str]:
    req = urllib.request.Request(url, data=raw.encode(), headers=headers, method="POST")
    try:
        with urllib.request.urlopen(req, timeout=5) as resp:
            return resp.status, resp.read().decode()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode()


def test_http_events_api_over_a_real_listener(engine: Engine, cfg: Settings,
                                              api: FakeSlackAPI) -> None:
    store = FeedbackStore(cfg.feedback_db)
    listeners = TrackingExecutor()
    app = build_app(engine, cfg, client=WebClient(token="xoxb-test", base_url=api.url),
                    feedback=store, listener_executor=listeners)
    server = make_http_server(app, host="127.0.0.1", port=0)
    thread = threading.Thread(target=server.serve_forever, args=(0.02,), daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{server.server_port}{EVENTS_PATH}"
    try:
        # Slack's URL check when the Request URL is saved
        raw = json.dumps({"type": "url_verification", "challenge": "c-123", "token": "x"})
        status, body = _post(url, raw, signed_headers(SECRET, raw))
        assert (status, json.loads(body)) == (200, {"challenge": "c-123"})

        event = message_event(QUESTION, mention=True)
        raw = json.dumps(event_callback(event))
        assert _post(url, raw, signed_headers("not-the-secret", raw))[0] == 401
        listeners.wait_idle()
        assert api.calls("chat.postMessage") == []

        assert _post(url, raw, signed_headers(SECRET, raw))[0] == 200
        (post,) = api.wait_for("chat.postMessage")
        assert post.body["thread_ts"] == event["ts"]
        assert "Kanagawa Prefecture" in post.text_everywhere()

        form = urlencode(slash_command("help", response_url=api.response_url("help")))
        status, _ = _post(url, form, signed_headers(
            SECRET, form, content_type="application/x-www-form-urlencoded"))
        assert status == 200
        api.wait_for("respond/help")
    finally:
        server.shutdown()
        server.server_close()
        listeners.wait_idle()
        listeners.shutdown()
        store.close()


def test_socket_mode_against_a_local_websocket(engine: Engine, cfg: Settings,
                                               api: FakeSlackAPI) -> None:
    cfg = dataclasses.replace(cfg, slack_signing_secret="", slack_app_token="xapp-test")
    store = FeedbackStore(cfg.feedback_db)
    bot = SlackBot(engine, cfg, store)
    with FakeSocketMode() as ws:
        api.socket_mode_url = ws.url
        app = build_app(engine, cfg, client=WebClient(token="xoxb-test", base_url=api.url),
                        bot=bot)
        handler = SocketModeHandler(app, cfg.slack_app_token)
        handler.connect()
        try:
            ws.wait_connected()
            opened = api.calls("apps.connections.open")[0]
            assert opened.headers["authorization"] == "Bearer xapp-test"

            event = message_event(QUESTION, mention=True)
            body = event_callback(event)
            envelope = ws.send_envelope("events_api", body)
            (post,) = api.wait_for("chat.postMessage")
            assert post.body["thread_ts"] == event["ts"]
            assert "Kanagawa Prefecture" in post.text_everywhere()
            wait_until(lambda: envelope in ws.acks, message="the envelope ack")

            # the same event again (Slack's retry_attempt) is acked and not answered again
            again = ws.send_envelope("events_api", body, retry_attempt=1)
            wait_until(lambda: again in ws.acks, message="the retry's ack")

            cmd = slash_command("reindex", user="UALICE01", response_url=api.response_url())
            refused = ws.send_envelope("slash_commands", cmd)
            ack = wait_until(lambda: ws.acks.get(refused), message="the command ack")
            assert ack["payload"]["text"] == message("admin_only", "en")
        finally:
            handler.client.auto_reconnect_enabled = False
            # slack_sdk's builtin connection races its receive thread on close (it can set
            # `sock` to None between the None check and `sock.close()`); close from our side
            # first, and don't let that library race fail the test.
            with contextlib.suppress(AttributeError):
                handler.close()
            ws.hang_up()
    assert len(api.calls("chat.postMessage")) == 1
    store.close()


def test_serve_slack_names_the_missing_variable(engine: Engine, settings: Settings) -> None:
    with pytest.raises(SettingsError, match=r"^SLACK_BOT_TOKEN is not set"):
        serve_slack(settings, engine)
    http = dataclasses.replace(settings, slack_bot_token="xoxb-test")
    with pytest.raises(SettingsError, match=r"^SLACK_SIGNING_SECRET is not set"):
        serve_slack(http, engine)
    wrong = dataclasses.replace(http, slack_app_token="xoxb-not-an-app-token")
    with pytest.raises(SettingsError, match="SLACK_APP_TOKEN"):
        serve_slack(wrong, engine)
    check_settings(dataclasses.replace(http, slack_app_token="xapp-1"))  # socket: no secret
    check_settings(dataclasses.replace(http, slack_signing_secret="s"))
