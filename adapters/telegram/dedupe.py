"""Memory of update ids already handled, so a redelivered update never gets a second answer.

Telegram redelivers a webhook update when our response was slow or lost, and an operator may
briefly run two pollers. Behind a Protocol so a store shared by several processes (Redis
`SET NX EX`) can replace this one.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from typing import Protocol


class UpdateDedupe(Protocol):
    """A set of recently seen update ids."""

    def first_time(self, update_id: int) -> bool:
        """Remember `update_id`; True if it was new (handle it), False if already seen."""
        ...


class RecentUpdates:
    """The last `max_ids` update ids, thread-safe. Telegram keeps undelivered updates for 24
    hours, but redeliveries come within minutes, so a few thousand recent ids are plenty."""

    def __init__(self, max_ids: int = 10_000) -> None:
        self._max = max_ids
        self._ids: OrderedDict[int, None] = OrderedDict()
        self._lock = threading.Lock()

    def first_time(self, update_id: int) -> bool:
        with self._lock:
            if update_id in self._ids:
                return False
            self._ids[update_id] = None
            if len(self._ids) > self._max:
                self._ids.popitem(last=False)
            return True
