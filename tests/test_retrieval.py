"""Contract tests: every VectorStore and LexicalIndex backend passes the same cases; the
hybrid retriever over a real index finds bilingual passages."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pytest

from partnerbot.bot.engine import Engine
from partnerbot.retrieval.index import load_index
from partnerbot.retrieval.lexical import BM25Index, LexicalIndex
from partnerbot.retrieval.retriever import Retriever
from partnerbot.retrieval.tokenize import tokenize
from partnerbot.retrieval.vector_store import FaissStore, VectorStore
from tests.conftest import HashEmbedder

DIM = 32


def unit_vectors(n: int, dim: int = DIM, seed: int = 7) -> np.ndarray:
    rng = np.random.default_rng(seed)
    v = rng.normal(size=(n, dim)).astype(np.float32)
    return v / np.linalg.norm(v, axis=1, keepdims=True)


# ---- VectorStore --------------------------------------------------------------------------
class VectorStoreContract:
    """Mixin: subclasses say how to build and reload their backend."""

    def make(self, vectors: np.ndarray) -> FaissStore:
        raise NotImplementedError

    def reload(self, store: FaissStore, path: Path) -> FaissStore:
        store.save(path)
        return FaissStore.load(path)

    def test_satisfies_the_protocol(self) -> None:
        store: VectorStore = self.make(unit_vectors(5))
        assert store.size == 5 and store.dim == DIM

    def test_each_known_vector_is_its_own_nearest(self) -> None:
        vectors = unit_vectors(300)
        store = self.make(vectors)
        probe = list(range(0, 300, 15))
        scores, positions = store.search(vectors[probe], 5)
        assert positions.shape == scores.shape == (len(probe), 5)
        assert positions[:, 0].tolist() == probe
        np.testing.assert_allclose(scores[:, 0], 1.0, atol=1e-4)
        assert np.all(np.diff(scores, axis=1) <= 1e-6), "scores must come best first"

    def test_nearest_of_a_perturbed_vector_matches_brute_force(self) -> None:
        vectors = unit_vectors(300)
        store = self.make(vectors)
        rng = np.random.default_rng(3)
        queries = vectors[:10] + 0.3 * rng.normal(size=(10, DIM)).astype(np.float32)
        queries /= np.linalg.norm(queries, axis=1, keepdims=True)
        expected = np.argmax(queries @ vectors.T, axis=1)
        _, positions = store.search(queries, 3)
        assert positions[:, 0].tolist() == expected.tolist()

    def test_k_larger_than_the_store(self) -> None:
        vectors = unit_vectors(3)
        _, positions = self.make(vectors).search(vectors[:1], 10)
        real = [int(p) for p in positions[0] if p >= 0]
        assert sorted(real) == [0, 1, 2] and real[0] == 0

    def test_save_load_round_trip(self, tmp_path: Path) -> None:
        vectors = unit_vectors(120)
        store = self.make(vectors)
        loaded = self.reload(store, tmp_path / "v.faiss")
        assert (loaded.size, loaded.dim, loaded.kind) == (store.size, store.dim, store.kind)
        s1, p1 = store.search(vectors[:7], 4)
        s2, p2 = loaded.search(vectors[:7], 4)
        assert p1.tolist() == p2.tolist()
        np.testing.assert_allclose(s1, s2, atol=1e-6)
        np.testing.assert_allclose(loaded.reconstruct(42), vectors[42], atol=1e-6)

    def test_empty_store(self, tmp_path: Path) -> None:
        store = self.make(np.zeros((0, DIM), dtype=np.float32))
        assert store.size == 0 and store.dim == DIM
        scores, positions = store.search(unit_vectors(2), 5)
        assert positions.shape[0] == 2 and np.all(positions == -1)
        assert scores.shape == positions.shape
        loaded = self.reload(store, tmp_path / "empty.faiss")
        assert loaded.size == 0 and loaded.dim == DIM


class TestFlatStore(VectorStoreContract):
    def make(self, vectors: np.ndarray) -> FaissStore:
        store = FaissStore.build(vectors, approximate=False)
        assert store.kind == "flat"
        return store


class TestHNSWStore(VectorStoreContract):
    def make(self, vectors: np.ndarray) -> FaissStore:
        store = FaissStore.build(vectors, approximate=True)
        assert store.kind == "hnsw"
        return store


def test_small_stores_default_to_exact_search() -> None:
    assert FaissStore.build(unit_vectors(10)).kind == "flat"


# ---- LexicalIndex -------------------------------------------------------------------------
PASSAGES = [
    "일본 쇼난 아이파크는 중소벤처기업부와 업무협약을 체결했다.",
    "LINK-J concluded an MOU with Kanagawa Prefecture on September 18.",
    "LINK-J and Medicen Paris Region signed a memorandum; it became effective on February 5, 2020.",
    "오송첨단의료산업진흥재단은 바이오헬스 분야 협력을 논의했다.",
    "日本最大のバイオクラスターである湘南アイパークと協定を締結した。",
    "---",  # no token at all: must not break the index
]


class LexicalIndexContract:
    def make(self, texts: Sequence[str], tmp_path: Path) -> LexicalIndex:
        raise NotImplementedError

    @pytest.mark.parametrize("query, best", [
        ("아이파크와 협약한 기관은?", 0),           # particle glued to the name
        ("When did LINK-J sign with Kanagawa?", 1),
        ("Medicen effective date", 2),
        ("오송재단과의 바이오헬스 협력", 3),
        ("湘南アイパークとの協定", 4),
    ])
    def test_best_passage(self, query: str, best: int, tmp_path: Path) -> None:
        index = self.make(PASSAGES, tmp_path)
        scores = index.scores(tokenize(query))
        assert scores.shape == (len(PASSAGES),)
        assert int(np.argmax(scores)) == best
        assert scores[best] > 0

    def test_unknown_or_no_tokens_score_zero(self, tmp_path: Path) -> None:
        index = self.make(PASSAGES, tmp_path)
        for tokens in ([], ["zyxwvut"], tokenize("무관한질의어")):
            scores = index.scores(tokens)
            assert scores.shape == (len(PASSAGES),) and not scores.any()

    def test_has_token_and_size(self, tmp_path: Path) -> None:
        index = self.make(PASSAGES, tmp_path)
        assert index.size == len(PASSAGES)
        assert index.has_token("kanagawa")
        assert index.has_token("아이")
        assert not index.has_token("singapore")


class TestBM25(LexicalIndexContract):
    def make(self, texts: Sequence[str], tmp_path: Path) -> LexicalIndex:
        return BM25Index.build(texts)


class TestBM25Reloaded(LexicalIndexContract):
    """The same cases after a save/load round trip."""

    def make(self, texts: Sequence[str], tmp_path: Path) -> LexicalIndex:
        BM25Index.build(texts).save(tmp_path / "bm25")
        return BM25Index.load(tmp_path / "bm25")


def test_bm25_round_trip_gives_identical_scores(tmp_path: Path) -> None:
    built = BM25Index.build(PASSAGES)
    built.save(tmp_path / "bm25")
    loaded = BM25Index.load(tmp_path / "bm25")
    for q in ("아이파크와", "LINK-J MOU", "協定"):
        np.testing.assert_allclose(built.scores(tokenize(q)), loaded.scores(tokenize(q)))


# ---- hybrid retriever over a real (fake-embedder) index -----------------------------------
@pytest.fixture
def retriever(engine: Engine) -> Retriever:
    embedders = [HashEmbedder()]
    return Retriever(load_index(engine.settings.index_dir, embedders), embedders)


@pytest.mark.parametrize("query, needle", [
    ("When did LINK-J sign with Kanagawa Prefecture?", "Kanagawa"),
    ("쇼난 아이파크와 협약한 한국 기관은?", "아이파크"),
    ("Medicen Paris Region MOU effective date", "Medicen"),
])
def test_hybrid_search_finds_a_release_that_holds_the_name(retriever: Retriever, query: str,
                                                           needle: str) -> None:
    hits = retriever.search(query, k=8)
    assert 0 < len(hits) <= 8
    assert [h.score for h in hits] == sorted((h.score for h in hits), reverse=True)
    assert needle in hits[0].passage.text or needle in hits[0].passage.title
    releases = retriever.index.releases
    assert needle in releases[hits[0].passage.doc_id].text


def test_hits_carry_dense_and_lexical_scores(retriever: Retriever) -> None:
    hits = retriever.search("LINK-J Kanagawa", k=3)
    for h in hits:
        assert set(h.dense) == {"test:hash"}
        assert -1.0001 <= h.dense["test:hash"] <= 1.0001
    assert any(h.lexical > 0 for h in hits)
