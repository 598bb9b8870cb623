"""Slack and Telegram failing or slow for a while: the bot recovers by itself, every question
gets its answer once, and no answer is posted twice.

Real bolt App and real python-telegram-bot Application against the fake platform servers,
which fail on schedule (HTTP 5xx, 429 + Retry-After, refused connections, slow answers).
"""

from __future__ import annotations

import asyncio
import dataclasses
import datetime as dtm
import html
import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest
from slack_sdk import WebClient
from telegram.ext import Application

import tests.fakes.telegram_api as tg
from partnerbot.adapters.slack.app import SlackBot, build_app
from partnerbot.adapters.slack.slack_calls import with_retries
from partnerbot.adapters.telegram.app import build_application
from partnerbot.adapters.telegram.retry import RetryingRequests
from partnerbot.bot.engine import Engine
from partnerbot.bot.ops.feedback import FeedbackStore
from partnerbot.bot.settings import Settings
from tests.fakes.slack_api import FakeSlackAPI, TrackingExecutor, message_event
from tests.test_slack_app import SECRET, Slack, assert_cited_answer

KANAGAWA_Q = "When did LINK-J sign the MOU with Kanagawa Prefecture?"
MPR_Q = "When did the MOU between LINK-J and Medicen Paris Region take effect?"
MPR_TITLE = "LINK-J Concludes MOU on Mutual Cooperation with Medicen Paris Region (MPR)"

pytestmark = pytest.mark.filterwarnings("ignore:.*retry_after.*:DeprecationWarning")


def later(seconds: float, action: Any) -> threading.Timer:
    timer = threading.Timer(seconds, action)
    timer.daemon = True
    timer.start()
    return timer


# ---- Slack --------------------------------------------------------------------------------
@pytest.fixture
def slack(engine: Engine, settings: Settings) -> Iterator[Slack]:
    """The Slack app with quick back-off (0.05 s doubling) and a 1 s HTTP timeout."""
    cfg = dataclasses.replace(settings, slack_bot_token="xoxb-test", slack_app_token="",
                              slack_signing_secret=SECRET)
    store = FeedbackStore(cfg.feedback_db)
    listeners = TrackingExecutor()
    try:
        with FakeSlackAPI() as api:
            bot = SlackBot(engine, cfg, store)
            client = WebClient(token="xoxb-test", base_url=api.url, timeout=1)
            app = build_app(engine, cfg, client=client, bot=bot, listener_executor=listeners)
            with_retries(app.client, backoff=0.05)
            yield Slack(app, api, bot, store, listeners)
            listeners.wait_idle(30)
    finally:
        listeners.shutdown()
        store.close()


def one_reply(slack: Slack) -> None:
    """Exactly one answer reached the channel, and it is the cited answer."""
    slack.listeners.wait_idle(30)
    delivered = slack.api.delivered("chat.postMessage")
    assert len(delivered) == 1, [c.status for c in slack.posts()]
    assert_cited_answer(delivered[0], "Kanagawa")


@pytest.mark.parametrize("status", [500, 502, 503, 504])
def test_slack_server_errors_then_recovery_post_one_reply(slack: Slack, status: int) -> None:
    slack.api.error_next("chat.postMessage", status, times=3)
    slack.event(message_event(KANAGAWA_Q, mention=True))
    one_reply(slack)
    assert [c.status for c in slack.posts()] == [status] * 3 + [200]


def test_slack_rate_limit_then_recovery_posts_one_reply(slack: Slack) -> None:
    slack.api.rate_limit_next("chat.postMessage", retry_after=1, times=2)
    started = time.monotonic()
    slack.event(message_event(KANAGAWA_Q, mention=True))
    one_reply(slack)
    assert time.monotonic() - started >= 2  # Retry-After was honoured twice
    assert [c.status for c in slack.posts()] == [429, 429, 200]


