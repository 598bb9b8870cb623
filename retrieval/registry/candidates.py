"""Candidate party names of one release: every organisation-like name it contains.

The fitted decision (`parties.py`) chooses among them, so this module over-generates on
purpose: bracketed aliases and translations, names ending in an organisation word in any of
the three languages, runs of capitalised words, katakana runs, the names today's sentence
rules put in the party slots. Mentions of one organisation (a name, its alias, its
abbreviation) are grouped into one candidate with every sentence it occurs in.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from partnerbot.corpus.language.korean import strip_particle
from partnerbot.corpus.model import Release
from partnerbot.retrieval.registry.names import Name, finish, leading_name, mask
from partnerbot.retrieval.registry.records import Record, Source
from partnerbot.retrieval.registry.vocab import (
    EN_NOT_NAMES,
    EN_VERBS,
    GENERIC_JA,
    GENERIC_KO,
    JA_NOT_NAMES,
    KO_ACTIVITY,
    KO_DESCRIPTORS,
    KO_NOT_NAMES,
    KO_TITLES,
    MONTHS_EN,
    ORG_SUFFIX_JA,
    ORG_SUFFIX_KO,
    ORG_WORDS_EN,
    TITLE_RE,
)

_W = r"[A-Za-z0-9À-ɏ]"  # Latin letters and digits: a Latin name ends where another script starts
_CAP_RUN = re.compile(rf"(?<![A-Za-z0-9À-ɏ\-’'&.*+])(?:[A-Z0-9](?:{_W}|[\-’'&.*+])*|[a-z]+[A-Z](?:{_W}|-)*)"
                      r"(?:\s+(?:(?:of|for|the|de|du|des|la|le|di|del|und|für|in|on|at|&|y|et|and)\s+)*"
                      rf"(?:[A-Z0-9](?:{_W}|[\-’'&.*+])*|[a-z]+[A-Z](?:{_W}|-)*))*")
_KO_WORD = re.compile(r"[\w\-·&]+")
_JA_RUN = re.compile(r"[A-Za-z0-9\u30a1-\u30ff\u4e00-\u9fff\u3005\uff10-\uff19\uff21-\uff3a\uff41-\uff5a・ー＆&\-]{2,}")
_KATAKANA_RUN = re.compile(r"[\u30a1-\u30fa][\u30a0-\u30ff・ー\s]{2,}[\u30a1-\u30ff]")
_LONG_KO_SUFFIX = tuple(s for s in ORG_SUFFIX_KO if len(s) >= 2)
_VERBS = frozenset(EN_VERBS)
_SECTOR_KO = ("바이오", "제약", "그룹", "센터", "파크")  # suffixes that also end field words
_ORIGIN_RANK = {"rule": 3, "mentioned": 3, "orgword": 2, "caps": 2, "katakana": 1, "bracket": 0}


@dataclass(frozen=True)
class Mention:
    """One place a name occurs: the sentence index and the offset inside it."""

    sentence: int
    start: int
    end: int


@dataclass(frozen=True)
class Candidate:
    """An organisation-like name of a release with every form and place it occurs in;
    `origins` says which generators proposed it ("rule", "mentioned", "bracket", "orgword",
    "caps", "katakana"). `forms` are every name grouped with it (what the features read);
    `party_forms` only the aliases the release writes with the name itself, as the rules read
    them: a party's forms join organisations across releases, so guesses stay out of them."""

    name: str
    forms: tuple[str, ...]
    mentions: tuple[Mention, ...]
    origins: frozenset[str]
    party_forms: tuple[str, ...] = ()  # the aliases written with the name itself


def key(name: str) -> str:
    return re.sub(r"[\s·・\-‐.,'’\"“”]", "", name.lower())


def _ko_org(word: str) -> bool:
    if len(word) < 3 or word in KO_NOT_NAMES or word in KO_DESCRIPTORS or word in KO_TITLES:
        return False
    if word.endswith(GENERIC_KO) or any(word.endswith(a) for a in KO_ACTIVITY):
        return False
    suffix = next((x for x in _LONG_KO_SUFFIX if word.endswith(x)), None) \
        or next((x for x in ORG_SUFFIX_KO if word.endswith(x)), None)
    if suffix is None:
        return False
    head = word[:-len(suffix)]  # the naming part: "바이오" or "K-바이오" alone is a word, not a name
    if head in ORG_SUFFIX_KO or head in KO_DESCRIPTORS or head.endswith(GENERIC_KO):
        return False  # "바이오협회", "국제기구": a kind of body, not one body
    if suffix in _SECTOR_KO and len(re.findall(r"[가-힣]", head)) < 3 and len(re.findall(r"[A-Za-z]", head)) < 2:
        return False  # "첨단바이오", "연구센터": a field or a kind, not a name
    return len(re.findall(r"[가-힣]", head)) >= 2 or len(re.findall(r"[A-Za-z]", head)) >= 2 \
        if len(suffix) >= 2 else len(word) >= 4 and len(re.findall(r"[가-힣]", head)) >= 3


