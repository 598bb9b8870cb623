"""Admin operations (reindex, sources, status): one place that the CLI, Slack and Telegram call.

Each platform decides who is an admin and how progress is shown; what an operation does, and
how it is counted in the metrics, is the same everywhere.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from partnerbot.bot.metrics import Metrics
from partnerbot.bot.types import BuildSummary, IndexStatus, Progress, ReleaseInfo
from partnerbot.retrieval.live import Embedder, LiveIndex, build_version


class Admin:
    """What an admin may do to the served index (`Admin.of(live)`), or, from the command line,
    to an index no process here serves: reindexing needs no loaded version, so `partnerbot
    index --rebuild` replaces a damaged index without first trying to load it."""

    def __init__(self, index_dir: Path, corpus_dir: Path, embedders: Sequence[Embedder],
                 live: LiveIndex | None = None, metrics: Metrics | None = None) -> None:
        self._target = (index_dir, corpus_dir, list(embedders))
        self._live = live
        self._metrics = metrics

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

    def sources(self, query: str | None = None) -> list[ReleaseInfo]:
        """Releases in the served index, newest first (undated last); with `query`, those whose
        id, title or publisher contain it (case-insensitive)."""
        found = self._served().releases()
        if not query:
            return found
        needle = query.casefold()
        return [r for r in found if needle in " ".join(
            (r.doc_id, r.title, r.publisher or "")).casefold()]
