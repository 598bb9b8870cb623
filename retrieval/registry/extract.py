"""Partnership records of one release, read at index time.

A signing sentence names a kind of agreement and the act of signing (or "an agreement
between A and B"); its parties come from the sentence's shape in its language. Sentences
about the same partnership (title, lead, quotes) merge into one record when they share a
party; earlier partnerships the release only lists ("So far, X has signed MOUs with ...",
"앞서 …한 바 있다", dates long before the release) become records marked `mentioned`.
"""

from __future__ import annotations

import re
from dataclasses import replace

from partnerbot.corpus.language.scripts import lang_of_script
from partnerbot.corpus.model import Release
from partnerbot.retrieval.phonetic import similarity
from partnerbot.retrieval.registry import cjk, english
from partnerbot.retrieval.registry.names import Name, mask
from partnerbot.retrieval.registry.records import PartyMention, Record, Signatory, Source
from partnerbot.retrieval.registry.vocab import (
    EARLIER,
    ORG_SUFFIX_JA,
    ORG_SUFFIX_KO,
    ORG_WORDS_EN,
    SIGN_VERB,
    STRONG,
    WEAK,
    kind_of,
)
from partnerbot.retrieval.registry.when import announced_date, long_before, signed_date
from partnerbot.retrieval.sentences import split_sentences

_SCOPE = re.compile(r"\b(?:aim(?:s|ed)? (?:at|to)|to (?:promote|foster|strengthen|support|develop|accelerate|"
                    r"create|establish|build|advance|expand)|for the purpose of|objective|focus(?:es)? on|"
                    r"will (?:collaborate|cooperate|work|jointly))\b|위한|위해|목표|목적|취지|주요 내용|협력하기로|"
                    r"目的|ための|に向け|に関する|内容", re.I)
_RELATIVE = re.compile(r"\b(?:which|who|that)\b[^,;]*", re.I)
_PLACE_EN = re.compile(r"\b(?:at|in)\s+(?:the\s+)?((?:[A-Z][\w\-’']*\s*){1,6}(?:in\s+[A-Z][\w\-]+(?:,\s*[A-Z][\w\-]+)?)?)")
_PLACE_KO = re.compile(r"(?<!\S)((?:[가-힣A-Za-z][가-힣A-Za-z0-9\-]*\s)?[가-힣A-Za-z0-9\-]+)에서(?:\s|$)")
_PLACE_JA = re.compile(r"([\u30a0-\u30ff\u4e00-\u9fffA-Za-z0-9・ー]{2,20})(?:において|にて|で開催)")
_KO_PERSON = re.compile(r"(?<![가-힣])([가-힣]{2,4})\s+((?:[\w\-]+\s)?[\w\-]*?(?:대표이사|대표|사장|회장|이사장|원장|단장|소장|"
                        r"센터장|총장|장관|차관|청장|시장|지사|사무총장|본부장|최고\w*책임자))(?=[\s(,은는과와이가]|$)")


_script = lang_of_script  # the language a sentence's names are parsed in


def sentences(release: Release) -> list[Source]:
    """The release's sentences with offsets, its title first when the text does not hold it."""
    out = [Source(release.text[s.start:s.end], s.start, s.end) for s in split_sentences(release.text)]
    title = (release.title or "").strip()
    if title and title not in release.text:
        out.insert(0, Source(title))
    return out


def _verb(sentence: str, lang: str) -> re.Match[str] | None:
    masked = mask(sentence, openers="([（")  # quoted speech may report the signing too
    found = list(SIGN_VERB.finditer(masked))
    if not found:
        return None
    return found[0] if lang == "en" else found[-1]


def is_signing(sentence: str, lang: str) -> bool:
    """A kind of agreement plus the act of signing (or, for a strong noun, "between" or a
    headline ending with it)."""
    strong, weak = STRONG.search(sentence), WEAK.search(sentence)
    if not (strong or weak):
        return False
    if _verb(sentence, lang):
        return True
    if strong and re.search(r"\bbetween\b|間|간(?:의)?\s", sentence):
        return True
    return bool(strong) and lang != "en" and bool(re.search("(?:" + STRONG.pattern + r")\W*$", sentence, re.I))


def _clause(sentence: str, at: int | None) -> tuple[int, int]:
    """The part of a sentence around the signing verb: quotations, semicolons and "but"
    clauses ("…締結しておりましたが、本日…") separate events."""
    if at is None:
        return 0, len(sentence)
    bounds = [0, len(sentence)]
    bounds += [m.end() for m in re.finditer(r"[“”\";]|が、|지만|\bbut\b|\bwhere\b", sentence)]
    start = max(b for b in bounds if b <= at)
    end = min((b for b in bounds if b > at), default=len(sentence))
    return start, end


