"""Synthetic large indexes and corpora built from the seed corpus's real vectors.

Embedding 100k passages would take hours on 2 cores, and what the latency and memory
benchmarks need is an index of the right *size* and *layout*, with vectors distributed like
real ones. So the seed corpus is embedded once (by the real build) and tiled:

- copy 0 is the seed corpus itself (real texts, real vectors), so the eval questions still
  have their answers in the index and the engine does its usual work;
- copy k >= 1 of a release repeats its passages with a distinct tag (`#c<k>`) at the end of
  each passage, so texts, ids and BM25 documents are all distinct, and its vectors are the
  seed vectors plus Gaussian noise (relative norm `noise`), renormalised.

The result is written in the layout `partnerbot.retrieval.index.load_index` reads (manifest, releases,
passages, vectors/<slug>.faiss, bm25/, lexicon.json, sentences.npy, CURRENT), using the
index's own public pieces (FaissStore.build, BM25Index.build, Lexicon.build).
"""

from __future__ import annotations

import json
import math
import os
import shutil
from collections.abc import Iterator, Sequence
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path

import numpy as np

from partnerbot.corpus.model import Release
from partnerbot.retrieval.embedding_cache import EmbeddingCache
from partnerbot.retrieval.index import FORMAT_VERSION, LoadedIndex
from partnerbot.retrieval.index import _slug as slug  # the file name load_index looks for
from partnerbot.retrieval.lexical import BM25Index
from partnerbot.retrieval.lexicon import Lexicon
from partnerbot.retrieval.passage import Passage, content_key
from partnerbot.retrieval.tokenize import TOKENIZER_NAME
from partnerbot.retrieval.vector_store import FaissStore

NOISE = 0.5  # |noise| / |vector|: a copy's cosine to its original is about 1/sqrt(1 + 0.25)


@dataclass(frozen=True)
class SeedVectors:
    """The seed index's vectors, in passage order (and sentence order for `sentences`)."""

    passages: dict[str, np.ndarray]  # embedder name -> (n_passages, dim)
    sentences: np.ndarray  # (n_sentences, dim) of the sentence embedder
    sentence_embedder: str

    @classmethod
    def of(cls, index: LoadedIndex) -> SeedVectors:
        mats = {name: np.vstack([store.reconstruct(i) for i in range(store.size)])
                for name, store in index.stores.items()}
        assert index.sentence_vectors is not None
        return cls(passages=mats, sentences=index.sentence_vectors.astype(np.float32),
                   sentence_embedder=index.sentence_embedder)


def perturb(vectors: np.ndarray, noise: float, rng: np.random.Generator) -> np.ndarray:
    """Each row plus isotropic noise of relative norm `noise`, back to unit length."""
    dim = vectors.shape[1]
    out = vectors + rng.standard_normal(vectors.shape, dtype=np.float32) * (noise / math.sqrt(dim))
    out /= np.linalg.norm(out, axis=1, keepdims=True)
    return out.astype(np.float32)


def copy_id(doc_id: str, k: int) -> str:
    return doc_id if k == 0 else f"{doc_id}-c{k:05d}"


def _tag(k: int) -> str:
    return "" if k == 0 else f" #c{k}"


def tile_release(release: Release, passages: Sequence[Passage], k: int,
                 ) -> tuple[Release, list[Passage]]:
    """Copy k of a release: its passages joined by blank lines, each ending in a tag.
    Sentence offsets are recomputed so quotes stay verbatim slices of the copy's text."""
    if k == 0:
        return release, list(passages)
    tag = _tag(k)
    rid = copy_id(release.id, k)
    pieces: list[str] = []
    spans: list[tuple[int, int, tuple[tuple[int, int], ...]]] = []
    cursor = 0
    for p in passages:
        body = release.text[p.start:p.end] + tag
        shifted = [(cursor + s - p.start, cursor + e - p.start) for s, e in p.sentences]
        shifted[-1] = (shifted[-1][0], shifted[-1][1] + len(tag))
        spans.append((cursor, cursor + len(body), tuple(shifted)))
        pieces.append(body)
        cursor += len(body) + 2
    text = "\n\n".join(pieces)
    partner = copy_id(release.translation_of, k) if release.translation_of else None
    copy = Release(id=rid, text=text, title=f"{release.title}{tag}", lang=release.lang,
                   publisher=release.publisher, date=release.date, url=release.url,
                   translation_of=partner, source=f"{rid}.txt")
    out: list[Passage] = []
    seen: set[str] = set()
    for start, end, sents in spans:
        body = text[start:end]
        pid = f"{rid}:{content_key(body)[:12]}"
        if pid in seen:
            pid = f"{pid}-{start}"
        seen.add(pid)
        out.append(Passage(id=pid, doc_id=rid, text=body, start=start, end=end,
                           lang=release.lang, title=copy.title, sentences=sents))
    return copy, out


