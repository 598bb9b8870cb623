"""Incremental reindex: one new release added to a ~10k-passage corpus whose other passages'
vectors are already in the embedding cache, against the time to embed that release alone.

The corpus is the seed releases tiled into files (`synth.write_tiled_corpus`); the cache is
pre-filled, keyed exactly as `build_index` keys it, with perturbed real vectors, so the first
build embeds nothing and the second embeds only the new release.
"""

from __future__ import annotations

import shutil
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from benchmarks.measure import Stopwatch
from benchmarks.synth import SeedVectors, copies_for, prefill_cache, tag_lines, write_tiled_corpus
from partnerbot.corpus.model import Release
from partnerbot.corpus.reader import read_corpus, read_release
from partnerbot.retrieval.chunking import chunk_release
from partnerbot.retrieval.embedders.base import Embedder
from partnerbot.retrieval.index import build_index
from partnerbot.retrieval.passage import Passage

NEW_RELEASE = "zz-new-release"


def _texts(releases: Sequence[Release]) -> tuple[list[Passage], list[str], list[str]]:
    """Passages, passage texts and sentence texts exactly as build_index derives them."""
    by_id = {r.id: r for r in releases}
    passages = [p for r in releases for p in chunk_release(r)]
    sentences = [by_id[p.doc_id].text[a:b] for p in passages for a, b in p.sentences]
    return passages, [p.embed_text for p in passages], sentences


def incremental_reindex(seed: Sequence[Release], vectors: SeedVectors, seed_passages: int,
                        work: Path, target_passages: int, embedders: Sequence[Embedder],
                        ) -> dict[str, Any]:
    corpus_dir, index_dir = work / "corpus", work / "index"
    if index_dir.exists():
        shutil.rmtree(index_dir)
    write_tiled_corpus(seed, corpus_dir, copies_for(target_passages, seed_passages))
    _, texts, sentences = _texts(read_corpus(corpus_dir).releases)
    sentence_embedder = embedders[-1].name
    items = {e.name: list(texts) for e in embedders}
    items[sentence_embedder] = items[sentence_embedder] + sentences
    pools = {name: mat for name, mat in vectors.passages.items()}
    pools[vectors.sentence_embedder] = np.vstack([pools[vectors.sentence_embedder],
                                                  vectors.sentences])
    with Stopwatch() as fill:
        prefill_cache(index_dir / "cache" / "embeddings.sqlite3", items,
                      {e.name: e.dim for e in embedders}, pools)
    with Stopwatch() as first:
        base = build_index(corpus_dir, index_dir, embedders)
    # The new release: a seed release of typical length, every line tagged, so none of its
    # passages or sentences is in the cache. Dropped in without a manifest entry, as a user would.
    typical = sorted(seed, key=lambda r: len(r.text))[len(seed) // 2]
    new_file = corpus_dir / f"{NEW_RELEASE}.txt"
    new_file.write_text(tag_lines(typical.text, "new"), encoding="utf-8")
    with Stopwatch() as incremental:
        summary = build_index(corpus_dir, index_dir, embedders)
    release = read_release(new_file)
    _, new_texts, new_sentences = _texts([release])
    with Stopwatch() as bare:
        for emb in embedders:
            emb.encode_passages(new_texts)
        embedders[-1].encode_passages(new_sentences)
    return {
        "passages": summary.passages, "releases": summary.releases,
        "cache_prefill_s": fill.seconds, "cached_build_s": first.seconds,
        "cached_build_embedded": base.embedded,
        "new_release_passages": len(new_texts), "new_release_sentences": len(new_sentences),
        "incremental_s": incremental.seconds, "incremental_embedded": summary.embedded,
        "embed_new_release_s": bare.seconds,
        "overhead_s": incremental.seconds - bare.seconds,
    }
