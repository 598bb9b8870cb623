"""Read a corpus directory into `Release` objects (first, minimal version: .txt + docs.jsonl)."""

from __future__ import annotations

import html
import json
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from corpus.model import Release, Skipped

MANIFEST = "docs.jsonl"
_KEYS = ("title", "publisher", "date", "lang", "url", "translation_of")


class CorpusError(Exception):
    """The corpus cannot be used at all; the message is one line meant for the operator."""


class UnreadableFile(CorpusError):
    """One file cannot be read; the message is the one-line reason recorded in `Skipped`."""


@dataclass(frozen=True)
class CorpusReadResult:
    releases: list[Release]
    skipped: list[Skipped]


_TAG = re.compile(r"<[^>\n]+>")
_FURNITURE = re.compile(r"^\s*(?:[•*\-]\s*)?(?:menu|pagetop|news|twitter|facebook|line)\s*$", re.I)


def _clean(text: str) -> str:
    text = unicodedata.normalize("NFC", text.replace("\r\n", "\n").replace("\r", "\n"))
    out: list[str] = []
    for line in text.split("\n"):
        line = html.unescape(_TAG.sub(" ", line))
        line = re.sub(r"\*\*|^#{1,6}\s+", "", line)
        if _FURNITURE.match(line):
            continue
        line = "\t".join(re.sub(r"[ \u00a0]+", " ", c).strip() for c in line.split("\t"))
        out.append(line.rstrip() if line.strip() else "")
    return re.sub(r"\n{3,}", "\n\n", "\n".join(out)).strip()


def _lang(text: str) -> str:
    if re.search(r"[\u3040-\u30ff]", text):
        return "ja"
    return "ko" if re.search(r"[\uac00-\ud7a3]", text) else "en"


def read_release(path: Path, meta: dict[str, Any] | None = None) -> Release:
    """Read one file; raise UnreadableFile with a one-line reason when it cannot be used."""
    data = path.read_bytes()
    if b"\x00" in data:
        raise UnreadableFile("binary file (NUL bytes)")
    for enc in ("utf-8", "cp949", "shift_jis"):
        try:
            raw = data.decode(enc)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise UnreadableFile("undecodable text")
    text = _clean(raw)
    if not text:
        raise UnreadableFile("empty file")
    meta = meta or {}
    title = meta.get("title") or next(line for line in text.split("\n") if line.strip())
    return Release(
        id=path.stem, text=text, title=title, lang=meta.get("lang") or _lang(text),
        publisher=meta.get("publisher"), date=meta.get("date"), url=meta.get("url"),
        translation_of=meta.get("translation_of"), source=str(path),
    )


def read_corpus(
    directory: Path, progress: Callable[[str, int, int], None] | None = None
) -> CorpusReadResult:
    """Read every release in `directory`; unreadable files are skipped with a reason."""
    if not directory.is_dir():
        raise CorpusError(f"corpus directory not found: {directory}")
    manifest: dict[str, dict[str, Any]] = {}
    skipped: list[Skipped] = []
    mpath = directory / MANIFEST
    if mpath.exists():
        for n, line in enumerate(mpath.read_text(encoding="utf-8").splitlines(), 1):
            if not line.strip():
                continue
            try:
                obj = json.loads(line)
                manifest[str(obj["id"])] = {k: obj.get(k) for k in _KEYS}
            except (ValueError, KeyError, TypeError) as e:
                skipped.append(Skipped(f"{mpath}:{n}", f"bad manifest line: {e}"))
    files = sorted(p for p in directory.iterdir() if p.suffix.lower() == ".txt")
    releases: list[Release] = []
    for i, p in enumerate(files):
        if progress:
            progress(p.name, i, len(files))
        try:
            releases.append(read_release(p, manifest.get(p.stem)))
        except UnreadableFile as e:
            skipped.append(Skipped(str(p), str(e)))
    if not releases:
        raise CorpusError(f"no readable release in {directory}")
    return CorpusReadResult(sorted(releases, key=lambda r: r.id), skipped)
