"""`partnerbot eval`: answer a question set the way chat would, and measure.

Metrics, fields and breakdowns follow ../shared/eval/README.md: recall@1/@5 and MRR@10 over
distinct retrieved releases, answer accuracy (not abstained, a `must_contain` string in the
reply, a gold release cited), lead accuracy (the same, but only the answer span and the first
quote count: the reply leads with the fact), cross-lingual accuracy, abstention on unanswerable
questions, false abstentions, median reply length, latency beside a bare query embedding.
"""

from __future__ import annotations

import json
import re
import statistics
import time
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from partnerbot.bot.engine import Engine
from partnerbot.bot.types import Answer, Question


@dataclass(frozen=True)
class QACase:
    qid: str
    question: str
    q_lang: str
    doc_ids: tuple[str, ...]
    must_contain: tuple[str, ...]
    type: str

    @property
    def answerable(self) -> bool:
        return bool(self.doc_ids)


class EvalError(Exception):
    pass


def read_qa(path: Path) -> list[QACase]:
    cases: list[QACase] = []
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise EvalError(f"cannot read question set {path}: {exc.strerror}") from None
    for lineno, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
            cases.append(QACase(qid=str(row["qid"]), question=str(row["question"]),
                                q_lang=str(row.get("q_lang", "")),
                                doc_ids=tuple(row.get("doc_ids") or ()),
                                must_contain=tuple(row.get("must_contain") or ()),
                                type=str(row.get("type", "fact"))))
        except (ValueError, KeyError) as exc:
            raise EvalError(f"{path}:{lineno}: not a question-set line ({exc})") from None
    if not cases:
        raise EvalError(f"{path} holds no questions")
    return cases


def _squash(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip().lower()


def judge(case: QACase, answer: Answer) -> dict[str, Any]:
    retrieved = list(answer.retrieved)
    gold = set(case.doc_ids)
    first = next((i for i, d in enumerate(retrieved[:10]) if d in gold), None)
    reply = _squash(answer.to_plain_text())
    contains = any(_squash(m) in reply for m in case.must_contain)
    cited_gold = any(c.doc_id in gold for c in answer.citations)
    # the reply leads with the fact: only the answer line and the first quote count
    lead = _squash(" ".join([answer.answer_span or ""] + [q.text for q in answer.quotes[:1]]))
    lead_contains = any(_squash(m) in lead for m in case.must_contain)
    return {
        "recall_at_1": float(first == 0) if gold else None,
        "recall_at_5": float(first is not None and first < 5) if gold else None,
        "mrr_at_10": (1.0 / (first + 1) if first is not None else 0.0) if gold else None,
        "answer_correct": (not answer.abstained and contains and cited_gold) if gold else None,
        "lead_correct": (not answer.abstained and lead_contains and cited_gold) if gold else None,
        "abstained": answer.abstained,
    }


def _mean(values: Iterable[float | None]) -> float | None:
    vals = [float(v) for v in values if v is not None]
    return round(sum(vals) / len(vals), 4) if vals else None


def _percentile(values: list[float], q: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    idx = min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))
    return round(ordered[idx], 2)


def _summary(rows: list[dict[str, Any]]) -> dict[str, Any]:
    answerable = [r for r in rows if r["answerable"]]
    unanswerable = [r for r in rows if not r["answerable"]]
    return {
        "n": len(rows),
        "recall_at_1": _mean(r["recall_at_1"] for r in answerable),
        "recall_at_5": _mean(r["recall_at_5"] for r in answerable),
        "mrr_at_10": _mean(r["mrr_at_10"] for r in answerable),
        "answer_accuracy": _mean(float(r["answer_correct"]) for r in answerable),
        "lead_accuracy": _mean(float(r["lead_correct"]) for r in answerable),
        "abstain_rate_unanswerable": _mean(float(r["abstained"]) for r in unanswerable),
        "false_abstain_rate": _mean(float(r["abstained"]) for r in answerable),
    }


def _embed_ms(engine: Engine, text: str) -> float:
    """One bare query embedding by the first embedder alone: the yardstick for latency."""
    started = time.perf_counter()
    engine.embedders[0].encode_queries([text])
    return (time.perf_counter() - started) * 1000


def evaluate(engine: Engine, cases: list[QACase],
             on_case: Callable[[int, int], None] | None = None,
             details: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    """Answer every case as chat would and measure. Replies are measured in characters of
    `to_plain_text()`, over answered answerable questions (as the shared scorer does);
    latency is put next to a bare query embedding of the same questions in the same run, so
    the ratio holds whatever the machine."""
    rows: list[dict[str, Any]] = []
    latencies: list[float] = []
    embeds: list[float] = []
    replies: list[int] = []
    for i, case in enumerate(cases):
        answer = engine.answer(Question(text=case.question, platform="eval"))
        verdict = judge(case, answer)
        latencies.append(answer.latency_ms)
        embeds.append(_embed_ms(engine, case.question))
        if case.answerable and not answer.abstained:
            replies.append(len(answer.to_plain_text()))
        rows.append({**verdict, "answerable": case.answerable, "type": case.type,
                     "lang": case.q_lang or answer.lang, "compose": answer.compose_outcome})
        if details is not None:
            details.append({"qid": case.qid, "question": case.question, **answer.to_dict(),
                            **{k: v for k, v in verdict.items()},
                            "explain": answer.explanation})
        if on_case:
            on_case(i + 1, len(cases))
    result = _summary(rows)
    crosslingual = [r for r in rows if r["type"] == "crosslingual" and r["answerable"]]
    result["crosslingual_accuracy"] = _mean(float(r["answer_correct"]) for r in crosslingual)
    result["crosslingual_recall_at_1"] = _mean(r["recall_at_1"] for r in crosslingual)
    result["median_reply_chars"] = statistics.median(replies) if replies else None
    result["latency_ms_p50"] = _percentile(latencies, 0.5)
    result["latency_ms_p95"] = _percentile(latencies, 0.95)
    result["embed_ms_p50"] = _percentile(embeds, 0.5)
    result["latency_vs_embed_p50"] = (round(result["latency_ms_p50"] / result["embed_ms_p50"], 2)
                                      if result["embed_ms_p50"] else None)
    by_type: dict[str, list[dict[str, Any]]] = defaultdict(list)
    by_lang: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for r in rows:
        by_type[r["type"]].append(r)
        by_lang[r["lang"]].append(r)
    composed = _composed(rows)
    if composed is not None:
        result["composed"] = composed
    result["by_type"] = {k: _summary(v) for k, v in sorted(by_type.items())}
    result["by_lang"] = {k: _summary(v) for k, v in sorted(by_lang.items())}
    return result


def _composed(rows: list[dict[str, Any]]) -> dict[str, Any] | None:
    """With a language model configured: how often its phrasing was used, and why it was not
    (a timeout, a number or a name not in the quotes, ...). None when no model was asked."""
    asked = [r["compose"] for r in rows if r.get("compose")]
    if not asked:
        return None
    used = sum(outcome == "used" for outcome in asked)
    rejected: dict[str, int] = defaultdict(int)
    for outcome in asked:
        if outcome != "used":
            rejected[outcome] += 1
    return {"asked": len(asked), "used": used, "used_rate": round(used / len(asked), 4),
            "rejected": dict(sorted(rejected.items(), key=lambda kv: (-kv[1], kv[0])))}
