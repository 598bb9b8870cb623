"""Names learnt from the corpus, so a question in one language can find a release in another.

Two sources:
- aliases written in the releases themselves: `노르비아(Norvia)`, `라임 밸리 사이언스 파크(LVSP)`,
  `Calder Bio Region (CBR)`, `(hereinafter "CBR")`, `(이하 라임파크)`;
- a vocabulary of names (capitalised Latin words, Hangul words, katakana runs) with phonetic
  keys, so `노르비아` meets `Norvia` even where no release pairs them.

`expand()` gives extra search terms for a question; `mentions()` tells whether a text covers a
name of the question, which is how the engine notices a question about a partnership that no
release describes.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from partnerbot.corpus.language.korean import name_variants, strip_particle
from partnerbot.corpus.language.scripts import HANGUL_SYLLABLES, KATAKANA, script_of
from partnerbot.corpus.model import Release
from partnerbot.retrieval.glossary import translate_terms
from partnerbot.retrieval.phonetic import SOUND_ALIKE, similarity
from partnerbot.retrieval.phonetic import key as phonetic_key

# strip_particle lives in corpus.language.korean; the answer layer still imports it from here.
__all__ = ["Lexicon", "mentions", "name_runs", "names_in", "strip_particle"]

_PAREN = re.compile(r"([^()\n]{1,80}?)\s*[(（]\s*(?:이하\s*|hereinafter\s*)?[\"'“‘]?([^()\n]{1,60}?)[\"'”’]?\s*[)）]")
_LATIN_NAME = re.compile(
    r"(?<![A-Za-z0-9])(?:[A-Z][A-Za-z0-9]*(?:[-&*][A-Za-z0-9]+)*|[a-z]+[A-Z][A-Za-z0-9]*)(?![A-Za-z0-9])")
_HANGUL_WORD = re.compile(f"[{HANGUL_SYLLABLES}]{{2,}}")
_KANA_WORD = re.compile(f"[{KATAKANA}]{{2,}}")
_NAME_WORD = re.compile(f"{_LATIN_NAME.pattern}|[{HANGUL_SYLLABLES}]{{2,}}|[{KATAKANA}]{{2,}}")
_LATIN_STOP = {"The", "This", "That", "These", "It", "In", "On", "At", "For", "With", "By",
               "From", "And", "Of", "To", "As", "A", "An", "Its", "Our", "We", "He", "She",
               "They", "Through", "Since", "After", "Before", "During", "Furthermore",
               "Moving", "Going", "Based", "Below", "So", "Also", "When", "What", "Who", "How",
               "Which", "Where", "Why", "Did", "Does", "Do", "Is", "Are", "Was", "Were", "Has",
               "Have", "Can", "Will", "MOU", "MOUs",
               "News", "Menu", "Contact", "Website", "About", "I", "II", "III", "Mr", "Ms", "Dr"}


def _tail_words(text: str, script: str, n: int) -> str:
    """The last n words of `text` that are in `script` (the name before a parenthesis)."""
    words = text.strip().split()
    picked: list[str] = []
    for w in reversed(words):
        w_clean = w.strip("\"'“”‘’*,:;·•-")
        if not w_clean or script_of(w_clean) != script:
            break
        picked.append(w_clean)
        if len(picked) >= n:
            break
    return " ".join(reversed(picked))


def names_in(text: str) -> list[str]:
    """Candidate names in a question: Latin capitalised words/acronyms, Hangul words without
    particles, katakana runs."""
    found: list[str] = []
    for m in _LATIN_NAME.finditer(text):
        w = m.group(0)
        if w not in _LATIN_STOP and len(w) >= 2:
            found.append(w)
    for m in _HANGUL_WORD.finditer(text):
        found.append(strip_particle(m.group(0)))
    found.extend(m.group(0) for m in _KANA_WORD.finditer(text))
    return found


def _onset(key: str) -> str:
    """First sound class of a key; a vowel, j or y onset are one class (야넥 ~ Janek)."""
    return "v" if key[0] in "aeiouyj" else key[0]


def name_runs(text: str) -> list[list[str]]:
    """Names written next to each other form one run ("Calder Airport", "Norvia Biosciences");
    any other name is a run of its own."""
    runs: list[list[str]] = []
    last_end = -10
    for m in _NAME_WORD.finditer(text):
        word = m.group(0)
        if script_of(word) == "ko":
            word = strip_particle(word)
        elif script_of(word) == "latin" and (word in _LATIN_STOP or len(word) < 2):
            last_end = -10
            continue
        gap = text[last_end:m.start()] if last_end >= 0 else "x"
        if runs and gap.strip() in ("", "'s", "’s") and script_of(word) == "latin" \
                and script_of(runs[-1][-1]) == "latin":
            runs[-1].append(word)
        else:
            runs.append([word])
        last_end = m.end()
    return runs


@dataclass
class Lexicon:
    aliases: dict[str, list[str]] = field(default_factory=dict)
    # phonetic key -> surface forms seen in the corpus, per script
    latin_keys: dict[str, list[str]] = field(default_factory=dict)
    cjk_keys: dict[str, list[str]] = field(default_factory=dict)
    _by_len: dict[str, dict[int, list[str]]] = field(default_factory=dict, repr=False)
    _forms: dict[str, list[str]] = field(default_factory=dict, repr=False)
    _alikes: dict[tuple[str, float], list[str]] = field(default_factory=dict, repr=False)

    # ---- building -------------------------------------------------------------------
    @classmethod
    def build(cls, releases: Iterable[Release]) -> Lexicon:
        aliases: dict[str, set[str]] = defaultdict(set)
        latin: dict[str, set[str]] = defaultdict(set)
        cjk: dict[str, set[str]] = defaultdict(set)
        for release in releases:
            text = release.text
            for m in _PAREN.finditer(text):
                _learn_alias(aliases, m.group(1), m.group(2).strip())
            for word in names_in(text):
                k = phonetic_key(word)
                if len(k) < 3:
                    continue
                if script_of(word) == "latin":
                    latin[k].add(word)
                else:
                    for v in name_variants(word):
                        kv = phonetic_key(v)
                        if len(kv) >= 3:
                            cjk[kv].add(v)
        return cls(aliases={k: sorted(v) for k, v in aliases.items()},
                   latin_keys={k: sorted(v) for k, v in latin.items()},
                   cjk_keys={k: sorted(v) for k, v in cjk.items()})

    # ---- persistence ----------------------------------------------------------------
    def save(self, path: Path) -> None:
        path.write_text(json.dumps({"aliases": self.aliases, "latin_keys": self.latin_keys,
                                    "cjk_keys": self.cjk_keys}, ensure_ascii=False),
                        encoding="utf-8")

    @classmethod
    def load(cls, path: Path) -> Lexicon:
        data = json.loads(path.read_text(encoding="utf-8"))
        return cls(aliases=data["aliases"], latin_keys=data["latin_keys"],
                   cjk_keys=data["cjk_keys"])

    # ---- lookup ---------------------------------------------------------------------
    def _bucket(self, table: str, length: int) -> list[str]:
        if table not in self._by_len:
            src = self.latin_keys if table == "latin" else self.cjk_keys
            buckets: dict[int, list[str]] = defaultdict(list)
            for k in src:
                buckets[len(k)].append(k)
            self._by_len[table] = dict(buckets)
        return self._by_len[table].get(length, [])

    def sound_alikes(self, word: str, threshold: float = SOUND_ALIKE) -> list[str]:
        """Corpus names in the other script(s) that sound like `word` (memoised per word)."""
        key = (word, threshold)
        cached = self._alikes.get(key)
        if cached is None:
            cached = self._alikes[key] = self._sound_alikes(word, threshold)
        return cached

    def _sound_alikes(self, word: str, threshold: float) -> list[str]:
        src_script = script_of(word)
        table = "cjk" if src_script == "latin" else "latin"
        forms = self.cjk_keys if table == "cjk" else self.latin_keys
        out: list[str] = []
        variants = [word] if src_script == "latin" else name_variants(word)
        for v in variants:
            k = phonetic_key(v)
            if len(k) < 3:
                continue
            spread = max(1, len(k) // 4)
            for length in range(len(k) - spread, len(k) + spread + 1):
                for cand in self._bucket(table, length):
                    if _onset(cand) == _onset(k) and similarity(k, cand) >= threshold:
                        out.extend(forms[cand])
            if table == "cjk" and len(k) >= 5:
                # "Norvia" in "노르비아바이오": a Latin name spelt inside a longer Korean word
                for length in range(len(k) + spread + 1, len(k) + 12):
                    for cand in self._bucket(table, length):
                        if _onset(cand) == _onset(k) and similarity(k, cand[:len(k)]) >= threshold:
                            out.extend(forms[cand])
        return sorted(set(out))

    def aliases_of(self, text: str) -> list[str]:
        """Aliases of every alias key that occurs in `text`."""
        lowered = text.lower()
        out: list[str] = []
        for surface, others in self.aliases.items():
            s = surface.lower()
            if script_of(surface) == "latin":
                if re.search(rf"(?<![a-z0-9]){re.escape(s)}(?![a-z0-9])", lowered):
                    out.extend(others)
            elif s in lowered:
                out.extend(others)
        return out

    def expand(self, question: str) -> list[str]:
        """Extra search terms for a question: aliases and sound-alike names in other scripts,
        and the glossary's translations of its domain words."""
        extra = list(self.aliases_of(question))
        extra.extend(translate_terms(question))
        for name in names_in(question):
            extra.extend(self.sound_alikes(name))
        seen: set[str] = set()
        return [t for t in extra if not (t in seen or seen.add(t))]  # type: ignore[func-returns-value]

    def forms_of(self, name: str) -> list[str]:
        """The name itself plus its aliases and sound-alikes: any of them in a text counts."""
        cached = self._forms.get(name)
        if cached is None:
            cached = self._forms[name] = self._compute_forms(name)
        return cached

    def _compute_forms(self, name: str) -> list[str]:
        forms = [name, *self.aliases_of(name), *self.sound_alikes(name)]
        for alias in list(forms[1:]):
            forms.extend(self.aliases_of(alias))
        return sorted(set(forms), key=len, reverse=True)


