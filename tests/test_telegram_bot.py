"""The real Application and the real Engine against a fake Bot API server: updates in, what
reached Telegram out. Updates are fed with `process_update`, as python-telegram-bot's own tests
do; tests/test_telegram_transport.py covers polling, the webhook and retries."""

from __future__ import annotations

import asyncio
import dataclasses
import html
import re
from collections.abc import Iterator
from typing import Any

import pytest
from telegram import Update
from telegram.ext import Application

from partnerbot.adapters.telegram.app import build_application, set_commands
from partnerbot.bot.engine import Engine
from partnerbot.bot.messages import message
from partnerbot.bot.ops.feedback import FeedbackStore
from partnerbot.bot.settings import Settings
from partnerbot.bot.types import Question
from tests.fakes import telegram_api as tg
from tests.fakes.telegram_api import FakeBotAPI

ADMIN = 7
GROUP = {"chat_id": -100123, "chat_type": "supergroup"}
KO_QUESTION = "LINK-J와 메디센 파리 리전의 양해각서는 언제부터 효력이 발생했나요?"
EN_QUESTION = "When did the MOU between LINK-J and Medicen Paris Region take effect?"
MPR_TITLE = "LINK-J Concludes MOU on Mutual Cooperation with Medicen Paris Region (MPR)"


@pytest.fixture
def api() -> Iterator[FakeBotAPI]:
    with FakeBotAPI() as fake:
        yield fake


@pytest.fixture
def tg_settings(settings: Settings) -> Settings:
    return dataclasses.replace(
        settings,
        telegram_bot_token=tg.TOKEN,
        telegram_admins=frozenset({str(ADMIN)}),
        telegram_rate_limit=3,
    )


@pytest.fixture
def store(tg_settings: Settings) -> Iterator[FeedbackStore]:
    feedback = FeedbackStore(tg_settings.feedback_db)
    yield feedback
    feedback.close()


@pytest.fixture
def make_app(engine: Engine, tg_settings: Settings, api: FakeBotAPI, store: FeedbackStore) -> Any:
    def make(**kw: Any) -> Application:
        return build_application(
            engine,
            tg_settings,
            base_url=api.base_url,
            base_file_url=api.base_file_url,
            feedback=store,
            **kw,
        )

    return make


def feed(app: Application, *updates: dict[str, Any]) -> None:
    """Initialise the application (getMe), process the updates in order, shut down."""

    async def run() -> None:
        async with app:
            for data in updates:
                await app.process_update(Update.de_json(data, app.bot))

    asyncio.run(run())


def ask(text: str, **kw: Any) -> dict[str, Any]:
    return tg.update(message=tg.message(text, **kw))


def methods(api: FakeBotAPI) -> list[str]:
    return [c.method for c in api.calls if c.method != "getMe"]


def check_html(text: str) -> None:
    """The fake server already refuses invalid HTML; this says which message was wrong."""
    assert tg.html_problem(text) is None, text


def test_private_question_in_english_is_answered_with_cited_sources(
    make_app: Any, api: FakeBotAPI
) -> None:
    question = tg.message(EN_QUESTION, message_id=31)
    feed(make_app(), tg.update(message=question))
    assert methods(api) == ["sendChatAction", "sendMessage"]
    typing = api.calls_to("sendChatAction")[0]
    assert typing.params["action"] == "typing" and typing.params["chat_id"] == "42"
    [sent] = api.sent()
    assert sent.params["parse_mode"] == "HTML"
    assert sent.params["reply_parameters"]["message_id"] == 31  # quotes the question
    assert html.escape(MPR_TITLE) in sent.text and "<b>Sources</b>" in sent.text
    check_html(sent.text)
    buttons = sent.params["reply_markup"]["inline_keyboard"][0]
    assert [b["text"] for b in buttons] == ["👍", "👎"]
    assert all(len(b["callback_data"].encode()) <= 64 for b in buttons)


