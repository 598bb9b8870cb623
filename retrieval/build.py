"""Build an index version beside the served one and swap it in with one rename."""

from __future__ import annotations

import json
import os
import shutil
import time
import uuid
from collections.abc import Sequence
from dataclasses import asdict
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np

from partnerbot.corpus.model import Release, Skipped
from partnerbot.corpus.reader import read_corpus
from partnerbot.corpus.writer import recover as recover_corpus
from partnerbot.retrieval.embedders.base import Embedder
from partnerbot.retrieval.embedding_cache import EmbeddingCache
from partnerbot.retrieval.layout import (
    FORMAT_VERSION,
    IndexError_,
    build_lock,
    collect_debris,
    collect_garbage,
    current_version,
    fsync_dir,
    patch_manifest,
    slug,
    write_jsonl,
)
from partnerbot.retrieval.lexical import BM25Index
from partnerbot.retrieval.lexicon import Lexicon
from partnerbot.retrieval.load import load_index
from partnerbot.retrieval.passage import Passage, content_key
from partnerbot.retrieval.registry import build as build_registry
from partnerbot.retrieval.registry import index_records as extract
from partnerbot.retrieval.registry import store as registry_store
from partnerbot.retrieval.release_cache import CACHE_FILE, ReleaseCache
from partnerbot.retrieval.summary import BuildSummary, Progress
from partnerbot.retrieval.tokenize import TOKENIZER_NAME
from partnerbot.retrieval.vector_store import FaissStore


def _embed_all(embedder: Embedder, passages: Sequence[Passage], cache: EmbeddingCache,
               progress: Progress | None) -> tuple[np.ndarray, int]:
    return _embed_texts(embedder, [p.embed_text for p in passages], cache, progress,
                        f"embedding ({embedder.name})")


def _embed_texts(embedder: Embedder, texts: Sequence[str], cache: EmbeddingCache,
                 progress: Progress | None, stage: str) -> tuple[np.ndarray, int]:
    """Vectors for `texts`, embedding only those the cache does not hold."""
    keys = [content_key(t) for t in texts]
    found = cache.get_many(embedder.name, sorted(set(keys)), embedder.dim)
    missing_keys = sorted({k for k in keys if k not in found})
    text_by_key = dict(zip(keys, texts, strict=True))
    batch = 32
    if progress:
        progress(stage, 0, len(missing_keys))
    for i in range(0, len(missing_keys), batch):
        chunk = missing_keys[i:i + batch]
        vectors = embedder.encode_passages([text_by_key[k] for k in chunk])
        fresh = dict(zip(chunk, vectors, strict=True))
        cache.put_many(embedder.name, fresh)
        found.update(fresh)
        if progress:
            progress(stage, min(i + batch, len(missing_keys)), len(missing_keys))
    matrix = np.zeros((len(texts), embedder.dim), dtype=np.float32)
    for row, key in enumerate(keys):
        matrix[row] = found[key]
    return matrix, len(missing_keys)


def build_index(corpus_dir: Path, index_dir: Path, embedders: Sequence[Embedder],
                progress: Progress | None = None, rebuild: bool = False,
                approximate: bool | None = None) -> BuildSummary:
    """Read, chunk, embed (incrementally) and write a new version; swap it in atomically."""
    started = time.monotonic()
    with build_lock(index_dir):
        collect_debris(index_dir)
        recover_corpus(corpus_dir)  # finish a corpus change a killed `partnerbot add` committed
        work = ReleaseCache(index_dir / "cache" / CACHE_FILE)  # per-release work by content
        result = read_corpus(corpus_dir, progress=progress, read=work.read)
        releases = result.releases
        hashes = {r.id: r.content_hash for r in releases}
        embedder_meta = [{"name": e.name, "dim": e.dim} for e in embedders]
        old = current_version(index_dir)
        if old and not rebuild:
            try:
                old_manifest = json.loads(
                    (index_dir / "versions" / old / "manifest.json").read_text(encoding="utf-8"))
            except (OSError, ValueError):
                old_manifest = {}
            if (isinstance(old_manifest, dict)
                    and old_manifest.get("format_version") == FORMAT_VERSION
                    and old_manifest.get("embedders") == embedder_meta
                    and old_manifest.get("tokenizer") == TOKENIZER_NAME
                    and old_manifest.get("releases") == hashes
                    and old_manifest.get("sentence_embedder") == embedders[0].name
                    and (old_manifest.get("registry") or {}).get("format")
                    == registry_store.REGISTRY_FORMAT
                    and (old_manifest.get("registry") or {}).get("overrides")
                    == registry_store.overrides_key(corpus_dir)
                    and _loads(index_dir, embedders)):
                work.close()
                return BuildSummary(version=old, releases=len(releases),
                                    passages=int(old_manifest.get("passages", 0)), embedded=0,
                                    reused=int(old_manifest.get("passages", 0)),
                                    skipped=tuple(result.skipped),
                                    seconds=time.monotonic() - started, changed=False)
        by_id = {r.id: r for r in releases}
        passages: list[Passage] = []
        for i, release in enumerate(releases):
            passages.extend(work.passages(release))
            if progress:
                progress("chunking", i + 1, len(releases))
        cache = EmbeddingCache(index_dir / "cache" / "embeddings.sqlite3")
        try:
            matrices: dict[str, np.ndarray] = {}
            embedded = 0
            for embedder in embedders:
                matrices[embedder.name], n_new = _embed_all(embedder, passages, cache, progress)
                embedded += n_new
            # The first embedder ranks sentences: measured, e5's `query:`/`passage:` pairs put
            # the answering sentence of a release first about twice as often as USE does, in
            # the question's language and across languages (USE still aligns translated
            # passages: see SearchIndex.aligned_passages).
            sentence_embedder = embedders[0]
            sentence_texts = [r_text[a:b] for p in passages
                              for r_text in [by_id[p.doc_id].text] for a, b in p.sentences]
            sentence_matrix, _ = _embed_texts(sentence_embedder, sentence_texts, cache,
                                              progress, "embedding sentences")
        finally:
            cache.close()
        # microseconds: versions sort by name in build order even when built in the same second
        version = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%f") + "-" + uuid.uuid4().hex[:6]
        versions = index_dir / "versions"
        versions.mkdir(parents=True, exist_ok=True)
        tmp = versions / f".tmp-{version}"
        tmp.mkdir()
        try:
            _write_version(tmp, version, releases, passages, matrices, embedder_meta, hashes,
                           result.skipped, approximate, work)
            work.close()
            _write_registry(tmp, releases, hashes, corpus_dir,
                            versions / old if old and not rebuild else None, progress)
            np.save(tmp / "sentences.npy", sentence_matrix.astype(np.float16))
            patch_manifest(tmp, sentence_embedder=sentence_embedder.name)
            final = versions / version
            os.rename(tmp, final)
            fsync_dir(versions)
            pointer = index_dir / f".CURRENT.{version}"
            pointer.write_text(version, encoding="utf-8")
            os.replace(pointer, index_dir / "CURRENT")
            fsync_dir(index_dir)
        except BaseException:
            shutil.rmtree(tmp, ignore_errors=True)
            raise
        collect_garbage(index_dir, keep={version, old or ""})
        n_pass = len(passages)
        per_embedder_new = embedded // max(1, len(embedders))
        return BuildSummary(version=version, releases=len(releases), passages=n_pass,
                            embedded=per_embedder_new, reused=n_pass - per_embedder_new,
                            skipped=tuple(result.skipped), seconds=time.monotonic() - started)


