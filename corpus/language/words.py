"""The one loader of word lists: general vocabulary kept as data in `corpus/language/data/`.

Every list (words that name no party, kinds of bodies, endings of Korean and Japanese names of
bodies, the cue words of questions about many partnerships, the domain glossary) is a text
file read here, once per process: `#` starts a comment, `;` separates words, `[section]`
starts a named group. No organisation, place or person belongs in any of them.
"""

from __future__ import annotations

from functools import cache
from importlib.resources import files


@cache
def lines(name: str) -> tuple[str, ...]:
    """The non-empty, non-comment lines of the list `name` (e.g. `org_words.txt`)."""
    text = (files("partnerbot.corpus.language") / "data" / name).read_text(encoding="utf-8")
    return tuple(s for line in text.splitlines() if (s := line.strip()) and not s.startswith("#"))


@cache
def word_list(name: str) -> frozenset[str]:
    """Every `;`-separated word of the list, casefolded."""
    return frozenset(w.strip().casefold() for line in lines(name) for w in line.split(";")
                     if w.strip())


@cache
def sections(name: str) -> dict[str, tuple[str, ...]]:
    """A list in `[section]` groups: section -> its words, casefolded, in file order."""
    out: dict[str, list[str]] = {}
    section = ""
    for line in lines(name):
        if line.startswith("[") and line.endswith("]"):
            section = line[1:-1]
            out.setdefault(section, [])
            continue
        out.setdefault(section, []).extend(w.strip().casefold() for w in line.split(";")
                                           if w.strip())
    return {k: tuple(v) for k, v in out.items()}
