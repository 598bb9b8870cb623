"""Japanese read in Latin letters (Hepburn romaji): 川崎市 -> kawasakishi, 大和ハウス -> yamato hausu.

An English question names 'Kawasaki'; a Japanese release writes 川崎市. The romaji reading of
the release is a lexical view an English (or Latin-script) word can meet.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any


@lru_cache(maxsize=1)
def _kakasi() -> Any:
    import pykakasi  # imported on first use

    return pykakasi.kakasi()


@lru_cache(maxsize=4096)
def romaji(text: str) -> str:
    """`text` in Hepburn romaji, one Latin word per Japanese word the converter segments;
    Latin text passes through."""
    return " ".join(str(part["hepburn"]) for part in _kakasi().convert(text) if part["hepburn"])
