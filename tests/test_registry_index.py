"""The partnership registry as part of an index version, and the answers built from it.

Real index (FAISS, BM25, lexicon) with the fake embedder over an invented corpus
(tests/registry_corpus.py): records are written, reloaded, reused for unchanged releases,
and checked on load; aggregate questions in en/ko/ja are answered from them.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from partnerbot.bot.engine import Engine
from partnerbot.bot.partners.answers import answer_aggregate, partners_answer
from partnerbot.bot.question.parsed import parse
from partnerbot.bot.settings import load_settings
from partnerbot.bot.types import Answer, Question
from partnerbot.retrieval.build import build_index
from partnerbot.retrieval.layout import IndexCorrupt, IndexStale, current_version
from partnerbot.retrieval.load import load_index
from partnerbot.retrieval.search import SearchIndex
from tests.conftest import HashEmbedder
from tests.registry_corpus import CLUSTER, EARLIER, write_corpus


def _aggregate(question: str, lang: str, view: SearchIndex) -> Answer | None:
    return answer_aggregate(parse(question, lang, view), view)


def _version(index: Path) -> Path:
    return index / "versions" / str(current_version(index))


def _view(index: Path) -> SearchIndex:
    return SearchIndex(load_index(index, [HashEmbedder()]), [HashEmbedder()])


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    root = tmp_path_factory.mktemp("registry")
    corpus = write_corpus(root / "corpus")
    build_index(corpus, root / "index", [HashEmbedder()])
    return corpus, root / "index"


@pytest.fixture(scope="module")
def view(built: tuple[Path, Path]) -> SearchIndex:
    return _view(built[1])


# ---- persisted with the version ---------------------------------------------------------------

def test_records_are_written_with_the_version_and_reloaded(built: tuple[Path, Path]) -> None:
    _, index = built
    data = json.loads((_version(index) / "registry.json").read_text(encoding="utf-8"))
    reg = _view(index).registry
    assert len(reg.records) == len(data["records"]) >= len(EARLIER) + 3
    assert {r.release for r in reg.records} == {"r1", "r2", "r3"}
    assert sum(r.mentioned for r in reg.records) == len(EARLIER)
    cluster = reg.find(CLUSTER)
    assert cluster and "ブライトウォーター・バイオクラスター" in cluster[0].forms
    assert reg.find("브라이트워터 바이오클러스터") == cluster


def test_unchanged_releases_are_not_extracted_again(tmp_path: Path) -> None:
    corpus, index = write_corpus(tmp_path / "corpus"), tmp_path / "index"
    build_index(corpus, index, [HashEmbedder()])
    first = json.loads((_version(index) / "manifest.json").read_text(encoding="utf-8"))
    assert (first["registry"]["extracted"], first["registry"]["reused"]) == (3, 0)
    r2 = corpus / "r2.txt"
    r2.write_text(r2.read_text(encoding="utf-8").replace("2024년 5월 10일", "2024년 6월 3일"),
                  encoding="utf-8")
    summary = build_index(corpus, index, [HashEmbedder()])
    assert summary.changed
    second = json.loads((_version(index) / "manifest.json").read_text(encoding="utf-8"))
    assert (second["registry"]["extracted"], second["registry"]["reused"]) == (1, 2)
    signed = {r.signed for r in _view(index).registry.records if r.release == "r2"}
    assert signed == {"2024-06-03"}
    assert not build_index(corpus, index, [HashEmbedder()]).changed  # nothing changed now


def test_changing_the_overrides_file_makes_a_new_version(tmp_path: Path) -> None:
    corpus, index = write_corpus(tmp_path / "corpus"), tmp_path / "index"
    build_index(corpus, index, [HashEmbedder()])
    (corpus / "orgs.overrides.jsonl").write_text(
        json.dumps({"merge": ["Alder Genomics", "Birchfield University"]}) + "\n", encoding="utf-8")
    assert build_index(corpus, index, [HashEmbedder()]).changed
    merged = _view(index).registry.find("Alder Genomics")
    assert "Birchfield University" in merged[0].forms


@pytest.mark.parametrize("damage", [
    lambda p: p.write_bytes(b"\x00\xffnot json"),
    lambda p: p.unlink(),
    lambda p: p.write_text(p.read_text(encoding="utf-8").replace('"r3"', '"r9"'), encoding="utf-8"),
])
def test_a_damaged_registry_is_one_index_corrupt_line(tmp_path: Path, damage) -> None:  # type: ignore[no-untyped-def]
    corpus, index = write_corpus(tmp_path / "corpus"), tmp_path / "index"
    build_index(corpus, index, [HashEmbedder()])
    damage(_version(index) / "registry.json")
    with pytest.raises(IndexCorrupt) as err:
        load_index(index, [HashEmbedder()])
    assert "registry.json" in str(err.value) and "\n" not in str(err.value)
    assert "partnerbot index --rebuild" in str(err.value)


def test_an_index_built_before_the_registry_is_rebuilt(tmp_path: Path) -> None:
    corpus, index = write_corpus(tmp_path / "corpus"), tmp_path / "index"
    build_index(corpus, index, [HashEmbedder()])
    old = _version(index)
    manifest = json.loads((old / "manifest.json").read_text(encoding="utf-8"))
    del manifest["registry"]
    (old / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    (old / "registry.json").unlink()
    with pytest.raises(IndexStale):
        load_index(index, [HashEmbedder()])
    settings = load_settings(env={}, corpus_dir=corpus, index_dir=index, data_dir=tmp_path / "d")
    engine = Engine.open(settings, embedders=[HashEmbedder()])
    assert engine.live.current().version != old.name
    assert engine.live.current().registry.records


# ---- aggregate answers ------------------------------------------------------------------------

def _lines(text: str) -> list[str]:
    return [line for line in text.splitlines() if line.startswith("• ")]


def test_list_in_english_one_line_per_partnership_by_date(view: SearchIndex) -> None:
    answer = _aggregate(f"Which organisations has {CLUSTER} signed MOUs with?", "en", view)
    assert answer is not None and answer.kind == "answer"
    lines = _lines(answer.text)
    assert len(lines) == len(answer.rows) == len(EARLIER) + 3
    assert lines[0].startswith("• Alder Genomics") and "2016-05" in lines[0]
    assert "Corvane Therapeutics" in lines[-3] and "2023-03-03" in lines[-3]
    assert "한솔메디컬재단" in lines[-2] and "北浜大学" in lines[-1]
    assert {c.doc_id for c in answer.citations} == {"r1", "r2", "r3"}
    assert all(line.rstrip().endswith("]") for line in lines)


def test_count_in_korean_with_korean_frame(view: SearchIndex) -> None:
    answer = _aggregate("브라이트워터 바이오클러스터와 협약한 기관 몇 곳이야?", "ko", view)
    assert answer is not None
    assert answer.text.splitlines()[0].startswith("보도자료에 나온 브라이트워터 바이오클러스터")
    assert f"{len(EARLIER) + 3}건입니다" in answer.text
    assert answer.sources_heading == "출처"


def test_yes_no_names_the_partnership(view: SearchIndex) -> None:
    answer = _aggregate("Do we have an MOU with Corvane Therapeutics?", "en", view)
    assert answer is not None and answer.text.startswith("Yes.")
    (line,) = _lines(answer.text)
    assert CLUSTER in line and "2023-03-03" in line
    assert answer.quotes and answer.quotes[0].doc_id == "r1"  # the sentence, verbatim


@pytest.mark.parametrize("question,lang,partner,year", [
    ("2024년에 체결된 협약을 모두 보여줘", "ko", "한솔메디컬재단", "2024"),
    ("2025年以降に締結された協定を教えて", "ja", "北浜大学", "2025"),
    ("Partnerships signed in 2017?", "en", "Cedarline Institute", "2017"),
])
def test_period_questions(view: SearchIndex, question: str, lang: str, partner: str,
                          year: str) -> None:
    answer = _aggregate(question, lang, view)
    assert answer is not None
    lines = _lines(answer.text)
    assert lines and all(year in line for line in lines)
    assert any(partner in line for line in lines)
    assert year in answer.text.splitlines()[0]


def test_japanese_list_puts_the_japanese_name_first(view: SearchIndex) -> None:
    answer = _aggregate("ブライトウォーター・バイオクラスターが提携している相手を全部教えて", "ja", view)
    assert answer is not None
    assert answer.text.startswith("リリースに記載されたブライトウォーター・バイオクラスター (Brightwater")


@pytest.mark.parametrize("question", [
    f"When did {CLUSTER} sign with Corvane Therapeutics?",   # one partnership: quoted answer
    "Which organisations has Zentaro Biologics signed MOUs with?",  # unknown to the registry
    f"How many researchers does {CLUSTER} employ?",  # a count, but not of partnerships
])
def test_questions_left_to_the_quoted_answer(view: SearchIndex, question: str) -> None:
    assert _aggregate(question, "en", view) is None


def test_engine_answers_an_aggregate_question_from_the_registry(built: tuple[Path, Path],
                                                               tmp_path: Path) -> None:
    corpus, index = built
    settings = load_settings(env={}, corpus_dir=corpus, index_dir=index, data_dir=tmp_path)
    engine = Engine.open(settings, embedders=[HashEmbedder()])
    answer = engine.answer(Question(f"List all partnerships of {CLUSTER}"))
    assert answer.kind == "answer" and len(answer.rows) == len(EARLIER) + 3
    assert answer.index_version == current_version(index)


def test_partner_list_for_chat(view: SearchIndex) -> None:
    answer = partners_answer("BBC", "en", view)
    assert answer is not None and len(answer.rows) == len(EARLIER) + 3
    assert partners_answer("Nobody Known", "en", view) is None
