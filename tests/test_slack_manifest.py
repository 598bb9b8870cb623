"""The app manifest asks for what the adapter uses, and no more."""

from __future__ import annotations

from pathlib import Path

import yaml

from partnerbot.adapters.slack.app import COMMAND

MANIFEST = Path(__file__).resolve().parent.parent / "slack-manifest.yml"


def test_manifest_matches_the_adapter() -> None:
    m = yaml.safe_load(MANIFEST.read_text(encoding="utf-8"))
    assert [c["command"] for c in m["features"]["slash_commands"]] == [COMMAND]
    scopes = set(m["oauth_config"]["scopes"]["bot"])
    # files:read and file_shared: an admin uploads a release in a DM (adapters/slack/uploads.py)
    assert scopes == {"app_mentions:read", "chat:write", "commands", "im:history", "im:read",
                      "reactions:write", "channels:history", "groups:history", "files:read"}
    events = set(m["settings"]["event_subscriptions"]["bot_events"])
    assert events == {"app_mention", "message.im", "message.channels", "message.groups",
                      "file_shared"}
    assert m["settings"]["interactivity"]["is_enabled"] is True
    assert m["settings"]["socket_mode_enabled"] is True
    assert m["features"]["app_home"]["messages_tab_enabled"] is True
