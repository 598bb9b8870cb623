"""What a sentence offers for the question's kind, as a span: a date, a sum, a count, a
person, a place.

The answer span leads the reply ("the answer first"), and is highlighted in the quote, so it
must be a verbatim part of the sentence; `localise` may rewrite a date in the asker's
conventions, adding nothing the span does not say (no year for a year-less date).
"""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass

from partnerbot.bot.question.kind import Kind
from partnerbot.corpus.language.dates import mentions
from partnerbot.corpus.language.people import title_pattern
from partnerbot.corpus.language.quantities import COUNT, DURATION, MONEY, currency_of


@dataclass(frozen=True)
class Span:
    start: int
    end: int
    kind: Kind
    # the parsed date of a WHEN span (year, month, day; None where the text gives none)
    date: tuple[int | None, int | None, int | None] | None = None
    # 2: fits what the question names (the count of the asked noun, the person with the
    # asked title); 1: a span of the kind; 0: a weak one (a duration for "how many")
    quality: int = 1


_TITLES_EN = title_pattern("en")
_UP, _LOW = "A-ZÀ-ÖØ-Þ", "a-zß-öø-ÿ"
_NAME_EN = (rf"[{_UP}][{_LOW}]+(?:[- ][{_UP}][{_UP}{_LOW}]+){{1,2}}|"
            rf"[A-Z]{{2,}}\s[{_UP}][{_LOW}]+(?:-[{_LOW}]+)?")
_TITLES_KO = title_pattern("ko")
_TITLES_JA = title_pattern("ja")
_PERSON = [
    re.compile(rf"(?:{_TITLES_EN}\s+(?:of\s+[^,.;]+?\s+)?)?(?<![A-Za-z])(?:{_NAME_EN})"
               rf"(?=,\s*(?:the\s+)?{_TITLES_EN}|\s*\((?:{_TITLES_EN})|\s+said\b)"),
    re.compile(rf"\b(?i:{_TITLES_EN})(?:\s+of\s+(?:the\s+)?[A-Za-z][\w&\-]*(?:\s+[A-Z][\w&\-]*)*)?"
               rf"[,:]?\s+(?:{_NAME_EN})"),
    re.compile(rf"(?<![가-힣])[가-힣]{{2,4}}\s{_TITLES_KO}(?=[은는이가과와의도,\s)]|$)"),
    re.compile(rf"\({_TITLES_KO}\s?[가-힣]{{2,4}}\)"),
    re.compile(rf"(?<![가-힣])[가-힣]{{3}}\s[가-힣A-Za-z\-]{{2,20}}{_TITLES_KO}(?=[은는이가과와의도,\s(]|$)"),
    re.compile(rf"{_TITLES_JA}\s?[:：]?\s?[一-龯々]{{1,3}}\s?[一-龯々ぁ-ん]{{1,3}}"),
    re.compile(rf"[一-龯々]{{1,3}}\s?[一-龯々]{{1,3}}\s?{_TITLES_JA}"),
]
_ASKED_TITLE = re.compile(rf"(?i:{_TITLES_EN})|{_TITLES_KO}|{_TITLES_JA}|chief|head|leader|"
                          r"signed|signatory|서명|署名|대표자|代表者")


_EVENT = re.compile(r"\b(Forum|Conference|Summit|Days?|Week|Fair|Expo|Convention|Symposium|Congress|"
                    r"Festival|Show|Hall|Center|Centre|Headquarters|Campus|Exhibition)\b|"
                    r"포럼|행사|박람회|컨퍼런스|콘퍼런스|심포지엄|전시회|홀|센터|회의실|본부|캠퍼스|"
                    r"フォーラム|会議|展示会|博覧会|シンポジウム|ホール|センター|会場|キャンパス|講堂")
_SIGNING = re.compile(r"\b(sign(ed|ing)?|conclud(ed|es|ing)|entered into|renew(ed|al)?|extend(ed)?|"
                      r"mou|memorandum|agreement|ceremony)\b|체결|서명|맺|연장|협약|양해각서|"
                      r"締結|調印|署名|結ん|更新|覚書|協定|契約|調印式", re.I)
def asks_for_title(question: str) -> bool:
    """Does a "who" question ask for a person (the CEO, who signed), rather than for an
    organisation ("who founded it?", "누가 주요 주주야?")?"""
    return bool(_ASKED_TITLE.search(question))


_PLACE = [
    re.compile(r"\b(?:at|in|during)\s+(?:the\s+)?((?:[A-Z0-9][\w'&\-]*)(?:\s+(?:(?:of|the|de|and|for)\s+)?"
               r"[A-Z0-9][\w'&\-]*)*(?:,?\s+in\s+[A-Z][\w\-]+(?:\s+[A-Z][\w\-]+)*)?)"),
    re.compile(r"((?:[가-힣A-Za-z0-9·‘’'\"()\-]+(?<![은는을를이가과와의]) ){0,3}"
               r"[가-힣A-Za-z0-9·‘’'\"()\-]+?)에서(?=\s)"),
    re.compile(r"([一-龯ぁ-んァ-ヶー・A-Za-z0-9「」『』()（）]{2,30}?)(?:にて|において|で(?![しすきあはもなく]))"),
]


