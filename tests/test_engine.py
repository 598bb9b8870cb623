"""The engine with the fake embedder: verbatim quotes, matching citations, abstention, help,
limits, and picking up new index versions without failing a question."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import threading
import time
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pytest

from partnerbot.bot.engine import Engine
from partnerbot.bot.messages import message
from partnerbot.bot.question.kind import Kind, question_kind
from partnerbot.bot.settings import BUNDLED_CORPUS
from partnerbot.bot.types import Answer, Question
from partnerbot.corpus.model import Release
from partnerbot.corpus.reader import read_corpus
from partnerbot.retrieval.index import build_index, current_version
from tests.conftest import EVAL_SEEDS, HashEmbedder

REPO = Path(__file__).resolve().parents[1]
HANGUL = re.compile(r"[\uac00-\ud7a3]")
KANAGAWA = "When did LINK-J sign with Kanagawa Prefecture?"
OFF_TOPIC = ["What is the best recipe for kimchi stew?", "김치찌개 만드는 법은?"]
NEW_RELEASE = """LINK-J Concludes MOU with the Basel Life Science Cluster

Life Science Innovation Network Japan (LINK-J) concluded a memorandum of understanding with
the Basel Life Science Cluster on March 3, 2021, to hold joint matchmaking events.
"""
FALLBACK_QUESTIONS = [
    KANAGAWA,
    "쇼난 아이파크와 협약한 한국 기관은?",
    "LINK-J와 메디센 파리 리전의 양해각서는 언제부터 효력이 발생했나요?",
    "Who is the chairman of the board of LINK-J?",
    "How many organizations does LINK-J cooperate with?",
    "중소벤처기업부는 누구와 협약을 체결했나요?",
]


def questions() -> list[str]:
    """The eval seed questions when the shared folder is there (same five releases), else a
    few of our own."""
    qa = EVAL_SEEDS / "qa.jsonl"
    if qa.is_file():
        return [json.loads(line)["question"] for line in qa.read_text(encoding="utf-8").splitlines()
                if line.strip()]
    return FALLBACK_QUESTIONS


@pytest.fixture(scope="module")
def releases() -> dict[str, Release]:
    return {r.id: r for r in read_corpus(BUNDLED_CORPUS).releases}


@pytest.fixture(scope="module")
def answered(_engine_index: Path,
             tmp_path_factory: pytest.TempPathFactory) -> list[tuple[str, Answer]]:
    """Every question answered once by one engine (read-only use of the session index)."""
    import shutil

    from partnerbot.bot.settings import load_settings

    index_dir = tmp_path_factory.mktemp("answers") / "index"
    shutil.copytree(_engine_index, index_dir)
    engine = Engine.open(load_settings(env={}, corpus_dir=BUNDLED_CORPUS, index_dir=index_dir),
                         embedders=[HashEmbedder()])
    return [(q, engine.answer(Question(q))) for q in questions()]


@pytest.fixture(scope="module")
def answers(answered: list[tuple[str, Answer]]) -> list[Answer]:
    return [a for _, a in answered]


# ---- quotes and citations -----------------------------------------------------------------
def test_no_question_fails(answers: list[Answer]) -> None:
    assert [a.kind for a in answers if a.kind not in ("answer", "abstain")] == []
    assert any(a.kind == "answer" for a in answers)


def test_quotes_are_verbatim_from_the_cited_release(answers: list[Answer],
                                                    releases: dict[str, Release]) -> None:
    quoted = 0
    for a in answers:
        for q in a.quotes:
            text = releases[q.doc_id].text
            assert q.text in text
            assert text[q.start:q.end] == q.text
            quoted += 1
    assert quoted


def test_quotes_do_not_start_or_end_with_white_space(answers: list[Answer]) -> None:
    for a in answers:
        for q in a.quotes:
            assert q.text and q.text.strip() == q.text, (q.doc_id, q.start, q.end, q.text[-30:])


def test_quote_numbers_match_citations(answered: list[tuple[str, Answer]]) -> None:
    for question, a in answered:
        numbers = [c.n for c in a.citations]
        assert numbers == list(range(1, len(numbers) + 1)), a.to_plain_text()
        assert len({c.doc_id for c in a.citations}) == len(a.citations)
        if a.kind == "answer":
            # one to three sentences; a list question may show one more item
            limit = 4 if question_kind(question) is Kind.LIST else 3
            assert 1 <= len(a.quotes) <= limit, question
            for q in a.quotes:
                cited = a.citation(q.n)
                assert cited is not None and cited.doc_id == q.doc_id
                assert f"[{q.n}]" in a.to_plain_text()


def test_a_quoted_release_lists_its_translation_too(answers: list[Answer],
                                                    releases: dict[str, Release]) -> None:
    checked = 0
    for a in answers:
        cited = {c.doc_id for c in a.citations}
        for q in a.quotes:
            partner = releases[q.doc_id].translation_of
            if partner in releases:
                assert partner in cited, a.to_plain_text()
                checked += 1
    if not checked:
        pytest.skip("no answer quoted a release that has a translation")


def test_citations_carry_the_release_metadata(answers: list[Answer],
                                              releases: dict[str, Release]) -> None:
    for a in answers:
        for c in a.citations:
            r = releases[c.doc_id]
            assert (c.title, c.publisher, c.date, c.url, c.lang) == (
                r.title, r.publisher, r.date, r.url, r.lang)
            assert c.url or c.source  # a link, or at least the file name
            assert c.title in a.to_plain_text()


def test_retrieved_releases_are_distinct_and_known(answers: list[Answer],
                                                   releases: dict[str, Release]) -> None:
    for a in answers:
        assert len(set(a.retrieved)) == len(a.retrieved)
        assert set(a.retrieved) <= set(releases)


def test_answers_reply_in_the_question_language(engine: Engine) -> None:
    ko = engine.answer(Question("쇼난 아이파크와 협약한 한국 기관은?"))
    en = engine.answer(Question(KANAGAWA))
    assert ko.lang == "ko" and HANGUL.search(ko.text)
    assert en.lang == "en" and not HANGUL.search(en.text)
    assert ko.sources_heading != en.sources_heading


# ---- abstention -----------------------------------------------------------------------------
@pytest.mark.parametrize("text", OFF_TOPIC)
def test_abstention_offers_at_most_three_closest_releases(engine: Engine, text: str) -> None:
    a = engine.answer(Question(text))
    assert a.kind == "abstain" and a.abstained
    assert a.quotes == ()
    assert 1 <= len(a.citations) <= 3
    assert [c.doc_id for c in a.citations] == list(a.retrieved[:len(a.citations)])
    assert a.text == message("abstain", a.lang)
    assert a.sources_heading == message("closest", a.lang)
    assert bool(HANGUL.search(a.text)) == (a.lang == "ko")


# ---- help and limits -----------------------------------------------------------------------
@pytest.mark.parametrize("text, lang", [("help", "en"), ("/start", "en"), ("안녕하세요", "ko"),
                                        ("", "en"), ("   ", "en"), ("こんにちは", "ja")])
def test_help_in_the_users_language_with_examples(engine: Engine, text: str, lang: str) -> None:
    a = engine.answer(Question(text))
    assert a.kind == "help" and not a.abstained
    assert a.lang == lang
    assert a.text.endswith(message("help", lang))  # after a greeting, with a hello first
    assert len(a.examples) >= 2
    assert all(e.strip() for e in a.examples)
    assert len(set(a.examples)) == len(a.examples)
    if lang == "ko":
        assert all(HANGUL.search(e) for e in a.examples)
    for e in a.examples:
        assert e in a.to_plain_text()


def test_english_help_examples_are_in_english(engine: Engine) -> None:
    """An English speaker gets example questions naming parties as English releases spell
    them, not a Korean word (the examples are drawn from the corpus per language)."""
    examples = engine.answer(Question("help")).examples
    assert examples and not any(HANGUL.search(e) for e in examples), examples


def test_too_long_input(engine: Engine) -> None:
    limit = engine.settings.max_question_chars
    a = engine.answer(Question("LINK-J " * (limit // 7 + 1)))
    assert a.kind == "too_long"
    assert str(limit) in a.text and a.quotes == () and a.citations == ()
    ko = engine.answer(Question("가" * (limit + 1)))
    assert ko.kind == "too_long" and ko.lang == "ko" and HANGUL.search(ko.text)


def test_input_at_the_limit_is_answered(engine: Engine) -> None:
    limit = engine.settings.max_question_chars
    text = (KANAGAWA + " ") * (limit // (len(KANAGAWA) + 1))
    assert len(text.strip()) <= limit
    assert engine.answer(Question(text)).kind in ("answer", "abstain")


def test_an_internal_failure_is_a_polite_error_not_an_exception(engine: Engine) -> None:
    class Broken(HashEmbedder):
        def encode_queries(self, texts: Sequence[str]) -> np.ndarray:
            raise RuntimeError("model fell over")

    broken = Engine.open(engine.settings, embedders=[Broken()])
    a = broken.answer(Question("쇼난 아이파크와 협약한 한국 기관은?"))
    assert a.kind == "error" and a.text == message("error", "ko")


# ---- to_dict --------------------------------------------------------------------------------
def test_to_dict_shape(engine: Engine, releases: dict[str, Release]) -> None:
    a = engine.answer(Question(KANAGAWA))
    d = json.loads(json.dumps(a.to_dict(), ensure_ascii=False))
    for key in ("answer", "abstained", "lang", "citations", "retrieved", "latency_ms"):
        assert key in d
    assert d["answer"] == a.to_plain_text()
    assert d["abstained"] is a.abstained and d["lang"] == "en"
    assert d["retrieved"] == list(a.retrieved)
    assert isinstance(d["latency_ms"], float) and d["latency_ms"] > 0
    assert d["citations"]
    for c in d["citations"]:
        assert {"doc_id", "title", "publisher", "date", "url", "quote"} <= set(c)
        for part in filter(None, c["quote"].split(" … ")):
            assert part in releases[c["doc_id"]].text
    if a.kind == "answer":
        quoted = {q.doc_id for q in a.quotes}
        assert all(c["quote"] for c in d["citations"] if c["doc_id"] in quoted)


# ---- picking up new versions ------------------------------------------------------------------
def _add_release(corpus: Path) -> None:
    (corpus / "005.txt").write_text(NEW_RELEASE, encoding="utf-8")


def test_refresh_picks_up_a_version_built_by_another_thread(engine: Engine,
                                                           corpus_copy: Path) -> None:
    old = engine.admin.status().version
    _add_release(corpus_copy)
    done: list[str] = []
    t = threading.Thread(target=lambda: done.append(
        build_index(corpus_copy, engine.settings.index_dir, [HashEmbedder()]).version))
    t.start()
    t.join(30)
    assert done and done[0] != old
    assert engine.refresh() == done[0] == engine.admin.status().version
    assert "005" in {r.doc_id for r in engine.admin.sources()}


def _wait_for_version(engine: Engine, version: str, timeout: float = 15.0) -> list[Answer]:
    seen: list[Answer] = []
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        a = engine.answer(Question(KANAGAWA))
        seen.append(a)
        if a.index_version == version:
            return seen
        time.sleep(0.05)
    raise AssertionError(f"engine still serves {engine.admin.status().version}, not {version}")


def test_background_reload_between_questions(engine: Engine, corpus_copy: Path) -> None:
    old = engine.admin.status().version
    _add_release(corpus_copy)
    new = build_index(corpus_copy, engine.settings.index_dir, [HashEmbedder()]).version
    assert new != old
    seen = _wait_for_version(engine, new)
    assert all(a.kind in ("answer", "abstain") for a in seen)
    assert "005" in {r.doc_id for r in engine.admin.sources()}


def test_picks_up_a_version_built_by_another_process(engine: Engine, corpus_copy: Path) -> None:
    _add_release(corpus_copy)
    script = ("import sys; from pathlib import Path; from tests.conftest import HashEmbedder; "
              "from partnerbot.retrieval.index import build_index; "
              "print(build_index(Path(sys.argv[1]), Path(sys.argv[2]), [HashEmbedder()]).version)")
    out = subprocess.run([sys.executable, "-c", script, str(corpus_copy),
                          str(engine.settings.index_dir)], cwd=REPO, capture_output=True,
                         text=True, timeout=120, check=True)
    new = out.stdout.strip().splitlines()[-1]
    assert current_version(engine.settings.index_dir) == new
    _wait_for_version(engine, new)


def test_answering_while_a_reindex_runs_never_fails(engine: Engine) -> None:
    stop = threading.Event()
    versions: list[str] = []
    errors: list[BaseException] = []

    def reindex_loop() -> None:
        try:
            for _ in range(4):
                versions.append(engine.admin.reindex(rebuild=True).version)
        except BaseException as exc:
            errors.append(exc)
        finally:
            stop.set()

    kinds: list[str] = []

    def ask_loop() -> None:
        qs = [KANAGAWA, "쇼난 아이파크와 협약한 한국 기관은?", OFF_TOPIC[0]]
        i = 0
        while not stop.is_set() or i < 6:
            kinds.append(engine.answer(Question(qs[i % len(qs)])).kind)
            i += 1

    writer = threading.Thread(target=reindex_loop)
    readers = [threading.Thread(target=ask_loop) for _ in range(3)]
    writer.start()
    for r in readers:
        r.start()
    writer.join(60)
    for r in readers:
        r.join(60)
    assert not errors, errors
    assert len(set(versions)) == 4
    assert kinds and set(kinds) <= {"answer", "abstain"}, kinds
    assert engine.refresh() == versions[-1]
