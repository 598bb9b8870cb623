"""The signing date a sentence gives, resolved against the release's own date.

Releases write "on September 18", "9일", "지난해 11월", "本日", "令和7年10月7日", "in May 2016":
the forms are found and resolved against the release's date by `corpus.language.dates`
(`mentions`, `resolve`); this module picks the one that dates the signing.
"""

from __future__ import annotations

import datetime as dt
import re

from partnerbot.corpus.language.dates import mentions, resolve

# the forms that can date a signing (a bare number that may be a year is not one)
_SIGNING_FORMS = frozenset({"full", "yearless", "month_year", "today", "yesterday",
                            "last_year_month", "day", "month", "year"})
_ANNOUNCED = re.compile(r"\s*(?:에\s*)?(?:밝혔|발표했|전했|알렸|공개했|に発表|、?発表)")


def _parse(release_date: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(release_date) if release_date else None
    except ValueError:
        return None


def date_mentions(sentence: str, release_date: str | None) -> list[tuple[int, str]]:
    """Every signing-date candidate in the sentence: (position, ISO date or YYYY-MM or YYYY)."""
    ref = _parse(release_date)
    out: list[tuple[int, str]] = []
    for m in mentions(sentence):
        if m.form not in _SIGNING_FORMS or (m.form == "year" and not m.cued):
            continue
        if _ANNOUNCED.match(sentence, m.end):  # "…체결했다고 17일 밝혔다": the day of the release
            continue
        value = resolve(m, ref)
        if value:
            out.append((m.start, value))
    return out


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
    if ref is None:
        return None
    for m in mentions(sentence):
        if m.form == "day" and _ANNOUNCED.match(sentence, m.end):
            return resolve(m, ref)
    return None


def long_before(signed: str | None, release_date: str | None, days: int = 90) -> bool:
    """True when `signed` lies well before the release: an earlier partnership."""
    ref = _parse(release_date)
    if not signed or not ref:
        return False
    parts = [int(p) for p in signed.split("-")]
    when = dt.date(parts[0], parts[1] if len(parts) > 1 else 12, parts[2] if len(parts) > 2 else 28)
    return (ref - when).days > days
