"""Feedback on answers (👍/👎) and questions the bot could not answer, shared by every chat
adapter; `partnerbot report` and `/partners report` read both.

SQLite in WAL mode: each record is one committed transaction, so a crash loses at most the
write in progress, and readers (`partnerbot feedback`) never block the bot. Several replicas
share one store in Redis instead (`adapters/stores/redis_feedback.py`).
"""

from __future__ import annotations

import json
import sqlite3
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

Verdict = Literal["up", "down"]


@dataclass(frozen=True)
class Feedback:
    """One click on 👍 or 👎 under an answer."""

    platform: str
    user_id: str
    verdict: Verdict
    question: str
    release_ids: tuple[str, ...]
    request_id: str = ""
    created_at: float = field(default_factory=time.time)


@dataclass(frozen=True)
class Unanswered:
    """A question the bot abstained on. `question` is "" when PARTNERBOT_LOG_QUESTIONS=0."""

    platform: str
    question: str
    lang: str = "en"
    request_id: str = ""
    created_at: float = field(default_factory=time.time)


class FeedbackStore:
    """Append-only feedback log; safe to share between threads of one process."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self._path = path
        self._lock = threading.Lock()
        self._conn = sqlite3.connect(str(path), check_same_thread=False, timeout=10)
        self._conn.execute("PRAGMA journal_mode=WAL")
        # FULL: a commit is on disk before record() returns, so even a power cut (not only a
        # killed process, which NORMAL already survives) loses at most the write in progress;
        # one fsync per click costs nothing at feedback rates.
        self._conn.execute("PRAGMA synchronous=FULL")
        self._conn.execute(
            "CREATE TABLE IF NOT EXISTS feedback ("
            " id INTEGER PRIMARY KEY AUTOINCREMENT, created_at REAL NOT NULL,"
            " platform TEXT NOT NULL, user_id TEXT NOT NULL, verdict TEXT NOT NULL,"
            " question TEXT NOT NULL, release_ids TEXT NOT NULL, request_id TEXT NOT NULL)"
        )
        self._conn.execute(
            "CREATE TABLE IF NOT EXISTS unanswered (id INTEGER PRIMARY KEY AUTOINCREMENT,"
            " created_at REAL NOT NULL, platform TEXT NOT NULL, question TEXT NOT NULL,"
            " lang TEXT NOT NULL, request_id TEXT NOT NULL)"
        )
        self._conn.commit()

    def record_unanswered(self, item: Unanswered) -> None:
        with self._lock:
            self._conn.execute(
                "INSERT INTO unanswered (created_at, platform, question, lang, request_id)"
                " VALUES (?, ?, ?, ?, ?)",
                (item.created_at, item.platform, item.question, item.lang, item.request_id))
            self._conn.commit()

    def unanswered(self, since: float = 0.0) -> list[Unanswered]:
        """Abstentions recorded at or after `since` (epoch seconds), oldest first."""
        with self._lock:
            rows = self._conn.execute(
                "SELECT platform, question, lang, request_id, created_at FROM unanswered"
                " WHERE created_at >= ? ORDER BY id", (since,)).fetchall()
        return [Unanswered(*r) for r in rows]

    def since(self, since: float) -> list[Feedback]:
        """Feedback recorded at or after `since`, oldest first."""
        return [f for f in reversed(self.all()) if f.created_at >= since]

    def record(self, fb: Feedback) -> None:
        if fb.verdict not in ("up", "down"):
            raise ValueError(f"verdict must be 'up' or 'down', not {fb.verdict!r}")
        with self._lock:
            self._conn.execute(
                "INSERT INTO feedback (created_at, platform, user_id, verdict, question,"
                " release_ids, request_id) VALUES (?, ?, ?, ?, ?, ?, ?)",
                (fb.created_at, fb.platform, fb.user_id, fb.verdict, fb.question,
                 json.dumps(list(fb.release_ids)), fb.request_id),
            )
            self._conn.commit()

    def all(self, limit: int | None = None) -> list[Feedback]:
        """Newest first."""
        sql = ("SELECT platform, user_id, verdict, question, release_ids, request_id, created_at"
               " FROM feedback ORDER BY id DESC")
        params: tuple[int, ...] = ()
        if limit is not None:
            sql += " LIMIT ?"
            params = (limit,)
        with self._lock:
            rows = self._conn.execute(sql, params).fetchall()
        return [Feedback(platform=r[0], user_id=r[1], verdict=r[2], question=r[3],
                         release_ids=tuple(json.loads(r[4])), request_id=r[5], created_at=r[6])
                for r in rows]

    def close(self) -> None:
        with self._lock:
            self._conn.close()
