"""Errors the corpus layer raises; messages are one line, written for the operator."""

from __future__ import annotations


class CorpusError(Exception):
    """The corpus cannot be used at all (missing directory, nothing readable)."""

    def __init__(self, message: str) -> None:
        super().__init__(" ".join(message.split()))


class UnreadableFile(CorpusError):
    """One file cannot be used; the message becomes the reason in `Skipped`.

    It subclasses `CorpusError` so a caller reading a single file can catch either,
    while `read_corpus` catches it per file and keeps going.
    """
