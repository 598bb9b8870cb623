"""Japanese kanji read as Sino-Korean (hanja) syllables: 韓国保健産業振興院 -> 한국보건산업진흥원.

A Korean question and a Japanese release share no characters, but most Japanese compounds of
institutions and agreements (締結 -> 체결, 協定 -> 협정) are read the same way in Korean, so the
reading is a lexical bridge between the two scripts. Readings have false friends (神戸 -> 신호,
where Korean writes 고베): they suit vocabulary, not every name.
"""

from __future__ import annotations

import re
from functools import lru_cache

from partnerbot.corpus.language.scripts import HAN_UNIFIED

_HAN_RUN = re.compile(f"[{HAN_UNIFIED}]+")


@lru_cache(maxsize=1)
def _translate():  # type: ignore[no-untyped-def]
    import hanja  # a 0.6 MB table, imported on first use

    return hanja.translate


@lru_cache(maxsize=4096)
def hangul_reading(text: str) -> str:
    """`text` with every run of kanji replaced by its Sino-Korean reading, other characters
    as they are (kana, Latin, digits)."""
    translate = _translate()
    return _HAN_RUN.sub(lambda m: str(translate(m.group(0), "substitution")), text)
