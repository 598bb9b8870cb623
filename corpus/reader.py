"""Read a corpus directory into `Release` objects: the one entry point of this layer.

Precedence for each metadata field: the manifest, then what the file declares (Markdown
front matter, HTML head), then inference from the text. A file that cannot be read is
reported in `skipped` with a one-line reason and the rest of the corpus is still read.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from pathlib import Path

from partnerbot.corpus.clean import clean_field, clean_text
from partnerbot.corpus.errors import CorpusError, UnreadableFile
from partnerbot.corpus.formats import BINARY_SUFFIXES, SUFFIXES, extract
from partnerbot.corpus.language.dates import infer_date
from partnerbot.corpus.language.detect import infer_lang
from partnerbot.corpus.manifest import MANIFEST_NAME, normalise_meta, read_manifest
from partnerbot.corpus.metadata import infer_title
from partnerbot.corpus.model import Release, Skipped

__all__ = ["CorpusError", "CorpusReadResult", "UnreadableFile", "read_corpus", "read_release"]

Progress = Callable[[str, int, int], None]


@dataclass(frozen=True)
class CorpusReadResult:
    """Releases sorted by id, and every file or manifest line that could not be used."""

    releases: list[Release]
    skipped: list[Skipped]


def read_corpus(directory: Path, progress: Progress | None = None,
                read: Callable[[Path, Mapping[str, object] | None], Release] | None = None,
                ) -> CorpusReadResult:
    """Read every release file directly inside `directory` (not subdirectories).

    `read` replaces `read_release` for each file (the index build passes a cache of it).

    Also accepts the evaluation layout, `set/docs/*.txt` beside `set/docs.jsonl`, given
    either `set` or `set/docs`. `progress("reading", done, total)` is called after each file.
    Raises CorpusError when the directory is missing or not one release is readable, since
    an empty index is never wanted.
    """
    directory = Path(directory)
    if not directory.is_dir():
        raise CorpusError(f"corpus directory not found: {directory}")
    directory, manifest_path = _locate(directory)
    manifest = read_manifest(manifest_path)
    skipped = list(manifest.problems)
    files: list[Path] = []
    for path in _candidates(directory):
        suffix = path.suffix.lower()
        if suffix in SUFFIXES:
            files.append(path)
        elif suffix in BINARY_SUFFIXES:
            skipped.append(Skipped(str(path), f"not a release format ({suffix})"))
    releases: dict[str, Release] = {}
    for done, path in enumerate(files, 1):
        doc_id = path.stem
        if doc_id in releases:
            first = Path(releases[doc_id].source).name
            skipped.append(Skipped(str(path), f"duplicate id {doc_id!r} (already read {first})"))
        else:
            try:
                releases[doc_id] = (read or read_release)(path, manifest.entries.get(doc_id))
            except UnreadableFile as e:
                skipped.append(Skipped(str(path), str(e)))
        if progress:
            progress("reading", done, len(files))
    if not releases:
        reason = f"; e.g. {skipped[0].path}: {skipped[0].reason}" if skipped else ""
        raise CorpusError(f"no readable release in {directory}{reason}")
    return CorpusReadResult(_link_translations(releases), skipped)


# The date (the first that can be dated: a dateline at the top) and the language are inferred
# from this many characters (releases run to some thousands, at most tens of thousands): what
# decides them is at the top, and scanning a file of the largest allowed size whole for them
# made its read 7.5 s instead of 1.9 s (python -m benchmarks.reading, 14.6 M characters).
INFER_SPAN = 200_000


def read_release(path: Path, meta: Mapping[str, object] | None = None) -> Release:
    """Read one release file; `meta` is its manifest entry (None values mean "infer").

    Raises UnreadableFile (a CorpusError) with a one-line reason: binary, empty, undecodable,
    no text layer, or nothing left once page furniture is removed.
    """
    path = Path(path)
    doc = extract(path)
    text = clean_text(doc.text)
    if not text:
        raise UnreadableFile("no text left after removing markup and page furniture")
    given, _ = normalise_meta(meta or {})
    fields = {**doc.meta, **given}
    title = clean_field(fields.get("title") or infer_title(doc.headings, text) or "") or path.stem
    return Release(
        id=path.stem,
        text=text,
        title=title,
        lang=fields.get("lang") or infer_lang(text[:INFER_SPAN]),
        publisher=fields.get("publisher"),
        date=fields.get("date") or infer_date(text[:INFER_SPAN]),
        url=fields.get("url"),
        translation_of=fields.get("translation_of"),
        source=str(path),
    )


def _candidates(directory: Path) -> list[Path]:
    return sorted(
        p
        for p in directory.iterdir()
        if p.is_file() and not p.name.startswith(".") and p.name != MANIFEST_NAME
    )


def _locate(directory: Path) -> tuple[Path, Path]:
    """The directory holding the releases and the manifest that describes them."""
    has_releases = any(p.suffix.lower() in SUFFIXES for p in _candidates(directory))
    docs = directory / "docs"
    if not has_releases and docs.is_dir():
        inner = docs / MANIFEST_NAME
        return docs, inner if inner.is_file() else directory / MANIFEST_NAME
    own = directory / MANIFEST_NAME
    beside = directory.parent / MANIFEST_NAME
    if not own.is_file() and directory.name == "docs" and beside.is_file():
        return directory, beside
    return directory, own


def _link_translations(releases: dict[str, Release]) -> list[Release]:
    """Make a one-sided `translation_of` link two-sided when exactly one release claims it."""
    claims: dict[str, list[str]] = {}
    for r in releases.values():
        if r.translation_of and r.translation_of != r.id:
            claims.setdefault(r.translation_of, []).append(r.id)
    out = []
    for r in releases.values():
        back = claims.get(r.id, [])
        if r.translation_of is None and len(back) == 1:
            r = replace(r, translation_of=back[0])
        out.append(r)
    return sorted(out, key=lambda r: r.id)
