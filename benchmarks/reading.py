"""Reading an upload of the largest allowed size, for each type a release may have.

    python -m benchmarks.reading [--mb 20] [--types .txt,.pdf] [--json FILE]

Each file is made just under the limit (`PARTNERBOT_MAX_UPLOAD_MB`, 20 by default) from the
bundled releases' text, tiled, in that type's form (lines, Markdown, HTML paragraphs, PDF
pages, .docx paragraphs), and read through `check_upload`, the path a chat upload and
`partnerbot add` take: the checks, then the reader in a child process under the read timeout.
A plain-text file of the allowed size must read in seconds, far from the timeout.
"""

from __future__ import annotations

import argparse
import html
import io
import json
import time
import zipfile
from collections.abc import Callable
from pathlib import Path

from benchmarks.table import fmt, render
from partnerbot.bot.settings import BUNDLED_CORPUS, load_settings
from partnerbot.corpus.errors import UnreadableFile
from partnerbot.corpus.intake import READ_TIMEOUT, UPLOAD_SUFFIXES, check_upload

MIB = 1 << 20


def _paragraphs() -> list[str]:
    out: list[str] = []
    for path in sorted(BUNDLED_CORPUS.glob("*.txt")):
        out += [p.strip() for p in path.read_text(encoding="utf-8").split("\n\n") if p.strip()]
    return out


def _tile(size: int, render_one: Callable[[int, str], str], head: str = "",
          tail: str = "") -> bytes:
    """Paragraphs rendered one by one until `size` bytes (the last one that fits)."""
    paras = _paragraphs()
    parts, total, i = [head], len(head.encode()) + len(tail.encode()), 0
    while True:
        piece = render_one(i, paras[i % len(paras)])
        if total + len(piece.encode()) > size:
            break
        parts.append(piece)
        total += len(piece.encode())
        i += 1
    return ("".join(parts) + tail).encode()


def _pdf(size: int) -> bytes:
    """Pages of ASCII lines (the English paragraphs, wrapped) in Helvetica, uncompressed."""
    english = [p for p in _paragraphs() if p.isascii()]
    lines = [w for p in english for w in _wrap(p, 90)]

    def esc(s: str) -> str:
        return s.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")

    objects: list[bytes] = []
    page_ids: list[int] = []
    total, i = 200, 0
    while True:
        page = [lines[(i * 48 + k) % len(lines)] for k in range(48)]
        ops = "".join(f"({esc(line)}) Tj T* " for line in page)
        stream = f"BT /F1 10 Tf 13 TL 50 740 Td {ops}ET".encode("latin-1")
        obj_page = (b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents %d 0 R "
                    b"/Resources << /Font << /F1 3 0 R >> >> >>")
        obj_stream = b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream"
        if total + len(obj_page) + len(obj_stream) + 80 > size:
            break
        page_ids.append(4 + len(objects))
        objects += [obj_page % (5 + len(objects)), obj_stream]
        total += len(obj_page) + len(obj_stream) + 80
        i += 1
    head = [b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [%s] /Count %d >>"
            % (" ".join(f"{n} 0 R" for n in page_ids).encode(), len(page_ids)),
            b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica "
            b"/Encoding /WinAnsiEncoding >>"]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for n, obj in enumerate(head + objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % n + obj + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(offsets) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(offsets) + 1, xref)
    return bytes(out)


def _wrap(text: str, width: int) -> list[str]:
    lines, line = [], ""
    for word in text.split():
        if len(line) + len(word) + 1 > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}".strip()
    return [*lines, line] if line else lines


def _docx(size: int) -> bytes:
    """A .docx whose compressed size is near `size` (its text compresses some tenfold, so the
    document inside is far larger: the reader's bomb checks allow what a real one holds)."""
    w = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
    xml = _tile(size, lambda i, p: f"<w:p><w:r><w:t>{html.escape(p)}</w:t></w:r></w:p>",
                f'<w:document xmlns:w="{w}"><w:body>', "</w:body></w:document>")
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("word/document.xml", xml)
    return buf.getvalue()


MAKERS: dict[str, Callable[[int], bytes]] = {
    ".txt": lambda n: _tile(n, lambda i, p: p + "\n\n"),
    ".md": lambda n: _tile(n, lambda i, p: (f"## Part {i}\n\n" if i % 5 == 0 else "")
                           + p + "\n\n"),
    ".html": lambda n: _tile(n, lambda i, p: f"<p>{html.escape(p)}</p>\n",
                             "<html><head><title>A long page</title></head><body>\n",
                             "</body></html>\n"),
    ".pdf": _pdf,
    ".docx": _docx,
}


def read_largest(max_mb: int, types: list[str]) -> list[dict[str, object]]:
    """Per type: the file's size, the seconds `check_upload` took, and what it said."""
    limit = max_mb * MIB
    rows: list[dict[str, object]] = []
    for suffix in types:
        data = MAKERS[suffix](limit - 64 * 1024)
        started = time.perf_counter()
        try:
            upload = check_upload(f"largest{suffix}", data, max_bytes=limit)
            outcome = f"read: {len(upload.release.text) / 1e6:.1f} M characters"
        except UnreadableFile as exc:
            outcome = str(exc)
        rows.append({"type": suffix, "mib": round(len(data) / MIB, 2),
                     "seconds": round(time.perf_counter() - started, 2), "outcome": outcome})
    return rows


def report(rows: list[dict[str, object]], max_mb: int) -> str:
    return (f"Reading the largest allowed upload ({max_mb} MiB, read timeout "
            f"{READ_TIMEOUT:.0f} s), each through check_upload\n"
            + render(["type", "MiB", "seconds", "outcome"],
                     [[str(r["type"]), fmt(r["mib"], 2), fmt(r["seconds"], 2), str(r["outcome"])]
                      for r in rows]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--mb", type=int, default=load_settings().max_upload_mb,
                        help="the upload limit (PARTNERBOT_MAX_UPLOAD_MB)")
    parser.add_argument("--types", default=",".join(MAKERS),
                        help=f"types to read, of {', '.join(sorted(UPLOAD_SUFFIXES))}")
    parser.add_argument("--json", metavar="FILE", help="write the rows as JSON")
    args = parser.parse_args()
    rows = read_largest(args.mb, [t.strip() for t in args.types.split(",") if t.strip()])
    print(report(rows, args.mb))
    if args.json:
        Path(args.json).write_text(json.dumps(rows, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
