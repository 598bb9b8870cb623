"""An uploaded release between "read" and "confirmed": what the bot understood, corrections,
duplicates. Nothing here writes; `Admin.add` does, once the admin confirms.

The same `Draft` serves the command line (`partnerbot add`) and the chat platforms, so an
admin sees the same summary everywhere and corrects a field with the same words
(`date 2025-10-02`, `lang ko`, `url https://…`, `translation_of 041`).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace

from partnerbot.corpus.errors import UnreadableFile
from partnerbot.corpus.intake import Upload
from partnerbot.corpus.manifest import KEYS, normalise_meta
from partnerbot.corpus.model import Release

FIELDS = KEYS  # title, publisher, date, lang, url, translation_of
_CORRECTION = re.compile(r"^\s*(title|publisher|date|lang|url|translation_of)\s*[:=]?\s+(\S.*?)\s*$",
                         re.I | re.S)


@dataclass(frozen=True)
class Draft:
    """A checked upload and the manifest fields it will be written with. `duplicate_of` names
    an existing release with the same text or link: the draft then only goes in as a
    replacement (`replaces`)."""

    doc_id: str
    filename: str
    suffix: str
    data: bytes = field(repr=False)
    meta: Mapping[str, str]
    text_chars: int
    notes: tuple[str, ...] = ()
    records: tuple[str, ...] = ()
    duplicate_of: str | None = None
    duplicate_reason: str = ""
    replaces: str | None = None

    def as_replacement(self) -> Draft:
        """The same upload, replacing the release it duplicates (keeping that id)."""
        if self.duplicate_of is None:
            raise UnreadableFile("nothing to replace: this upload duplicates no release")
        return replace(self, doc_id=self.duplicate_of, replaces=self.duplicate_of)

    def summary(self) -> str:
        """What the bot understood, one field a line, for the admin to confirm or correct."""
        m = self.meta
        verb = f"Replace {self.replaces} with" if self.replaces else f"Add as {self.doc_id}"
        lines = [f"{verb}: {self.filename} ({self.text_chars} characters of text)",
                 f"title: {m.get('title') or '-'}", f"publisher: {m.get('publisher') or '-'}",
                 f"date: {m.get('date') or '-'}", f"lang: {m.get('lang') or '-'}",
                 f"url: {m.get('url') or '-'}"]
        if m.get("translation_of"):
            lines.append(f"translation_of: {m['translation_of']}")
        lines += [f"partnership: {r}" for r in self.records]
        lines += [f"note: {n}" for n in self.notes]
        if self.duplicate_of and not self.replaces:
            lines.append(f"duplicate: {self.duplicate_reason} as {self.duplicate_of}; "
                         f"it can only replace it")
        return "\n".join(lines)


def parse_correction(text: str) -> tuple[str, str] | None:
    """`date 2025-10-02` -> ("date", "2025-10-02"); None when the text is not a correction."""
    m = _CORRECTION.match(text)
    return (m.group(1).lower(), m.group(2)) if m else None


def correct(draft: Draft, key: str, value: str, known_ids: Iterable[str]) -> Draft:
    """The draft with one field changed, validated as the manifest validates it."""
    if key not in FIELDS:
        raise UnreadableFile(f"unknown field {key!r}: one of {', '.join(FIELDS)}")
    entry, problems = normalise_meta({key: value})
    if problems or key not in entry:
        raise UnreadableFile(problems[0] if problems else f"{key}: empty value")
    if key == "translation_of" and entry[key] not in set(known_ids):
        raise UnreadableFile(f"translation_of: no release {entry[key]!r} in the corpus")
    if key == "url" and not re.match(r"https?://\S+$", entry[key]):
        raise UnreadableFile("url: give a full http(s) link")
    return replace(draft, meta={**draft.meta, key: entry[key]})


def text_key(text: str) -> str:
    """Same text, same key, whatever the spacing: how a re-upload is recognised."""
    return hashlib.sha256(" ".join(text.split()).encode("utf-8")).hexdigest()


def _link_key(url: str | None) -> str:
    return re.sub(r"^https?://(www\.)?", "", (url or "").strip()).rstrip("/").lower()


def make_draft(filename: str, upload: Upload, known: Iterable[Release], new_id: str,
               replaces: str | None = None) -> Draft:
    """Turn a checked upload into a draft: fields from the release read, the duplicate check
    against `known` (the corpus), partnership records when the registry is installed."""
    r = upload.release
    meta = {k: v for k, v in {"title": r.title, "publisher": r.publisher, "date": r.date,
                              "lang": r.lang, "url": r.url,
                              "translation_of": r.translation_of}.items() if v}
    dup, why = None, ""
    key, link = text_key(r.text), _link_key(r.url)
    for other in known:
        if other.id == replaces:
            continue
        if text_key(other.text) == key:
            dup, why = other.id, "same text"
            break
        if link and _link_key(other.url) == link:
            dup, why = other.id, "same link"
            break
    draft = Draft(doc_id=replaces or new_id, filename=filename, suffix=upload.suffix,
                  data=upload.data, meta=meta, text_chars=len(r.text), notes=upload.notes,
                  records=tuple(_records(r)), duplicate_of=dup, duplicate_reason=why,
                  replaces=replaces)
    return draft


def _records(release: Release) -> list[str]:
    """The partnerships the registry reads in the release, one line each (none without it)."""
    try:
        from partnerbot.retrieval.search import extract_records as extract
    except ImportError:
        return []
    try:
        found = [r for r in extract(release) if not r.mentioned]
    except Exception:  # the registry is being built: its failure must not block an upload
        return []
    return [" + ".join(p.name for p in r.parties) + f" ({r.kind}"
            + (f", signed {r.signed})" if r.signed else ")") for r in found[:5]]


def next_id(ids: Iterable[str], stem: str) -> str:
    """The next number when the corpus numbers its releases (`041` -> `042`), else the file's
    name made safe and unique."""
    taken = set(ids)
    numbered = [i for i in taken if i.isdigit()]
    if numbered and len(numbered) == len(taken):
        width = max(len(i) for i in numbered)
        return str(max(int(i) for i in numbered) + 1).zfill(width)
    base = re.sub(r"[^\w.-]+", "-", stem).strip(".-")[:60] or "release"
    candidate, n = base, 2
    while candidate in taken:
        candidate, n = f"{base}-{n}", n + 1
    return candidate
