"""Two replicas behind one load balancer, in one test run: each its own Engine over one shared
index directory, both sharing one real Redis (settings.redis_url) and one fake platform API.
Whichever replica a delivery reaches, the user gets one answer."""

from __future__ import annotations

import asyncio
import dataclasses
import html
import json
import threading
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from slack_sdk import WebClient
from telegram import Update
from telegram.ext import Application

from partnerbot.adapters.slack.app import build_app
from partnerbot.adapters.slack.serve import EVENTS_PATH, make_http_server
from partnerbot.adapters.telegram.app import build_application
from partnerbot.bot.engine import Engine
from partnerbot.bot.messages import message
from partnerbot.bot.ops.feedback import FeedbackStore
from partnerbot.bot.settings import Settings
from partnerbot.bot.types import Question
from tests.conftest import HashEmbedder
from tests.fakes import telegram_api as tg
from tests.fakes.slack_api import (
    FakeSlackAPI,
    TrackingExecutor,
    event_callback,
    message_event,
    signed_headers,
)
from tests.fakes.telegram_api import FakeBotAPI

SECRET = "replica-secret"
KANAGAWA_Q = "When did LINK-J sign the MOU with Kanagawa Prefecture?"
MPR_Q = "When did the MOU between LINK-J and Medicen Paris Region take effect?"


@pytest.fixture
def shared(engine: Engine, redis_url: str) -> Settings:
    """What every replica is configured with: the same index directory and the same Redis."""
    return dataclasses.replace(engine.settings, redis_url=redis_url, slack_bot_token="xoxb-r",
                               slack_signing_secret=SECRET, telegram_bot_token=tg.TOKEN,
                               telegram_rate_limit=3)


def replica_engine(settings: Settings) -> Engine:
    """Another process's engine: it only reads the shared index directory."""
    return Engine.open(settings, embedders=[HashEmbedder()])


# -- Slack: HTTP Events API ------------------------------------------------------------------


@dataclasses.dataclass
class SlackReplica:
    url: str
    listeners: TrackingExecutor

    def deliver(self, body: dict[str, Any], retry_num: int | None = None) -> int:
        raw = json.dumps(body)
        req = urllib.request.Request(self.url, data=raw.encode(), method="POST",
                                     headers=signed_headers(SECRET, raw, retry_num=retry_num))
        with urllib.request.urlopen(req, timeout=5) as resp:
            return int(resp.status)


@contextmanager
def slack_replica(settings: Settings, api: FakeSlackAPI, data: Path) -> Iterator[SlackReplica]:
    """What `partnerbot serve slack` runs (HTTP mode), with the stores from the settings."""
    store = FeedbackStore(data / "feedback.sqlite3")
    listeners = TrackingExecutor()
    app = build_app(replica_engine(settings), settings,
                    client=WebClient(token="xoxb-r", base_url=api.url), feedback=store,
                    listener_executor=listeners)
    server = make_http_server(app, host="127.0.0.1", port=0)
    thread = threading.Thread(target=server.serve_forever, args=(0.02,), daemon=True)
    thread.start()
    try:
        yield SlackReplica(f"http://127.0.0.1:{server.server_port}{EVENTS_PATH}", listeners)
    finally:
        server.shutdown()
        server.server_close()
        listeners.wait_idle()
        listeners.shutdown()
        store.close()


