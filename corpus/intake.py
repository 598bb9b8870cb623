"""Checks on an uploaded release before anything is written: size, type, hostility, text.

Every refusal is an `UnreadableFile` with a one-line reason for the admin. Checks that need
no parsing (size, magic bytes, zip headers) run here; parsing runs in a child process with
limits (`corpus/sandbox.py`), so a file that crashes or hangs a reader is simply refused.
"""

from __future__ import annotations

import json
import re
import resource
import subprocess
import sys
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from partnerbot.corpus.errors import UnreadableFile
from partnerbot.corpus.formats import HTML_SUFFIXES, SUFFIXES, TEXT_SUFFIXES
from partnerbot.corpus.model import Release
from partnerbot.corpus.sizes import over_limit

UPLOAD_SUFFIXES = SUFFIXES | {".docx"}
READ_TIMEOUT = 60.0  # seconds; a 300-page PDF reads in under ten
READ_MEMORY = 1024 * 1024 * 1024  # bytes of address space for the child reader
# fmt: off
_MAGIC = ((b"%PDF-", "a PDF"), (b"PK\x03\x04", "a zip or Office file"), (b"\x89PNG", "a PNG image"),
          (b"\xff\xd8\xff", "a JPEG image"), (b"GIF8", "a GIF image"),
          (b"\xd0\xcf\x11\xe0", "an old Office file (.doc, .hwp)"), (b"\x1f\x8b", "gzip data"),
          (b"MZ", "a Windows program"), (b"\x7fELF", "a program"), (b"Rar!", "a RAR archive"),
          (b"7z\xbc\xaf", "a 7z archive"))
# fmt: on
_HTML_TAG = re.compile(rb"<(?:!doctype\s+html|html|head|body|article|main|div|p|h1|meta)\b", re.I)
_ACTIVE = re.compile(rb"<script\b|\son[a-z]+\s*=|javascript:", re.I)


@dataclass(frozen=True)
class Upload:
    """An upload that passed every check: the release as the corpus will read it, and the
    bytes to store under `suffix` (the original, or its plain text for .docx and HTML with
    scripts)."""

    release: Release
    suffix: str
    data: bytes
    notes: tuple[str, ...] = ()


def what_it_is(data: bytes) -> str:
    """What the first bytes say the file is ("text" when no known signature matches)."""
    for magic, name in _MAGIC:
        if data.startswith(magic) or (magic == b"%PDF-" and magic in data[:1024]):
            return name
    return "text"


def check_upload(name: str, data: bytes, meta: Mapping[str, str] | None = None,
                 max_bytes: int = 20 * 1024 * 1024, timeout: float = READ_TIMEOUT) -> Upload:
    """Refuse (UnreadableFile) or read `data`, uploaded as `name`, with the metadata given."""
    suffix = Path(name).suffix.lower()
    if suffix not in UPLOAD_SUFFIXES:
        kinds = ", ".join(sorted(UPLOAD_SUFFIXES))
        raise UnreadableFile(f"refused: {suffix or 'no extension'} is not a release type ({kinds})")
    if len(data) > max_bytes:
        raise UnreadableFile(f"refused: {over_limit(len(data), max_bytes)}")
    if not data.strip():
        raise UnreadableFile("refused: the file is empty")
    kind = what_it_is(data)
    expected = "a PDF" if suffix == ".pdf" else "a zip or Office file" if suffix == ".docx" \
        else "text"
    if kind != expected:
        raise UnreadableFile(f"refused: named {suffix} but its bytes are {kind}")
    notes: list[str] = []
    as_text = False
    if suffix == ".docx":
        from partnerbot.corpus.docx import check_zip

        check_zip(data)  # bomb checks before the child inflates anything
        notes.append("stored as plain text")
    if suffix in HTML_SUFFIXES:
        if not _HTML_TAG.search(data[:65536]):
            raise UnreadableFile(f"refused: named {suffix} but it is not HTML")
        if _ACTIVE.search(data):
            as_text = True
            notes.append("the page has scripts: read and stored as text only")
    found = _read_in_child(suffix, data, dict(meta or {}), as_text, timeout)
    release = Release(**dict(found["release"]))  # type: ignore[call-overload]
    if found.get("text") is not None:
        return Upload(release, ".txt", str(found["text"]).encode("utf-8"), tuple(notes))
    stored = suffix if suffix in TEXT_SUFFIXES | HTML_SUFFIXES | {".pdf"} else ".txt"
    return Upload(release, stored, data, tuple(notes))


def _limits() -> None:  # runs in the child before exec
    resource.setrlimit(resource.RLIMIT_AS, (READ_MEMORY, READ_MEMORY))
    resource.setrlimit(resource.RLIMIT_CPU, (int(READ_TIMEOUT), int(READ_TIMEOUT) + 5))


def _read_in_child(suffix: str, data: bytes, meta: dict[str, str], as_text: bool,
                   timeout: float) -> dict[str, object]:
    with tempfile.TemporaryDirectory(prefix="partnerbot-upload-") as tmp:
        path = Path(tmp) / f"upload{suffix}"
        path.write_bytes(data)
        try:
            done = subprocess.run(
                [sys.executable, "-m", "partnerbot.corpus.sandbox", str(path)],
                input=json.dumps({"meta": meta, "as_text": as_text}).encode("utf-8"),
                capture_output=True, timeout=timeout, preexec_fn=_limits, check=False)
        except subprocess.TimeoutExpired:
            raise UnreadableFile(f"refused: reading it took over {timeout:.0f} s") from None
        if done.returncode != 0:
            last = (done.stderr.decode("utf-8", "replace").strip().splitlines() or ["?"])[-1]
            raise UnreadableFile(f"refused: the {suffix} reader crashed on it "
                                 f"({last[:120]})")
        try:
            found = json.loads(done.stdout)
        except ValueError:
            raise UnreadableFile(f"refused: the {suffix} reader crashed on it") from None
    if "refused" in found:
        raise UnreadableFile(f"refused: {found['refused']}")
    return dict(found)
