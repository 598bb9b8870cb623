"""Dates in English, Korean and Japanese text: the one date parser of the product.

Three uses, one set of patterns:
- `find_dates` / `infer_date` / `parse_date`: day-precise dates, for a release's own date. A
  date is only reported when its year is known: a year-less dateline such as `11. 9.(목)`
  borrows the year of a full date elsewhere in the same document that lies within two months
  of it, and otherwise stays unknown. Guessing a year would put a wrong date in a citation.
- `mentions`: every date form a sentence holds, partial and relative ones too ("May 2016",
  "2016年", "지난 19일", "先月23日", "지난해 11월", "本日"), each tagged with its `form`, for
  the answer span of a "when" question and the registry's signing dates.
- `resolve`: a mention against the release's date ("지난 19일" in a release of 2024-03-05
  is 2024-02-19), as ISO, YYYY-MM or YYYY; None when it cannot be known.
`year_range` reads the years a question asks about ("2020~2023", "2024年以降" is the caller's).

dateparser was measured for this and not kept: it misses "지난 28일" and era dates, resolves
先月23日 a month off, returns spans with neighbouring words (answer spans must be verbatim),
and costs 0.4 s to import.
"""

from __future__ import annotations

import bisect
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
    taken = _Taken()
    for pattern in (*_FULL, *_YEARLESS):  # most specific first: a later one never overlaps
        for m in pattern.finditer(text):
            d = _from_match(m)
            if d and taken.take(d.start, d.end):
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


class _Taken:
    """Disjoint spans already claimed by a date, kept sorted: whether a new one overlaps any
    is one bisection (the span starting last before its end is the only candidate), so a text
    with many dates is read in n log n, not n squared."""

    def __init__(self) -> None:
        self._starts: list[int] = []
        self._ends: list[int] = []

    def take(self, start: int, end: int) -> bool:
        """Claim `start:end` when it overlaps no claimed span; False (nothing claimed) else."""
        i = bisect.bisect_left(self._starts, end)
        if i and self._ends[i - 1] > start:
            return False
        self._starts.insert(i, start)
        self._ends.insert(i, end)
        return True


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


# ---- partial and relative dates ---------------------------------------------------------------

@dataclass(frozen=True)
class DateMention:
    """A date form at `start:end`; parts the text does not give are None. `form` names the
    shape: full, yearless (month and day), month_year, year, era_year, day, month,
    last_year_month, today, yesterday. `cued`: a year said to be one ("in 2020", "2020년"),
    not a bare number that may be a name ("Vision 2030"). `month_offset`: a day of the month
    before the release's ("先月23日", "지난달 5일")."""

    start: int
    end: int
    form: str
    year: int | None = None
    month: int | None = None
    day: int | None = None
    cued: bool = True
    month_offset: int = 0


_PARTIAL: list[tuple[str, re.Pattern[str]]] = [
    ("month_year", re.compile(rf"\b{_MON},?\s+(?P<y>(?:19|20)\d\d)\b", re.I)),
    ("month_year", re.compile(r"(?<!\d)(?P<y>(?:19|20)\d\d)\s*[年년]\s*(?P<m>\d{1,2})\s*[月월](?!\s*\d)")),
    ("month_year", re.compile(r"(?<![\d.])(?P<y>(?:19|20)\d\d)[.\-/](?P<m>\d{1,2})(?![\d.\-/])")),
    ("month_year", re.compile(r"['‘’](?P<yy>\d\d)\.(?P<m>\d{1,2})(?![\d.])")),
    ("yearless", re.compile(rf"(?<![\d.])(?P<d>\d{{1,2}}){_ORD}\s+{_MON}(?!\s*,?\s*\d)", re.I)),
    ("today", re.compile(r"\btoday\b|오늘|本日|今日", re.I)),
    ("yesterday", re.compile(r"\byesterday\b|어제|昨日", re.I)),
    ("last_year_month", re.compile(r"(?:지난해|작년|昨年)\s*(?P<m>\d{1,2})\s*[월月]")),
    ("day", re.compile(r"(?P<last>지난달|지난 달|先月)\s*(?P<d>\d{1,2})\s*[일日]")),
    ("day", re.compile(r"(?:(?:지난|오는)\s*|(?<![^\s(]))(?P<d>\d{1,2})\s*일(?=에|부터|까지|\s|,|$|[^\w])")),
    ("day", re.compile(r"(?<![\d年월月])(?P<d>\d{1,2})\s*日(?![本])")),
    ("month", re.compile(r"(?<![\d년年])(?<!\d\s)(?P<m>\d{1,2})\s*[월月](?!\s*\d)")),
    ("era_year", re.compile(r"(?P<era>令和|平成)\s*(?P<ey>\d{1,2}|元)\s*年(?:度)?(?!\s*\d)")),
    ("year", re.compile(r"(?<![\d\-/.])(?P<y>(?:19|20)\d\d)(?P<suffix>\s*[年년](?!\s*\d))?(?![\d\-/.])")),
]
_YEAR_CUE = re.compile(r"\b(?:in|since|from)\s+$", re.I)
_RANGE = re.compile(r"(?<!\d)((?:19|20)\d\d)\s*(?:년|年)?\s*(?:[~〜\-–—]|and|to|부터|から)\s*"
                    r"((?:19|20)\d\d)(?!\d)", re.I)


