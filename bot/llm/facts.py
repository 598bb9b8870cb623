"""The numbers and dates a text states, in a form that compares across languages.

`9월 18일`, `September 18` and `9月18日` are one date; `1억 5천만 원`, `150 million won` and
`1.5億ウォン` one sum; `30%` and `30 percent` one number. A model's answer may restate a
quote's figure in the asker's conventions, but may state no figure the quotes do not hold:
`supported` says whether it does. Dates are found as the answer layer finds its spans
(`bot.answer.slots.date_spans`, over `corpus.language.dates`), so both sides are read the
same way the quotes were chosen.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from partnerbot.bot.answer.slots import date_spans  # the partial dates ("May 2016", "9일") too

DateParts = tuple[int | None, int | None, int | None]

_FULLWIDTH = str.maketrans("０１２３４５６７８９，．％", "0123456789,.%")
_CITATION = re.compile(r"[\[［]\s*\d+(?:\s*[,，、]\s*\d+)*\s*[\]］]")
_ENUMERATION = re.compile(r"(?m)^\s*\d{1,2}[.)]\s+")
_EN_SCALE = {"hundred": 1e2, "thousand": 1e3, "million": 1e6, "mn": 1e6, "billion": 1e9,
             "bn": 1e9, "trillion": 1e12}
_CJK_SCALE = {"十": 10, "百": 100, "천": 1e3, "千": 1e3, "만": 1e4, "万": 1e4, "억": 1e8,
              "億": 1e8, "조": 1e12, "兆": 1e12}
_NUMBER = re.compile(r"\d[\d,]*(?:\.\d+)?")
_CJK_AMOUNT = re.compile(r"(?:\d[\d,]*(?:\.\d+)?\s*[천千만万억億조兆]+\s*)+(?:\d[\d,]*(?:\.\d+)?(?![\d,.]))?")
_EN_AMOUNT = re.compile(r"(\d[\d,]*(?:\.\d+)?)\s?(hundred|thousand|million|billion|trillion|mn|bn)\b",
                        re.I)
_WORDS = {w: i for i, w in enumerate(
    ("zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen "
     "fifteen sixteen seventeen eighteen nineteen twenty").split())}
_WORD_NUMBER = re.compile(r"\b(" + "|".join(_WORDS) + r")\b", re.I)


@dataclass(frozen=True)
class Facts:
    """Dates (year, month, day; None where the text gives none) and numeric values."""

    dates: tuple[DateParts, ...]
    numbers: frozenset[float]

    def __bool__(self) -> bool:
        return bool(self.dates or self.numbers)


def _value(text: str) -> float | None:
    digits = text.replace(",", "")
    try:
        return float(digits)
    except ValueError:
        return None


def _cjk_value(text: str) -> float | None:
    """`1억 5천만` = 150,000,000: each number times its run of scale characters, summed."""
    total = 0.0
    for m in re.finditer(r"(\d[\d,]*(?:\.\d+)?)\s*([천千만万억億조兆]*)", text):
        value = _value(m.group(1))
        if value is None:
            return None
        for ch in m.group(2):
            value *= _CJK_SCALE[ch]
        total += value
    return total or None


def facts_of(text: str, as_written: bool = False) -> Facts:
    """Every date and number `text` states; citation marks `[n]` and list numbers are not
    statements and are left out. A sum counts by its value (`1.5 million` is 1,500,000);
    with `as_written` (the quotes' side) its digits count too, so an answer may say `150`
    of `150 million`, or `1.5억` of `150 million`."""
    text = _ENUMERATION.sub(" ", _CITATION.sub(" ", text.translate(_FULLWIDTH)))
    dates: list[DateParts] = []
    numbers: set[float] = set()
    chars = list(text)
    for span in date_spans(text):
        if span.date is not None:
            dates.append(span.date)
            numbers.update(float(p) for p in span.date if p is not None)
        chars[span.start:span.end] = " " * (span.end - span.start)
    rest = "".join(chars)
    for pattern, read in ((_CJK_AMOUNT, _cjk_value), (_EN_AMOUNT, _en_value)):
        for m in pattern.finditer(rest):
            value = read(m.group(0))
            if value is not None:
                numbers.add(value)
                if as_written:
                    numbers.update(v for v in map(_value, _NUMBER.findall(m.group(0))) if v)
            rest = rest[:m.start()] + " " * (m.end() - m.start()) + rest[m.end():]
    for m in _NUMBER.finditer(rest):
        value = _value(m.group(0).rstrip(",."))
        if value is not None:
            numbers.add(value)
    for m in _WORD_NUMBER.finditer(rest):
        numbers.add(float(_WORDS[m.group(1).lower()]))
    return Facts(dates=tuple(dict.fromkeys(dates)), numbers=frozenset(numbers))


def _en_value(text: str) -> float | None:
    m = _EN_AMOUNT.fullmatch(text.strip())
    if m is None:
        return None
    value = _value(m.group(1))
    return value * _EN_SCALE[m.group(2).lower()] if value is not None else None


def _same(a: float, b: float) -> bool:
    return abs(a - b) <= 1e-6 * max(1.0, abs(b))


def _date_supported(date: DateParts, quoted: Facts) -> bool:
    """Every part the answer gives agrees with one and the same date of the quotes (a year
    or month from elsewhere in the quotes would make a date they do not state)."""
    return any(all(mine is None or mine == theirs for mine, theirs in zip(date, other, strict=True))
               for other in quoted.dates)


def unsupported(answer: Facts, quoted: Facts) -> list[str]:
    """The answer's dates and numbers the quotes do not state (empty when all are)."""
    missing = [f"date {d}" for d in answer.dates if not _date_supported(d, quoted)]
    date_parts = {float(p) for d in answer.dates for p in d if p is not None}
    missing += [f"number {n:g}" for n in sorted(answer.numbers - date_parts)
                if not any(_same(n, q) for q in quoted.numbers)]
    return missing
