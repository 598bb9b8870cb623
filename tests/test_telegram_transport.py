"""Transports and resilience: the real polling loop against the fake server's getUpdates, the
real webhook server with its secret-token check, and retries on flood control and network
errors."""

from __future__ import annotations

import asyncio
import dataclasses
import datetime as dtm
import html
import json
import socket
import threading
import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from telegram.error import BadRequest, NetworkError, RetryAfter, TimedOut
from telegram.ext import Application

from partnerbot.adapters.telegram.app import ALLOWED_UPDATES, build_application
from partnerbot.adapters.telegram.retry import RetryingRequests, retry_after_seconds
from partnerbot.bot.engine import Engine
from partnerbot.bot.ops.feedback import FeedbackStore
from partnerbot.bot.settings import Settings
from tests.fakes import telegram_api as tg
from tests.fakes.telegram_api import FakeBotAPI

SECRET = "s3cret_Token-1"
QUESTION = "When did the MOU between LINK-J and Medicen Paris Region take effect?"
MPR_TITLE = "LINK-J Concludes MOU on Mutual Cooperation with Medicen Paris Region (MPR)"

# PTB's own RetryAfter.__init__ reads its deprecated int-valued attribute; not our call.
pytestmark = pytest.mark.filterwarnings("ignore:.*retry_after.*:DeprecationWarning")


@pytest.fixture
def api() -> Iterator[FakeBotAPI]:
    with FakeBotAPI() as fake:
        yield fake


@pytest.fixture
def app(engine: Engine, settings: Settings, api: FakeBotAPI) -> Iterator[Application]:
    tg_settings = dataclasses.replace(
        settings, telegram_bot_token=tg.TOKEN, telegram_webhook_secret=SECRET
    )
    store = FeedbackStore(tg_settings.feedback_db)
    yield build_application(
        engine, tg_settings, base_url=api.base_url, base_file_url=api.base_file_url, feedback=store
    )
    store.close()


def answered(api: FakeBotAPI, n: int = 1) -> Any:
    return lambda _: sum(html.escape(MPR_TITLE) in c.text for c in api.sent()) >= n


def test_polling_loop_answers_queued_updates_once(app: Application, api: FakeBotAPI) -> None:
    first = tg.update(message=tg.message(QUESTION, chat_id=42))
    api.queue_update(first)
    api.queue_update(first)  # the same update_id delivered twice
    api.queue_update(tg.update(message=tg.message(QUESTION, chat_id=43, user_id=43)))

    async def run() -> None:
        async with app:
            await app.updater.start_polling(poll_interval=0, timeout=dtm.timedelta(seconds=1))
            await app.start()
            await api.until(answered(api, 2))
            # Polling confirms handled updates with the next offset, as Telegram expects.
            await api.until(
                lambda a: any(
                    int(c.params.get("offset") or 0) > first["update_id"]
                    for c in a.calls_to("getUpdates")
                )
            )
            await app.updater.stop()
            await app.stop()

    asyncio.run(run())
    assert api.calls_to("deleteWebhook")  # polling starts by removing any webhook
    assert sorted(c.params["chat_id"] for c in api.sent()) == ["42", "43"]


def test_run_polling_as_serve_runs_it(engine: Engine, settings: Settings, api: FakeBotAPI) -> None:
    """The blocking entry point: post_init publishes the command menu, questions are answered,
    and a stop shuts down cleanly (closing the feedback store the application opened)."""
    tg_settings = dataclasses.replace(settings, telegram_bot_token=tg.TOKEN)
    app = build_application(
        engine, tg_settings, base_url=api.base_url, base_file_url=api.base_file_url
    )
    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    api.queue_update(tg.update(message=tg.message(QUESTION)))

    def stop_when_answered() -> None:
        api.wait_for(answered(api), timeout=10)
        loop.call_soon_threadsafe(app.stop_running)

    stopper = threading.Thread(target=stop_when_answered, daemon=True)
    stopper.start()
    try:
        app.run_polling(stop_signals=None, close_loop=False, allowed_updates=ALLOWED_UPDATES)
    finally:
        asyncio.set_event_loop(None)
        loop.close()
    stopper.join(1)
    assert len(api.calls_to("setMyCommands")) == 3
    assert api.calls_to("getUpdates")[0].params["allowed_updates"] == ALLOWED_UPDATES
    assert len(api.sent()) == 1


