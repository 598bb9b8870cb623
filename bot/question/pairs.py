"""The pairing a Korean or Japanese question asks about: the words it joins with 'and'
("화이자와 LINK-J", "ファイザーとLINK-J"), read once into `ParsedQuestion.pair`.

The conjunction (와/과/랑/하고, と) says which words are the parties, whatever they are; the
answer layer then looks for each in the chosen release through every bridge across scripts
(`bot/answer/pairing.py`).
"""

from __future__ import annotations

import re

from partnerbot.bot.question.terms import _body_name, body_suffixes, general_terms
from partnerbot.corpus.language.korean import QUESTION_WORDS, strip_particle
from partnerbot.corpus.language.scripts import HAN_UNIFIED, HANGUL_SYLLABLES, KATAKANA

_WORD = f"[{HANGUL_SYLLABLES}{KATAKANA}{HAN_UNIFIED}A-Za-z0-9\\-·・ー&*]+"
# "A와 B는" / "AとBは": A is a party whether the question joins A and B or asks what was
# signed with A; B only when it carries a subject, topic or possessive particle (else it is
# the object: "가온진흥원이랑 의향서 언제 서명했어"), or when it begins a name of several words
# ending like the name of a body ("보스턴 바이오 클러스터")
_KO_PAIR = re.compile(f"({_WORD})(?:와|과|이랑|랑)\\s+(?:({_WORD}?)(?:는|은|이|가|의)(?=\\s|$)|"
                      f"({_WORD})((?:\\s+[{HANGUL_SYLLABLES}]+){{1,3}})|{_WORD})")
_JA_PAIR = re.compile(f"({_WORD}?)と(?:({_WORD}?)(?:は|が|の))?")
_HANGUL_WORD = re.compile(f"[{HANGUL_SYLLABLES}]+")
_KATAKANA_WORD = re.compile(f"[{KATAKANA}]{{2,}}")
_KANJI_WORD = re.compile(f"[{HAN_UNIFIED}]{{2,}}")
_VERB_ENDING = re.compile("(다|요|어|나|까|지|야|고|는데|니|할|한|된|하는)$")
MIN_HANGUL_NAME = 3  # a two-syllable Hangul word sounds like too many things to be told a name


def asked_parties(question: str, lang: str) -> list[str]:
    """The two words a Korean or Japanese question joins with 'and' (its parties), when they
    read as names; [] for other questions."""
    found: list[str] = []
    for pattern in ((_KO_PAIR,) if lang == "ko" else (_JA_PAIR,) if lang == "ja" else ()):
        for m in pattern.finditer(question):
            groups = list(m.groups())
            if len(groups) == 4:  # Korean: a name of several words counts only if it is one
                rest = (groups[3] or "").split()
                if not rest or not any(_body_name(strip_particle(w)) or strip_particle(w)
                                       in body_suffixes() for w in rest):
                    groups[2] = None
                groups = groups[:3]
            for group in groups:
                if not group:
                    continue
                for word in re.split("[·・]", group):  # 오송재단·생명연: two parties
                    word = strip_particle(word) if _HANGUL_WORD.fullmatch(word) else word
                    if _checkable(word):
                        found.append(word)
    return list(dict.fromkeys(found))


def _checkable(word: str) -> bool:
    """A party the bridges can look for: a Hangul name (not a question word or a verb), a
    katakana name, a kanji name. Latin names are checked with the question's other names;
    a word mixing scripts (日本バイオ協会) crosses each bridge differently, so it is not."""
    if not word or word.casefold() in general_terms() or word in QUESTION_WORDS:
        return False
    if _HANGUL_WORD.fullmatch(word):
        return len(word) >= MIN_HANGUL_NAME and not _VERB_ENDING.search(word)
    return bool(_KATAKANA_WORD.fullmatch(word) or _KANJI_WORD.fullmatch(word))
