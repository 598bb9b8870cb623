"""Registry answers, line by line: which organisations a question names, how a partner is
written for the asker, and one line per partnership.

A partnership reported by several releases (a release and its translation, a later release
listing it among earlier ones) is one line citing each of them.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from partnerbot.bot.messages import message
from partnerbot.bot.question.cues import Period
from partnerbot.bot.question.terms import general_terms, name_like, org_words
from partnerbot.corpus.language.korean import strip_particle
from partnerbot.corpus.language.scripts import lang_of_script
from partnerbot.retrieval.search import NameForms, Org, PartyMention, Record, SearchIndex

_ACRONYM = re.compile(r"[A-Z][A-Z0-9&\-]{1,7}")
_CJK_WORD = re.compile(r"[\uac00-\ud7a3]{2,}|[\u30a0-\u30ff\u4e00-\u9fff々ー・]{2,}")


# ---- which organisations a question names ----------------------------------------------------

def _pattern(form: str) -> re.Pattern[str] | None:
    """A form as a pattern: Latin words on word boundaries, any spacing or hyphenation;
    Korean and Japanese as written, spaces optional."""
    parts = [p for p in re.split(r"[\s\-‐·・]+", form.strip()) if p]
    if not parts:
        return None
    body = r"[\s\-‐·・]*".join(re.escape(p) for p in parts)
    if lang_of_script(form) == "en":
        if len(form.replace(" ", "")) < 3:
            return None
        return re.compile(r"(?<![A-Za-z0-9])" + body + r"(?![A-Za-z0-9])", re.IGNORECASE)
    return re.compile(body) if len("".join(parts)) >= 2 else None


def _generic(form: str) -> bool:
    words = form.casefold().split()
    return all(w in general_terms() or w in org_words() for w in words)


def find_orgs(text: str, view: SearchIndex) -> list[tuple[str, ...]] | None:
    """The organisations `text` names, each as the ids of the registry's organisations that
    are written like it in any script (`Kawasaki` ~ `川崎市`, when the registry could not
    join them); None when it also names something that reads as an organisation the registry
    does not know ("Acme Therapeutics")."""
    registry = view.registry
    spans: list[tuple[int, int, str]] = []
    forms = sorted(((f, o.id) for o in registry.orgs for f in o.forms if not _generic(f)),
                   key=lambda fo: -len(fo[0]))
    for form, oid in forms:
        pat = _pattern(form)
        if pat is None:
            continue
        for m in pat.finditer(text):
            if not any(a < m.end() and m.start() < b for a, b, _ in spans):
                spans.append((m.start(), m.end(), oid))
    groups: list[tuple[str, ...]] = []
    for a, b, oid in sorted(spans):
        if not any(oid in g for g in groups):
            groups.append(_same(text[a:b], oid, view))
    for name in _names(text):
        start = text.find(name)
        if any(a <= start < b for a, b, _ in spans):
            continue
        known = _known(name, view)
        if known is None:
            return None
        if known and not any(known in g for g in groups):
            groups.append(_same(name, known, view))
    return groups


def _same(name: str, oid: str, view: SearchIndex) -> tuple[str, ...]:
    """`oid` and the organisations written as another form of `name` the corpus gives."""
    core = " ".join(w for w in name.split() if not _generic(w))  # "City of Kawasaki" -> "Kawasaki"
    return view.identity.orgs_like([name, core or name], oid, keep=lambda f: not _generic(f))


def _names(text: str) -> list[str]:
    """Runs of capitalised Latin words, and Korean/Japanese words that read as names of
    bodies or places."""
    general, kinds = general_terms(), org_words()
    out: list[str] = []
    for run in NameForms.name_runs(text):
        words = [w for w in run if w.casefold() not in general
                 and w.casefold().removesuffix("s") not in general]  # "Partnerships"
        if words and not all(w.casefold() in kinds for w in words) and any(
                not re.search(r"[\uac00-\ud7a3\u3040-\u30ff\u4e00-\u9fff]", w) for w in words):
            out.append(" ".join(words))
    for m in _CJK_WORD.finditer(text):
        word = strip_particle(m.group(0)) if lang_of_script(m.group(0)) == "ko" else m.group(0)
        if len(word) >= 2 and word.casefold() not in general and name_like(word):
            out.append(word)
    return out


def _known(name: str, view: SearchIndex) -> str | None:
    """The organisation `name` (or a form the corpus gives for it) is; "" when it is a name
    of something else the corpus knows (a place, a person); None when it is unknown."""
    registry = view.registry
    found = view.identity.org_of(name)
    if found:
        return found
    words = name.casefold().split()
    for org in registry.orgs:  # a short form: "Kestrel" for "Kestrel Genomics"
        if any(f.casefold().split()[:len(words)] == words and not _generic(f.split()[0])
               for f in org.forms if lang_of_script(f) == "en" and len(f.split()) > len(words)):
            return org.id
    if view.terms.known([name]):
        return ""  # the corpus writes it but no partnership has it as a party: not a party
    return None


# ---- how a partner is written ----------------------------------------------------------------

def org_label(org: Org | None, lang: str, view: SearchIndex) -> str:
    """The organisation in the asker's script first, then its most used name in another script:
    `메디센 파리 리전 (Medicen Paris Region)`."""
    if org is None:
        return "?"
    names = _names_of(org, view)
    mine = [n for n in names if lang_of_script(n) == lang]
    first = mine[0] if mine else names[0]
    also = list(dict.fromkeys(n for n in (
        next((n for n in names if lang_of_script(n) != lang_of_script(first)), None),
        _acronym(org, first)) if n))
    return f"{first} ({', '.join(also)})" if also else first


def _acronym(org: Org, name: str) -> str | None:
    """The abbreviation the corpus defines for the organisation (`UCLA`), unless the name
    shown already is one."""
    if _ACRONYM.fullmatch(name):
        return None
    return min((f for f in org.forms if _ACRONYM.fullmatch(f)), key=len, default=None)


def _names_of(org: Org, view: SearchIndex) -> list[str]:
    """The organisation's names, those parties were most often written as first."""
    counts: Counter[str] = Counter()
    for r in view.registry.records:
        for p in r.parties:
            if p.org == org.id:
                counts[p.name] += 1
    names = sorted(counts, key=lambda n: (-counts[n], -len(n)))
    rest = [f for f in org.forms if f not in counts and "(" not in f]
    return list(dict.fromkeys([*names, *rest, org.name]))


