"""One organisation however the releases write it: `한빛바이오진흥재단` = `HBF`.

Mentions of parties are joined (union-find) by what the corpus itself says: aliases a release
gives in brackets or "hereinafter", abbreviations it defines (kept in the lexicon), the same
name in the same release (containment, acronyms, near spellings), spellings that differ only
in accents, and cross-script names that sound alike. No table of organisations: an admin
corrects the result with `orgs.overrides.jsonl` (or `.toml`) in the corpus directory:

    {"merge": ["NovaBio", "노바바이오협회"]}
    {"split": ["Norwick Prefecture", "Norwick University"]}
"""

from __future__ import annotations

import hashlib
import json
import re
import tomllib
import unicodedata
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path

from partnerbot.corpus.language.scripts import script_of
from partnerbot.corpus.model import Release
from partnerbot.retrieval.lexicon import Lexicon
from partnerbot.retrieval.phonetic import key as phonetic_key
from partnerbot.retrieval.phonetic import similarity
from partnerbot.retrieval.registry.extract import same_party
from partnerbot.retrieval.registry.records import Org, PartyMention, Record
from partnerbot.retrieval.registry.vocab import ORG_SUFFIX_JA, ORG_SUFFIX_KO, ORG_TYPES_EN

OVERRIDE_NAMES = ("orgs.overrides.jsonl", "orgs.overrides.toml")
_SOUND_ALIKE = 0.7


def norm(name: str) -> str:
    """Case-, space-, punctuation- and accent-insensitive key of a name."""
    folded = "".join(c for c in unicodedata.normalize("NFKD", name) if not unicodedata.combining(c))
    return re.sub(r"[\s·・\-‐.,'’\"“”()（）]", "", folded.lower())


@dataclass(frozen=True)
class Overrides:
    merge: tuple[tuple[str, ...], ...] = ()
    split: tuple[tuple[str, str], ...] = ()


def load_overrides(corpus_dir: Path | None) -> Overrides:
    """The admin's merge/split file in the corpus directory, if there is one."""
    if corpus_dir is None:
        return Overrides()
    merge: list[tuple[str, ...]] = []
    split: list[tuple[str, str]] = []
    for name in OVERRIDE_NAMES:
        path = Path(corpus_dir) / name
        if not path.is_file():
            continue
        if name.endswith(".toml"):
            data = tomllib.loads(path.read_text(encoding="utf-8"))
            entries = [{"merge": m} for m in data.get("merge", [])] + [{"split": s} for s in data.get("split", [])]
        else:
            entries = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
        for e in entries:
            if len(e.get("merge") or []) >= 2:
                merge.append(tuple(e["merge"]))
            if len(e.get("split") or []) == 2:
                split.append((e["split"][0], e["split"][1]))
    return Overrides(tuple(merge), tuple(split))


@dataclass
class _Union:
    parent: list[int]
    tags: list[set[tuple[int, str]]] = field(default_factory=list)

    def find(self, i: int) -> int:
        while self.parent[i] != i:
            self.parent[i] = self.parent[self.parent[i]]
            i = self.parent[i]
        return i

    def join(self, a: int, b: int) -> bool:
        ra, rb = self.find(a), self.find(b)
        if ra == rb:
            return True
        ta, tb = self.tags[ra], self.tags[rb]
        if any((k, "a" if s == "b" else "b") in tb for k, s in ta):
            return False  # an admin said these two are different organisations
        self.parent[rb] = ra
        ta |= tb
        return True


class _FoldTable(dict[int, str]):
    """Each character's unaccented form, computed the first time it is met (`str.translate`
    runs in C: the registry folds every release on every build)."""

    def __missing__(self, code: int) -> str:
        c = chr(code)
        self[code] = unicodedata.normalize("NFKD", c)[:1] or c
        return self[code]


_FOLD = _FoldTable()


def _fold(s: str) -> str:
    """`s` without accents, one character for one, so offsets still point into `s`."""
    if s.isascii():
        return s
    return s.translate(_FOLD)


