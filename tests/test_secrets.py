"""No secret in any log line, error message or reply.

Both bots run for real against the fake APIs with the root logger at DEBUG through the logging
set-up of `partnerbot serve` (so library loggers are captured too: slack_bolt, slack_sdk,
telegram, httpx, whose request lines contain Telegram's `/bot<token>/` URLs). Each drives a
question, failures, and a start-up with a token the platform refuses.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import io
import json
import logging
import socket
import threading
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import closing

import httpx
import pytest
from slack_bolt import App
from slack_bolt.adapter.socket_mode import SocketModeHandler
from slack_bolt.error import BoltError
from slack_sdk import WebClient

from partnerbot.adapters.logs import configure_logging
from partnerbot.adapters.redact import MASK, Redactor
from partnerbot.adapters.slack.app import SlackBot, build_app
from partnerbot.adapters.slack.serve import EVENTS_PATH, make_http_server
from partnerbot.adapters.telegram.app import ALLOWED_UPDATES, build_application
from partnerbot.adapters.telegram.serve import serve_telegram
from partnerbot.bot.engine import Engine
from partnerbot.bot.ops.feedback import FeedbackStore
from partnerbot.bot.settings import Settings, SettingsError
from tests.fakes import telegram_api as tg
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
from tests.fakes.telegram_api import FakeBotAPI

SLACK_BOT_TOKEN = "xoxb-1111-2222-SECRETslackBOTtoken"
SLACK_SIGNING_SECRET = "signing-SECRET-8c1e5f0a9b"
SLACK_APP_TOKEN = "xapp-1-A111-333-SECRETslackAPPtoken"
TELEGRAM_BOT_TOKEN = "424242:SECRET-telegram-token-AbCdEf"
TELEGRAM_WEBHOOK_SECRET = "webhook_SECRET_5d2f9a"
SECRETS = (SLACK_BOT_TOKEN, SLACK_SIGNING_SECRET, SLACK_APP_TOKEN, TELEGRAM_BOT_TOKEN,
           TELEGRAM_WEBHOOK_SECRET)

QUESTION = "When did the MOU between LINK-J and Medicen Paris Region take effect?"
MPR_TITLE = "LINK-J Concludes MOU on Mutual Cooperation with Medicen Paris Region (MPR)"


@pytest.fixture
def cfg(settings: Settings) -> Settings:
    return dataclasses.replace(
        settings, slack_bot_token=SLACK_BOT_TOKEN, slack_signing_secret=SLACK_SIGNING_SECRET,
        slack_app_token=SLACK_APP_TOKEN, telegram_bot_token=TELEGRAM_BOT_TOKEN,
        telegram_webhook_secret=TELEGRAM_WEBHOOK_SECRET)


@pytest.fixture
def logs(cfg: Settings) -> Iterator[io.StringIO]:
    """Everything logged, at DEBUG, as `partnerbot serve` would write it."""
    root = logging.getLogger()
    level = root.level
    buffer = io.StringIO()
    handler = configure_logging(cfg, logging.DEBUG, stream=buffer)
    yield buffer
    root.removeHandler(handler)
    root.setLevel(level)


def assert_no_secret(text: str, where: str) -> None:
    for secret in SECRETS:
        assert secret not in text, f"{secret!r} appears in {where}"
        # the distinctive part alone, in case a library quotes or splits it
        core = next(part for part in secret.replace(":", "-").replace("_", "-").split("-")
                    if "SECRET" in part)
        assert core not in text, f"part of {secret!r} ({core!r}) appears in {where}"


def _post(url: str, raw: str, headers: dict[str, str]) -> int:
    req = urllib.request.Request(url, data=raw.encode(), headers=headers, method="POST")
    try:
        with urllib.request.urlopen(req, timeout=5) as resp:
            return int(resp.status)
    except urllib.error.HTTPError as exc:
        return exc.code


def test_slack_never_shows_a_secret(engine: Engine, cfg: Settings, logs: io.StringIO) -> None:
    errors: list[str] = []
    with FakeSlackAPI() as api, closing(FeedbackStore(cfg.feedback_db)) as store:
        # start-up with a token Slack refuses
        api.fail_next("auth.test", "invalid_auth")
        with pytest.raises(BoltError) as refused:
            build_app(engine, cfg, socket_mode=False, feedback=store,
                      client=WebClient(token=SLACK_BOT_TOKEN, base_url=api.url))
        errors.append(str(refused.value))

        # the HTTP Events API: a question, a forged request, a reply Slack refuses
        listeners = TrackingExecutor()
        app = build_app(engine, cfg, socket_mode=False, feedback=store,
                        listener_executor=listeners,
                        client=WebClient(token=SLACK_BOT_TOKEN, base_url=api.url))
        server = make_http_server(app, host="127.0.0.1", port=0)
        threading.Thread(target=server.serve_forever, args=(0.02,), daemon=True).start()
        url = f"http://127.0.0.1:{server.server_port}{EVENTS_PATH}"
        try:
            raw = json.dumps(event_callback(message_event(QUESTION, mention=True)))
            assert _post(url, raw, signed_headers("forged", raw)) == 401
            assert _post(url, raw, signed_headers(SLACK_SIGNING_SECRET, raw)) == 200
            api.wait_for("chat.postMessage")
            api.fail_next("chat.postMessage", "not_authed")
            raw = json.dumps(event_callback(message_event(QUESTION, mention=True)))
            assert _post(url, raw, signed_headers(SLACK_SIGNING_SECRET, raw)) == 200
            api.wait_for("chat.postMessage", count=2)
            listeners.wait_idle()
        finally:
            server.shutdown()
            server.server_close()
            listeners.shutdown()

        # Socket Mode: the app token opens the connection
        _socket_mode_question(engine, cfg, store, api)

        replies = [c.text_everywhere() for c in api.calls()
                   if c.method in ("chat.postMessage", "chat.postEphemeral")
                   or c.method.startswith("respond/")]
    assert MPR_TITLE in "".join(replies)  # the bot did answer
    assert len(api.calls("apps.connections.open")) == 1
    assert_no_secret("\n".join(replies), "a reply")
    assert_no_secret("\n".join(errors), "an error message")
    text = logs.getvalue()
    assert "chat.postMessage" in text and "not_authed" in text  # library and error lines
    assert_no_secret(text, "the logs")


def _socket_mode_question(engine: Engine, cfg: Settings, store: FeedbackStore,
                          api: FakeSlackAPI) -> None:
    bot = SlackBot(engine, cfg, store)
    with FakeSocketMode() as ws:
        api.socket_mode_url = ws.url
        app: App = build_app(engine, cfg, bot=bot,
                             client=WebClient(token=SLACK_BOT_TOKEN, base_url=api.url))
        handler = SocketModeHandler(app, SLACK_APP_TOKEN)
        handler.connect()
        try:
            ws.wait_connected()
            posted = len(api.calls("chat.postMessage"))
            ws.send_envelope("events_api", event_callback(message_event(QUESTION, mention=True)))
            api.wait_for("chat.postMessage", count=posted + 1)
            cmd = slash_command("status", response_url=api.response_url("status"))
            refused = ws.send_envelope("slash_commands", cmd)
            wait_until(lambda: ws.acks.get(refused), message="the command ack")
        finally:
            handler.client.auto_reconnect_enabled = False
            with contextlib.suppress(AttributeError):  # slack_sdk's close race, as elsewhere
                handler.close()
            ws.hang_up()


def _bound_socket() -> socket.socket:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    sock.listen(16)
    sock.setblocking(False)
    return sock


def test_telegram_never_shows_a_secret(engine: Engine, cfg: Settings, logs: io.StringIO) -> None:
    errors: list[str] = []
    # start-up through `serve_telegram` with a token the server refuses (PTB's own message
    # for that quotes the token)
    with FakeBotAPI(token="999:another-bots-token") as other:
        loop = asyncio.new_event_loop()
        asyncio.set_event_loop(loop)
        try:
            with pytest.raises(SettingsError, match="TELEGRAM_BOT_TOKEN") as refused:
                serve_telegram(cfg, engine, base_url=other.base_url)
        finally:
            asyncio.set_event_loop(None)
            loop.close()
        errors.append(str(refused.value))

    with FakeBotAPI(token=TELEGRAM_BOT_TOKEN) as api, \
            closing(FeedbackStore(cfg.feedback_db)) as store:
        app = build_application(engine, cfg, base_url=api.base_url,
                                base_file_url=api.base_file_url, feedback=store)
        sock = _bound_socket()
        url = f"http://127.0.0.1:{sock.getsockname()[1]}/telegram"
        statuses: list[int] = []

        async def post(client: httpx.AsyncClient, chat_id: int, secret: str) -> None:
            body = json.dumps(tg.update(message=tg.message(QUESTION, chat_id=chat_id)))
            response = await client.post(url, content=body, headers={
                "Content-Type": "application/json", "X-Telegram-Bot-Api-Secret-Token": secret})
            statuses.append(response.status_code)

        async def run() -> None:
            async with app:
                # the webhook: setWebhook carries the secret; a forged update; a question;
                # a reply Telegram refuses (the error handler logs a traceback)
                await app.updater.start_webhook(url_path="telegram", webhook_url=url,
                                                secret_token=TELEGRAM_WEBHOOK_SECRET, unix=sock,
                                                allowed_updates=ALLOWED_UPDATES)
                await app.start()
                async with httpx.AsyncClient(timeout=5) as client:
                    await post(client, 41, "forged")
                    await post(client, 42, TELEGRAM_WEBHOOK_SECRET)
                    await api.until(lambda a: len(a.sent()) == 1)
                    api.reject_next("sendMessage", "Bad Request: chat not found")
                    await post(client, 43, TELEGRAM_WEBHOOK_SECRET)
                    await app.update_queue.join()
                    await api.until(lambda a: len(a.sent()) == 2)  # the apology
                await app.updater.stop()
                await app.stop()

        asyncio.run(run())
        replies = [c.text for c in api.calls_to("sendMessage")]
    assert statuses == [403, 200, 200]
    assert api.calls_to("setWebhook")[0].params["secret_token"] == TELEGRAM_WEBHOOK_SECRET
    assert any(MPR_TITLE.replace("(", "") in r.replace("(", "") for r in replies)
    assert_no_secret("\n".join(replies), "a reply")
    assert_no_secret("\n".join(errors), "an error message")
    text = logs.getvalue()
    assert "HTTP Request: POST" in text and f"/bot{MASK}/sendMessage" in text
    assert "setWebhook" in text and "Chat not found" in text
    assert_no_secret(text, "the logs")


def test_redactor_masks_token_patterns_it_was_not_told_about() -> None:
    redact = Redactor()
    line = ("POST https://api.telegram.org/bot123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw/"
            "getMe, slack xoxb-17653672481-19874698323-pdFZKVeTuE8sk7oOcBrzbqgy, "
            "app xapp-1-A0123-4567-abcdef")
    masked = redact(line)
    assert "AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw" not in masked
    assert "pdFZKVeTuE8sk7oOcBrzbqgy" not in masked and "abcdef" not in masked
    assert masked.startswith(f"POST https://api.telegram.org/bot{MASK}/getMe")


def test_cli_errors_pass_through_the_redactor(monkeypatch: pytest.MonkeyPatch,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    """A config file refused for being world-readable names the file, never its contents;
    and the CLI prints whatever error it gets through the same redaction as the logs."""
    from partnerbot.adapters.cli import main

    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", TELEGRAM_BOT_TOKEN)
    monkeypatch.setenv("PARTNERBOT_INDEX_DIR", f"/nonexistent/{TELEGRAM_BOT_TOKEN}/index")
    monkeypatch.setenv("PARTNERBOT_CORPUS_DIR", f"/nonexistent/{TELEGRAM_BOT_TOKEN}/corpus")
    code = main(["status"])
    err = capsys.readouterr().err
    assert code == 2 and err.startswith("partnerbot: ")
    assert MASK in err
    assert_no_secret(err, "the CLI's error")

