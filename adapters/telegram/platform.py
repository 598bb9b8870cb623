"""Telegram as a `ChatPlatform` for `partnerbot serve telegram [--webhook URL]`."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from partnerbot.adapters.telegram.serve import check_settings, serve_telegram
from partnerbot.bot.engine import Engine
from partnerbot.bot.settings import Settings

if TYPE_CHECKING:
    from partnerbot.adapters.health import Readiness


class TelegramPlatform:
    """Long polling, or a webhook when `webhook` (a public https URL) is given, listening on
    `listen:port` behind the proxy that URL points at."""

    name = "telegram"

    def check_settings(self, settings: Settings, *, webhook: str | None = None,
                       **options: Any) -> None:
        check_settings(settings, webhook)

    def serve(self, settings: Settings, engine: Engine, readiness: Readiness | None = None, *,
              webhook: str | None = None, listen: str = "127.0.0.1", port: int = 8443,
              **options: Any) -> None:
        serve_telegram(settings, engine, webhook_url=webhook, listen=listen, port=port,
                       readiness=readiness)


PLATFORM = TelegramPlatform()