def test_slack_down_for_a_while_then_back_posts_one_reply(slack: Slack) -> None:
    slack.api.down()  # connections refused: reactions.add and chat.postMessage are retried
    later(1.0, slack.api.up)
    slack.event(message_event(KANAGAWA_Q, mention=True))
    one_reply(slack)
    assert len(slack.posts()) == 1  # refused calls never reached Slack
    assert len(slack.api.calls("reactions.remove")) == 1


def test_slack_post_answered_too_late_is_not_posted_again(slack: Slack) -> None:
    """The post took effect but its answer came after the client's timeout: repeating it
    would show the answer twice."""
    slack.api.slow_next("chat.postMessage", delay=2.5)
    slack.event(message_event(KANAGAWA_Q, mention=True))
    one_reply(slack)
    assert len(slack.posts()) == 1


def test_slack_connection_dropped_after_a_post_is_not_repeated(slack: Slack) -> None:
    slack.api.drop_next("chat.postMessage")
    slack.event(message_event(KANAGAWA_Q, mention=True))
    slack.listeners.wait_idle(30)
    assert len(slack.posts()) == 1  # tried once: it may have been posted
    slack.event(message_event(KANAGAWA_Q, mention=True))  # and the bot goes on answering
    one_reply(slack)


def test_slack_reactions_are_retried_through_dropped_connections(slack: Slack) -> None:
    slack.api.drop_next("reactions.add", times=2)
    slack.api.slow_next("reactions.remove", delay=2.5)
    slack.event(message_event(KANAGAWA_Q, mention=True))
    one_reply(slack)
    assert [c.ok for c in slack.api.calls("reactions.add")] == [False, False, True]
    assert len(slack.api.calls("reactions.remove")) >= 2  # timed out, repeated harmlessly


# ---- Telegram -----------------------------------------------------------------------------
@pytest.fixture
def api() -> Iterator[tg.FakeBotAPI]:
    with tg.FakeBotAPI() as fake:
        yield fake


@pytest.fixture
def app(engine: Engine, settings: Settings, api: tg.FakeBotAPI) -> Iterator[Application]:
    """The real Telegram application with quick back-off (0.1 s doubling)."""
    cfg = dataclasses.replace(settings, telegram_bot_token=tg.TOKEN)
    store = FeedbackStore(cfg.feedback_db)
    yield build_application(engine, cfg, base_url=api.base_url, base_file_url=api.base_file_url,
                            feedback=store, retry=RetryingRequests(base_delay=0.1))
    store.close()


def answers(api: tg.FakeBotAPI, chat_id: int | None = None) -> list[tg.Call]:
    return [c for c in api.sent() if html.escape(MPR_TITLE) in c.text
            and (chat_id is None or c.params["chat_id"] == str(chat_id))]


def poll_until(app: Application, api: tg.FakeBotAPI, done: Any, timeout: float = 20,
               during: Any = None) -> None:
    """Run the real polling loop until `done(api)`, then stop cleanly; `during` (an async
    callable) runs once polling has started."""

    async def run() -> None:
        assert app.updater is not None
        async with app:
            await app.updater.start_polling(poll_interval=0, timeout=dtm.timedelta(seconds=1))
            await app.start()
            try:
                if during is not None:
                    await during()
                await api.until(done, timeout=timeout)
                await asyncio.sleep(0.3)  # time for a duplicate to show up, if there were one
            finally:
                await app.updater.stop()
                await app.stop()

    asyncio.run(run())


@pytest.mark.parametrize("fault", ["500", "502", "429"])
def test_telegram_send_failing_then_recovering_sends_one_message(
        app: Application, api: tg.FakeBotAPI, fault: str) -> None:
    if fault == "429":
        api.fail_next("sendMessage", times=2, retry_after=1)
    else:
        api.error_next("sendMessage", int(fault), times=3)
    api.queue_update(tg.update(message=tg.message(MPR_Q)))
    poll_until(app, api, lambda a: answers(a))
    assert len(answers(api)) == 1
    failed = [c.status for c in api.calls_to("sendMessage") if not c.ok]
    assert failed == ([429, 429] if fault == "429" else [int(fault)] * 3)