@lru_cache(maxsize=4096)
def _folded_text(text: str) -> str:
    """A release folded once, not once per party it names (minutes on a large corpus)."""
    return _fold(text)


def _variants(name: str, text: str) -> list[str]:
    """Spellings of `name` in `text` that differ only in accents ("Malmo" / "Malmö")."""
    folded, target = _folded_text(text), _fold(name)
    out = []
    for m in re.finditer(re.escape(target), folded):
        found = text[m.start():m.end()]
        if found != name:
            out.append(found)
    return sorted(set(out))


def _forms(p: PartyMention, text: str) -> list[str]:
    forms = [p.name, *p.forms, *_variants(p.name, text)]
    # an alias list in one bracket ("(Northmere BioAlliance, NMBA)") gives each alias too
    forms += [part.strip() for f in p.forms if ", " in f for part in f.split(", ")]
    return list(dict.fromkeys(f for f in forms if f.strip()))


def _distinctive(k: str) -> bool:
    """A key that can join releases: not a bare type word ("진흥원", "university")."""
    return len(k) >= 3 and k not in _BARE


_BARE = {norm(w) for w in (*ORG_SUFFIX_KO, *ORG_SUFFIX_JA)} | {
    norm(w) for w in ORG_TYPES_EN if w.isalpha()}


def _script(name: str) -> str:
    return script_of(name) or "latin"


_CJK_TYPE = re.compile(r"(?:株式会社|社|㈜|\(주\)|주식회사)$|^(?:株式会社|㈜|\(주\)|주식회사)")


def _skeleton(k: str) -> str:
    """Consonants only: katakana and Hangul add vowels a Latin spelling lacks (トリス ~ tris)."""
    return re.sub(r"[aeiouyw]", "", k)


def _alike(ka: str, kb: str, threshold: float) -> bool:
    if len(ka) < 5 or len(kb) < 5:
        return False
    onset = ("v" if ka[0] in "aeiouyj" else ka[0]) == ("v" if kb[0] in "aeiouyj" else kb[0])
    skeleton = _skeleton(ka)
    return onset and (similarity(ka, kb) >= threshold or (len(skeleton) >= 4 and skeleton == _skeleton(kb)))


def _sounds_alike(a: str, b: str) -> bool:
    """A Korean or Japanese spelling of a Latin name: the whole name, or (more strictly) the
    company word alone ("ヴェルトリス社" ~ "Veltris Genomics")."""
    if _script(a) == _script(b):
        return False
    if _script(a) == "latin":
        a, b = b, a
    a = _CJK_TYPE.sub("", a.strip())
    ka, kb = phonetic_key(a.replace(" ", "")), phonetic_key(b.replace(" ", ""))
    if _alike(ka, kb, _SOUND_ALIKE):
        return True
    first = b.split()[0] if b.split() else ""
    return len(b.split()) > 1 and " " not in a and _alike(ka, phonetic_key(first), 0.8)


_TEAM_SUFFIX = re.compile("(?<=..)(?:" + "|".join(sorted(
    (re.escape(w) for w in (*ORG_SUFFIX_KO, *ORG_SUFFIX_JA)), key=len, reverse=True)) + ")+$")


def sounds_alike(form: str, name: str) -> bool:
    """A Korean or Japanese form of an organisation that sounds like a Latin `name`, with the
    form's type words at the end left out (`K-바이오랩허브추진단` ~ `K-Bio LabHub`)."""
    if (_script(form) == "latin") == (_script(name) == "latin"):
        return False
    if _script(form) == "latin":
        form, name = name, form
    head = form.split()[-1] if form.split() else form
    stem = _TEAM_SUFFIX.sub("", head)
    return any(_sounds_alike(f, name) for f in dict.fromkeys((head, stem)) if len(f) >= 2)


