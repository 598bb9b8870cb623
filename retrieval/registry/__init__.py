"""The partnership registry: records extracted from each release at index time and the
organisations they name, resolved across releases and scripts.

    orgs, records = build(releases, lexicon, corpus_dir)   # at index time
    text = to_json(records, orgs)                           # persisted with the index version
    partners = partners_json(records, orgs)                 # `partnerbot partners --json`

`extract` works on one release, so a changed release re-extracts only its own records;
`resolve` is cheap enough to rerun over all records on every build.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from partnerbot.corpus.model import Release
from partnerbot.retrieval.lexicon import Lexicon
from partnerbot.retrieval.registry.orgs import load_overrides, resolve
from partnerbot.retrieval.registry.parties import extract, index_records
from partnerbot.retrieval.registry.records import Org, PartyMention, Record, from_json, to_json

__all__ = [
    "Org",
    "PartyMention",
    "Record",
    "build",
    "extract",
    "from_json",
    "index_records",
    "partners_json",
    "resolve",
    "to_json",
]


def build(releases: Sequence[Release], lexicon: Lexicon | None = None, corpus_dir: Path | None = None,
          cached: dict[str, list[Record]] | None = None) -> tuple[list[Org], list[Record]]:
    """Records of every release (taken from `cached[release.id]` when given, e.g. for
    unchanged releases) with organisations resolved and the overrides file applied."""
    records: list[Record] = []
    for r in releases:
        records.extend(cached[r.id] if cached is not None and r.id in cached else index_records(r))
    return resolve(records, releases, lexicon, load_overrides(corpus_dir))


def partners_json(records: Iterable[Record], orgs: Iterable[Org]) -> list[dict[str, Any]]:
    """Records as `partnerbot partners --json` lists them: parties with the forms their
    organisation is written in across the corpus, release ids, kind, date and sources."""
    by_id = {o.id: o for o in orgs}
    out = []
    for r in sorted((r for r in records if not r.names_only), key=lambda r: (r.signed or "9999", r.release)):
        parties = []
        for p in r.parties:
            org = by_id.get(p.org or "")
            forms = list(dict.fromkeys([p.name, *p.forms, *(org.forms if org else ())]))
            parties.append({"name": p.name, "org": p.org, "forms": forms})
        out.append({
            "parties": parties, "releases": [r.release], "kind": r.kind, "signed": r.signed,
            "mentioned": r.mentioned, "place": r.place,
            "signatories": [{"name": s.name, "title": s.title, "org": s.org} for s in r.signatories],
            "scope": r.scope, "sources": [{"release": r.release, "sentence": s.sentence, "start": s.start,
                                           "end": s.end} for s in r.sources],
        })
    return out
