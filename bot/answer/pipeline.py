"""The answer pipeline: (question, one index version) -> a cited, extractive `Answer`.

Every statement of a reply is a sentence quoted verbatim from a release; when the releases do
not cover the question, the reply says so and offers the closest releases instead. This module
holds no state: the engine picks the index version, this decides what to quote.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from partnerbot.bot.answer import abstain
from partnerbot.bot.answer.evidence import Evidence, quotes, score_sentences
from partnerbot.bot.answer.features import ReleaseRow, SentenceContext, release_rows
from partnerbot.bot.answer.slots import localise
from partnerbot.bot.answer.verbatim import in_file
from partnerbot.bot.answer.weights import Linear, Weights, default_weights, log_probability
from partnerbot.bot.messages import message
from partnerbot.bot.question.kind import Kind
from partnerbot.bot.question.parsed import ParsedQuestion
from partnerbot.bot.question.terms import QuestionTerms, forms_of
from partnerbot.bot.types import Answer, Citation, Quote
from partnerbot.corpus.language.scripts import SCRIPT_OF_LANG, script_of
from partnerbot.corpus.model import Release
from partnerbot.retrieval.search import QueryVectors, SearchIndex

log = logging.getLogger("partnerbot.engine")

RANKED_K = 60  # passages retrieved: the distinct releases among them are the candidates
RELEASES_SCORED = 10  # candidates the release reranker orders
RELEASES_READ = 3  # releases (with their translations) whose sentences are scored
SUGGESTIONS = 3
EXPLAINED = 2  # chosen and runner-up, in `--explain`


@dataclass(frozen=True)
class ScoredRelease:
    doc_id: str
    logit: float
    values: Mapping[str, float]


@dataclass(frozen=True)
class Reading:
    """Everything the reader decided about one question, for the answer and for `--explain`."""

    query: QueryVectors
    terms: QuestionTerms
    kind: Kind
    releases: tuple[ScoredRelease, ...]
    retrieved: tuple[str, ...]
    evidence: tuple[Evidence, ...]
    verdict: abstain.Verdict


def rank_releases(rows: Sequence[ReleaseRow], model: Linear) -> list[ScoredRelease]:
    """The candidates ordered by the fitted release reranker (ties keep the fused order)."""
    scored = [ScoredRelease(r.doc_id, model.logit(r.values), r.values) for r in rows]
    return sorted(scored, key=lambda r: -r.logit)


def read(parsed: ParsedQuestion, view: SearchIndex, weights: Weights | None = None) -> Reading:
    """Retrieve, rerank the releases, score the sentences of the best ones, and decide."""
    weights = weights or default_weights()
    q, terms, kind = parsed.query, parsed.terms, parsed.kind
    text, lang = parsed.search_text, parsed.lang
    ranked = view.search(q, k=RANKED_K)
    rows = release_rows(ranked, terms, view, lang, RELEASES_SCORED, weights.release.used)
    releases = rank_releases(rows, weights.release)
    retrieved = tuple(dict.fromkeys([r.doc_id for r in releases]
                                    + [h.passage.doc_id for h in ranked]))
    read_logp: dict[str, float] = {}
    for r in releases[:RELEASES_READ]:
        read_logp.setdefault(r.doc_id, log_probability(r.logit))
        partner = view.translation_of(r.doc_id)
        if partner:  # the other-language version may hold details this one leaves out
            own = next((x.logit for x in releases if x.doc_id == partner), r.logit)
            read_logp.setdefault(partner, log_probability(max(own, r.logit)))
    passages = [(p, logp) for doc_id, logp in read_logp.items() for p in view.passages_of(doc_id)]
    ctx = SentenceContext.of(terms, kind, text, lang, q.expansion)
    evidence = score_sentences(passages, view, ctx, q, weights.sentence)
    verdict = abstain.decide(terms, kind, evidence, view, list(parsed.pair))
    return Reading(query=q, terms=terms, kind=kind, releases=tuple(releases),
                   retrieved=retrieved, evidence=tuple(evidence), verdict=verdict)


def answer_question(parsed: ParsedQuestion, view: SearchIndex, log_questions: bool = True,
                    weights: Weights | None = None) -> Answer:
    """Quote the sentences that answer `parsed` from `view`, or abstain with suggestions."""
    weights = weights or default_weights()
    lang = parsed.lang
    reading = read(parsed, view, weights)
    verdict = reading.verdict
    why = explain(reading, weights, view)
    if verdict.abstain:
        # the reason quotes the question's words
        log.info("abstaining: %s", verdict.reason if log_questions
                 else "(reason withheld: log_questions is off)")
        return replace(abstention(view, reading.retrieved, lang), explanation=why)
    chosen = quotes(verdict.evidence, reading.kind)
    chosen = _prefer_question_language(view, chosen, lang, reading, weights)
    chosen = [in_file(ev, view.releases[ev.doc_id]) for ev in chosen]
    answer = replace(_compose(chosen, view.releases, reading.retrieved, lang), explanation=why)
    if answer.answer_span and chosen[0].span_info is not None \
            and chosen[0].span_info.kind in (Kind.WHO, Kind.WHERE):
        answer = replace(answer, answer_span=name_in_script(answer.answer_span, lang, view))
    return replace(answer, parties=parsed.parties)


def explain(reading: Reading, weights: Weights, view: SearchIndex) -> dict[str, Any]:
    """The chosen and runner-up releases and sentences, each feature's contribution to their
    scores, and the verdict."""
    lead = reading.verdict.evidence[:1] or reading.evidence[:1]
    others = [ev for ev in reading.evidence if not lead or ev is not lead[0]]
    sentences = [*lead, *others][:EXPLAINED]
    return {
        "kind": reading.kind.value,
        "names": [n for n, _ in reading.terms.names],
        "releases": [{"doc_id": r.doc_id, "title": view.releases[r.doc_id].title,
                      "logit": round(r.logit, 4), "intercept": weights.release.intercept,
                      "contributions": _top(weights.release.contributions(r.values))}
                     for r in reading.releases[:EXPLAINED]],
        "sentences": [{"doc_id": ev.doc_id, "text": ev.text, "score": round(ev.score, 4),
                       "release_logp": round(ev.release_logp, 4),
                       "logit": round(ev.sentence_logit, 4),
                       "intercept": weights.sentence.intercept,
                       "contributions": _top(weights.sentence.contributions(ev.values))}
                      for ev in sentences],
        "abstained": reading.verdict.abstain,
        "reason": reading.verdict.reason or "the chosen release names the question's parties",
    }


def _top(contributions: Mapping[str, float]) -> dict[str, float]:
    return {k: v for k, v in sorted(contributions.items(), key=lambda kv: -abs(kv[1])) if v}


def abstention(view: SearchIndex, retrieved: Sequence[str], lang: str) -> Answer:
    """"The releases don't answer that", with the closest releases as suggestions."""
    citations = tuple(citation(i + 1, view.releases[d])
                      for i, d in enumerate(retrieved[:SUGGESTIONS]))
    return Answer(kind="abstain", text=message("abstain", lang), lang=lang,
                  citations=citations, retrieved=tuple(retrieved),
                  sources_heading=message("closest", lang))


def _prefer_question_language(view: SearchIndex, chosen: list[Evidence], lang: str,
                              reading: Reading, weights: Weights) -> list[Evidence]:
    """When the best evidence is in another language but its release has a translation in
    the question's language, quote the aligned sentence of the translation first."""
    best = chosen[0]
    release = view.releases[best.doc_id]
    partner_id = view.translation_of(best.doc_id)
    if release.lang == lang or not partner_id or view.releases[partner_id].lang != lang:
        return chosen
    aligned = view.aligned_passages(best.doc_id, best.start, partner_id)
    if not aligned:
        return chosen
    ctx = SentenceContext.of(reading.terms, reading.kind, reading.query.text, lang,
                             reading.query.expansion)
    candidates = score_sentences([(p, best.release_logp) for p in aligned], view, ctx,
                                 reading.query, weights.sentence)
    if not candidates:
        return chosen
    # the question-language version leads; the original follows as the second quote
    return [candidates[0], best]


