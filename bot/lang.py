"""Which language a question is in, by script: it decides the language of the reply.

The detection itself lives with the rest of the language knowledge in corpus.language; this
name stays for the answer layer's callers.
"""

from __future__ import annotations

from partnerbot.corpus.language.detect import SUPPORTED, detect_lang

__all__ = ["SUPPORTED", "detect_lang"]
