"""The Redis stores against a real redis-server: the same contracts as the in-memory ones,
atomic under threads, keys expire, the factory picks the backend, and an outage is survived."""

from __future__ import annotations

import dataclasses
import logging
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import redis

from partnerbot.adapters.slack.app import EVENT_TTL, THREAD_TTL
from partnerbot.adapters.slack.serve import check_settings as check_slack
from partnerbot.adapters.stores.answer_keys import AnswerKeys, Asked, MemoryAnswerKeys
from partnerbot.adapters.stores.claims import Claims, MemoryClaims
from partnerbot.adapters.stores.factory import Stores, check_redis, open_stores
from partnerbot.adapters.stores.outage import Outage
from partnerbot.adapters.stores.ratelimit import RateLimiter, SlidingWindowLimiter
from partnerbot.adapters.stores.redis import (
    RedisAnswerKeys,
    RedisClaims,
    RedisRateLimiter,
    connect,
)
from partnerbot.adapters.telegram.app import ANSWER_TTL, UPDATE_TTL
from partnerbot.adapters.telegram.serve import check_settings as check_telegram
from partnerbot.bot.settings import Settings, SettingsError
from tests.redis_server import RedisServer, free_port
from tests.test_claims import ClaimsContract
from tests.test_telegram_limits import RateLimiterContract

ASKED = Asked(question="LINK-J와 메디센의 양해각서는?", release_ids=("r1", "r2"), request_id="abc")


@dataclasses.dataclass(frozen=True)
class AppStores:
    """The stores as `build_app` and `build_application` open them (same names, lifetimes)."""

    stores: Stores
    slack_seen: Claims
    slack_threads: Claims
    telegram_updates: Claims
    telegram_limiter: RateLimiter
    answer_keys: AnswerKeys

    @property
    def shared(self) -> bool:
        return self.stores.shared

    def close(self) -> None:
        self.stores.close()


def open_app_stores(settings: Settings, retry_after: float = 5.0) -> AppStores:
    stores = open_stores(settings, retry_after=retry_after)
    return AppStores(stores, stores.claims("slack:seen", EVENT_TTL),
                     stores.claims("slack:thread", THREAD_TTL),
                     stores.claims("telegram:update", UPDATE_TTL),
                     stores.limiter("telegram:rate", settings.telegram_rate_limit),
                     stores.answer_keys("telegram:answer", ANSWER_TTL))


@pytest.fixture
def client(redis_url: str) -> Iterator[redis.Redis]:
    c = connect(redis_url)
    yield c
    c.close()


def _prefix() -> str:
    return f"test-{uuid.uuid4().hex[:8]}"


