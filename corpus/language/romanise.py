"""Hangul and kana to Latin letters, as a foreign name spelt in them would sound.

Not a standard romanisation: it aims at the Latin spelling the name came from, so the vowel
Korean inserts after a foreign consonant is dropped (크 -> k) and small kana palatalise the
syllable before them (キャ -> kya).
"""

from __future__ import annotations

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
    """Hangul syllables to letters; ASCII letters and digits kept (lowered), the rest dropped."""
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
    """Hiragana or katakana to letters; a small ッ doubles the next consonant, ー is dropped."""
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
