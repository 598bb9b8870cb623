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
from partnerbot.retrieval.embedders.base import Embedder
from partnerbot.retrieval.index import build_index, load_index


def _every(items: list[str], sample: int | None) -> list[str]:
    """An evenly spaced sample (all items when `sample` is None or large enough)."""
    if not sample or sample >= len(items):
        return items
    step = len(items) / sample
    return [items[int(i * step)] for i in range(sample)]


def build_throughput(corpus_dir: Path, index_dir: Path, embedders: Sequence[Embedder],
                     sample: int | None = None) -> dict[str, Any]:
    """Build the index of `corpus_dir` into `index_dir` (emptied first), then time the bare
    embedders on its passage and sentence texts (an evenly spaced `sample` of them when
    given, to keep --quick quick; the totals are then extrapolated from the rates)."""
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
    n, n_sent = len(texts), len(sentences)
    some_texts, some_sentences = _every(texts, sample), _every(sentences, sample)
    rate: dict[str, float] = {}
    for emb in embedders:
        with Stopwatch() as sw:
            emb.encode_passages(some_texts)
        rate[emb.name] = len(some_texts) / sw.seconds
    sentence_embedder = embedders[-1]
    with Stopwatch() as sw:
        sentence_embedder.encode_passages(some_sentences)
    sentence_rate = len(some_sentences) / sw.seconds
    bare = {name: n / r for name, r in rate.items()}
    bare_sentences = n_sent / sentence_rate
    bare_total = sum(bare.values()) + bare_sentences
    return {
        "passages": n, "sentences": n_sent, "releases": summary.releases,
        "bare_sample": len(some_texts) if len(some_texts) < n else None,
        "build_s": build.seconds, "build_passages_per_s": n / build.seconds,
        "bare_s": bare, "bare_passages_per_s": rate,
        "bare_sentences_s": bare_sentences, "sentence_embedder": sentence_embedder.name,
        "bare_sentences_per_s": sentence_rate,
        "bare_total_s": bare_total, "bare_total_passages_per_s": n / bare_total,
        "build_overhead": build.seconds / bare_total - 1,
    }
