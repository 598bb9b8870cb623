"""Decide when the releases do not answer a question.

A similarity threshold alone separates near misses badly (both parties exist in the corpus,
their partnership does not), so we also check that what the question names is covered by the
evidence: every name of the question that the corpus knows must appear in a cited release
(or its translation), and a Latin-script name the corpus has never seen is a miss outright.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from partnerbot.bot.answer.evidence import Evidence
from partnerbot.bot.answer.pairing import found_in, sounds_in_release
from partnerbot.bot.question.kind import MUST_FIT, Kind
from partnerbot.bot.question.terms import QuestionTerms, org_words
from partnerbot.corpus.language.scripts import SCRIPT_OF_LANG, script_of
from partnerbot.retrieval.search import SearchIndex, TermStats


@dataclass(frozen=True)
class Verdict:
    abstain: bool
    reason: str
    # the evidence to quote, lead first: only sentences of releases that name the question's
    # parties (a better-scored sentence from a release about someone else is not an answer)
    evidence: tuple[Evidence, ...] = ()


def decide(terms: QuestionTerms, kind: Kind, chosen: Sequence[Evidence],
           view: SearchIndex, parties: Sequence[str] = ()) -> Verdict:
    """Abstain, or keep the evidence of releases naming the question's parties. `parties`
    are the words a question joins with 'and' (`bot.question.pairs.asked_parties`, `ParsedQuestion.pair`): each must be found
    in the release through some bridge across scripts."""
    if not chosen:
        return Verdict(True, "no evidence")
    if not terms.tokens and not terms.names:  # "a", "🧬", "...": nothing the evidence could fit
        return Verdict(True, "nothing to search for in the question")
    stats = view.terms
    unknown = {name for name, forms in terms.names
               if name not in terms.fuzzy and not stats.known(forms)}
    kinds_of_body = org_words()
    for phrase in terms.phrases:
        # "Brackenfield University": the word that says which university is in no release
        if all(word in unknown for word in phrase) or any(
                word in unknown and word.casefold() not in kinds_of_body for word in phrase):
            return Verdict(True, f"{' '.join(phrase)!r} is not in any release")
    # The names must meet in one release (with its translation): two releases that each name
    # one party do not describe a partnership between them.
    missing_of: dict[str, str] = {}
    for doc_id in dict.fromkeys(ev.doc_id for ev in chosen):
        group = [d for d in (doc_id, view.translation_of(doc_id)) if d]
        missing_of[doc_id] = _first_missing(terms, unknown, view, group) or next(
            (p for p in parties if not found_in(p, group, view, terms)), "")
    kept = [ev for ev in chosen if not missing_of[ev.doc_id]]
    if not kept:
        return Verdict(True, f"{missing_of[chosen[0].doc_id]!r} is not in the cited releases")
    if kind in MUST_FIT:
        # a sentence without a date cannot answer "when": the best one that can leads
        fitting = [ev for ev in kept if ev.fits_kind]
        if not fitting:
            return Verdict(True, f"no sentence of the releases naming the parties holds a "
                                 f"{kind.value}")
        kept = [fitting[0], *[ev for ev in kept if ev is not fitting[0]]]
    lead = kept[0].span_info
    if kind in MUST_FIT and lead is not None and lead.quality == 0:
        # a founding year for "when was the MOU signed", yen for "how many euros", people
        # for "何件": the releases hold a number, not the one asked for
        return Verdict(True, f"the best sentence holds no {kind.value} of what was asked")
    if not terms.names and terms.tokens:
        unseen = [t for t in terms.tokens if not stats.has_token(t)]
        if len(unseen) * 3 >= len(terms.tokens) * 2 and not _translated_terms_seen(terms, stats):
            return Verdict(True, f"off topic: {', '.join(sorted(unseen))} are in no release")
    if kind is Kind.OTHER and len(terms.names) <= 1 \
            and not _says_what_was_asked(terms, kept[0], stats, view):
        # "the capital of France": a release naming France, about something else (a question
        # naming two parties asks about their pairing, which the check above has found)
        return Verdict(True, "the best sentence shares no word of the question but its names")
    return Verdict(False, "", tuple(kept))


def _says_what_was_asked(terms: QuestionTerms, lead: Evidence, stats: TermStats,
                         view: SearchIndex) -> bool:
    """Does the lead's release (or its translation) share a word of the question other than the
    parties' names, directly or through the glossary's translations?"""
    name_tokens = {t for name, forms in terms.names for f in (name, *forms)
                   for t in stats.tokens(f)}
    # words no release holds ("going") say nothing about which release answers
    asked = {t for t in (terms.tokens | terms.expansion_tokens) - name_tokens
             if stats.has_token(t)}
    if not asked:
        return True
    group = [d for d in (lead.doc_id, view.translation_of(lead.doc_id)) if d]
    return any(asked & stats.token_set(view.releases[d].text) for d in group)


def _first_missing(terms: QuestionTerms, unknown: set[str], view: SearchIndex,
                   doc_ids: Sequence[str]) -> str:
    """The first name phrase none of whose known words the releases `doc_ids` mention ('' if
    all are). A name the corpus spells only in scripts these releases are not written in
    (`Osaka` for a Japanese release writing 大阪) cannot be checked there, so it is not
    counted missing; but a release in which none of two or more parties can be checked is
    not shown to be about them at all."""
    texts = [view.releases[d].text for d in doc_ids]
    scripts = {SCRIPT_OF_LANG.get(view.releases[d].lang, "latin") for d in doc_ids}
    forms_of = dict(terms.names)
    kinds_of_body = org_words()
    checked = unchecked = 0
    for phrase in terms.phrases:
        if all(w in terms.places for w in phrase):
            continue
        known = [w for w in phrase if w not in unknown]
        if not known:
            continue
        # one thing named in several words ("LegoChem Biosciences"): any known word will do,
        # but not a word that only says what kind of body it is ("University")
        telling = [w for w in known if w.casefold() not in kinds_of_body] or known
        if any(terms.mentioned(w, t, view) for w in telling for t in texts):
            checked += 1
            continue
        if {script_of(f) for w in known for f in forms_of.get(w, (w,))} & scripts:
            return " ".join(phrase)
        if all(script_of(w) == "latin" for w in known) and view.registry.find(" ".join(known)):
            # an organisation the registry knows, in a Korean or Japanese release that gives
            # none of its forms: by its sound (LINK-J = 링크제이), or it is not there
            if any(sounds_in_release(w, d, view) for w in telling for d in doc_ids):
                checked += 1
                continue
            return " ".join(phrase)
        unchecked += 1
    if unchecked >= 2 and not checked:  # "X랑 Y 협약": neither party shown to be in it
        return " ".join(p for phrase in terms.phrases for p in phrase)
    return ""


def _translated_terms_seen(terms: QuestionTerms, stats: TermStats) -> bool:
    """Glossary translations of the question's words that the corpus has (a question in one
    language about releases in another shares few tokens with them)."""
    return sum(stats.has_token(t) for t in terms.expansion_tokens) >= 2
