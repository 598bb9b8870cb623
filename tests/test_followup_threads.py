"""Follow-ups through the real adapters: a question naming no party, asked in a Slack thread,
as a Telegram reply to the bot's answer, or on the next line of `partnerbot chat`, is answered
about the parties of the thread's previous question (the engine does the inheriting; these
check that each adapter hands it `Question.context`)."""

from __future__ import annotations

import asyncio
import dataclasses
import io
import json
from contextlib import closing
from typing import Any

import pytest
from slack_bolt.request import BoltRequest
from slack_sdk import WebClient
from telegram import Update

from partnerbot.adapters import cli
from partnerbot.adapters.slack.app import SlackBot, build_app
from partnerbot.adapters.stores.factory import Stores
from partnerbot.adapters.telegram.app import build_application
from partnerbot.bot.engine import Engine
from partnerbot.bot.ops.feedback import FeedbackStore
from partnerbot.bot.settings import Settings
from partnerbot.bot.types import Question
from tests.fakes import telegram_api as tg
from tests.fakes.slack_api import (
    FakeSlackAPI,
    TrackingExecutor,
    event_callback,
    message_event,
    signed_headers,
)
from tests.fakes.telegram_api import FakeBotAPI

SECRET = "followup-secret"
FIRST = "What did LINK-J agree with Kanagawa Prefecture?"
FOLLOW_UP = "When was it signed?"
KANAGAWA = "003"  # the bundled release about that agreement
KANAGAWA_TITLE = "LINK-J Concludes MOU on Mutual Cooperation with Kanagawa Prefecture"


def test_the_follow_up_alone_is_not_about_kanagawa(engine: Engine) -> None:
    """What makes the tests below able to fail: without its thread the follow-up is not
    answered from the Kanagawa release."""
    alone = engine.answer(Question(FOLLOW_UP))
    assert alone.kind == "abstain" or alone.citations[0].doc_id != KANAGAWA
    followed = engine.answer(Question(FOLLOW_UP, context=engine.answer(Question(FIRST)).parties))
    assert followed.kind == "answer" and followed.citations[0].doc_id == KANAGAWA


def _first_source(text: str) -> str:
    return next(line for line in text.splitlines() if line.lstrip().startswith("[1] "))


def _slack_bot(engine: Engine, cfg: Settings, store: FeedbackStore,
               stores: Stores) -> SlackBot:
    return SlackBot(engine, cfg, store, threads=stores.claims("slack:thread", 3600),
                    asked=stores.answer_keys("slack:thread_question", 3600))


@pytest.mark.parametrize("shared", [False, True], ids=["one-process", "two-replicas-redis"])
def test_slack_thread_follow_up_is_about_the_first_questions_parties(
        engine: Engine, settings: Settings, shared: bool, request: pytest.FixtureRequest) -> None:
    """In a thread the bot answered, "When was it signed?" (no mention) is about LINK-J and
    Kanagawa. With Redis, the follow-up reaches another replica, which still knows the thread's
    question."""
    cfg = dataclasses.replace(settings, slack_bot_token="xoxb-test", slack_signing_secret=SECRET)
    if shared:
        import redis

        url = request.getfixturevalue("redis_url")
        clients = [redis.Redis.from_url(url, decode_responses=True) for _ in range(2)]
        stores = [Stores(c, prefix="followup-test") for c in clients]
    else:
        stores = [Stores()] * 2
    listeners = TrackingExecutor()
    with FakeSlackAPI() as api, closing(FeedbackStore(cfg.feedback_db)) as store:
        apps = [build_app(engine, cfg, client=WebClient(token="xoxb-test", base_url=api.url),
                          bot=_slack_bot(engine, cfg, store, s), listener_executor=listeners)
                for s in stores]

        def send(app_index: int, event: dict[str, Any]) -> None:
            raw = json.dumps(event_callback(event))
            apps[app_index].dispatch(BoltRequest(body=raw, headers=signed_headers(SECRET, raw)))

        first = message_event(FIRST, mention=True)
        send(0, first)
        api.wait_for("chat.postMessage")
        listeners.wait_idle()
        send(1 if shared else 0, message_event(FOLLOW_UP, thread_ts=first["ts"]))
        posts = api.wait_for("chat.postMessage", count=2)
        listeners.wait_idle()
    listeners.shutdown()
    for s in stores:
        s.close()
    reply = posts[1]
    assert reply.body["thread_ts"] == first["ts"]
    sections = [b["text"]["text"] for b in reply.body["blocks"] if b["type"] == "section"]
    assert KANAGAWA_TITLE in _first_source("\n".join(sections))


