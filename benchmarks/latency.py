"""Answer latency and peak memory at one index size, in a process of its own.

`python -m benchmarks.latency --index DIR` opens the engine on an existing index, answers the
eval questions (one warm-up pass, then `--rounds` timed passes) and, interleaved with them,
runs the bare path the engine cannot avoid: each embedder's `encode_queries` plus a
`FaissStore.search` for the same number of candidates. It prints one JSON object. The parent
runs one such process per size, so each peak RSS belongs to that size alone.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from benchmarks.measure import (
    QA_FILE,
    load_questions,
    missing_questions,
    peak_rss_mb,
    percentile,
    rusage_maxrss_mb,
)
from partnerbot.bot.engine import Engine
from partnerbot.bot.settings import BUNDLED_CORPUS, load_settings
from partnerbot.bot.types import Question
from partnerbot.retrieval import retriever as retriever_module
from partnerbot.retrieval.load import LoadedIndex
from partnerbot.retrieval.retriever import Retriever
from partnerbot.retrieval.vector_store import FaissStore

# Candidates the retriever asks each vector store for; the bare path asks for as many.
CANDIDATES: int = getattr(retriever_module, "CANDIDATES", 50)
_TAG = re.compile(r" #c\d+")  # synth.py's copy tag


def _bare_ms(engine: Engine, stores: dict[str, FaissStore], text: str, k: int) -> float:
    """Query embedding plus vector search for every embedder, summed (ms)."""
    started = time.perf_counter()
    for emb in engine.embedders:
        vec = emb.encode_queries([text])
        stores[emb.name].search(vec, k)
    return (time.perf_counter() - started) * 1000


def served_internals(engine: Engine) -> tuple[LoadedIndex, Retriever]:
    """The loaded index and retriever behind the served version's facade. The answer layer
    never looks there; a benchmark does, read-only, because loading a second copy of the
    vectors would distort the peak memory measured in the same process."""
    view = engine.live.served
    return view._index, view._retriever


def measure_latency(engine: Engine, questions: Sequence[str], rounds: int) -> dict[str, Any]:
    """p50/p95 of Engine.answer and of the bare path, interleaved question by question so
    both see the same machine load. Also times the engine's own embed and hybrid search."""
    index, retr = served_internals(engine)
    stores = index.stores
    k = min(CANDIDATES, len(index.passages))
    for q in questions:  # warm-up: caches, lazy buckets, first-call allocations
        engine.answer(Question(text=q))
        _bare_ms(engine, stores, q, k)
    answer_ms: list[float] = []
    bare_ms: list[float] = []
    embed_ms: list[float] = []
    search_ms: list[float] = []
    abstained = 0
    for _ in range(rounds):
        for q in questions:
            started = time.perf_counter()
            ans = engine.answer(Question(text=q))
            answer_ms.append((time.perf_counter() - started) * 1000)
            abstained += ans.kind == "abstain"
            bare_ms.append(_bare_ms(engine, stores, q, k))
            started = time.perf_counter()
            qv = retr.embed(q)
            mid = time.perf_counter()
            retr.search(qv, k=12)
            embed_ms.append((mid - started) * 1000)
            search_ms.append((time.perf_counter() - mid) * 1000)
    p50a, p50b = percentile(answer_ms, 50), percentile(bare_ms, 50)
    return {
        "questions": len(questions), "rounds": rounds, "candidates": k,
        "answer_p50_ms": p50a, "answer_p95_ms": percentile(answer_ms, 95),
        "bare_p50_ms": p50b, "bare_p95_ms": percentile(bare_ms, 95),
        "overhead_p50": p50a / p50b - 1 if p50b else float("nan"),
        "retriever_embed_p50_ms": percentile(embed_ms, 50),
        "retriever_search_p50_ms": percentile(search_ms, 50),
        "abstained_share": abstained / max(1, len(answer_ms)),
    }


EF_SEARCH = (128, 256, 512)  # 128 is what FaissStore.build sets


def compare_stores(engine: Engine, questions: Sequence[str], k_recall: int = 10,
                   repeats: int = 3) -> dict[str, Any]:
    """Flat vs HNSW on the same vectors, per embedder: single-query search latency (k = the
    retriever's candidates), recall@10 of HNSW against exact search at several efSearch
    values, with the eval questions as queries. Then the engine itself with flat stores
    swapped in: its latency, and how many answers stay the same as with HNSW."""
    index, _ = served_internals(engine)
    out: dict[str, Any] = {}
    stores: dict[str, dict[str, FaissStore]] = {}
    for emb in engine.embedders:
        store = index.stores[emb.name]
        vectors = np.vstack([store.reconstruct(i) for i in range(store.size)])
        built: dict[str, float] = {}
        kinds: dict[str, FaissStore] = {store.kind: store}
        for kind, approximate in (("flat", False), ("hnsw", True)):
            if kind not in kinds:
                started = time.perf_counter()
                kinds[kind] = FaissStore.build(vectors, approximate=approximate)
                built[kind] = time.perf_counter() - started
        del vectors
        stores[emb.name] = kinds
        queries = emb.encode_queries(list(questions))
        k = min(CANDIDATES, store.size)
        exact = [{int(p) for p in kinds["flat"].search(queries[i:i + 1], k)[1][0][:k_recall]}
                 for i in range(len(queries))]
        seed_n = _seed_passages(index.manifest, store.size)
        raw: Any = kinds["hnsw"]._index  # efSearch is not part of FaissStore's interface
        hnsw = raw.hnsw
        default_ef = int(hnsw.efSearch)
        row: dict[str, Any] = {"served": store.kind, "hnsw_build_s": built.get("hnsw"),
                               "flat_p50_ms": _search_p50(kinds["flat"], queries, k, repeats)}
        for ef in EF_SEARCH:
            hnsw.efSearch = ef
            found = [{int(p) for p in kinds["hnsw"].search(queries[i:i + 1], k)[1][0][:k_recall]}
                     for i in range(len(queries))]
            row[f"ef{ef}"] = {
                "hnsw_p50_ms": _search_p50(kinds["hnsw"], queries, k, repeats),
                "recall_at_10": _recall(found, exact),
                "content_recall_at_10": _recall([{p % seed_n for p in f} for f in found],
                                                [{p % seed_n for p in e} for e in exact])}
        hnsw.efSearch = default_ef
        row.update(row.get(f"ef{default_ef}", {}))
        out[emb.name] = row
    out["engine"] = _engine_flat_vs_hnsw(engine, questions, stores)
    return out


