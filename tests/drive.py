"""Ask the real Slack and Telegram apps a few questions against fresh fake platform APIs, for
tests that look at what asking leaves behind (log lines, metrics) rather than at the replies."""

from __future__ import annotations

import asyncio
import dataclasses
import json
from collections.abc import Callable
from contextlib import closing

from slack_bolt.request import BoltRequest
from slack_sdk import WebClient
from telegram import Update

from partnerbot.adapters.slack.app import build_app
from partnerbot.adapters.telegram.app import build_application
from partnerbot.bot.engine import Engine
from partnerbot.bot.ops.feedback import FeedbackStore
from partnerbot.bot.settings import Settings
from tests.fakes import telegram_api as tg
from tests.fakes.slack_api import (
    FakeSlackAPI,
    TrackingExecutor,
    event_callback,
    message_event,
    signed_headers,
)
from tests.fakes.telegram_api import FakeBotAPI

SECRET = "drive-signing-secret"


def ask_slack(engine: Engine, settings: Settings, *questions: str,
              prepare: Callable[[FakeSlackAPI], None] | None = None,
              until: str = "chat.postMessage") -> FakeSlackAPI:
    """Mention the bot with each question in turn, each time waiting for the `until` call
    (the answer, by default); `prepare` may schedule failures on the fake first."""
    cfg = dataclasses.replace(settings, slack_bot_token="xoxb-test", slack_signing_secret=SECRET)
    listeners = TrackingExecutor()
    with FakeSlackAPI() as api, closing(FeedbackStore(cfg.feedback_db)) as store:
        if prepare is not None:
            prepare(api)
        app = build_app(engine, cfg, feedback=store, listener_executor=listeners,
                        client=WebClient(token="xoxb-test", base_url=api.url))
        for n, text in enumerate(questions, 1):
            raw = json.dumps(event_callback(message_event(text, mention=True)))
            app.dispatch(BoltRequest(body=raw, headers=signed_headers(SECRET, raw)))
            api.wait_for(until, count=n)
            listeners.wait_idle()
    listeners.shutdown()
    return api


def ask_telegram(engine: Engine, settings: Settings, *questions: str,
                 prepare: Callable[[FakeBotAPI], None] | None = None) -> FakeBotAPI:
    """Each question from a private chat of its own user, through the Application's real update
    processing; `prepare` may schedule failures on the fake first."""
    cfg = dataclasses.replace(settings, telegram_bot_token=tg.TOKEN)
    with FakeBotAPI() as api, closing(FeedbackStore(cfg.feedback_db)) as store:
        if prepare is not None:
            prepare(api)
        app = build_application(engine, cfg, base_url=api.base_url,
                                base_file_url=api.base_file_url, feedback=store)

        async def run() -> None:
            async with app:
                for n, text in enumerate(questions):
                    data = tg.update(message=tg.message(text, chat_id=60 + n, user_id=60 + n))
                    await app.process_update(Update.de_json(data, app.bot))

        asyncio.run(run())
    return api
