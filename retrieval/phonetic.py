"""Phonetic keys that let a Korean or Japanese spelling of a foreign name meet its Latin one.

Korean releases write `메디센 파리 리전` for Medicen Paris Region and `다케다` for Takeda; a Japanese
one writes `タケダ`. We romanise Hangul and kana, fold both sides into coarse sound classes
(g/k, d/t, b/p/f/v, l/r, j/z/ch, s/sh/ts) and compare with an edit-distance ratio. Crude, but
names are exactly where embeddings and BM25 fail across scripts.
"""

from __future__ import annotations

import re

_INITIALS = ["g", "k", "n", "d", "t", "r", "m", "b", "p", "s", "s", "", "j", "j", "ch", "k", "t",
             "p", "h"]
_MEDIALS = ["a", "e", "ya", "ye", "o", "e", "yo", "ye", "o", "wa", "we", "we", "yo", "u", "wo",
            "we", "wi", "yu", "u", "ui", "i"]
_FINALS = ["", "k", "k", "k", "n", "n", "n", "t", "l", "k", "m", "l", "l", "l", "p", "l", "m",
           "p", "p", "t", "t", "ng", "t", "t", "k", "t", "p", "t"]
_EU = 18  # ㅡ, the vowel Korean inserts after a foreign consonant (크 = k, 스 = s)

_KANA = {
    "ア": "a", "イ": "i", "ウ": "u", "エ": "e", "オ": "o", "カ": "ka", "キ": "ki", "ク": "ku",
    "ケ": "ke", "コ": "ko", "サ": "sa", "シ": "shi", "ス": "su", "セ": "se", "ソ": "so",
    "タ": "ta", "チ": "chi", "ツ": "tsu", "テ": "te", "ト": "to", "ナ": "na", "ニ": "ni",
    "ヌ": "nu", "ネ": "ne", "ノ": "no", "ハ": "ha", "ヒ": "hi", "フ": "fu", "ヘ": "he",
    "ホ": "ho", "マ": "ma", "ミ": "mi", "ム": "mu", "メ": "me", "モ": "mo", "ヤ": "ya",
    "ユ": "yu", "ヨ": "yo", "ラ": "ra", "リ": "ri", "ル": "ru", "レ": "re", "ロ": "ro",
    "ワ": "wa", "ヲ": "o", "ン": "n", "ガ": "ga", "ギ": "gi", "グ": "gu", "ゲ": "ge", "ゴ": "go",
    "ザ": "za", "ジ": "ji", "ズ": "zu", "ゼ": "ze", "ゾ": "zo", "ダ": "da", "ヂ": "ji",
    "ヅ": "zu", "デ": "de", "ド": "do", "バ": "ba", "ビ": "bi", "ブ": "bu", "ベ": "be",
    "ボ": "bo", "パ": "pa", "ピ": "pi", "プ": "pu", "ペ": "pe", "ポ": "po", "ヴ": "vu",
    "ァ": "a", "ィ": "i", "ゥ": "u", "ェ": "e", "ォ": "o", "ャ": "ya", "ュ": "yu", "ョ": "yo",
}


def romanize_hangul(word: str) -> str:
    out: list[str] = []
    for ch in word:
        code = ord(ch) - 0xAC00
        if not 0 <= code < 11172:
            out.append(ch.lower() if ch.isascii() and ch.isalnum() else "")
            continue
        ini, med, fin = code // 588, (code % 588) // 28, code % 28
        if med == _EU and fin == 0 and ini != 11:
            out.append(_INITIALS[ini])  # epenthetic vowel: 크 -> k
            continue
        out.append(_INITIALS[ini] + _MEDIALS[med] + _FINALS[fin])
    return "".join(out)


def romanize_kana(word: str) -> str:
    out: list[str] = []
    double_next = False
    for ch in word:
        if "ぁ" <= ch <= "ゖ":  # hiragana to katakana
            ch = chr(ord(ch) + 0x60)
        if ch in ("ッ",):
            double_next = True
            continue
        if ch == "ー":
            continue
        roman = _KANA.get(ch, "")
        if roman and ch in "ャュョ" and out and out[-1].endswith("i"):
            out[-1] = out[-1][:-1]
        if double_next and roman:
            roman = roman[0] + roman
            double_next = False
        out.append(roman)
    return "".join(out)


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
    if re.search(r"[\uac00-\ud7a3]", word):
        return fold(romanize_hangul(word), english=False)
    if re.search(r"[\u3040-\u30ff]", word):
        return fold(romanize_kana(word), english=False)
    if re.search(r"[a-zA-Z]", word):
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
