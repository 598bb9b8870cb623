"""Claims: "first one to say this key wins", each key forgotten after a TTL (Redis `SET NX PX`).

Every "do this once" in the adapters is one: a Slack event or message answered once although
Slack delivers at least once (retries, and `app_mention` plus `message` for one mention), a
Telegram update answered once although a webhook may be redelivered, a thread remembered as
one the bot answered in. One process keeps claims in `MemoryClaims`; replicas share them in
Redis (`adapters/stores/redis.py`), so a retry landing on another replica is still refused.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from typing import Protocol


class Claims(Protocol):
    """A set of keys, each forgotten `ttl` seconds after it was claimed (the TTL belongs to
    the store: whoever builds it knows how long redeliveries of its kind can come)."""

    def claim(self, key: str) -> bool:
        """Add `key` atomically; True if it was not there (the caller may act), else False."""
        ...

    def __contains__(self, key: object) -> bool:
        """Whether `key` is claimed and not yet forgotten."""
        ...


class MemoryClaims:
    """Thread-safe, bounded, time-limited claims for one process.

    Both bounds matter: `ttl` must outlast the platform's redeliveries, `max_keys` keeps a busy
    workspace from growing it without limit (the oldest keys are forgotten first).
    """

    def __init__(self, ttl: float = 3600.0, max_keys: int = 100_000,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self._ttl = ttl
        self._max = max_keys
        self._clock = clock
        self._keys: OrderedDict[str, float] = OrderedDict()
        self._lock = threading.Lock()

    def _expire(self, now: float) -> None:
        while self._keys:
            key, born = next(iter(self._keys.items()))
            if now - born < self._ttl and len(self._keys) <= self._max:
                break
            del self._keys[key]

    def claim(self, key: str) -> bool:
        with self._lock:
            now = self._clock()
            self._expire(now)
            if key in self._keys:
                return False
            self._keys[key] = now
            self._expire(now)
            return True

    def __contains__(self, key: object) -> bool:
        with self._lock:
            self._expire(self._clock())
            return key in self._keys

    def __len__(self) -> int:
        with self._lock:
            return len(self._keys)
