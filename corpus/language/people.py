"""People in partnership announcements: the titles that mark a person, in en/ko/ja.

The lists are data (`corpus/language/data/titles.txt`, read by `corpus.language.words`); this
module turns them into what the readers need: the titles of a language, longest first, and a
regular-expression alternation of them.
"""

from __future__ import annotations

import re
from functools import cache

from partnerbot.corpus.language.words import lines

# a title the list cannot spell out: "Chief Medical Officer", "Chief Scientific Officer"
CHIEF_X_OFFICER = r"Chief [A-Z][a-z]+ Officer"


@cache
def titles(section: str) -> tuple[str, ...]:
    """The titles of one section of titles.txt (`en`, `en_beside_name`, `ko`, `ja`) as
    written, longest first so an alternation prefers 대표이사 to 대표."""
    out: list[str] = []
    current = ""
    for line in lines("titles.txt"):
        if line.startswith("[") and line.endswith("]"):
            current = line[1:-1]
            continue
        if current == section:
            out.extend(w.strip() for w in line.split(";") if w.strip())
    return tuple(sorted(dict.fromkeys(out), key=len, reverse=True))


@cache
def title_pattern(section: str) -> str:
    """`(?:…)` matching one title of the section (English ones with "Chief X Officer")."""
    alts = [re.escape(t) for t in titles(section)]
    if section == "en":
        alts.insert(0, CHIEF_X_OFFICER)
    return "(?:" + "|".join(alts) + ")"
