"""Write releases into a corpus directory so that no reader ever sees half of a change.

One change (add, replace, remove) touches a release file and the `docs.jsonl` manifest. Each
new file is written to a dot-named temporary (the reader skips dotfiles) and fsynced; then a
journal naming the renames and deletions is put in place with one rename: that is the commit
point. The journal is applied (manifest first, so a new file never appears without its
metadata) and removed. `recover()` rolls a committed change forward and clears temporaries
of an uncommitted one; it runs before every change and before every index build, so a kill
-9 at any point leaves the old corpus or, once recovered, the new one.

Callers hold the index build lock around changes (see `bot/ops/admin.py`): the corpus changes
only while no build reads it.
"""

from __future__ import annotations

import json
import os
import uuid
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from partnerbot.corpus.errors import CorpusError
from partnerbot.corpus.formats import SUFFIXES
from partnerbot.corpus.manifest import KEYS, MANIFEST_NAME

JOURNAL = ".partnerbot-journal.json"
_TMP = ".partnerbot-tmp-"


def recover(directory: Path) -> bool:
    """Finish a committed change, drop an uncommitted one's temporaries; True if a change
    was rolled forward. Idempotent: a kill during recovery is recovered next time."""
    journal = directory / JOURNAL
    rolled = False
    if journal.is_file():
        try:
            steps = json.loads(journal.read_text(encoding="utf-8"))
        except ValueError:
            steps = {}  # cannot happen (written by rename); an unreadable journal commits nothing
        for source, target in steps.get("rename", []):
            if (directory / source).exists():
                os.replace(directory / source, directory / target)
        for name in steps.get("delete", []):
            (directory / name).unlink(missing_ok=True)
        _fsync_dir(directory)
        journal.unlink()
        rolled = bool(steps)
    strays = list(directory.glob(_TMP + "*"))
    for stray in strays:
        stray.unlink(missing_ok=True)
    if strays:
        _fsync_dir(directory)
    return rolled


class CorpusWriter:
    """Changes to one flat corpus directory (release files beside `docs.jsonl`)."""

    def __init__(self, directory: Path) -> None:
        self.directory = Path(directory)
        if not self.directory.is_dir():
            raise CorpusError(f"corpus directory not found: {self.directory}")

    def files(self, doc_id: str) -> list[Path]:
        """The release files named `doc_id` (normally one)."""
        return [p for p in self.directory.glob(f"{_glob_escape(doc_id)}.*")
                if p.suffix.lower() in SUFFIXES and p.stem == doc_id]

    def ids(self) -> set[str]:
        return {p.stem for p in self.directory.iterdir()
                if p.is_file() and not p.name.startswith(".") and p.suffix.lower() in SUFFIXES}

    def put(self, doc_id: str, suffix: str, data: bytes, meta: Mapping[str, str]) -> Path:
        """Add release `doc_id` (or replace it: its other files go) with its manifest line."""
        _check_id(doc_id)
        recover(self.directory)
        target = f"{doc_id}{suffix}"
        body = self._temp(data)
        line = {"id": doc_id, **{k: meta[k] for k in KEYS if meta.get(k)}}
        manifest = self._temp(self._manifest_without(doc_id) + _jsonl(line))
        stale = [p.name for p in self.files(doc_id) if p.name != target]
        self._commit({"rename": [[manifest, MANIFEST_NAME], [body, target]], "delete": stale})
        return self.directory / target

    def remove(self, doc_id: str) -> None:
        """Remove release `doc_id`: its files and its manifest line."""
        _check_id(doc_id)
        recover(self.directory)
        files = [p.name for p in self.files(doc_id)]
        if not files:
            raise CorpusError(f"no release {doc_id!r} in {self.directory}")
        manifest = self._temp(self._manifest_without(doc_id))
        self._commit({"rename": [[manifest, MANIFEST_NAME]], "delete": files})

    def _manifest_without(self, doc_id: str) -> bytes:
        """The manifest's lines except `doc_id`'s; lines that do not parse are kept as they are
        (the reader reports them), never silently dropped."""
        path = self.directory / MANIFEST_NAME
        if not path.is_file():
            return b""
        kept = []
        for line in path.read_bytes().splitlines(keepends=True):
            try:
                obj = json.loads(line)
            except ValueError:
                obj = None
            if not (isinstance(obj, dict) and str(obj.get("id")) == doc_id):
                kept.append(line if line.endswith(b"\n") else line + b"\n")
        return b"".join(kept)

    def _temp(self, data: bytes) -> str:
        name = f"{_TMP}{uuid.uuid4().hex}"
        with (self.directory / name).open("xb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        return name

    def _commit(self, steps: dict[str, list[Any]]) -> None:
        pending = self._temp(json.dumps(steps).encode("utf-8"))
        os.replace(self.directory / pending, self.directory / JOURNAL)  # the commit point
        _fsync_dir(self.directory)
        recover(self.directory)


def _jsonl(obj: dict[str, str]) -> bytes:
    return (json.dumps(obj, ensure_ascii=False) + "\n").encode("utf-8")


def _check_id(doc_id: str) -> None:
    if not doc_id or doc_id.startswith(".") or any(c in doc_id for c in "/\\\x00") \
            or doc_id != doc_id.strip():
        raise CorpusError(f"not a release id: {doc_id!r}")


def _glob_escape(text: str) -> str:
    return "".join(f"[{c}]" if c in "*?[" else c for c in text)


def _fsync_dir(path: Path) -> None:
    fd = os.open(str(path), os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
