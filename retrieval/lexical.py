"""BM25 over passages (bm25s), behind the `LexicalIndex` protocol."""

from __future__ import annotations

import json
import logging
import math
from collections.abc import Sequence
from pathlib import Path
from types import ModuleType
from typing import Protocol

import numpy as np

from partnerbot.retrieval.tokenize import tokenize


def _bm25s() -> ModuleType:
    """bm25s, imported on first use; its import sets its logger to DEBUG, which would print
    every build on stderr, so the level is lowered after the import."""
    import bm25s

    logging.getLogger("bm25s").setLevel(logging.WARNING)
    return bm25s


class LexicalIndex(Protocol):
    def has_token(self, token: str) -> bool:
        """Is the token anywhere in the corpus?"""
        ...

    def scores(self, query_tokens: Sequence[str]) -> np.ndarray:
        """One score per passage, in passage order (0 where nothing matches)."""
        ...

    def idf(self, token: str) -> float:
        """How rare the token is across passages: weighs word overlap in evidence scoring."""
        ...

    def doc_freq(self, token: str) -> int:
        """How many passages hold the token: tells a name (few) from a term (many)."""
        ...

    def save(self, directory: Path) -> None: ...

    @property
    def size(self) -> int: ...


class BM25Index:
    """bm25s with our tokenizer; unknown query tokens are dropped, not errors."""

    def __init__(self, retriever: object, size: int, df: dict[str, int] | None = None) -> None:
        self._bm25 = retriever
        self._size = size
        self._vocab: dict[str, int] = dict(getattr(retriever, "vocab_dict", {}) or {})
        self._df = df or {}

    @classmethod
    def build(cls, texts: Sequence[str],
              tokens: Sequence[list[str]] | None = None) -> BM25Index:
        """`tokens`, when given, are `tokenize(text)` of each text (cached by the build)."""
        retriever = _bm25s().BM25()
        corpus_tokens = [t or [""] for t in tokens] if tokens is not None else \
            [tokenize(t) or [""] for t in texts]
        retriever.index(corpus_tokens, show_progress=False)
        df: dict[str, int] = {}
        for toks in corpus_tokens:
            for tok in set(toks):
                df[tok] = df.get(tok, 0) + 1
        return cls(retriever, len(texts), df)

    @classmethod
    def load(cls, directory: Path) -> BM25Index:
        retriever = _bm25s().BM25.load(str(directory), show_progress=False)
        stats = json.loads((directory / "stats.json").read_text(encoding="utf-8"))
        return cls(retriever, int(stats["size"]), {k: int(v) for k, v in stats["df"].items()})

    def save(self, directory: Path) -> None:
        directory.mkdir(parents=True, exist_ok=True)
        self._bm25.save(str(directory), show_progress=False)  # type: ignore[attr-defined]
        (directory / "stats.json").write_text(
            json.dumps({"size": self._size, "df": self._df}, ensure_ascii=False), encoding="utf-8")

    @property
    def size(self) -> int:
        return self._size

    def has_token(self, token: str) -> bool:
        return token in self._vocab

    def doc_freq(self, token: str) -> int:
        return self._df.get(token, 0)

    def idf(self, token: str) -> float:
        """Inverse document frequency over passages; unseen tokens weigh the most."""
        df = self._df.get(token, 0)
        return math.log(1.0 + (self._size - df + 0.5) / (df + 0.5))

    def scores(self, query_tokens: Sequence[str]) -> np.ndarray:
        known = [t for t in query_tokens if t in self._vocab and t]
        if not known or self._size == 0:
            return np.zeros(self._size, dtype=np.float32)
        return np.asarray(self._bm25.get_scores(known), dtype=np.float32)  # type: ignore[attr-defined]
