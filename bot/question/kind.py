"""What kind of answer a question wants: a date, a number, names, a place, several items.

Evidence selection prefers sentences that can answer that kind; it never decides alone.
"""

from __future__ import annotations

import re
from enum import Enum

from partnerbot.corpus.language.dates import has_date, without_dates
from partnerbot.corpus.language.quantities import DURATION, MONEY, QUANTITY


class Kind(Enum):
    WHEN = "when"
    AMOUNT = "amount"  # a sum of money: a count alone ("six months") does not answer it
    COUNT = "count"
    DURATION = "duration"  # how long an agreement runs: "two years", "2030년 3월까지"
    WHO = "who"
    WHERE = "where"
    LIST = "list"
    OTHER = "other"


_CUES: list[tuple[Kind, re.Pattern[str]]] = [
    # durations first: "몇 년 동안" / "how many years" / "언제까지" ask for a span of time
    (Kind.DURATION, re.compile(
        r"몇\s?(년|개월|달)\s?(동안|간)?|how many (years|months)|何年間|"
        r"\bhow long\b(?! ago)|\b(until|till) when\b|\bvalid(ity)?\b|\bduration\b|"
        r"\bterm of\b|(유효)?기간|언제까지|얼마\s?동안|(有効)?期間|いつまで", re.I)),
    (Kind.LIST, re.compile(
        r"\b(which (organi[sz]ations|partners|companies|institutions|areas|fields)|list|"
        r"what (areas|fields|partners|programs))\b|어떤 (기관|분야|협력|파트너)들?|목록|분야는|"
        r"どの(機関|分野)|分野は|領域は", re.I)),
    (Kind.WHEN, re.compile(
        r"\b(when|what (date|year|month|day)|which year|in what year|since when|how long ago)\b|"
        r"언제|날짜|일자|연도|몇\s?년|며칠|시기|いつ|何年|何月|日付|時期|(締結|調印|署名|開始|設立)日|"
        r"年月日", re.I)),
    (Kind.AMOUNT, re.compile(
        r"\b(how much (money|funding|investment|capital|budget)|how much\b.*\b(fund|invest|pay|"
        r"spen[dt]|cost|raise|commit|grant|budget|worth)\w*|(what|which) (amount|sum)|"
        r"(amount|size|value) of (the )?(funding|investment|budget|grant|deal|contract)|"
        r"in (won|dollars|yen|euros?|krw|usd|jpy|eur)\b|how much\b(?!\s+(time|longer))|"
        r"how many (euros?|dollars?|won|yen|pounds?)\b|money)|얼마(?!나)|비용|기금|구축비|연구비|"
        r"(투자|지원|예산|자금|펀드|계약|사업)\S{0,3}\s?(금액|액수|규모|얼마)|얼마를?\s?(투자|지원|출자)|"
        r"(금액|액수|예산)[은는이가]|원화로|いくら|金額|予算|投資額|資金", re.I)),
    (Kind.COUNT, re.compile(
        r"\b(how (many|much|long|large|big)|number of|amount|worth|revenue|size)\b|"
        r"몇|얼마|규모|금액|액수|매출|개수|いくつ|いくら|何社|何人|何件|何名|何回|何校|何か国|"
        r"規模|金額|(企業|会社|社|人|件|会員)数", re.I)),
    (Kind.WHO, re.compile(r"\b(who|whom|whose|which (company|organi[sz]ation|agency|firm)|"
                          r"name of|what('s| is) the name)\b|이름|성함|名前|"
                          r"누구|누가|어느 (회사|기관|기업)|어떤 (회사|기관|기업)|(기관|기업|회사|단체|인물)[은는이가]?\s*\??\s*$|"
                          r"誰|どなた|どの(会社|企業|機関)|"
                          r"(署名者|代表者|学長|社長|理事長|所長|知事|市長|会長|院長|総長)は",
                          re.I)),
    (Kind.WHERE, re.compile(r"\b(where|what (city|place|venue|location|event)|(which|what) "
                            r"(event|venue|forum|conference|fair|exhibition))\b|어디|장소|위치|"
                            r"(어떤|무슨|어느) (행사|자리|회의|포럼)|행사에서|どこ|場所|会場|どの(イベント|会議)|"
                            r"イベントは|開催地",
                            re.I)),
]


# kinds whose answer must literally hold a date, a sum or a number
MUST_FIT = frozenset({Kind.WHEN, Kind.AMOUNT, Kind.COUNT, Kind.DURATION})


def question_kind(text: str) -> Kind:
    for kind, pattern in _CUES:
        if pattern.search(text):
            return kind
    return Kind.OTHER


_NAME = re.compile(r"\b[A-Z][a-z]+(?:\s+[A-Z][a-zA-Z\-]+)+\b|\b[A-Z]{2,}\b|"
                   r"(대표|장관|차관|이사장|사장|회장|교수|박사|단장|실장|부지사|지사|총장|CEO)")
_PLACE = re.compile(r"\b(in|at)\s+[A-Z]|[시도구동]\s|센터|팩토리|호텔|에서|で", re.I)


def fits(kind: Kind, sentence: str) -> bool:
    """Can this sentence answer a question of this kind at all?"""
    if kind is Kind.WHEN:
        return has_date(sentence)
    if kind is Kind.AMOUNT:
        return bool(MONEY.search(sentence))
    if kind is Kind.COUNT:  # a quantity, not the digits of a date
        return bool(QUANTITY.search(without_dates(sentence)))
    if kind is Kind.DURATION:
        return bool(DURATION.search(sentence))
    if kind is Kind.WHO:
        return bool(_NAME.search(sentence))
    if kind is Kind.WHERE:
        return bool(_PLACE.search(sentence))
    return True
