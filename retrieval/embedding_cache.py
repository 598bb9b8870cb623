"""Embedding cache keyed by (embedder, content hash), so a reindex only embeds what changed."""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Sequence
from pathlib import Path

import numpy as np


class EmbeddingCache:
    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()
        self._conn = sqlite3.connect(str(path), check_same_thread=False, timeout=30)
        try:
            self._conn.execute("PRAGMA journal_mode=WAL")
            self._conn.execute("CREATE TABLE IF NOT EXISTS emb (embedder TEXT NOT NULL, "
                               "key TEXT NOT NULL, vec BLOB NOT NULL, PRIMARY KEY (embedder, key))")
            self._conn.commit()
        except sqlite3.DatabaseError:
            # A corrupt cache is only a lost speed-up: start a new one.
            self._conn.close()
            path.unlink(missing_ok=True)
            self._conn = sqlite3.connect(str(path), check_same_thread=False, timeout=30)
            self._conn.execute("CREATE TABLE emb (embedder TEXT NOT NULL, key TEXT NOT NULL, "
                               "vec BLOB NOT NULL, PRIMARY KEY (embedder, key))")
            self._conn.commit()

    def get_many(self, embedder: str, keys: Sequence[str], dim: int) -> dict[str, np.ndarray]:
        found: dict[str, np.ndarray] = {}
        with self._lock:
            for i in range(0, len(keys), 500):
                chunk = list(keys[i:i + 500])
                marks = ",".join("?" * len(chunk))
                rows = self._conn.execute(
                    f"SELECT key, vec FROM emb WHERE embedder = ? AND key IN ({marks})",
                    [embedder, *chunk]).fetchall()
                for key, blob in rows:
                    vec = np.frombuffer(blob, dtype=np.float32)
                    if vec.shape[0] == dim:
                        found[key] = vec
        return found

    def put_many(self, embedder: str, items: dict[str, np.ndarray]) -> None:
        with self._lock:
            self._conn.executemany(
                "INSERT OR REPLACE INTO emb (embedder, key, vec) VALUES (?, ?, ?)",
                [(embedder, k, np.asarray(v, dtype=np.float32).tobytes()) for k, v in items.items()])
            self._conn.commit()

    def close(self) -> None:
        with self._lock:
            self._conn.close()
