"""Sentence boundaries for English, Korean and Japanese, with character offsets.

Offsets into the release text are what let a reply quote a release verbatim, so the splitter
never rewrites text: it only finds spans.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# Abbreviations after which a period does not end a sentence.
_ABBREV = {
    "mr", "mrs", "ms", "dr", "prof", "st", "co", "corp", "inc", "ltd", "no", "vs", "etc",
    "e.g", "i.e", "u.s", "u.k", "u.s.a", "pref", "jan", "feb", "mar", "apr", "jun", "jul",
    "aug", "sep", "sept", "oct", "nov", "dec", "gen", "gov", "dept", "approx", "fig", "vol",
    "jr", "sr", "mt", "est",
}
# End of sentence: ., !, ? (possibly followed by closing quotes/brackets) then white space;
# or Japanese/Chinese full stops, which need no space after them.
_END = re.compile(r"""(?:[.!?]["'”’)\]]*(?=\s)|[。！？!?](?:["'”’」』）)\]]*))""")
_WORD_BEFORE = re.compile(r"([A-Za-z][A-Za-z.]*)$")


@dataclass(frozen=True)
class Span:
    start: int
    end: int


def _is_abbreviation(text: str, dot: int, line_start: int) -> bool:
    if text[dot] != ".":
        return False
    after = text[dot + 1:dot + 3].lstrip()
    if after[:1].islower():  # "U.S.A. on ..." goes on: a sentence does not start lowercase
        return True
    if re.fullmatch(r"\s*\d{1,2}", text[line_start:dot]):  # "1." opening a list item
        return True
    m = _WORD_BEFORE.search(text, line_start, dot)
    if not m:
        return False
    word = m.group(1).lower()
    if word in _ABBREV:
        return True
    glued = m.start() > line_start and (text[m.start() - 1].isalnum() or text[m.start() - 1] == "-")
    # single initials ("J. Smith") and dotted acronyms ("U.S.A."), not the end of "ACME-J."
    return not glued and (len(word.replace(".", "")) == 1 or "." in word)


def split_sentences(text: str, start: int = 0, end: int | None = None) -> list[Span]:
    """Spans of sentences in text[start:end]; every line break is also a boundary (releases
    put headings, list items and table rows on lines of their own)."""
    end = len(text) if end is None else end
    spans: list[Span] = []
    for line in re.finditer(r"[^\n]+", text[start:end]):
        ls, le = start + line.start(), start + line.end()
        cursor = ls
        for m in _END.finditer(text, ls, le):
            cut = m.end()
            if _is_abbreviation(text, m.start(), ls):
                continue
            _append(spans, text, cursor, cut)
            cursor = cut
        _append(spans, text, cursor, le)
    return spans


def _append(spans: list[Span], text: str, s: int, e: int) -> None:
    while s < e and text[s].isspace():
        s += 1
    while e > s and text[e - 1].isspace():
        e -= 1
    if e > s and any(ch.isalnum() for ch in text[s:e]):
        spans.append(Span(s, e))