def test_korean_question_gets_a_korean_reply_citing_the_english_release(
    make_app: Any, api: FakeBotAPI, engine: Engine
) -> None:
    feed(make_app(), ask(KO_QUESTION, language_code="ko"))
    [sent] = api.sent()
    # The reply renders whatever the engine decides (an answer, or an abstention that offers the
    # closest releases); either way it is in Korean and cites the English MPR release.
    expected = engine.answer(Question(KO_QUESTION))
    assert expected.lang == "ko" and expected.kind in ("answer", "abstain")
    first = (f"<b>{html.escape(expected.answer_span)}</b>" if expected.answer_span
             else html.escape(expected.text.splitlines()[0]))  # the answer first, bold
    assert sent.text.startswith(first)
    assert f"<b>{html.escape(expected.sources_heading)}</b>" in sent.text
    assert expected.sources_heading in ("출처", "가장 가까운 보도자료")
    assert html.escape(MPR_TITLE) in sent.text
    for c in expected.citations:  # every cited release, with its [n], publisher and date
        line = next(ln for ln in sent.text.splitlines() if ln.startswith(f"[{c.n}] "))
        assert html.escape(c.title) in line
        assert all(html.escape(p) in line for p in (c.publisher, c.date) if p)
    markers = set(re.findall(r"\[(\d+)\]</blockquote>", sent.text))
    listed = set(re.findall(r"^\[(\d+)\] ", sent.text, flags=re.M))
    assert markers == {str(q.n) for q in expected.quotes} and markers <= listed


def test_group_answers_mention_and_ask_but_not_other_messages(
    make_app: Any, api: FakeBotAPI
) -> None:
    feed(
        make_app(),
        ask(f"@{tg.BOT_USERNAME} {EN_QUESTION}", **GROUP),
        ask(f"/ask {EN_QUESTION}", **GROUP),
        ask(f"/ask@{tg.BOT_USERNAME} {EN_QUESTION}", **GROUP),
        ask(EN_QUESTION, **GROUP),  # not addressed to the bot
        ask(f"/ask@other_bot {EN_QUESTION}", **GROUP),
    )
    sent = api.sent()
    assert len(sent) == 3
    assert all(c.params["chat_id"] == "-100123" for c in sent)
    assert all(html.escape(MPR_TITLE) in c.text for c in sent)
    assert "message_thread_id" not in sent[0].params
    assert len(api.calls_to("sendChatAction")) == 3


def test_bare_mention_explains_how_to_ask(make_app: Any, api: FakeBotAPI) -> None:
    feed(make_app(), ask(f"@{tg.BOT_USERNAME}", **GROUP))
    [sent] = api.sent()
    assert sent.text == html.escape(message("telegram_ask_usage", "en"))


def test_a_private_message_of_invisible_characters_asks_for_a_question(
        make_app: Any, api: FakeBotAPI) -> None:
    """Private chats need no /ask: the reply says to write a question, not to use /ask."""
    feed(make_app(), ask("\u200b\u200c\u200d\u2060\ufeff"))
    [sent] = api.sent()
    assert sent.text == html.escape(message("telegram_private_usage", "en"))
    assert "/ask" not in sent.text


def test_forum_topic_reply_goes_to_the_same_topic(make_app: Any, api: FakeBotAPI) -> None:
    feed(make_app(), ask(f"/ask {EN_QUESTION}", thread_id=77, message_id=12, **GROUP))
    [sent] = api.sent()
    assert sent.params["message_thread_id"] == "77"
    assert sent.params["reply_parameters"]["message_id"] == 12
    assert api.calls_to("sendChatAction")[0].params["message_thread_id"] == "77"


def test_reply_to_the_bots_answer_is_a_follow_up_question(make_app: Any, api: FakeBotAPI) -> None:
    previous = tg.bot_message("Here is what the releases say: …", chat_id=-100123)
    someone = tg.message("hello", chat_id=-100123, chat_type="supergroup", user_id=99)
    feed(
        make_app(),
        ask(EN_QUESTION, reply_to=previous, **GROUP),
        ask(EN_QUESTION, reply_to=someone, **GROUP),
    )
    assert len(api.sent()) == 1


