"""Small behaviour every chat adapter shares: calling the engine without ever showing a
traceback, the language of the bot's own words, who is an admin, one-line reasons."""

from __future__ import annotations

import logging
import re
from collections.abc import Collection
from typing import Protocol

from partnerbot.adapters.common.unanswered import notify
from partnerbot.bot.messages import message
from partnerbot.bot.types import Answer, Question

log = logging.getLogger("partnerbot.chat")

UI_LANGS = ("en", "ko", "ja")

_HANGUL = re.compile(r"[\uac00-\ud7a3\u1100-\u11ff\u3130-\u318f]")
_KANA = re.compile(r"[\u3040-\u30ff]")


class Answerer(Protocol):
    """The part of the engine a chat adapter asks."""

    def answer(self, question: Question) -> Answer: ...

    def help(self, lang: str = "en") -> Answer: ...


def one_line(exc: BaseException, limit: int | None = 200) -> str:
    """An exception as a short reason for a chat message or a start-up error: its first line
    only (never a traceback), cut at `limit` characters."""
    text = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
    return text if limit is None or len(text) <= limit else text[: limit - 1] + "…"


def ui_lang(text: str | None, fallback: str | None = None) -> str:
    """Language for the bot's own words (help, refusals, errors) when the engine has not said:
    the script of what the user wrote, else `fallback` (e.g. the user's app language, `ko-KR`
    counts as `ko`) when we speak it, else English. The engine detects the question's
    language itself."""
    body = text or ""
    if _HANGUL.search(body):
        return "ko"
    if _KANA.search(body):
        return "ja"
    code = (fallback or "").split("-")[0].lower()
    return code if code in UI_LANGS else "en"


def is_admin(user_id: str | int | None, admins: Collection[str], command: str = "") -> bool:
    """Whether `user_id` is in the platform's admin list (ids as strings, as in the settings);
    a refusal is logged with the command word only, never what followed it."""
    allowed = user_id is not None and str(user_id) != "" and str(user_id) in admins
    if not allowed:
        log.info("refused admin command %r from user %s", command, user_id)
    return allowed


def answer_or_apology(engine: Answerer, question: Question, lang: str) -> Answer:
    """The engine's answer, or an apology in `lang`: a failure is logged with its traceback
    and the user gets one polite line, never the traceback."""
    try:
        answer = engine.answer(question)
        notify(engine, question, answer)  # an abstention goes into `partnerbot report`
        return answer
    except Exception:
        log.exception("engine.answer failed (%s request %s)", question.platform,
                      question.request_id)
        return Answer(kind="error", text=message("error", lang), lang=lang)


def help_or_apology(engine: Answerer, lang: str) -> Answer:
    """The engine's help (example questions) in `lang`, or an apology."""
    try:
        return engine.help(lang)
    except Exception:
        log.exception("engine.help failed")
        return Answer(kind="error", text=message("error", lang), lang=lang)