def _written(value: str | None, lang: str) -> str:
    """A YYYY, YYYY-MM or YYYY-MM-DD bound as the asker's language writes it."""
    parts = (value or "").split("-")
    if lang in ("ko", "ja"):
        units = ("년", "월", "일") if lang == "ko" else ("年", "月", "日")
        sep = " " if lang == "ko" else ""
        return sep.join(f"{int(p) if i else p}{units[i]}" for i, p in enumerate(parts))
    return value or ""


def period_label(period: Period | None, lang: str) -> str:
    """The period of a registry answer: years as before, months and days written out."""
    if period is None or not (period.since or period.until):
        return ""
    if any(v and len(v) > 4 for v in (period.since, period.until)):
        since, until = _written(period.since, lang), _written(period.until, lang)
        if period.since and period.since == period.until:
            return message("registry_in_date", lang, since=since)
        if period.since and period.until:
            return message("registry_between_date", lang, since=since, until=until)
        if period.since:
            return message("registry_since_date", lang, since=since)
        return message("registry_until_date", lang, until=until)
    if period.one_year:
        return message("registry_in", lang, year=period.one_year)
    if period.since and period.until:
        return message("registry_between", lang, since=period.since, until=period.until)
    if period.since:
        return message("registry_since", lang, year=period.since)
    return message("registry_until", lang, year=period.until)


# ---- one line per partnership ----------------------------------------------------------------

@dataclass(frozen=True)
class Line:
    text: str
    date: str
    releases: tuple[str, ...]
    # the signing sentence, verbatim: (release id, sentence, start, end); start/end are 0 for
    # a release's title
    source: tuple[str, str, int, int] | None = None


