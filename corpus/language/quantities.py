"""Quantities in English, Korean and Japanese text: sums with their currencies, counts with
their counters, durations. One pattern each, read by the question kinds (can a sentence
answer "how much"?), the answer spans and the composer's checks.
"""

from __future__ import annotations

import re

# a sum of money: a currency sign or code before, or a currency word after the figure
_CURRENCY = r"(?:[€$¥₩£]|(?:KRW|USD|JPY|EUR|GBP|US\$)\s?)"
_SCALE_EN = r"(?:\s?(?:hundred|thousand|million|billion|trillion|mn|bn|m|b)\b)?"
MONEY = re.compile(
    rf"(?:(?:about|around|approximately|nearly|over|more than|up to|some)\s+)?"
    rf"{_CURRENCY}\s?\d[\d,.]*{_SCALE_EN}|"
    rf"\d[\d,.]*{_SCALE_EN}\s?(?:won|dollars?|euros?|yen|pounds?|yuan|KRW|USD|JPY|EUR|GBP|CNY|RMB)\b|"
    r"(?:약\s?)?\d[\d,.]*\s*(?:천|만|억|조)?(?:\s?\d[\d,.]*\s*(?:천|만|억))?\s?(?:원|달러|유로|엔)|"
    r"(?:約)?\d[\d,.]*\s*(?:万|億|兆)?\s?(?:円|ドル|ユーロ|ウォン)", re.I)
COUNT = re.compile(
    r"(?:(?:more than|over|about|around|approximately|nearly|some|up to|at least)\s+)?"
    r"\d[\d,.]*\s*(?:%|percent\b|(?-i:[a-z][a-z]+(?:\s[a-z]+)?))|"
    r"(?:약\s?)?\d[\d,.]*\s*(?:여\s?)?(?:개사|개국|개소|개(?![월년])|명|곳|건|사(?![업])|배|종|회|%|퍼센트)|"
    r"(?:約)?\d[\d,.]*\s*(?:社|人|名|件|カ国|か国|ヶ国|校|%|パーセント)(?:以上)?|"
    r"\b(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|dozens?|"
    r"hundreds?|thousands?)\s+(?-i:[a-z]+)", re.I)

# anything that reads as a quantity (a figure with a unit or counter, a number word): a looser
# test than COUNT, for "can this sentence answer how many at all"
QUANTITY = re.compile(
    r"\d[\d,.]*\s*(?:%|[a-z€$¥₩]|개|명|곳|건|원|억|조|만|천|배|사|시간|분|평|㎡|회|종|개국|人|社|件|円|万|億)|"
    r"[€$¥₩]\s?\d|\b(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|dozens?|"
    r"hundreds?|thousands?|millions?|billions?)\b|[0-9]+\s*(?:여|여개|여명)|[한두세네]\s?(?:명|곳|개|건)",
    re.I)

# how long an agreement runs: "for three years", "2030년까지", "5年間"
DURATION = re.compile(
    r"\b(?:for|of|over)\s+(?:a\s+(?:term|period)\s+of\s+)?(?:\d+|one|two|three|four|five|six|seven|eight|"
    r"nine|ten)\s+(?:more\s+)?(?:years?|months?)\b|\b(?:\d+|one|two|three|four|five|six|seven|eight|"
    r"nine|ten)[- ](?:years?|months?)\b|\b(?:until|through|till|to)\s+(?:the\s+end\s+of\s+)?"
    r"(?:(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?\s+)?(?:19|20)\d\d\b|"
    r"(?:19|20)\d\d\s*년(?:\s*\d{1,2}\s*월)?\s*까지|(?<!\d)\d{1,2}\s*(?:년|개월)\s*(?:간|동안)?(?!\s*\d)|"
    r"(?:19|20)\d\d\s*年(?:\s*\d{1,2}\s*月)?\s*まで|(?<!\d)\d{1,2}\s*(?:年間|か月|ヶ月|カ月)|(?<!\d)\d{1,2}\s*年(?!\s*\d|度)", re.I)


_CURRENCIES = (("€", "eur", "euro", "유로", "ユーロ"), ("$", "usd", "dollar", "달러", "ドル"),
               ("₩", "krw", "won", "원"), ("¥", "jpy", "yen", "円", "엔"), ("£", "gbp", "pound", "파운드"))


_ASKED_CURRENCY = [re.compile(p, re.I) for p in (
    r"€|\beur(os?)?\b|유로|ユーロ", r"\$|\busd\b|\bdollars?\b|달러|ドル",
    r"₩|\bkrw\b|\bwon\b|원화|\d\s*원|ウォン", r"¥|\bjpy\b|\byen\b|円|엔화",
    r"£|\bgbp\b|\bpounds?\b|파운드")]


def currency_of(text: str, asked: bool = False) -> int | None:
    """Which currency a sum (or, with `asked`, a question: "in euros", "원화로") is in."""
    if asked:
        return next((i for i, p in enumerate(_ASKED_CURRENCY) if p.search(text)), None)
    lowered = text.casefold()
    return next((i for i, group in enumerate(_CURRENCIES) if any(c in lowered for c in group)),
                None)
