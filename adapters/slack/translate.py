"""Slack payloads in, `Question`s out: pure functions, no I/O.

Slack delivers message text in its own markup (`<@U123>`, `<#C1|general>`, `<https://x|x>`,
`&amp;`). The engine should see what the person asked, so the markup is unwrapped here, once,
and mentions are dropped: they say who the message is addressed to, not what it asks.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

from partnerbot.adapters.common.chat import ui_lang
from partnerbot.bot.question.clean import clean_question
from partnerbot.bot.types import Question

PLATFORM = "slack"

# Message subtypes that still carry a person's words; every other subtype (edits, deletions,
# joins, bot messages, ...) is housekeeping and never answered.
_ANSWERABLE_SUBTYPES = frozenset({None, "file_share", "thread_broadcast"})

_USER_MENTION = re.compile(r"<@([UW][A-Z0-9]+)(?:\|[^>]*)?>")
_CHANNEL_REF = re.compile(r"<#[A-Z0-9]+\|([^>]*)>|<#[A-Z0-9]+>")
_SPECIAL = re.compile(r"<!(?:subteam\^[A-Z0-9]+|[a-z]+)(?:\|([^>]*))?>")
_DATE_MARKUP = re.compile(r"<!date\^[^|>]*\|([^>]*)>")
_LINK = re.compile(r"<((?:https?|mailto):[^|>]+)(?:\|([^>]*))?>")
_SPACES = re.compile(r"[ \t]+")

_HELP_WORDS = {"help": "en", "?": "en", "도움말": "ko", "도움": "ko", "ヘルプ": "ja"}
_ADMIN_WORDS = frozenset({"reindex", "status"})

CommandKind = Literal["ask", "help", "reindex", "status"]


@dataclass(frozen=True)
class Command:
    """What `/partners ...` asks for; `question` is set only for kind "ask"."""

    kind: CommandKind
    lang: str = "en"
    question: Question | None = None


def unwrap_markup(text: str) -> str:
    """Slack markup to plain words. Mentions of people, groups and broadcasts vanish: they
    address the message, they are not the question (a question naming `@W111` is a question
    about nobody the releases know, hence an abstention), and which id is the bot's is not
    even reliable (bolt's own app_mention payloads mention other ids than auth.test's).
    Channel references become their name, links their label (or address), dates their
    fallback text, and HTML entities are decoded last."""
    text = _USER_MENTION.sub("", text)
    text = _CHANNEL_REF.sub(lambda m: m.group(1) or "", text)
    text = _DATE_MARKUP.sub(lambda m: m.group(1), text)
    text = _SPECIAL.sub("", text)
    text = _LINK.sub(lambda m: m.group(2) or m.group(1).removeprefix("mailto:"), text)
    text = text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
    lines = [_SPACES.sub(" ", line).strip() for line in text.splitlines()]
    return "\n".join(line for line in lines if line)


def mentions(text: str, user_id: str | None) -> bool:
    """Whether `text` mentions `user_id` (Slack also sends these as `app_mention`)."""
    return bool(user_id) and any(m.group(1) == user_id for m in _USER_MENTION.finditer(text))


def is_from_bot(event: Mapping[str, Any], bot_user_id: str | None) -> bool:
    """Bots, including this one, are never answered: two bots would talk forever."""
    return bool(
        event.get("bot_id")
        or event.get("bot_profile")
        or event.get("subtype") == "bot_message"
        or (bot_user_id and event.get("user") == bot_user_id)
    )


def is_answerable(event: Mapping[str, Any], bot_user_id: str | None) -> bool:
    """A person's new message with a user id: not an edit, a deletion, a join, or a bot."""
    return (
        event.get("subtype") in _ANSWERABLE_SUBTYPES
        and bool(event.get("user"))
        and not is_from_bot(event, bot_user_id)
    )


def event_to_question(event: Mapping[str, Any], bot_user_id: str | None) -> Question | None:
    """The question in a message or app_mention event, or None when there is nothing to
    answer (a bot wrote it, it is housekeeping, or only the mention was left)."""
    if not is_answerable(event, bot_user_id):
        return None
    text = clean_question(unwrap_markup(str(event.get("text") or "")))
    if not text:
        return None
    return Question(text=text, user_id=str(event["user"]), platform=PLATFORM)


def thread_of(event: Mapping[str, Any]) -> str:
    """The thread a reply to this message belongs in: its own thread, or a new one under it."""
    return str(event.get("thread_ts") or event["ts"])


def parse_command(payload: Mapping[str, Any]) -> Command:
    """`/partners` with no text or a help word is help; `reindex`/`status` are admin
    commands; anything else is a question."""
    text = clean_question(unwrap_markup(str(payload.get("text") or "")))
    word = text.strip().lower()
    if not word or word in _HELP_WORDS:
        return Command("help", lang=_HELP_WORDS.get(word, "en"))
    if word in _ADMIN_WORDS:
        return Command("reindex" if word == "reindex" else "status")
    question = Question(text=text, user_id=str(payload.get("user_id") or "") or None,
                        platform=PLATFORM)
    return Command("ask", lang=ui_lang(text), question=question)

