"""Abstention rules on hand-made evidence over the bundled releases: the lead quote must come
from a release that names the question's parties, and a question about a sum of money needs a
sum of money, not just any number."""

from __future__ import annotations

import pytest

from partnerbot.bot.answer import abstain
from partnerbot.bot.answer.evidence import Evidence
from partnerbot.bot.engine import Engine
from partnerbot.bot.question.kind import Kind, fits, question_kind
from partnerbot.bot.question.terms import QuestionTerms
from partnerbot.retrieval.search import QueryVectors, SearchIndex


@pytest.mark.parametrize("text", [
    "How much funding did MSS commit to the iPark program in won?",
    "How much did Takeda invest in Shonan iPark?",
    "What is the amount of the investment?",
    "중소벤처기업부의 지원 금액은 얼마인가요?",
    "투자 규모는 얼마야?",
    "湘南アイパークへの投資額は?",
])
def test_money_questions_want_a_sum(text: str) -> None:
    assert question_kind(text) is Kind.AMOUNT


@pytest.mark.parametrize("text", [
    "How many organizations does LINK-J cooperate with?",
    "How much time did the negotiation take?",
    "몇 개 기관이 참여했나요?",
])
def test_other_quantities_stay_counts(text: str) -> None:
    assert question_kind(text) is Kind.COUNT


@pytest.mark.parametrize(("sentence", "ok"), [
    ("acquiring nearly €21 billion in investments", True),
    ("a budget of KRW 3 billion", True),
    ("30 billion won will be provided", True),
    ("총 50억 원을 지원한다", True),
    ("'22년 33조원", True),
    ("10億円を投資する", True),
    ("$5 million in seed funding", True),
    ("after six months of working discussions", False),
    ("more than 2,000 members in 2023", False),
])
def test_a_sum_needs_a_currency(sentence: str, ok: bool) -> None:
    assert fits(Kind.AMOUNT, sentence) is ok


def _evidence(index: SearchIndex, doc_id: str, needle: str, score: float, kind: Kind) -> Evidence:
    text = index.releases[doc_id].text
    start = text.index(needle)
    return Evidence(doc_id=doc_id, start=start, end=start + len(needle), text=needle, score=score,
                    passage_rank=0, fits_kind=fits(kind, needle), name_coverage=0.0)


def _no_expansion(question: str) -> QueryVectors:
    return QueryVectors(text=question, vectors={}, expansion=())


def _doc_with(index: SearchIndex, needle: str, without: str) -> str:
    return next(d for d, r in index.releases.items() if needle in r.text and without not in r.text)


def test_the_lead_comes_from_a_release_that_names_the_parties(engine: Engine) -> None:
    view = engine.live.served
    question = "What did MSS agree with Shonan iPark?"
    kind = question_kind(question)
    terms = QuestionTerms.of(question, _no_expansion(question), view)
    naming = _doc_with(view, "Shonan", without="Medicen")
    other = _doc_with(view, "Medicen", without="MSS")
    # the better-scored sentence is from a release about someone else
    off = _evidence(view, other, "Medicen", 2.0, kind)
    on = _evidence(view, naming, "Shonan", 1.0, kind)
    verdict = abstain.decide(terms, kind, [off, on], view)
    assert not verdict.abstain
    assert [ev.doc_id for ev in verdict.evidence] == [naming]
    # with no sentence from a release naming them, the engine says it does not know
    alone = abstain.decide(terms, kind, [off], view)
    assert alone.abstain and not alone.evidence


def test_a_money_question_with_only_counts_is_not_answered(engine: Engine) -> None:
    view = engine.live.served
    question = "How much funding did LINK-J provide?"
    kind = question_kind(question)
    terms = QuestionTerms.of(question, _no_expansion(question), view)
    doc = _doc_with(view, "LINK-J", without="€")
    text = view.releases[doc].text
    needle = next(s for s in text.split("\n") if "LINK-J" in s and any(c.isdigit() for c in s)
                  and not fits(Kind.AMOUNT, s))
    verdict = abstain.decide(terms, kind, [_evidence(view, doc, needle, 1.0, kind)], view)
    assert verdict.abstain
    assert "amount" in verdict.reason
