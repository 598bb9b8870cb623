"""The per-release cache of a build (retrieval/release_cache.py): what it serves is what the
uncached code computes, a second build reuses it, and a change of code invalidates it."""

from __future__ import annotations

import json
from pathlib import Path

from partnerbot.corpus.reader import read_corpus
from partnerbot.retrieval.chunking import chunk_release
from partnerbot.retrieval.index import build_index
from partnerbot.retrieval.lexicon import Lexicon
from partnerbot.retrieval.release_cache import CACHE_FILE, ReleaseCache
from partnerbot.retrieval.tokenize import tokenize
from tests.conftest import HashEmbedder
from tests.test_corpus_upload import NEW_TEXT


def test_cached_values_equal_what_the_code_computes(corpus_copy: Path, tmp_path: Path) -> None:
    fresh = read_corpus(corpus_copy).releases
    for round_ in range(2):  # the first round fills the cache, the second reads it
        cache = ReleaseCache(tmp_path / CACHE_FILE)
        releases = read_corpus(corpus_copy, read=cache.read).releases
        assert releases == fresh
        for r in releases:
            passages = cache.passages(r)
            assert passages == chunk_release(r)
            assert cache.tokens(r, passages) == [tokenize(p.embed_text) for p in passages]
        lexicon = cache.lexicon(releases)
        expected = Lexicon.build(fresh)
        assert (lexicon.aliases, lexicon.latin_keys, lexicon.cjk_keys) == (
            expected.aliases, expected.latin_keys, expected.cjk_keys)
        hits, misses = cache.hits, cache.misses
        cache.close()
        assert (hits == 0) if round_ == 0 else (misses == 0)


def test_a_build_after_adding_one_release_recomputes_only_that_one(
        corpus_copy: Path, tmp_path: Path) -> None:
    index_dir = tmp_path / "index"
    build_index(corpus_copy, index_dir, [HashEmbedder()])
    (corpus_copy / "zz.txt").write_text(NEW_TEXT, encoding="utf-8")
    calls: list[str] = []
    original = ReleaseCache._put

    def counting(self: ReleaseCache, key: str, value: object) -> None:
        calls.append(key.split(":", 1)[0])
        original(self, key, value)

    ReleaseCache._put = counting  # type: ignore[method-assign]
    try:
        summary = build_index(corpus_copy, index_dir, [HashEmbedder()])
    finally:
        ReleaseCache._put = original  # type: ignore[method-assign]
    assert summary.releases == 6
    assert sorted(calls) == ["lexicon", "passages", "read", "tokens"]  # the new release only
    version = index_dir / "versions" / summary.version
    lexicon = json.loads((version / "lexicon.json").read_text(encoding="utf-8"))
    assert lexicon["aliases"] == Lexicon.build(read_corpus(corpus_copy).releases).aliases


def test_a_change_of_code_is_a_miss(corpus_copy: Path, tmp_path: Path) -> None:
    path = tmp_path / CACHE_FILE
    cache = ReleaseCache(path)
    read_corpus(corpus_copy, read=cache.read)
    cache.close()
    cache = ReleaseCache(path)
    cache._fp = "another-reader"
    read_corpus(corpus_copy, read=cache.read)
    assert cache.hits == 0 and cache.misses == 5
    cache.close()
