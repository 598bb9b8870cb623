"""The signing date a sentence gives, resolved against the release's own date.

Releases write "on September 18", "9일", "지난해 11월", "本日", "令和7年10月7日", "in May 2016":
a year-less date takes the latest year that does not put it after the release; a day alone
("지난 19일") takes the release's month (or the month before when the day is later).
Without a release date, a date that needs one stays unknown: a wrong year is worse than none.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import re

from partnerbot.corpus.dates import find_dates
from partnerbot.retrieval.registry.vocab import MONTHS_EN, TODAY, YESTERDAY

_MONTH_NUM = {m[:3].lower(): i for i, m in enumerate(
    ["January", "February", "March", "April", "May", "June", "July", "August", "September",
     "October", "November", "December"], 1)}
_EN_MONTH_YEAR = re.compile(r"\b(" + "|".join(sorted(MONTHS_EN, key=len, reverse=True))
                            + r")\.?,?\s+((?:19|20)\d{2})\b")
_CJK_MONTH_YEAR = re.compile(r"((?:19|20)\d{2})\s*[년年]\s*(\d{1,2})\s*[월月](?!\s*\d{1,2}\s*[일日])")
_KO_LAST_YEAR_MONTH = re.compile(r"(?:지난해|작년)\s*(\d{1,2})\s*월")
_KO_MONTH_ONLY = re.compile(r"(?<![\d년])\s(\d{1,2})\s*월(?!\s*\d)")
_KO_DAY = re.compile(r"(?:^|[\s(])(?:지난\s*)?(\d{1,2})\s*일(?:에|부터|까지|\s|,|$)")
_YEAR = re.compile(r"\b(?:in|since|from)\s+((?:19|20)\d{2})\b|((?:19|20)\d{2})\s*[년年]")


_ANNOUNCED = re.compile(r"\s*(?:에\s*)?(?:밝혔|발표했|전했|알렸|공개했|に発表|、?発表)")


def _parse(release_date: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(release_date) if release_date else None
    except ValueError:
        return None


def _year_for(month: int, day: int, ref: dt.date) -> int:
    for year in (ref.year, ref.year - 1):
        try:
            if dt.date(year, month, day) <= ref + dt.timedelta(days=7):
                return year
        except ValueError:
            continue
    return ref.year


def date_mentions(sentence: str, release_date: str | None) -> list[tuple[int, str]]:
    """Every signing-date candidate in the sentence: (position, ISO date or YYYY-MM or YYYY)."""
    ref = _parse(release_date)
    out: list[tuple[int, str]] = []
    taken: list[tuple[int, int]] = []

    def add(start: int, end: int, value: str | None) -> None:
        if _ANNOUNCED.match(sentence, end):  # "…체결했다고 17일 밝혔다": the day of the release
            taken.append((start, end))
            return
        if value and not any(start < e and s < end for s, e in taken):
            out.append((start, value))
            taken.append((start, end))

    for d in find_dates(sentence):
        if d.year is not None:
            add(d.start, d.end, f"{d.year:04d}-{d.month:02d}-{d.day:02d}")
        elif ref:
            add(d.start, d.end, f"{_year_for(d.month, d.day, ref):04d}-{d.month:02d}-{d.day:02d}")
        else:
            taken.append((d.start, d.end))
    for m in _EN_MONTH_YEAR.finditer(sentence):
        add(m.start(), m.end(), f"{m.group(2)}-{_MONTH_NUM[m.group(1)[:3].lower()]:02d}")
    for m in _CJK_MONTH_YEAR.finditer(sentence):
        add(m.start(), m.end(), f"{m.group(1)}-{int(m.group(2)):02d}")
    if ref:
        for m in TODAY.finditer(sentence):
            add(m.start(), m.end(), ref.isoformat())
        for m in YESTERDAY.finditer(sentence):
            add(m.start(), m.end(), (ref - dt.timedelta(days=1)).isoformat())
        for m in _KO_LAST_YEAR_MONTH.finditer(sentence):
            add(m.start(), m.end(), f"{ref.year - 1}-{int(m.group(1)):02d}")
        for m in _KO_DAY.finditer(sentence):
            day = int(m.group(1))
            month, year = ref.month, ref.year
            if day > ref.day:
                month, year = (12, year - 1) if month == 1 else (month - 1, year)
            with contextlib.suppress(ValueError):
                add(m.start(1), m.end(), dt.date(year, month, day).isoformat())
        for m in _KO_MONTH_ONLY.finditer(sentence):
            month = int(m.group(1))
            if 1 <= month <= 12:
                add(m.start(1), m.end(), f"{ref.year if month <= ref.month else ref.year - 1}-{month:02d}")
    for m in _YEAR.finditer(sentence):
        add(m.start(), m.end(), m.group(1) or m.group(2))
    return sorted(out)


def signed_date(sentence: str, release_date: str | None, verb_at: int | None = None,
                verb_final: bool = False) -> str | None:
    """The date nearest the signing verb (at `verb_at`), or None when the sentence gives none.
    Nearest, because "20일에 체결했다고 오늘 밝혔다" signs on the 20th and announces today;
    in verb-final languages (`verb_final`) a date before the verb wins."""
    mentions = date_mentions(sentence, release_date)
    if not mentions:
        return None
    if verb_at is None:
        return mentions[0][1]
    if verb_final and any(m[0] <= verb_at for m in mentions):  # Korean, Japanese: date before verb
        mentions = [m for m in mentions if m[0] <= verb_at]
    return min(mentions, key=lambda m: (abs(m[0] - verb_at), m[0] > verb_at))[1]


def announced_date(sentence: str, release_date: str | None) -> str | None:
    """The day a release says it announced the signing ("…체결했다고 12일 밝혔다"): a stand-in
    when the signing date itself is not given, kept apart from `signed`."""
    ref = _parse(release_date)
    for m in _KO_DAY.finditer(sentence):
        if ref and _ANNOUNCED.match(sentence, m.end()):
            day = int(m.group(1))
            month, year = ref.month, ref.year
            if day > ref.day:
                month, year = (12, year - 1) if month == 1 else (month - 1, year)
            with contextlib.suppress(ValueError):
                return dt.date(year, month, day).isoformat()
    return None


def long_before(signed: str | None, release_date: str | None, days: int = 90) -> bool:
    """True when `signed` lies well before the release: an earlier partnership."""
    ref = _parse(release_date)
    if not signed or not ref:
        return False
    parts = [int(p) for p in signed.split("-")]
    when = dt.date(parts[0], parts[1] if len(parts) > 1 else 12, parts[2] if len(parts) > 2 else 28)
    return (ref - when).days > days