def test_slack_retry_on_another_replica_is_answered_once_and_threads_are_shared(
        shared: Settings, tmp_path: Path) -> None:
    with FakeSlackAPI() as api, slack_replica(shared, api, tmp_path / "a") as a, \
            slack_replica(shared, api, tmp_path / "b") as b:
        event = message_event(KANAGAWA_Q, mention=True)
        body = event_callback(event)
        assert a.deliver(body) == 200
        # Slack did not see A's ack in time and retries; the balancer picks B.
        assert b.deliver(body, retry_num=1) == 200
        assert b.deliver(body, retry_num=2) == 200
        a.listeners.wait_idle()
        b.listeners.wait_idle()
        (post,) = api.calls("chat.postMessage")
        assert post.body["thread_ts"] == event["ts"]
        assert "Kanagawa Prefecture" in post.text_everywhere()

        # A follow-up in that thread, without a mention, reaches B: B knows the thread is ours.
        follow_up = message_event(MPR_Q, thread_ts=event["ts"])
        assert b.deliver(event_callback(follow_up)) == 200
        b.listeners.wait_idle()
        _, second = api.wait_for("chat.postMessage", count=2)
        assert second.body["thread_ts"] == event["ts"]
        assert "Medicen" in second.text_everywhere()

        # ... and a message in a thread the bot never answered in stays unanswered on both.
        stranger = message_event(MPR_Q, thread_ts="1600000000.000001")
        assert a.deliver(event_callback(stranger)) == 200
        assert b.deliver(event_callback(stranger)) == 200
        a.listeners.wait_idle()
        b.listeners.wait_idle()
        assert len(api.calls("chat.postMessage")) == 2


# -- Telegram ----------------------------------------------------------------------------------


def telegram_replica(settings: Settings, api: FakeBotAPI, store: FeedbackStore) -> Application:
    """What `partnerbot serve telegram` builds, with the stores from the settings."""
    return build_application(replica_engine(settings), settings, base_url=api.base_url,
                             base_file_url=api.base_file_url, feedback=store)


def test_telegram_replicas_share_update_ids_rate_limits_and_feedback_keys(
        shared: Settings, tmp_path: Path, engine: Engine) -> None:
    store_a = FeedbackStore(tmp_path / "a" / "feedback.sqlite3")
    store_b = FeedbackStore(tmp_path / "b" / "feedback.sqlite3")
    with FakeBotAPI() as api:
        a = telegram_replica(shared, api, store_a)
        b = telegram_replica(shared, api, store_b)

        async def deliver(app: Application, data: dict[str, Any]) -> None:
            await app.process_update(Update.de_json(data, app.bot))

        async def run() -> None:
            async with a, b:
                # Telegram redelivers an update; both replicas get it at the same moment.
                twice = tg.update(message=tg.message(KANAGAWA_Q, user_id=42, chat_id=42))
                await asyncio.gather(deliver(a, twice), deliver(b, twice))
                assert len(api.sent()) == 1

                # User 50's budget is 3 a minute wherever the questions land.
                for app in (a, b, a, b):
                    await deliver(app, tg.update(message=tg.message(
                        MPR_Q, user_id=50, chat_id=50)))

                # A answered; the 👎 click reaches B.
                await deliver(a, tg.update(message=tg.message(MPR_Q, user_id=60, chat_id=60)))
                answer = api.sent()[-1]
                down = answer.params["reply_markup"]["inline_keyboard"][0][1]["callback_data"]
                press = tg.callback_query(down, answer=tg.bot_message(answer.text, chat_id=60),
                                          user_id=60)
                await deliver(b, tg.update(callback_query=press))

        asyncio.run(run())

        to_50 = [c.text for c in api.sent() if c.params["chat_id"] == "50"]
        assert len(to_50) == 4
        refused = html.escape(message("rate_limited", "en"))
        assert to_50[3] == refused and refused not in "".join(to_50[:3])

        [answered] = api.calls_to("answerCallbackQuery")
        assert answered.params["text"] == message("feedback_thanks", "en")
    assert store_a.all() == []
    [fb] = store_b.all()
    expected = engine.answer(Question(MPR_Q))
    # The release ids come only from what A stored under the button's key.
    assert (fb.user_id, fb.verdict, fb.question) == ("60", "down", MPR_Q)
    assert fb.release_ids == tuple(c.doc_id for c in expected.citations) and fb.release_ids
    store_a.close()
    store_b.close()
