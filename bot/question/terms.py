"""What a question names: its words, and the parties it asks about, in any script.

Two kinds of names. Latin-script names (and Korean or Japanese words the corpus also spells
in Latin letters) have forms in every script the corpus gives. Korean and Japanese words that
read as names of bodies or places (they end like one: 재단, 研究所, 県; or are katakana or
long Hangul names) and that the corpus holds are names too; they are matched by their
character bigrams, so that a short form (`오송재단`) finds the long one it abbreviates
(`오송첨단의료산업진흥재단`).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache

from partnerbot.corpus.language.korean import (
    QUESTION_STEMS,
    QUESTION_WORDS,
    strip_particle,
)
from partnerbot.corpus.language.scripts import HAN_UNIFIED, HANGUL_SYLLABLES, KATAKANA, script_of
from partnerbot.corpus.language.words import word_list
from partnerbot.retrieval.search import NameForms, QueryVectors, SearchIndex

BIGRAM_COVER = 0.6  # share of a word's bigrams a text must hold to mention it

_KO_QUESTION_STEMS = (*QUESTION_STEMS, "알려")
_HANGUL_WORD = re.compile(f"[{HANGUL_SYLLABLES}]+")
_CJK_RUN = re.compile(f"[{HANGUL_SYLLABLES}]{{2,}}|[{KATAKANA}{HAN_UNIFIED}々]{{2,}}")
_PLACE_AFTER = re.compile(r"\b(?:in|at|from|near)\s+((?:[A-Z][\w\-]*\s?)+)")
_KO_MULTIWORD = re.compile(f"[{HANGUL_SYLLABLES}]{{2,}}(?: [{HANGUL_SYLLABLES}]{{2,}}){{1,3}}")
_KATAKANA_NAME = re.compile(f"[{KATAKANA}]{{3,}}")
_VERB_ENDING = re.compile(r"(다|다고|다는|하는|했는|되는|된|한|할|해|했어|했나|인가|는지|으면|면서|니다|어요|아요)$")
_HYPHENATED = re.compile(r"^([A-Z][A-Za-z]+)-([A-Z][A-Za-z]+)$")


@cache
def general_terms() -> frozenset[str]:
    """Words that look like names in a question but name no party (CEO, MOU, R&D): general
    vocabulary, kept as data (`corpus/language/data/general_terms.txt`)."""
    return word_list("general_terms.txt")


@cache
def org_words() -> frozenset[str]:
    """Words naming a kind of body (university, institute): `corpus/language/data/org_words.txt`."""
    return word_list("org_words.txt")


@cache
def body_suffixes() -> tuple[str, ...]:
    """Endings of Korean and Japanese names of bodies and places (재단, 研究所, 県)."""
    return tuple(sorted(word_list("body_suffixes.txt"), key=len, reverse=True))


def name_like(word: str) -> bool:
    """A Korean or Japanese word that reads as the name of a body or place: it ends like one
    (`극지연구소`, `大阪府`) or it is a katakana name (`マラガ`). Other words are as likely
    to be common nouns or verbs ("중요하다고"), which releases in other words need not use."""
    if _KATAKANA_NAME.fullmatch(word.replace("・", "")):
        return True
    if _HANGUL_WORD.fullmatch(word) and len(word) >= 5 and not _VERB_ENDING.search(word):
        return True  # 라온셀테라퓨틱스: a long word without a verb's ending reads as a name
    return _body_name(word)


def _body_name(word: str) -> bool:
    return any(word.endswith(s) and len(word) >= len(s) + (2 if len(s) == 1 else 1)
               for s in body_suffixes())


@dataclass(frozen=True)
class QuestionTerms:
    """The question, tokenised once: its words, its names and each name's forms."""

    tokens: frozenset[str]
    expansion_tokens: frozenset[str]
    names: tuple[tuple[str, tuple[str, ...]], ...]  # (name, forms in any script)
    # runs of names written together ("Narita Airport"): the question names one thing
    phrases: tuple[tuple[str, ...], ...] = ()
    # Korean/Japanese names matched by their bigrams (see the module docstring)
    fuzzy: frozenset[str] = frozenset()
    # words of places the question sets the scene with ("… the MOU in Osaka"): not parties,
    # so a release need not spell them
    places: frozenset[str] = frozenset()

    @classmethod
    def of(cls, question: str, query: QueryVectors, view: SearchIndex) -> QuestionTerms:
        exp: set[str] = set()
        for term in query.expansion:
            exp.update(view.terms.tokens(term))
        general = general_terms()
        runs = [[part for w in run for part in _split(w) if part.casefold() not in general]
                for run in NameForms.name_runs(question)]
        names: dict[str, tuple[str, ...]] = {}
        phrases: list[tuple[str, ...]] = []
        kinds = org_words()
        for run in runs:
            whole = _whole_name(run, view)
            if whole is not None:  # "Raon Cell Therapeutics" = 라온셀테라퓨틱스, as one name
                names.setdefault(whole[0], whole[1])
                phrases.append((whole[0],))
                continue
            telling = [n for n in run if n.casefold() not in kinds] or run
            for n in telling:  # "Kanagawa Prefecture": Kanagawa; "Prefecture" says only what kind
                forms = forms_of(n, view)
                if is_entity(n, forms):
                    names.setdefault(n, forms)
            phrases.append(tuple(w for w in run if w in names))
        fuzzy: set[str] = set()
        for word in _cjk_words(question):
            if word in names or word.casefold() in general or not name_like(word):
                continue
            forms = forms_of(word, view)
            if in_corpus(word, view):
                fuzzy.add(word)
            elif (not _HANGUL_WORD.fullmatch(word.replace(" ", "")) or not _body_name(word)
                  or len(view.names.forms_of(word)) > 1):
                # spelt in another script in the corpus (its forms decide), or a Japanese
                # spelling: katakana is matched by sound too uncertainly, and kanji not at all,
                # to call a name unknown when the corpus may write it in Latin or Hangul
                continue
            # else a Korean name of a body no release holds in any script: unknown
            names[word] = forms if word in fuzzy else (word,)
            phrases.append((word,))
        places = frozenset(w for m in _PLACE_AFTER.finditer(question) for w in m.group(1).split())
        return cls(tokens=frozenset(view.terms.tokens(content_words(question))),
                   expansion_tokens=frozenset(exp), names=tuple(names.items()),
                   phrases=tuple(p for p in dict.fromkeys(phrases) if p),
                   fuzzy=frozenset(fuzzy), places=places)

    def mentioned(self, name: str, text: str, view: SearchIndex) -> bool:
        """Does `text` name `name` in one of its forms (or, for a Korean or Japanese word,
        hold most of its bigrams)?"""
        forms = dict(self.names).get(name, (name,))
        if NameForms.mentions(text, forms):
            return True
        if name in self.fuzzy:
            grams = view.terms.tokens(name)
            have = view.terms.token_set(text)
            return bool(grams) and sum(g in have for g in grams) >= BIGRAM_COVER * len(grams)
        return False


