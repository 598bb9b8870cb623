"""Answers from the partnership registry: lists, counts, yes/no, timelines and periods.

A question about many partnerships at once ("Which organisations has X signed with?", "몇 곳?",
"2024年に締結された協定", "Do we have an MOU with X?") is answered from the records extracted at
index time: one line per partnership (partner in the forms the corpus gives, kind, date,
`[n]`), sorted by date, sources below. A question about one partnership (two of its parties
named, no list or count asked) and a question naming an organisation the registry does not
know go to the quoted-sentence answer, which answers or abstains.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import Any

from partnerbot.bot.answer.pipeline import citation
from partnerbot.bot.messages import message
from partnerbot.bot.partners.lines import Line, find_orgs, lines_of, org_label, period_label
from partnerbot.bot.question.cues import Period
from partnerbot.bot.question.parsed import ParsedQuestion
from partnerbot.bot.types import Answer, Citation, Quote
from partnerbot.retrieval.search import Record, SearchIndex, partners_json

__all__ = ["Ask", "answer_aggregate", "explain_rows", "org_rows", "partner_rows", "partners_answer",
           "read_question"]

QUOTED_LINES = 3  # lists this short quote each partnership's sentence under the lines


@dataclass(frozen=True)
class Ask:
    """What an aggregate question asks: how to frame the reply, about whom, when."""

    frame: str  # "list", "count", "yesno"
    org_ids: tuple[str, ...]  # one organisation: the registry's ids for its forms
    period: Period | None


def read_question(parsed: ParsedQuestion, view: SearchIndex) -> Ask | None:
    """The aggregate question `parsed` asks, or None when it asks about one partnership (or
    about nothing the registry can list)."""
    if not view.registry.records:
        return None
    period, frame = parsed.period, parsed.frame
    if (frame in (None, "count", "yesno") and not parsed.about_partnerships) or (
            frame is None and period is None):
        return None  # "how many researchers", "참여하고 있나요": not about partnerships
    found = parsed.orgs
    if found is None:  # names an organisation the registry does not know
        return None
    if len(found) >= 2:
        return None  # two parties named: one partnership, answered by quoting its release
    if not found and period is None and frame != "list":
        return None
    return Ask(frame or "list", found[0] if found else (), period)


def answer_aggregate(parsed: ParsedQuestion, view: SearchIndex) -> Answer | None:
    """The registry's answer to an aggregate question, or None to answer it from sentences."""
    ask = read_question(parsed, view)
    if ask is None:
        return None
    answer = _answer(ask, parsed.lang, view)
    return answer if answer is None else replace(answer, parties=parsed.parties)


def partners_answer(name: str, lang: str, view: SearchIndex) -> Answer | None:
    """Every partnership of the organisation called `name` (any form the corpus gives), or of
    every organisation when `name` is empty: `/partners list NAME` in chat. None when the
    registry knows no such organisation."""
    name, period = _bounds(name)
    if not name.strip():
        return _answer(Ask("list", (), period), lang, view, always=True)
    ids = _org_ids(name, view)
    if not ids:
        return None
    return _answer(Ask("list", ids, period), lang, view, always=period is not None)


_BOUND = re.compile(r"(?:^|\s)(?:--)?(since|from|until|to)\s+(\d{4}(?:-\d{2}(?:-\d{2})?)?)(?=\s|$)", re.I)


def _bounds(text: str) -> tuple[str, Period | None]:
    """`/partners list LINK-J since 2018-06 until 2020-02`: the name and the date range
    (YYYY, YYYY-MM or YYYY-MM-DD, as `partnerbot partners --since/--until` takes them)."""
    since = until = None
    for m in _BOUND.finditer(text):
        if m.group(1).lower() in ("since", "from"):
            since = m.group(2)
        else:
            until = m.group(2)
    name = _BOUND.sub(" ", text).strip()
    return name, Period(since, until) if since or until else None


def _org_ids(name: str, view: SearchIndex) -> tuple[str, ...]:
    found = find_orgs(name, view)
    if found:
        return found[0]
    return tuple(o.id for o in view.registry.find(name)[:1])


