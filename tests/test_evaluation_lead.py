"""`partnerbot eval`'s answer-first measures: lead accuracy (only the answer span and the first
quote count), cross-lingual accuracy, median reply length, latency beside a bare embedding."""

from __future__ import annotations

import statistics

from partnerbot.bot.engine import Engine
from partnerbot.bot.ops.evaluation import QACase, evaluate, judge
from partnerbot.bot.types import Answer, Citation, Question, Quote

CITE = Citation(1, "d1", "Verdant Cells signs with Hanbit", None, "2021-03-05", None, "d1.txt",
                "en")
CASE = QACase(qid="q", question="When did Verdant Cells sign?", q_lang="en", doc_ids=("d1",),
              must_contain=("March 4, 2021",), type="date")
LEAD = "Verdant Cells signed on March 4, 2021."
OTHER = "Verdant Cells makes cell lines."


def _answer(*texts: str, span: str | None = None, kind: str = "answer",
            cite: Citation = CITE) -> Answer:
    return Answer(kind=kind, text="Here is what the releases say:", lang="en",  # type: ignore[arg-type]
                  quotes=tuple(Quote(1, t, cite.doc_id, 0, 1) for t in texts),
                  citations=(cite,), answer_span=span)


def test_lead_counts_only_the_answer_span_and_the_first_quote() -> None:
    assert judge(CASE, _answer(LEAD, OTHER))["lead_correct"] is True
    second = judge(CASE, _answer(OTHER, LEAD))
    assert second["answer_correct"] is True and second["lead_correct"] is False
    assert judge(CASE, _answer(OTHER, LEAD, span="March 4, 2021"))["lead_correct"] is True
    # a wrong release, or an abstention, is never a right lead
    wrong = Citation(1, "d9", "t", None, None, None, "d9.txt", "en")
    assert judge(CASE, _answer(LEAD, cite=wrong))["lead_correct"] is False
    assert judge(CASE, _answer(LEAD, kind="abstain"))["lead_correct"] is False
    unanswerable = QACase("u", "kimchi?", "en", (), (), "unanswerable")
    assert judge(unanswerable, _answer(LEAD))["lead_correct"] is None


def test_evaluate_reports_lead_crosslingual_reply_length_and_latency_yardstick(
        engine: Engine) -> None:
    cases = [
        QACase("a1", "When did LINK-J sign the MOU with Kanagawa Prefecture?", "en", ("003",),
               ("September 18",), "date"),
        QACase("x1", "LINK-J와 가나가와현은 언제 협약을 체결했나요?", "ko", ("003",),
               ("September 18",), "crosslingual"),
        QACase("u1", "What is the best recipe for kimchi stew?", "en", (), (), "unanswerable"),
    ]
    details: list[dict[str, object]] = []
    result = evaluate(engine, cases, details=details)
    for key in ("lead_accuracy", "crosslingual_accuracy", "crosslingual_recall_at_1",
                "median_reply_chars", "latency_ms_p50", "embed_ms_p50", "latency_vs_embed_p50"):
        assert key in result, key
    assert result["by_type"]["crosslingual"]["lead_accuracy"] is not None
    assert result["embed_ms_p50"] > 0 and result["latency_vs_embed_p50"] > 0
    rows = {str(d["qid"]): d for d in details}
    for row in rows.values():  # each line carries the reply's quotes and its answer span
        assert {"quotes", "answer_span", "lead_correct"} <= set(row)
    answers = [engine.answer(Question(c.question)) for c in cases[:2]]
    lengths = [len(a.to_plain_text()) for a in answers if not a.abstained]
    if lengths:
        assert result["median_reply_chars"] == statistics.median(lengths)
    xl = rows["x1"]
    assert result["crosslingual_accuracy"] == float(bool(xl["answer_correct"]))
    leads = [float(bool(rows[q]["lead_correct"])) for q in ("a1", "x1")]
    assert result["lead_accuracy"] == round(sum(leads) / 2, 4)
