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
from collections.abc import Callable, Iterator, Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar

import numpy as np

from partnerbot.corpus.model import Release, Skipped
from partnerbot.corpus.reader import read_corpus
from partnerbot.retrieval.chunking import chunk_release
from partnerbot.retrieval.embedders.base import Embedder
from partnerbot.retrieval.embedding_cache import EmbeddingCache
from partnerbot.retrieval.lexical import BM25Index
from partnerbot.retrieval.lexicon import Lexicon
from partnerbot.retrieval.passage import Passage, content_key
from partnerbot.retrieval.summary import BuildSummary, Progress
from partnerbot.retrieval.tokenize import TOKENIZER_NAME, tokenize
from partnerbot.retrieval.vector_store import FaissStore

FORMAT_VERSION = 3
KEEP_VERSIONS = 2  # the served version and the one it replaced

_T = TypeVar("_T")


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
    """The name CURRENT holds; checked per question, so a damaged pointer is not an error
    here (load_index reports it)."""
    try:
        raw = (index_dir / "CURRENT").read_bytes()
    except FileNotFoundError:
        return None
    return raw.decode("utf-8", errors="replace").strip() or None


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
        _collect_debris(index_dir)
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
            if (isinstance(old_manifest, dict)
                    and old_manifest.get("format_version") == FORMAT_VERSION
                    and old_manifest.get("embedders") == embedder_meta
                    and old_manifest.get("tokenizer") == TOKENIZER_NAME
                    and old_manifest.get("releases") == hashes
                    and _loads(index_dir, embedders)):
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
        _collect_garbage(index_dir, keep={version, old or ""})
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


def _collect_debris(index_dir: Path) -> None:
    """Remove what killed builds left: half-written `.tmp-*` folders, `.CURRENT.*` pointers
    and complete versions that never became CURRENT (killed between the two renames).

    Called with the build lock held, so no other build is writing any of these; they need no
    age limit. A version newer than CURRENT can only be such an orphan, as CURRENT only moves
    forward.
    """
    versions = index_dir / "versions"
    for pointer in index_dir.glob(".CURRENT.*"):
        pointer.unlink(missing_ok=True)
    if not versions.is_dir():
        return
    served = current_version(index_dir) or ""
    for folder in versions.iterdir():
        if folder.name.startswith(".tmp-") or (
                not folder.name.startswith(".") and folder.name > served
                and (versions / served).is_dir()):
            shutil.rmtree(folder, ignore_errors=True)


def _collect_garbage(index_dir: Path, keep: set[str]) -> None:
    """Keep the new version and the one it replaced (a server may still be loading it);
    remove the rest, and the debris of killed builds."""
    _collect_debris(index_dir)
    versions = index_dir / "versions"
    for folder in versions.iterdir():
        if not folder.name.startswith(".") and folder.name not in keep:
            shutil.rmtree(folder, ignore_errors=True)