def _ja_org(run: str) -> bool:
    suffix = next((x for x in ORG_SUFFIX_JA if run.endswith(x)), None)
    return suffix is not None and len(run) >= max(3, len(suffix) + 2) and run not in JA_NOT_NAMES \
        and not run.endswith(GENERIC_JA)


def _inner_glosses(sentence: str) -> str:
    """`sentence` with brackets inside a name blanked out (same offsets): "the Massachusetts
    (U.S.) Life Science Cluster (MLSC)" names one cluster, "(U.S.)" says where it is."""
    def blank(m: re.Match[str]) -> str:
        rest = sentence[m.end():m.end() + 80]
        continues = re.match(r"(?:[A-Z][\w\-]*\s+){0,4}[A-Z][\w\-]*", rest)
        return " " * len(m.group(0)) if continues and ORG_WORDS_EN.search(continues.group(0)) else m.group(0)
    return re.sub(r"(?<=[A-Za-z])\s*\([^()]{1,20}\)\s*(?=[A-Z])", blank, sentence)


def _english(sentence: str) -> list[tuple[Name, int, str]]:
    out: list[tuple[Name, int, str]] = []
    sentence = _inner_glosses(sentence)
    for m in _CAP_RUN.finditer(sentence):
        pieces = [(m.start(), m.group(0))]
        if " and " in m.group(0):  # "A*STAR and KHIDI": two names
            at, pieces = m.start(), []
            for part in m.group(0).split(" and "):
                pieces.append((at, part))
                at += len(part) + 5
        for at, text in pieces:
            bracket = re.match(r"\s*[(（][^()（）]{1,60}[)）]", sentence[at + len(text):])
            name, _ = leading_name(text + (bracket.group(0) if bracket else ""), EN_NOT_NAMES, MONTHS_EN, _VERBS)
            if name is not None:
                name.name = name.name.rstrip("-–—")
                cut = TITLE_RE.search(name.name)
                if cut and cut.start() > 0:  # "KSEA President Byungkyu Park": the organisation before the title
                    name = Name(name.name[:cut.start()].strip(), name.forms)
            if name is not None and len(name.name) >= 2 and name.name not in MONTHS_EN:
                out.append((name, at, "caps"))
    return out


def _korean(sentence: str) -> list[tuple[Name, int, str]]:
    masked = mask(sentence)
    words = [(m.start(), m.end()) for m in re.finditer(r"\S+", masked)]
    out: list[tuple[Name, int, str]] = []
    for i, (s, e) in enumerate(words):
        word = strip_particle(re.sub(r"[^\w\-·&]+$", "", masked[s:e]))
        core = re.sub(r"^\W+", "", word)
        if "·" in core:  # "가온진흥원·다솜대병원": two bodies joined by a middle dot
            at = s + (len(word) - len(core))
            for part in core.split("·"):
                if _ko_org(part):
                    out.append((Name(part), at, "orgword"))
                at += len(part) + 1
            continue
        if not _ko_org(core):
            continue
        start = s + (len(word) - len(core))
        raw_end = start + len(core)
        if sentence.startswith(("(", "（"), raw_end):
            close = masked.find(")", raw_end) if sentence[raw_end] == "(" else masked.find("）", raw_end)
            raw_end = close + 1 if close > 0 else raw_end
        first = finish(sentence[start:raw_end])
        if first:
            out.append((first, start, "orgword"))
        if i > 0:  # "질병관리청 국립보건연구원", "K-바이오 랩허브사업추진단": a name word before it
            ps, pe = words[i - 1]
            prev = masked[ps:pe]
            if re.fullmatch(r"[\w\-·&]+", prev) and strip_particle(prev) == prev and not re.search(r"\d", prev) \
                    and (_ko_org(prev) or re.search(r"[A-Za-z]", prev)) and prev not in KO_DESCRIPTORS:
                longer = finish(sentence[ps:raw_end])
                if longer:
                    out.append((longer, ps, "orgword"))
    return out


def _japanese(sentence: str) -> list[tuple[Name, int, str]]:
    masked = mask(sentence, openers="(（")
    out: list[tuple[Name, int, str]] = []
    for m in _JA_RUN.finditer(masked):
        run = m.group(0)
        if re.fullmatch(r"[A-Za-z0-9\-&\s]+", run):
            continue  # Latin names come from the capitalised runs
        end = m.end()
        if sentence.startswith(("(", "（"), end):
            close = masked.find(")" if sentence[end] == "(" else "）", end)
            end = close + 1 if close > 0 else end
        if _ja_org(run):
            n = finish(sentence[m.start():end])
            if n:
                out.append((n, m.start(), "orgword"))
    for m in _KATAKANA_RUN.finditer(masked):
        n = finish(m.group(0))
        if n and len(n.name.replace("・", "")) >= 4 and not n.name.endswith(GENERIC_JA):
            out.append((n, m.start(), "katakana"))
    return out


