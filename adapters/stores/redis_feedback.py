"""Feedback and unanswered questions in Redis, so several replicas write one log and
`/partners report` on any of them reports for all.

Two lists (`<prefix>:feedback`, `<prefix>:unanswered`) of JSON records, capped at the newest
`MAX_RECORDS`. Unlike the de-duplication stores this one does not fall back to memory: a
record that cannot be written is an error the caller logs (the user still gets their reply).
"""

from __future__ import annotations

import json
from dataclasses import asdict

import redis

from partnerbot.adapters.stores.factory import PREFIX
from partnerbot.adapters.stores.redis import connect
from partnerbot.bot.ops.feedback import Feedback, FeedbackStore, Unanswered
from partnerbot.bot.settings import Settings

MAX_RECORDS = 100_000


class RedisFeedbackStore(FeedbackStore):
    """`FeedbackStore` over Redis (same methods; no SQLite file is opened)."""

    def __init__(self, client: redis.Redis, prefix: str = PREFIX) -> None:
        self._client = client
        self._feedback = f"{prefix}:feedback"
        self._unanswered = f"{prefix}:unanswered"

    def _push(self, key: str, record: dict[str, object]) -> None:
        pipe = self._client.pipeline()
        pipe.rpush(key, json.dumps(record, ensure_ascii=False))
        pipe.ltrim(key, -MAX_RECORDS, -1)
        pipe.execute()

    def record(self, fb: Feedback) -> None:
        if fb.verdict not in ("up", "down"):
            raise ValueError(f"verdict must be 'up' or 'down', not {fb.verdict!r}")
        self._push(self._feedback, {**asdict(fb), "release_ids": list(fb.release_ids)})

    def all(self, limit: int | None = None) -> list[Feedback]:
        """Newest first."""
        raw = self._client.lrange(self._feedback, -(limit or MAX_RECORDS), -1)
        out = []
        for line in reversed(raw):
            d = json.loads(line)
            out.append(Feedback(**{**d, "release_ids": tuple(d["release_ids"])}))
        return out

    def record_unanswered(self, item: Unanswered) -> None:
        self._push(self._unanswered, asdict(item))

    def unanswered(self, since: float = 0.0) -> list[Unanswered]:
        rows = [Unanswered(**json.loads(line))
                for line in self._client.lrange(self._unanswered, 0, -1)]
        return [u for u in rows if u.created_at >= since]

    def close(self) -> None:
        self._client.close()


def open_feedback(settings: Settings) -> FeedbackStore:
    """The replicas' shared store when `redis_url` is set, else this process's SQLite file."""
    if settings.redis_url:
        return RedisFeedbackStore(connect(settings.redis_url, timeout=2.0))
    return FeedbackStore(settings.feedback_db)
