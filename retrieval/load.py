"""Load one index version and check that its parts agree, turning any damage into one error."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import numpy as np

from partnerbot.corpus.model import Release
from partnerbot.retrieval.embedders.base import Embedder
from partnerbot.retrieval.layout import (
    FORMAT_VERSION,
    IndexCorrupt,
    IndexMismatch,
    IndexMissing,
    IndexStale,
    current_version,
    read_jsonl,
    slug,
)
from partnerbot.retrieval.lexical import BM25Index, LexicalIndex
from partnerbot.retrieval.lexicon import Lexicon
from partnerbot.retrieval.passage import Passage
from partnerbot.retrieval.registry import store as registry_store
from partnerbot.retrieval.registry.store import Registry
from partnerbot.retrieval.tokenize import TOKENIZER_NAME, tokenize
from partnerbot.retrieval.vector_store import FaissStore, VectorStore

_T = TypeVar("_T")


@dataclass
class LoadedIndex:
    """The parts of one version, read-only once loaded (safe to share between threads).

    Typed with the `VectorStore` and `LexicalIndex` protocols: only the search facade
    (`retrieval/search.py`) reads these fields; the answer layer never does.
    """

    version: str
    path: Path
    manifest: dict[str, Any]
    releases: dict[str, Release]
    passages: list[Passage]
    stores: dict[str, VectorStore]
    bm25: LexicalIndex
    lexicon: Lexicon
    sentence_embedder: str = ""
    sentence_vectors: np.ndarray | None = None  # one row per sentence of every passage
    passages_of: dict[str, list[Passage]] = field(default_factory=dict)
    sentence_row: dict[str, int] = field(default_factory=dict)  # passage id -> first row
    position: dict[str, int] = field(default_factory=dict)  # passage id -> row in the stores
    registry: Registry = field(default_factory=Registry)

    def __post_init__(self) -> None:
        row = 0
        for i, p in enumerate(self.passages):
            self.position[p.id] = i
            self.passages_of.setdefault(p.doc_id, []).append(p)
            self.sentence_row[p.id] = row
            row += len(p.sentences)


def load_index(index_dir: Path, embedders: Sequence[Embedder]) -> LoadedIndex:
    """Load the current version and check that its parts agree with each other.

    Anything wrong with the files is an IndexCorrupt naming the file and saying how to fix it,
    never a numpy, faiss or json exception: callers (Engine.open, the hot reload, the CLI)
    handle one kind of error, and a damaged version is refused here rather than failing on
    the first question that happens to touch the damaged part.
    """
    version, path = _current(index_dir)
    part = _Parts(index_dir, version, path)
    manifest = _manifest(part, embedders)
    releases, passages = _texts(part, manifest)
    stores, bm25 = _search_parts(part, embedders, passages)
    lexicon = part.read("lexicon.json", _load_lexicon)
    sentence_embedder, sentence_vectors = _sentences(part, manifest, embedders, passages)
    registry = _registry(part, manifest, releases)
    return LoadedIndex(version=version, path=path, manifest=manifest, releases=releases,
                       passages=passages, stores=stores, bm25=bm25, lexicon=lexicon,
                       sentence_embedder=sentence_embedder, sentence_vectors=sentence_vectors,
                       registry=registry)


def _current(index_dir: Path) -> tuple[str, Path]:
    """The version CURRENT names and its directory, or why there is none."""
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
    return version, path


def _manifest(part: _Parts, embedders: Sequence[Embedder]) -> dict[str, Any]:
    """The version's manifest, refused when it was written by another format, other
    embedders or another tokenizer than these settings use."""
    index_dir = part.index_dir
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
    return manifest


def _texts(part: _Parts, manifest: dict[str, Any]) -> tuple[dict[str, Release], list[Passage]]:
    """Releases and passages, each passage checked against its release's text."""
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
    return releases, passages


def _search_parts(part: _Parts, embedders: Sequence[Embedder], passages: list[Passage]
                  ) -> tuple[dict[str, VectorStore], BM25Index]:
    """One vector store per embedder and the BM25 index, each sized to the passages; BM25 is
    tried on one search, since bm25s accepts some damaged files and fails only then."""
    stores: dict[str, VectorStore] = {}
    for e in embedders:
        rel = f"vectors/{slug(e.name)}.faiss"
        store = part.read(rel, _load_store)
        part.check(rel, (store.size, store.dim) == (len(passages), e.dim),
                   f"{store.size} vectors of dimension {store.dim} for {len(passages)} "
                   f"passages of dimension {e.dim}")
        stores[e.name] = store
    bm25 = part.read("bm25/", BM25Index.load)
    part.check("bm25/", bm25.size == len(passages),
               f"{bm25.size} documents for {len(passages)} passages")
    if passages:
        probe = [t for t in tokenize(passages[0].embed_text) if bm25.has_token(t)]
        part.check("bm25/", bool(probe), "its vocabulary lacks the words of the passages")
        scores = part.read("bm25/", lambda _f: bm25.scores(probe))
        part.check("bm25/", scores.shape == (len(passages),) and bool(np.isfinite(scores).all()),
                   "a search does not score the passages")
    return stores, bm25


def _sentences(part: _Parts, manifest: dict[str, Any], embedders: Sequence[Embedder],
               passages: list[Passage]) -> tuple[str, np.ndarray]:
    """The embedder that ranks sentences and its sentence vectors (memory-mapped: paged in
    as questions touch them); stale when the settings rank with another embedder."""
    sentence_embedder = str(manifest.get("sentence_embedder", ""))
    dims = {e.name: e.dim for e in embedders}
    part.check("manifest.json", sentence_embedder in dims,
               f"unknown sentence embedder {sentence_embedder[:40]!r}")
    if embedders and sentence_embedder != embedders[0].name:
        raise IndexStale(f"index in {part.index_dir} ranks sentences with {sentence_embedder}, "
                         f"this partnerbot with {embedders[0].name}: run `partnerbot index`")
    vectors = part.read("sentences.npy", lambda f: np.load(f, mmap_mode="r", allow_pickle=False))
    n_sentences = sum(len(p.sentences) for p in passages)
    part.check("sentences.npy", vectors.shape == (n_sentences, dims[sentence_embedder]),
               f"shape {vectors.shape} for {n_sentences} sentences")
    return sentence_embedder, vectors


def _registry(part: _Parts, manifest: dict[str, Any], releases: dict[str, Release]
              ) -> Registry:
    """The partnership registry; stale when it was built before it existed or by an older
    extractor."""
    meta = manifest.get("registry")
    if not isinstance(meta, dict) or meta.get("format") != registry_store.REGISTRY_FORMAT:
        raise IndexStale(f"index in {part.index_dir} has no partnership registry of this "
                         f"partnerbot: run `partnerbot index`")
    registry = part.read(registry_store.FILE, lambda f: registry_store.load(f, releases.keys()))
    part.check(registry_store.FILE, len(registry.records) == meta.get("records"),
               f"{len(registry.records)} records, the manifest says {meta.get('records')}")
    return registry


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
    for row in read_jsonl(path):
        release = Release(**row)
        if not isinstance(release.id, str) or not isinstance(release.text, str):
            raise ValueError("a release without id or text")
        releases[release.id] = release
    return releases


def _load_passages(path: Path) -> list[Passage]:
    passages = []
    for row in read_jsonl(path):
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
