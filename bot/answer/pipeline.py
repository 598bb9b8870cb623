"""The answer pipeline: (question, one index version) -> a cited, extractive `Answer`.

Every statement of a reply is a sentence quoted verbatim from a release; when the releases do
not cover the question, the reply says so and offers the closest releases instead. This module
holds no state: the engine picks the index version, this decides what to quote.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from dataclasses import replace
from pathlib import Path

from partnerbot.bot.answer import abstain
from partnerbot.bot.answer.evidence import Evidence, quotes, score_sentences, select
from partnerbot.bot.answer.slots import localise
from partnerbot.bot.answer.verbatim import in_file
from partnerbot.bot.messages import message
from partnerbot.bot.question.kind import Kind
from partnerbot.bot.question.parsed import ParsedQuestion
from partnerbot.bot.question.terms import QuestionTerms, forms_of
from partnerbot.bot.types import Answer, Citation, Quote
from partnerbot.corpus.language.scripts import SCRIPT_OF_LANG, script_of
from partnerbot.corpus.model import Release
from partnerbot.retrieval.search import Hit, QueryVectors, SearchIndex

log = logging.getLogger("partnerbot.engine")

SEARCH_K = 12
RANKED_K = 60  # for the list of distinct releases (retrieved, closest releases)
SUGGESTIONS = 3


def answer_question(parsed: ParsedQuestion, view: SearchIndex,
                    log_questions: bool = True) -> Answer:
    """Quote the sentences that answer `parsed` from `view`, or abstain with suggestions."""
    q, terms, kind, lang, text = (parsed.query, parsed.terms, parsed.kind, parsed.lang,
                                  parsed.search_text)
    ranked = view.search(q, k=RANKED_K)
    hits = ranked[:SEARCH_K]
    retrieved = _distinct_releases(ranked)
    chosen = select(score_sentences(hits, view, terms, kind, q, text), kind)
    verdict = abstain.decide(terms, kind, chosen, view)
    if verdict.abstain:
        # the reason quotes the question's words
        log.info("abstaining: %s", verdict.reason if log_questions
                 else "(reason withheld: log_questions is off)")
        return abstention(view, retrieved, lang)
    chosen = quotes(verdict.evidence, kind)
    chosen = _prefer_question_language(view, chosen, hits, lang, terms, kind, q, text)
    chosen = [in_file(ev, view.releases[ev.doc_id]) for ev in chosen]
    answer = _compose(chosen, view.releases, retrieved, lang)
    if answer.answer_span and chosen[0].span_info is not None \
            and chosen[0].span_info.kind in (Kind.WHO, Kind.WHERE):
        answer = replace(answer, answer_span=name_in_script(answer.answer_span, lang, view))
    return replace(answer, parties=parsed.parties)


def abstention(view: SearchIndex, retrieved: Sequence[str], lang: str) -> Answer:
    """"The releases don't answer that", with the closest releases as suggestions."""
    citations = tuple(citation(i + 1, view.releases[d])
                      for i, d in enumerate(retrieved[:SUGGESTIONS]))
    return Answer(kind="abstain", text=message("abstain", lang), lang=lang,
                  citations=citations, retrieved=tuple(retrieved),
                  sources_heading=message("closest", lang))


def _prefer_question_language(view: SearchIndex, chosen: list[Evidence], hits: list[Hit],
                              lang: str, terms: QuestionTerms, kind: Kind,
                              query: QueryVectors, question: str) -> list[Evidence]:
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
    fake_hits = [Hit(passage=p, score=hits[0].score * (1 - 0.05 * i))
                 for i, p in enumerate(aligned)]
    # scoring expands to the partner's own translation link (the release we came from);
    # only sentences of the question-language version are wanted here
    candidates = [ev for ev in score_sentences(fake_hits, view, terms, kind, query, question)
                  if ev.doc_id == partner_id]
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


def _distinct_releases(hits: Sequence[Hit]) -> list[str]:
    out: list[str] = []
    for hit in hits:
        doc = hit.passage.doc_id
        if doc not in out:
            out.append(doc)
    return out


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
