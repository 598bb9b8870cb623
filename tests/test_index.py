"""The persisted index: build, load, incremental reindex, atomic swap, locking, damage."""

from __future__ import annotations

import json
import os
import shutil
import threading
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pytest

from partnerbot.bot.engine import Engine
from partnerbot.bot.settings import BUNDLED_CORPUS, Settings, load_settings
from partnerbot.bot.types import Question
from partnerbot.corpus.reader import CorpusError, read_corpus
from partnerbot.retrieval import build as build_mod
from partnerbot.retrieval import index as index_mod
from partnerbot.retrieval.chunking import chunk_release
from partnerbot.retrieval.index import (
    FORMAT_VERSION,
    IndexBusy,
    IndexCorrupt,
    IndexMismatch,
    IndexMissing,
    build_index,
    current_version,
    load_index,
)
from partnerbot.retrieval.live import LiveIndex
from partnerbot.retrieval.search import SearchIndex
from partnerbot.retrieval.tokenize import TOKENIZER_NAME
from tests.conftest import HashEmbedder

NEW_RELEASE = """LINK-J Concludes MOU with the Basel Life Science Cluster

Life Science Innovation Network Japan (LINK-J) concluded a memorandum of understanding with
the Basel Life Science Cluster on March 3, 2021. The two organisations will hold joint
matchmaking events for start-ups in Tokyo and Basel.

Under the MOU, LINK-J members can use the cluster's incubation space for up to six months.
"""


class CountingEmbedder(HashEmbedder):
    """The fake embedder, recording every text it is asked to embed."""

    def __init__(self, fail_after: int | None = None, gate: threading.Event | None = None,
                 started: threading.Event | None = None) -> None:
        super().__init__()
        self.passages: list[str] = []
        self.queries: list[str] = []
        self._fail_after = fail_after
        self._gate = gate
        self._started = started

    def encode_passages(self, texts: Sequence[str]) -> np.ndarray:
        if self._started is not None:
            self._started.set()
        if self._gate is not None:
            assert self._gate.wait(10), "test gate never opened"
        if self._fail_after is not None and len(self.passages) + len(texts) > self._fail_after:
            raise RuntimeError("embedder crashed mid-build")
        self.passages.extend(texts)
        return super().encode_passages(texts)

    def encode_queries(self, texts: Sequence[str]) -> np.ndarray:
        self.queries.extend(texts)
        return super().encode_queries(texts)


def corpus_ids(corpus: Path) -> set[str]:
    return {r.id for r in read_corpus(corpus).releases}


@pytest.fixture(scope="module")
def _template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    index_dir = tmp_path_factory.mktemp("template") / "index"
    build_index(BUNDLED_CORPUS, index_dir, [HashEmbedder()])
    return index_dir


@pytest.fixture
def built(_template: Path, corpus_copy: Path, tmp_path: Path) -> Path:
    """An index of the bundled corpus (same content as `corpus_copy`), private to the test."""
    index_dir = tmp_path / "index"
    shutil.copytree(_template, index_dir)
    return index_dir


# ---- build and load -------------------------------------------------------------------------
def test_build_then_load(built: Path, corpus_copy: Path) -> None:
    releases = read_corpus(corpus_copy).releases
    expected_passages = [p for r in releases for p in chunk_release(r)]
    index = load_index(built, [HashEmbedder()])
    assert index.version == current_version(built)
    assert set(index.releases) == {r.id for r in releases}
    assert [p.id for p in index.passages] == [p.id for p in expected_passages]
    assert index.stores["test:hash"].size == len(expected_passages)
    assert index.bm25.size == len(expected_passages)
    assert index.sentence_vectors is not None
    assert index.sentence_vectors.shape == (sum(len(p.sentences) for p in expected_passages), 256)
    # the stored vectors are the embedder's vectors of the passages' embed text
    emb = HashEmbedder()
    np.testing.assert_allclose(index.stores["test:hash"].reconstruct(3),
                               emb.encode_passages([expected_passages[3].embed_text])[0],
                               atol=1e-6)


