"""`partnerbot serve telegram [--webhook URL]`: run the bot until interrupted.

PTB's webhook server reads any body whole before checking the secret, answers a body that
is not JSON with a 500 (its handler lets the `JSONDecodeError` escape), and offers no hook for
its request handler, so `StrictWebhookApp` stands in for its tornado application: 403 on the
headers, 413 over the cap, 400 to anything that is not an Update.
"""

from __future__ import annotations

import asyncio
import json
import logging
import re
from typing import Any
from urllib.parse import urlsplit

import tornado.web
from telegram import Update
from telegram.error import InvalidToken
from telegram.ext import Application
from telegram.ext import _updater as ptb_updater
from telegram.ext._utils.webhookhandler import TelegramHandler, WebhookAppClass
from tornado.http1connection import HTTP1Connection

from partnerbot.adapters.health import Readiness, Unobserved
from partnerbot.adapters.stores.factory import check_redis
from partnerbot.adapters.telegram.app import ALLOWED_UPDATES, build_application
from partnerbot.bot.engine import Engine
from partnerbot.bot.settings import Settings, SettingsError
from partnerbot.corpus.sizes import over_limit

log = logging.getLogger("partnerbot.telegram")

_SECRET = re.compile(r"^[A-Za-z0-9_-]{1,256}$")  # what Telegram accepts as secret_token


MAX_UPDATE_BYTES = 1 << 20  # an Update is a few KB; 1 MiB, as on Slack's side


@tornado.web.stream_request_body
class StrictTelegramHandler(TelegramHandler):
    """PTB's webhook handler, refusing before the body is read and answering 400 (not 500)
    to a body that is not an Update.

    PTB's handler gets the body only once tornado has read all of it (up to 100 MB), so a
    caller without the secret could make the process buffer as much as it sends. Streamed,
    the content type and the secret token are checked on the headers (403, as PTB does, so
    a caller without the secret learns nothing about the body), then the declared and the
    received length against `MAX_UPDATE_BYTES` (413); only then is the body kept."""

    def initialize(self, bot: Any, update_queue: asyncio.Queue[object],
                   secret_token: str) -> None:
        super().initialize(bot, update_queue, secret_token)
        self._chunks: list[bytes] = []
        self._size = 0

    def prepare(self) -> None:
        self._validate_post()
        length = self.request.headers.get("Content-Length", "0")
        if not length.isdigit() or int(length) > MAX_UPDATE_BYTES:
            raise tornado.web.HTTPError(413, reason=f"Body {over_limit(None, MAX_UPDATE_BYTES)}")
        connection = self.request.connection
        if isinstance(connection, HTTP1Connection):  # chunked bodies too
            connection.set_max_body_size(MAX_UPDATE_BYTES)

    def data_received(self, chunk: bytes) -> None:
        self._size += len(chunk)
        if self._size > MAX_UPDATE_BYTES:
            raise tornado.web.HTTPError(413, reason=f"Body {over_limit(None, MAX_UPDATE_BYTES)}")
        self._chunks.append(chunk)

    async def post(self) -> None:
        self.request.body = b"".join(self._chunks)
        try:
            data = json.loads(self.request.body)
            if not isinstance(data, dict) or not isinstance(data.get("update_id"), int):
                raise ValueError("not an Update")
            Update.de_json(data, self.bot)
        except Exception as exc:  # untrusted input: any failure is the body's
            log.warning("Telegram webhook: body is not an Update (%s), answered 400",
                        type(exc).__name__)
            raise tornado.web.HTTPError(400, reason="Not a Telegram Update") from None
        await super().post()


class StrictWebhookApp(WebhookAppClass):
    """PTB's webhook application with `StrictTelegramHandler` on the webhook path."""

    def __init__(self, webhook_path: str, bot: Any, update_queue: asyncio.Queue[object],
                 secret_token: str | None = None) -> None:
        self.shared_objects = {"bot": bot, "update_queue": update_queue,
                               "secret_token": secret_token}
        tornado.web.Application.__init__(
            self, [(rf"{webhook_path}/?", StrictTelegramHandler, self.shared_objects)])


