"""Quotes verbatim from the file a reader can open, not only from the text read out of it.

The reader strips markup that plain-text releases sometimes carry (`**Seoul, May 3-**`,
stray HTML tags), so a sentence of the release text can differ from every line of its file.
A quote should survive a reader's Ctrl-F in the file: when it does not, the quote keeps its
longest part that does (usually all but a dateline), if that is most of it.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import replace
from functools import lru_cache
from pathlib import Path

from partnerbot.bot.answer.evidence import Evidence
from partnerbot.corpus.model import Release

KEEP_SHARE = 0.6  # a part shorter than this share of the quote is not worth the trim
_TEXT_FILES = (".txt", ".md")


def _norm(text: str) -> str:
    return re.sub(r"\s+", " ", unicodedata.normalize("NFKC", text)).strip().lower()


@lru_cache(maxsize=128)
def _file_text(path: str, mtime: float) -> str | None:
    try:
        return _norm(Path(path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError):
        return None


def _raw(release: Release) -> str | None:
    path = Path(release.source) if release.source else None
    if path is None or path.suffix.lower() not in _TEXT_FILES:
        return None
    try:
        return _file_text(str(path), path.stat().st_mtime)
    except OSError:
        return None


def in_file(ev: Evidence, release: Release) -> Evidence:
    """`ev`, or its longest part found in the release's file when the whole is not."""
    raw = _raw(release)
    if raw is None or _norm(ev.text) in raw:
        return ev
    words = list(re.finditer(r"\S+", ev.text))
    best: tuple[int, int] = (0, 0)
    i = 0
    while i < len(words):
        j = i
        while j < len(words) and _norm(ev.text[words[i].start():words[j].end()]) in raw:
            j += 1
        if j > i:
            a, b = words[i].start(), words[j - 1].end()
            if b - a > best[1] - best[0]:
                best = (a, b)
            i = j
        else:
            i += 1
    a, b = best
    if b - a < KEEP_SHARE * len(ev.text):
        return ev
    span = ev.span
    if span is not None:
        span = (span[0] - a, span[1] - a) if a <= span[0] and span[1] <= b else None
    return replace(ev, text=ev.text[a:b], start=ev.start + a, end=ev.start + b, span=span,
                   span_info=ev.span_info if span is not None else None)
