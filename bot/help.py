"""Help text with example questions drawn from the corpus, in the user's language.

The examples name organisations the releases talk about: a question about a person
("What will LEE cooperate on?") or a cell line reads oddly and is answered badly. Which names
are organisations is learnt from the corpus, never listed: a name counts as one when the
releases say so, through an alias whose words name a kind of body ("Shonan Health Innovation
Park (iPark)", "오송첨단의료산업진흥재단(KBIOHealth)"), a definition ("X is a general
incorporated association", "... Network Japan (...; hereinafter "X")"), or a name that ends in
such a word ("Medicen Paris Region (MPR)"). Only the kinds of bodies are vocabulary here.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from functools import cache
from typing import Protocol

from partnerbot.corpus.language.words import sections
from partnerbot.corpus.model import Release

_TEMPLATES = {
    "en": ["Who signed an MOU with {0}?", "When was the agreement with {1} concluded?",
           "What will {2} cooperate on?"],
    "ko": ["{0}{w} 협약한 기관은?", "{1}{w}의 협약은 언제 체결됐나요?", "{2}의 협력 내용은 무엇인가요?"],
    "ja": ["{0}と協定を結んだ機関は？", "{1}との協定はいつ締結されましたか？", "{2}の協力内容は何ですか？"],
}

# Kinds of bodies (general vocabulary): the last word of an English name, the end of a
# Korean or Japanese one.
_ORG_WORDS = frozenset("""
accelerator administration agency alliance association authority bank biosciences
bureau center centre city cluster co college commission company consortium corp corporation
council department federation foundation fund government group holdings hospital hub inc
incubator institute institution laboratories laboratory labs llc ltd ministry network office
organisation organization park pharma pharmaceutical pharmaceuticals plc prefecture province
region school society therapeutics university
""".split())
_ORG_ENDINGS = ("재단", "진흥원", "연구원", "연구소", "협회", "병원", "대학교", "대학", "센터",
                "클러스터", "제약", "바이오", "그룹", "공사", "공단", "기구", "위원회", "은행", "파크",
                "네트워크", "부", "처", "청", "현", "機構", "財団", "大学", "協会", "病院", "研究所",
                "センター", "株式会社", "製薬", "パーク", "クラスター", "ネットワーク", "銀行", "法人",
                "省", "庁", "県")
_ORG_WORD = "|".join(sorted((w.capitalize() for w in _ORG_WORDS), key=len, reverse=True))

# acronyms and brand-style names (LINK-J, MPR, KBIOHealth, iPark), not people (JiHyeon)
_NAME_LIKE = re.compile(r"(?<![A-Za-z0-9])(?:[A-Z]{2,}[A-Za-z0-9]*(?:-[A-Z0-9]+)?|"
                        r"[a-z]+[A-Z][A-Za-z0-9]+)(?![A-Za-z0-9])")
_GENERIC = {"MOU", "MOUS", "CEO", "CTO", "R&D", "ICT", "AI", "IPO", "PDF", "URL", "EU", "USA", "UK",
            "FAQ", "LTD", "INC", "CO", "II", "III"}
_HANGUL = re.compile(r"[가-힣]")
_JAPANESE = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")


class KnownNames(Protocol):
    """The names the index learnt from the corpus, each with its other forms."""

    @property
    def aliases(self) -> Mapping[str, Sequence[str]]: ...


@cache
def _courtesy_words() -> dict[str, tuple[str, ...]]:
    """Sections of `corpus/language/data/greetings.txt` (greeting, help, filler), longest
    words first."""
    return {k: tuple(sorted(v, key=len, reverse=True))
            for k, v in sections("greetings.txt").items()}


_PUNCT = re.compile(r"[\s!.,~…:;'\"()\-。、！？，：・～]+")
_WORD_CHAR = re.compile(r"[a-z0-9]")


def courtesy(text: str) -> str | None:
    """"greeting" for a message made only of greetings (and fillers: "hello world", "hi
    there", "안녕하세요 여러분"), "help" for one that only asks for help or is empty, None for
    anything with a word of its own: that is a question, however short."""
    rest = _PUNCT.sub(" ", text.casefold()).strip()
    if not rest or rest == "?":
        return "help"
    words = _courtesy_words()
    seen: set[str] = set()
    while rest:
        for kind in ("greeting", "help", "filler"):
            word = next((w for w in words.get(kind, ()) if rest.startswith(w) and not (
                _WORD_CHAR.match(w[-1]) and _WORD_CHAR.match(rest[len(w):len(w) + 1]))), None)
            if word is not None:
                seen.add(kind)
                rest = rest[len(word):].lstrip(" ?")
                break
        else:
            return None
    return "help" if "help" in seen else "greeting" if "greeting" in seen else None


def is_help_request(text: str) -> bool:
    """A greeting, a request for help, or nothing: answered with the help examples."""
    return courtesy(text) is not None


def _candidates(text: str) -> set[str]:
    found = {m.group(0) for m in _NAME_LIKE.finditer(text)}
    return {n for n in found if n.upper() not in _GENERIC and len(n) >= 3}


def _names_a_body(form: str) -> bool:
    if _HANGUL.search(form) or _JAPANESE.search(form):
        return form.replace(" ", "").endswith(_ORG_ENDINGS) and len(form.replace(" ", "")) >= 3
    words = [w.lower().strip(".,") for w in form.split()]
    # "Medicen Paris Region", "Ministry of SMEs and Startups", "University of California"
    return len(words) >= 2 and (words[-1] in _ORG_WORDS
                                or (words[0] in _ORG_WORDS and words[1] == "of"))


_IS_A = re.compile(rf"(?<![\w-])([A-Za-z][\w&*-]+)(?:,| is) (?:a|an|the) (?:[\w-]+ ){{0,4}}?"
                   rf"(?i:{_ORG_WORD})\b")
_HEREINAFTER = re.compile(r"(?:hereinafter|이하|以下)\W{0,3}([A-Za-z][\w&*-]+)", re.I)
_ORG_WORD_IN = re.compile(rf"\b(?:{_ORG_WORD})\b", re.I)


def _defined_as_bodies(texts: Sequence[str]) -> set[str]:
    """Names the releases define as bodies: "X is a general incorporated association",
    "Some Network Japan (location: ...; hereinafter "X")"."""
    found: set[str] = set()
    for text in texts:
        found.update(m.group(1) for m in _IS_A.finditer(text))
        for m in _HEREINAFTER.finditer(text):
            paren = text.rfind("(", max(0, m.start() - 200), m.start())
            if paren >= 0 and _ORG_WORD_IN.search(text, max(0, paren - 60), paren):
                found.add(m.group(1))
    return found


def _form_counts(forms: Iterable[str], texts: Sequence[str]) -> Counter[str]:
    """In how many releases each form occurs (Latin forms as whole words)."""
    counts: Counter[str] = Counter()
    for form in forms:
        if _HANGUL.search(form) or _JAPANESE.search(form):
            counts[form] = sum(form in t for t in texts)
        else:
            pat = re.compile(rf"(?<![\w-]){re.escape(form)}(?![\w-])")
            counts[form] = sum(bool(pat.search(t)) for t in texts)
    return counts


def example_names(releases: Iterable[Release], lang: str, names: KnownNames | None = None,
                  k: int = 3, scan: int = 60) -> list[str]:
    """The organisations the releases talk about most, by the number of releases naming them,
    each spelt as the corpus spells it most in the help's language (Hangul in a Korean help,
    kana or kanji in a Japanese one, when the corpus gives that spelling)."""
    texts = [r.title + "\n" + r.text for r in releases]
    doc_freq: Counter[str] = Counter()
    for text in texts:
        doc_freq.update(_candidates(text))
    aliases = names.aliases if names is not None else {}
    defined = _defined_as_bodies(texts)
    groups: list[list[str]] = []
    taken: set[str] = set()
    # ties broken by name, not by the order a set happened to yield them
    for name, _ in sorted(doc_freq.items(), key=lambda kv: (-kv[1], kv[0]))[:scan]:
        if name in taken:
            continue
        group = _forms(name, aliases)
        taken.update(group)
        if any(_names_a_body(f) for f in group) or name in defined:
            groups.append(group)

    def releases_naming(group: list[str]) -> int:  # the organisation, in any of its forms
        return sum(any(f in text for f in group) for text in texts)

    picked = sorted(groups, key=releases_naming, reverse=True)[:k]  # stable: ties keep order
    return [_spelling(group, lang, texts) for group in picked]


def _forms(name: str, aliases: Mapping[str, Sequence[str]]) -> list[str]:
    """The name, its aliases and theirs: an acronym, the phrase it stands for, and that
    phrase's spelling in another script (HBI, Hanbit Bio Institute, 한빛바이오연구원)."""
    near = {name, *aliases.get(name, ())}
    return sorted(near.union(*(aliases.get(a, ()) for a in near)))