# the date forms an answer span may be: a signing is not "today" as a release says it
SPAN_DATE_FORMS = frozenset({"full", "yearless", "month_year", "day", "year", "era_year"})


def date_spans(sentence: str) -> list[Span]:
    """The dates a sentence states, partial ones too ("May 2016", "지난 19일"), as spans."""
    return [Span(m.start, m.end, Kind.WHEN, (m.year, m.month, m.day))
            for m in mentions(sentence) if m.form in SPAN_DATE_FORMS]


_ANNOUNCED = re.compile(r"^\s*(?:에\s*)?(?:밝혔|발표했|전했|알렸)|^\s*[,]?\s*(?:—|--|–)|"
                        r"^\s*(?:\([A-Za-z]+\))?\s*[-–—/]|^\s*[、,]?\s*(?:に|、)?発表")


def _weigh_date(span: Span, sentence: str, signing: bool = False) -> Span:
    """A dateline ("SEOUL, June 12, 2023 —") or an announcement day ("체결했다고 12일
    밝혔다") dates the release, not what it reports: weak answers to "when was it signed".
    A date beside a signing verb answers that question best."""
    after = sentence[span.end:span.end + 12]
    rest = (sentence[:span.start] + sentence[span.end:]).strip(" ,—–-")
    if (_ANNOUNCED.search(after) or (span.start < 40 and re.match(r"\s*[—–-]", after))
            or (len(rest) < 30 and rest.upper() == rest)):
        return Span(span.start, span.end, span.kind, span.date, quality=0)
    if signing:
        # "when was the MOU signed?": a date beside the signing answers it; a date with
        # nothing of an agreement near it (a founding year) does not
        near = _SIGNING.search(sentence[max(0, span.start - 60):span.end + 60])
        return Span(span.start, span.end, span.kind, span.date, quality=2 if near else 1)
    return span


def _completeness(span: Span) -> int:
    return sum(v is not None for v in span.date or ())


_COUNTER = re.compile(r"(?:何|몇\s?)(件|名|人|社|カ国|か国|校|명|개사|개국|곳|건)")
_PEOPLE, _FIRMS, _CASES, _NATIONS = ("人", "名", "명"), ("社", "개사", "곳", "개"), ("件", "건"), (
    "カ国", "か国", "ヶ国", "개국")
_COUNTER_GROUPS = {c: g for g in (_PEOPLE, _FIRMS, _CASES, _NATIONS) for c in g}
_TIME_UNITS = re.compile(r"\b(years?|months?|weeks?|days?|hours?|minutes?)\b|개월|년간|시간|ヶ月|か月|年間",
                         re.I)


def find_span(kind: Kind, sentence: str, question: str = "",
              hints: Collection[str] = ()) -> Span | None:
    """The part of `sentence` that answers a question of `kind`, or None. `hints` are the
    question's words in every language (its glossary expansion): the asked noun of a count,
    the asked title of a person."""
    if kind is Kind.WHEN:
        signing = bool(_SIGNING.search(question))
        spans = [_weigh_date(s, sentence, signing) for s in date_spans(sentence)]
        return max(spans, key=lambda s: (s.quality, _completeness(s), -s.start)) if spans else None
    if kind is Kind.AMOUNT:
        m = MONEY.search(sentence)
        if not m:
            return None
        asked, given = currency_of(question, asked=True), currency_of(m.group(0))
        # "how many euros" is not answered by a sum in yen
        quality = 0 if asked is not None and given is not None and asked != given else 1
        return Span(m.start(), m.end(), kind, quality=quality)
    if kind is Kind.DURATION:
        m = DURATION.search(sentence)
        return Span(m.start(), m.end(), kind, quality=2) if m else None
    if kind is Kind.COUNT:
        return _count_span(sentence, question, hints)
    if kind is Kind.WHO:
        return _person_span(sentence, hints)
    if kind is Kind.WHERE:
        for pattern in _PLACE:
            found = [(a, b, m.group(0)) for m in pattern.finditer(sentence)
                     for a, b in [_place_words(sentence, m.start(1), m.end(1))] if b > a]
            # an event or a venue ("at the Forum 2024") says more than "in the country"
            found.sort(key=lambda f: (not _EVENT.search(f[2]), not f[2].startswith("at")))
            if found:
                a, b, text = found[0]
                return Span(a, b, kind, quality=2 if _EVENT.search(text) else 1)
        return None
    return None