def strict_webhooks() -> None:
    """Make PTB's `Updater` build `StrictWebhookApp` for its webhook server (it names the
    class at start, and takes no other). Checked against PTB 22's names, which pyproject
    pins; if they moved, fail loudly rather than serve 500s."""
    if getattr(ptb_updater, "WebhookAppClass", None) not in (WebhookAppClass, StrictWebhookApp):
        raise RuntimeError("python-telegram-bot's webhook internals moved: update "
                           "adapters/telegram/serve.py:strict_webhooks")
    ptb_updater.WebhookAppClass = StrictWebhookApp  # type: ignore[misc]


def report_ready(application: Application, readiness: Readiness) -> None:
    """Tell `readiness` once the application runs (Telegram accepted the token, and polling
    or the webhook server has started); PTB has no hook after `start()`, so the hook after
    `initialize()` starts a task that waits for it."""
    before = application.post_init

    async def post_init(app: Application) -> None:
        if before is not None:
            await before(app)

        async def wait_running() -> None:
            while not app.running:
                await asyncio.sleep(0.05)
            readiness.ready()

        asyncio.get_running_loop().create_task(wait_running())

    application.post_init = post_init


def webhook_options(settings: Settings, webhook_url: str, listen: str, port: int) -> dict[str, Any]:
    """Arguments for `run_webhook`, validated up front so a bad value is a one-line error now
    rather than a rejected `setWebhook` later.

    A webhook without a secret would let anyone who guesses the URL inject updates, so the
    secret is required. The local path is the URL's path: a reverse proxy usually forwards
    `https://host/<path>` to `http://listen:port/<path>` unchanged.
    """
    settings.require("telegram_webhook_secret")
    secret = settings.telegram_webhook_secret
    if not _SECRET.match(secret):
        raise SettingsError(
            "PARTNERBOT_TELEGRAM_WEBHOOK_SECRET may only contain A-Z, a-z, 0-9, "
            "_ and - (1 to 256 characters)."
        )
    parts = urlsplit(webhook_url)
    if parts.scheme != "https" or not parts.netloc:
        raise SettingsError(
            f"the webhook URL must be https://…, not {webhook_url!r} "
            "(Telegram only calls HTTPS webhooks)."
        )
    return {
        "listen": listen,
        "port": port,
        "url_path": parts.path.strip("/"),
        "webhook_url": webhook_url,
        "secret_token": secret,
        "allowed_updates": ALLOWED_UPDATES,
    }


def check_settings(settings: Settings, webhook_url: str | None = None) -> None:
    """Everything `serve_telegram` needs, checked before the (possibly slow) engine opens."""
    settings.require("telegram_bot_token")
    if webhook_url:
        webhook_options(settings, webhook_url, "127.0.0.1", 8443)
    check_redis(settings)  # several replicas: their shared memory must be there from the start


def _bot_api(url: str) -> str | None:
    """PTB wants the base URL up to `/bot` (it appends the token); accept it with or without."""
    if not url:
        return None
    url = url.rstrip("/")
    return url if url.endswith("/bot") else url + "/bot"


def serve_telegram(
    settings: Settings,
    engine: Engine,
    webhook_url: str | None = None,
    listen: str = "127.0.0.1",
    port: int = 8443,
    base_url: str | None = None,
    readiness: Readiness | None = None,
) -> None:
    """Long polling by default; with `webhook_url`, a webhook server on `listen:port` behind
    the TLS-terminating proxy that `webhook_url` points at. Blocks until SIGINT/SIGTERM.
    `base_url`: another Bot API server than Telegram's (a local one). `readiness` (the health
    endpoint) hears when the bot is running.

    A token Telegram refuses is a SettingsError naming the variable: PTB's own message quotes
    the token, which must never reach a terminal or a log."""
    check_settings(settings, webhook_url)
    options = webhook_options(settings, webhook_url, listen, port) if webhook_url else None
    application = build_application(engine, settings,
                                    base_url=base_url or _bot_api(settings.telegram_api_url))
    readiness = readiness or Unobserved()
    report_ready(application, readiness)
    try:
        if options is None:
            application.run_polling(allowed_updates=ALLOWED_UPDATES)
        else:
            strict_webhooks()
            application.run_webhook(**options)
    except InvalidToken:
        raise SettingsError("TELEGRAM_BOT_TOKEN was refused by Telegram (Unauthorized): "
                            "check it with @BotFather.") from None
    finally:
        readiness.not_ready("shutting down")
