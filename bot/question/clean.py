"""The words of a question, without what nobody types on purpose."""

from __future__ import annotations

import unicodedata

# Control characters (but tab and newline), lone surrogates (a broken `\ud800` JSON escape, or
# undecodable command-line bytes), and format characters: zero-width spaces and joiners, bidi
# overrides, soft hyphens. None of them is a word to search for, and a lone surrogate cannot
# even be encoded to UTF-8 by an embedder, a log line or a chat API.
_DROP = frozenset({"Cc", "Cs", "Cf"})


def clean_question(text: str) -> str:
    """`text` without those characters, NFC-normalised and stripped."""
    kept = "".join(ch for ch in text
                   if ch in "\t\n" or unicodedata.category(ch) not in _DROP)
    return unicodedata.normalize("NFC", kept).strip()
