"""Short-lived memory of keys: events already handled, threads the bot answered in.

Slack delivers at least once: it retries (`X-Slack-Retry-Num`) when an ack was slow or lost,
and a channel message that mentions the bot arrives twice (`app_mention` and `message`).
Each answer is claimed once by key, atomically, so no delivery path can answer twice.
Behind a Protocol so a store shared by several processes (Redis `SET NX EX`) can replace the
in-memory one without touching the handlers.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from typing import Protocol


class KeyStore(Protocol):
    """A set of keys that forgets each one after a while."""

    def claim(self, key: str) -> bool:
        """Add `key`; True if it was not there (the caller may act), False if it was."""
        ...

    def __contains__(self, key: object) -> bool: ...


class MemoryKeyStore:
    """Thread-safe, bounded, time-limited set for one process.

    Both bounds matter: `ttl` must outlast Slack's retries (three, within about five minutes),
    `max_keys` keeps a busy workspace from growing it without limit.
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
