"""Unicode ranges of the scripts our releases and questions are written in, in one place.

Each constant is a character-class fragment (for use inside `[...]`), one Unicode block
each, so a module can say exactly which blocks it means: the tokenizer wants Hangul
syllables only, the encoding sniffer wants the KS X 1001 syllables, language detection wants
every Hangul block. The predicates below use the widest sets.
"""

from __future__ import annotations

import re
from functools import lru_cache

HANGUL_SYLLABLES = "\uac00-\ud7a3"
HANGUL_JAMO = "\u1100-\u11ff"
HANGUL_COMPAT_JAMO = "\u3130-\u318f"
HIRAGANA = "\u3040-\u309f"
KATAKANA = "\u30a0-\u30ff"
KATAKANA_EXT = "\u31f0-\u31ff"
HALFWIDTH_KATAKANA = "\uff66-\uff9f"
HAN_UNIFIED = "\u4e00-\u9fff"
HAN_EXT_A = "\u3400-\u4dbf"
HAN_COMPAT = "\uf900-\ufaff"
CJK_PUNCTUATION = "\u3000-\u303f"
FULLWIDTH_ASCII = "\uff01-\uff5e"
LATIN = "A-Za-z"

KANA = HIRAGANA + KATAKANA  # what Japanese text uses every day
HANGUL = HANGUL_SYLLABLES + HANGUL_JAMO + HANGUL_COMPAT_JAMO
ALL_KANA = KANA + KATAKANA_EXT + HALFWIDTH_KATAKANA
HAN = HAN_UNIFIED + HAN_EXT_A + HAN_COMPAT

_HANGUL_CH = re.compile(f"[{HANGUL}]")
_KANA_CH = re.compile(f"[{ALL_KANA}]")
_HAN_CH = re.compile(f"[{HAN}]")
_LATIN_CH = re.compile(f"[{LATIN}]")
_NAME_KO = re.compile(f"[{HANGUL_SYLLABLES}]")
_NAME_JA = re.compile(f"[{KATAKANA}{HAN_UNIFIED}]")


def is_hangul(ch: str) -> bool:
    """A Hangul syllable or jamo."""
    return _HANGUL_CH.fullmatch(ch) is not None


def is_kana(ch: str) -> bool:
    """Hiragana or katakana (half-width and phonetic extensions included)."""
    return _KANA_CH.fullmatch(ch) is not None


def is_han(ch: str) -> bool:
    """A Han character (kanji, hanja)."""
    return _HAN_CH.fullmatch(ch) is not None


def is_latin(ch: str) -> bool:
    """An ASCII letter: what our English text and the Latin spellings of names use."""
    return _LATIN_CH.fullmatch(ch) is not None


# the script each supported language writes its names in (what `script_of` returns)
SCRIPT_OF_LANG = {"en": "latin", "ko": "ko", "ja": "ja"}


@lru_cache(maxsize=65536)
def script_of(text: str) -> str:
    """The script a name is written in: `ko` (Hangul), `ja` (katakana or kanji), `latin`,
    or '' for none. Hiragana does not count: names are not written in it, particles are."""
    if _NAME_KO.search(text):
        return "ko"
    if _NAME_JA.search(text):
        return "ja"
    return "latin" if _LATIN_CH.search(text) else ""


def lang_of_script(text: str) -> str:
    """The language whose conventions a name or sentence is read in: `ko` for Hangul, `ja`
    for katakana or kanji, `en` for anything else (Latin letters, digits, nothing)."""
    found = script_of(text)
    return found if found in ("ko", "ja") else "en"
