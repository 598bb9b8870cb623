"""The chat platforms `partnerbot serve <name>` can run, by name.

A platform is a folder under `adapters/` with a `platform.py` whose `PLATFORM` satisfies
`ChatPlatform`; adding one (Teams, Discord) is that folder plus one line in `PLATFORMS`.
Modules are imported only when a platform is looked up, so `partnerbot ask` never loads a
platform SDK.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:  # the registry itself stays light: nothing is loaded until a lookup
    from partnerbot.adapters.health import Readiness
    from partnerbot.bot.engine import Engine
    from partnerbot.bot.settings import Settings

PLATFORMS: dict[str, str] = {
    "slack": "partnerbot.adapters.slack.platform",
    "telegram": "partnerbot.adapters.telegram.platform",
}


class ChatPlatform(Protocol):
    """What `partnerbot serve` needs from a platform. `options` are the serve command's
    flags (`webhook`, `listen`, `port`); a platform uses those it knows and ignores the rest.
    `readiness` (the health endpoint) hears when the platform connection is up."""

    name: str

    def check_settings(self, settings: Settings, **options: Any) -> None:
        """Fail with a one-line SettingsError before anything slow (opening the index)."""
        ...

    def serve(self, settings: Settings, engine: Engine, readiness: Readiness | None = None,
              **options: Any) -> None:
        """Run the bot in the foreground until interrupted."""
        ...


def names() -> list[str]:
    """The platform names, for the command line's choices."""
    return sorted(PLATFORMS)


def platform(name: str) -> ChatPlatform:
    """The platform called `name`; a ValueError listing the known ones otherwise."""
    if name not in PLATFORMS:
        raise ValueError(f"unknown chat platform {name!r} (known: {', '.join(names())})")
    found: ChatPlatform = importlib.import_module(PLATFORMS[name]).PLATFORM
    return found
