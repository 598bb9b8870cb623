"""Choose the sentences to quote: the ones that answer the question's kind, from the best
passages, verbatim.

A sentence's score mixes how well its passage was retrieved, how many of the question's
words and names (or their aliases in other scripts) it contains, and whether it can answer the
question's kind at all (a "when" question wants a date).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace

from partnerbot.bot.answer.slots import Span, asks_for_title, find_span
from partnerbot.bot.question.kind import MUST_FIT, Kind, fits
from partnerbot.bot.question.terms import QuestionTerms
from partnerbot.retrieval.search import Hit, NameForms, Passage, QueryVectors, SearchIndex

MAX_QUOTE_CHARS = 360
PASSAGES_CONSIDERED = 8
RELEASES_EXPANDED = 3
UNRETRIEVED_PRIOR = 0.9
LEAD_RATIO = 0.75
SECOND_RATIO = 0.8
ALTERNATIVE_RATIO = 0.93
# sentence score: what each part weighs (see score_sentences)
SEMANTIC_WEIGHT = 1.2
PRIOR_WEIGHT = 0.6
OVERLAP_WEIGHT = 0.6
COVERAGE_WEIGHT = 0.4
SPAN_BONUS = 0.8
FIT_BONUS = 0.2
SLOT_PENALTY = 0.9
SHORT_PENALTY = 0.4
REMARK_PENALTY = 0.35
# the release the retrievers rank first is most likely the one asked about: sentences are
# chosen inside it unless another release's sentence is clearly better
RELEASE_BONUS = (0.6, 0.25, 0.1)
SPAN_KINDS = frozenset({Kind.WHEN, Kind.AMOUNT, Kind.COUNT, Kind.DURATION, Kind.WHO,
                        Kind.WHERE})


@dataclass(frozen=True)
class Evidence:
    doc_id: str
    start: int
    end: int
    text: str
    score: float
    passage_rank: int
    fits_kind: bool
    name_coverage: float
    similarity: float = 0.0  # cosine to the question, by the sentence embedder
    span: tuple[int, int] | None = None  # the answering part of `text`, if the kind has one
    span_info: Span | None = None


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


def candidate_passages(hits: Sequence[Hit], passages_of: Callable[[str], Sequence[Passage]],
                       translations: Mapping[str, str] | None = None,
                       ) -> list[tuple[Passage, float, int]]:
    """(passage, prior, rank): the best retrieved passages, plus every passage of the best
    releases. Passages of one release look alike to the retrievers (they share its title and
    subject), so the sentence that answers may sit in a passage ranked below its siblings."""
    if not hits:
        return []
    top = hits[0].score or 1.0
    translations = translations or {}
    out: dict[str, tuple[Passage, float, int]] = {}
    for rank, hit in enumerate(hits[:PASSAGES_CONSIDERED]):
        out.setdefault(hit.passage.id, (hit.passage, hit.score / top, rank))
    best_docs: list[str] = []
    for hit in hits:
        if hit.passage.doc_id not in best_docs:
            best_docs.append(hit.passage.doc_id)
    expanded: list[tuple[str, float]] = []
    for doc_id in best_docs[:RELEASES_EXPANDED]:
        floor = min(h.score for h in hits if h.passage.doc_id == doc_id) / top
        expanded.append((doc_id, floor))
        partner = translations.get(doc_id)
        if partner:  # the other-language version may hold details this one leaves out
            expanded.append((partner, floor))
    for doc_id, floor in expanded:
        for p in passages_of(doc_id):
            out.setdefault(p.id, (p, UNRETRIEVED_PRIOR * floor, PASSAGES_CONSIDERED))
    return list(out.values())


_SPEECH = re.compile(
    r"[\"“”「」『』]\s*.{12,}\s*[\"“”「」『』]|[“「『]\s*[^”」』]{15,}$|\b(said|says|added|noted|commented|stated|remarked)\b|"
    r"(말했다|강조했다|덧붙였다|전했다|소감을|と述べ|と語っ|とコメント)", re.I)
_LIST = re.compile(r"[^,、·;]+[,、·;][^,、·;]+(?:[,、·;]|\band\b|\bor\b|및|와|과|や|と)[^,、·;]+|"
                   r"(?:[▲■●◆①②③④⑤]|\(\d\)).+(?:[▲■●◆①②③④⑤]|\(\d\))")
_CAPTION = re.compile(r"^\s*(\||\[?사진|\(사진|photo\b|写真|▲|△)", re.I)


def _is_remark(sentence: str) -> bool:
    """A quoted remark ("we are delighted…", said the chairman): rarely the fact asked for."""
    return bool(_SPEECH.search(sentence))


def score_sentences(hits: Sequence[Hit], view: SearchIndex, terms: QuestionTerms, kind: Kind,
                    query: QueryVectors | None = None, question: str = "") -> list[Evidence]:
    """Score every candidate sentence. The question's sentence similarities (by the index's
    sentence embedder, e5) rank sentences of a release in any language, where shared words
    are rare; they are spread over the candidates (e5's cosines crowd a narrow band), then
    mixed with retrieval rank, word and name overlap, and whether the sentence holds what the
    question asks for (a date, a sum, a person, a place)."""
    if not hits:
        return []
    releases = view.releases
    wanted = terms.tokens | terms.expansion_tokens
    translations = {d: p for d in releases for p in [view.translation_of(d)] if p}
    candidates = candidate_passages(hits, view.passages_of, translations)
    sims = (view.sentence_similarities([p for p, _, _ in candidates], query)
            if query is not None else {})
    low, high = min(sims.values(), default=0.0), max(sims.values(), default=0.0)
    spread = (high - low) if high - low > 1e-6 else 1.0
    # each release's own spread too: "which sentence of this release" is what e5 answers
    # best (its cosines also favour some languages over others, whatever the sentence says)
    by_release: dict[str, list[float]] = {}
    for passage, _, _ in candidates:
        by_release.setdefault(passage.doc_id, []).extend(
            sims.get((passage.id, j), low) for j in range(len(passage.sentences)))
    local = {d: (min(v), (max(v) - min(v)) or 1.0) for d, v in by_release.items()}
    idf = view.terms.idf
    token_set = view.terms.token_set
    q_weight = sum(idf(t) for t in terms.tokens) or 1.0
    release_rank: dict[str, int] = {}
    for hit in hits:
        release_rank.setdefault(hit.passage.doc_id, len(release_rank))
    for doc_id, partner in translations.items():  # a translation ranks with its original
        if doc_id in release_rank:
            release_rank[partner] = min(release_rank[doc_id], release_rank.get(partner, 99))
    hints = (*query.expansion, *question.split()) if query is not None else ()
    asks_title = kind is Kind.WHO and asks_for_title(question)
    asks_remark = bool(re.search(r"\b(say|said|says|remark|comment)|말했|발언|述べ|語っ|コメント",
                                 question, re.I))
    out: list[Evidence] = []
    seen: set[str] = set()
    for passage, prior, rank in candidates:
        release = releases[passage.doc_id]
        passage_coverage = _coverage(passage.text, terms)
        passage_overlap = sum(idf(t) for t in token_set(passage.text) & wanted) / q_weight
        for j, (s, e) in enumerate(passage.sentences):
            sentence = release.text[s:e]
            norm = " ".join(sentence.split())
            if norm in seen:
                continue
            seen.add(norm)
            toks = token_set(sentence)
            overlap = max(sum(idf(t) for t in toks & wanted) / q_weight, 0.5 * passage_overlap)
            coverage = max(_coverage(sentence, terms), 0.5 * passage_coverage)
            fit = fits(kind, sentence)
            span = find_span(kind, sentence, question, hints) if kind in SPAN_KINDS else None
            a, b = _trim(sentence, terms, (span.start, span.end) if span else None)
            text = sentence[a:b]
            if span is not None:
                span = replace(span, start=span.start - a, end=span.end - a)
                if not (0 <= span.start < span.end <= len(text)):
                    span = None
            sim = sims.get((passage.id, j), low)
            rank_of_release = release_rank.get(passage.doc_id, len(RELEASE_BONUS))
            r_low, r_spread = local[passage.doc_id]
            semantic = 0.5 * (sim - low) / spread + 0.5 * (sim - r_low) / r_spread
            score = (SEMANTIC_WEIGHT * semantic + PRIOR_WEIGHT * prior
                     + (RELEASE_BONUS[rank_of_release] if rank_of_release < len(RELEASE_BONUS)
                        else 0.0)
                     + OVERLAP_WEIGHT * min(overlap, 1.0) + COVERAGE_WEIGHT * coverage)
            if kind in SPAN_KINDS:
                if kind is Kind.WHO and not asks_title:
                    pass  # "which company founded it?": an organisation, as likely as a person
                elif span is not None and span.quality > 0:
                    score += SPAN_BONUS * (0.0, 0.5, 1.25)[span.quality]
                else:  # nothing of the kind, or only a duration for "how many companies"
                    score -= SLOT_PENALTY
            elif kind is Kind.LIST:  # "which fields": a sentence listing several things
                score += 2 * FIT_BONUS if _LIST.search(text) else 0.0
            elif kind is not Kind.OTHER:
                score += FIT_BONUS if fit else -SLOT_PENALTY
            if len(sentence) < 25 and not span:
                score -= SHORT_PENALTY
            if _CAPTION.search(sentence) or norm == " ".join(release.title.split()):
                score -= SHORT_PENALTY  # a photo caption, or the headline again: says little
            if not asks_remark and _is_remark(sentence):
                score -= REMARK_PENALTY
            out.append(Evidence(doc_id=passage.doc_id, start=s + a, end=s + b,
                                text=text, score=score, passage_rank=rank,
                                fits_kind=fit or span is not None, name_coverage=coverage,
                                similarity=sim,
                                span=(span.start, span.end) if span else None,
                                span_info=span))
    out.sort(key=lambda ev: -ev.score)
    return out


def select(evidence: Sequence[Evidence], kind: Kind, limit: int = 12) -> list[Evidence]:
    """The candidates for quoting, lead first. A question that asks for a date, a sum, a
    count, a person or a place wants a lead that holds one: the best such sentence leads when
    it is nearly as good as the overall best. Abstention then keeps those from releases naming
    the question's parties, and `quotes` picks what is shown."""
    if not evidence:
        return []
    best = evidence[0]
    if kind in SPAN_KINDS and best.span is None:
        spanned = next((ev for ev in evidence if ev.span is not None), None)
        if spanned is not None and spanned.score >= LEAD_RATIO * best.score:
            best = spanned
    if kind in MUST_FIT and not best.fits_kind:
        fitting = next((ev for ev in evidence if ev.fits_kind), None)
        if fitting is not None and fitting.score >= LEAD_RATIO * best.score:
            best = fitting
    return [best, *[ev for ev in evidence if ev is not best]][:limit]


def quotes(evidence: Sequence[Evidence], kind: Kind) -> list[Evidence]:
    """One quote, two at most: the second only when it adds to the answer (the rest of a
    list, nearly as relevant as the first). No chairman's remarks, no scenery."""
    if not evidence:
        return []
    lead = evidence[0]
    chosen = [lead]
    if kind is Kind.LIST:
        second = next((ev for ev in evidence[1:] if ev.score >= SECOND_RATIO * lead.score
                       and ev.doc_id == lead.doc_id), None)
    elif kind in SPAN_KINDS:  # a second answer nearly as likely (often another release's)
        second = next((ev for ev in evidence[1:] if ev.score >= ALTERNATIVE_RATIO * lead.score
                       and ev.span is not None), None)
    else:
        second = None
    if second is not None:
        chosen.append(second)
    return chosen