def partner_rows(view: SearchIndex, name: str | None = None, since: str | None = None,
                 until: str | None = None) -> list[dict[str, Any]] | None:
    """Records as `partnerbot partners --json` prints them, by date; with `name`, only those
    of that organisation (None when the registry knows no such organisation)."""
    ids: tuple[str, ...] = ()
    if name:
        ids = _org_ids(name, view)
        if not ids:
            return None
    dates = {rid: r.date for rid, r in view.releases.items()}
    records = view.registry.select(ids, since, until, dates)
    return partners_json(records, view.registry.orgs)


def explain_rows(view: SearchIndex, doc_id: str) -> list[dict[str, Any]] | None:
    """Every candidate party of release `doc_id`, taken or not, with the features that
    decided it (`partnerbot partners --explain ID`); None for an unknown release."""
    return view.explain_parties(doc_id)


def org_rows(view: SearchIndex) -> list[dict[str, Any]]:
    """Organisations with their forms and the releases naming them (`partnerbot orgs`)."""
    return [{"id": o.id, "name": o.name, "forms": list(o.forms), "releases": list(o.releases)}
            for o in view.registry.orgs]


def _answer(ask: Ask, lang: str, view: SearchIndex, always: bool = False) -> Answer | None:
    registry = view.registry
    dates = {rid: r.date for rid, r in view.releases.items()}
    period = ask.period or Period()
    records = registry.select(ask.org_ids, period.since, period.until, dates)
    if not records and not always:
        return None
    lines, numbers = lines_of(records, ask.org_ids, lang, view)
    citations: tuple[Citation, ...] = tuple(
        citation(n, view.releases[rid]) for rid, n in numbers.items())
    subject = org_label(registry.org(ask.org_ids[0]), lang, view) if ask.org_ids else ""
    lead = _lead(ask, lang, subject, period_label(ask.period, lang), len(lines))
    # a short list quotes each partnership's signing sentence as well, so the reply still
    # shows the releases' own words
    sources = dict.fromkeys(line.source for line in lines
                            if line.source and len(lines) <= QUOTED_LINES)
    quotes = tuple(Quote(n=numbers[rid], text=text, doc_id=rid, start=a, end=b)
                   for rid, text, a, b in (src for src in sources if src))
    stated = _stated(records, view) if ask.frame == "count" and ask.org_ids and not ask.period else None
    if stated is not None:  # the release's own figure leads; the registry's list follows
        rid, total, quote = stated
        if rid not in numbers:
            numbers[rid] = len(numbers) + 1
            citations = (*citations, citation(numbers[rid], view.releases[rid]))
        head = [message("registry_stated", lang, total=total, org=subject, n=numbers[rid])]
        if total != len(lines):
            head.append(message("registry_stated_differs", lang, n=len(lines)))
        lead = "\n".join([*head, lead])
        quotes = (Quote(numbers[rid], quote[0], rid, quote[1], quote[2]), *quotes)
    return Answer(kind="answer", text="\n".join([lead, *(line.text for line in lines)]),
                  lang=lang, quotes=quotes, citations=citations, retrieved=tuple(numbers),
                  sources_heading=message("sources", lang), rows=tuple(_rows(lines)))


def _stated(records: list[Record], view: SearchIndex) -> tuple[str, int, tuple[str, int, int]] | None:
    """The total of partnerships the latest release among `records` states ("the 16th
    cooperation partner"): (release id, figure, (sentence, start, end)), or None."""
    stated = [r for r in records if r.extra.get("total") and not r.mentioned]
    if not stated:
        return None
    r = max(stated, key=lambda r: (view.releases[r.release].date or "", int(r.extra["total"])))
    return r.release, int(r.extra["total"]), (r.extra["total_sentence"], int(r.extra.get("total_start") or 0),
                                              int(r.extra.get("total_end") or 0))


def _lead(ask: Ask, lang: str, subject: str, period: str, n: int) -> str:
    if not subject:
        return message("registry_all", lang, period=period, n=n)
    key = {"count": "registry_count", "yesno": "registry_yes"}.get(ask.frame, "registry_list")
    return message(key, lang, org=subject, period=period, n=n)


def _rows(lines: list[Line]) -> list[str]:
    return [line.text for line in lines]
