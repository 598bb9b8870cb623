"""Text of a `.docx` release with the standard library alone, and with a budget.

A `.docx` is a zip of XML parts; only `word/document.xml` holds the body. The zip is checked
before anything is inflated (member count, declared sizes, compression ratio), and inflation
stops at the budget whatever the headers claim, so a decompression bomb costs nothing.
Expat (stdlib) resolves no external entities and refuses entity-expansion attacks.
"""

from __future__ import annotations

import io
import zipfile
from xml.etree import ElementTree

from partnerbot.corpus.errors import UnreadableFile
from partnerbot.corpus.extracted import Extracted

MAX_INFLATED = 50 * 1024 * 1024  # body XML of a long release is well under 1 MB
MAX_MEMBERS = 2000
MAX_RATIO = 200  # deflate reaches ~10x on XML; bombs reach thousands
_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
BODY = "word/document.xml"


def check_zip(data: bytes, max_inflated: int = MAX_INFLATED) -> zipfile.ZipFile:
    """The archive, once its headers pass the bomb checks; UnreadableFile otherwise."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError) as e:
        raise UnreadableFile(f"not a .docx (broken zip: {e})") from e
    if len(members) > MAX_MEMBERS:
        raise UnreadableFile(f"not a .docx: {len(members)} files inside the zip")
    declared = sum(m.file_size for m in members)
    packed = max(1, sum(m.compress_size for m in members))
    if declared > max_inflated or declared / packed > MAX_RATIO:
        raise UnreadableFile(f"refused: the .docx would inflate to {declared // 1024} KB "
                             f"(a decompression bomb?)")
    if BODY not in archive.namelist():
        raise UnreadableFile("not a .docx: no word/document.xml inside the zip")
    return archive


def extract_docx(data: bytes, max_inflated: int = MAX_INFLATED) -> Extracted:
    """Paragraphs in order (tabs and line breaks kept); `Title`/`Heading` styles become
    headings, the best evidence for a title."""
    archive = check_zip(data, max_inflated)
    with archive.open(BODY) as fh:
        xml = fh.read(max_inflated + 1)  # the declared size may lie: read no more than allowed
    if len(xml) > max_inflated:
        raise UnreadableFile("refused: the .docx inflates past the limit (a decompression bomb?)")
    try:
        root = ElementTree.fromstring(xml)
    except ElementTree.ParseError as e:
        raise UnreadableFile(f"unreadable .docx: {e}") from e
    paragraphs: list[str] = []
    headings: list[str] = []
    for para in root.iter(f"{_W}p"):
        parts: list[str] = []
        for node in para.iter():
            if node.tag == f"{_W}t" and node.text:
                parts.append(node.text)
            elif node.tag == f"{_W}tab":
                parts.append("\t")
            elif node.tag in (f"{_W}br", f"{_W}cr"):
                parts.append("\n")
        text = "".join(parts).strip()
        if not text:
            continue
        paragraphs.append(text)
        style = para.find(f"{_W}pPr/{_W}pStyle")
        name = (style.get(f"{_W}val") or "") if style is not None else ""
        if name.lower().startswith(("title", "heading")):
            headings.append(text)
    if not paragraphs:
        raise UnreadableFile("the .docx has no text")
    return Extracted("\n\n".join(paragraphs), {}, headings)
