"""Slack payload → Question: mention stripping, bot filtering, command parsing (pure)."""

from __future__ import annotations

from partnerbot.adapters.common.chat import ui_lang
from partnerbot.adapters.slack.translate import (
    event_to_question,
    is_from_bot,
    mentions,
    parse_command,
    thread_of,
    unwrap_markup,
)

BOT = "UBOT0001"


def test_bot_mention_is_dropped_and_entities_decoded() -> None:
    text = f"<@{BOT}> what did LINK-J &amp; MPR sign? &lt;3"
    assert unwrap_markup(text) == "what did LINK-J & MPR sign? <3"


def test_other_people_links_and_channels_become_plain_words() -> None:
    text = (f"<@{BOT}|partnerbot>  ask <@UALICE01> about <https://link-j.org|LINK-J> "
            "in <#C123|bio> <!here> <!subteam^S0001|@bio-team> <#C999> <mailto:a@b.org>")
    assert unwrap_markup(text) == "ask about LINK-J in bio a@b.org"


def test_a_mention_of_another_user_is_not_part_of_the_question() -> None:
    """bolt's own app_mention payloads mention an id other than auth.test's bot user (W...,
    an enterprise id, or another bot): whatever the id, a mention is addressing, not words."""
    question = "When did LINK-J sign the MOU with Kanagawa Prefecture?"
    for text in (f"<@W111> {question}", f"<@U0LAN0Z89> {question}",
                 f"<@U0LAN0Z89|bot> <@W111>  {question}", f"{question} <@W111>"):
        q = event_to_question({"type": "app_mention", "user": "UALICE01", "ts": "1.2",
                               "text": text}, BOT)
        assert q is not None and q.text == question, text


def test_message_event_becomes_question() -> None:
    q = event_to_question({"type": "app_mention", "user": "UALICE01", "ts": "1.2",
                           "text": f"<@{BOT}> LINK-J와 메디센 파리 리전의 양해각서는?"}, BOT)
    assert q is not None
    assert q.text == "LINK-J와 메디센 파리 리전의 양해각서는?"
    assert (q.platform, q.user_id, q.lang) == ("slack", "UALICE01", None)


def test_nothing_to_answer() -> None:
    assert event_to_question({"user": "UALICE01", "text": f"<@{BOT}>", "ts": "1"}, BOT) is None
    edited = {"subtype": "message_changed", "user": "UALICE01", "text": "x", "ts": "1"}
    assert event_to_question(edited, BOT) is None
    assert event_to_question({"text": "no user", "ts": "1"}, BOT) is None


def test_bots_including_itself_are_recognised() -> None:
    assert is_from_bot({"bot_id": "B1", "text": "hi"}, BOT)
    assert is_from_bot({"subtype": "bot_message", "text": "hi"}, BOT)
    assert is_from_bot({"user": BOT, "text": "hi"}, BOT)
    assert not is_from_bot({"user": "UALICE01", "text": "hi"}, BOT)
    assert event_to_question({"user": BOT, "text": "an answer", "ts": "1"}, BOT) is None


def test_mentions() -> None:
    assert mentions(f"hey <@{BOT}> there", BOT)
    assert mentions(f"<@{BOT}|pb>", BOT)
    assert not mentions("hey <@UALICE01>", BOT)
    assert not mentions("anything", None)


def test_thread_of() -> None:
    assert thread_of({"ts": "2.0"}) == "2.0"
    assert thread_of({"ts": "2.0", "thread_ts": "1.0"}) == "1.0"


def test_parse_command() -> None:
    assert parse_command({"text": ""}).kind == "help"
    assert parse_command({"text": " Help "}).kind == "help"
    assert parse_command({"text": "도움말"}).lang == "ko"
    assert parse_command({"text": "reindex"}).kind == "reindex"
    assert parse_command({"text": "STATUS"}).kind == "status"
    cmd = parse_command({"text": "when did LINK-J sign &amp; with whom", "user_id": "UA"})
    assert cmd.kind == "ask" and cmd.question is not None
    assert cmd.question.text == "when did LINK-J sign & with whom"
    assert cmd.question.user_id == "UA" and cmd.question.platform == "slack"
    # an admin word inside a question is a question
    assert parse_command({"text": "status of the LINK-J MOU"}).kind == "ask"


def test_ui_lang_by_script() -> None:
    assert ui_lang("양해각서는 언제?") == "ko"
    assert ui_lang("いつ締結されましたか") == "ja"
    assert ui_lang("when was it signed") == "en"
