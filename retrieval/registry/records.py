"""Partnership records: who signed what with whom, when and where, each field with its source.

Records are extracted once per release at index time and stored with the index version, so
they serialise to plain JSON (`to_json` / `from_json`). Every field keeps the verbatim
sentence it came from (`Source`), because an answer from the registry must still quote and
cite a release.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field, replace
from typing import Any, Literal

Kind = Literal["mou", "agreement", "loi", "extension", "programme"]
KINDS: tuple[str, ...] = ("mou", "agreement", "loi", "extension", "programme")


@dataclass(frozen=True)
class Source:
    """A verbatim sentence of a release; `start`/`end` are offsets into `Release.text`, or
    None when the sentence is the release's title (which may not be part of the text)."""

    sentence: str
    start: int | None = None
    end: int | None = None


@dataclass(frozen=True)
class PartyMention:
    """An organisation as one release writes it; `forms` are the aliases the release itself
    gives (parentheses, "hereinafter"); `org` is filled in by `orgs.resolve`."""

    name: str
    forms: tuple[str, ...] = ()
    source: Source | None = None
    org: str | None = None


@dataclass(frozen=True)
class Signatory:
    name: str
    title: str = ""
    org: str | None = None
    source: Source | None = None


@dataclass(frozen=True)
class Record:
    """One partnership reported by one release.

    `signed` is the signing date (YYYY-MM-DD, YYYY-MM or YYYY), never the publication date
    unless the release says it signed "today". `mentioned` marks earlier partnerships a
    release only lists ("So far, X has signed MOUs with ..."), as opposed to the one it
    announces.
    """

    release: str
    parties: tuple[PartyMention, ...]
    kind: str = "agreement"
    signed: str | None = None
    place: str | None = None
    signatories: tuple[Signatory, ...] = ()
    scope: str | None = None
    mentioned: bool = False
    sources: tuple[Source, ...] = ()  # the signing sentence(s)
    signed_source: Source | None = None
    place_source: Source | None = None
    scope_source: Source | None = None
    extra: dict[str, str] = field(default_factory=dict, compare=False, hash=False)

    def with_parties(self, parties: tuple[PartyMention, ...]) -> Record:
        return replace(self, parties=parties)

    @property
    def names_only(self) -> bool:
        """Names the sentence rules read as parties but the fitted decision did not take:
        kept for organisation identity (their forms), never listed as a partnership."""
        return self.extra.get("names_only") == "1"


@dataclass(frozen=True)
class Org:
    """One organisation however it is written; `releases` are the releases naming it as a
    party (what `partnerbot orgs` counts)."""

    id: str
    name: str
    forms: tuple[str, ...]
    releases: tuple[str, ...] = ()


# ---- JSON -----------------------------------------------------------------------------------

def _source(d: dict[str, Any] | None) -> Source | None:
    return Source(d["sentence"], d.get("start"), d.get("end")) if d else None


def record_to_dict(r: Record) -> dict[str, Any]:
    return asdict(r)


def record_from_dict(d: dict[str, Any]) -> Record:
    return Record(
        release=d["release"],
        parties=tuple(PartyMention(p["name"], tuple(p.get("forms") or ()), _source(p.get("source")),
                                   p.get("org")) for p in d.get("parties") or ()),
        kind=d.get("kind") or "agreement",
        signed=d.get("signed"),
        place=d.get("place"),
        signatories=tuple(Signatory(s["name"], s.get("title") or "", s.get("org"),
                                    _source(s.get("source"))) for s in d.get("signatories") or ()),
        scope=d.get("scope"),
        mentioned=bool(d.get("mentioned")),
        sources=tuple(s for s in (_source(x) for x in d.get("sources") or ()) if s),
        signed_source=_source(d.get("signed_source")),
        place_source=_source(d.get("place_source")),
        scope_source=_source(d.get("scope_source")),
        extra=dict(d.get("extra") or {}),
    )


def org_to_dict(o: Org) -> dict[str, Any]:
    return asdict(o)


def org_from_dict(d: dict[str, Any]) -> Org:
    return Org(d["id"], d["name"], tuple(d.get("forms") or ()), tuple(d.get("releases") or ()))


def to_json(records: list[Record], orgs: list[Org] | None = None) -> str:
    """The registry of an index version as one JSON document."""
    return json.dumps({"records": [record_to_dict(r) for r in records],
                       "orgs": [org_to_dict(o) for o in orgs or []]}, ensure_ascii=False)


def from_json(text: str) -> tuple[list[Record], list[Org]]:
    data = json.loads(text)
    return ([record_from_dict(d) for d in data.get("records") or []],
            [org_from_dict(d) for d in data.get("orgs") or []])
