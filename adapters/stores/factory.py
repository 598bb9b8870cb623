"""Pick the stores from the settings: per-process memory, or Redis when `redis_url` is set.

Platform-neutral: each chat platform asks for the stores it needs by name (`slack:seen`,
`telegram:rate`, ...) with the lifetime it knows its keys need; the factory only decides where
they live. Nothing here knows Slack or Telegram.
"""

from __future__ import annotations

from urllib.parse import urlsplit

import redis
from redis.exceptions import RedisError

from partnerbot.adapters.common.chat import one_line
from partnerbot.adapters.stores.answer_keys import AnswerKeys, MemoryAnswerKeys
from partnerbot.adapters.stores.claims import Claims, MemoryClaims
from partnerbot.adapters.stores.outage import Outage
from partnerbot.adapters.stores.ratelimit import RateLimiter, SlidingWindowLimiter
from partnerbot.adapters.stores.redis import (
    RedisAnswerKeys,
    RedisClaims,
    RedisRateLimiter,
    connect,
)
from partnerbot.bot.settings import Settings, SettingsError

PREFIX = "partnerbot"


class Stores:
    """Opens named stores in one place: memory for one process, or Redis shared by the
    replicas, each Redis store with a memory twin as its fallback during an outage (one
    `Outage` per connection, so an outage is logged once, not once per store).

    Call each method once per name and keep the store: every call builds a new memory twin.
    """

    def __init__(self, client: redis.Redis | None = None, prefix: str = PREFIX,
                 outage: Outage | None = None) -> None:
        self._client = client
        self._prefix = prefix
        self._outage = outage or Outage("Redis")

    @property
    def shared(self) -> bool:
        """True when the stores are shared with other replicas (Redis)."""
        return self._client is not None

    def claims(self, name: str, ttl: float, max_keys: int = 100_000) -> Claims:
        """Claims named `name` (e.g. `slack:seen`), each kept `ttl` seconds."""
        local = MemoryClaims(ttl=ttl, max_keys=max_keys)
        if self._client is None:
            return local
        return RedisClaims(self._client, self._name(name), self._outage, ttl, local)

    def limiter(self, name: str, limit: int, window: float = 60.0) -> RateLimiter:
        """At most `limit` questions per `window` seconds per key (`limit <= 0`: no limit)."""
        local = SlidingWindowLimiter(limit, window)
        if self._client is None:
            return local
        return RedisRateLimiter(self._client, self._name(name), self._outage, limit, local,
                                window)

    def answer_keys(self, name: str, ttl: float) -> AnswerKeys:
        """What 👍/👎 button keys refer to, kept `ttl` seconds."""
        local = MemoryAnswerKeys()
        if self._client is None:
            return local
        return RedisAnswerKeys(self._client, self._name(name), self._outage, local, ttl)

    def close(self) -> None:
        """Release the connection (memory stores have none)."""
        if self._client is not None:
            self._client.close()

    def _name(self, name: str) -> str:
        return f"{self._prefix}:{name}"


def open_stores(settings: Settings, prefix: str = PREFIX, retry_after: float = 5.0) -> Stores:
    """Memory stores when `redis_url` is empty, else Redis stores with memory fallbacks.
    Connects lazily: never raises because Redis is down (`check_redis` is the start-up check)."""
    if not settings.redis_url:
        return Stores(prefix=prefix)
    outage = Outage(f"Redis at {_where(settings.redis_url)}", retry_after=retry_after)
    return Stores(connect(settings.redis_url), prefix, outage)


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
        raise SettingsError(f"PARTNERBOT_REDIS_URL: cannot reach Redis at {where}: "
                            f"{one_line(exc, limit=None)}") from None
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