def _acronym_phrase(before: str, acronym: str) -> str | None:
    """The capitalised phrase an acronym stands for ("Agency for Regional Biotech Growth (ARBG)")."""
    caps = re.search(r"((?:[A-Z][\w\-&]*\s+(?:of\s+|and\s+|for\s+|the\s+)?)+[A-Z][\w\-&]*)\s*$",
                     before)
    if not caps:
        return None
    words = caps.group(1).split()
    while words and words[0] in _LATIN_STOP:
        words = words[1:]
    if len(words) < 2:
        return None
    letters = re.sub(r"[^a-z]", "", acronym.lower())
    all_initials = "".join(w[0] for w in words).lower()
    content_initials = "".join(w[0] for w in words if w not in {"of", "and", "for", "the"}).lower()
    if letters in (all_initials, content_initials):
        return " ".join(words)
    if "of" in words:  # "General Manager of Calder Science Park (cPark)"
        words = words[len(words) - words[::-1].index("of"):]
    return " ".join(words) if len(words) >= 2 else None


def _learn_alias(aliases: dict[str, set[str]], before: str, inside: str) -> None:
    """One `name (alias)` occurrence. Only tight pairs are kept: the acronym of a capitalised
    phrase, or a CJK name with its Latin spelling, word pairs confirmed by sound; glosses
    ("분야(세포치료제, ...)", "대표(홍길동)") are not names and are left out."""
    s_in = script_of(inside)
    if s_in != "latin" or len(inside) < 2 or "," in inside or len(inside.split()) > 5:
        return
    if re.fullmatch(r"[A-Za-z][A-Za-z0-9\-*&]{1,12}", inside) and re.search(r"[A-Z]", inside):
        phrase = _acronym_phrase(before, inside)
        if phrase and phrase != inside:
            _pair(aliases, phrase, inside)
    inside_words = inside.split()
    for s_before in ("ko", "ja"):
        tail = _tail_words(before, s_before, len(inside_words)).split()
        if not tail:
            continue
        tail[-1] = strip_particle(tail[-1])
        if len(tail) == 1 and len(inside_words) == 1:
            _pair(aliases, tail[0], inside)  # 노르비아(Norvia)
            continue
        # align from the right; keep the pairs that sound alike, and the phrase if most do
        pairs = list(zip(reversed(tail), reversed(inside_words), strict=False))
        alike = [(a, b) for a, b in pairs
                 if similarity(phonetic_key(a), phonetic_key(b)) >= 0.6]
        for a, b in alike:
            _pair(aliases, a, b)
        if len(alike) * 2 >= len(inside_words):
            start = len(tail) - len(pairs)
            _pair(aliases, " ".join(tail[start:]), inside)
        elif pairs:
            _pair(aliases, pairs[0][0], inside)  # the word right before the parenthesis


def _pair(aliases: dict[str, set[str]], a: str, b: str) -> None:
    a, b = a.strip(), b.strip()
    if not a or not b or a[0].isdigit() or b[0].isdigit() or a.lower() == b.lower() or len(a) > 60 or len(b) > 60:
        return
    aliases[a].add(b)
    aliases[b].add(a)


@lru_cache(maxsize=65536)
def _word_pattern(form: str) -> re.Pattern[str]:
    return re.compile(rf"(?<![a-z0-9]){re.escape(form)}(?![a-z0-9])")


@lru_cache(maxsize=100_000)
def _lower(text: str) -> str:
    return text.lower()


def mentions(text: str, forms: Sequence[str]) -> bool:
    """True when any of `forms` occurs in `text` (Latin forms on word boundaries)."""
    lowered = _lower(text)
    for form in forms:
        f = form.lower()
        if len(f) < 2:
            continue
        if script_of(form) == "latin":
            if f in lowered and _word_pattern(f).search(lowered):
                return True
        elif f in lowered:
            return True
    return False
