"""The pairing a question asks about ("화이자와 LINK-J", "ファイザーとLINK-J"): both parties must be
found in the release that answers, through some bridge across scripts.

The parties are read from the question once (`bot/question/pairs.py`, in the
`ParsedQuestion`); this module looks for them. A near miss names real parties whose
partnership no release reports; the best release then
names one of them, and its date or figure reads as an answer. The conjunction of a Korean or
Japanese question (와/과/랑/하고, と) says which words are the parties, whatever they are;
each is looked for in the release as the corpus writes it in every script (the lexicon's
forms, sound-alikes), by its Sino-Korean reading (神奈川 = 신나천 in a Korean question, and
the reverse), or in romaji against a Latin text (神奈川県 -> kanagawaken ~ Kanagawa).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from partnerbot.bot.question.terms import BIGRAM_COVER, QuestionTerms, forms_of
from partnerbot.corpus.language.scripts import HANGUL_SYLLABLES, KATAKANA, script_of
from partnerbot.retrieval.search import NameForms, SearchIndex

_HANGUL_WORD = re.compile(f"[{HANGUL_SYLLABLES}]+")
_LATIN_WORDS = re.compile(r"[a-z]{4,}")
_LATIN_RUN = re.compile(r"[A-Za-z]+")
_KATAKANA_WORD = re.compile(f"[{KATAKANA}]{{2,}}")


def found_in(party: str, doc_ids: Sequence[str], view: SearchIndex,
             terms: QuestionTerms) -> bool:
    """Is `party` in one of the releases `doc_ids` in some form, through some bridge?"""
    texts = [view.releases[d].text for d in doc_ids]
    forms = dict(terms.names).get(party) or forms_of(party, view)
    if any(NameForms.mentions(t, forms) for t in texts):
        return True
    grams = view.terms.tokens(party)
    script = script_of(party)
    for doc_id, text in zip(doc_ids, texts, strict=True):
        lang = view.releases[doc_id].lang
        have = view.terms.token_set(text)
        if _covers(grams, have):
            return True
        if script == "ko" and lang == "ja":
            from partnerbot.bot.answer.features import _reading_tokens_of

            if _covers(grams, _reading_tokens_of(text)):
                return True
        if script == "ja" and lang == "ko":
            from partnerbot.corpus.language.bridge_hanja import hangul_reading

            if _covers(view.terms.tokens(hangul_reading(party)), have):
                return True
        if script in ("ko", "ja") and lang not in ("ja", "ko") and _sounds_in(party, text):
            return True
        if _KATAKANA_WORD.fullmatch(party) and lang == "ko" and any(
                NameForms.sounds_alike(party, w, prefix=True)
                for w in set(_HANGUL_WORD.findall(text))):
            return True
        if script == "ja" and lang not in ("ja", "ko"):
            from partnerbot.bot.answer.features import _romaji_words

            words = set(_LATIN_WORDS.findall(text.lower()))
            if any(r.startswith(w) or w.startswith(r) for r in _romaji_words(party)
                   for w in words):
                return True
    return False


def _sounds_in(party: str, text: str) -> bool:
    """A Hangul or katakana spelling of a Latin name (포트엘리슨, ノースミア, ラオンセル) that
    sounds like a run of one to three Latin words of `text` (Port Ellison, Northmere, Raon
    Cell), by the phonetic keys the lexicon matches names with."""
    words = _LATIN_RUN.findall(text)
    return any(NameForms.sounds_alike(party, "".join(words[i:i + n]))
               for i in range(len(words)) for n in (1, 2, 3))


def sounds_in_release(name: str, doc_id: str, view: SearchIndex) -> bool:
    """A Latin name written in Hangul or katakana in a Korean or Japanese release (LINK-J =
    링크제이, Kawasaki = カワサキ), or read in romaji from its kanji (Kawasaki = 川崎)."""
    release = view.releases[doc_id]
    if release.lang == "ko":
        words = set(_HANGUL_WORD.findall(release.text))
    elif release.lang == "ja":
        from partnerbot.bot.answer.features import _romaji_words

        words = set(_KATAKANA_WORD.findall(release.text))
        low = name.lower()
        if len(low) >= 4 and any(r.startswith(low) for r in _romaji_words(release.text)):
            return True
    else:
        return False
    return any(NameForms.sounds_alike(w, name)
               or NameForms.sounds_alike(name, w, prefix=True)
               for w in words)


def _covers(grams: Sequence[str], have: frozenset[str]) -> bool:
    return bool(grams) and sum(g in have for g in grams) >= BIGRAM_COVER * len(grams)
