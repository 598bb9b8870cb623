"""What kind of many-partnership question a question is, and the period it asks about.

The words are general vocabulary kept as data (`corpus/language/data/aggregate_cues.txt`); years are read
from the text by `corpus.language.dates` ("in 2025", "2023년 이후", "2024年以降", "지난해", "去年"), relative years against
today's date.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from partnerbot.corpus.language.dates import first_year, year_range
from partnerbot.corpus.language.words import sections

_LATIN = re.compile(r"[a-z]")


def cues() -> dict[str, tuple[str, ...]]:
    """Sections of `aggregate_cues.txt`: name -> words (casefolded)."""
    return sections("aggregate_cues.txt")


def has_cue(text: str, section: str) -> bool:
    """Does `text` hold a word of `section`? English words on word boundaries."""
    folded = text.casefold()
    for word in cues()[section]:
        if _LATIN.search(word):
            if re.search(r"(?<![a-z])" + re.escape(word), folded):
                return True
        elif word in folded:
            return True
    return False


@dataclass(frozen=True)
class Period:
    """Years asked about, inclusive; either end may be open."""

    since: str | None = None
    until: str | None = None

    @property
    def one_year(self) -> str | None:
        return self.since if self.since and self.since == self.until else None


def period_of(text: str, today: date | None = None) -> Period | None:
    """The period a question asks about, or None."""
    folded = text.casefold()
    year_now = (today or date.today()).year
    span = year_range(folded)
    if span:
        return Period(*span)
    m = first_year(folded)
    if m is not None and m.year is not None:
        year = str(m.year)
        before = folded[max(0, m.start - 12):m.start]
        after = re.sub(r"^\s*(?:년|年)?\s*(?:에|に)?\s*", "", folded[m.end:m.end + 10])
        if _ends_with_cue(before, "since") or _starts_with_cue(after, "since"):
            return Period(since=year)
        if _ends_with_cue(before, "until") or _starts_with_cue(after, "until"):
            return Period(until=year)
        return Period(year, year)
    for section, delta in (("this_year", 0), ("last_year", 1)):
        if has_cue(folded, section):
            year = str(year_now - delta)
            return Period(year, year)
    return None


def _ends_with_cue(before: str, section: str) -> bool:
    words = [w for w in cues()[section] if _LATIN.search(w)]
    return any(re.search(r"(?<![a-z])" + re.escape(w) + r"\s+(?:(?:the\s+)?(?:end|start|beginning)"
                         r"\s+of\s+)?(?:\w+\s+)?$", before) for w in words)


def _starts_with_cue(after: str, section: str) -> bool:
    words = [w for w in cues()[section] if not _LATIN.search(w)]
    return any(after.startswith(w) for w in words)
