"""What the reader knows about a candidate release and a candidate sentence, as named numbers.

Every signal the fitted models combine is computed here and nowhere else: retrieval scores
and ranks of a release (e5, USE, BM25, their fusion), how much of the question's words and
names it holds (directly or through a bridge across scripts: Sino-Korean readings of kanji,
romaji), whether it is in the question's language; and for a sentence, its e5 similarity,
its rank within its release, word overlap, and whether it holds what the question's kind
asks for (a date for "when", a number with its counter for "how many", a person with a title
for "who"). The weights live in `bot/data/reader_weights.json` (`bot/answer/weights.py`).
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache

from partnerbot.bot.answer.slots import Span, asks_for_title, find_span
from partnerbot.bot.question.kind import Kind, fits
from partnerbot.bot.question.terms import QuestionTerms
from partnerbot.corpus.language.scripts import script_of
from partnerbot.retrieval.search import Hit, SearchIndex

SPAN_KINDS = frozenset({Kind.WHEN, Kind.AMOUNT, Kind.COUNT, Kind.DURATION, Kind.WHO,
                        Kind.WHERE})

# feature groups, by name prefix: the ablation adds them one at a time
RELEASE_GROUPS: Mapping[str, tuple[str, ...]] = {
    "e5": ("e5_gap", "e5_rrank"),
    "use": ("use_gap", "use_rrank"),
    "bm25": ("bm25_rel", "bm25_rrank", "fused_rrank"),
    "lang": ("same_lang",),
    "coverage": ("name_cov", "word_cov", "exp_cov", "title_cov"),
    "hanja": ("hanja_cov",),
    "romaji": ("romaji_cov",),
}
RELEASE_FEATURES: tuple[str, ...] = tuple(n for g in RELEASE_GROUPS.values() for n in g)

_KIND_NAMES = tuple(k.value for k in sorted(SPAN_KINDS, key=lambda k: k.value))
SENTENCE_GROUPS: Mapping[str, tuple[str, ...]] = {
    "e5": ("sim_glob", "sim_loc", "sim_rrank"),
    "overlap": ("overlap", "p_overlap", "coverage", "p_coverage", "same_lang_s", "position"),
    "kind": (*(f"{k}_span" for k in _KIND_NAMES), *(f"{k}_span2" for k in _KIND_NAMES),
             *(f"{k}_fit" for k in (*_KIND_NAMES, "list")), "who_title_span", "span_coverage"),
}
SENTENCE_FEATURES: tuple[str, ...] = tuple(n for g in SENTENCE_GROUPS.values() for n in g)

Values = dict[str, float]


@dataclass(frozen=True)
class ReleaseRow:
    """A candidate release with its features (before a model scores it)."""

    doc_id: str
    values: Mapping[str, float]


def _rrank(rank: int) -> float:
    return 1.0 / (1.0 + rank)


def release_rows(ranked: Sequence[Hit], terms: QuestionTerms, view: SearchIndex, lang: str,
                 limit: int, wanted: Collection[str] = RELEASE_FEATURES) -> list[ReleaseRow]:
    """Features of the first `limit` distinct releases of the fused ranking. Scores are taken
    relative to the question's best candidate (e5's cosines crowd a narrow band whose place
    moves from question to question); ranks as 1/(1+rank)."""
    wanted = frozenset(wanted)
    best: dict[str, dict[str, float]] = {}
    for hit in ranked:
        row = best.setdefault(hit.passage.doc_id, {"fused": hit.score, "e5": -1.0, "use": -1.0,
                                                   "bm25": 0.0})
        dense = list(hit.dense.values())
        if dense:
            row["e5"] = max(row["e5"], dense[0])
            row["use"] = max(row["use"], dense[-1])
        row["bm25"] = max(row["bm25"], hit.lexical)
    docs = list(best)[:limit]
    if not docs:
        return []

    def ranks(key: str) -> dict[str, int]:
        order = sorted(docs, key=lambda d: -best[d][key])
        return {d: i for i, d in enumerate(order)}

    r_e5, r_use, r_bm25 = ranks("e5"), ranks("use"), ranks("bm25")
    top_e5 = max(best[d]["e5"] for d in docs)
    top_use = max(best[d]["use"] for d in docs)
    top_bm25 = max(best[d]["bm25"] for d in docs) or 1.0
    idf = view.terms.idf
    q_weight = sum(idf(t) for t in terms.tokens) or 1.0
    e_weight = sum(idf(t) for t in terms.expansion_tokens) or 1.0
    rows: list[ReleaseRow] = []
    for i, doc_id in enumerate(docs):
        release = view.releases[doc_id]
        b = best[doc_id]
        v: Values = {
            "e5_gap": b["e5"] - top_e5, "e5_rrank": _rrank(r_e5[doc_id]),
            "use_gap": b["use"] - top_use, "use_rrank": _rrank(r_use[doc_id]),
            "bm25_rel": b["bm25"] / top_bm25, "bm25_rrank": _rrank(r_bm25[doc_id]),
            "fused_rrank": _rrank(i), "same_lang": float(release.lang == lang),
        }
        if wanted & {"name_cov", "word_cov", "exp_cov", "title_cov"}:
            group = [d for d in (doc_id, view.translation_of(doc_id)) if d]
            texts = [view.releases[d].text for d in group]
            toks = frozenset().union(*(view.terms.token_set(t) for t in texts))
            v["name_cov"] = name_coverage(terms, texts, view)
            v["word_cov"] = sum(idf(t) for t in terms.tokens & toks) / q_weight
            v["exp_cov"] = sum(idf(t) for t in terms.expansion_tokens & toks) / e_weight
            v["title_cov"] = sum(idf(t) for t in terms.tokens
                                 & view.terms.token_set(release.title)) / q_weight
        if "hanja_cov" in wanted:
            v["hanja_cov"] = hanja_coverage(terms, lang, release.lang, release.text, view,
                                            q_weight)
        if "romaji_cov" in wanted:
            v["romaji_cov"] = romaji_coverage(terms, lang, release.lang, release.text)
        rows.append(ReleaseRow(doc_id=doc_id, values=v))
    return rows


def name_coverage(terms: QuestionTerms, texts: Sequence[str], view: SearchIndex) -> float:
    """Share of the question's names that one of `texts` mentions in some form."""
    if not terms.names:
        return 0.0
    return sum(any(terms.mentioned(n, t, view) for t in texts)
               for n, _ in terms.names) / len(terms.names)


