"""Split a release into passages on sentence boundaries.

Passages are short (a few sentences, ~400 characters) because answers quote single sentences
and both embedders lose detail on long inputs; a paragraph break ends a passage once it holds
enough text to stand alone.
"""

from __future__ import annotations

import re

from partnerbot.corpus.model import Release
from partnerbot.retrieval.passage import Passage, content_key
from partnerbot.retrieval.sentences import Span, split_sentences

_PARAGRAPH = re.compile(r"\n[ \t\r]*\n")
MAX_CHARS = 420
MIN_CHARS = 120


def chunk_release(release: Release, max_chars: int = MAX_CHARS,
                  min_chars: int = MIN_CHARS) -> list[Passage]:
    text = release.text
    spans = split_sentences(text)
    groups: list[list[Span]] = []
    current: list[Span] = []
    for span in spans:
        if current:
            size = span.end - current[0].start
            gap = text[current[-1].end:span.start]
            new_paragraph = _PARAGRAPH.search(gap) is not None
            if size > max_chars or (new_paragraph and current[-1].end - current[0].start >= min_chars):
                groups.append(current)
                current = []
        current.append(span)
    if current:
        groups.append(current)
    passages: list[Passage] = []
    seen: set[str] = set()
    for group in groups:
        start, end = group[0].start, group[-1].end
        body = text[start:end]
        pid = f"{release.id}:{content_key(body)[:12]}"
        if pid in seen:  # the same text twice in one release: keep ids unique
            pid = f"{pid}-{start}"
        seen.add(pid)
        passages.append(Passage(id=pid, doc_id=release.id, text=body, start=start, end=end,
                                lang=release.lang, title=release.title,
                                sentences=tuple((s.start, s.end) for s in group)))
    return passages
