"""The two chat adapters under load: the real bolt App and python-telegram-bot Application,
each against the tests' fake platform API, with the arrival time of every reply recorded.

`SlackTarget` serves the bolt App over HTTP with `make_http_server` and POSTs signed
`app_mention` events to /slack/events; the reply is the `chat.postMessage` in the event's
thread. `TelegramTarget` runs the Application with long polling against the fake Bot API;
the reply is the `sendMessage` that quotes the question. The admin reindex goes through the
chat command in both (`/partners reindex`, `/reindex`).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import html
import http.client
import json
import sys
import threading
import time
import traceback
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from partnerbot.adapters.slack.app import SlackBot, build_app
from partnerbot.adapters.slack.serve import EVENTS_PATH, make_http_server
from partnerbot.adapters.telegram.app import ALLOWED_UPDATES, build_application
from partnerbot.bot.engine import Engine
from partnerbot.bot.messages import message
from partnerbot.bot.ops.feedback import FeedbackStore
from partnerbot.bot.settings import Settings
from tests.fakes import slack_api as fake_slack
from tests.fakes import telegram_api as fake_tg

SIGNING_SECRET = "load-benchmark-secret"
SLACK_ADMIN = "UADMIN001"
TELEGRAM_ADMIN = 9_000


@dataclass(frozen=True)
class Reply:
    at: float  # time.monotonic() when the fake platform received it
    text: str  # what a reader sees (markup and entities resolved)


@dataclass
class Mailbox:
    """Replies by question key, as the fake platform received them; senders wait here."""

    replies: dict[str, list[Reply]] = field(default_factory=lambda: defaultdict(list))
    cond: threading.Condition = field(default_factory=threading.Condition)

    def post(self, key: str, reply: Reply) -> None:
        with self.cond:
            self.replies[key].append(reply)
            self.cond.notify_all()

    def wait(self, key: str, timeout: float) -> bool:
        with self.cond:
            return self.cond.wait_for(lambda: bool(self.replies.get(key)), timeout)

    def get(self, key: str) -> list[Reply]:
        with self.cond:
            return list(self.replies.get(key, []))


@dataclass
class ReindexClock:
    """When the admin command was sent and when its final report reached the platform."""

    sent: float | None = None
    done: float | None = None
    failed: str | None = None
    finished: threading.Event = field(default_factory=threading.Event)

    def finish(self, ok: bool, text: str) -> None:
        self.done = time.monotonic()
        if not ok:
            self.failed = text[:200]
        self.finished.set()


def _prefix(key: str) -> str:
    return message(key, "en", summary="\x00", reason="\x00").split("\x00")[0]


# ---- Slack ----------------------------------------------------------------------------------

def _slack_visible(body: dict[str, Any]) -> str:
    """The text of every block (and the fallback text), entities unescaped."""
    parts: list[str] = [str(body.get("text") or "")]

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            for k, v in node.items():
                if k == "text" and isinstance(v, str):
                    parts.append(v)
                else:
                    walk(v)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(body.get("blocks") or [])
    return html.unescape("\n".join(parts))


class _TimedSlackAPI(fake_slack.FakeSlackAPI):
    """The tests' fake Slack, also handing each threaded `chat.postMessage` to a mailbox
    and watching the admin channel for the reindex report."""

    def __init__(self, mailbox: Mailbox, clock: ReindexClock) -> None:
        super().__init__()
        self.mailbox = mailbox
        self.clock = clock

    def _handle(self, path: str, headers: dict[str, str], raw: str,
                ) -> tuple[int, dict[str, Any] | str, dict[str, str]]:
        at = time.monotonic()
        result = super()._handle(path, headers, raw)
        method = path.split("?", 1)[0].removeprefix("/api/")
        if method in ("chat.postMessage", "chat.update"):
            ctype = headers.get("Content-Type") or headers.get("content-type") or ""
            body = fake_slack._parse_body(raw, ctype)
            text = _slack_visible(body)
            if method == "chat.postMessage" and body.get("thread_ts"):
                self.mailbox.post(f"{body.get('channel')}:{body['thread_ts']}", Reply(at, text))
            elif body.get("channel") == "CADMIN001" and not self.clock.finished.is_set():
                for key, ok in (("reindex_done", True), ("reindex_failed", False)):
                    if text.startswith(_prefix(key)):
                        self.clock.finish(ok=ok, text=text)
        return result


class SlackTarget:
    """bolt App over HTTP, with the fake Web API; `send` posts one signed event."""

    name = "slack"

    def __init__(self, engine: Engine, settings: Settings, mailbox: Mailbox) -> None:
        from slack_sdk import WebClient

        self.clock = ReindexClock()
        self.api = _TimedSlackAPI(mailbox, self.clock).__enter__()
        client = WebClient(token=settings.slack_bot_token, base_url=self.api.url)
        bot = SlackBot(engine, settings, FeedbackStore(settings.feedback_db))
        self.reindexer = bot.reindexer
        app = build_app(engine, settings, client=client, bot=bot, socket_mode=False)
        self.server = make_http_server(app, host="127.0.0.1", port=0)
        self._thread = threading.Thread(target=self.server.serve_forever, args=(0.05,),
                                        daemon=True, name="load-slack-http")
        self._thread.start()
        self.port = self.server.server_port

    def _post(self, body: str, content_type: str) -> int:
        headers = fake_slack.signed_headers(SIGNING_SECRET, body, content_type=content_type)
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        try:
            conn.request("POST", EVENTS_PATH, body=body.encode("utf-8"), headers=headers)
            resp = conn.getresponse()
            resp.read()
            return resp.status
        finally:
            conn.close()

    def send(self, sender: int, text: str) -> str:
        """Post an app_mention from user `sender` in its own channel; returns the reply key."""
        channel = f"C{sender:08d}"
        event = fake_slack.message_event(text, user=f"U{sender:08d}", channel=channel,
                                         mention=True)
        status = self._post(json.dumps(fake_slack.event_callback(event)), "application/json")
        if status != 200:
            raise RuntimeError(f"/slack/events answered HTTP {status}")
        return f"{channel}:{event['ts']}"

    def start_reindex(self) -> None:
        form = fake_slack.slash_command("reindex", response_url=self.api.response_url("admin"),
                                        user=SLACK_ADMIN, channel="CADMIN001")
        self.clock.sent = time.monotonic()
        status = self._post(urlencode(form), "application/x-www-form-urlencoded")
        if status != 200:
            self.clock.finish(ok=False, text=f"/partners reindex answered HTTP {status}")

    def close(self) -> None:
        self.reindexer.wait(60)
        self.server.shutdown()
        self.server.server_close()
        self.api.__exit__(None, None, None)


# ---- Telegram -------------------------------------------------------------------------------

@dataclass
class _TimedBotAPI(fake_tg.FakeBotAPI):
    """The tests' fake Bot API, also handing each `sendMessage` that quotes a question to a
    mailbox and watching the admin chat for the reindex outcome."""

    mailbox: Mailbox = field(default_factory=Mailbox)
    clock: ReindexClock = field(default_factory=ReindexClock)

    def _record(self, call: fake_tg.Call) -> None:
        at = time.monotonic()
        if call.ok and call.method in ("sendMessage", "editMessageText"):
            chat = str(call.params.get("chat_id"))
            text = fake_tg.parse_html(call.text).visible if call.text else ""
            if chat == str(TELEGRAM_ADMIN):
                for key, ok in (("reindex_done", True), ("reindex_failed", False)):
                    if text.startswith(_prefix(key)) and not self.clock.finished.is_set():
                        self.clock.finish(ok=ok, text=text)
            elif call.method == "sendMessage":
                quoted = (call.params.get("reply_parameters") or {}).get("message_id")
                if quoted is not None:
                    self.mailbox.post(f"{chat}:{quoted}", Reply(at, text))
        super()._record(call)


def _quiet_on_hang_up(request: object, client_address: object) -> None:
    """The application hangs up on its pending long poll when it stops; socketserver would
    print that as a traceback. Anything else is still printed."""
    exc = sys.exc_info()[1]
    if not isinstance(exc, ConnectionError):
        traceback.print_exc()


class TelegramTarget:
    """python-telegram-bot Application polling the fake Bot API in a thread of its own."""

    name = "telegram"

    def __init__(self, engine: Engine, settings: Settings, mailbox: Mailbox) -> None:
        self.clock = ReindexClock()
        self.api = _TimedBotAPI(mailbox=mailbox, clock=self.clock).__enter__()
        assert self.api._server is not None
        self.api._server.handle_error = _quiet_on_hang_up  # type: ignore[method-assign]
        self.app = build_application(engine, settings, base_url=self.api.base_url,
                                     base_file_url=self.api.base_file_url)
        self._stop = threading.Event()
        self._ready = threading.Event()
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, daemon=True, name="load-telegram")
        self._thread.start()
        if not self._ready.wait(30):
            raise RuntimeError(f"the Telegram application did not start: {self._error!r}")

    def _run(self) -> None:
        async def main() -> None:
            async with self.app:
                assert self.app.updater is not None
                await self.app.updater.start_polling(
                    poll_interval=0, timeout=dt.timedelta(seconds=1),
                    allowed_updates=ALLOWED_UPDATES)
                await self.app.start()
                self._ready.set()
                await asyncio.to_thread(self._stop.wait)
                await self.app.updater.stop()
                await self.app.stop()

        try:
            asyncio.run(main())
        except BaseException as exc:  # reported by the constructor or close()
            self._error = exc
            self._ready.set()

    def send(self, sender: int, text: str) -> str:
        """A private message from user `sender` (chat id = user id); returns the reply key."""
        chat = 100_000 + sender
        msg = fake_tg.message(text, chat_id=chat, user_id=chat)
        self.api.queue_update(fake_tg.update(message=msg))
        return f"{chat}:{msg['message_id']}"

    def start_reindex(self) -> None:
        msg = fake_tg.message("/reindex", chat_id=TELEGRAM_ADMIN, user_id=TELEGRAM_ADMIN)
        self.clock.sent = time.monotonic()
        self.api.queue_update(fake_tg.update(message=msg))

    def close(self) -> None:
        self.clock.finished.wait(60)
        self._stop.set()
        self._thread.join(30)
        self.api.__exit__(None, None, None)
        if self._error is not None:
            raise RuntimeError(f"the Telegram application failed: {self._error!r}")