def resolve(records: list[Record], releases: Iterable[Release], lexicon: Lexicon | None = None,
            overrides: Overrides | None = None) -> tuple[list[Org], list[Record]]:
    """Organisations of all parties, and the records with each party's `org` id filled in."""
    releases = list(releases)
    texts = {r.id: r.text for r in releases}
    overrides = overrides or Overrides()
    mentions: list[tuple[int, int, PartyMention, list[str]]] = []
    for ri, rec in enumerate(records):
        for pi, p in enumerate(rec.parties):
            mentions.append((ri, pi, p, _forms(p, texts.get(rec.release, ""))))
    uf = _Union(list(range(len(mentions))), [set() for _ in mentions])
    keys = [{norm(f) for f in forms if len(norm(f)) >= 2} for _, _, _, forms in mentions]
    for n, (a, b) in enumerate(overrides.split):
        for i, ks in enumerate(keys):
            if norm(a) in ks:
                uf.tags[i].add((n, "a"))
            if norm(b) in ks:
                uf.tags[i].add((n, "b"))
    for group in overrides.merge:
        members = [i for i, ks in enumerate(keys) if ks & {norm(g) for g in group}]
        for i in members[1:]:
            uf.join(members[0], i)
    by_key: dict[str, int] = {}
    for i, ks in enumerate(keys):
        for kk in sorted(ks):
            if not _distinctive(kk):
                continue
            if kk in by_key:
                uf.join(by_key[kk], i)
            else:
                by_key[kk] = i
    if lexicon is not None:  # aliases the corpus defines link mentions; they add no forms
        for i, (_, _, _, forms) in enumerate(mentions):
            for f in forms:
                for alias in lexicon.aliases.get(f, []):
                    j = by_key.get(norm(alias))
                    if j is not None and _distinctive(norm(alias)):
                        uf.join(i, j)
    by_release: dict[str, list[int]] = {}
    for i, m in enumerate(mentions):
        by_release.setdefault(records[m[0]].release, []).append(i)
    for ids in by_release.values():
        for x, i in enumerate(ids):
            for j in ids[x + 1:]:
                rec_i, rec_j = records[mentions[i][0]], records[mentions[j][0]]
                # an earlier partnership's party may be a loose phrase: only its own record's
                # mentions or exact forms join it; the parties of one announced record are
                # distinct by construction ("BIO" and "KoreaBIO" signing with each other)
                loose_i, loose_j = rec_i.mentioned or rec_i.names_only, rec_j.mentioned or rec_j.names_only
                same_record = rec_i is rec_j
                if ((same_record and loose_i) or (not same_record and not (loose_i or loose_j))) \
                        and same_party(mentions[i][2], mentions[j][2]):
                    uf.join(i, j)
    _join_sound_alikes(mentions, uf)
    _align_translations(records, mentions, uf, releases)
    return _build(records, mentions, uf)


def _onsets(name: str) -> set[str]:
    """The onsets `_alike` could compare for this name, in either role of `_sounds_alike`
    (a type word such as 株式会社 left out or not)."""
    out = set()
    for text in (name, _CJK_TYPE.sub("", name.strip())):
        k = phonetic_key(text.replace(" ", ""))
        if k:
            out.add("v" if k[0] in "aeiouyj" else k[0])
    return out


def _join_sound_alikes(mentions: list[tuple[int, int, PartyMention, list[str]]],
                       uf: _Union) -> None:
    """Join spellings of one name in two scripts that sound alike. Each pair of distinct
    names is compared once, and only when their onsets can match (`_alike` needs that): the
    all-pairs loop over mentions took minutes on a few hundred releases."""
    by_name: dict[str, list[int]] = {}
    for i, m in enumerate(mentions):
        by_name.setdefault(m[2].name, []).append(i)
    order = list(by_name)  # first mention first, as the comparison is not symmetric
    blocks: dict[str, list[int]] = {}
    for x, name in enumerate(order):
        for onset in _onsets(name):
            blocks.setdefault(onset, []).append(x)
    seen: set[tuple[int, int]] = set()
    for members in blocks.values():
        for p, x in enumerate(members):
            for y in members[p + 1:]:
                pair = (min(x, y), max(x, y))
                if pair in seen:
                    continue
                seen.add(pair)
                a, b = order[pair[0]], order[pair[1]]
                i, j = by_name[a][0], by_name[b][0]
                if _script(a) != _script(b) and uf.find(i) != uf.find(j) and _sounds_alike(a, b):
                    for k in (*by_name[a], *by_name[b]):
                        uf.join(i, k)