def hanja_coverage(terms: QuestionTerms, q_lang: str, r_lang: str, text: str,
                   view: SearchIndex, q_weight: float) -> float:
    """A Korean question against a Japanese release read in Sino-Korean (締結 -> 체결), or a
    Japanese question read so against a Korean release: the IDF share of the question's
    words found across the bridge. 0 for other pairs."""
    from partnerbot.corpus.language.bridge_hanja import hangul_reading

    idf = view.terms.idf
    if q_lang == "ko" and r_lang == "ja":
        toks = _reading_tokens_of(text)
        return sum(idf(t) for t in terms.tokens & toks) / q_weight
    if q_lang == "ja" and r_lang == "ko":
        bridged = view.terms.token_set(hangul_reading(" ".join(sorted(terms.tokens))))
        have = view.terms.token_set(text)
        weight = sum(idf(t) for t in bridged) or 1.0
        return sum(idf(t) for t in bridged & have) / weight
    return 0.0


@lru_cache(maxsize=512)
def _reading_tokens_of(text: str) -> frozenset[str]:
    from partnerbot.corpus.language.bridge_hanja import hangul_reading
    from partnerbot.retrieval.search import tokenize

    return frozenset(tokenize(hangul_reading(text)))


_LATIN_WORD = re.compile(r"[a-z]{4,}")


