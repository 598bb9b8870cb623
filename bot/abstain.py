"""Decide when the releases do not answer a question.

A similarity threshold alone separates near misses badly (both parties exist in the corpus,
their partnership does not), so we also check that what the question names is covered by the
evidence: every name of the question that the corpus knows must appear in a cited release
(or its translation), and a Latin-script name the corpus has never seen is a miss outright.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from bot.evidence import Evidence, QuestionTerms
from corpus.model import Release
from retrieval.lexicon import mentions
from retrieval.lexical import BM25Index
from retrieval.tokenize import tokenize

# Calibrated on unanswerable questions (see BENCHMARKS.md / `partnerbot eval`).
MIN_TOP_SCORE = 0.0


@dataclass(frozen=True)
class Verdict:
    abstain: bool
    reason: str


def _known(name: str, forms: Sequence[str], bm25: BM25Index) -> bool:
    """Does the corpus contain this name in any of its forms?"""
    for form in forms:
        toks = tokenize(form)
        if toks and all(bm25.has_token(t) for t in toks):
            return True
    return False


def _is_latin(name: str) -> bool:
    return any("a" <= ch.lower() <= "z" for ch in name) and not any(ord(ch) > 0x2000 for ch in name)


def decide(terms: QuestionTerms, chosen: Sequence[Evidence], releases: Mapping[str, Release],
           bm25: BM25Index) -> Verdict:
    if not chosen:
        return Verdict(True, "no evidence")
    cited = {ev.doc_id for ev in chosen}
    for doc_id in list(cited):
        partner = releases[doc_id].translation_of
        if partner and partner in releases:
            cited.add(partner)
    texts = [releases[d].text for d in cited]
    for name, forms in terms.names:
        latin = _is_latin(name)
        cross_script = [f for f in forms if _is_latin(f) != latin]
        if not latin and not cross_script and not _known(name, forms, bm25):
            continue  # a Korean/Japanese word we cannot tell from a common noun
        if not _known(name, forms, bm25):
            if latin:
                return Verdict(True, f"{name!r} is not in any release")
            continue
        if not latin and not cross_script:
            # a Korean word the corpus knows: only check it against same-script releases
            same = [t for t in texts if mentions(t, [name])]
            if same or not any(releases[d].lang in ("ko", "ja") for d in cited):
                continue
            return Verdict(True, f"{name!r} is not in the cited releases")
        if not any(mentions(t, forms) for t in texts):
            return Verdict(True, f"{name!r} is not in the cited releases")
    return Verdict(False, "")