def _align_translations(records: list[Record], mentions: list[tuple[int, int, PartyMention, list[str]]],
                        uf: _Union, releases: list[Release]) -> None:
    """A release and its translation announce the same partnership: when their records of
    one kind and date have every party but one already joined, the remaining two are one
    organisation written in two scripts (`白峰大学` = `Shiramine University`)."""
    ids = {r.id for r in releases}
    of_record: dict[int, list[int]] = {}
    for i, m in enumerate(mentions):
        of_record.setdefault(m[0], []).append(i)
    by_release: dict[str, list[int]] = {}
    for ri, rec in enumerate(records):
        if not rec.mentioned and not rec.names_only:
            by_release.setdefault(rec.release, []).append(ri)
    for rel in releases:
        other = rel.translation_of
        if not other or other not in ids or other < rel.id:
            continue
        for a in by_release.get(rel.id, []):
            for b in by_release.get(other, []):
                ra, rb = records[a], records[b]
                if ra.kind != rb.kind or (ra.signed and rb.signed and ra.signed != rb.signed):
                    continue
                left_a = [i for i in of_record.get(a, [])
                          if not any(uf.find(i) == uf.find(j) for j in of_record.get(b, []))]
                left_b = [j for j in of_record.get(b, [])
                          if not any(uf.find(i) == uf.find(j) for i in of_record.get(a, []))]
                if not (len(left_a) == 1 and len(left_b) == 1):  # the parties the rules read, if that pairs them
                    left_a, left_b = _ruled(left_a, ra, mentions), _ruled(left_b, rb, mentions)
                if len(left_a) == 1 and len(left_b) == 1 and len(of_record.get(a, [])) >= 2:
                    uf.join(left_a[0], left_b[0])


def _ruled(left: list[int], record: Record, mentions: list[tuple[int, int, PartyMention, list[str]]]) -> list[int]:
    """Of a record's unpaired mentions, those the sentence rules read too (the leading
    `extra["ruled"]` parties), the stronger evidence when the fitted decision added others."""
    ruled = int(record.extra.get("ruled") or len(record.parties))
    return [i for i in left if mentions[i][1] < ruled]


def _build(records: list[Record], mentions: list[tuple[int, int, PartyMention, list[str]]],
           uf: _Union) -> tuple[list[Org], list[Record]]:
    groups: dict[int, list[int]] = {}
    for i in range(len(mentions)):
        groups.setdefault(uf.find(i), []).append(i)
    orgs: list[Org] = []
    org_of: dict[int, str] = {}
    for members in groups.values():
        counts = Counter(mentions[i][2].name for i in members)
        name = max(counts, key=lambda n: (counts[n], "(" not in n, len(n)))
        forms = tuple(sorted({f for i in members for f in mentions[i][3]}, key=lambda f: (-len(f), f)))
        rel = tuple(sorted({records[mentions[i][0]].release for i in members}))
        oid = "org-" + hashlib.sha1(norm(name).encode()).hexdigest()[:10]
        orgs.append(Org(oid, name, forms, rel))
        for i in members:
            org_of[i] = oid
    parties: dict[int, list[PartyMention]] = {}
    for i, (ri, _, p, _) in enumerate(mentions):
        parties.setdefault(ri, []).append(replace(p, org=org_of[i]))
    out = []
    for ri, rec in enumerate(records):
        seen: set[str] = set()
        ps = tuple(p for p in parties.get(ri, []) if not (p.org in seen or seen.add(p.org or "")))  # type: ignore[func-returns-value]
        out.append(rec.with_parties(ps))
    return sorted(orgs, key=lambda o: (-len(o.releases), o.name)), out