def mentions(text: str) -> list[DateMention]:
    """Every date form in `text`, by position; where two overlap the more precise wins
    (a full date over the year inside it)."""
    text = text.translate(_FULLWIDTH_DIGITS)
    found = [DateMention(d.start, d.end, "full" if d.year is not None else "yearless",
                         d.year, d.month, d.day) for d in find_dates(text)]
    taken = _Taken()
    for d in found:
        taken.take(d.start, d.end)
    for form, pattern in _PARTIAL:
        for m in pattern.finditer(text):
            mention = _partial(form, m, text)
            if mention is not None and taken.take(m.start(), m.end()):
                found.append(mention)
    return sorted(found, key=lambda d: d.start)


def _partial(form: str, m: re.Match[str], text: str) -> DateMention | None:
    g = m.groupdict()
    year = int(g["y"]) if g.get("y") else 2000 + int(g["yy"]) if g.get("yy") else None
    month = _MONTHS[g["mon"][:3].lower()] if g.get("mon") else int(g["m"]) if g.get("m") else None
    day = int(g["d"]) if g.get("d") else None
    if g.get("era"):
        year = _ERA_START[g["era"]] + (1 if g["ey"] == "元" else int(g["ey"]))
    if (month is not None and not 1 <= month <= 12) or (day is not None and not 1 <= day <= 31):
        return None
    cued = True
    if form == "year":
        cued = bool(g.get("suffix")) or bool(_YEAR_CUE.search(text[max(0, m.start() - 8):m.start()]))
    return DateMention(m.start(), m.end(), form, year, month, day, cued,
                       month_offset=-1 if g.get("last") else 0)


def has_date(text: str) -> bool:
    """Does `text` state a date of any form (a year, a month, a day)?"""
    return any(m.form not in ("today", "yesterday") for m in mentions(text))


def without_dates(text: str) -> str:
    """`text` with its dates blanked, so their digits are not read as counts."""
    out = list(text)
    for m in mentions(text):
        out[m.start:m.end] = " " * (m.end - m.start)
    return "".join(out)


def resolve(m: DateMention, release_date: dt.date | None) -> str | None:
    """The mention as ISO, YYYY-MM or YYYY, relative forms against the release's date: a
    year-less day takes the latest year that does not put it more than a week after the
    release; a day alone takes the release's month (the month before when it is later);
    a month alone the latest year not after the release. None when it needs a release date
    and has none: a wrong year is worse than none."""
    ref = release_date
    if m.form == "full":
        return f"{m.year:04d}-{m.month:02d}-{m.day:02d}"
    if m.form in ("month_year",) and m.year and m.month:
        return f"{m.year}-{m.month:02d}"
    if m.form in ("year", "era_year"):
        return str(m.year) if m.year else None
    if ref is None:
        return None
    if m.form == "yearless" and m.month and m.day:
        return f"{_year_for(m.month, m.day, ref):04d}-{m.month:02d}-{m.day:02d}"
    if m.form == "today":
        return ref.isoformat()
    if m.form == "yesterday":
        return (ref - dt.timedelta(days=1)).isoformat()
    if m.form == "last_year_month" and m.month:
        return f"{ref.year - 1}-{m.month:02d}"
    if m.form == "month" and m.month:
        return f"{ref.year if m.month <= ref.month else ref.year - 1}-{m.month:02d}"
    if m.form == "day" and m.day:
        month, year = ref.month, ref.year
        if m.month_offset or m.day > ref.day:
            month, year = (12, year - 1) if month == 1 else (month - 1, year)
        d = _to_date(year, month, m.day)
        return d.isoformat() if d else None
    return None


def _year_for(month: int, day: int, ref: dt.date) -> int:
    for year in (ref.year, ref.year - 1):
        d = _to_date(year, month, day)
        if d is not None and d <= ref + dt.timedelta(days=7):
            return year
    return ref.year


def year_range(text: str) -> tuple[str, str] | None:
    """Two years a question spans ("2020~2023", "2021년부터 2023년", "between 2020 and 2022")."""
    m = _RANGE.search(text)
    return (m.group(1), m.group(2)) if m and m.group(1) <= m.group(2) else None


def first_year(text: str) -> DateMention | None:
    """The first mention giving a year (a question's "in 2025", "2024年"), or None."""
    return next((m for m in mentions(text) if m.year is not None), None)
