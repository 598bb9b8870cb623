"""Which language a text is in, from the scripts it uses.

Two callers need different answers: a question (short, typed by a person) decides the
language of the reply; a release (long, possibly Han-only Japanese) is filed under a
language. Both count script shares, but weigh them differently.
"""

from __future__ import annotations

import re

from partnerbot.corpus.language.scripts import (
    ALL_KANA,
    HAN,
    HAN_UNIFIED,
    HANGUL,
    HANGUL_COMPAT_JAMO,
    HANGUL_SYLLABLES,
    KANA,
    LATIN,
)

SUPPORTED = ("en", "ko", "ja")

_Q_HANGUL = re.compile(f"[{HANGUL_SYLLABLES}{HANGUL_COMPAT_JAMO}]")
_Q_KANA = re.compile(f"[{KANA}]")
_Q_HAN = re.compile(f"[{HAN_UNIFIED}]")
_HANGUL = re.compile(f"[{HANGUL}]")
_KANA = re.compile(f"[{ALL_KANA}]")
_HAN = re.compile(f"[{HAN}]")
_LATIN = re.compile(f"[{LATIN}]")
# Shinjitai forms that differ from both simplified and traditional Chinese, plus common words.
_JA_CHARS = set("発薬売広関県図経済検駅団楽気転拠営労働沢読歳処変鉄営覧単戦")
_JA_WORDS = ("株式会社", "令和", "平成", "年度", "御中")
_LETTERS_PER_CJK_CHAR = 3  # an English word of ~5 letters carries about what 1.5 CJK chars do


def detect_lang(text: str, default: str = "en") -> str:
    """Language of a question: ko when Hangul dominates the letters, ja for kana (or Han
    without Hangul), else en (`default` when there are no letters at all)."""
    hangul = len(_Q_HANGUL.findall(text))
    kana = len(_Q_KANA.findall(text))
    han = len(_Q_HAN.findall(text))
    latin = len(_LATIN.findall(text))
    if hangul and hangul >= kana:
        return "ko"
    if kana or (han and han * 2 >= latin):
        return "ja"
    return "en" if latin else default


def infer_lang(text: str) -> str:
    """Language of a release: `ko`, `ja` or `en` by script share.

    Kana is decisive for Japanese (Korean text never uses it, Japanese text always does);
    Han characters count as Japanese only next to kana, or when Japanese-only forms appear.
    """
    hangul = len(_HANGUL.findall(text))
    kana = len(_KANA.findall(text))
    han = len(_HAN.findall(text))
    latin = len(_LATIN.findall(text)) / _LETTERS_PER_CJK_CHAR
    ja = kana + han if kana else 0
    if not kana and not hangul and han > latin and _japanese_markers(text):
        ja = han
    scores = {"ko": hangul, "ja": ja, "en": latin}
    best = max(scores, key=lambda k: scores[k])
    return best if scores[best] > 0 else "en"


def _japanese_markers(text: str) -> bool:
    return any(w in text for w in _JA_WORDS) or any(ch in _JA_CHARS for ch in text)