def test_manifest_fields(built: Path, corpus_copy: Path) -> None:
    index = load_index(built, [HashEmbedder()])
    m = index.manifest
    releases = read_corpus(corpus_copy).releases
    assert m["format_version"] == FORMAT_VERSION
    assert m["version"] == index.version
    assert m["embedders"] == [{"name": "test:hash", "dim": 256}]
    assert m["tokenizer"] == TOKENIZER_NAME
    assert m["releases"] == {r.id: r.content_hash for r in releases}
    assert m["passages"] == len(index.passages)
    assert m["built_at"].endswith("+00:00")
    assert m["sentence_embedder"] == "test:hash"


def test_no_index_is_index_missing(tmp_path: Path) -> None:
    with pytest.raises(IndexMissing, match="partnerbot index"):
        load_index(tmp_path / "nothing", [HashEmbedder()])


# ---- incremental reindex ------------------------------------------------------------------
def test_unchanged_corpus_keeps_the_version(built: Path, corpus_copy: Path) -> None:
    before = current_version(built)
    counting = CountingEmbedder()
    summary = build_index(corpus_copy, built, [counting])
    assert summary.changed is False
    assert summary.version == before == current_version(built)
    assert summary.embedded == 0
    assert counting.passages == []


def test_adding_a_release_embeds_only_its_passages(built: Path, corpus_copy: Path) -> None:
    before = current_version(built)
    (corpus_copy / "005.txt").write_text(NEW_RELEASE, encoding="utf-8")
    new = next(r for r in read_corpus(corpus_copy).releases if r.id == "005")
    new_passages = chunk_release(new)
    new_texts = {p.embed_text for p in new_passages} | {
        new.text[a:b] for p in new_passages for a, b in p.sentences}

    counting = CountingEmbedder()
    summary = build_index(corpus_copy, built, [counting])

    assert summary.changed
    assert current_version(built) == summary.version != before
    assert counting.passages, "the new release was not embedded"
    assert set(counting.passages) <= new_texts, "unchanged passages were embedded again"
    assert {p.embed_text for p in new_passages} <= set(counting.passages)
    assert summary.embedded == len(new_passages)
    assert summary.reused == summary.passages - len(new_passages)
    index = load_index(built, [HashEmbedder()])
    assert "005" in index.releases
    assert index.manifest["releases"]["005"] == new.content_hash


def test_changing_one_release_reembeds_only_that_release(built: Path, corpus_copy: Path) -> None:
    target = corpus_copy / "003.txt"
    target.write_text(target.read_text(encoding="utf-8") + "\n\nLINK-J added a closing note "
                      "about its 15th partnership on October 1.\n", encoding="utf-8")
    changed = next(r for r in read_corpus(corpus_copy).releases if r.id == "003")
    allowed = {p.embed_text for p in chunk_release(changed)} | {
        changed.text[a:b] for p in chunk_release(changed) for a, b in p.sentences}
    counting = CountingEmbedder()
    summary = build_index(corpus_copy, built, [counting])
    assert summary.changed
    assert counting.passages and set(counting.passages) <= allowed


def test_rebuild_makes_a_new_version_but_reuses_the_cache(built: Path, corpus_copy: Path) -> None:
    before = current_version(built)
    counting = CountingEmbedder()
    summary = build_index(corpus_copy, built, [counting], rebuild=True)
    assert summary.changed and summary.version != before
    assert current_version(built) == summary.version
    assert counting.passages == []  # vectors keyed by content: nothing to embed again


def test_old_versions_are_collected_newest_kept(built: Path, corpus_copy: Path) -> None:
    """Builds within one second too: the served version and the one before it survive (a
    reader may still be loading the previous one)."""
    built_versions = [build_index(corpus_copy, built, [HashEmbedder()], rebuild=True).version
                      for _ in range(5)]
    kept = {p.name for p in (built / "versions").iterdir() if not p.name.startswith(".")}
    assert current_version(built) == built_versions[-1]
    assert kept == set(built_versions[-index_mod.KEEP_VERSIONS:])
    assert not list(built.glob(".CURRENT.*"))


# ---- atomic swap ---------------------------------------------------------------------------
REQUIRED = ("manifest.json", "releases.jsonl", "passages.jsonl", "sentences.npy",
            "vectors/test_hash.faiss", "lexicon.json")


