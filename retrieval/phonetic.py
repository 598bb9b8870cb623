"""Phonetic keys that let a Korean or Japanese spelling of a foreign name meet its Latin one.

A Korean release writes `칼더 바이오 리전` for Calder Bio Region and `노르비아` for Norvia; a
Japanese one writes `ノルビア`. We romanise Hangul and kana, fold both sides into coarse sound classes
(g/k, d/t, b/p/f/v, l/r, j/z/ch, s/sh/ts) and compare with an edit-distance ratio. Crude, but
names are exactly where embeddings and BM25 fail across scripts.
"""

from __future__ import annotations

import re

from partnerbot.corpus.language.romanise import romanize_hangul, romanize_kana
from partnerbot.corpus.language.scripts import HANGUL_SYLLABLES, KANA

__all__ = ["SOUND_ALIKE", "fold", "key", "romanize_hangul", "romanize_kana", "similarity"]

# the phonetic-key similarity at which one name written in two scripts counts as one name
# (Kawasaki = 가와사키 = カワサキ): the lexicon's sound-alike forms and the pairing check
SOUND_ALIKE = 0.8

_HAS_HANGUL = re.compile(f"[{HANGUL_SYLLABLES}]")
_HAS_KANA = re.compile(f"[{KANA}]")
_HAS_LATIN = re.compile("[a-zA-Z]")

_RULES = [
    (r"ph", "p"), (r"th", "t"), (r"sh", "s"), (r"tsu", "su"), (r"ts", "s"), (r"ch", "j"),
    (r"ck", "k"), (r"c(?=[eiy])", "s"), (r"c", "k"), (r"q", "k"), (r"x", "ks"), (r"z", "j"),
    (r"[fvb]", "p"), (r"g", "k"), (r"d", "t"), (r"l", "r"), (r"ng", "n"), (r"eo", "o"),
    (r"eu", "u"), (r"ae", "e"), (r"ee", "i"), (r"oo", "u"), (r"ou", "u"), (r"(?<=[sj])y", ""),
    (r"y", "i"),
    (r"w", ""), (r"(?<=[kptjsrmn])h", ""), (r"(.)\1+", r"\1"),
]
_COMPILED = [(re.compile(a), b) for a, b in _RULES]


_SOFT_G = re.compile(r"g(?=[eiy])")


def fold(latin: str, english: bool = True) -> str:
    """Coarse sound classes of a Latin word (`english`: soft g before e/i, as in "Region")
    or of a romanisation (where g is always hard)."""
    key = re.sub(r"[^a-z]", "", latin.lower())
    if english:
        key = _SOFT_G.sub("j", key)
    for pattern, repl in _COMPILED:
        key = pattern.sub(repl, key)
    return key


def key(word: str) -> str:
    """Phonetic key of a word in any of our scripts ('' when it has none)."""
    if _HAS_HANGUL.search(word):
        return fold(romanize_hangul(word), english=False)
    if _HAS_KANA.search(word):
        return fold(romanize_kana(word), english=False)
    if _HAS_LATIN.search(word):
        return fold(word)
    return ""


def similarity(a: str, b: str) -> float:
    """1 - normalised edit distance."""
    if not a or not b:
        return 0.0
    if a == b:
        return 1.0
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i]
        for j, cb in enumerate(b, 1):
            cur.append(min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb)))
        prev = cur
    return 1.0 - prev[-1] / max(len(a), len(b))
