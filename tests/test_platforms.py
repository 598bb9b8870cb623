"""`partnerbot serve <name>` looks platforms up here: adding one is a folder and one line."""

from __future__ import annotations

import dataclasses
import subprocess
import sys
from pathlib import Path

import pytest

from partnerbot.adapters import platforms
from partnerbot.bot.engine import Engine
from partnerbot.bot.settings import Settings, SettingsError

ROOT = Path(__file__).resolve().parents[1]
VARIABLE = {"slack": "SLACK_BOT_TOKEN", "telegram": "TELEGRAM_BOT_TOKEN"}


def test_every_registered_platform_is_a_folder_under_adapters_with_its_name() -> None:
    assert platforms.names() == ["slack", "telegram"]
    for name in platforms.names():
        found = platforms.platform(name)
        assert found.name == name
        assert platforms.PLATFORMS[name] == f"partnerbot.adapters.{name}.platform"
        assert (ROOT / "adapters" / name / "platform.py").is_file()


def test_an_unknown_platform_names_the_known_ones() -> None:
    with pytest.raises(ValueError, match=r"'teams' \(known: slack, telegram\)"):
        platforms.platform("teams")


def test_the_registry_loads_no_platform_sdk_until_asked() -> None:
    code = ("import sys; import partnerbot.adapters.platforms as p; "
            "loaded = sorted(m for m in sys.modules if m.split('.')[0] in "
            "('slack_bolt', 'slack_sdk', 'telegram')); print(loaded); "
            "p.platform('telegram'); print('telegram' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, cwd=ROOT).stdout.split("\n")
    assert out[:2] == ["[]", "True"]


@pytest.mark.parametrize("name", ["slack", "telegram"])
def test_start_up_checks_run_through_the_registry(name: str, settings: Settings,
                                                  engine: Engine) -> None:
    """The same one-line errors as the platforms' own checks, before and at serve."""
    found = platforms.platform(name)
    for start in (lambda: found.check_settings(settings, webhook=None, listen="127.0.0.1",
                                               port=8443),
                  lambda: found.serve(settings, engine, webhook=None)):
        with pytest.raises(SettingsError) as info:
            start()
        assert VARIABLE[name] in str(info.value) and "\n" not in str(info.value)


def test_serve_flags_reach_the_platform_that_knows_them(settings: Settings) -> None:
    cfg = dataclasses.replace(settings, telegram_bot_token="1:t", slack_bot_token="xoxb-1",
                              slack_signing_secret="s", telegram_webhook_secret="s3cret")
    options = {"webhook": "http://bot.example.org/tg", "listen": "0.0.0.0", "port": 8443}
    with pytest.raises(SettingsError, match="https"):
        platforms.platform("telegram").check_settings(cfg, **options)
    platforms.platform("telegram").check_settings(cfg, **{**options, "webhook": None})
    platforms.platform("slack").check_settings(cfg, **options)  # Slack has no such flags