def _loads(index_dir: Path, embedders: Sequence[Embedder]) -> bool:
    """Does the current version load? An unchanged corpus keeps it only if it does, so
    `partnerbot index` repairs a damaged index even without --rebuild."""
    try:
        load_index(index_dir, embedders)
    except IndexError_:
        return False
    return True


def _write_registry(path: Path, releases: Sequence[Release], hashes: dict[str, str],
                    corpus_dir: Path, previous: Path | None, progress: Progress | None) -> None:
    """The partnership registry of the new version: records of unchanged releases are taken
    from the previous version, the others extracted; organisations are resolved afresh over
    all of them (cheap, and one new release can join two organisations)."""
    started = time.monotonic()
    cached = registry_store.cached_records(previous / registry_store.FILE, hashes) \
        if previous is not None else {}
    extracted = {r.id: (hashes[r.id], cached[r.id] if r.id in cached else extract(r))
                 for r in releases}
    if progress:
        progress("partnership registry", len(releases), len(releases))
    lexicon = Lexicon.load(path / "lexicon.json")
    orgs, records = build_registry(releases, lexicon, corpus_dir,
                                   cached={rid: list(recs) for rid, (_, recs) in extracted.items()})
    registry_store.dump(path / registry_store.FILE, records, orgs, extracted)
    patch_manifest(path, registry={
        "format": registry_store.REGISTRY_FORMAT, "overrides": registry_store.overrides_key(corpus_dir),
        "records": len(records), "orgs": len(orgs),
        "extracted": len(releases) - len(cached), "reused": len(cached),
        "seconds": round(time.monotonic() - started, 3)})
    for name in (registry_store.FILE, "manifest.json"):
        with (path / name).open("rb") as fh:
            os.fsync(fh.fileno())


def _write_version(path: Path, version: str, releases: Sequence[Release],
                   passages: Sequence[Passage], matrices: dict[str, np.ndarray],
                   embedder_meta: list[dict[str, Any]], hashes: dict[str, str],
                   skipped: Sequence[Skipped], approximate: bool | None,
                   work: ReleaseCache) -> None:
    write_jsonl(path / "releases.jsonl", [asdict(r) for r in releases])
    write_jsonl(path / "passages.jsonl", [
        {**asdict(p), "sentences": [list(s) for s in p.sentences]} for p in passages])
    (path / "vectors").mkdir()
    for name, matrix in matrices.items():
        FaissStore.build(matrix, approximate=approximate).save(path / "vectors" / f"{slug(name)}.faiss")
    by_release: dict[str, list[Passage]] = {}
    for p in passages:
        by_release.setdefault(p.doc_id, []).append(p)
    tokens = [t for r in releases for t in work.tokens(r, by_release.get(r.id, []))]
    BM25Index.build([p.embed_text for p in passages], tokens).save(path / "bm25")
    work.lexicon(releases).save(path / "lexicon.json")
    manifest = {
        "format_version": FORMAT_VERSION,
        "version": version,
        "built_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "embedders": embedder_meta,
        "tokenizer": TOKENIZER_NAME,
        "releases": hashes,
        "passages": len(passages),
        "skipped": [asdict(s) for s in skipped],
    }
    (path / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=1),
                                        encoding="utf-8")
    for file in path.rglob("*"):
        if file.is_file():
            with file.open("rb") as fh:
                os.fsync(fh.fileno())


