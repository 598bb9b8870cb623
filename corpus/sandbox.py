"""Read one uploaded file in a child process: `python -m partnerbot.corpus.sandbox FILE`.

Uploads come from outside. PDF and zip readers are large C-and-Python parsers; a file that
makes one crash, hang or eat memory must cost a refusal, not the bot. The parent
(`corpus/intake.py`) runs this with CPU and memory limits and a timeout; the metadata the
admin gave arrives as JSON on stdin, the release read goes back as JSON on stdout.
"""

from __future__ import annotations

import json
import sys
from dataclasses import asdict
from pathlib import Path

from partnerbot.corpus.errors import UnreadableFile
from partnerbot.corpus.reader import read_release


def read(path: Path, meta: dict[str, str], as_text: bool) -> dict[str, object]:
    """The release, and, when `as_text` (a .docx, or HTML with scripts), the text to store
    instead of the original bytes, so the corpus only ever holds plain text for those."""
    if path.suffix.lower() == ".docx":
        from partnerbot.corpus.docx import extract_docx

        plain = path.with_suffix(".txt")
        plain.write_text(extract_docx(path.read_bytes()).text, encoding="utf-8")
        path, as_text = plain, True
    release = read_release(path, meta)
    return {"release": asdict(release), "text": release.text if as_text else None}


def main(argv: list[str]) -> int:
    request = json.loads(sys.stdin.read() or "{}")
    try:
        out = read(Path(argv[0]), dict(request.get("meta") or {}), bool(request.get("as_text")))
    except UnreadableFile as e:
        out = {"refused": str(e)}
    sys.stdout.write(json.dumps(out, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