def _bound_socket() -> socket.socket:
    """A listening socket on a free port, handed to PTB so there is no pick-then-bind race."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    sock.listen(16)
    sock.setblocking(False)
    return sock


def test_webhook_answers_only_requests_with_the_right_secret(
    app: Application, api: FakeBotAPI
) -> None:
    sock = _bound_socket()
    port = sock.getsockname()[1]
    url = f"http://127.0.0.1:{port}/telegram"
    good = tg.update(message=tg.message(QUESTION, chat_id=42))
    statuses: dict[str, int] = {}

    async def post(
        client: httpx.AsyncClient, name: str, body: dict[str, Any], secret: str | None
    ) -> None:
        headers = {"Content-Type": "application/json"}
        if secret is not None:
            headers["X-Telegram-Bot-Api-Secret-Token"] = secret
        response = await client.post(url, content=json.dumps(body), headers=headers)
        statuses[name] = response.status_code

    async def run() -> None:
        async with app:
            await app.updater.start_webhook(
                url_path="telegram", webhook_url=url, secret_token=SECRET, unix=sock
            )
            await app.start()
            async with httpx.AsyncClient(timeout=5) as client:
                await post(
                    client, "none", tg.update(message=tg.message(QUESTION, chat_id=51)), None
                )
                await post(
                    client,
                    "wrong",
                    tg.update(message=tg.message(QUESTION, chat_id=52)),
                    "not-the-secret",
                )
                await post(client, "right", good, SECRET)
                await api.until(answered(api))
                await post(client, "again", good, SECRET)  # Telegram redelivering
                await app.update_queue.join()  # every update accepted so far is handled
            await app.updater.stop()
            await app.stop()

    asyncio.run(run())
    [set_webhook] = api.calls_to("setWebhook")
    assert set_webhook.params["url"] == url and set_webhook.params["secret_token"] == SECRET
    assert statuses == {"none": 403, "wrong": 403, "right": 200, "again": 200}
    assert [c.params["chat_id"] for c in api.sent()] == ["42"]  # once, and only chat 42
    assert [c.params["chat_id"] for c in api.calls_to("sendChatAction")] == ["42"]


def test_flood_control_is_waited_out_and_the_answer_sent(app: Application, api: FakeBotAPI) -> None:
    api.fail_next("sendMessage", retry_after=1)

    async def run() -> float:
        async with app:
            api.queue_update(tg.update(message=tg.message(QUESTION)))
            await app.updater.start_polling(poll_interval=0, timeout=dtm.timedelta(seconds=1))
            await app.start()
            start = time.monotonic()
            await api.until(answered(api), timeout=10)
            elapsed = time.monotonic() - start
            await app.updater.stop()
            await app.stop()
            return elapsed

    elapsed = asyncio.run(run())
    attempts = api.calls_to("sendMessage")
    assert [c.status for c in attempts] == [429, 200]
    assert attempts[0].params["text"] == attempts[1].params["text"]
    assert elapsed >= 0.9  # Telegram said "retry after 1"


# -- the retry policy on its own (the callback stands in for PTB's HTTP call) ----------------


class Flaky:
    """Fails with the given errors, in order, then succeeds."""

    def __init__(self, *errors: Exception) -> None:
        self.errors = list(errors)
        self.calls = 0

    async def __call__(self, *args: Any, **kwargs: Any) -> dict[str, Any]:
        self.calls += 1
        if self.errors:
            raise self.errors.pop(0)
        return {"ok": True}


def run_policy(policy: RetryingRequests, flaky: Flaky, endpoint: str = "sendMessage") -> Any:
    return asyncio.run(policy.process_request(flaky, (), {}, endpoint, {}, None))


def test_network_errors_are_retried_with_exponential_back_off() -> None:
    slept: list[float] = []

    async def sleep(seconds: float) -> None:
        slept.append(seconds)

    flaky = Flaky(NetworkError("connection reset"), TimedOut(), RetryAfter(3))
    assert run_policy(RetryingRequests(base_delay=0.5, sleep=sleep), flaky) == {"ok": True}
    assert flaky.calls == 4 and slept == [0.5, 1.0, 3.0]


def test_bad_requests_and_hopeless_waits_are_not_retried() -> None:
    async def sleep(seconds: float) -> None:
        raise AssertionError("must not wait")

    with pytest.raises(BadRequest):
        run_policy(RetryingRequests(sleep=sleep), Flaky(BadRequest("chat not found")))
    with pytest.raises(RetryAfter):
        run_policy(RetryingRequests(max_retry_after=60, sleep=sleep), Flaky(RetryAfter(3600)))
    with pytest.raises(NetworkError):  # the typing indicator is not worth delaying an answer
        run_policy(RetryingRequests(sleep=sleep), Flaky(NetworkError("x")), "sendChatAction")


def test_gives_up_after_the_last_attempt() -> None:
    async def sleep(seconds: float) -> None:
        pass

    flaky = Flaky(*(NetworkError("down") for _ in range(5)))
    with pytest.raises(NetworkError):
        run_policy(RetryingRequests(attempts=3, sleep=sleep), flaky)
    assert flaky.calls == 3


def test_retry_after_accepts_seconds_and_timedelta() -> None:
    assert retry_after_seconds(RetryAfter(2)) == 2.0
    assert retry_after_seconds(RetryAfter(dtm.timedelta(milliseconds=1500))) == 1.5
