"""The release: one press release as read from the corpus, with its metadata."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass


@dataclass(frozen=True)
class Release:
    """A press release with clean text and metadata.

    `id` is the file name without extension, so question sets and manifests can name it.
    `text` is the cleaned body; passages keep character offsets into it, which is what lets
    a reply quote the release verbatim.
    """

    id: str
    text: str
    title: str
    lang: str
    publisher: str | None = None
    date: str | None = None
    url: str | None = None
    translation_of: str | None = None
    source: str = ""

    @property
    def content_hash(self) -> str:
        """Hash of everything that affects the index, so an unchanged release is not re-embedded."""
        h = hashlib.sha256()
        for part in (self.id, self.title, self.lang, self.publisher or "", self.date or "",
                     self.url or "", self.translation_of or "", self.text):
            h.update(part.encode("utf-8"))
            h.update(b"\x00")
        return h.hexdigest()[:16]


@dataclass(frozen=True)
class Skipped:
    """A file the reader could not use, with a one-line reason for the operator."""

    path: str
    reason: str
