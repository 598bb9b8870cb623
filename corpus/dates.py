"""Find release dates in English, Korean and Japanese text and return them as ISO dates.

A date is only reported when its year is known: a year-less dateline such as `11. 9.(목)`
borrows the year of a full date elsewhere in the same document that lies within two months
of it, and otherwise stays unknown. Guessing a year would put a wrong date in a citation.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

_FULLWIDTH_DIGITS = str.maketrans("０１２３４５６７８９", "0123456789")
# fmt: off
_MONTHS = {
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6,
    "jul": 7, "aug": 8, "sep": 9, "oct": 10, "nov": 11, "dec": 12,
}
# fmt: on
_MON = (
    r"(?P<mon>Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|"
    r"Aug(?:ust)?|Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?"
)
_ORD = r"(?:st|nd|rd|th)?"
_WEEKDAY = r"\(\s*[월화수목금토일月火水木金土日]\s*\)"

# Patterns with a year, most specific first; overlapping year-less matches are dropped.
_FULL = [
    re.compile(r"(?<![\d.])(?P<y>\d{4})(?P<sep>[-/])(?P<m>\d{1,2})(?P=sep)(?P<d>\d{1,2})(?!\d)"),
    re.compile(r"(?<![\d.])(?P<y>\d{4})\.\s?(?P<m>\d{1,2})\.\s?(?P<d>\d{1,2})(?![\d])\.?"),
    re.compile(r"['‘’](?P<yy>\d{2})\.\s?(?P<m>\d{1,2})\.\s?(?P<d>\d{1,2})(?!\d)"),
    re.compile(r"(?<!\d)(?P<y>\d{4})\s*[年년]\s*(?P<m>\d{1,2})\s*[月월]\s*(?P<d>\d{1,2})\s*[日일]"),
    re.compile(
        r"(?P<era>令和|平成)\s*(?P<ey>\d{1,2}|元)\s*年\s*(?P<m>\d{1,2})\s*月\s*(?P<d>\d{1,2})\s*日"
    ),
    re.compile(rf"\b{_MON}\s+(?P<d>\d{{1,2}}){_ORD},?\s+(?P<y>\d{{4}})\b", re.I),
    re.compile(rf"\b(?P<d>\d{{1,2}}){_ORD}\s+{_MON},?\s+(?P<y>\d{{4}})\b", re.I),
]
_YEARLESS = [
    re.compile(rf"(?<![\d.'‘’])(?P<m>\d{{1,2}})\.\s?(?P<d>\d{{1,2}})\.?\s?{_WEEKDAY}"),
    re.compile(r"(?<![\d年년])(?P<m>\d{1,2})\s*[月월]\s*(?P<d>\d{1,2})\s*[日일]"),
    re.compile(rf"\b{_MON}\s+(?P<d>\d{{1,2}}){_ORD}\b(?!,?\s*\d)", re.I),
]
_ERA_START = {"令和": 2018, "平成": 1988}
_MAX_BORROW_DAYS = 60


@dataclass(frozen=True)
class DateMatch:
    """A date found at `start`; `year` is None when the text gave none."""

    start: int
    end: int
    year: int | None
    month: int
    day: int


def find_dates(text: str) -> list[DateMatch]:
    """Every plausible date in `text`, in order of position, year-less ones included."""
    text = text.translate(_FULLWIDTH_DIGITS)
    found: list[DateMatch] = []
    for pattern in _FULL:
        for m in pattern.finditer(text):
            d = _from_match(m)
            if d and not _overlaps(d, found):
                found.append(d)
    full_spans = list(found)
    for pattern in _YEARLESS:
        for m in pattern.finditer(text):
            d = _from_match(m)
            if d and not _overlaps(d, full_spans) and not _overlaps(d, found):
                found.append(d)
    return sorted(found, key=lambda d: d.start)


def infer_date(text: str) -> str | None:
    """The release date: the first date in the text whose year is known or can be borrowed.

    Position order is what makes a dateline at the top win over dates in the body.
    """
    matches = find_dates(text)
    full = [_to_date(m.year, m.month, m.day) for m in matches if m.year is not None]
    anchors = [d for d in full if d is not None]
    for m in matches:
        year = m.year if m.year is not None else _borrow_year(m, anchors)
        if year is None:
            continue
        d = _to_date(year, m.month, m.day)
        if d is not None:
            return d.isoformat()
    return None


def parse_date(value: str) -> str | None:
    """Normalise a metadata value (`2023-11-09T10:00+09:00`, `Nov. 9, 2023`, ...) to ISO."""
    for m in find_dates(value.strip()):
        if m.year is not None:
            d = _to_date(m.year, m.month, m.day)
            if d is not None:
                return d.isoformat()
    return None


def _from_match(m: re.Match[str]) -> DateMatch | None:
    g = m.groupdict()
    if g.get("mon"):
        if not g["mon"][0].isupper():  # "may 5" is a verb, not a date
            return None
        month = _MONTHS[g["mon"][:3].lower()]
    else:
        month = int(g["m"])
    year: int | None = None
    if g.get("y"):
        year = int(g["y"])
    elif g.get("yy"):
        year = 2000 + int(g["yy"])
    elif g.get("era"):
        year = _ERA_START[g["era"]] + (1 if g["ey"] == "元" else int(g["ey"]))
    day = int(g["d"])
    if year is not None and _to_date(year, month, day) is None:
        return None
    if not (1 <= month <= 12 and 1 <= day <= 31):
        return None
    return DateMatch(m.start(), m.end(), year, month, day)


def _overlaps(d: DateMatch, others: list[DateMatch]) -> bool:
    return any(d.start < o.end and o.start < d.end for o in others)


def _to_date(year: int | None, month: int, day: int) -> dt.date | None:
    if year is None or not 1900 <= year <= 2100:
        return None
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def _borrow_year(m: DateMatch, anchors: list[dt.date]) -> int | None:
    """Year of the full date nearest to month/day, if one lies within two months of it."""
    best: tuple[int, int] | None = None
    for anchor in anchors:
        for year in (anchor.year - 1, anchor.year, anchor.year + 1):
            d = _to_date(year, m.month, m.day)
            if d is None:
                continue
            gap = abs((d - anchor).days)
            if gap <= _MAX_BORROW_DAYS and (best is None or gap < best[0]):
                best = (gap, year)
    return best[1] if best else None
