"""A passage: the unit the index retrieves, a few sentences of one release."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass


@dataclass(frozen=True)
class Passage:
    """A span of a release. `id` derives from the content, so re-reading an unchanged release
    yields the same ids and re-indexing it changes nothing."""

    id: str
    doc_id: str
    text: str
    start: int
    end: int
    lang: str
    title: str
    sentences: tuple[tuple[int, int], ...]  # sentence spans, offsets into the release text

    @property
    def embed_text(self) -> str:
        """What the embedders see: the title gives a passage its context ("the MOU" — which?)."""
        return f"{self.title}\n{self.text}"

    @property
    def embed_key(self) -> str:
        """Key of the embedding cache: same text in, same vector out."""
        return content_key(self.embed_text)


def content_key(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:24]
