"""Index build throughput next to the bare embedders' throughput, on the same texts.

The real build (`build_index`, empty cache) reads, chunks, embeds every passage with each
embedder, embeds every sentence with the sentence embedder (the last one), and writes the
index. The bare figures are `encode_passages` alone on exactly those texts, per embedder, so
the difference is what the build adds around the models.
"""

from __future__ import annotations

import shutil
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from benchmarks.measure import Stopwatch
from retrieval.embedders.base import Embedder
from retrieval.index import build_index, load_index


def build_throughput(corpus_dir: Path, index_dir: Path, embedders: Sequence[Embedder],
                     ) -> dict[str, Any]:
    """Build the index of `corpus_dir` into `index_dir` (emptied first), then time the bare
    embedders on its passage and sentence texts."""
    if index_dir.exists():
        shutil.rmtree(index_dir)
    for emb in embedders:  # first-call costs (thread pools, buffers) belong to neither side
        emb.encode_passages(["warm-up"])
    with Stopwatch() as build:
        summary = build_index(corpus_dir, index_dir, embedders, rebuild=True)
    index = load_index(index_dir, embedders)
    texts = [p.embed_text for p in index.passages]
    sentences = [index.releases[p.doc_id].text[a:b] for p in index.passages
                 for a, b in p.sentences]
    bare: dict[str, float] = {}
    for emb in embedders:
        with Stopwatch() as sw:
            emb.encode_passages(texts)
        bare[emb.name] = sw.seconds
    sentence_embedder = embedders[-1]
    with Stopwatch() as sw:
        sentence_embedder.encode_passages(sentences)
    bare_total = sum(bare.values()) + sw.seconds
    n = len(texts)
    return {
        "passages": n, "sentences": len(sentences), "releases": summary.releases,
        "build_s": build.seconds, "build_passages_per_s": n / build.seconds,
        "bare_s": bare, "bare_passages_per_s": {k: n / v for k, v in bare.items()},
        "bare_sentences_s": sw.seconds, "sentence_embedder": sentence_embedder.name,
        "bare_sentences_per_s": len(sentences) / sw.seconds if sw.seconds else float("nan"),
        "bare_total_s": bare_total, "bare_total_passages_per_s": n / bare_total,
        "build_overhead": build.seconds / bare_total - 1,
    }
