"""The USE model's parsed tokenizer and uncompressed weights are cached between processes
(retrieval/embedders/use_cache.py): the embeddings are the library's own, bit for bit, and a
damaged cache file is rebuilt with one warning."""

from __future__ import annotations

import logging
from pathlib import Path

import numpy as np
import pytest

from partnerbot.retrieval.embedders.use import USEEmbedder

pytestmark = pytest.mark.slow

TEXTS = ["LINK-J concluded an MOU with Kanagawa Prefecture.", "입주 기업은 113개사이다.",
         "神奈川県と覚書を締結した。"]


def test_cached_model_embeds_exactly_as_the_library(tmp_path: Path) -> None:
    plain = USEEmbedder(cache_dir=None).encode_passages(TEXTS)
    first = USEEmbedder(cache_dir=tmp_path).encode_passages(TEXTS)  # writes the cache
    assert sorted(p.suffix for p in tmp_path.iterdir()) == [".marshal", ".npz"]
    again = USEEmbedder(cache_dir=tmp_path).encode_passages(TEXTS)  # reads it
    np.testing.assert_array_equal(plain, first)
    np.testing.assert_array_equal(plain, again)


def test_a_damaged_tokenizer_cache_is_rebuilt(tmp_path: Path,
                                              caplog: pytest.LogCaptureFixture) -> None:
    USEEmbedder(cache_dir=tmp_path).encode_passages(TEXTS[:1])
    (cached,) = tmp_path.glob("*.marshal")
    cached.write_bytes(b"\x00garbage")
    with caplog.at_level(logging.WARNING, logger="partnerbot.embedders"):
        out = USEEmbedder(cache_dir=tmp_path).encode_passages(TEXTS[:1])
    np.testing.assert_array_equal(out, USEEmbedder(cache_dir=None).encode_passages(TEXTS[:1]))
    assert sum("rebuilt" in r.getMessage() for r in caplog.records) == 1
    assert cached.read_bytes() != b"\x00garbage"