def lines_of(records: Sequence[Record], subject: Sequence[str], lang: str,
             view: SearchIndex) -> tuple[list[Line], dict[str, int]]:
    """One line per partnership, by date; and release id -> its `[n]`, numbered in order."""
    registry = view.registry
    dates = {rid: r.date for rid, r in view.releases.items()}
    groups: dict[tuple[frozenset[str], str, str], list[Record]] = {}
    for r in records:
        when = registry.date_of(r, dates) or ""
        key = (frozenset(p.org or p.name for p in r.parties), r.kind, when[:4])
        groups.setdefault(key, []).append(r)
    for orgs, kind, year in list(groups):
        dated = [k for k in groups if k[:2] == (orgs, kind) and k[2]]
        if not year and len(dated) == 1:  # the same partnership, one release without a date
            groups[dated[0]].extend(groups.pop((orgs, kind, year)))
    _join_translations(groups, view)
    _absorb_listed(groups, subject)
    numbers: dict[str, int] = {}
    lines: list[Line] = []
    ordered = sorted(groups.values(), key=lambda g: (
        max((registry.date_of(r, dates) or "" for r in g), key=len) or "9999", g[0].release))
    for group in ordered:
        when = max((registry.date_of(r, dates) or "" for r in group), key=len)
        rel = list(dict.fromkeys(r.release for r in sorted(group, key=lambda r: r.mentioned)))
        marks = "".join(f"[{numbers.setdefault(rid, len(numbers) + 1)}]" for rid in rel)
        parties = [p for p in group[0].parties if p.org not in subject] or list(group[0].parties)
        names = " · ".join(org_label(registry.org(p.org), lang, view) if p.org else p.name
                           for p in parties)
        kind = message("kind_" + group[0].kind, lang) if group[0].kind else ""
        note = " " + message("registry_mentioned", lang) if all(r.mentioned for r in group) else ""
        date = when or message("registry_undated", lang)
        lines.append(Line(f"• {names} — {kind}, {date}{note} {marks}", when, tuple(rel),
                          _source(group, lang, view)))
    return lines, numbers


def _join_translations(groups: dict[tuple[frozenset[str], str, str], list[Record]], view: SearchIndex) -> None:
    """A release and its translation report one signing even when they read it a little
    differently (an MOU in one, an agreement in the other; a third party named in one only):
    groups of the same year holding a release and its translation, one's organisations within
    the other's or sharing two, are one line."""
    changed = True
    while changed:
        changed = False
        keys = sorted(groups, key=lambda k: -len(k[0]))
        for i, a in enumerate(keys):
            for b in keys[i + 1:]:
                if (a[2] and b[2] and a[2] != b[2]) or not (b[0] <= a[0] or len(a[0] & b[0]) >= 2):
                    continue
                paired = any(view.translation_of(x.release) == y.release for x in groups[a] for y in groups[b])
                if paired:
                    groups[a].extend(groups.pop(b))
                    changed = True
                    break
            if changed:
                break


def _covers(party: PartyMention, record: Record) -> bool:
    """`record` names the organisation of `party`: the same organisation, or a name the
    party's name begins ("Yokohama" in "Yokohama City" of the same subject's partnerships)."""
    if party.org and party.org in {p.org for p in record.parties}:
        return True
    words = party.name.casefold().split()
    return any(p.name.casefold().split()[:len(words)] == words for p in record.parties)


def _absorb_listed(groups: dict[tuple[frozenset[str], str, str], list[Record]], subject: Sequence[str]) -> None:
    """A dateless list of earlier partners ("LINK-J · Kawasaki · Yokohama (mentioned)") whose
    every partner has a partnership of its own among the lines is not another partnership:
    its release becomes one more source of each of those lines."""
    for k in [k for k, g in groups.items() if not k[2] and all(r.mentioned for r in g)]:
        others = [(o, g) for o, g in groups.items() if o != k]
        partners = [p for p in groups[k][0].parties if p.org not in subject]
        homes = [[g for _, g in others if any(_covers(p, r) for r in g)] for p in partners]
        if partners and all(homes):
            listed = groups.pop(k)
            for home in homes:
                home[0].extend(listed)


def _source(group: Sequence[Record], lang: str, view: SearchIndex) -> tuple[str, str, int, int] | None:
    """The signing sentence of the partnership, from a release in the asker's language when
    there is one, an announcing release before one that only lists it."""
    ranked = sorted(group, key=lambda r: (view.releases[r.release].lang != lang, r.mentioned))
    for r in ranked:
        for s in r.sources:
            return (r.release, s.sentence, s.start or 0, s.end or 0)
    return None