def _recall(found: Sequence[set[int]], exact: Sequence[set[int]]) -> float:
    return float(np.mean([len(f & e) / max(1, len(e)) for f, e in zip(found, exact, strict=True)]))


def _seed_passages(manifest: dict[str, Any], size: int) -> int:
    """Passages per copy of a tiled index (synth.py writes copy after copy, in the same
    order), so position % result names the seed passage a vector was tiled from; the whole
    size for a real index, where every passage is its own content."""
    copies = int(manifest.get("synthetic", {}).get("copies", 1))
    return size // copies if copies > 1 and size % copies == 0 else size


def _search_p50(store: FaissStore, queries: np.ndarray, k: int, repeats: int) -> float:
    times: list[float] = []
    for _ in range(repeats):
        for i in range(len(queries)):
            started = time.perf_counter()
            store.search(queries[i:i + 1], k)
            times.append((time.perf_counter() - started) * 1000)
    return percentile(times, 50)


def _engine_flat_vs_hnsw(engine: Engine, questions: Sequence[str],
                         stores: dict[str, dict[str, FaissStore]]) -> dict[str, Any]:
    """Answer every question with HNSW stores, then with flat ones (swapped into the loaded
    index in place), then with HNSW again as a control: answer p50 for each, and how many
    answers are the same (same kind, same quoted text; a tiled copy's tag and id suffix are
    ignored, since near-identical copies of one passage are interchangeable)."""
    index, _ = served_internals(engine)
    served = dict(index.stores)
    answers: dict[str, list[tuple[Any, ...]]] = {}
    p50: dict[str, float] = {}
    try:
        for kind in ("hnsw", "flat", "hnsw again"):
            index.stores.update({name: kinds[kind.split()[0]] for name, kinds in stores.items()})
            times: list[float] = []
            answers[kind] = []
            for q in questions:
                started = time.perf_counter()
                ans = engine.answer(Question(text=q))
                times.append((time.perf_counter() - started) * 1000)
                answers[kind].append((ans.kind, tuple(_TAG.sub("", x.text) for x in ans.quotes)))
            p50[kind] = percentile(times, 50)
    finally:
        index.stores.update(served)
    def same(a: str, b: str) -> int:
        return sum(x == y for x, y in zip(answers[a], answers[b], strict=True))

    return {"answer_p50_ms_hnsw": p50["hnsw"], "answer_p50_ms_flat": p50["flat"],
            "same_answers": same("hnsw", "flat"), "same_control": same("hnsw", "hnsw again"),
            "questions": len(questions)}


def run(index_dir: Path, corpus_dir: Path, rounds: int, stores: bool,
        qa: Path = QA_FILE) -> dict[str, Any]:
    rss_before = peak_rss_mb()
    rusage_before = rusage_maxrss_mb()
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="partnerbot-bench-") as data:
        settings = load_settings(env={}, corpus_dir=corpus_dir, index_dir=index_dir,
                                 data_dir=Path(data))
        engine = Engine.open(settings)
        open_s = time.perf_counter() - started
        rss_open = peak_rss_mb()
        questions = load_questions(qa)
        result: dict[str, Any] = {"passages": engine.admin.status().passages,
                                  "open_s": open_s, "rss_start_mb": rss_before,
                                  "rss_after_open_mb": rss_open,
                                  "rusage_maxrss_at_start_mb": rusage_before}
        result.update(measure_latency(engine, questions, rounds))
        result["peak_rss_mb"] = peak_rss_mb()  # before the store comparison allocates more
        if stores:
            result["stores"] = compare_stores(engine, questions)
    return result


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--index", type=Path, required=True)
    parser.add_argument("--corpus", type=Path, default=BUNDLED_CORPUS)
    parser.add_argument("--qa", type=Path, default=QA_FILE)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--stores", action="store_true", help="also compare flat vs HNSW")
    args = parser.parse_args(argv)
    reason = missing_questions(args.qa)
    if reason:
        print(f"latency benchmark skipped: {reason}", file=sys.stderr)
        return
    print(json.dumps(run(args.index, args.corpus, args.rounds, args.stores, args.qa)))


if __name__ == "__main__":
    main()