def _earlier(clause: str) -> bool:
    return bool(EARLIER.search(_RELATIVE.sub("", clause)))


def _party(n: Name, src: Source) -> PartyMention:
    return PartyMention(n.name, tuple(n.forms), src)


def _expand_bare(n: Name, release: Release) -> Name:
    """"진흥원은 …", "the Agency": a bare type word stands for the publisher ending with it."""
    pub = release.publisher or ""
    bare = n.name in ORG_SUFFIX_KO or n.name in ORG_SUFFIX_JA or bool(re.fullmatch(ORG_WORDS_EN.pattern, n.name, re.I))
    if bare and pub and pub.lower().rstrip(")").split("(")[0].strip().endswith(n.name.lower()):
        return Name(pub, [n.name])
    return n


def _people(sentence: str, lang: str, names: list[Name], src: Source,
            extra: list[tuple[str, str, str]]) -> list[Signatory]:
    out = [Signatory(p, t, o or None, src) for p, t, o in extra]
    for n in names:
        out.extend(Signatory(p, t, n.name, src) for p, t in n.people)
    if lang == "ko":
        for m in _KO_PERSON.finditer(sentence):
            out.append(Signatory(m.group(1), m.group(2), None, src))
    seen: set[str] = set()
    return [s for s in out if not (s.name in seen or seen.add(s.name))]  # type: ignore[func-returns-value]


def _place(sentence: str, lang: str, verb_end: int) -> str | None:
    if lang == "en":
        m = _PLACE_EN.search(sentence, verb_end)
        return m.group(1).strip() if m else None
    for m in (_PLACE_KO if lang == "ko" else _PLACE_JA).finditer(sentence[:verb_end]):
        words = [w for w in m.group(1).split() if not re.search(r"\d|[을를의은는이가와과에로]$", w)]
        if words and not any(words[-1].endswith(a) for a in ("분야", "과정", "방안", "자리", "가운데")):
            return " ".join(words)
    return None


def _scope(srcs: list[Source], i: int) -> Source | None:
    for j in range(i, min(i + 4, len(srcs))):
        if _SCOPE.search(srcs[j].sentence):
            return srcs[j]
    return None


def _from_sentence(release: Release, srcs: list[Source], i: int) -> list[Record]:
    src = srcs[i]
    s = src.sentence
    lang = _script(s)
    verb = _verb(s, lang)
    verb_at = verb.start() if verb else None
    lo, hi = _clause(s, verb_at)
    clause = s[lo:hi]
    signed = signed_date(clause, release.date, verb_at - lo if verb_at is not None else None, lang != "en")
    mentioned = _earlier(clause) or long_before(signed, release.date)
    kind = kind_of(s)
    out: list[Record] = []
    if lang == "en":
        parsed = english.parse(s, verb, (lo, hi))
        names, people, pronoun = parsed.parties, parsed.people, parsed.pronoun
        items = english.list_items(s) if mentioned else []
        if items:
            for item in items:
                item_names = english.items_parties(item)
                if item_names:
                    out.append(Record(release.id, tuple(_party(n, src) for n in names[:1] + item_names),
                                      kind=kind, signed=signed_date(item, release.date), mentioned=True,
                                      sources=(src,), signed_source=src))
            return out
    else:
        limit = verb.start() if verb else len(s)
        names = (cjk.ko_names if lang == "ko" else cjk.ja_names)(s, limit)
        people, pronoun = [], bool(re.search(r"우리|당사|弊社|当社", s[:limit]))
        dated = cjk.dated_items(s[:limit], lang) if mentioned and names else []
        if len(dated) >= 2:  # "지금까지 2019년 A, 2021년 B, … 2024년 C와 협약을 맺었다"
            subject = _party(_expand_bare(names[0], release), src)
            return [Record(release.id, (subject, _party(n, src)), kind=kind, signed=when,
                           mentioned=True, sources=(src,), signed_source=src)
                    for when, n in dated if _key(n.name) != _key(subject.name)]
    parties = [_party(_expand_bare(n, release), src) for n in names]
    if pronoun and release.publisher and len(parties) == 1:
        parties.insert(0, PartyMention(release.publisher, (), None))
    place = _place(s, lang, verb.end() if verb else 0)
    announced = announced_date(s, release.date)
    out.append(Record(
        release.id, tuple(parties), kind=kind, signed=signed, place=place,
        signatories=tuple(_people(s, lang, names, src, people)), mentioned=mentioned,
        sources=(src,), signed_source=src if signed else None, place_source=src if place else None,
        extra={"announced": announced} if announced else {}))
    return out


