"""Keep secrets (and, when asked, the question being handled) out of text we write out.

Applied to every formatted log line and to the CLI's one-line errors. Known values come from
the settings; patterns catch tokens we were never told about, notably the Bot API URL
`.../bot<id>:<token>/method` that httpx logs for every Telegram request.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import quote, quote_plus

from partnerbot.bot.request_context import current_question
from partnerbot.bot.settings import Settings

MASK = "[REDACTED]"
QUESTION_MASK = "[question]"

SECRET_FIELDS = ("slack_bot_token", "slack_signing_secret", "slack_app_token",
                 "telegram_bot_token", "telegram_webhook_secret", "llm_api_key")

# Telegram bot tokens (also inside /bot<token>/ URLs), Slack bot/user/app tokens.
_PATTERNS = (
    re.compile(r"(?<=/bot)[^/\s]+(?=/)"),
    re.compile(r"\d{3,}:[A-Za-z0-9_-]{20,}"),
    re.compile(r"\bxox[abposr]-[A-Za-z0-9-]+"),
    re.compile(r"\bxapp-[A-Za-z0-9-]+"),
)
# Shorter values would mask ordinary words; a secret that short is no secret anyway.
MIN_SECRET_CHARS = 6
MIN_QUESTION_CHARS = 4


def _forms(value: str) -> set[str]:
    """The ways a value shows up in logged request bodies: as is, JSON-, HTML-, URL-encoded."""
    return {value, json.dumps(value)[1:-1], json.dumps(value, ensure_ascii=False)[1:-1],
            html.escape(value), quote(value, safe=""), quote_plus(value)}


@dataclass(frozen=True)
class Redactor:
    """Masks `secrets` and token patterns; with `mask_questions`, also the text of the
    question being handled in this thread or task (see `bot.request_context`). `secrets` holds
    every encoded form of every value, longest first (`from_settings` prepares it)."""

    secrets: tuple[str, ...] = ()
    mask_questions: bool = False

    @classmethod
    def from_settings(cls, settings: Settings) -> Redactor:
        values = (str(getattr(settings, name) or "") for name in SECRET_FIELDS)
        return cls(_longest_first(form for v in values if len(v) >= MIN_SECRET_CHARS
                                  for form in _forms(v)),
                   mask_questions=not settings.log_questions)

    def __call__(self, text: str) -> str:
        for secret in self.secrets:
            text = text.replace(secret, MASK)
        for pattern in _PATTERNS:
            text = pattern.sub(MASK, text)
        if self.mask_questions:
            question = current_question()
            asked = question.text.strip() if question is not None else ""
            if len(asked) >= MIN_QUESTION_CHARS:
                for form in _longest_first(_forms(asked)):
                    text = text.replace(form, QUESTION_MASK)
        return text


def _longest_first(values: Iterable[str]) -> tuple[str, ...]:
    """A secret containing another must be masked whole, before the shorter one."""
    return tuple(sorted(set(values), key=len, reverse=True))
