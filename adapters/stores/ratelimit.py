"""Per-user question budget, so one chatty user cannot monopolise the engine.

Behind a Protocol so a limiter shared by several bot processes (`RedisRateLimiter`) can replace
the in-memory one without touching the handlers.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict, deque
from collections.abc import Callable
from typing import Protocol


class RateLimiter(Protocol):
    """Counts questions per key (a user id) in a sliding window."""

    def allow(self, key: str) -> bool:
        """Record one question for `key`; False when `key` is over its budget (not recorded)."""
        ...


class SlidingWindowLimiter:
    """At most `limit` questions per `window` seconds per key, for one process.

    A sliding window rather than a fixed minute, so a burst straddling a minute boundary
    cannot double the budget. `max_keys` bounds memory: the least recently active users are
    forgotten first. `limit <= 0` disables limiting.
    """

    def __init__(
        self,
        limit: int,
        window: float = 60.0,
        max_keys: int = 10_000,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._limit = limit
        self._window = window
        self._max_keys = max_keys
        self._clock = clock
        self._hits: OrderedDict[str, deque[float]] = OrderedDict()
        self._lock = threading.Lock()

    def allow(self, key: str) -> bool:
        if self._limit <= 0:
            return True
        with self._lock:
            now = self._clock()
            hits = self._hits.pop(key, None) or deque()
            while hits and now - hits[0] >= self._window:
                hits.popleft()
            allowed = len(hits) < self._limit
            if allowed:
                hits.append(now)
            self._hits[key] = hits  # re-inserted last: most recently active
            while len(self._hits) > self._max_keys:
                self._hits.popitem(last=False)
            return allowed