def load_index(index_dir: Path, embedders: Sequence[Embedder]) -> LoadedIndex:
    """Load the current version and check that its parts agree with each other.

    Anything wrong with the files is an IndexCorrupt naming the file and saying how to fix it,
    never a numpy, faiss or json exception: callers (Engine.open, the hot reload, the CLI)
    handle one kind of error, and a damaged version is refused here rather than failing on
    the first question that happens to touch the damaged part.
    """
    version = current_version(index_dir)
    if version is None:
        if (index_dir / "CURRENT").exists():
            raise IndexCorrupt(f"index at {index_dir} is damaged (CURRENT is empty): run "
                               f"`partnerbot index --rebuild`")
        raise IndexMissing(f"no index in {index_dir}: run `partnerbot index`")
    path = index_dir / "versions" / version
    if "/" in version or version.startswith(".") or not path.is_dir():
        raise IndexCorrupt(f"index at {index_dir} is damaged (CURRENT names version "
                           f"{version[:60]!r}, which is not in versions/): run "
                           f"`partnerbot index --rebuild`")
    part = _Parts(index_dir, version, path)
    manifest = part.read("manifest.json", lambda f: json.loads(f.read_text(encoding="utf-8")))
    part.check("manifest.json", isinstance(manifest, dict)
               and isinstance(manifest.get("format_version"), int), "not an index manifest")
    if manifest["format_version"] != FORMAT_VERSION:
        raise IndexMismatch(f"index in {index_dir} has format {manifest['format_version']}, "
                            f"this partnerbot reads {FORMAT_VERSION}: run "
                            f"`partnerbot index --rebuild`")
    wanted = [{"name": e.name, "dim": e.dim} for e in embedders]
    if manifest.get("embedders") != wanted:
        have = ", ".join(str(e.get("name", "?")) if isinstance(e, dict) else "?"
                         for e in manifest.get("embedders") or [])
        raise IndexMismatch(f"index in {index_dir} was built with embedders [{have}] but the "
                            f"settings ask for [{', '.join(e.name for e in embedders)}]: run "
                            f"`partnerbot index --rebuild`")
    if manifest.get("tokenizer") != TOKENIZER_NAME:
        raise IndexMismatch(f"index in {index_dir} was built with tokenizer "
                            f"{manifest.get('tokenizer')}: run `partnerbot index --rebuild`")
    releases = part.read("releases.jsonl", _load_releases)
    part.check("releases.jsonl", {r.id: r.content_hash for r in releases.values()}
               == manifest.get("releases"), "releases differ from the manifest")
    passages = part.read("passages.jsonl", _load_passages)
    part.check("passages.jsonl", len(passages) == manifest.get("passages"),
               f"{len(passages)} passages, the manifest says {manifest.get('passages')}")
    for p in passages:
        release = releases.get(p.doc_id)
        part.check("passages.jsonl", release is not None
                   and release.text[p.start:p.end] == p.text
                   and all(0 <= a <= b <= len(release.text) for a, b in p.sentences),
                   f"passage {p.id[:40]} does not match its release")
    stores: dict[str, FaissStore] = {}
    for e in embedders:
        rel = f"vectors/{_slug(e.name)}.faiss"
        store = part.read(rel, _load_store)
        part.check(rel, (store.size, store.dim) == (len(passages), e.dim),
                   f"{store.size} vectors of dimension {store.dim} for {len(passages)} "
                   f"passages of dimension {e.dim}")
        stores[e.name] = store
    bm25 = part.read("bm25/", BM25Index.load)
    part.check("bm25/", bm25.size == len(passages),
               f"{bm25.size} documents for {len(passages)} passages")
    if passages:  # bm25s accepts some damaged files and fails only on a search: try one
        probe = [t for t in tokenize(passages[0].embed_text) if bm25.has_token(t)]
        part.check("bm25/", bool(probe), "its vocabulary lacks the words of the passages")
        scores = part.read("bm25/", lambda _f: bm25.scores(probe))
        part.check("bm25/", scores.shape == (len(passages),) and bool(np.isfinite(scores).all()),
                   "a search does not score the passages")
    lexicon = part.read("lexicon.json", _load_lexicon)
    sentence_embedder = str(manifest.get("sentence_embedder", ""))
    dims = {e.name: e.dim for e in embedders}
    part.check("manifest.json", sentence_embedder in dims,
               f"unknown sentence embedder {sentence_embedder[:40]!r}")
    sentence_vectors = part.read(
        "sentences.npy", lambda f: np.load(f, mmap_mode="r", allow_pickle=False))  # paged in
    n_sentences = sum(len(p.sentences) for p in passages)
    part.check("sentences.npy", sentence_vectors.shape == (n_sentences,
                                                           dims[sentence_embedder]),
               f"shape {sentence_vectors.shape} for {n_sentences} sentences")
    return LoadedIndex(version=version, path=path, manifest=manifest, releases=releases,
                       passages=passages, stores=stores, bm25=bm25, lexicon=lexicon,
                       sentence_embedder=sentence_embedder, sentence_vectors=sentence_vectors)


class _Parts:
    """Reads the files of one version, turning whatever goes wrong into one IndexCorrupt."""

    def __init__(self, index_dir: Path, version: str, path: Path) -> None:
        self.index_dir, self.version, self.path = index_dir, version, path

    def damaged(self, rel: str, reason: str) -> IndexCorrupt:
        return IndexCorrupt(f"index at {self.index_dir} is damaged (version {self.version}, "
                            f"{rel}: {reason}): run `partnerbot index --rebuild`")

    def check(self, rel: str, ok: bool, reason: str) -> None:
        if not ok:
            raise self.damaged(rel, reason)

    def read(self, rel: str, loader: Callable[[Path], _T]) -> _T:
        try:
            return loader(self.path / rel)
        except Exception as exc:  # parsers (json, numpy, faiss, bm25s) raise anything on bad bytes
            raise self.damaged(rel, _reason(exc)) from None


def _reason(exc: Exception) -> str:
    """A short, one-line account of why a file could not be read."""
    if isinstance(exc, FileNotFoundError):
        return "missing"
    if isinstance(exc, UnicodeDecodeError):
        return "not UTF-8 text"
    if isinstance(exc, json.JSONDecodeError):
        return f"not valid JSON ({exc.msg} at line {exc.lineno})"
    lines = str(exc).strip().splitlines()
    text = lines[0].rsplit("Error: ", 1)[-1] if lines else ""  # faiss: "Error in f() at x.cpp"
    return f"{type(exc).__name__}: {text[:100]}" if text else type(exc).__name__


def _load_releases(path: Path) -> dict[str, Release]:
    releases: dict[str, Release] = {}
    for row in _read_jsonl(path):
        release = Release(**row)
        if not isinstance(release.id, str) or not isinstance(release.text, str):
            raise ValueError("a release without id or text")
        releases[release.id] = release
    return releases


def _load_passages(path: Path) -> list[Passage]:
    passages = []
    for row in _read_jsonl(path):
        p = Passage(**{**row, "sentences": tuple((int(a), int(b)) for a, b in row["sentences"])})
        if not (isinstance(p.text, str) and isinstance(p.start, int) and isinstance(p.end, int)):
            raise ValueError(f"passage {str(p.id)[:40]} has no text or offsets")
        passages.append(p)
    return passages


def _load_store(path: Path) -> FaissStore:
    store = FaissStore.load(path)
    _ = store.size, store.dim  # faiss hands back None for some garbage files
    return store


def _load_lexicon(path: Path) -> Lexicon:
    lexicon = Lexicon.load(path)
    for table in (lexicon.aliases, lexicon.latin_keys, lexicon.cjk_keys):
        if not isinstance(table, dict) or not all(
                isinstance(v, list) and all(isinstance(w, str) for w in v) for v in table.values()):
            raise ValueError("tables are not lists of names")
    return lexicon
