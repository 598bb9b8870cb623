"""What a 👍/👎 button refers to, kept server-side.

A platform whose buttons carry little data (Telegram's callback_data holds at most 64 bytes,
too little for a question and its release ids) puts a short key on the button, and this
bounded map holds the rest. After a restart the key is gone; the handler then falls back to
the question the answer replied to. Behind a Protocol because a click can reach another
replica than the one that answered: replicas share a Redis-backed map (`RedisAnswerKeys`).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True)
class Asked:
    """The question behind an answer and the releases the answer showed."""

    question: str
    release_ids: tuple[str, ...]
    request_id: str
    # the parties the answer was about (`Answer.parties`): a follow-up in the thread asks
    # about them when it names none; empty after an abstention
    parties: tuple[str, ...] = ()


class AnswerKeys(Protocol):
    """Short button key -> what the answer was about."""

    def put(self, key: str, asked: Asked) -> None: ...

    def get(self, key: str) -> Asked | None:
        """What `key` referred to, or None once forgotten."""
        ...


class MemoryAnswerKeys:
    """Bounded, thread-safe map from a short key to `Asked`, for one process; oldest entries
    are dropped."""

    def __init__(self, max_entries: int = 10_000) -> None:
        self._max = max_entries
        self._items: OrderedDict[str, Asked] = OrderedDict()
        self._lock = threading.Lock()

    def put(self, key: str, asked: Asked) -> None:
        with self._lock:
            self._items[key] = asked
            self._items.move_to_end(key)
            while len(self._items) > self._max:
                self._items.popitem(last=False)

    def get(self, key: str) -> Asked | None:
        with self._lock:
            return self._items.get(key)
