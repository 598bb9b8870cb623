"""An index directory on disk: where versions live, who may write, and what is left behind.

Layout::

    CURRENT                  name of the version being served (replaced atomically)
    versions/<version>/      manifest.json, releases.jsonl, passages.jsonl,
                             vectors/<embedder>.faiss, bm25/, lexicon.json, sentences.npy
    cache/embeddings.sqlite3 vectors by (embedder, content hash), for incremental builds
    build.lock               one build at a time (flock; released by the kernel on kill -9)

A build that fails or is killed leaves at most a `versions/.tmp-*` folder, never a half-written
version; CURRENT only ever names a complete one.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import shutil
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

FORMAT_VERSION = 3
KEEP_VERSIONS = 2  # the served version and the one it replaced

class IndexError_(Exception):
    """Base of index problems; messages are one line and say what to do."""

    @property
    def problem(self) -> str:
        """The message without its remedy (": run `partnerbot index …`"), for a caller that
        has applied the remedy itself and reports what it did instead."""
        return str(self).split(": run `partnerbot index")[0]


class IndexMissing(IndexError_):
    pass


class IndexMismatch(IndexError_):
    pass


class IndexStale(IndexMismatch):
    """Built by an older partnerbot whose parts this one can rebuild from the corpus cheaply
    (the embedding cache keeps the passage vectors): opening the index builds a new version."""


class IndexCorrupt(IndexError_):
    pass


class IndexBusy(IndexError_):
    pass


def slug(name: str) -> str:
    return "".join(c if c.isalnum() or c in "-_." else "_" for c in name)


def current_version(index_dir: Path) -> str | None:
    """The name CURRENT holds; checked per question, so a damaged pointer is not an error
    here (load_index reports it)."""
    try:
        raw = (index_dir / "CURRENT").read_bytes()
    except FileNotFoundError:
        return None
    return raw.decode("utf-8", errors="replace").strip() or None


def write_jsonl(path: Path, rows: Sequence[dict[str, Any]]) -> None:
    with path.open("w", encoding="utf-8") as fh:
        for row in rows:
            fh.write(json.dumps(row, ensure_ascii=False) + "\n")


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    with path.open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def fsync_dir(path: Path) -> None:
    fd = os.open(str(path), os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


@contextlib.contextmanager
def build_lock(index_dir: Path) -> Iterator[None]:
    index_dir.mkdir(parents=True, exist_ok=True)
    with (index_dir / "build.lock").open("a") as fh:
        try:
            fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise IndexBusy(f"another build of {index_dir} is running; try again when it "
                            f"finishes") from None
        try:
            yield
        finally:
            fcntl.flock(fh.fileno(), fcntl.LOCK_UN)


def patch_manifest(path: Path, **values: Any) -> None:
    manifest = json.loads((path / "manifest.json").read_text(encoding="utf-8"))
    manifest.update(values)
    (path / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=1),
                                        encoding="utf-8")


def collect_debris(index_dir: Path) -> None:
    """Remove what killed builds left: half-written `.tmp-*` folders, `.CURRENT.*` pointers
    and complete versions that never became CURRENT (killed between the two renames).

    Called with the build lock held, so no other build is writing any of these; they need no
    age limit. A version newer than CURRENT can only be such an orphan, as CURRENT only moves
    forward.
    """
    versions = index_dir / "versions"
    for pointer in index_dir.glob(".CURRENT.*"):
        pointer.unlink(missing_ok=True)
    if not versions.is_dir():
        return
    served = current_version(index_dir) or ""
    for folder in versions.iterdir():
        if folder.name.startswith(".tmp-") or (
                not folder.name.startswith(".") and folder.name > served
                and (versions / served).is_dir()):
            shutil.rmtree(folder, ignore_errors=True)


def collect_garbage(index_dir: Path, keep: set[str]) -> None:
    """Keep the new version and the one it replaced (a server may still be loading it);
    remove the rest, and the debris of killed builds."""
    collect_debris(index_dir)
    versions = index_dir / "versions"
    for folder in versions.iterdir():
        if not folder.name.startswith(".") and folder.name not in keep:
            shutil.rmtree(folder, ignore_errors=True)