def _run_together(n: int, work: Callable[[], bool]) -> list[bool]:
    """`work` in `n` threads released at once; their results."""
    barrier = threading.Barrier(n)
    results: list[bool] = []
    lock = threading.Lock()

    def run() -> None:
        barrier.wait()
        result = work()
        with lock:
            results.append(result)

    threads = [threading.Thread(target=run) for _ in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(10)
    return results


# -- the contracts the in-memory stores pass -------------------------------------------------


class TestRedisRateLimiter(RateLimiterContract):
    @pytest.fixture(autouse=True)
    def _client(self, client: redis.Redis) -> None:
        self.client = client

    def make(self, limit: int, window: float, clock: Callable[[], float]) -> RateLimiter:
        return RedisRateLimiter(self.client, _prefix(), Outage("test"), limit,
                                SlidingWindowLimiter(limit, window), window, clock=clock)

    def test_zero_disables(self) -> None:
        limiter = self.make(0, 60.0, time.time)
        assert all(limiter.allow("u") for _ in range(50))


class TestRedisClaims(ClaimsContract):
    @pytest.fixture(autouse=True)
    def _client(self, client: redis.Redis) -> None:
        self.client = client

    def make(self, ttl: float) -> Claims:
        return RedisClaims(self.client, _prefix(), Outage("test"), ttl, MemoryClaims(ttl=ttl))

    def let_expire(self, ttl: float) -> None:
        time.sleep(ttl + 0.15)  # Redis's own clock: real time must pass


# -- shared between processes: atomic, expiring -----------------------------------------------


def test_a_claim_is_won_once_across_threads_and_connections(redis_url: str) -> None:
    clients = [connect(redis_url) for _ in range(2)]  # two "replicas"
    prefix = _prefix()
    stores = [RedisClaims(c, prefix, Outage("test"), 60, MemoryClaims()) for c in clients]
    counter = iter(range(1000))
    wins = _run_together(16, lambda: stores[next(counter) % 2].claim("event:Ev1"))
    assert sorted(wins) == [False] * 15 + [True]
    assert "event:Ev1" in stores[0] and "event:Ev1" in stores[1]
    assert "event:Ev2" not in stores[0]
    for c in clients:
        c.close()


def test_keys_expire_after_their_ttl(client: redis.Redis) -> None:
    prefix = _prefix()
    keys = RedisClaims(client, prefix, Outage("test"), 0.3, MemoryClaims())
    assert keys.claim("C1:1.0") and not keys.claim("C1:1.0")
    ttl_ms = client.pttl(f"{prefix}:C1:1.0")
    assert 0 < int(ttl_ms) <= 300  # type: ignore[arg-type]
    time.sleep(0.45)
    assert "C1:1.0" not in keys
    assert keys.claim("C1:1.0")


def test_the_limit_holds_when_many_replicas_count_one_user_at_once(redis_url: str) -> None:
    clients = [connect(redis_url) for _ in range(4)]
    prefix = _prefix()
    limiters = [RedisRateLimiter(c, prefix, Outage("test"), 5, SlidingWindowLimiter(5))
                for c in clients]
    counter = iter(range(1000))
    allowed = _run_together(24, lambda: limiters[next(counter) % 4].allow("user42"))
    assert allowed.count(True) == 5
    assert limiters[0].allow("user43")  # another user has their own budget
    for c in clients:
        c.close()


def test_the_limiter_window_really_expires(client: redis.Redis) -> None:
    limiter = RedisRateLimiter(client, _prefix(), Outage("test"), 2,
                               SlidingWindowLimiter(2, 0.4), window=0.4)
    assert limiter.allow("u") and limiter.allow("u") and not limiter.allow("u")
    time.sleep(0.5)
    assert limiter.allow("u")


def test_answer_keys_round_trip_and_expire(client: redis.Redis) -> None:
    keys = RedisAnswerKeys(client, _prefix(), Outage("test"), MemoryAnswerKeys(), ttl=0.3)
    keys.put("abc", ASKED)
    assert keys.get("abc") == ASKED
    assert keys.get("missing") is None
    time.sleep(0.45)
    assert keys.get("abc") is None


def test_prefixes_keep_deployments_apart(client: redis.Redis) -> None:
    a = RedisClaims(client, "deploy-a", Outage("test"), 60, MemoryClaims())
    b = RedisClaims(client, "deploy-b", Outage("test"), 60, MemoryClaims())
    assert a.claim("event:Ev1") and b.claim("event:Ev1")
    assert sorted(k for k in client.scan_iter("deploy-*")) == [
        "deploy-a:event:Ev1", "deploy-b:event:Ev1"]


# -- the factory and the start-up check ----------------------------------------------------------


def test_the_factory_picks_memory_without_a_url_and_redis_with_one(
        settings: Settings, redis_url: str) -> None:
    local = open_app_stores(settings)
    assert not local.shared and isinstance(local.slack_seen, MemoryClaims)
    one = open_app_stores(dataclasses.replace(settings, redis_url=redis_url))
    two = open_app_stores(dataclasses.replace(settings, redis_url=redis_url))
    assert one.shared
    assert one.slack_seen.claim("event:Ev9") and not two.slack_seen.claim("event:Ev9")
    assert one.telegram_updates.claim("5") and not two.telegram_updates.claim("5")
    one.answer_keys.put("k1", ASKED)
    assert two.answer_keys.get("k1") == ASKED
    assert "event:Ev9" not in one.slack_threads  # each store has its own namespace
    one.close()
    two.close()


def test_unreachable_redis_at_start_is_one_line_naming_the_variable(
        settings: Settings) -> None:
    url = f"redis://:hunter2@127.0.0.1:{free_port()}/0"  # nothing listens there
    down = dataclasses.replace(settings, redis_url=url, slack_bot_token="xoxb-1",
                               slack_signing_secret="s", telegram_bot_token="1:t")
    for check in (lambda: check_redis(down), lambda: check_slack(down),
                  lambda: check_telegram(down)):
        with pytest.raises(SettingsError) as info:
            check()
        text = str(info.value)
        assert text.startswith("PARTNERBOT_REDIS_URL: cannot reach Redis at 127.0.0.1:")
        assert "\n" not in text and "hunter2" not in text
    with pytest.raises(SettingsError, match=r"^PARTNERBOT_REDIS_URL is not a Redis URL"):
        check_redis(dataclasses.replace(settings, redis_url="http://example.org"))
    check_redis(settings)  # no URL: nothing to check


def test_reachable_redis_passes_the_start_up_checks(settings: Settings, redis_url: str) -> None:
    up = dataclasses.replace(settings, redis_url=redis_url, slack_bot_token="xoxb-1",
                             slack_signing_secret="s", telegram_bot_token="1:t")
    check_slack(up)
    check_telegram(up)


# -- an outage while running -----------------------------------------------------------------------


def test_redis_going_away_fails_open_logs_once_and_recovers(
        settings: Settings, tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.WARNING, logger="partnerbot.stores")
    with RedisServer(tmp_path / "redis") as server:
        cfg = dataclasses.replace(settings, redis_url=server.url, telegram_rate_limit=2)
        stores = open_app_stores(cfg, retry_after=0.2)
        other = open_app_stores(cfg, retry_after=0.2)  # another replica
        assert stores.slack_seen.claim("event:Ev1")
        assert not other.slack_seen.claim("event:Ev1")

        server.stop()
        started = time.monotonic()
        # Fail open: new deliveries are answered, and this replica still drops its own
        # duplicates with its per-process memory.
        assert stores.slack_seen.claim("event:Ev2")
        assert not stores.slack_seen.claim("event:Ev2")
        assert stores.telegram_updates.claim("77")
        assert not stores.telegram_updates.claim("77")
        assert stores.telegram_limiter.allow("u") and stores.telegram_limiter.allow("u")
        assert not stores.telegram_limiter.allow("u")  # the local budget still applies
        stores.answer_keys.put("k-outage", ASKED)
        assert stores.answer_keys.get("k-outage") == ASKED
        assert "C1:1.0" not in stores.slack_threads
        for i in range(20):
            stores.slack_seen.claim(f"event:Ev-many-{i}")
        assert time.monotonic() - started < 2.0  # no waiting on the dead server
        down = [r for r in caplog.records if "unreachable" in r.getMessage()]
        assert len(down) == 1, [r.getMessage() for r in caplog.records]
        assert "per-process memory" in down[0].getMessage()

        server.start()
        time.sleep(0.3)  # past retry_after: the next call probes Redis again
        assert stores.slack_seen.claim("event:Ev3")
        assert not other.slack_seen.claim("event:Ev3")  # shared again
        assert any("reachable again" in r.getMessage() for r in caplog.records)
        assert len([r for r in caplog.records if "unreachable" in r.getMessage()]) == 1

        # a second outage is logged again, once
        server.stop()
        assert stores.telegram_updates.claim("78")
        assert stores.telegram_updates.claim("79")
        assert len([r for r in caplog.records if "unreachable" in r.getMessage()]) == 2
        stores.close()
        other.close()
