"""Telegram message -> Question: private chats, group rules, mentions, /ask, topics, language."""

from __future__ import annotations

from typing import Any

import pytest
from telegram import Message

from partnerbot.adapters.telegram.translate import (
    BotIdentity,
    ReplyTarget,
    addressed_text,
    reply_target,
    to_question,
    ui_lang,
)
from tests.fakes import telegram_api as tg

ME = BotIdentity(id=tg.BOT_ID, username=tg.BOT_USERNAME)
GROUP = {"chat_id": -100123, "chat_type": "supergroup"}


def msg(text: str, **kw: Any) -> Message:
    return Message.de_json(tg.message(text, **kw), None)


def test_private_chat_any_text_is_a_question() -> None:
    q = to_question(msg("When did the LINK-J MOU take effect?", user_id=7), ME)
    assert q is not None
    assert (q.text, q.user_id, q.platform) == (
        "When did the LINK-J MOU take effect?",
        "7",
        "telegram",
    )
    assert q.lang is None  # the engine detects it from the text


def test_group_message_without_mention_is_ignored() -> None:
    assert to_question(msg("When did the LINK-J MOU take effect?", **GROUP), ME) is None
    assert to_question(msg("@someone_else what about LINK-J?", **GROUP), ME) is None


@pytest.mark.parametrize(
    "text",
    [
        f"@{tg.BOT_USERNAME} When did the LINK-J MOU take effect?",
        f"When did the LINK-J MOU take effect? @{tg.BOT_USERNAME}",
        f"When did the @{tg.BOT_USERNAME.upper()} LINK-J MOU take effect?",
    ],
)
def test_group_mention_is_stripped(text: str) -> None:
    q = to_question(msg(text, **GROUP), ME)
    assert q is not None and q.text == "When did the LINK-J MOU take effect?"


def test_mention_offsets_are_utf16() -> None:
    # The emoji takes two UTF-16 units: a code-point offset would cut the wrong characters.
    q = to_question(msg(f"🧬 @{tg.BOT_USERNAME} LINK-J와 메디센 협약은?", **GROUP), ME)
    assert q is not None and q.text == "🧬 LINK-J와 메디센 협약은?"


@pytest.mark.parametrize(
    "text",
    [
        "/ask When did the LINK-J MOU take effect?",
        f"/ask@{tg.BOT_USERNAME} When did the LINK-J MOU take effect?",
    ],
)
def test_ask_command_in_group(text: str) -> None:
    q = to_question(msg(text, **GROUP), ME)
    assert q is not None and q.text == "When did the LINK-J MOU take effect?"


def test_ask_for_another_bot_and_other_commands_are_not_questions() -> None:
    assert addressed_text(msg("/ask@other_bot hello", **GROUP), ME) is None
    assert addressed_text(msg("/sources", chat_id=42), ME) is None


def test_addressed_but_empty_is_not_a_question_but_is_noticed() -> None:
    bare = msg(f"@{tg.BOT_USERNAME}", **GROUP)
    assert addressed_text(bare, ME) == "" and to_question(bare, ME) is None
    assert addressed_text(msg("/ask", **GROUP), ME) == ""


def test_reply_to_the_bot_is_a_question_reply_to_someone_else_is_not() -> None:
    to_bot = tg.bot_message("Here is what the releases say: …", chat_id=-100123)
    q = to_question(msg("And with Kanagawa?", reply_to=to_bot, **GROUP), ME)
    assert q is not None and q.text == "And with Kanagawa?"
    to_user = tg.message("hi", chat_id=-100123, chat_type="supergroup", user_id=99)
    assert to_question(msg("And with Kanagawa?", reply_to=to_user, **GROUP), ME) is None


def test_reply_target_keeps_forum_topic_only() -> None:
    topic = msg("q", thread_id=77, message_id=5, **GROUP)
    assert reply_target(topic) == ReplyTarget(chat_id=-100123, message_id=5, thread_id=77)
    plain = Message.de_json(
        {**tg.message("q", message_id=6, **GROUP), "message_thread_id": 3}, None
    )  # a reply chain in a plain group: not a topic
    assert reply_target(plain).thread_id is None


@pytest.mark.parametrize(
    ("text", "code", "expected"),
    [
        ("LINK-J와 메디센 파리 리전의 양해각서는 언제부터 효력이 발생했나요?", "en", "ko"),
        ("LINK-Jとの協定はいつですか", None, "ja"),
        ("/help", "ko-KR", "ko"),
        ("/start", "fr", "en"),
        ("When did the MOU take effect?", None, "en"),
    ],
)
def test_ui_language(text: str, code: str | None, expected: str) -> None:
    assert ui_lang(text, code) == expected


KANAGAWA = "When did LINK-J sign the MOU with Kanagawa Prefecture?"


def entity(text: str, part: str, kind: str) -> dict[str, Any]:
    start = len(text[: text.index(part)].encode("utf-16-le")) // 2
    return {"type": kind, "offset": start, "length": len(part.encode("utf-16-le")) // 2}


@pytest.mark.parametrize(("text", "kw"), [
    (f"@someone_else {KANAGAWA}", {}),
    (f"@{tg.BOT_USERNAME} @someone_else {KANAGAWA}", GROUP),
    (f"/ask @someone_else {KANAGAWA}", GROUP),
    (f"/ask@{tg.BOT_USERNAME} {KANAGAWA} @someone_else", GROUP),
])
def test_mentions_of_other_people_are_not_part_of_the_question(text: str,
                                                                kw: dict[str, Any]) -> None:
    q = to_question(msg(text, **kw), ME)
    assert q is not None and q.text == KANAGAWA


def test_a_bot_command_inside_the_text_is_not_part_of_the_question() -> None:
    text = f"{KANAGAWA} /help /sources@{tg.BOT_USERNAME}"
    data = tg.message(text)
    data["entities"] = [entity(text, "/help", "bot_command"),
                        entity(text, f"/sources@{tg.BOT_USERNAME}", "bot_command")]
    q = to_question(Message.de_json(data, None), ME)
    assert q is not None and q.text == KANAGAWA


def test_a_text_mention_keeps_its_name() -> None:
    """A text_mention is a name typed as words (a user without a username): plain text."""
    text = f"Mina asks: {KANAGAWA}"
    data = tg.message(text)
    data["entities"] = [{**entity(text, "Mina", "text_mention"), "user": tg.user(9)}]
    q = to_question(Message.de_json(data, None), ME)
    assert q is not None and q.text == text
