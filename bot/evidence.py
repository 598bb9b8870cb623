"""Choose the sentences to quote: the ones that answer the question's kind, from the best
passages, verbatim.

A sentence's score mixes how well its passage was retrieved, how many of the question's
words and names (or their aliases in other scripts) it contains, and whether it can answer the
question's kind at all (a "when" question wants a date).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from partnerbot.bot.question_kind import MUST_FIT, Kind, fits
from partnerbot.retrieval.lexicon import strip_particle
from partnerbot.retrieval.search import Hit, NameForms, Passage, QueryVectors, SearchIndex

MAX_QUOTE_CHARS = 700
PASSAGES_CONSIDERED = 8
RELEASES_EXPANDED = 3
UNRETRIEVED_PRIOR = 0.9
SEMANTIC_WEIGHT = 1.0
LEAD_RATIO = 0.75


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


@dataclass(frozen=True)
class QuestionTerms:
    """The question, tokenised once: its words, its names and each name's forms."""

    tokens: frozenset[str]
    expansion_tokens: frozenset[str]
    names: tuple[tuple[str, tuple[str, ...]], ...]  # (name, forms in any script)
    # runs of names written together ("Narita Airport"): the question names one thing
    phrases: tuple[tuple[str, ...], ...] = ()

    @classmethod
    def of(cls, question: str, query: QueryVectors, view: SearchIndex) -> QuestionTerms:
        exp: set[str] = set()
        for term in query.expansion:
            exp.update(view.terms.tokens(term))
        names = tuple((n, forms) for n in dict.fromkeys(NameForms.names_in(question))
                      for forms in [tuple(view.names.forms_of(n))] if is_entity(n, forms))
        entity = {n for n, _ in names}
        phrases: list[tuple[str, ...]] = []
        for run in NameForms.name_runs(question):
            kept = tuple(w for w in run if w in entity)
            if kept:
                phrases.append(kept)
        return cls(tokens=frozenset(view.terms.tokens(content_words(question))),
                   expansion_tokens=frozenset(exp),
                   names=names, phrases=tuple(phrases))


_KO_QUESTION_WORDS = frozenset(
    "누구 누가 무엇 뭐 무슨 언제 어디 어느 어떤 어떻게 얼마 얼마나 몇 왜 것 것은 무엇인가요 누구인가요 "
    "어디인가요 언제인가요 있나요 했나요 됐나요 되나요 인가요 입니까 있습니까 했습니까".split())
_KO_QUESTION_STEMS = ("무엇", "누구", "언제", "어디", "어떻", "얼마", "무슨", "어느")
_HANGUL_WORD = re.compile(r"[\uac00-\ud7a3]+")


def content_words(question: str) -> str:
    """The question without Korean particles, endings and question words, which would
    otherwise weigh as much as the names and nouns in word overlap ("누구인가요" is four
    bigrams that no answer contains)."""
    def clean(m: re.Match[str]) -> str:
        word = strip_particle(m.group(0))
        if word in _KO_QUESTION_WORDS or m.group(0).startswith(_KO_QUESTION_STEMS):
            return ""
        return word

    return _HANGUL_WORD.sub(clean, question)


def is_latin(text: str) -> bool:
    return any("a" <= ch.lower() <= "z" for ch in text) and not any(ord(ch) > 0x2000 for ch in text)


def is_entity(name: str, forms: Sequence[str]) -> bool:
    """A Latin-script name, or a Korean/Japanese word the corpus spells in Latin script too.
    Other Korean words can't be told apart from common nouns ("효력", "주제"), so they
    count only through word overlap."""
    return is_latin(name) or any(is_latin(f) for f in forms)


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


def score_sentences(hits: Sequence[Hit], view: SearchIndex, terms: QuestionTerms, kind: Kind,
                    query: QueryVectors | None = None) -> list[Evidence]:
    """Score every candidate sentence. The question's sentence similarities (by the index's
    cross-lingual sentence embedder) are what rank sentences of a release in another
    language, where shared words are rare."""
    if not hits:
        return []
    releases = view.releases
    wanted = terms.tokens | terms.expansion_tokens
    translations = {d: p for d in releases for p in [view.translation_of(d)] if p}
    candidates = candidate_passages(hits, view.passages_of, translations)
    sims = (view.sentence_similarities([p for p, _, _ in candidates], query)
            if query is not None else {})
    top_sim = max(sims.values(), default=0.0) or 1.0
    idf = view.terms.idf
    token_set = view.terms.token_set
    q_weight = sum(idf(t) for t in terms.tokens) or 1.0
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
            sim = sims.get((passage.id, j), 0.0)
            score = prior + SEMANTIC_WEIGHT * max(sim, 0.0) / top_sim + 0.8 * min(overlap, 1.0) \
                + 0.4 * coverage
            if kind is not Kind.OTHER:
                score += 0.5 if fit else -0.5
            if len(sentence) < 25 and not fit:
                score -= 0.3
            if norm == " ".join(release.title.split()):  # the headline again: says little
                score -= 0.3
            a, b = _trim(sentence, terms)
            out.append(Evidence(doc_id=passage.doc_id, start=s + a, end=s + b,
                                text=sentence[a:b], score=score, passage_rank=rank,
                                fits_kind=fit, name_coverage=coverage, similarity=sim))
    out.sort(key=lambda ev: -ev.score)
    return out


def select(evidence: Sequence[Evidence], kind: Kind) -> list[Evidence]:
    """The best sentence, plus up to two nearly as good ones (a lower bar for lists). For a "when"
    or "how many" question the lead must hold a date or a number: the best such sentence
    leads when it is nearly as good as the overall best."""
    if not evidence:
        return []
    best = evidence[0]
    if kind in MUST_FIT and not best.fits_kind:
        fitting = next((ev for ev in evidence if ev.fits_kind), None)
        if fitting is not None and fitting.score >= LEAD_RATIO * best.score:
            best = fitting
    limit = 3  # one to three sentences: evidence, not the whole release
    ratio = 0.7 if kind is Kind.LIST else 0.8
    chosen = [best]
    for ev in evidence:
        if len(chosen) >= limit:
            break
        if ev is not best and ev.score >= ratio * best.score \
                and (ev.fits_kind or not best.fits_kind):
            chosen.append(ev)
    return chosen
