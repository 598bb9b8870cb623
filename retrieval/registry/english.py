"""Party names in English signing sentences.

The subject before the signing verb ("A and B signed", "A, a biotech company, and B ...")
and the objects after "with" / "between" are split into list items outside brackets; an item
names a party when it starts with a capitalised phrase. Items that describe (an article or a
possessive then lower-case words) are appositions: after one, only ", and" resumes the list.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from partnerbot.retrieval.registry.names import (
    Name,
    is_person,
    leading_name,
    mask,
    split_top,
    title_org,
)
from partnerbot.retrieval.registry.vocab import (
    EN_NOT_NAMES,
    EN_VERBS,
    MONTHS_EN,
    ORG_WORDS_EN,
    STRONG,
    TITLE_RE,
    WEAK,
)

_SEPS = (r"(?i),\s*and\s+|,(?!\s*(?:Ltd|Inc|LLC|Co|Corp|GmbH|plc|S\.?A|AG|K\.?K|B\.?V|N\.?V)\b\.?)\s*|;\s*|"
         r"\s+and\s+|\s+as well as\s+")
_PREP = re.compile(r"^(?:so|on|in|at|during|after|before|through|by|under|since|following|as|with|for|"
                   r"today|yesterday|earlier|also|meanwhile|furthermore|moreover|however)\b", re.I)
_PRONOUN = re.compile(r"\b(?:we|our|us)\b|’re\b|'re\b", re.I)
_NOT_NAMES = EN_NOT_NAMES
_VERBS = frozenset(EN_VERBS)
_PLACE_TYPES = re.compile(r"^(?:city|state|region|province|county|prefecture|municipality|town|government)$", re.I)
# "SEOUL, REPUBLIC OF KOREA, July 20, 2022 /EINPresswire.com/ --", "BOSTON --", "Sejong, November 21-"
_DATELINE = re.compile(r"^\W*(?:[A-Z][\w.]*(?:[ ,]+[A-Z][\w.]*)*,?\s*(?:[A-Z][a-z]{2,8}\.? \d{1,2}(?:, \d{4})?)?"
                       r"\s*(?:/[^/]{1,40}/)?\s*(?:--|—|–|-)\**\s+)")


@dataclass
class Parsed:
    parties: list[Name] = field(default_factory=list)
    people: list[tuple[str, str, str]] = field(default_factory=list)  # name, title, org
    pronoun: bool = False  # "we" signed: the speaker's or publisher's organisation


def _items(text: str, stop_after_clause: bool, out: Parsed) -> None:
    chunks = split_top(text, _SEPS)
    chunks = _join_of_and(chunks)
    appositive = False
    pending_person: str | None = None
    for k, (sep, chunk) in enumerate(chunks):
        c = chunk.strip()
        if not c:
            continue
        if appositive and not re.match(r"(?i),\s*and", sep):
            continue
        if k == 0 and _PREP.match(c) and len(chunks) > 1:
            continue
        to = title_org(c)
        if to and pending_person is not None:
            org, _ = leading_name(to[1], _NOT_NAMES, MONTHS_EN)
            out.people.append((pending_person, to[0], org.name if org else ""))
            if org:
                out.parties.append(org)
            pending_person = None
            continue
        name, rest = leading_name(c, _NOT_NAMES, MONTHS_EN, _VERBS)
        if name is None:
            appositive = bool(re.match(r"(?i)^(?:an?|the|its|their|which|who|that)\b|^[a-z]", c)) or appositive
            continue
        appositive = False
        if TITLE_RE.fullmatch(name.name):
            continue  # "…, President" is a title, not a party
        nxt = chunks[k + 1][1] if k + 1 < len(chunks) else ""
        if is_person(c, name, nxt):
            pending_person = name.name
            continue
        out.parties.append(name)
        if stop_after_clause and len(re.findall(r"[a-z]{2,}", rest)) >= 2 and not re.match(
                r"^\s*(?:in|on)\s+(?:[A-Z][a-z]+\.?\s+)?\d", rest):
            break


def _join_of_and(chunks: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """"Foundation for Biomedical Research | and Innovation" is one name: an organisation word
    with "of"/"for" continued by a capitalised word after a bare "and" (not "the City of A and B")."""
    out: list[tuple[str, str]] = []
    for sep, chunk in chunks:
        prev = out[-1][1] if out else ""
        m = re.search(r"\b(\w+)\s+(?:of|for)\s+[A-Z]", prev)
        if m and sep.strip().lower() == "and" and ORG_WORDS_EN.fullmatch(m.group(1)) \
                and not _PLACE_TYPES.match(m.group(1)) and not prev.rstrip().endswith(")") \
                and re.match(r"\s*[A-Z]", chunk):
            out[-1] = (out[-1][0], prev + sep + chunk)
        else:
            out.append((sep, chunk))
    return out


def parse(sentence: str, verb: re.Match[str] | None, clause: tuple[int, int]) -> Parsed:
    """Parties, signatories and whether "we" signed, from one English signing sentence;
    `clause` is the span around the verb where "between" may introduce the parties."""
    out = Parsed()
    masked = mask(sentence, openers="([（")
    lo, hi = clause
    between = re.compile(r"(?:" + STRONG.pattern + "|" + WEAK.pattern + r")\w*\W+(?:\w+\W+){0,3}?between\s+",
                         re.I).search(masked, lo, hi)
    if verb is not None:
        lead = _DATELINE.match(sentence[:verb.start()])
        subject = sentence[lead.end() if lead else 0:verb.start()]
        if between and between.start() < verb.start():
            subject = sentence[:between.start()]
        # a quotation before "said X" belongs to the speaker
        subject = re.sub(r"^.*[”\"]\s*,?\s*", "", subject) if subject.count("“") < subject.count("”") else subject
        last = split_top(subject, _SEPS)[-1][1]
        out.pronoun = bool(_PRONOUN.search(last)) or bool(re.match(r"^\W*(?:we|our)\b", subject, re.I))
        agreement_named = any(re.match(r"\W*[A-Z].*\s(?:agreement|partnership|memorandum|collaboration|accord|"
                                       r"alliance|pact)\W*$", c) for _, c in split_top(subject, _SEPS))
        person = re.search("(?i:" + TITLE_RE.pattern + r")\s+(?:[A-Z][\w\-]+\s*){2,3}\W*$", last)
        if not (out.pronoun or agreement_named or person):
            _items(subject, False, out)
        w = re.search(r"\bwith\s+", masked[verb.end():])
        if w:
            _items(sentence[verb.end() + w.end():], True, out)
    if between:
        _items(sentence[between.end():], True, out)
    said = re.search(r"\bsaid\s+(?:by\s+)?", masked)
    if said and out.pronoun:  # "“We …,” said X, CEO of Y" / "said X, CEO, Y": Y signed
        chunks = [c for _, c in split_top(sentence[said.end():], r",\s*")]
        to = title_org(chunks[1]) if len(chunks) >= 2 else None
        if to is None and len(chunks) >= 3 and TITLE_RE.search(chunks[1]):
            to = (chunks[1].strip(), chunks[2])
        org = leading_name(to[1], _NOT_NAMES, MONTHS_EN, _VERBS)[0] if to else None
        if to and org:
            out.parties.append(org)
            out.people.append((chunks[0].strip(), to[0], org.name))
            out.pronoun = False
    if out.pronoun and re.search(r"[“”\"]", sentence):
        out.pronoun = False  # a quoted "we" whose speaker's organisation is not given
    return out


def list_items(sentence: str) -> list[str]:
    """The items of "... with the following partners: A in 2016; B in 2017; ..."."""
    masked = mask(sentence)
    colon = masked.find(":")
    if colon < 0 or masked.count(";") < 1:
        return []
    return [p for _, p in split_top(sentence[colon + 1:], r";\s*") if p.strip()]


def items_parties(item: str) -> list[Name]:
    out = Parsed()
    _items(item, False, out)
    return out.parties