def _brackets(sentence: str) -> list[tuple[Name, int, str]]:
    """Aliases a bracket gives after a name: "(KHIDI)", "(이하 KBIOHealth)", "（KRP）"."""
    out: list[tuple[Name, int, str]] = []
    for m in re.finditer(r"[(（]\s*(?:이하\s*|以下[、,]?\s*|hereinafter(?: referred to as)?\s*)?[\"'“‘「]?"
                         r"([A-Za-z][A-Za-z0-9\-&*+.]{1,15}|[\u30a1-\u30faA-Za-z][^()（）\"”」]{1,30}?)"
                         r"[\"'”’」]?\s*[)）]", sentence):
        alias = m.group(1).strip()
        if re.search(r"\d{2}|[:：,，]|\s\w+\s\w+\s", alias):
            continue
        out.append((Name(alias), m.start(1), "bracket"))
    return out


def in_sentence(sentence: str, lang: str) -> list[tuple[Name, int, str]]:
    """Organisation-like names in one sentence with their offsets and generator."""
    found = _brackets(sentence) + _english(sentence)
    if lang == "ko":
        found += _korean(sentence)
    elif lang == "ja":
        found += _japanese(sentence)
    return found


def _same(a: set[str], b: set[str]) -> bool:
    """Two groups of keys name one organisation: a shared key, or one beginning the other
    with at least half its length (not "korea" before "koreahealthindustry…")."""
    if a & b:
        return True
    for x in a:
        for y in b:
            short, long_ = sorted((x, y), key=len)
            if len(short) >= 4 and long_.startswith(short) and len(short) >= 0.5 * len(long_):
                return True  # "yokohama" ~ "yokohamacity", not "바이오협회" ~ "한국바이오협회"
    return False


def _clean(form: str) -> str | None:
    """A form fit to identify the organisation across releases, or None: not a bare type word
    ("Inc"), not a title with a person ("General Manager of X"), not two names ("A and B")."""
    form = re.sub(r"(?<=[A-Za-z0-9)])(?:은|는|이|가|와|과|의|을|를|에|로|と|は|が|の)$", "", form.strip())
    if len(key(form)) < 2 or ORG_WORDS_EN.fullmatch(form) or TITLE_RE.search(form) \
            or re.search(r"\s(?:and|&)\s|^(?:About|The)\s", form):
        return None
    return form


def candidates(release: Release, sentences: list[Source], langs: list[str],
               rule_records: list[Record]) -> list[Candidate]:
    """Every candidate party of `release`, grouped by organisation, in order of first mention."""
    raw: list[tuple[Name, Mention, str]] = []
    for i, (src, lang) in enumerate(zip(sentences, langs, strict=True)):
        for n, at, origin in in_sentence(src.sentence, lang):
            raw.append((n, Mention(i, at, at + len(n.name)), origin))
    by_text = {src.sentence: i for i, src in enumerate(sentences)}
    for r in rule_records:
        for p in r.parties:
            i = by_text.get(p.source.sentence, 0) if p.source else 0
            at = max(sentences[i].sentence.find(p.name), 0)
            raw.append((Name(p.name, list(p.forms)), Mention(i, at, at + len(p.name)),
                        "mentioned" if r.mentioned else "rule"))
    groups: list[tuple[set[str], list[tuple[Name, Mention, str]]]] = []
    for n, mention, origin in raw:
        if origin not in ("rule", "mentioned") and _clean(n.name) != n.name:
            continue  # "A and B", "General Manager of X", "Inc": not one organisation's name
        keys = {k for k in (key(f) for f in (n.name, *n.forms) if _clean(f)) if len(k) >= 2}
        if not keys:
            continue
        hit = [g for g in groups if _same(keys, g[0])]
        if hit:
            if n.forms:  # the release writes the two as one body ("X (hereinafter "Y")"): join them
                for other in hit[1:]:
                    hit[0][0].update(other[0])
                    hit[0][1].extend(other[1])
                    groups.remove(other)
            # otherwise a name like two groups joins the first only: it may name both ("A와 B")
            hit[0][0].update(keys)
            hit[0][1].append((n, mention, origin))
        else:
            groups.append((keys, [(n, mention, origin)]))
    out = []
    for _, items in groups:
        origins = frozenset(o for _, _, o in items)
        # the rules' reading first, then a whole name, then a katakana run, an alias last
        rank = max(_ORIGIN_RANK[o] for _, _, o in items)
        counts: dict[str, int] = {}
        for n, _, o in items:
            if _ORIGIN_RANK[o] == rank:
                counts[n.name] = counts.get(n.name, 0) + 1
        name = max(counts, key=lambda x: (not re.fullmatch(r"[A-Z][A-Z0-9&\-]{1,7}", x), counts[x], len(x)))
        forms = tuple(dict.fromkeys(f for f in (_clean(x) for n, _, _ in items for x in (n.name, *n.forms))
                                    if f and f != name))
        own = [n for n, _, o in items if n.name == name and o == "rule"] or [n for n, _, _ in items if n.name == name]
        party_forms = tuple(dict.fromkeys(f for n in own for f in n.forms if f != name))
        mentions = tuple(sorted({m for _, m, _ in items}, key=lambda m: (m.sentence, m.start)))
        out.append(Candidate(name, forms, mentions, origins, party_forms))
    out.sort(key=lambda c: (c.mentions[0].sentence, c.mentions[0].start))
    return out