def _spelling(group: list[str], lang: str, texts: Sequence[str]) -> str:
    counts = _form_counts(group, texts)
    script = {"ko": _HANGUL, "ja": _JAPANESE}.get(lang)
    native = [f for f in group if script is not None and script.search(f) and counts[f]]
    latin = [f for f in group if not (_HANGUL.search(f) or _JAPANESE.search(f)) and counts[f]]
    pool = native or latin or group
    return max(pool, key=lambda f: (counts[f], -len(f)))


def _with_particle(name: str) -> str:
    """와 after a vowel, 과 after a final consonant (Latin names are read as ending in a
    vowel, which is the common reading of acronyms)."""
    last = name[-1]
    if "가" <= last <= "힣" and (ord(last) - 0xAC00) % 28:
        return "과"
    return "와"


def examples(releases: Iterable[Release], lang: str, names: KnownNames | None = None) -> list[str]:
    found = example_names(list(releases), lang, names)
    if not found:
        return []
    while len(found) < 3:
        found.append(found[-1])
    templates = _TEMPLATES.get(lang, _TEMPLATES["en"])
    out = [templates[0].format(*found, w=_with_particle(found[0])),
           templates[1].format(*found, w=_with_particle(found[1])),
           templates[2].format(*found)]
    return list(dict.fromkeys(out))