def copies_for(target_passages: int, seed_passages: int) -> int:
    return max(1, round(target_passages / seed_passages))


def tiled(index: LoadedIndex, copies: int) -> Iterator[tuple[int, str, Release, list[Passage]]]:
    """(copy number, seed release id, release, passages) for every copy of every release."""
    for k in range(copies):
        for doc_id in sorted(index.passages_of):
            rel, ps = tile_release(index.releases[doc_id], index.passages_of[doc_id], k)
            yield k, doc_id, rel, ps


def write_tiled_index(index: LoadedIndex, vectors: SeedVectors, out_dir: Path,
                      target_passages: int, noise: float = NOISE, seed: int = 0,
                      approximate: bool | None = None) -> dict[str, float]:
    """Write a ~target_passages index into out_dir (replacing it); returns its sizes."""
    rng = np.random.default_rng(seed)
    copies = copies_for(target_passages, len(index.passages))
    seed_pos = {p.id: i for i, p in enumerate(index.passages)}
    seed_sent_row = index.sentence_row
    releases: list[Release] = []
    passages: list[Passage] = []
    rows: list[int] = []  # seed passage position of every tiled passage
    sent_rows: list[int] = []  # seed sentence row of every tiled sentence
    copy_of: list[int] = []
    sent_copy_of: list[int] = []
    for k, seed_id, rel, ps in tiled(index, copies):
        releases.append(rel)
        originals = index.passages_of[seed_id]
        for orig, p in zip(originals, ps, strict=True):
            passages.append(p)
            rows.append(seed_pos[orig.id])
            copy_of.append(k)
            first = seed_sent_row[orig.id]
            sent_rows.extend(range(first, first + len(orig.sentences)))
            sent_copy_of.extend([k] * len(orig.sentences))
    matrices = {name: _tile_vectors(mat, rows, copy_of, noise, rng)
                for name, mat in vectors.passages.items()}
    sentences = _tile_vectors(vectors.sentences, sent_rows, sent_copy_of, noise, rng)
    if out_dir.exists():
        shutil.rmtree(out_dir)
    version = f"synthetic-{len(passages)}"
    path = out_dir / "versions" / version
    (path / "vectors").mkdir(parents=True)
    with (path / "releases.jsonl").open("w", encoding="utf-8") as fh:
        for r in releases:
            fh.write(json.dumps(asdict(r), ensure_ascii=False) + "\n")
    with (path / "passages.jsonl").open("w", encoding="utf-8") as fh:
        for p in passages:
            row = {**asdict(p), "sentences": [list(s) for s in p.sentences]}
            fh.write(json.dumps(row, ensure_ascii=False) + "\n")
    for name, mat in matrices.items():
        FaissStore.build(mat, approximate=approximate).save(path / "vectors" / f"{slug(name)}.faiss")
    BM25Index.build([p.embed_text for p in passages]).save(path / "bm25")
    # Copies differ from the seed only by tags that are not names, so the lexicon of the seed
    # and one copy equals that of all copies (checked at 150 releases); building it over 5,000
    # releases would take minutes (~30 ms a release) and measure nothing new here.
    Lexicon.build(releases[:2 * len(index.releases)]).save(path / "lexicon.json")
    np.save(path / "sentences.npy", sentences.astype(np.float16))
    manifest = {
        "format_version": FORMAT_VERSION,
        "version": version,
        "built_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "embedders": index.manifest["embedders"],
        "tokenizer": TOKENIZER_NAME,
        "releases": {r.id: r.content_hash for r in releases},
        "passages": len(passages),
        "skipped": [],
        "sentence_embedder": vectors.sentence_embedder,
        # the seed's partnership registry: its releases keep their ids in copy 0
        "registry": index.manifest["registry"],
        "synthetic": {"copies": copies, "noise": noise, "seed": seed},
    }
    registry = json.loads((index.path / "registry.json").read_text(encoding="utf-8"))
    registry["extracted"] = {r.id: registry["extracted"].get(r.id, {"hash": r.content_hash,
                                                                     "records": []})
                             for r in releases}  # the copies report no partnerships
    (path / "registry.json").write_text(json.dumps(registry, ensure_ascii=False),
                                        encoding="utf-8")
    (path / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=1),
                                        encoding="utf-8")
    (out_dir / "CURRENT").write_text(version, encoding="utf-8")
    return {"passages": len(passages), "releases": len(releases), "sentences": len(sentences),
            "copies": copies}


