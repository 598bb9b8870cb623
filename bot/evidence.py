"""Choose the sentences to quote: the ones that answer the question's kind, from the best
passages, verbatim.

A sentence's score mixes how well its passage was retrieved, how many of the question's
words and names (or their aliases in other scripts) it contains, and whether it can answer the
question's kind at all (a "when" question wants a date).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from bot.question_kind import Kind, fits
from corpus.model import Release
from retrieval.lexicon import Lexicon, mentions, names_in
from retrieval.passage import Passage
from retrieval.retriever import Hit
from retrieval.tokenize import tokenize

MAX_QUOTE_CHARS = 700
PASSAGES_CONSIDERED = 6
RELEASES_EXPANDED = 2
UNRETRIEVED_PRIOR = 0.9


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


@dataclass(frozen=True)
class QuestionTerms:
    """The question, tokenised once: its words, its names and each name's forms."""

    tokens: frozenset[str]
    expansion_tokens: frozenset[str]
    names: tuple[tuple[str, tuple[str, ...]], ...]  # (name, forms in any script)

    @classmethod
    def of(cls, question: str, expansion: Sequence[str], lexicon: Lexicon) -> QuestionTerms:
        exp: set[str] = set()
        for term in expansion:
            exp.update(tokenize(term))
        names = tuple((n, tuple(lexicon.forms_of(n))) for n in dict.fromkeys(names_in(question)))
        return cls(tokens=frozenset(tokenize(question)), expansion_tokens=frozenset(exp),
                   names=names)


def _trim(text: str, terms: QuestionTerms) -> tuple[int, int]:
    """Offsets of a window of a very long sentence around the question's words."""
    if len(text) <= MAX_QUOTE_CHARS:
        return 0, len(text)
    lowered = text.lower()
    best, best_pos = -1, 0
    for pos in range(0, len(text) - MAX_QUOTE_CHARS + 1, 50):
        window = lowered[pos:pos + MAX_QUOTE_CHARS]
        count = sum(window.count(t) for t in terms.tokens | terms.expansion_tokens if len(t) > 1)
        if count > best:
            best, best_pos = count, pos
    start = best_pos
    while start > 0 and not text[start - 1].isspace():
        start -= 1
    end = min(len(text), start + MAX_QUOTE_CHARS)
    while end < len(text) and not text[end - 1].isspace():
        end += 1
    return start, end


def candidate_passages(hits: Sequence[Hit], passages_of: Mapping[str, Sequence[Passage]],
                       ) -> list[tuple[Passage, float, int]]:
    """(passage, prior, rank): the best retrieved passages, plus every passage of the best
    releases. Passages of one release look alike to the retrievers (they share its title and
    subject), so the sentence that answers may sit in a passage ranked below its siblings."""
    if not hits:
        return []
    top = hits[0].score or 1.0
    out: dict[str, tuple[Passage, float, int]] = {}
    for rank, hit in enumerate(hits[:PASSAGES_CONSIDERED]):
        out.setdefault(hit.passage.id, (hit.passage, hit.score / top, rank))
    best_docs: list[str] = []
    for hit in hits:
        if hit.passage.doc_id not in best_docs:
            best_docs.append(hit.passage.doc_id)
    for doc_id in best_docs[:RELEASES_EXPANDED]:
        floor = min(h.score for h in hits if h.passage.doc_id == doc_id) / top
        for p in passages_of.get(doc_id, ()):
            out.setdefault(p.id, (p, UNRETRIEVED_PRIOR * floor, PASSAGES_CONSIDERED))
    return list(out.values())


def score_sentences(hits: Sequence[Hit], releases: Mapping[str, Release], terms: QuestionTerms,
                    kind: Kind, passages_of: Mapping[str, Sequence[Passage]] | None = None,
                    ) -> list[Evidence]:
    if not hits:
        return []
    wanted = terms.tokens | terms.expansion_tokens
    out: list[Evidence] = []
    seen: set[str] = set()
    for passage, prior, rank in candidate_passages(hits, passages_of or {}):
        release = releases[passage.doc_id]
        for s, e in passage.sentences:
            sentence = release.text[s:e]
            norm = " ".join(sentence.split())
            if norm in seen:
                continue
            seen.add(norm)
            toks = set(tokenize(sentence))
            overlap = len(toks & wanted) / max(1, len(terms.tokens)) if terms.tokens else 0.0
            names = [forms for _, forms in terms.names]
            coverage = (sum(mentions(sentence, f) for f in names) / len(names)) if names else 0.0
            fit = fits(kind, sentence)
            score = prior + 0.8 * min(overlap, 1.0) + 0.4 * coverage
            if kind is not Kind.OTHER:
                score += 0.5 if fit else -0.5
            if len(sentence) < 25 and not fit:
                score -= 0.3
            a, b = _trim(sentence, terms)
            out.append(Evidence(doc_id=passage.doc_id, start=s + a, end=s + b,
                                text=sentence[a:b], score=score, passage_rank=rank,
                                fits_kind=fit, name_coverage=coverage))
    out.sort(key=lambda ev: -ev.score)
    return out


def select(evidence: Sequence[Evidence], kind: Kind) -> list[Evidence]:
    """The best sentence, plus up to two (three for lists) nearly as good ones."""
    if not evidence:
        return []
    best = evidence[0]
    limit = 4 if kind is Kind.LIST else 3
    ratio = 0.7 if kind is Kind.LIST else 0.85
    chosen = [best]
    for ev in evidence[1:]:
        if len(chosen) >= limit:
            break
        if ev.score >= ratio * best.score and (ev.fits_kind or not best.fits_kind):
            chosen.append(ev)
    return chosen
