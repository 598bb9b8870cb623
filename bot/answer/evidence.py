"""Choose the sentences to quote from the releases the reranker put first, verbatim.

A sentence's score is the log-probability that its release is the one asked about plus the
log-probability that it answers, both from the fitted models of `bot/answer/weights.py` over
the features of `bot/answer/features.py`: the sentence the question's kind asks for (a date,
a sum, a person) in the most likely release leads.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace

from partnerbot.bot.answer.features import (
    SPAN_KINDS,
    SentenceContext,
    sentence_span,
    sentence_values,
)
from partnerbot.bot.answer.slots import Span
from partnerbot.bot.answer.weights import Linear, log_probability
from partnerbot.bot.question.kind import Kind, fits
from partnerbot.bot.question.terms import QuestionTerms
from partnerbot.retrieval.search import NameForms, Passage, QueryVectors, SearchIndex

MAX_QUOTE_CHARS = 360  # a phone shows a few lines, not a paragraph


@dataclass(frozen=True)
class Evidence:
    doc_id: str
    start: int
    end: int
    text: str
    score: float  # log P(release) + log P(sentence answers)
    passage_rank: int
    fits_kind: bool
    name_coverage: float
    similarity: float = 0.0  # cosine to the question, by the sentence embedder
    span: tuple[int, int] | None = None  # the answering part of `text`, if the kind has one
    span_info: Span | None = None
    values: Mapping[str, float] = field(default_factory=dict)  # the sentence's features
    release_logp: float = 0.0
    sentence_logit: float = 0.0


def _is_break(ch: str) -> bool:
    return ch.isspace() or ch in "、，,。;；"


def _trim(text: str, terms: QuestionTerms,
          keep: tuple[int, int] | None = None) -> tuple[int, int]:
    """Offsets of a window of a very long sentence around the question's words, holding
    `keep` (the answering span) whole when there is one: a phone shows a few lines, not a
    paragraph."""
    if len(text) <= MAX_QUOTE_CHARS:
        return 0, len(text)
    lowered = text.lower()
    best, best_pos = -1, 0
    last = len(text) - MAX_QUOTE_CHARS
    for pos in [*range(0, last, 25), last]:
        if keep is not None and not (pos <= keep[0] and keep[1] <= pos + MAX_QUOTE_CHARS):
            continue
        window = lowered[pos:pos + MAX_QUOTE_CHARS]
        count = sum(window.count(t) for t in terms.tokens | terms.expansion_tokens if len(t) > 1)
        if count > best:
            best, best_pos = count, pos
    start = best_pos
    while start > 0 and not _is_break(text[start - 1]) and best_pos - start < 40:
        start -= 1
    end = min(len(text), start + MAX_QUOTE_CHARS)
    while end < len(text) and not _is_break(text[end - 1]) and end - start < MAX_QUOTE_CHARS + 40:
        end += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    while start < end and text[start].isspace():
        start += 1
    return start, end


def _coverage(text: str, terms: QuestionTerms) -> float:
    """Share of the question's names that `text` mentions in some form."""
    if not terms.names:
        return 0.0
    return sum(NameForms.mentions(text, forms) for _, forms in terms.names) / len(terms.names)


def score_sentences(passages: Sequence[tuple[Passage, float]], view: SearchIndex,
                    ctx: SentenceContext, query: QueryVectors, model: Linear) -> list[Evidence]:
    """Score every sentence of `passages` (each with its release's log-probability), best
    first. e5's cosines crowd a narrow band, so a sentence's similarity is taken relative to
    all candidates and to the other sentences of its release ("which sentence of this
    release" is what e5 answers best)."""
    if not passages:
        return []
    releases = view.releases
    terms = ctx.terms
    wanted = terms.tokens | terms.expansion_tokens
    sims = view.sentence_similarities([p for p, _ in passages], query)
    low, high = min(sims.values(), default=0.0), max(sims.values(), default=0.0)
    spread = (high - low) if high - low > 1e-6 else 1.0
    by_release: dict[str, list[float]] = {}
    for passage, _ in passages:
        by_release.setdefault(passage.doc_id, []).extend(
            sims.get((passage.id, j), low) for j in range(len(passage.sentences)))
    local = {d: (min(v), (max(v) - min(v)) or 1.0) for d, v in by_release.items()}
    order = {d: sorted(v, reverse=True) for d, v in by_release.items()}
    idf = view.terms.idf
    token_set = view.terms.token_set
    q_weight = sum(idf(t) for t in wanted) or 1.0
    out: list[Evidence] = []
    seen: set[str] = set()
    index_in_release: dict[str, int] = {}
    for passage, release_logp in passages:
        release = releases[passage.doc_id]
        passage_coverage = _coverage(passage.text, terms)
        passage_overlap = sum(idf(t) for t in token_set(passage.text) & wanted) / q_weight
        for j, (s, e) in enumerate(passage.sentences):
            sentence = release.text[s:e]
            position = index_in_release.get(passage.doc_id, 0)
            index_in_release[passage.doc_id] = position + 1
            norm = " ".join(sentence.split())
            if norm in seen:
                continue
            seen.add(norm)
            span = sentence_span(ctx, sentence)
            sim = sims.get((passage.id, j), low)
            r_low, r_spread = local[passage.doc_id]
            values = sentence_values(
                ctx, sentence, span, sim_glob=(sim - low) / spread,
                sim_loc=(sim - r_low) / r_spread, sim_rank=order[passage.doc_id].index(sim),
                overlap=sum(idf(t) for t in token_set(sentence) & wanted) / q_weight,
                p_overlap=passage_overlap, coverage=_coverage(sentence, terms),
                p_coverage=passage_coverage, same_lang=release.lang == ctx.lang,
                index=position)
            logit = model.logit(values)
            a, b = _trim(sentence, terms, (span.start, span.end) if span else None)
            text = sentence[a:b]
            if span is not None:
                span = replace(span, start=span.start - a, end=span.end - a)
                if not (0 <= span.start < span.end <= len(text)):
                    span = None
            fit = fits(ctx.kind, sentence)
            out.append(Evidence(doc_id=passage.doc_id, start=s + a, end=s + b, text=text,
                                score=release_logp + log_probability(logit),
                                passage_rank=position, fits_kind=fit or span is not None,
                                name_coverage=values["coverage"], similarity=sim,
                                span=(span.start, span.end) if span else None,
                                span_info=span, values=values, release_logp=release_logp,
                                sentence_logit=logit))
    out.sort(key=lambda ev: -ev.score)
    return out


def _likely(ev: Evidence) -> bool:
    return ev.sentence_logit >= 0 and ev.release_logp >= log_probability(0.0)


def quotes(evidence: Sequence[Evidence], kind: Kind) -> list[Evidence]:
    """One quote, two at most: the second only when it adds to the answer (the rest of a
    list from the same release, or another answer of the kind asked for) and it more likely
    answers than not."""
    if not evidence:
        return []
    lead = evidence[0]
    chosen = [lead]
    if kind is Kind.LIST:
        second = next((ev for ev in evidence[1:] if ev.doc_id == lead.doc_id and _likely(ev)),
                      None)
    elif kind in SPAN_KINDS:
        second = next((ev for ev in evidence[1:] if ev.span is not None and _likely(ev)
                       and ev.span_info != lead.span_info), None)
    else:
        second = None
    if second is not None:
        chosen.append(second)
    return chosen