def _tile_vectors(seed: np.ndarray, rows: Sequence[int], copy_of: Sequence[int], noise: float,
                  rng: np.random.Generator) -> np.ndarray:
    """Seed rows, perturbed except for copy 0 (the real seed corpus keeps its real vectors)."""
    out = seed[np.asarray(rows, dtype=np.int64)].copy()
    fake = np.asarray(copy_of) > 0
    if fake.any():
        out[fake] = perturb(out[fake], noise, rng)
    return out


# ---- a synthetic corpus on disk, for the incremental reindex ---------------------------------

def write_tiled_corpus(releases: Sequence[Release], out_dir: Path, copies: int) -> None:
    """`copies` copies of the seed releases as .txt files plus a docs.jsonl manifest; every
    line of copy k >= 1 ends in its tag, so all passages and sentences are new texts."""
    if out_dir.exists():
        shutil.rmtree(out_dir)
    out_dir.mkdir(parents=True)
    with (out_dir / "docs.jsonl").open("w", encoding="utf-8") as manifest:
        for k in range(copies):
            for r in releases:
                rid = copy_id(r.id, k)
                (out_dir / f"{rid}.txt").write_text(tag_lines(r.text, k), encoding="utf-8")
                manifest.write(json.dumps({
                    "id": rid, "title": r.title + _tag(k), "lang": r.lang,
                    "publisher": r.publisher, "date": r.date, "url": r.url,
                    "translation_of": copy_id(r.translation_of, k) if r.translation_of else None,
                }, ensure_ascii=False) + "\n")


def tag_lines(text: str, k: int | str) -> str:
    tag = f" #c{k}" if k else ""
    return "\n".join(line + tag if line.strip() else line for line in text.split("\n"))


def prefill_cache(cache_path: Path, items: dict[str, list[str]], dims: dict[str, int],
                  pools: dict[str, np.ndarray], noise: float = NOISE, seed: int = 0) -> int:
    """Put a vector for every (embedder, text) into the embedding cache, drawn from that
    embedder's pool of real vectors and perturbed; returns the number of entries written."""
    rng = np.random.default_rng(seed)
    cache = EmbeddingCache(cache_path)
    written = 0
    try:
        for name, texts in items.items():
            keys = sorted({content_key(t) for t in texts})
            pool = pools[name]
            assert pool.shape[1] == dims[name]
            picks = pool[rng.integers(0, len(pool), size=len(keys))]
            vecs = perturb(picks, noise, rng)
            for i in range(0, len(keys), 5000):
                cache.put_many(name, dict(zip(keys[i:i + 5000], vecs[i:i + 5000], strict=True)))
            written += len(keys)
    finally:
        cache.close()
    return written


def dir_size_mb(path: Path) -> float:
    total = 0
    for root, _, files in os.walk(path):
        for f in files:
            total += os.path.getsize(os.path.join(root, f))
    return total / 1e6
