"""The persisted index: build a version beside the old one, swap it in with one rename.

Layout of an index directory::

    CURRENT                  name of the version being served (replaced atomically)
    versions/<version>/      manifest.json, releases.jsonl, passages.jsonl,
                             vectors/<embedder>.faiss, bm25/, lexicon.json
    cache/embeddings.sqlite3 vectors by (embedder, content hash), for incremental builds
    build.lock               one build at a time (flock; released by the kernel on kill -9)

A build that fails or is killed leaves at most a `versions/.tmp-*` folder, never a half-written
version; CURRENT only ever names a complete one.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import shutil
import time
import uuid
from collections.abc import Iterator, Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np

from corpus.model import Release, Skipped
from corpus.reader import read_corpus
from retrieval.chunking import chunk_release
from retrieval.embedders.base import Embedder
from retrieval.embedding_cache import EmbeddingCache
from retrieval.lexical import BM25Index
from retrieval.lexicon import Lexicon
from retrieval.passage import Passage, content_key
from retrieval.summary import BuildSummary, Progress
from retrieval.tokenize import TOKENIZER_NAME
from retrieval.vector_store import FaissStore

FORMAT_VERSION = 3
KEEP_VERSIONS = 2


class IndexError_(Exception):
    """Base of index problems; messages are one line and say what to do."""


class IndexMissing(IndexError_):
    pass


class IndexMismatch(IndexError_):
    pass


class IndexCorrupt(IndexError_):
    pass


class IndexBusy(IndexError_):
    pass


def _slug(name: str) -> str:
    return "".join(c if c.isalnum() or c in "-_." else "_" for c in name)


@dataclass
class LoadedIndex:
    """Everything a retriever needs, read-only once loaded (safe to share between threads)."""

    version: str
    path: Path
    manifest: dict[str, Any]
    releases: dict[str, Release]
    passages: list[Passage]
    stores: dict[str, FaissStore]
    bm25: BM25Index
    lexicon: Lexicon
    sentence_embedder: str = ""
    sentence_vectors: np.ndarray | None = None  # one row per sentence of every passage
    passages_of: dict[str, list[Passage]] = field(default_factory=dict)
    sentence_row: dict[str, int] = field(default_factory=dict)  # passage id -> first row
    position: dict[str, int] = field(default_factory=dict)  # passage id -> row in the stores

    def __post_init__(self) -> None:
        row = 0
        for i, p in enumerate(self.passages):
            self.position[p.id] = i
            self.passages_of.setdefault(p.doc_id, []).append(p)
            self.sentence_row[p.id] = row
            row += len(p.sentences)


def current_version(index_dir: Path) -> str | None:
    try:
        return (index_dir / "CURRENT").read_text(encoding="utf-8").strip() or None
    except FileNotFoundError:
        return None


def _write_jsonl(path: Path, rows: Sequence[dict[str, Any]]) -> None:
    with path.open("w", encoding="utf-8") as fh:
        for row in rows:
            fh.write(json.dumps(row, ensure_ascii=False) + "\n")


def _read_jsonl(path: Path) -> list[dict[str, Any]]:
    with path.open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def _fsync_dir(path: Path) -> None:
    fd = os.open(str(path), os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


@contextlib.contextmanager
def build_lock(index_dir: Path) -> Iterator[None]:
    index_dir.mkdir(parents=True, exist_ok=True)
    with (index_dir / "build.lock").open("a") as fh:
        try:
            fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise IndexBusy(f"another build of {index_dir} is running; try again when it "
                            f"finishes") from None
        try:
            yield
        finally:
            fcntl.flock(fh.fileno(), fcntl.LOCK_UN)


def _embed_all(embedder: Embedder, passages: Sequence[Passage], cache: EmbeddingCache,
               progress: Progress | None) -> tuple[np.ndarray, int]:
    return _embed_texts(embedder, [p.embed_text for p in passages], cache, progress,
                        f"embedding ({embedder.name})")


def _patch_manifest(path: Path, **values: Any) -> None:
    manifest = json.loads((path / "manifest.json").read_text(encoding="utf-8"))
    manifest.update(values)
    (path / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=1),
                                        encoding="utf-8")


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
        result = read_corpus(corpus_dir, progress=progress)
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
            if (old_manifest.get("format_version") == FORMAT_VERSION
                    and old_manifest.get("embedders") == embedder_meta
                    and old_manifest.get("tokenizer") == TOKENIZER_NAME
                    and old_manifest.get("releases") == hashes):
                return BuildSummary(version=old, releases=len(releases),
                                    passages=int(old_manifest.get("passages", 0)), embedded=0,
                                    reused=int(old_manifest.get("passages", 0)),
                                    skipped=tuple(result.skipped),
                                    seconds=time.monotonic() - started, changed=False)
        by_id = {r.id: r for r in releases}
        passages: list[Passage] = []
        for i, release in enumerate(releases):
            passages.extend(chunk_release(release))
            if progress:
                progress("chunking", i + 1, len(releases))
        cache = EmbeddingCache(index_dir / "cache" / "embeddings.sqlite3")
        try:
            matrices: dict[str, np.ndarray] = {}
            embedded = 0
            for embedder in embedders:
                matrices[embedder.name], n_new = _embed_all(embedder, passages, cache, progress)
                embedded += n_new
            sentence_embedder = embedders[-1]
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
                           result.skipped, approximate)
            np.save(tmp / "sentences.npy", sentence_matrix.astype(np.float16))
            _patch_manifest(tmp, sentence_embedder=sentence_embedder.name)
            final = versions / version
            os.rename(tmp, final)
            _fsync_dir(versions)
            pointer = index_dir / f".CURRENT.{version}"
            pointer.write_text(version, encoding="utf-8")
            os.replace(pointer, index_dir / "CURRENT")
            _fsync_dir(index_dir)
        except BaseException:
            shutil.rmtree(tmp, ignore_errors=True)
            raise
        _collect_garbage(index_dir, keep=version)
        n_pass = len(passages)
        per_embedder_new = embedded // max(1, len(embedders))
        return BuildSummary(version=version, releases=len(releases), passages=n_pass,
                            embedded=per_embedder_new, reused=n_pass - per_embedder_new,
                            skipped=tuple(result.skipped), seconds=time.monotonic() - started)


def _write_version(path: Path, version: str, releases: Sequence[Release],
                   passages: Sequence[Passage], matrices: dict[str, np.ndarray],
                   embedder_meta: list[dict[str, Any]], hashes: dict[str, str],
                   skipped: Sequence[Skipped], approximate: bool | None) -> None:
    _write_jsonl(path / "releases.jsonl", [asdict(r) for r in releases])
    _write_jsonl(path / "passages.jsonl", [
        {**asdict(p), "sentences": [list(s) for s in p.sentences]} for p in passages])
    (path / "vectors").mkdir()
    for name, matrix in matrices.items():
        FaissStore.build(matrix, approximate=approximate).save(path / "vectors" / f"{_slug(name)}.faiss")
    BM25Index.build([p.embed_text for p in passages]).save(path / "bm25")
    Lexicon.build(releases).save(path / "lexicon.json")
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


def _collect_garbage(index_dir: Path, keep: str) -> None:
    """Keep the newest versions (a reader may still be loading the previous one)."""
    versions = index_dir / "versions"
    older = sorted((p.name for p in versions.iterdir()
                    if p.is_dir() and not p.name.startswith(".") and p.name != keep), reverse=True)
    for name in older[KEEP_VERSIONS - 1:]:  # the served version plus the newest others
        shutil.rmtree(versions / name, ignore_errors=True)
    cutoff = time.time() - 3600
    for stale in versions.glob(".tmp-*"):  # left by a killed build
        with contextlib.suppress(OSError):
            if stale.stat().st_mtime < cutoff:
                shutil.rmtree(stale, ignore_errors=True)
    for pointer in index_dir.glob(".CURRENT.*"):
        pointer.unlink(missing_ok=True)


def load_index(index_dir: Path, embedders: Sequence[Embedder]) -> LoadedIndex:
    """Load the current version; raise a one-line error saying how to fix what is wrong."""
    version = current_version(index_dir)
    if version is None:
        raise IndexMissing(f"no index in {index_dir}: run `partnerbot index`")
    path = index_dir / "versions" / version
    try:
        manifest = json.loads((path / "manifest.json").read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise IndexCorrupt(f"index version {version} in {index_dir} is missing its manifest: "
                           f"run `partnerbot index --rebuild`") from None
    except ValueError:
        raise IndexCorrupt(f"index manifest in {path} is garbled: run "
                           f"`partnerbot index --rebuild`") from None
    if manifest.get("format_version") != FORMAT_VERSION:
        raise IndexMismatch(f"index in {index_dir} has format {manifest.get('format_version')}, "
                            f"this partnerbot reads {FORMAT_VERSION}: run "
                            f"`partnerbot index --rebuild`")
    wanted = [{"name": e.name, "dim": e.dim} for e in embedders]
    if manifest.get("embedders") != wanted:
        have = ", ".join(e.get("name", "?") for e in manifest.get("embedders", []))
        raise IndexMismatch(f"index in {index_dir} was built with embedders [{have}] but the "
                            f"settings ask for [{', '.join(e.name for e in embedders)}]: run "
                            f"`partnerbot index --rebuild`")
    if manifest.get("tokenizer") != TOKENIZER_NAME:
        raise IndexMismatch(f"index in {index_dir} was built with tokenizer "
                            f"{manifest.get('tokenizer')}: run `partnerbot index --rebuild`")
    try:
        releases = {}
        for row in _read_jsonl(path / "releases.jsonl"):
            release = Release(**row)
            releases[release.id] = release
        passages = [Passage(**{**row, "sentences": tuple(tuple(s) for s in row["sentences"])})
                    for row in _read_jsonl(path / "passages.jsonl")]
        stores = {e.name: FaissStore.load(path / "vectors" / f"{_slug(e.name)}.faiss")
                  for e in embedders}
        bm25 = BM25Index.load(path / "bm25")
        lexicon = Lexicon.load(path / "lexicon.json")
        sentence_vectors = np.load(path / "sentences.npy", mmap_mode="r")  # float16, paged in
    except (OSError, ValueError, TypeError, KeyError, RuntimeError) as exc:
        raise IndexCorrupt(f"index version {version} in {index_dir} is damaged "
                           f"({type(exc).__name__}): run `partnerbot index --rebuild`") from None
    for name, store in stores.items():
        if store.size != len(passages):
            raise IndexCorrupt(f"index version {version}: {name} holds {store.size} vectors for "
                               f"{len(passages)} passages: run `partnerbot index --rebuild`")
    if bm25.size != len(passages):
        raise IndexCorrupt(f"index version {version}: the lexical index does not match the "
                           f"passages: run `partnerbot index --rebuild`")
    if sentence_vectors.shape[0] != sum(len(p.sentences) for p in passages):
        raise IndexCorrupt(f"index version {version}: sentence vectors do not match the "
                           f"passages: run `partnerbot index --rebuild`")
    return LoadedIndex(version=version, path=path, manifest=manifest, releases=releases,
                       passages=passages, stores=stores, bm25=bm25, lexicon=lexicon,
                       sentence_embedder=str(manifest.get("sentence_embedder", "")),
                       sentence_vectors=sentence_vectors)
