"""Text and declared metadata out of each file type the corpus accepts."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

from partnerbot.corpus.decode import decode_bytes
from partnerbot.corpus.errors import UnreadableFile
from partnerbot.corpus.extracted import Extracted
from partnerbot.corpus.manifest import normalise_meta

TEXT_SUFFIXES = frozenset({".txt", ".md", ".markdown"})
HTML_SUFFIXES = frozenset({".html", ".htm", ".xhtml"})
SUFFIXES = TEXT_SUFFIXES | HTML_SUFFIXES | {".pdf"}
# Files an operator may have dropped in by mistake: reported, unlike stray .json or .csv files.
# fmt: off
BINARY_SUFFIXES = frozenset({
    ".doc", ".docx", ".hwp", ".hwpx", ".odt", ".rtf", ".pages", ".ppt", ".pptx", ".xls",
    ".xlsx", ".zip", ".gz", ".7z", ".rar", ".tar", ".jpg", ".jpeg", ".png", ".gif", ".webp",
    ".bmp", ".tif", ".tiff", ".heic", ".mp3", ".mp4", ".mov", ".exe", ".bin", ".dmg",
})
# fmt: on

_FRONT_MATTER = re.compile(r"\A---[ \t]*\n(?P<yaml>.*?)\n(?:---|\.\.\.)[ \t]*(?:\n|\Z)", re.S)
_MD_HEADING = re.compile(r"^\s{0,3}#{1,6}\s+(?P<text>\S.*)$", re.M)


def extract(path: Path) -> Extracted:
    """Dispatch on the suffix; raise UnreadableFile with a one-line reason."""
    suffix = path.suffix.lower()
    if suffix not in SUFFIXES:
        raise UnreadableFile(f"unsupported file type {suffix or '(none)'}")
    try:
        data = path.read_bytes()
    except OSError as e:
        raise UnreadableFile(f"cannot read file: {e.strerror or e}") from e
    if not data.strip():
        raise UnreadableFile("empty file")
    # Imported here, not for a cycle (Extracted has its own module) but because bs4 and pypdf
    # cost ~0.1 s at import, and asking a question reads no file.
    if suffix == ".pdf":
        from partnerbot.corpus.pdf import extract_pdf

        return extract_pdf(data)
    if suffix in HTML_SUFFIXES:
        from partnerbot.corpus.htmlpage import extract_html

        return extract_html(data)
    text = decode_bytes(data)
    if suffix in {".md", ".markdown"}:
        return extract_markdown(text)
    return Extracted(text, {}, markdown_headings(text))


def extract_markdown(text: str) -> Extracted:
    """Markdown with optional YAML front matter (same keys as the manifest)."""
    meta: dict[str, str] = {}
    m = _FRONT_MATTER.match(text.lstrip("\ufeff"))
    if m:
        text = text.lstrip("\ufeff")[m.end() :]
        try:
            data = yaml.safe_load(m.group("yaml"))
        except yaml.YAMLError:
            data = None  # a broken block is still removed: it is not release text
        if isinstance(data, dict):
            meta, _ = normalise_meta({str(k): v for k, v in data.items()})
    return Extracted(text, meta, markdown_headings(text))


def markdown_headings(text: str) -> list[str]:
    """ATX headings (`# ...`); press releases saved as text often keep them."""
    return [m.group("text") for m in _MD_HEADING.finditer(text)]