def name_in_script(name: str, lang: str, view: SearchIndex) -> str:
    """A name as the asker's script writes it, when the corpus itself gives that form:
    `다케다(Takeda)` for a Korean question about a release writing Takeda; else as written."""
    wanted = SCRIPT_OF_LANG.get(lang)
    if not wanted or script_of(name) == wanted:
        return name
    forms = [f for f in forms_of(name, view) if script_of(f) == wanted and f != name]
    return f"{forms[0]}({name})" if forms else name


def citation(n: int, release: Release) -> Citation:
    return Citation(n=n, doc_id=release.id, title=release.title, publisher=release.publisher,
                    date=release.date, url=release.url,
                    source=Path(release.source).name if release.source else release.id,
                    lang=release.lang)


def _compose(chosen: Sequence[Evidence], releases: Mapping[str, Release],
             retrieved: Sequence[str], lang: str) -> Answer:
    numbers: dict[str, int] = {}
    shown: list[Quote] = []
    for ev in chosen:
        n = numbers.setdefault(ev.doc_id, len(numbers) + 1)
        shown.append(Quote(n=n, text=ev.text, doc_id=ev.doc_id, start=ev.start, end=ev.end,
                           span=ev.span))
    # a quoted release's translation is listed too, so both versions are at hand
    for doc_id in list(numbers):
        partner = releases[doc_id].translation_of
        if partner and partner in releases and partner not in numbers:
            numbers[partner] = len(numbers) + 1
    citations = tuple(citation(n, releases[d]) for d, n in numbers.items())
    lead = chosen[0]
    span = None
    if lead.span is not None and lead.span_info is not None:
        span = localise(lead.span_info, lead.text[lead.span[0]:lead.span[1]], lang)
    return Answer(kind="answer", text=message("answer_lead", lang), lang=lang,
                  quotes=tuple(shown), citations=citations, retrieved=tuple(retrieved),
                  sources_heading=message("sources", lang), answer_span=span)