def test_current_is_swapped_only_after_the_version_is_complete(
        built: Path, corpus_copy: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (corpus_copy / "005.txt").write_text(NEW_RELEASE, encoding="utf-8")
    real_replace = os.replace
    seen: list[str] = []

    def spy(src: str | os.PathLike[str], dst: str | os.PathLike[str]) -> None:
        if Path(dst).name == "CURRENT":
            version = Path(src).read_text(encoding="utf-8").strip()
            folder = built / "versions" / version
            missing = [f for f in REQUIRED if not (folder / f).is_file()]
            if not (folder / "bm25").is_dir() or not any((folder / "bm25").iterdir()):
                missing.append("bm25/")
            assert not missing, f"CURRENT about to name an incomplete version: {missing}"
            manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
            assert manifest["sentence_embedder"] == "test:hash"  # the last patch is done
            seen.append(version)
        real_replace(src, dst)

    monkeypatch.setattr(os, "replace", spy)
    summary = build_index(corpus_copy, built, [HashEmbedder()])
    assert seen == [summary.version]


def _assert_old_version_serves(index_dir: Path, old: str, corpus: Path) -> None:
    assert current_version(index_dir) == old
    names = {p.name for p in (index_dir / "versions").iterdir()}
    assert not [n for n in names if n.startswith(".tmp-")], "a half-written version was left"
    index = load_index(index_dir, [HashEmbedder()])
    assert index.version == old
    assert "005" not in index.releases
    s = load_settings(env={}, corpus_dir=corpus, index_dir=index_dir)
    answer = Engine(s, _live_for(index, s)).answer(
        Question("When did LINK-J sign with Kanagawa Prefecture?"))
    assert answer.kind in ("answer", "abstain") and answer.index_version == old


def _live_for(index: index_mod.LoadedIndex, s: Settings) -> LiveIndex:
    return LiveIndex(s.index_dir, s.corpus_dir, [HashEmbedder()],
                     SearchIndex(index, [HashEmbedder()]))


@pytest.mark.parametrize("fail_after", [0, 5])
def test_embedder_failing_mid_build_leaves_the_old_version(built: Path, corpus_copy: Path,
                                                           fail_after: int) -> None:
    old = current_version(built)
    assert old
    (corpus_copy / "005.txt").write_text(NEW_RELEASE, encoding="utf-8")
    with pytest.raises(RuntimeError, match="crashed"):
        build_index(corpus_copy, built, [CountingEmbedder(fail_after=fail_after)])
    _assert_old_version_serves(built, old, corpus_copy)
    # and the next build succeeds (the lock was released)
    assert build_index(corpus_copy, built, [HashEmbedder()]).changed


def test_write_failing_mid_version_leaves_no_half_version(
        built: Path, corpus_copy: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    old = current_version(built)
    assert old
    (corpus_copy / "005.txt").write_text(NEW_RELEASE, encoding="utf-8")

    def disk_full(*args: object, **kwargs: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(build_mod, "patch_manifest", disk_full)
    with pytest.raises(OSError, match="No space"):
        build_index(corpus_copy, built, [HashEmbedder()])
    _assert_old_version_serves(built, old, corpus_copy)


def test_a_second_concurrent_build_is_busy(built: Path, corpus_copy: Path) -> None:
    (corpus_copy / "005.txt").write_text(NEW_RELEASE, encoding="utf-8")
    gate, started = threading.Event(), threading.Event()
    errors: list[BaseException] = []

    def first() -> None:
        try:
            build_index(corpus_copy, built, [CountingEmbedder(gate=gate, started=started)])
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    t = threading.Thread(target=first)
    t.start()
    try:
        assert started.wait(10), "the first build never reached the embedder"
        with pytest.raises(IndexBusy) as info:
            build_index(corpus_copy, built, [HashEmbedder()])
        assert "\n" not in str(info.value)
    finally:
        gate.set()
        t.join(20)
    assert not errors
    assert "005" in load_index(built, [HashEmbedder()]).releases


# ---- mismatch and damage ------------------------------------------------------------------
def test_other_embedder_is_a_mismatch_that_says_how_to_rebuild(built: Path) -> None:
    with pytest.raises(IndexMismatch) as info:
        load_index(built, [HashEmbedder(dim=128, name="test:hash128")])
    message = str(info.value)
    assert "\n" not in message and "partnerbot index --rebuild" in message
    assert "test:hash" in message and "test:hash128" in message


def test_same_name_other_dim_is_a_mismatch(built: Path) -> None:
    with pytest.raises(IndexMismatch, match="partnerbot index --rebuild"):
        load_index(built, [HashEmbedder(dim=128)])


def test_other_format_version_is_a_mismatch(built: Path) -> None:
    path = built / "versions" / str(current_version(built)) / "manifest.json"
    manifest = json.loads(path.read_text(encoding="utf-8"))
    manifest["format_version"] = FORMAT_VERSION - 1
    path.write_text(json.dumps(manifest), encoding="utf-8")
    with pytest.raises(IndexMismatch, match="partnerbot index --rebuild"):
        load_index(built, [HashEmbedder()])


def test_engine_open_refuses_a_mismatched_index(built: Path, corpus_copy: Path) -> None:
    s = load_settings(env={}, corpus_dir=corpus_copy, index_dir=built)
    with pytest.raises(IndexMismatch, match="partnerbot index --rebuild"):
        Engine.open(s, embedders=[HashEmbedder(dim=64, name="test:other")])


def _truncate(path: Path) -> None:
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])


def _garble(path: Path) -> None:
    path.write_text('{"format_version": 2, "embedd', encoding="utf-8")


DAMAGE = {
    "truncated faiss": ("vectors/test_hash.faiss", _truncate),
    "garbled manifest": ("manifest.json", _garble),
    "missing passages": ("passages.jsonl", lambda p: p.unlink()),
    "truncated sentences": ("sentences.npy", _truncate),
    "truncated passages": ("passages.jsonl", _truncate),
    "missing bm25": ("bm25", lambda p: shutil.rmtree(p)),
    "missing manifest": ("manifest.json", lambda p: p.unlink()),
}


@pytest.mark.parametrize("damage", list(DAMAGE))
def test_damaged_index_is_corrupt_with_one_line(built: Path, damage: str) -> None:
    rel, hurt = DAMAGE[damage]
    hurt(built / "versions" / str(current_version(built)) / rel)
    with pytest.raises(IndexCorrupt) as info:
        load_index(built, [HashEmbedder()])
    message = str(info.value)
    assert "\n" not in message and "partnerbot index --rebuild" in message


@pytest.mark.parametrize("damage", ["truncated faiss", "garbled manifest", "missing passages",
                                    "truncated sentences"])
def test_engine_open_rebuilds_a_damaged_index(built: Path, corpus_copy: Path,
                                              damage: str) -> None:
    old = current_version(built)
    rel, hurt = DAMAGE[damage]
    hurt(built / "versions" / str(old) / rel)
    s = load_settings(env={}, corpus_dir=corpus_copy, index_dir=built)
    engine = Engine.open(s, embedders=[HashEmbedder()])
    assert engine.admin.status().version != old
    assert {r.doc_id for r in engine.admin.sources()} == corpus_ids(corpus_copy)
    answer = engine.answer(Question("When did LINK-J sign with Kanagawa Prefecture?"))
    assert answer.kind in ("answer", "abstain")


def test_a_corpus_with_only_a_binary_file_is_a_corpus_error(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "scan.png").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4)
    with pytest.raises(CorpusError) as info:
        build_index(corpus, tmp_path / "index", [HashEmbedder()])
    assert "\n" not in str(info.value)
    assert current_version(tmp_path / "index") is None


def test_a_corpus_with_only_a_binary_txt_is_a_corpus_error(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "release.txt").write_bytes(bytes(range(256)) * 8)
    with pytest.raises(CorpusError):
        build_index(corpus, tmp_path / "index", [HashEmbedder()])


def test_unreadable_files_are_skipped_and_recorded(corpus_copy: Path, tmp_path: Path) -> None:
    (corpus_copy / "scan.png").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)))
    summary = build_index(corpus_copy, tmp_path / "index", [HashEmbedder()])
    assert [Path(s.path).name for s in summary.skipped] == ["scan.png"]
    manifest = load_index(tmp_path / "index", [HashEmbedder()]).manifest
    assert [Path(s["path"]).name for s in manifest["skipped"]] == ["scan.png"]
    assert summary.releases == len(corpus_ids(BUNDLED_CORPUS))