def forms_of(name: str, view: SearchIndex) -> tuple[str, ...]:
    """Every form the corpus gives the name: the lexicon's (aliases, sound-alikes), one step
    further (발도리아 -> Valdoria -> バルドリア), those of the name without its kind of body
    (다솜대병원 -> 다솜대 -> Dasom) or of its parts (バルドリア・ヘルスクラスター), and those of
    the organisation the partnership registry resolved it to across releases and scripts
    (중소벤처기업부 = Ministry of SMEs and Startups, from a release and its translation);
    one service answers it for every layer (`retrieval/identity.py`)."""
    return view.identity.forms_of(name)


def _whole_name(run: Sequence[str], view: SearchIndex) -> tuple[str, tuple[str, ...]] | None:
    """A run of Latin words the corpus writes as one word in another script, or None."""
    if len(run) < 2 or not all(is_latin(w) for w in run):
        return None
    joined = "".join(run)
    phrase = " ".join(run)
    other = [f for f in view.names.forms_of(joined) if f != joined and not is_latin(f)]
    if not other:  # the registry matches names across scripts by sound, whole
        orgs = view.registry.find(phrase)
        other = [f for o in orgs[:2] for f in o.forms if not is_latin(f)] if orgs else []
    if not other:
        return None
    return phrase, (phrase, joined, *forms_of(other[0], view), *other[1:])


def _split(name: str) -> list[str]:
    """"Massachusetts-Lombardia" names two parties; "K-Bio" and "LINK-J" name one."""
    m = _HYPHENATED.match(name)
    return [m.group(1), m.group(2)] if m else [name]


def _cjk_words(question: str) -> list[str]:
    out: list[str] = []
    # a Korean name in several words ("보스턴 바이오 클러스터"): the words up to a kind of body
    for m in _KO_MULTIWORD.finditer(question):
        name = m.group(0)
        last = strip_particle(name.split()[-1])
        if _body_name(last) or last in body_suffixes():
            out.append(" ".join([*name.split()[:-1], last]))
    for m in _CJK_RUN.finditer(question):
        word = m.group(0)
        if _HANGUL_WORD.fullmatch(word):
            word = strip_particle(word)
            if word in QUESTION_WORDS or word.startswith(_KO_QUESTION_STEMS):
                continue
        word = word.strip("・ー")
        if len(word) >= 2:
            out.append(word)
    return out


def in_corpus(word: str, view: SearchIndex) -> bool:
    """Does the corpus hold most of the word's bigrams (so a release can be checked for it)?"""
    grams = view.terms.tokens(word)
    known = [g for g in grams if view.terms.has_token(g)]
    return bool(grams) and len(known) >= BIGRAM_COVER * len(grams)


def content_words(question: str) -> str:
    """The question without Korean particles, endings and question words, which would
    otherwise weigh as much as the names and nouns in word overlap ("누구인가요" is four
    bigrams that no answer contains)."""
    def clean(m: re.Match[str]) -> str:
        word = strip_particle(m.group(0))
        if word in QUESTION_WORDS or m.group(0).startswith(_KO_QUESTION_STEMS):
            return ""
        return word

    return _HANGUL_WORD.sub(clean, question)


def is_latin(text: str) -> bool:
    return script_of(text) == "latin"


def is_entity(name: str, forms: Sequence[str]) -> bool:
    """A Latin-script name, or a Korean/Japanese word the corpus spells in Latin script too
    (of three syllables or more in Hangul: a two-syllable word such as 도시 sounds like too
    many Latin words to be told from a common noun)."""
    if is_latin(name):
        return True
    if _HANGUL_WORD.fullmatch(name) and len(name) < 3:
        return False
    return any(is_latin(f) for f in forms)
