"""The embedder protocol every backend implements."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol, runtime_checkable

import numpy as np


class EmbedderError(Exception):
    """An embedder cannot be loaded; the message says what to install or change."""


@runtime_checkable
class Embedder(Protocol):
    """Text to L2-normalised float32 vectors. Queries and passages are encoded separately
    because asymmetric models (e5, bge) prefix them differently."""

    @property
    def name(self) -> str:
        """Stable identifier recorded in the index manifest (model and variant)."""
        ...

    @property
    def dim(self) -> int: ...

    def encode_queries(self, texts: Sequence[str]) -> np.ndarray: ...

    def encode_passages(self, texts: Sequence[str]) -> np.ndarray: ...


def normalise(vectors: np.ndarray) -> np.ndarray:
    """Unit rows, float32, C-contiguous (FAISS wants exactly that)."""
    v = np.asarray(vectors, dtype=np.float32)
    if v.ndim == 1:
        v = v[None, :]
    norms = np.linalg.norm(v, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    return np.ascontiguousarray(v / norms)
