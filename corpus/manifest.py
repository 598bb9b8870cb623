"""The `docs.jsonl` manifest: declared metadata per release id, validated once."""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from partnerbot.corpus.clean import clean_field
from partnerbot.corpus.language.dates import parse_date
from partnerbot.corpus.model import Skipped

MANIFEST_NAME = "docs.jsonl"
KEYS = ("title", "publisher", "date", "lang", "url", "translation_of")
LANGS = frozenset({"en", "ko", "ja"})
# fmt: off
_LANG_ALIASES = {"jp": "ja", "jpn": "ja", "japanese": "ja", "kr": "ko", "kor": "ko",
                 "korean": "ko", "eng": "en", "english": "en"}
# fmt: on
_ISO = re.compile(r"^\d{4}-\d{2}-\d{2}$")


@dataclass(frozen=True)
class Manifest:
    """Declared metadata by release id; `problems` are bad lines or values, for the operator."""

    entries: dict[str, dict[str, str]] = field(default_factory=dict)
    problems: list[Skipped] = field(default_factory=list)


def read_manifest(path: Path) -> Manifest:
    """Read `path` if it exists. A bad line or value is reported and ignored, never fatal.

    Missing and null values are left out of the entry, which means "infer it".
    """
    manifest = Manifest()
    if not path.is_file():
        return manifest
    try:
        lines = path.read_text(encoding="utf-8-sig").splitlines()
    except (OSError, UnicodeDecodeError) as e:
        manifest.problems.append(Skipped(str(path), f"manifest unreadable: {_one_line(e)}"))
        return manifest
    for number, line in enumerate(lines, 1):
        where = f"{path}:{number}"
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
        except ValueError as e:
            manifest.problems.append(Skipped(where, f"manifest line is not JSON: {_one_line(e)}"))
            continue
        if not isinstance(obj, dict) or not isinstance(obj.get("id"), str | int) or obj["id"] == "":
            manifest.problems.append(Skipped(where, 'manifest line has no "id"'))
            continue
        doc_id = str(obj["id"])
        if doc_id in manifest.entries:
            problem = f"duplicate manifest id {doc_id!r}; first kept"
            manifest.problems.append(Skipped(where, problem))
            continue
        entry, problems = normalise_meta(obj)
        manifest.entries[doc_id] = entry
        manifest.problems.extend(Skipped(where, f"{doc_id}: {p}") for p in problems)
    return manifest


def normalise_meta(raw: Mapping[str, object]) -> tuple[dict[str, str], list[str]]:
    """Keep the known keys with usable values; say what was dropped and why.

    Shared by the manifest and Markdown front matter so both accept the same values:
    dates in any format `dates` understands become ISO, language tags like `ko-KR` become `ko`.
    """
    entry: dict[str, str] = {}
    problems: list[str] = []
    for key in KEYS:
        value = raw.get(key)
        if value is None:
            continue
        if isinstance(value, dt.datetime):
            value = value.date()
        text = value.isoformat() if isinstance(value, dt.date) else str(value)
        text = clean_field(text)
        if not text:
            continue
        if key == "date":
            iso = text if _ISO.match(text) and parse_date(text) == text else parse_date(text)
            if iso is None:
                problems.append(f"date {text!r} is not YYYY-MM-DD; inferring it")
                continue
            text = iso
        elif key == "lang":
            lang = text.lower().replace("_", "-").split("-")[0]
            lang = _LANG_ALIASES.get(lang, lang)
            if lang not in LANGS:
                problems.append(f"lang {text!r} is not en/ko/ja; inferring it")
                continue
            text = lang
        entry[key] = text
    return entry, problems


def _one_line(e: Exception) -> str:
    return " ".join(str(e).split())
