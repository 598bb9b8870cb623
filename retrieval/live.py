"""The index a running bot serves: opened once, rebuilt once on damage, hot-reloaded.

Questions ask `current()` for a `SearchIndex` and use it from start to end; a newer version
written by any process (a reindex from chat, `partnerbot index` on the server) is loaded in
the background and swapped in between questions, never in the middle of one.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Sequence
from pathlib import Path

from partnerbot.corpus.reader import CorpusError
from partnerbot.retrieval.build import build_index
from partnerbot.retrieval.embedders.base import Embedder
from partnerbot.retrieval.layout import (
    IndexCorrupt,
    IndexMissing,
    IndexStale,
    build_lock,
    current_version,
)
from partnerbot.retrieval.load import load_index
from partnerbot.retrieval.search import SearchIndex
from partnerbot.retrieval.summary import BuildSummary, IndexStatus, Progress, ReleaseInfo

log = logging.getLogger("partnerbot.index")

__all__ = ["Embedder", "LiveIndex", "build_lock", "build_version"]


def build_version(index_dir: Path, corpus_dir: Path, embedders: Sequence[Embedder],
                  progress: Progress | None = None, rebuild: bool = False) -> BuildSummary:
    """Build a new version from `corpus_dir` beside the served one and swap it in (or keep
    the current one when the corpus is unchanged), without loading it here: `partnerbot
    index` on a server whose bots pick the new version up themselves."""
    return build_index(corpus_dir, index_dir, embedders, progress=progress, rebuild=rebuild)


class LiveIndex:
    """Thread-safe holder of the served version of the index in `index_dir`."""

    def __init__(self, index_dir: Path, corpus_dir: Path, embedders: Sequence[Embedder],
                 served: SearchIndex) -> None:
        self.index_dir = index_dir
        self.corpus_dir = corpus_dir
        self.embedders = list(embedders)
        self._served = served
        self._reload_lock = threading.Lock()
        self._swap_lock = threading.Lock()
        self._reloading = False
        self._unloadable = ""  # a version that failed to load: not retried on every question

    @classmethod
    def open(cls, index_dir: Path, corpus_dir: Path, embedders: Sequence[Embedder],
             progress: Progress | None = None) -> LiveIndex:
        """Load the index, building it from `corpus_dir` if it is absent or damaged. A
        mismatch (other embedders or format) is an error that says how to rebuild, because
        rebuilding silently could take long and surprise the operator."""
        embs = list(embedders)
        try:
            index = load_index(index_dir, embs)
        except (IndexMissing, IndexStale):
            build_index(corpus_dir, index_dir, embs, progress=progress)
            index = load_index(index_dir, embs)
        except IndexCorrupt as exc:
            # Rebuild once; if that fails too, one error says both (a one-line exit for the
            # CLI), never a loop of rebuilds.
            log.info("%s; rebuilding from %s", exc, corpus_dir)
            try:
                build_index(corpus_dir, index_dir, embs, progress=progress, rebuild=True)
            except (OSError, CorpusError) as build_exc:  # no corpus, disk full, read-only
                raise IndexCorrupt(f"{exc} (rebuilding it from {corpus_dir} failed: "
                                   f"{build_exc})") from None
            index = load_index(index_dir, embs)
            log.warning("%s; rebuilt it from %s as version %s, nothing left to do",
                        exc.problem.replace(" is damaged", " was damaged", 1), corpus_dir,
                        index.version)
        return cls(index_dir, corpus_dir, embs, SearchIndex(index, embs))

    @property
    def served(self) -> SearchIndex:
        """The version being served now, without looking for a newer one."""
        return self._served

    def current(self) -> SearchIndex:
        """The version to answer with; starts loading a newer one in the background."""
        served = self._served
        latest = current_version(self.index_dir)
        if (latest and latest != served.version and latest != self._unloadable
                and not self._reloading):
            with self._reload_lock:
                if not self._reloading:
                    self._reloading = True
                    threading.Thread(target=self._reload, name="index-reload",
                                     daemon=True).start()
        return served

    def _reload(self) -> None:
        """Load the version CURRENT names. One that fails to load is remembered, so the old
        version keeps serving and the failure is logged once, not on every question; a later
        build writes a new version name, which is tried afresh."""
        version = current_version(self.index_dir) or ""
        try:
            if self._install(SearchIndex(load_index(self.index_dir, self.embedders),
                                         self.embedders)):
                log.info("now serving index %s", version)
        except Exception as exc:  # keep serving the old version
            self._unloadable = version
            log.error("could not load index version %s, still serving %s: %s", version,
                      self._served.version, exc)
        finally:
            self._reloading = False

    def refresh(self) -> str:
        """Load the newest version now (tests and admin commands); returns its name."""
        latest = current_version(self.index_dir)
        if latest and latest != self._served.version:
            self._install(SearchIndex(load_index(self.index_dir, self.embedders),
                                      self.embedders))
        return self._served.version

    def _install(self, view: SearchIndex) -> bool:
        """Serve `view` unless the served one is already what CURRENT names: a background
        reload that finishes after `refresh()` must not put an older version back."""
        with self._swap_lock:
            if self._served.version == current_version(self.index_dir):
                return False
            self._served = view
            return True

    def build(self, progress: Progress | None = None, rebuild: bool = False) -> BuildSummary:
        """Build a new version from the corpus beside the served one and swap it in; the old
        one keeps serving until then. Raises IndexBusy if a build is already running."""
        summary = build_version(self.index_dir, self.corpus_dir, self.embedders,
                                progress=progress, rebuild=rebuild)
        self.refresh()
        return summary

    def status(self) -> IndexStatus:
        view = self._served
        return IndexStatus(version=view.version, releases=len(view.releases),
                           passages=view.passage_count, built_at=view.built_at,
                           embedders=tuple(e.name for e in self.embedders),
                           index_dir=str(self.index_dir))

    def releases(self) -> list[ReleaseInfo]:
        """Newest first; undated releases last."""
        rels = sorted(self._served.releases.values(), key=lambda r: (r.date or "", r.id),
                      reverse=True)
        return [ReleaseInfo(doc_id=r.id, title=r.title, publisher=r.publisher, date=r.date,
                            lang=r.lang, url=r.url, source=r.source) for r in rels]
