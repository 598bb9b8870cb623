"""The registry of one index version: `registry.json` on disk, `Registry` in memory.

The file holds the resolved records and organisations (what is served) and, per release, the
records as extracted with the release's content hash: the next build reuses those for every
release whose hash is unchanged, so one changed release re-extracts only its own records.
`Registry` is the small read-only object the search facade hands out (`view.registry`).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from partnerbot.retrieval.registry.orgs import OVERRIDE_NAMES, norm, sounds_alike
from partnerbot.retrieval.registry.records import (
    Org,
    Record,
    org_from_dict,
    org_to_dict,
    record_from_dict,
    record_to_dict,
)

# Bumped when extraction changes what it finds: records cached under another number are
# extracted afresh instead of reused.
REGISTRY_FORMAT = 3  # 3: parties chosen by the fitted decision
FILE = "registry.json"


def overrides_key(corpus_dir: Path) -> str:
    """A hash of the admin's merge/split files: changing them makes a new version even when
    no release changed."""
    h = hashlib.sha1()
    for name in OVERRIDE_NAMES:
        path = Path(corpus_dir) / name
        if path.is_file():
            h.update(name.encode() + b"\0" + path.read_bytes())
    return h.hexdigest()[:16]


def _bare(record: Record) -> Record:
    """A record as `extract` returned it: no organisation ids (those depend on all releases)."""
    return record.with_parties(tuple(replace(p, org=None) for p in record.parties))


def dump(path: Path, records: Sequence[Record], orgs: Sequence[Org],
         extracted: Mapping[str, tuple[str, Sequence[Record]]]) -> None:
    """Write `registry.json`; `extracted` maps release id -> (content hash, its records)."""
    data = {
        "format": REGISTRY_FORMAT,
        "records": [record_to_dict(r) for r in records],
        "orgs": [org_to_dict(o) for o in orgs],
        "extracted": {rid: {"hash": h, "records": [record_to_dict(_bare(r)) for r in recs]}
                      for rid, (h, recs) in extracted.items()},
    }
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")


def cached_records(path: Path, hashes: Mapping[str, str]) -> dict[str, list[Record]]:
    """Records extracted by an earlier build for releases whose content hash is unchanged;
    nothing when the file is absent, unreadable or of another format."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        if data.get("format") != REGISTRY_FORMAT:
            return {}
        return {rid: [record_from_dict(d) for d in entry["records"]]
                for rid, entry in data["extracted"].items() if hashes.get(rid) == entry["hash"]}
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return {}


def load(path: Path, release_ids: Iterable[str]) -> Registry:
    """Read and check `registry.json`; raises ValueError (or a json/OS error) on damage."""
    data = json.loads(path.read_text(encoding="utf-8"))
    if not isinstance(data, dict) or data.get("format") != REGISTRY_FORMAT:
        raise ValueError("not a registry of this partnerbot")
    records = [record_from_dict(d) for d in data["records"]]
    orgs = [org_from_dict(d) for d in data["orgs"]]
    known = set(release_ids)
    org_ids = {o.id for o in orgs}
    for r in records:
        if r.release not in known:
            raise ValueError(f"a record of release {r.release[:40]!r}, which is not in the index")
        if any(p.org not in org_ids for p in r.parties):
            raise ValueError(f"a party of release {r.release[:40]!r} has no organisation")
    if set(data["extracted"]) != known:
        raise ValueError("extracted records do not cover the releases")
    return Registry(tuple(records), tuple(orgs))


@dataclass(frozen=True)
class Registry:
    """Partnership records and organisations of one index version, read-only.

    `find` looks an organisation up by any form the corpus writes it in; `select` filters
    records by organisation and date (what `partnerbot partners` and the aggregate answers
    both need).
    """

    records: tuple[Record, ...] = ()
    orgs: tuple[Org, ...] = ()
    _by_id: dict[str, Org] = field(default_factory=dict, compare=False, repr=False)

    _keys: dict[str, tuple[str, ...]] = field(default_factory=dict, compare=False, repr=False)
    _found: dict[str, tuple[Org, ...]] = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        self._by_id.update({o.id: o for o in self.orgs})
        # forms normalised once: `find` runs for every name of every question
        self._keys.update({o.id: tuple(norm(f) for f in o.forms) for o in self.orgs})

    def org(self, org_id: str | None) -> Org | None:
        return self._by_id.get(org_id or "")

    def find(self, name: str) -> list[Org]:
        """Organisations one of whose forms is `name` (ignoring case, spaces, punctuation and
        accents), else those one of whose forms contains it or is contained in it, the
        shorter at least 60% of the longer, else those with a form in another script that
        sounds like it (`K-바이오랩허브추진단` ~ `K-Bio LabHub`); most releases first."""
        key = norm(name)
        if len(key) < 2:
            return []
        if key not in self._found:  # read-only version: a name always finds the same
            self._found[key] = tuple(self._find(name, key))
        return list(self._found[key])

    def _find(self, name: str, key: str) -> list[Org]:
        exact = [o for o in self.orgs if key in self._keys[o.id]]
        if exact:
            return exact

        def close(k: str) -> bool:
            short, long_ = sorted((k, key), key=len)
            # three Latin letters are an abbreviation of anything ("bio" in "kbio"): not near
            enough = len(short) >= (4 if short.isascii() else 2)
            return enough and short in long_ and len(short) >= 0.6 * len(long_)

        near = [o for o in self.orgs if any(close(k) for k in self._keys[o.id])]
        if near:
            return near
        return [o for o in self.orgs if any(sounds_alike(f, name) for f in o.forms)]

    def select(self, org_ids: Iterable[str] = (), since: str | None = None,
               until: str | None = None, dates: Mapping[str, str | None] | None = None,
               ) -> list[Record]:
        """Records naming any of `org_ids` (one organisation's ids, when the registry could not
        join its forms) as a party, dated within [since, until] (prefixes
        of YYYY-MM-DD compare as periods: "2025" holds "2025-03-01"), sorted by date.

        A record without a signing date is dated by its release (`dates`: release id ->
        publication date) unless it is an earlier partnership a release only mentions."""
        wanted = set(org_ids)
        out = []
        for r in self.records:
            if r.names_only or (wanted and not wanted & {p.org for p in r.parties}):
                continue
            when = self.date_of(r, dates)
            if (since or until) and not when:
                continue
            if since and when and when[:len(since)] < since[:len(when)]:
                continue
            if until and when and when[:len(until)] > until[:len(when)]:
                continue
            out.append(r)
        return sorted(out, key=lambda r: (self.date_of(r, dates) or "9999", r.release))

    @staticmethod
    def date_of(record: Record, dates: Mapping[str, str | None] | None = None) -> str | None:
        if record.signed:
            return record.signed
        if record.mentioned or dates is None:
            return None
        return dates.get(record.release)
