"""The fitted reader: its weights file, its folds, the pairing check, and the bundled-corpus
questions of issue 17 answered or refused in every language (real embedders: slow)."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from benchmarks.cv import assign_folds, partnership_groups
from partnerbot.bot.answer.features import RELEASE_FEATURES, SENTENCE_FEATURES
from partnerbot.bot.answer.weights import Linear, Weights, WeightsError, default_weights
from partnerbot.bot.engine import Engine
from partnerbot.bot.ops.evaluation import QACase
from partnerbot.bot.question.pairs import asked_parties
from partnerbot.bot.settings import BUNDLED_CORPUS, load_settings
from partnerbot.bot.types import Question


def test_the_shipped_weights_name_only_features_the_code_computes() -> None:
    weights = default_weights()
    assert weights.release.coef and weights.sentence.coef
    assert set(weights.release.coef) <= set(RELEASE_FEATURES)
    assert set(weights.sentence.coef) <= set(SENTENCE_FEATURES)
    assert weights.meta.get("questions", 0) > 200  # fitted, not a placeholder


def test_a_weights_file_naming_an_unknown_feature_or_a_nan_is_refused() -> None:
    good = {"release": {"intercept": 0.0, "coef": {"e5_gap": 1.0}},
            "sentence": {"intercept": 0.0, "coef": {"sim_glob": 1.0}}}
    assert Weights.from_json(good).release.coef == {"e5_gap": 1.0}
    with pytest.raises(WeightsError, match="unknown features"):
        Weights.from_json({**good, "release": {"coef": {"made_up": 1.0}}})
    with pytest.raises(WeightsError, match="not finite"):
        Weights.from_json({**good, "sentence": {"coef": {"sim_glob": math.nan}}})
    with pytest.raises(WeightsError, match="missing"):
        Weights.from_json({"release": good["release"]})


def test_contributions_add_up_to_the_logit() -> None:
    model = Linear(coef={"a": 2.0, "b": -0.5}, intercept=0.25)
    values = {"a": 1.5, "b": 4.0, "c": 9.0}
    assert model.logit(values) == pytest.approx(
        model.intercept + sum(model.contributions(values).values()))


def test_folds_keep_a_partnership_together(tmp_path: Path) -> None:
    manifest = tmp_path / "docs.jsonl"
    manifest.write_text('{"id": "1", "pair_of": "2"}\n{"id": "2"}\n'
                        '{"id": "3", "same_partnership_as": ["4"]}\n{"id": "4"}\n{"id": "5"}\n',
                        encoding="utf-8")
    groups = partnership_groups(manifest)
    cases = [QACase(qid=f"q{i}", question="?", q_lang="en", doc_ids=docs, must_contain=("x",),
                    type="fact")
             for i, docs in enumerate([("1",), ("2",), ("3",), ("4",), ("5",), ("2", "5"), ()])]
    folds = assign_folds(cases, groups, 3)
    assert folds["q0"] == folds["q1"]  # a translation pair
    assert folds["q2"] == folds["q3"]  # a renewal of one partnership
    assert folds["q4"] == folds["q5"] == folds["q0"]  # a question over two joins them
    assert "q6" in folds  # an unanswerable question gets a fold too


def test_the_parties_a_question_joins_with_and() -> None:
    assert asked_parties("화이자와 LINK-J는 언제 MOU를 체결했나?", "ko") == ["화이자"]
    assert asked_parties("ファイザーとLINK-Jはいつ覚書を締結しましたか?", "ja") == ["ファイザー"]
    assert asked_parties("LINK-Jと神奈川県が協定を締結したのはいつですか?", "ja") == ["神奈川県"]
    # verbs and question words are not parties: "참여하고 있나요", "누구랑 협약했어"
    assert asked_parties("메디센 파리 리전(MPR)에는 몇 개의 기관이 참여하고 있나요?", "ko") == []
    assert asked_parties("K-바이오 랩허브는 누구랑 협약했어?", "ko") == []
    assert asked_parties("When did Pfizer and LINK-J sign?", "en") == []


def test_explain_shows_each_weights_share_of_the_chosen_release(engine: Engine) -> None:
    answer = engine.answer(Question(text="When did LINK-J sign with Kanagawa Prefecture?",
                                    platform="cli"))
    why = answer.explanation
    assert why is not None and why["kind"] == "when"
    chosen = why["releases"][0]
    assert len(why["releases"]) == 2  # the chosen one and the runner-up
    assert chosen["logit"] == pytest.approx(
        chosen["intercept"] + sum(chosen["contributions"].values()), abs=1e-3)
    assert why["sentences"] and "contributions" in why["sentences"][0]
    assert isinstance(why["reason"], str) and why["reason"]
    assert answer.retrieved[0] == chosen["doc_id"]  # the reranker's order is the reply's


def test_ask_explain_prints_the_contributions(engine: Engine, tmp_path: Path,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    from partnerbot.adapters.cli import _explain_text

    answer = engine.answer(Question(text="Who is the CEO of Medicen Paris Region?",
                                    platform="cli"))
    text = _explain_text(answer.explanation)
    assert "chosen release" in text and "runner-up release" in text
    assert "intercept" in text and ("answered:" in text or "abstained:" in text)


@pytest.fixture(scope="module")
def bundled(tmp_path_factory: pytest.TempPathFactory) -> Engine:
    index_dir = tmp_path_factory.mktemp("bundled") / "index"
    return Engine.open(load_settings(env={}, corpus_dir=BUNDLED_CORPUS, index_dir=index_dir))


@pytest.mark.slow
@pytest.mark.parametrize("question", [
    "When did Pfizer and LINK-J sign an MOU?",
    "화이자와 LINK-J는 언제 MOU를 체결했나?",
    "ファイザーとLINK-Jはいつ覚書を締結しましたか?",
    "What is the capital of France?",
])
def test_a_pairing_no_release_reports_is_refused_in_every_language(bundled: Engine,
                                                                   question: str) -> None:
    answer = bundled.answer(Question(text=question, platform="cli"))
    assert answer.abstained, answer.to_plain_text()
    assert answer.explanation is not None and answer.explanation["abstained"]


@pytest.mark.slow
@pytest.mark.parametrize("question", [
    "LINK-Jと神奈川県が協定を締結したのはいつですか?",
    "LINK-J와 가나가와현은 언제 협약을 맺었나?",
])
def test_the_kanagawa_signing_date_is_found_across_scripts(bundled: Engine,
                                                           question: str) -> None:
    answer = bundled.answer(Question(text=question, platform="cli"))
    assert not answer.abstained
    assert "September 18" in answer.quotes[0].text
    assert answer.answer_span is not None and "18" in answer.answer_span