def test_telegram_reply_to_an_answer_is_about_that_answers_question(
        engine: Engine, settings: Settings) -> None:
    cfg = dataclasses.replace(settings, telegram_bot_token=tg.TOKEN)
    with FakeBotAPI() as api, closing(FeedbackStore(cfg.feedback_db)) as store:
        app = build_application(engine, cfg, base_url=api.base_url,
                                base_file_url=api.base_file_url, feedback=store)

        async def run() -> None:
            async with app:
                await app.process_update(Update.de_json(tg.update(message=tg.message(
                    f"@{tg.BOT_USERNAME} {FIRST}", chat_id=-100777, chat_type="supergroup")),
                    app.bot))
                replied = api.sent()[-1].result  # the answer as Telegram returned it
                await app.process_update(Update.de_json(tg.update(message=tg.message(
                    FOLLOW_UP, chat_id=-100777, chat_type="supergroup", reply_to=replied)),
                    app.bot))
                # a reply to a message the bot never sent an answer in has no thread
                other = tg.bot_message("Here is what …", chat_id=-100777, message_id=5)
                await app.process_update(Update.de_json(tg.update(message=tg.message(
                    FOLLOW_UP, chat_id=-100777, chat_type="supergroup", reply_to=other)),
                    app.bot))

        asyncio.run(run())
    first, follow_up, unrelated = api.sent()
    assert KANAGAWA_TITLE in _first_source(first.text)
    assert KANAGAWA_TITLE in _first_source(follow_up.text)
    assert follow_up.params["reply_parameters"]["message_id"] != first.params[
        "reply_parameters"]["message_id"]
    alone = engine.answer(Question(FOLLOW_UP))
    assert unrelated.text.count("[1]") >= 1
    if alone.kind == "answer":
        assert KANAGAWA_TITLE not in _first_source(unrelated.text)


def test_chat_follow_up_on_the_next_line(engine: Engine, monkeypatch: pytest.MonkeyPatch,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    """`partnerbot chat`: the previous line is the follow-up's thread; output piped (captured)
    carries no ANSI codes."""
    monkeypatch.setattr(cli, "_engine", lambda settings, quiet=False, **_: engine)
    monkeypatch.setattr("sys.stdin", io.StringIO(f"{FIRST}\n{FOLLOW_UP}\n"))
    assert cli.main(["chat"]) == 0
    out = capsys.readouterr().out
    replies = [r for r in out.split("\n\n") if "[1] " in r]  # not the last bare prompt
    assert len(replies) == 2
    assert KANAGAWA_TITLE in _first_source(replies[1])
    assert "\x1b[" not in out


def test_slack_translate_button_click_is_acknowledged(engine: Engine, settings: Settings) -> None:
    """A URL button opens in the user's client, but Slack still sends the click: bolt answers
    an unhandled one with 404, which Slack shows the user as a warning."""
    from urllib.parse import urlencode

    from tests.fakes.slack_api import block_action

    cfg = dataclasses.replace(settings, slack_bot_token="xoxb-test", slack_signing_secret=SECRET)
    listeners = TrackingExecutor()
    with FakeSlackAPI() as api, closing(FeedbackStore(cfg.feedback_db)) as store:
        app = build_app(engine, cfg, client=WebClient(token="xoxb-test", base_url=api.url),
                        feedback=store, listener_executor=listeners)
        button = {"type": "button", "action_id": "translate_1",
                  "url": "https://translate.google.com/?sl=ko&tl=en&text=x&op=translate",
                  "text": {"type": "plain_text", "text": "Translate [1]"}}
        raw = urlencode({"payload": json.dumps(block_action(button))})
        resp = app.dispatch(BoltRequest(body=raw, headers=signed_headers(
            SECRET, raw, content_type="application/x-www-form-urlencoded")))
        listeners.wait_idle()
        assert resp.status == 200
        assert api.calls("chat.postMessage") == [] and api.calls("chat.postEphemeral") == []
    listeners.shutdown()