@pytest.mark.parametrize(
    ("command", "code", "lang"), [("/start", "ko", "ko"), ("/help", "en", "en")]
)
def test_start_and_help_in_the_users_language_with_examples(
    make_app: Any, api: FakeBotAPI, engine: Engine, command: str, code: str, lang: str
) -> None:
    feed(make_app(), ask(command, language_code=code))
    [sent] = api.sent()
    check_html(sent.text)
    help_answer = engine.help(lang)
    assert help_answer.examples
    assert html.escape(help_answer.text.splitlines()[0]) in sent.text
    for example in help_answer.examples:
        assert html.escape(example) in sent.text
    assert html.escape(message("telegram_commands", lang).splitlines()[0]) in sent.text
    assert "reply_markup" not in sent.params  # no 👍/👎 under help


def test_sources_lists_releases_newest_first_and_pages(
    make_app: Any, api: FakeBotAPI, engine: Engine
) -> None:
    releases = engine.admin.sources()
    app = make_app(sources_per_page=2)

    async def run() -> None:
        async with app:
            await app.process_update(Update.de_json(ask("/sources"), app.bot))
            first = api.sent()[0]
            next_button = first.params["reply_markup"]["inline_keyboard"][0][-1]
            assert next_button["text"] == "▶"
            shown = tg.bot_message(first.text, chat_id=42, message_id=555)
            press = tg.callback_query(next_button["callback_data"], answer=shown)
            await app.process_update(Update.de_json(tg.update(callback_query=press), app.bot))

    asyncio.run(run())
    first = api.sent()[0]
    positions = [first.text.index(html.escape(r.title)) for r in releases[:2]]
    assert positions == sorted(positions)  # newest first
    assert html.escape(releases[2].title) not in first.text
    [edit] = api.calls_to("editMessageText")
    assert edit.params["message_id"] == "555"
    assert html.escape(releases[2].title) in edit.text and "page 2 of" in edit.text
    assert len(api.calls_to("answerCallbackQuery")) == 1


def test_html_in_a_question_never_reaches_telegram_unescaped(
    make_app: Any, api: FakeBotAPI
) -> None:
    evil = '<b>LINK-J</b> & <a href="javascript:x">MPR</a> <script>alert(1)</script> MOU?'
    feed(make_app(), ask(evil), ask(f"@{tg.BOT_USERNAME} {evil}", **GROUP))
    assert len(api.sent()) == 2
    for sent in api.sent():
        assert "<script>" not in sent.text and "javascript:" not in sent.text
        check_html(sent.text)


def test_feedback_button_is_answered_and_recorded(
    make_app: Any, api: FakeBotAPI, store: FeedbackStore, engine: Engine
) -> None:
    app = make_app()

    async def run() -> None:
        async with app:
            await app.process_update(Update.de_json(ask(EN_QUESTION, user_id=42), app.bot))
            answer = api.sent()[0]
            down = answer.params["reply_markup"]["inline_keyboard"][0][1]["callback_data"]
            press = tg.callback_query(down, answer=tg.bot_message(answer.text, chat_id=42))
            await app.process_update(Update.de_json(tg.update(callback_query=press), app.bot))

    asyncio.run(run())
    [answered] = api.calls_to("answerCallbackQuery")
    assert answered.params["text"] == message("feedback_thanks", "en")
    [fb] = store.all()
    expected = engine.answer(Question(EN_QUESTION))
    assert (fb.platform, fb.user_id, fb.verdict, fb.question) == (
        "telegram",
        "42",
        "down",
        EN_QUESTION,
    )
    assert fb.release_ids == tuple(c.doc_id for c in expected.citations) and fb.release_ids


def test_feedback_after_a_restart_falls_back_to_the_quoted_question(
    make_app: Any, api: FakeBotAPI, store: FeedbackStore
) -> None:
    question = tg.message(EN_QUESTION, user_id=42)
    shown = {**tg.bot_message("Here is what …", chat_id=42), "reply_to_message": question}
    feed(make_app(), tg.update(callback_query=tg.callback_query("fb:u:0123456789ab", answer=shown)))
    [fb] = store.all()
    assert (fb.verdict, fb.question, fb.request_id) == ("up", EN_QUESTION, "0123456789ab")
    assert len(api.calls_to("answerCallbackQuery")) == 1


