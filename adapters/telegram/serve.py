"""`partnerbot serve telegram [--webhook URL]`: run the bot until interrupted."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit

from telegram.error import InvalidToken

from partnerbot.adapters.stores.factory import check_redis
from partnerbot.adapters.telegram.app import ALLOWED_UPDATES, build_application
from partnerbot.bot.engine import Engine
from partnerbot.bot.settings import Settings, SettingsError

_SECRET = re.compile(r"^[A-Za-z0-9_-]{1,256}$")  # what Telegram accepts as secret_token


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
) -> None:
    """Long polling by default; with `webhook_url`, a webhook server on `listen:port` behind
    the TLS-terminating proxy that `webhook_url` points at. Blocks until SIGINT/SIGTERM.
    `base_url`: another Bot API server than Telegram's (a local one).

    A token Telegram refuses is a SettingsError naming the variable: PTB's own message quotes
    the token, which must never reach a terminal or a log."""
    check_settings(settings, webhook_url)
    options = webhook_options(settings, webhook_url, listen, port) if webhook_url else None
    application = build_application(engine, settings,
                                    base_url=base_url or _bot_api(settings.telegram_api_url))
    try:
        if options is None:
            application.run_polling(allowed_updates=ALLOWED_UPDATES)
        else:
            application.run_webhook(**options)
    except InvalidToken:
        raise SettingsError("TELEGRAM_BOT_TOKEN was refused by Telegram (Unauthorized): "
                            "check it with @BotFather.") from None
