"""Pick the stores from the settings: per-process memory, or Redis when `redis_url` is set.

The one place that knows how long each kind of key is kept, for both backends.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlsplit

from redis.exceptions import RedisError

from partnerbot.adapters.slack.dedupe import KeyStore, MemoryKeyStore
from partnerbot.adapters.stores.outage import Outage
from partnerbot.adapters.stores.redis import (
    RedisAnswerKeys,
    RedisKeyStore,
    RedisRateLimiter,
    RedisUpdateDedupe,
    connect,
)
from partnerbot.adapters.telegram.dedupe import RecentUpdates, UpdateDedupe
from partnerbot.adapters.telegram.feedback_keys import AnswerKeys, MemoryAnswerKeys
from partnerbot.adapters.telegram.ratelimit import RateLimiter, SlidingWindowLimiter
from partnerbot.bot.settings import Settings, SettingsError

EVENT_TTL = 3600.0  # outlasts Slack's retries (three, within about five minutes)
THREAD_TTL = 7 * 24 * 3600.0  # a thread stays "ours" for a week: follow-ups need no mention
UPDATE_TTL = 24 * 3600.0  # Telegram drops undelivered updates after a day
ANSWER_TTL = 7 * 24 * 3600.0  # 👍/👎 after a week fall back to the quoted question
PREFIX = "partnerbot"


@dataclass(frozen=True)
class Stores:
    """Everything the adapters remember between deliveries. `close` releases the connection."""

    slack_seen: KeyStore
    slack_threads: KeyStore
    telegram_updates: UpdateDedupe
    telegram_limiter: RateLimiter
    answer_keys: AnswerKeys
    close: Callable[[], None]
    shared: bool


def open_stores(settings: Settings, prefix: str = PREFIX, retry_after: float = 5.0) -> Stores:
    """Memory stores when `redis_url` is empty, else Redis stores with those memory stores as
    their fallback during an outage. Connects lazily: never raises because Redis is down
    (`check_redis` is the start-up check)."""
    seen = MemoryKeyStore(ttl=EVENT_TTL)
    threads = MemoryKeyStore(ttl=THREAD_TTL)
    updates = RecentUpdates()
    limiter = SlidingWindowLimiter(settings.telegram_rate_limit)
    keys = MemoryAnswerKeys()
    if not settings.redis_url:
        return Stores(seen, threads, updates, limiter, keys, close=lambda: None, shared=False)
    client = connect(settings.redis_url)
    outage = Outage(f"Redis at {_where(settings.redis_url)}", retry_after=retry_after)
    return Stores(
        slack_seen=RedisKeyStore(client, f"{prefix}:slack:seen", outage, EVENT_TTL, seen),
        slack_threads=RedisKeyStore(client, f"{prefix}:slack:thread", outage, THREAD_TTL,
                                    threads),
        telegram_updates=RedisUpdateDedupe(client, f"{prefix}:telegram:update", outage,
                                           updates, UPDATE_TTL),
        telegram_limiter=RedisRateLimiter(client, f"{prefix}:telegram:rate", outage,
                                          settings.telegram_rate_limit, limiter),
        answer_keys=RedisAnswerKeys(client, f"{prefix}:telegram:answer", outage, keys,
                                    ANSWER_TTL),
        close=client.close,
        shared=True,
    )


def check_redis(settings: Settings) -> None:
    """At start, an unreachable or malformed `redis_url` is a one-line SettingsError: running
    replicas without their shared memory would answer retries twice, silently."""
    if not settings.redis_url:
        return
    where = _where(settings.redis_url)
    try:
        client = connect(settings.redis_url, timeout=2.0)
    except ValueError as exc:
        raise SettingsError(f"PARTNERBOT_REDIS_URL is not a Redis URL "
                            f"(redis://host:6379/0): {exc}") from None
    try:
        client.ping()
    except RedisError as exc:
        reason = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
        raise SettingsError(f"PARTNERBOT_REDIS_URL: cannot reach Redis at {where}: "
                            f"{reason}") from None
    finally:
        client.close()


def _where(url: str) -> str:
    """host:port/db without the password, for messages and logs."""
    parts = urlsplit(url)
    host = parts.hostname or parts.path or "?"
    try:
        port = f":{parts.port}" if parts.port else ""
    except ValueError:  # not a number: connect() will say so
        port = ""
    db = parts.path if parts.hostname and parts.path not in ("", "/") else ""
    return f"{host}{port}{db}"
