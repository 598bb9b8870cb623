"""Redis implementations of the adapters' stores, shared by every replica.

Each key is `<prefix>:<store>:<key>` with a TTL, so one Redis (or one database number in the
URL) can serve several deployments and nothing needs cleaning up. Claims are one atomic
`SET NX PX`; the rate limit is a sorted set of timestamps updated by one Lua script, so two
replicas counting the same user at the same moment cannot both take the last slot.

Failure behaviour: fail open, to per-process memory. When Redis does not answer, every store
falls back to its in-memory twin (the one a single process uses) and the outage is logged
once. A question is then answered even if another replica may answer its retry too: a rare
duplicate answer is a small cost, a dropped question (or a user refused because their
budget could not be read) is the failure users notice. Duplicates reaching the same replica
are still caught by the fallback. Redis is probed again every few seconds and used as soon as
it answers; what the fallback learnt meanwhile stays local.
"""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Callable
from typing import TypeVar

import redis
from redis.backoff import NoBackoff
from redis.exceptions import RedisError
from redis.retry import Retry

from partnerbot.adapters.stores.answer_keys import AnswerKeys, Asked
from partnerbot.adapters.stores.claims import Claims
from partnerbot.adapters.stores.outage import Outage
from partnerbot.adapters.stores.ratelimit import RateLimiter

T = TypeVar("T")

# KEYS[1] the user's sorted set; ARGV: now, window (s), limit, a unique member.
# Drops timestamps that left the window, then records `now` only if there is room, so refused
# questions never use up the budget (as the in-memory SlidingWindowLimiter).
_SLIDING_WINDOW = """
local now = tonumber(ARGV[1])
local window = tonumber(ARGV[2])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
if redis.call('ZCARD', KEYS[1]) < tonumber(ARGV[3]) then
  redis.call('ZADD', KEYS[1], now, ARGV[4])
  redis.call('PEXPIRE', KEYS[1], math.ceil(window * 1000))
  return 1
end
return 0
"""


def connect(url: str, timeout: float = 0.5) -> redis.Redis:
    """A client that gives up quickly: a question must never wait long on a store that only
    prevents duplicates. One immediate retry reconnects a pooled connection that a Redis
    restart closed, so recovery costs no failed call."""
    return redis.Redis.from_url(url, socket_connect_timeout=timeout, socket_timeout=timeout,
                                retry=Retry(NoBackoff(), 1), decode_responses=True)


class _Shared:
    """A Redis-backed store with a local fallback while Redis is unreachable."""

    def __init__(self, client: redis.Redis, prefix: str, outage: Outage) -> None:
        self._redis = client
        self._prefix = prefix
        self._outage = outage

    def _key(self, key: str) -> str:
        return f"{self._prefix}:{key}"

    def _call(self, shared: Callable[[], T], local: Callable[[], T]) -> T:
        if not self._outage.should_try():
            return local()
        try:
            result = shared()
        except RedisError as exc:
            self._outage.failed(exc)
            return local()
        self._outage.succeeded()
        return result


class RedisClaims(_Shared):
    """`Claims` shared by every replica: one atomic `SET NX PX` per claim, so exactly one
    replica wins a key; keys expire after `ttl` seconds."""

    def __init__(self, client: redis.Redis, prefix: str, outage: Outage, ttl: float,
                 fallback: Claims) -> None:
        super().__init__(client, prefix, outage)
        self._ttl_ms = max(1, round(ttl * 1000))
        self._fallback = fallback

    def claim(self, key: str) -> bool:
        return self._call(
            lambda: bool(self._redis.set(self._key(key), 1, nx=True, px=self._ttl_ms)),
            lambda: self._fallback.claim(key))

    def __contains__(self, key: object) -> bool:
        return self._call(lambda: bool(self._redis.exists(self._key(str(key)))),
                          lambda: key in self._fallback)


class RedisRateLimiter(_Shared):
    """`RateLimiter`: at most `limit` questions per `window` seconds per key, across replicas.

    Timestamps come from `clock`, wall-clock time by default: unlike a monotonic clock it is
    the same on every replica (NTP keeps hosts within milliseconds of a one-minute window).
    """

    def __init__(self, client: redis.Redis, prefix: str, outage: Outage, limit: int,
                 fallback: RateLimiter, window: float = 60.0,
                 clock: Callable[[], float] = time.time) -> None:
        super().__init__(client, prefix, outage)
        self._limit = limit
        self._window = window
        self._clock = clock
        self._fallback = fallback
        self._script = client.register_script(_SLIDING_WINDOW)

    def allow(self, key: str) -> bool:
        if self._limit <= 0:
            return True

        def shared() -> bool:
            now = self._clock()
            member = f"{now!r}:{uuid.uuid4().hex[:12]}"
            args: list[str | int] = [repr(now), repr(float(self._window)), self._limit, member]
            return bool(self._script(keys=[self._key(key)], args=args))

        return self._call(shared, lambda: self._fallback.allow(key))


class RedisAnswerKeys(_Shared):
    """`AnswerKeys`: what a 👍/👎 button refers to, readable by the replica that gets the
    click. Kept `ttl` seconds (a week by default); after that the handler falls back to the
    question the answer quoted."""

    def __init__(self, client: redis.Redis, prefix: str, outage: Outage,
                 fallback: AnswerKeys, ttl: float = 7 * 24 * 3600) -> None:
        super().__init__(client, prefix, outage)
        self._ttl_ms = max(1, round(ttl * 1000))
        self._fallback = fallback

    def put(self, key: str, asked: Asked) -> None:
        value = json.dumps({"question": asked.question, "release_ids": list(asked.release_ids),
                            "request_id": asked.request_id, "parties": list(asked.parties)},
                           ensure_ascii=False)
        self._call(lambda: self._redis.set(self._key(key), value, px=self._ttl_ms),
                   lambda: self._fallback.put(key, asked))

    def get(self, key: str) -> Asked | None:
        def shared() -> Asked | None:
            raw = self._redis.get(self._key(key))
            return _asked(raw) if isinstance(raw, str) else self._fallback.get(key)

        return self._call(shared, lambda: self._fallback.get(key))


def _asked(raw: str) -> Asked | None:
    try:
        data = json.loads(raw)
        return Asked(question=str(data["question"]),
                     release_ids=tuple(str(r) for r in data["release_ids"]),
                     request_id=str(data["request_id"]),
                     # entries written before parties were kept carry none
                     parties=tuple(str(p) for p in data.get("parties", ())))
    except (ValueError, KeyError, TypeError):
        return None