def test_admin_reindex_edits_one_progress_message_then_status(
    make_app: Any, api: FakeBotAPI, engine: Engine
) -> None:
    feed(
        make_app(progress_interval=0.0),
        ask("/reindex", user_id=ADMIN, chat_id=ADMIN),
        ask("/status", user_id=ADMIN, chat_id=ADMIN),
    )
    started, status = api.sent()
    assert started.text == html.escape(message("reindex_started", "en"))
    edits = api.calls_to("editMessageText")
    assert edits and {e.params["message_id"] for e in edits} == {str(started.result["message_id"])}
    assert edits[-1].text.startswith("Reindex done: index ")
    assert html.escape(engine.admin.status().version) in status.text


def test_a_second_reindex_while_one_runs_is_told_so(make_app: Any, api: FakeBotAPI) -> None:
    app = make_app()

    async def run() -> None:
        async with app:
            gate = api.hold_next("sendMessage")  # the first reindex's "Reindexing…" message
            first = asyncio.create_task(
                app.process_update(
                    Update.de_json(ask("/reindex", user_id=ADMIN, chat_id=ADMIN), app.bot)
                )
            )
            await asyncio.to_thread(gate.arrived.wait, 5)
            await app.process_update(
                Update.de_json(ask("/reindex", user_id=ADMIN, chat_id=ADMIN), app.bot)
            )
            gate.release()
            await first

    asyncio.run(run())
    texts = [c.text for c in api.sent()]
    assert texts == [
        html.escape(message("reindex_busy", "en")),
        html.escape(message("reindex_started", "en")),
    ]
    assert api.calls_to("editMessageText")[-1].text.startswith("Reindex done")


def test_non_admins_are_refused_politely(make_app: Any, api: FakeBotAPI, engine: Engine) -> None:
    before = engine.admin.status().version
    feed(
        make_app(),
        ask("/reindex", user_id=99, chat_id=99),
        ask("/status", user_id=99, chat_id=99, language_code="ko"),
    )
    refusal, refusal_ko = api.sent()
    assert refusal.text == html.escape(message("admin_only", "en"))
    assert refusal_ko.text == html.escape(message("admin_only", "ko"))
    assert not api.calls_to("editMessageText")
    assert engine.admin.status().version == before


def test_rate_limit_per_user_with_a_friendly_message(make_app: Any, api: FakeBotAPI) -> None:
    feed(
        make_app(),
        *[ask(EN_QUESTION, user_id=42) for _ in range(4)],
        ask(EN_QUESTION, user_id=43, chat_id=43),
    )
    texts = [c.text for c in api.sent()]
    limited = html.escape(message("rate_limited", "en"))
    assert texts.count(limited) == 1 and texts[3] == limited  # the 4th within the minute
    assert sum(html.escape(MPR_TITLE) in t for t in texts) == 4  # 3 for user 42, 1 for 43


def test_duplicate_update_is_answered_once(make_app: Any, api: FakeBotAPI) -> None:
    update = ask(EN_QUESTION)
    feed(make_app(), update, update)
    assert len(api.sent()) == 1


def test_an_update_that_fails_does_not_stop_the_next(
    make_app: Any, api: FakeBotAPI, caplog: pytest.LogCaptureFixture
) -> None:
    api.reject_next("sendMessage", "Bad Request: message thread not found")
    feed(make_app(), ask(EN_QUESTION, chat_id=42), ask(EN_QUESTION, chat_id=43, user_id=43))
    sent = api.sent()
    # The failed reply is logged; the user gets a friendly error, never a traceback, and the
    # next update is answered as usual.
    assert sent[0].text == html.escape(message("error", "en"))
    assert html.escape(MPR_TITLE) in sent[1].text
    assert "Traceback" not in "".join(c.text for c in sent)
    assert any("failed" in r.message for r in caplog.records)


def test_command_menu_is_published_in_three_languages(make_app: Any, api: FakeBotAPI) -> None:
    app = make_app()

    async def run() -> None:
        async with app:
            await set_commands(app)

    asyncio.run(run())
    calls = api.calls_to("setMyCommands")
    assert [c.params.get("language_code") for c in calls] == [None, "ko", "ja"]
    assert [cmd["command"] for cmd in calls[0].params["commands"]] == [
        "ask", "sources", "help", "announce"]
