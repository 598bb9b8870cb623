"""Hybrid retrieval: dense (each embedder) + BM25 with cross-lingual name expansion, fused."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

from partnerbot.retrieval.embedders.base import Embedder
from partnerbot.retrieval.fusion import weighted_rrf
from partnerbot.retrieval.load import LoadedIndex
from partnerbot.retrieval.passage import Passage
from partnerbot.retrieval.tokenize import tokenize

DEFAULT_WEIGHTS = {"bm25": 0.7}
CANDIDATES = 50


@dataclass(frozen=True)
class Hit:
    passage: Passage
    score: float  # fused
    dense: Mapping[str, float] = field(default_factory=dict)  # cosine per embedder
    lexical: float = 0.0


@dataclass(frozen=True)
class QueryVectors:
    """A query embedded once, reused for passage search and evidence scoring."""

    text: str
    vectors: Mapping[str, np.ndarray]
    expansion: tuple[str, ...]


class Retriever:
    def __init__(self, index: LoadedIndex, embedders: Sequence[Embedder],
                 weights: Mapping[str, float] | None = None) -> None:
        self.index = index
        self.embedders = list(embedders)
        self.weights = {**DEFAULT_WEIGHTS, **(weights or {})}

    def embed(self, text: str) -> QueryVectors:
        vectors = {e.name: e.encode_queries([text])[0] for e in self.embedders}
        return QueryVectors(text=text, vectors=vectors,
                            expansion=tuple(self.index.lexicon.expand(text)))

    def search(self, query: str | QueryVectors, k: int = 10) -> list[Hit]:
        q = self.embed(query) if isinstance(query, str) else query
        n = len(self.index.passages)
        if n == 0:
            return []
        rankings: dict[str, list[int]] = {}
        dense: dict[str, dict[int, float]] = {}
        for name, vec in q.vectors.items():
            store = self.index.stores[name]
            scores, positions = store.search(vec[None, :], min(CANDIDATES, n))
            pairs = [(int(p), float(s)) for p, s in zip(positions[0], scores[0], strict=True)
                     if p >= 0]
            rankings[name] = [p for p, _ in pairs]
            dense[name] = dict(pairs)
        tokens = tokenize(q.text)
        for term in q.expansion:
            tokens.extend(tokenize(term))
        bm25 = self.index.bm25.scores(tokens)
        take = min(CANDIDATES, n)
        part = np.argpartition(-bm25, take - 1)[:take]
        top = part[np.argsort(-bm25[part])]
        rankings["bm25"] = [int(i) for i in top if bm25[i] > 0]
        fused = weighted_rrf(rankings, self.weights)
        best = sorted(fused.items(), key=lambda kv: -kv[1])[:k]
        return [Hit(passage=self.index.passages[pos], score=score,
                    dense={name: dense[name].get(pos, self._cosine(name, q, pos))
                           for name in dense},
                    lexical=float(bm25[pos]))
                for pos, score in best]

    def _cosine(self, name: str, q: QueryVectors, pos: int) -> float:
        vec = self.index.stores[name].reconstruct(pos)
        return float(vec @ q.vectors[name])