@lru_cache(maxsize=512)
def _romaji_words(text: str) -> tuple[str, ...]:
    from partnerbot.corpus.language.bridge_romaji import romaji

    return tuple(sorted(set(_LATIN_WORD.findall(romaji(text).lower()))))


def romaji_coverage(terms: QuestionTerms, q_lang: str, r_lang: str, text: str) -> float:
    """A Latin-script name of the question (Kawasaki) that starts a word of the Japanese
    release read in romaji (kawasakishi), or a Japanese name of the question that, read in
    romaji, starts a word of an English release: matches counted up to three, as a share."""
    if q_lang != "ja" and r_lang == "ja":
        asked = {n.lower() for n, _ in terms.names if script_of(n) == "latin" and len(n) >= 4}
        words = _romaji_words(text)
    elif q_lang == "ja" and r_lang != "ja":
        asked = {w for n, _ in terms.names if script_of(n) != "latin"
                 for w in _romaji_words(n)}
        words = tuple(sorted(set(_LATIN_WORD.findall(text.lower()))))
    else:
        return 0.0
    if not asked:
        return 0.0
    hits = sum(any(w.startswith(a) or a.startswith(w) for w in words) for a in asked)
    return min(hits, 3) / min(len(asked), 3)


# ---- sentences --------------------------------------------------------------------------
_LIST = re.compile(r"[^,、·;]+[,、·;][^,、·;]+(?:[,、·;]|\band\b|\bor\b|및|와|과|や|と)[^,、·;]+|"
                   r"(?:[▲■●◆①②③④⑤]|\(\d\)).+(?:[▲■●◆①②③④⑤]|\(\d\))")


@dataclass(frozen=True)
class SentenceContext:
    """What every sentence of one question is scored against: parsed once."""

    terms: QuestionTerms
    kind: Kind
    question: str
    lang: str
    hints: tuple[str, ...]
    asks_title: bool

    @classmethod
    def of(cls, terms: QuestionTerms, kind: Kind, question: str, lang: str,
           expansion: Sequence[str]) -> SentenceContext:
        return cls(terms=terms, kind=kind, question=question, lang=lang,
                   hints=(*expansion, *question.split()),
                   asks_title=kind is Kind.WHO and asks_for_title(question))


def sentence_span(ctx: SentenceContext, sentence: str) -> Span | None:
    return (find_span(ctx.kind, sentence, ctx.question, ctx.hints)
            if ctx.kind in SPAN_KINDS else None)


def sentence_values(ctx: SentenceContext, sentence: str, span: Span | None, *, sim_glob: float,
                    sim_loc: float, sim_rank: int, overlap: float, p_overlap: float,
                    coverage: float, p_coverage: float, same_lang: bool, index: int) -> Values:
    """The features of one sentence (the similarity and overlap figures are computed by the
    caller over all candidates, since they are relative)."""
    v: Values = {"sim_glob": sim_glob, "sim_loc": sim_loc, "sim_rrank": _rrank(sim_rank),
                 "overlap": min(overlap, 1.0), "p_overlap": min(p_overlap, 1.0),
                 "coverage": coverage, "p_coverage": p_coverage,
                 "same_lang_s": float(same_lang), "position": _rrank(index)}
    kind = ctx.kind
    if kind in SPAN_KINDS:
        k = kind.value
        v[f"{k}_span"] = float(span is not None and span.quality > 0)
        v[f"{k}_span2"] = float(span is not None and span.quality > 1)
        v[f"{k}_fit"] = float(fits(kind, sentence))
        if kind is Kind.WHO and ctx.asks_title:
            v["who_title_span"] = float(span is not None and span.quality > 0)
        # the date (or figure, or person) of the pairing asked about sits beside its names
        v["span_coverage"] = coverage if span is not None else 0.0
    elif kind is Kind.LIST:
        v["list_fit"] = float(bool(_LIST.search(sentence)))
    return v

