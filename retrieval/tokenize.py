"""A tokenizer for BM25 that works across English, Korean and Japanese.

Latin words are kept whole (lowercased, light plural folding); Hangul, kana and Han runs become
character bigrams, so a particle glued to a name (`라임파크와`) still shares the bigrams of the
name (`라임`, `임파`, `파크`) instead of being a token of its own. Measured as good as kiwipiepy
morphemes in fusion, at no load time or memory.
"""

from __future__ import annotations

import re
import threading
import unicodedata
from functools import lru_cache
from typing import Any

from partnerbot.corpus.language.scripts import (
    HAN_EXT_A,
    HAN_UNIFIED,
    HANGUL_SYLLABLES,
    KANA,
    KATAKANA_EXT,
)

_HANGUL = HANGUL_SYLLABLES
_KANA = KANA + KATAKANA_EXT
_HAN = HAN_UNIFIED + HAN_EXT_A
_TOKEN = re.compile(
    r"[a-z0-9]+(?:[.'’][a-z0-9]+)*"        # latin words, numbers like 2.5, it's
    f"|[{_HANGUL}]+|[{_KANA}]+|[{_HAN}]+"   # one run per script
)
_ACRONYM_PLURAL = re.compile(r"\b([A-Z]{2,})s\b")
_POSSESSIVE = re.compile(r"['’]s$")
_CJK = re.compile(f"[{_HANGUL}{_KANA}{_HAN}]")

STOPWORDS = frozenset("""
a an the and or of to in on at by for with from as is are was were be been being this that
these those it its which who whom what when where why how does did do has have had will
would can could should may might shall their there they them he she his her our we you
your i me my not no than then so such also into over under about after before between
through during up out
""".split())


@lru_cache(maxsize=1)
def _stemmer() -> Any:
    import Stemmer

    return Stemmer.Stemmer("english")


# PyStemmer: "the algorithm has internal state, so must not be called concurrently". The GIL
# alone does not guarantee that (a garbage collection inside stemWord can switch threads), and
# the lock costs nothing that matters: _fold's cache means each word is stemmed once.
_STEM_LOCK = threading.Lock()


@lru_cache(maxsize=65536)
def _fold(word: str) -> str:
    """Snowball stem of an English word ("agreed", "agree" -> "agre"); numbers as they are."""
    if not word[0].isalpha():
        return word
    with _STEM_LOCK:
        return str(_stemmer().stemWord(word))


def normalise_text(text: str) -> str:
    return unicodedata.normalize("NFKC", text).lower()


def tokenize(text: str) -> list[str]:
    """Tokens for BM25. Deterministic and stateless, so index and query agree."""
    out: list[str] = []
    text = _ACRONYM_PLURAL.sub(r"\1", text)  # "MOUs" is the plural of "MOU", not a word "mous"
    for m in _TOKEN.finditer(normalise_text(text)):
        tok = m.group(0)
        if _CJK.match(tok):
            if len(tok) == 1:
                out.append(tok)
            else:
                out.extend(tok[i:i + 2] for i in range(len(tok) - 1))
        else:
            tok = _POSSESSIVE.sub("", tok)
            if tok and tok not in STOPWORDS:
                out.append(_fold(tok))
    return out


@lru_cache(maxsize=200_000)
def token_set(text: str) -> frozenset[str]:
    """The tokens of a passage or sentence as a set, memoised: the same passages come back
    question after question, and tokenising them was a third of the engine's own time."""
    return frozenset(tokenize(text))


TOKENIZER_NAME = "latin-snowball+cjk-bigrams/v3"