def _key(name: str) -> str:
    return re.sub(r"[\s·・\-‐.,'’\"“”]", "", name.lower())


def _initials(name: str) -> str:
    return "".join(w[0] for w in re.findall(r"[A-Za-z][\w\-]*", name)
                   if w.lower() not in {"of", "and", "for", "the", "de", "in"}).lower()


def _abbreviations(p: PartyMention) -> set[str]:
    return {f for f in (p.name, *p.forms) if re.fullmatch(r"[A-Z][A-Za-z0-9&\-]{1,9}", f)
            and sum(c.isupper() for c in f) >= 2}


def same_party(a: PartyMention, b: PartyMention) -> bool:
    """Two mentions in one release name the same organisation: a shared form, one contained
    in the other ("Harlow" in "Harlow Institute of Medicine"), an acronym of the other
    ("CUHP"), or a near spelling ("가람바이오추진단" ~ "가람바이오사업추진단"); never two that each
    define an abbreviation of their own ("UK BioIndustry Association (BIA)" and "Japan
    Bioindustry Association (JBA)")."""
    own_a, own_b = _abbreviations(a), _abbreviations(b)
    if own_a and own_b and not own_a & own_b:
        return False
    fa = {_key(x) for x in (a.name, *a.forms) if len(_key(x)) >= 2}
    fb = {_key(x) for x in (b.name, *b.forms) if len(_key(x)) >= 2}
    if fa & fb:
        return True
    for x in fa:
        for y in fb:
            short, long_ = sorted((x, y), key=len)
            if len(short) >= 3 and short in long_ and len(short) >= 0.3 * len(long_):
                return True
            if len(short) >= 6 and max(similarity(short, long_[-len(short) - 2:]),
                                       similarity(short, long_[:len(short) + 2])) >= 0.8:
                return True
    for pa, pb in ((a, b), (b, a)):
        for f in (pa.name, *pa.forms):
            if re.fullmatch(r"[A-Z][A-Z0-9]{1,7}", f) and any(_initials(g) == f.lower() for g in (pb.name, *pb.forms)):
                return True
    return False


def _union(a: tuple[PartyMention, ...], b: tuple[PartyMention, ...]) -> tuple[PartyMention, ...]:
    out = list(a)
    for p in b:
        for k, q in enumerate(out):
            if same_party(p, q):
                keep, other = (q, p) if len(q.name) >= len(p.name) else (p, q)
                forms = tuple(dict.fromkeys(f for f in (*keep.forms, other.name, *other.forms) if f != keep.name))
                out[k] = replace(keep, forms=forms, source=keep.source or other.source)
                break
        else:
            out.append(p)
    return tuple(out)


def _merge(a: Record, b: Record) -> Record:
    return replace(a, parties=_union(a.parties, b.parties), signed=a.signed or b.signed,
                   signed_source=a.signed_source or b.signed_source, place=a.place or b.place,
                   place_source=a.place_source or b.place_source,
                   signatories=a.signatories + tuple(s for s in b.signatories
                                                     if s.name not in {x.name for x in a.signatories}),
                   kind=a.kind if a.kind != "agreement" else b.kind, extra={**b.extra, **a.extra},
                   sources=a.sources + tuple(s for s in b.sources if s not in a.sources))


def rule_records(release: Release) -> list[Record]:
    """The partnerships `release` reports (announced) or lists (mentioned), as the sentence
    rules read them; `parties.extract` then decides which candidates are parties."""
    srcs = sentences(release)
    found: list[tuple[int, Record]] = []
    for i, src in enumerate(srcs):
        if is_signing(src.sentence, _script(src.sentence)):
            found.extend((i, r) for r in _from_sentence(release, srcs, i) if r.parties)
    records: list[Record] = []
    fragments: list[Record] = []
    for i, r in found:
        r = replace(r, parties=_union((), r.parties))
        target = next((k for k, x in enumerate(records) if x.mentioned == r.mentioned and not r.mentioned
                       and any(same_party(p, q) for p in r.parties for q in x.parties)), None)
        if target is not None:
            records[target] = _merge(records[target], r)
        elif len(r.parties) >= 2:
            scope = _scope(srcs, i)
            records.append(replace(r, scope=scope.sentence if scope else None, scope_source=scope))
        else:
            fragments.append(r)
    for f in fragments:  # one-party sentences only add to a partnership found elsewhere
        target = next((k for k, x in enumerate(records) if not x.mentioned and not f.mentioned
                       and any(same_party(p, q) for p in f.parties for q in x.parties)), None)
        if target is not None:
            records[target] = _merge(records[target], f)
    return records
