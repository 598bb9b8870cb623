"""Any sentence-transformers model, by hub name or local path (optional extra `[st]`)."""

from __future__ import annotations

import threading
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from partnerbot.retrieval.embedders.base import EmbedderError, normalise


def _prefixes(model: str) -> tuple[str, str]:
    """Asymmetric families want a query/passage prefix; others none."""
    lowered = Path(model).name.lower() if Path(model).exists() else model.lower()
    if "e5" in lowered:
        return "query: ", "passage: "
    if "bge" in lowered:
        return "Represent this sentence for searching relevant passages: ", ""
    return "", ""


class SentenceTransformerEmbedder:
    """Loads offline when the model is a local folder or already in the local cache; a hub
    name that is not cached fails with a one-line error rather than a long download stack."""

    def __init__(self, model: str, query_prefix: str | None = None,
                 passage_prefix: str | None = None, device: str = "cpu") -> None:
        try:
            from sentence_transformers import SentenceTransformer
        except ImportError as exc:
            raise EmbedderError(
                "sentence-transformers is not installed: pip install torch==2.13.0 first, "
                "then pip install 'partnerbot[st]'") from exc
        try:
            self._model = SentenceTransformer(model, device=device)
        except Exception as exc:  # the library raises many kinds (OSError, HF errors)
            raise EmbedderError(f"cannot load sentence-transformers model {model!r}: "
                                f"{str(exc).splitlines()[0] if str(exc) else type(exc).__name__}"
                                ) from exc
        qp, pp = _prefixes(model)
        self._query_prefix = qp if query_prefix is None else query_prefix
        self._passage_prefix = pp if passage_prefix is None else passage_prefix
        self._model_name = model
        get_dim = getattr(self._model, "get_embedding_dimension", None) or self._model.get_sentence_embedding_dimension
        dim = get_dim()
        self._dim = int(dim) if dim else int(self._model.encode(["x"]).shape[1])
        self._lock = threading.Lock()

    @property
    def name(self) -> str:
        return f"st:{Path(self._model_name).name if Path(self._model_name).exists() else self._model_name}"

    @property
    def dim(self) -> int:
        return self._dim

    def _encode(self, texts: Sequence[str], prefix: str) -> np.ndarray:
        if not texts:
            return np.zeros((0, self._dim), dtype=np.float32)
        with self._lock:
            vectors = self._model.encode([prefix + (t or " ") for t in texts], batch_size=32,
                                         show_progress_bar=False, convert_to_numpy=True)
        return normalise(vectors)

    def encode_queries(self, texts: Sequence[str]) -> np.ndarray:
        return self._encode(texts, self._query_prefix)

    def encode_passages(self, texts: Sequence[str]) -> np.ndarray:
        return self._encode(texts, self._passage_prefix)
