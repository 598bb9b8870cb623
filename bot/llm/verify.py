"""Check a model's answer against the quotes it was given: accept it, or say why not.

A composed answer goes out only if everything it asserts can be traced to a quote: every
`[n]` is a quote it was shown, it cites at least one, every date and number is in the cited
quotes (in whatever format: `bot.compose_facts`), and every organisation or person it names
is in the quotes in one of the forms the corpus gives that name (`9월 18일` may restate
`September 18`, `가나가와현` may restate `Kanagawa Prefecture`). A quote that holds an
instruction ("ignore previous instructions ...") is data: an answer that carries it out, or
talks of instructions at all, is refused, as is a link no quote holds.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from partnerbot.bot.lang import detect_lang
from partnerbot.bot.llm.facts import facts_of, unsupported
from partnerbot.bot.question.terms import body_suffixes, general_terms
from partnerbot.bot.question.terms import forms_of as name_forms
from partnerbot.bot.types import Answer, Quote
from partnerbot.corpus.language.korean import strip_particle
from partnerbot.corpus.language.scripts import HAN_UNIFIED, HANGUL_SYLLABLES, KATAKANA
from partnerbot.retrieval.search import NameForms

if TYPE_CHECKING:
    from partnerbot.retrieval.search import SearchIndex

FormsOf = Callable[[str], Sequence[str]]  # the forms the corpus gives a name (any script)

_CITE = re.compile(r"[\[［]\s*(\d+(?:\s*[,，、]\s*\d+)*)\s*[\]］]")
_LINK = re.compile(r"https?://\S+|www\.\S+|\b[\w.+-]+@[\w-]+\.[\w.]+\b", re.I)
INSTRUCTION = re.compile(
    r"\b(?:ignore|disregard|forget|override)\b[^.!?\n]{0,40}\b(?:instructions?|prompts?|rules|"
    r"above|previous)\b|\bsystem prompt\b|\byou are now\b|\bas an ai\b|"
    r"(?:이전|위의?|앞의?|기존)\s*(?:지시|명령|지침)|(?:지시|명령|지침)(?:을|를|은|는)?\s*(?:무시|잊)|"
    r"(?:以前|上記|前)の(?:指示|命令)|(?:指示|命令)を(?:無視|忘れ)", re.I)
# capitalised words that name nothing: months, days, and words that open an English sentence
_COMMON = frozenset(
    "january february march april may june july august september october november december "
    "jan feb mar apr jun jul aug sep sept oct nov dec monday tuesday wednesday thursday friday "
    "saturday sunday according both yes no however under together there their these those "
    "following additionally besides neither none not one each all some".split())
_SENTENCE_START = re.compile(r"(?:^|[.!?。！？:\n]\s*|[\"'“‘(]\s*)$")
_CJK_WORD = re.compile(f"[{HANGUL_SYLLABLES}]{{2,}}|[{KATAKANA}{HAN_UNIFIED}々・ー]{{2,}}")
_HANGUL = re.compile(f"[{HANGUL_SYLLABLES}]+")


def cited(text: str) -> list[int]:
    """The numbers `text` cites, `[1]`, `[1, 2]` and `［1］` alike, in order."""
    return [int(n) for m in _CITE.finditer(text) for n in re.split(r"[,，、\s]+", m.group(1))
            if n]


def rejection(text: str, answer: Answer, view: SearchIndex) -> str | None:
    """Why `text` may not go out as the phrasing of `answer` (from its quotes), or None when
    it may. Names may also come from the title and publisher of a cited release: those are
    shown as its source under the reply."""
    quotes, lang = answer.quotes, answer.lang
    numbers = cited(text)
    shown = {q.n for q in quotes}
    if not numbers:
        return "no_citation"
    if any(n not in shown for n in numbers):
        return "unknown_citation"
    if INSTRUCTION.search(text) or _carries_instruction(text, quotes):
        return "injection"
    sources = [q for q in quotes if q.n in numbers]
    quoted = " ".join(q.text for q in sources)
    everything = " ".join(q.text for q in quotes)
    if any(link.group(0).rstrip(".,)") not in everything for link in _LINK.finditer(text)):
        return "link"
    if unsupported(facts_of(text), facts_of(quoted, as_written=True)):
        return "number"
    shown_sources = " ".join(f"{c.title} {c.publisher or ''}" for c in answer.citations
                             if c.n in numbers)
    if _unknown_names(_CITE.sub(" ", text), f"{quoted} {shown_sources}", view):
        return "name"
    if lang in ("en", "ko", "ja") and detect_lang(_LINK.sub(" ", text)) != lang:
        return "language"
    return None


def _carries_instruction(text: str, quotes: Sequence[Quote]) -> bool:
    """Does `text` repeat what an instruction inside a quote asks for? (four words in a row,
    or six characters of Korean or Japanese, from the instruction to the end of its sentence)"""
    said = _words(text)
    for q in quotes:
        for m in INSTRUCTION.finditer(q.text):
            tail = re.split(r"(?<=[.!?。！？])\s|\n", q.text[m.start():], maxsplit=1)[0]
            ask = _words(tail)
            if any(" ".join(ask[i:i + 4]) in " ".join(said) for i in range(len(ask) - 3)):
                return True
            cjk = "".join(_CJK_WORD.findall(tail))
            squashed = "".join(_CJK_WORD.findall(text))
            if any(cjk[i:i + 6] in squashed for i in range(len(cjk) - 5)):
                return True
    return False


def _words(text: str) -> list[str]:
    return re.findall(r"[a-z0-9]+", text.casefold())


def _supported(name: str, quoted: str, forms_of: FormsOf) -> bool:
    if NameForms.mentions(quoted, [name]):
        return True
    return NameForms.mentions(quoted, [f for f in forms_of(name) if f != name])


def _unknown_names(text: str, quoted: str, view: SearchIndex) -> list[str]:
    """The names in `text` that neither the quotes nor the forms the corpus gives them hold."""

    def forms_of(name: str) -> tuple[str, ...]:
        return name_forms(name, view)

    def known(word: str) -> bool:
        tokens = view.terms.tokens(word)
        return bool(tokens) and all(view.terms.has_token(t) for t in tokens)

    unknown: list[str] = []
    general = general_terms()
    for run in NameForms.name_runs(text):
        latin = [w for w in run if w.isascii()]
        if not latin:
            continue
        if len(latin) > 1 and _supported(" ".join(latin), quoted, forms_of):
            continue
        for word in latin:
            if (word.casefold() in general or word.casefold() in _COMMON
                    or _supported(word, quoted, forms_of)):
                continue
            at = text.find(word)
            if _SENTENCE_START.search(text[:max(at, 0)]) and known(word.casefold()):
                continue  # a word of the releases' prose that opens a sentence
            unknown.append(word)
    for m in _CJK_WORD.finditer(text):
        word = m.group(0).strip("・ー")
        if _HANGUL.fullmatch(word):
            word = strip_particle(word)
        if len(word) < 2 or word.casefold() in general or word in quoted:
            continue
        # a name: an organisation of the registry, or a word ending like a body (재단, 研究所,
        # 県); other words are as likely common nouns (이노베이션, 업무협약), never refused
        if not (_body_like(word) or view.registry.find(word)):
            continue
        if not _supported(word, quoted, forms_of):
            unknown.append(word)
    return unknown


def _body_like(word: str) -> bool:
    return any(word.endswith(s) and len(word) >= len(s) + 2 for s in body_suffixes())
