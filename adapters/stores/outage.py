"""Whether the shared store is reachable, with one log line per outage rather than per call.

While it is down, callers use their in-process fallback without even trying the store, except
for one probe every `retry_after` seconds: a black-holed Redis would otherwise cost a connect
timeout on every question. The first probe that succeeds ends the outage.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

log = logging.getLogger("partnerbot.stores")


class Outage:
    """Thread-safe state of one store connection: up, or down since when."""

    def __init__(self, name: str, retry_after: float = 5.0,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self._name = name
        self._retry_after = retry_after
        self._clock = clock
        self._down_since: float | None = None
        self._next_probe = 0.0
        self._lock = threading.Lock()

    @property
    def down(self) -> bool:
        return self._down_since is not None

    def should_try(self) -> bool:
        """True when up, or when a probe is due (only one caller gets each probe)."""
        with self._lock:
            if self._down_since is None:
                return True
            now = self._clock()
            if now < self._next_probe:
                return False
            self._next_probe = now + self._retry_after
            return True

    def failed(self, exc: BaseException) -> None:
        with self._lock:
            now = self._clock()
            self._next_probe = now + self._retry_after
            if self._down_since is not None:
                return
            self._down_since = now
        log.warning("%s unreachable (%s: %s); answering with per-process memory until it is "
                    "back", self._name, type(exc).__name__, exc)

    def succeeded(self) -> None:
        if self._down_since is None:  # the common case, without taking the lock
            return
        with self._lock:
            if self._down_since is None:
                return
            seconds = self._clock() - self._down_since
            self._down_since = None
        log.warning("%s reachable again after %.0f s; shared memory resumed", self._name, seconds)
