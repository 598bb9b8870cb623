"""Per-release work of a build, cached by content: reading the file, chunking, tokenising for
BM25 and scanning for names (the lexicon). Adding one release to a corpus of hundreds then
costs that release's work and its embeddings, not a pass over the whole corpus.

Keys hash the input (file bytes and manifest entry, or the release's content hash) with a
fingerprint of the code that derives the values (the corpus layer, chunking, tokeniser,
lexicon, their word lists), so a changed reader or tokeniser never serves a stale value.
Entries a build did not use are dropped when it finishes; the file is SQLite, so a killed
build leaves it consistent. Used only under the build lock. A damaged file (overwritten, cut,
not SQLite) is only lost speed: it is dropped and started afresh with one warning.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import json
import logging
import sqlite3
import time
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict
from pathlib import Path
from typing import Any

import partnerbot.corpus
from partnerbot.corpus.errors import UnreadableFile
from partnerbot.corpus.model import Release
from partnerbot.corpus.reader import read_release
from partnerbot.retrieval import chunking, lexicon, passage, tokenize
from partnerbot.retrieval.chunking import chunk_release
from partnerbot.retrieval.lexicon import Lexicon
from partnerbot.retrieval.passage import Passage

log = logging.getLogger("partnerbot.index")

CACHE_FILE = "releases.sqlite3"
_DATA = (".py", ".txt", ".json", ".tsv", ".csv", ".toml", ".yaml")


@functools.cache
def code_fingerprint() -> str:
    """Hash of the sources whose output is cached (files beside them included: word lists)."""
    h = hashlib.sha256(tokenize.TOKENIZER_NAME.encode())
    roots = [Path(partnerbot.corpus.__file__).resolve().parent]
    files = [p for root in roots for p in sorted(root.rglob("*"))
             if p.suffix in _DATA and "releases" not in p.parts[len(root.parts):]]
    files += [Path(m.__file__).resolve() for m in (chunking, lexicon, passage, tokenize)
              if m.__file__]
    for f in files:
        h.update(f.name.encode())
        h.update(f.read_bytes())
    return h.hexdigest()[:16]


class ReleaseCache:
    """Open for one build: `read` (for read_corpus), `passages`, `tokens`, `lexicon`; then
    `close()` commits and drops what the build did not use."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self._path = path
        self._replaced = False
        try:
            self._db = _open(path)
        except sqlite3.DatabaseError as exc:
            self._db = self._replace(exc)
        self._stamp = time.time()
        self._fp = code_fingerprint()
        self._used: set[str] = set()
        self.hits = self.misses = 0

    def _replace(self, exc: sqlite3.DatabaseError) -> sqlite3.Connection:
        """Drop the damaged file and start an empty cache (once: a second failure, say a
        read-only disk, is not damage and is raised)."""
        if self._replaced:
            raise exc
        self._replaced = True
        with contextlib.suppress(AttributeError, sqlite3.Error):
            self._db.close()
        for suffix in ("", "-journal", "-wal", "-shm"):
            Path(f"{self._path}{suffix}").unlink(missing_ok=True)
        log.warning("release cache %s was damaged (%s): dropped it and rebuilt it, nothing "
                    "left to do", self._path, exc)
        return _open(self._path)

    def _key(self, kind: str, *parts: str | bytes) -> str:
        h = hashlib.sha256(f"{self._fp}\0{kind}".encode())
        for part in parts:
            h.update(b"\0")
            h.update(part if isinstance(part, bytes) else part.encode("utf-8"))
        return f"{kind}:{h.hexdigest()[:32]}"

    def _get(self, key: str) -> Any:
        self._used.add(key)
        try:
            row = self._db.execute("SELECT value FROM entries WHERE key = ?", (key,)).fetchone()
        except sqlite3.DatabaseError as exc:
            self._db, row = self._replace(exc), None
        if row is None:
            self.misses += 1
            return None
        self.hits += 1
        return json.loads(row[0])

    def _put(self, key: str, value: Any) -> None:
        row = (key, json.dumps(value, ensure_ascii=False), self._stamp)
        try:
            self._db.execute("INSERT OR REPLACE INTO entries VALUES (?, ?, ?)", row)
        except sqlite3.DatabaseError as exc:
            self._db = self._replace(exc)
            self._db.execute("INSERT OR REPLACE INTO entries VALUES (?, ?, ?)", row)

    def read(self, path: Path, meta: Mapping[str, object] | None = None) -> Release:
        """`read_release`, or what it returned for the same bytes and manifest entry
        (unreadable files too: a broken PDF is not parsed again on every build)."""
        key = self._key("read", path.name, json.dumps(dict(meta or {}), sort_keys=True,
                                                      default=str), path.read_bytes())
        found = self._get(key)
        if found is None:
            try:
                release = read_release(path, meta)
            except UnreadableFile as e:
                self._put(key, {"unreadable": str(e)})
                raise
            self._put(key, {k: v for k, v in asdict(release).items() if k != "source"})
            return release
        if "unreadable" in found:
            raise UnreadableFile(found["unreadable"])
        return Release(**found, source=str(path))

    def passages(self, release: Release) -> list[Passage]:
        key = self._key("passages", release.content_hash)
        found = self._get(key)
        if found is None:
            out = chunk_release(release)
            self._put(key, [asdict(p) for p in out])
            return out
        return [Passage(**{**p, "sentences": tuple(tuple(s) for s in p["sentences"])})
                for p in found]

    def tokens(self, release: Release, passages: Sequence[Passage]) -> list[list[str]]:
        """BM25 tokens of the release's passages (their embed texts), in order."""
        key = self._key("tokens", release.content_hash)
        found = self._get(key)
        if found is None or len(found) != len(passages):
            found = [tokenize.tokenize(p.embed_text) for p in passages]
            self._put(key, found)
        return [list(t) for t in found]

    def lexicon(self, releases: Iterable[Release]) -> Lexicon:
        """`Lexicon.build(releases)`, merged from per-release parts (it is a union over
        releases, so the result is the same)."""
        merged: dict[str, dict[str, set[str]]] = {
            "aliases": defaultdict(set), "latin_keys": defaultdict(set),
            "cjk_keys": defaultdict(set)}
        for release in releases:
            key = self._key("lexicon", release.content_hash)
            part = self._get(key)
            if part is None:
                one = Lexicon.build([release])
                part = {"aliases": one.aliases, "latin_keys": one.latin_keys,
                        "cjk_keys": one.cjk_keys}
                self._put(key, part)
            for field, table in part.items():
                for k, forms in table.items():
                    merged[field][k].update(forms)
        done = {f: {k: sorted(v) for k, v in t.items()} for f, t in merged.items()}
        return Lexicon(aliases=done["aliases"], latin_keys=done["latin_keys"],
                       cjk_keys=done["cjk_keys"])

    def close(self) -> None:
        """Commit; of each kind this build used, drop the entries it did not use (files gone,
        releases changed). A build that stopped after reading prunes only what was read."""
        try:
            self._prune()
        except sqlite3.DatabaseError as exc:  # damaged under us: what it held is lost anyway
            self._db = self._replace(exc)
        finally:
            self._db.close()

    def _prune(self) -> None:
        used = sorted(self._used)
        for i in range(0, len(used), 500):
            chunk = used[i:i + 500]
            self._db.execute(f"UPDATE entries SET stamp = ? WHERE key IN "
                             f"({','.join('?' * len(chunk))})", (self._stamp, *chunk))
        for kind in sorted({k.split(":", 1)[0] for k in used}):
            self._db.execute("DELETE FROM entries WHERE stamp < ? AND key LIKE ?",
                             (self._stamp, kind + ":%"))
        self._db.commit()


def _open(path: Path) -> sqlite3.Connection:
    """Connect and read one row, so a file that is not SQLite fails here, not mid-build."""
    db = sqlite3.connect(str(path))
    try:
        db.execute("CREATE TABLE IF NOT EXISTS entries (key TEXT PRIMARY KEY, "
                   "value BLOB NOT NULL, stamp REAL NOT NULL)")
        db.execute("SELECT key, value, stamp FROM entries LIMIT 1").fetchall()
    except sqlite3.DatabaseError:
        db.close()
        raise
    return db
