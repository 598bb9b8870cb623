"""Slack as a `ChatPlatform` for `partnerbot serve slack`."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from partnerbot.adapters.slack.serve import check_settings, serve_slack
from partnerbot.bot.engine import Engine
from partnerbot.bot.settings import Settings

if TYPE_CHECKING:
    from partnerbot.adapters.health import Readiness


class SlackPlatform:
    """Socket Mode or the HTTP Events API, chosen from the settings; takes no serve flags."""

    name = "slack"

    def check_settings(self, settings: Settings, **options: Any) -> None:
        check_settings(settings)

    def serve(self, settings: Settings, engine: Engine, readiness: Readiness | None = None,
              **options: Any) -> None:
        serve_slack(settings, engine, readiness=readiness)


PLATFORM = SlackPlatform()