def _person_span(sentence: str, hints: Collection[str]) -> Span | None:
    """The person named in `sentence`; the one whose title and organisation the question
    names most (chairman, 이사장, 理事長; "CEO of Medicen") first. A person's own words run from
    a little before the name to the next person named."""
    found: list[Span] = []
    for pattern in _PERSON:
        for m in pattern.finditer(sentence):
            if any(m.start() < f.end and f.start < m.end() for f in found):
                continue
            found.append(Span(m.start(), m.end(), Kind.WHO))
    if not found:
        return None
    asked = {h.casefold().strip("?？.,") for h in hints if len(h) >= 3}
    # a "person" spelling the question's own words is a title or an organisation
    people = sorted((f for f in found if not any(h in sentence[f.start:f.end].casefold()
                                                 for h in asked)), key=lambda f: f.start)
    if not people:
        return max(found, key=lambda f: -f.start)
    scored: list[tuple[int, Span]] = []
    for i, span in enumerate(people):
        begin = max(span.start - 30, people[i - 1].end if i else 0)
        stop = people[i + 1].start if i + 1 < len(people) else span.end + 60
        around = (sentence[begin:span.start] + " " + sentence[span.end:stop]).casefold()
        count = sum(h in around for h in asked)
        scored.append((count, Span(span.start, span.end, Kind.WHO,
                                   quality=2 if count else 1)))
    return max(scored, key=lambda cs: (cs[1].quality, cs[0], -cs[1].start))[1]


def _place_words(sentence: str, start: int, end: int) -> tuple[int, int]:
    """Trim a place to the words that name it: no leading date ("14일"), time or a word
    ending in a particle ("진흥원은")."""
    words = list(re.finditer(r"\S+", sentence[start:end]))
    keep = len(words)
    for i in range(len(words) - 1, -1, -1):
        w = words[i].group(0)
        if i < len(words) - 1 and (re.search(r"\d+\s*[년월일時]|\d{1,2}:\d\d|^\d+$", w)
                                   or re.search(r"[은는을를이가과와]$", w)):
            break
        keep = i
    if keep >= len(words):
        return start, start
    return start + words[keep].start(), end


def _count_span(sentence: str, question: str, hints: Collection[str] = ()) -> Span | None:
    dates = [(s.start, s.end) for s in date_spans(sentence)]
    words = {w.lower().rstrip("s") for w in re.findall(r"[A-Za-z]{3,}", question)}
    wants_time = bool(_TIME_UNITS.search(question))
    counter = _COUNTER.search(question)
    units = [h for h in hints if h and not h.isascii()]
    best: tuple[int, Span] | None = None
    for m in COUNT.finditer(sentence):
        if any(a <= m.start() < b for a, b in dates):
            continue
        text = m.group(0)
        end = m.end()
        number = re.search(r"\d[\d,.]*", text)
        unit = re.findall(r"[A-Za-z]+", text[number.end():]) if number else []
        if len(unit) == 2 and unit[1].lower().rstrip("s") not in words:
            # "150 tenant companies", but "40 companies" rather than "40 companies to"
            end = m.start() + text.rindex(unit[1]) - 1
        # "40 companies" answers "how many companies": prefer the number of the asked noun
        asked = any(w.lower().rstrip("s") in words for w in re.findall(r"[A-Za-z]+", text)) \
            or any(u in text for u in units)
        timed = bool(_TIME_UNITS.search(sentence[m.start():m.end() + 3]))
        quality = 0 if timed and not wants_time else (2 if asked else 1)
        if counter and re.search(r"[^\x00-\u2fff]", text) and not any(
                c in text for c in _COUNTER_GROUPS.get(counter.group(1), (counter.group(1),))):
            quality = 0  # "何件" is not answered by "5名" (a count in another script may be)
        if best is None or quality > best[0]:
            best = (quality, Span(m.start(), end, Kind.COUNT, quality=quality))
    return best[1] if best else None


_KO_MONTH = "{m}월"
_JA_MONTH = "{m}月"
_EN_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
              "September", "October", "November", "December")


def localise(span: Span, text: str, lang: str) -> str:
    """The span in the asker's conventions where that adds nothing: a date's parts written the
    asker's way (only the parts the text gives); anything else as written."""
    if span.kind is not Kind.WHEN or span.date is None:
        return text
    year, month, day = span.date
    if month is None and day is not None:
        return text  # "지난 19일": the month is not in the sentence
    if lang == "ko":
        parts = [f"{year}년" if year else "", f"{month}월" if month else "",
                 f"{day}일" if day else ""]
        return " ".join(p for p in parts if p) or text
    if lang == "ja":
        parts = [f"{year}年" if year else "", f"{month}月" if month else "",
                 f"{day}日" if day else ""]
        return "".join(parts) or text
    if lang == "en":
        if month and day:
            return f"{_EN_MONTHS[month - 1]} {day}, {year}" if year else \
                f"{_EN_MONTHS[month - 1]} {day}"
        if month:
            return f"{_EN_MONTHS[month - 1]} {year}" if year else _EN_MONTHS[month - 1]
        return str(year) if year else text
    return text
