"""Telegram message -> `Question`: who is addressed, what was asked, where to reply.

Pure functions over python-telegram-bot's data classes (no network, no bot calls), so the group
rules can be tested on a hand-built `Message` without a server.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from telegram import Message, MessageEntity
from telegram.constants import ChatType

from partnerbot.adapters.common import chat
from partnerbot.bot.question.clean import clean_question
from partnerbot.bot.types import Question

PLATFORM = "telegram"

_COMMAND = re.compile(r"^/(?P<name>[A-Za-z0-9_]+)(?:@(?P<bot>[A-Za-z0-9_]+))?(?:\s+|$)")


@dataclass(frozen=True)
class BotIdentity:
    """The bot as Telegram knows it; mentions and replies are matched against this."""

    id: int
    username: str


@dataclass(frozen=True)
class ReplyTarget:
    """Where an answer goes: the same chat, the same forum topic, quoting the question."""

    chat_id: int
    message_id: int
    thread_id: int | None


def reply_target(message: Message) -> ReplyTarget:
    """Forum topics need `message_thread_id`; in plain groups it is only a reply-chain id and
    must not be sent back (Telegram would reject it), hence the `is_topic_message` check."""
    thread_id = message.message_thread_id if message.is_topic_message else None
    return ReplyTarget(chat_id=message.chat_id, message_id=message.message_id, thread_id=thread_id)


def _is_private(message: Message) -> bool:
    return message.chat.type == ChatType.PRIVATE


def _cut_utf16(text: str, spans: list[tuple[int, int]]) -> str:
    """Remove entity spans; Telegram's offsets count UTF-16 code units, not code points.
    A span that splits a character (never from Telegram itself) drops the broken half."""
    data = text.encode("utf-16-le", errors="surrogatepass")
    for offset, length in sorted(spans, reverse=True):
        data = data[: offset * 2] + data[(offset + length) * 2 :]
    return data.decode("utf-16-le", errors="ignore")


def _entity_text(text: str, offset: int, length: int) -> str:
    """An entity's text; unlike `Message.parse_entity`, never raises on an offset that splits
    a character."""
    return _cut_utf16(text, [(0, offset), (offset + length, len(text) * 2)])


def _split_command(text: str) -> tuple[str, str | None, str] | None:
    """`/ask@bot rest` -> ("ask", "bot", "rest"); None when the text is not a command."""
    match = _COMMAND.match(text)
    if match is None:
        return None
    return match["name"].lower(), match["bot"], text[match.end() :]


def addressed_text(message: Message, bot: BotIdentity) -> str | None:
    """The question text if this message is meant for the bot, else None.

    Private chat: any text. Group: `/ask <q>`, a mention of the bot, or a reply to one of the
    bot's messages. The returned text may be empty ("@bot" alone): the caller then explains how
    to ask rather than silently ignoring someone who clearly wanted the bot.
    """
    text = message.text
    if not text:
        return None
    markup = _markup_spans(message)
    command = _split_command(text)
    if command is not None:
        name, target, _ = command
        if name != "ask" or (target is not None and target.lower() != bot.username.lower()):
            return None  # other commands have their own handlers; /ask@other_bot is not ours
        cut = _split_command(_cut_utf16(text, markup))
        return clean_question(" ".join(cut[2].split())) if cut else ""
    mentions = [
        (entity.offset, entity.length)
        for entity in message.entities
        if entity.type == MessageEntity.MENTION
        and _entity_text(text, entity.offset, entity.length).lower() == "@" + bot.username.lower()
    ]
    replied = message.reply_to_message
    reply_to_bot = (
        replied is not None and replied.from_user is not None and replied.from_user.id == bot.id
    )
    if not (_is_private(message) or mentions or reply_to_bot):
        return None
    return clean_question(" ".join(_cut_utf16(text, markup).split()))


def _markup_spans(message: Message) -> list[tuple[int, int]]:
    """Entities that address rather than ask: every @mention (the bot's or anyone's) and
    every bot command but a leading one (parsed as the command). A `text_mention` is a name
    typed as words and stays."""
    return [
        (entity.offset, entity.length)
        for entity in message.entities
        if entity.type == MessageEntity.MENTION
        or (entity.type == MessageEntity.BOT_COMMAND and entity.offset > 0)
    ]


def to_question(message: Message, bot: BotIdentity) -> Question | None:
    """A `Question` for the engine, or None when the message is not for the bot (or empty).

    `lang` is left to the engine, which detects it from the question text itself; the user's
    app language says nothing about the language they asked in.
    """
    text = addressed_text(message, bot)
    if not text:
        return None
    user = message.from_user
    return Question(text=text, user_id=str(user.id) if user else None, platform=PLATFORM)


def ui_lang(text: str | None, language_code: str | None) -> str:
    """Language for the bot's own words (help, refusals): the script of what the user wrote,
    else their Telegram app language, else English. Commands and mentions are ignored."""
    body = text or ""
    command = _split_command(body)
    if command is not None:
        body = command[2]
    return chat.ui_lang(body, language_code)