def test_telegram_down_while_answering_then_back_sends_one_message(
        app: Application, api: tg.FakeBotAPI) -> None:
    typing = api.hold_next("sendChatAction")  # the handler is provably mid-question

    async def outage() -> None:
        await asyncio.to_thread(typing.arrived.wait, 10)
        api.down()  # cuts the held call too: "typing…" is cosmetic and not retried
        typing.release()
        later(1.0, api.up)

    api.queue_update(tg.update(message=tg.message(MPR_Q)))
    poll_until(app, api, lambda a: answers(a), during=outage)
    assert len(answers(api)) == 1


def test_telegram_send_answered_too_late_is_not_sent_again(
        app: Application, api: tg.FakeBotAPI) -> None:
    """sendMessage took effect, but its answer came after PTB's 5 s read timeout: the
    message is not sent a second time."""
    api.slow_next("sendMessage", delay=6)
    api.queue_update(tg.update(message=tg.message(MPR_Q)))
    poll_until(app, api, lambda a: answers(a))
    time.sleep(1.5)
    assert len(answers(api)) == 1
    assert len(api.calls_to("sendMessage")) == 1


def test_telegram_polling_failing_for_a_while_resumes_and_answers_once(
        app: Application, api: tg.FakeBotAPI) -> None:
    api.error_next("getUpdates", 502, times=2)
    api.fail_next("getUpdates", retry_after=1)
    api.error_next("getUpdates", 500, times=2)
    for chat in (42, 43, 44):
        api.queue_update(tg.update(message=tg.message(MPR_Q, chat_id=chat, user_id=chat)))
    poll_until(app, api, lambda a: len(answers(a)) >= 3, timeout=30)
    assert sorted(c.params["chat_id"] for c in answers(api)) == ["42", "43", "44"]
    assert len([c for c in api.calls_to("getUpdates") if not c.ok]) == 5


def test_telegram_polling_through_an_outage_answers_queued_updates_once(
        app: Application, api: tg.FakeBotAPI) -> None:
    async def outage() -> None:
        await api.until(lambda a: len(answers(a, 42)) == 1, timeout=10)
        api.down()
        # questions asked while the bot cannot reach Telegram wait there
        for chat in (43, 44):
            api.queue_update(tg.update(message=tg.message(MPR_Q, chat_id=chat, user_id=chat)))
        await asyncio.sleep(1.5)
        api.up()

    api.queue_update(tg.update(message=tg.message(MPR_Q, chat_id=42)))
    poll_until(app, api, lambda a: len(answers(a)) >= 3, timeout=40, during=outage)
    assert sorted(c.params["chat_id"] for c in answers(api)) == ["42", "43", "44"]


# ---- Slack slash commands: the reply goes to a response_url -------------------------------
def test_slash_reply_survives_server_errors_and_is_posted_once(slack: Slack) -> None:
    slack.bot.retry_backoff = 0.05
    slack.api.error_next("respond/ask", 503, times=2)
    slack.command(KANAGAWA_Q, key="ask")
    slack.listeners.wait_idle(30)
    assert [c.status for c in slack.api.calls("respond/ask")] == [503, 503, 200]
    (reply,) = slack.api.delivered("respond/ask")
    assert_cited_answer(reply, "Kanagawa")


def test_slash_reply_dropped_after_sending_is_not_repeated(slack: Slack) -> None:
    """slack_sdk's default handler would post it again: the user would see the answer twice."""
    slack.bot.retry_backoff = 0.05
    slack.api.drop_next("respond/ask")
    slack.command(KANAGAWA_Q, key="ask")
    slack.listeners.wait_idle(30)
    assert len(slack.api.calls("respond/ask")) == 1
    slack.command(KANAGAWA_Q, key="again")  # the next command is answered as usual
    slack.listeners.wait_idle(30)
    (reply,) = slack.api.delivered("respond/again")
    assert_cited_answer(reply, "Kanagawa")
