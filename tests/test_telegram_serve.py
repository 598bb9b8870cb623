"""Start-up errors are one line naming the variable; webhook options are checked up front."""

from __future__ import annotations

import dataclasses

import pytest

from partnerbot.adapters.telegram.app import ALLOWED_UPDATES, build_application
from partnerbot.adapters.telegram.serve import check_settings, serve_telegram, webhook_options
from partnerbot.bot.engine import Engine
from partnerbot.bot.settings import Settings, SettingsError
from tests.fakes import telegram_api as tg


def test_missing_token_is_a_one_line_error_naming_the_variable(
    settings: Settings, engine: Engine
) -> None:
    for start in (
        lambda: serve_telegram(settings, engine),
        lambda: build_application(engine, settings),
        lambda: check_settings(settings, "https://bot.example.org/tg"),
    ):
        with pytest.raises(SettingsError) as info:
            start()
        assert "TELEGRAM_BOT_TOKEN" in str(info.value) and "\n" not in str(info.value)


def test_webhook_requires_a_valid_secret_and_an_https_url(
    settings: Settings, engine: Engine
) -> None:
    with_token = dataclasses.replace(settings, telegram_bot_token=tg.TOKEN)
    for start in (
        lambda: serve_telegram(with_token, engine, "https://bot.example.org/tg"),
        lambda: check_settings(with_token, "https://bot.example.org/tg"),
    ):
        with pytest.raises(SettingsError, match="PARTNERBOT_TELEGRAM_WEBHOOK_SECRET"):
            start()
    check_settings(with_token)  # polling needs no secret
    bad = dataclasses.replace(with_token, telegram_webhook_secret="no spaces allowed")
    with pytest.raises(SettingsError, match="may only contain"):
        webhook_options(bad, "https://bot.example.org/tg", "127.0.0.1", 8443)
    good = dataclasses.replace(with_token, telegram_webhook_secret="s3cret_Token-1")
    with pytest.raises(SettingsError, match="https"):
        webhook_options(good, "http://bot.example.org/tg", "127.0.0.1", 8443)


def test_webhook_options_serve_the_urls_path_with_the_secret(settings: Settings) -> None:
    good = dataclasses.replace(
        settings, telegram_bot_token=tg.TOKEN, telegram_webhook_secret="s3cret_Token-1"
    )
    options = webhook_options(good, "https://bot.example.org/hooks/telegram/", "0.0.0.0", 8443)
    assert options == {
        "listen": "0.0.0.0",
        "port": 8443,
        "url_path": "hooks/telegram",
        "webhook_url": "https://bot.example.org/hooks/telegram/",
        "secret_token": "s3cret_Token-1",
        "allowed_updates": ALLOWED_UPDATES,
    }
