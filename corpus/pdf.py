"""Text layer of a PDF release, with the hard line wraps joined back into paragraphs."""

from __future__ import annotations

import io
import logging
import re

from partnerbot.corpus.errors import UnreadableFile
from partnerbot.corpus.extracted import Extracted
from partnerbot.corpus.language.scripts import HAN_EXT_A, HAN_UNIFIED, KANA

_SENTENCE_END = re.compile(r"[.!?。！？:：)\]」』”\"']$")
_LIST_START = re.compile(r"^(?:[-•·*▪■□○●◦※①-⑳]|\(?\d{1,2}[.)]\s|[a-z]\)\s|[IVX]+\.\s)")
_CJK = re.compile(f"[{KANA}{HAN_EXT_A}{HAN_UNIFIED}]")


def extract_pdf(data: bytes) -> Extracted:
    """Extract the text layer with pypdf; a scanned PDF without one is unreadable for us."""
    from pypdf import PdfReader

    logging.getLogger("pypdf").setLevel(logging.ERROR)  # malformed-but-readable PDFs are common
    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted and not reader.decrypt(""):
            raise UnreadableFile("encrypted PDF")
        pages = [page.extract_text() or "" for page in reader.pages]
    except UnreadableFile:
        raise
    except Exception as e:  # pypdf on a damaged file raises more than its own errors
        # (NotImplementedError for a garbled filter name, AssertionError, IndexError, ...)
        detail = " ".join(str(e).split())[:200] or type(e).__name__
        raise UnreadableFile(f"unreadable PDF: {detail}") from e
    text = "\n\n".join(reflow(p) for p in pages if p.strip())
    if not text.strip():
        raise UnreadableFile("PDF has no text layer (scanned image?)")
    return Extracted(text)


def reflow(page: str) -> str:
    """Join lines that a PDF wrapped mid-paragraph.

    A line is a wrap when it is nearly as long as the page's long lines, does not end a
    sentence, and the next line does not start a list item. Japanese wraps join without a
    space; other scripts with one.
    """
    lines = [line.rstrip() for line in page.replace("\r", "").split("\n")]
    lengths = sorted(len(line) for line in lines if line.strip())
    if not lengths:
        return ""
    full = lengths[int(len(lengths) * 0.8)] * 0.6
    out: list[str] = []
    for line in lines:
        if (
            out
            and out[-1].strip()
            and line.strip()
            and len(out[-1]) >= full
            and "\t" not in out[-1]
            and not _SENTENCE_END.search(out[-1])
            and not _LIST_START.match(line.strip())
        ):
            prev = out[-1]
            nxt = line.strip()
            hyphen = prev.endswith("-") and re.match(r"[a-z]", nxt)
            glue = "" if hyphen or (_CJK.match(prev[-1]) and _CJK.match(nxt[0])) else " "
            out[-1] = prev + glue + nxt
        else:
            out.append(line)
    return "\n".join(out)
