"""Admin operations (reindex, sources, status, add/replace/remove a release): one place that
the CLI, Slack and Telegram call.

Each platform decides who is an admin and how progress is shown; what an operation does, and
how it is counted in the metrics, is the same everywhere. Corpus changes are written under the
index build lock (no build reads a corpus being changed) and atomically (`corpus/writer.py`).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

from partnerbot.bot.ops.metrics import Metrics
from partnerbot.bot.ops.uploads import Draft, correct, make_draft, next_id, parse_correction
from partnerbot.bot.settings import BUNDLED_CORPUS
from partnerbot.bot.types import BuildSummary, IndexStatus, Progress, ReleaseInfo
from partnerbot.corpus.errors import CorpusError, UnreadableFile
from partnerbot.corpus.intake import check_upload
from partnerbot.corpus.model import Release
from partnerbot.corpus.reader import read_corpus
from partnerbot.corpus.writer import JOURNAL, CorpusWriter, recover
from partnerbot.retrieval.live import Embedder, LiveIndex, build_lock, build_version

log = logging.getLogger("partnerbot.admin")
DEFAULT_MAX_UPLOAD = 20 * 1024 * 1024
Announce = Callable[[ReleaseInfo], None]


class Admin:
    """What an admin may do to the served index (`Admin.of(live)`), or, from the command line,
    to an index no process here serves: reindexing needs no loaded version, so `partnerbot
    index --rebuild` replaces a damaged index without first trying to load it."""

    def __init__(self, index_dir: Path, corpus_dir: Path, embedders: Sequence[Embedder],
                 live: LiveIndex | None = None, metrics: Metrics | None = None) -> None:
        self._target = (index_dir, corpus_dir, list(embedders))
        self._live = live
        self._metrics = metrics
        self._listeners: list[Announce] = []

    @classmethod
    def of(cls, live: LiveIndex, metrics: Metrics | None = None) -> Admin:
        """The admin of a served index: a reindex swaps the new version in here at once."""
        return cls(live.index_dir, live.corpus_dir, live.embedders, live, metrics)

    def _served(self) -> LiveIndex:
        if self._live is None:
            raise RuntimeError("no index is served here: open an engine for status or sources")
        return self._live

    def reindex(self, progress: Progress | None = None, rebuild: bool = False) -> BuildSummary:
        """Build a new version from the corpus beside the old one and swap it in; the old one
        answers until then. Raises IndexBusy while another build runs."""
        try:
            self._recover()
            if self._live is not None:
                summary = self._live.build(progress=progress, rebuild=rebuild)
            else:
                index_dir, corpus_dir, embedders = self._target
                summary = build_version(index_dir, corpus_dir, embedders, progress=progress,
                                        rebuild=rebuild)
        except Exception:
            if self._metrics is not None:
                self._metrics.reindexed(ok=False)
            raise
        if self._metrics is not None:
            self._metrics.reindexed(ok=True)
        return summary

    def status(self) -> IndexStatus:
        """The version being served: releases, passages, build time, embedders."""
        return self._served().status()

    def latest(self) -> list[ReleaseInfo]:
        """`sources()` of the newest version, swapped in first if another process built one."""
        self._served().refresh()
        return self.sources()

    def sources(self, query: str | None = None) -> list[ReleaseInfo]:
        """Releases in the served index, newest first (undated last); with `query`, those whose
        id, title or publisher contain it (case-insensitive)."""
        found = self._served().releases()
        if not query:
            return found
        needle = query.casefold()
        return [r for r in found if needle in " ".join(
            (r.doc_id, r.title, r.publisher or "")).casefold()]

    # -- corpus changes -----------------------------------------------------------------------

    def on_added(self, listener: Announce) -> None:
        """Call `listener` with each release added or replaced here, once it is answerable
        (announcements); a listener that fails is logged, never fails the upload."""
        self._listeners.append(listener)

    def prepare(self, filename: str, data: bytes, fields: Mapping[str, str] | None = None,
                replaces: str | None = None, max_bytes: int = DEFAULT_MAX_UPLOAD) -> Draft:
        """Check and read an upload; nothing is written. Raises UnreadableFile (one line)."""
        writer = self._writer()
        ids = writer.ids()
        if replaces is not None and replaces not in ids:
            raise UnreadableFile(f"no release {replaces!r} to replace")
        given = {k: v for k, v in (fields or {}).items() if v}
        if given.get("translation_of") and given["translation_of"] not in ids:
            raise UnreadableFile(f"translation_of: no release {given['translation_of']!r}")
        upload = check_upload(filename, data, given, max_bytes=max_bytes)
        return make_draft(Path(filename).name, upload, self._known(),
                          next_id(ids, Path(filename).stem), replaces)

    def correct(self, draft: Draft, text: str) -> Draft:
        """Apply a correction such as `date 2025-10-02`; UnreadableFile if it is not one."""
        found = parse_correction(text)
        if found is None:
            raise UnreadableFile("not a correction: write e.g. `date 2025-10-02` or `lang ko`")
        return correct(draft, found[0], found[1], self._writer().ids())

    def add(self, draft: Draft, progress: Progress | None = None) -> BuildSummary:
        """Write the release and its manifest line, then reindex (only its passages are new).
        A duplicate goes in only as a replacement."""
        if draft.duplicate_of and draft.replaces != draft.duplicate_of:
            raise UnreadableFile(f"duplicate: {draft.duplicate_reason} as "
                                 f"{draft.duplicate_of}; replace it instead")
        writer = self._writer()
        with build_lock(self._target[0]):
            writer.put(draft.doc_id, draft.suffix, draft.data, draft.meta)
        log.info("release %s %s", draft.doc_id, "replaced" if draft.replaces else "added")
        summary = self.reindex(progress=progress)
        info = ReleaseInfo(doc_id=draft.doc_id, title=draft.meta.get("title", draft.doc_id),
                           publisher=draft.meta.get("publisher"), date=draft.meta.get("date"),
                           lang=draft.meta.get("lang", ""), url=draft.meta.get("url"),
                           source=draft.filename)
        for listener in self._listeners:
            try:
                listener(info)
            except Exception:
                log.exception("announcing %s failed", draft.doc_id)
        return summary

    def remove(self, doc_id: str, progress: Progress | None = None) -> BuildSummary:
        """Remove a release (file and manifest line) and reindex without it."""
        writer = self._writer()
        ids = writer.ids()
        if doc_id not in ids:
            raise UnreadableFile(f"no release {doc_id!r} in the corpus")
        if ids == {doc_id}:
            raise UnreadableFile("refused: it is the only release (an empty index is never wanted)")
        with build_lock(self._target[0]):
            writer.remove(doc_id)
        log.info("release %s removed", doc_id)
        return self.reindex(progress=progress)

    def _writer(self) -> CorpusWriter:
        corpus = self._target[1]
        if Path(corpus).resolve() == Path(BUNDLED_CORPUS).resolve():
            raise CorpusError("the bundled releases are read-only: set PARTNERBOT_CORPUS_DIR to "
                              "a directory of your own first")
        return CorpusWriter(corpus)

    def _recover(self) -> None:
        """Finish a corpus change a killed process committed, before any build reads it."""
        corpus = Path(self._target[1])
        if (corpus / JOURNAL).exists() or next(corpus.glob(".partnerbot-tmp-*"), None):
            with build_lock(self._target[0]):
                recover(corpus)

    def _known(self) -> list[Release]:
        """The releases an upload must not duplicate: the served ones, else the corpus read."""
        if self._live is not None:
            return list(self._live.served.releases.values())
        try:
            return read_corpus(self._target[1]).releases
        except CorpusError:
            return []
