"""Training rows for the reader's two models, and the fit (scikit-learn logistic regression).

Release rows: every candidate release of an answerable question, labelled by `doc_ids`.
Sentence rows: every sentence of a question's gold releases (and their translations),
labelled by whether it holds a `must_contain` string (case-insensitive, white space
collapsed), as the scorers judge a quote. The scaler is folded into the coefficients, so the
product needs only a dot product (and no scikit-learn) to answer.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Sequence
from dataclasses import dataclass

import numpy as np

from partnerbot.bot.answer.evidence import score_sentences
from partnerbot.bot.answer.features import (
    RELEASE_FEATURES,
    SENTENCE_FEATURES,
    SentenceContext,
    release_rows,
)
from partnerbot.bot.answer.pipeline import RANKED_K, RELEASES_SCORED
from partnerbot.bot.answer.weights import Linear, Weights
from partnerbot.bot.lang import detect_lang
from partnerbot.bot.ops.evaluation import QACase
from partnerbot.bot.question.clean import clean_question
from partnerbot.bot.question.parsed import parse
from partnerbot.retrieval.search import SearchIndex

C = 1.0  # the fit's own setting: L2 strength of the logistic regressions
_ZERO = Linear(coef={})


def squash(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip().lower()


@dataclass(frozen=True)
class CaseRows:
    """The features of one question's candidates, with their labels."""

    qid: str
    releases: tuple[tuple[dict[str, float], bool], ...]
    sentences: tuple[tuple[dict[str, float], bool], ...]


def collect(case: QACase, view: SearchIndex) -> CaseRows:
    """Candidate releases and gold-release sentences of one question, with their labels."""
    lang = detect_lang(case.question)  # as the engine does, and parsed as it parses
    parsed = parse(clean_question(case.question), lang, view)
    q, terms, kind = parsed.query, parsed.terms, parsed.kind
    ranked = view.search(q, k=RANKED_K)
    gold = set(case.doc_ids)
    rels = tuple((dict(r.values), r.doc_id in gold)
                 for r in release_rows(ranked, terms, view, lang, RELEASES_SCORED))
    docs = list(dict.fromkeys(
        d for g in case.doc_ids for d in (g, view.translation_of(g)) if d and d in view.releases))
    passages = [(p, 0.0) for d in docs for p in view.passages_of(d)]
    ctx = SentenceContext.of(terms, kind, parsed.search_text, lang, q.expansion)
    wanted = [squash(m) for m in case.must_contain]
    sents = tuple((dict(ev.values), any(w in squash(ev.text) for w in wanted))
                  for ev in score_sentences(passages, view, ctx, q, _ZERO))
    return CaseRows(qid=case.qid, releases=rels, sentences=sents)


def _fit(rows: Sequence[tuple[dict[str, float], bool]], names: Sequence[str]) -> Linear:
    from sklearn.linear_model import LogisticRegression
    from sklearn.preprocessing import StandardScaler

    names = list(names)
    if not names or not rows:
        return Linear(coef={})
    x = np.array([[v.get(n, 0.0) for n in names] for v, _ in rows], dtype=np.float64)
    y = np.array([label for _, label in rows], dtype=np.int64)
    if y.min() == y.max():
        return Linear(coef={})
    scaler = StandardScaler().fit(x)
    scale = np.where(scaler.scale_ > 0, scaler.scale_, 1.0)
    model = LogisticRegression(C=C, max_iter=2000).fit((x - scaler.mean_) / scale, y)
    coef = model.coef_[0] / scale
    intercept = float(model.intercept_[0] - float(np.sum(coef * scaler.mean_)))
    return Linear(coef={n: round(float(c), 6) for n, c in zip(names, coef, strict=True)
                        if abs(c) > 1e-9}, intercept=round(intercept, 6))


def _fit_pairwise(groups: Sequence[Sequence[tuple[dict[str, float], bool]]],
                  names: Sequence[str]) -> Linear:
    """A ranker fitted on pairs (an answering sentence against a non-answering one of the same
    question: which sentence of these releases answers is the decision to make), then
    calibrated to a probability by a one-feature logistic regression on its score (Platt)."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.preprocessing import StandardScaler

    names = list(names)
    flat = [r for g in groups for r in g]
    if not names or not flat:
        return Linear(coef={})
    x_all = np.array([[v.get(n, 0.0) for n in names] for v, _ in flat], dtype=np.float64)
    scaler = StandardScaler().fit(x_all)
    scale = np.where(scaler.scale_ > 0, scaler.scale_, 1.0)
    diffs: list[np.ndarray] = []
    for group in groups:
        if not group:
            continue
        x = (np.array([[v.get(n, 0.0) for n in names] for v, _ in group]) - scaler.mean_) / scale
        y = np.array([label for _, label in group], dtype=bool)
        if y.all() or not y.any():
            continue
        d = (x[y][:, None, :] - x[~y][None, :, :]).reshape(-1, len(names))
        diffs.extend([d, -d])
    if not diffs:
        return Linear(coef={})
    d = np.vstack(diffs)
    labels = np.zeros(len(d))
    start = 0
    for block in diffs[::2]:  # each positive block is followed by its negative mirror
        labels[start:start + len(block)] = 1
        start += 2 * len(block)
    ranker = LogisticRegression(C=C, max_iter=2000, fit_intercept=False).fit(d, labels)
    w = ranker.coef_[0]
    score = ((x_all - scaler.mean_) / scale) @ w
    y_all = np.array([label for _, label in flat], dtype=np.int64)
    platt = LogisticRegression(C=C, max_iter=2000).fit(score[:, None], y_all)
    a, b = float(platt.coef_[0][0]), float(platt.intercept_[0])
    coef = a * w / scale
    intercept = b - float(np.sum(coef * scaler.mean_))
    return Linear(coef={n: round(float(c), 6) for n, c in zip(names, coef, strict=True)
                        if abs(c) > 1e-9}, intercept=round(intercept, 6))


def fit(cases: Sequence[CaseRows], release_features: Collection[str] = RELEASE_FEATURES,
        sentence_features: Collection[str] = SENTENCE_FEATURES,
        meta: dict[str, object] | None = None) -> Weights:
    """Both models fitted on `cases` over the named features (the others weigh nothing)."""
    rel = [r for c in cases for r in c.releases]
    sen = [s for c in cases for s in c.sentences]
    return Weights(release=_fit(rel, [n for n in RELEASE_FEATURES if n in release_features]),
                   sentence=_fit_pairwise([c.sentences for c in cases],
                                          [n for n in SENTENCE_FEATURES if n in sentence_features]),
                   meta={**(meta or {}), "release_rows": len(rel), "sentence_rows": len(sen),
                         "C": C})
