"""Which language a question is in, by script: it decides the language of the reply."""

from __future__ import annotations

import re

_HANGUL = re.compile(r"[\uac00-\ud7a3\u3131-\u318e]")
_KANA = re.compile(r"[\u3040-\u30ff]")
_HAN = re.compile(r"[\u4e00-\u9fff]")
_LATIN = re.compile(r"[A-Za-z]")

SUPPORTED = ("en", "ko", "ja")


def detect_lang(text: str, default: str = "en") -> str:
    """ko when Hangul dominates the letters, ja for kana (or Han without Hangul), else en."""
    hangul = len(_HANGUL.findall(text))
    kana = len(_KANA.findall(text))
    han = len(_HAN.findall(text))
    latin = len(_LATIN.findall(text))
    if hangul and hangul >= kana:
        return "ko"
    if kana or (han and han * 2 >= latin):
        return "ja"
    return "en" if latin else default
