"""Admin operations (reindex, sources, status): one place that the CLI, Slack and Telegram call.

Each platform decides who is an admin and how progress is shown; what an operation does, and
how it is counted in the metrics, is the same everywhere.
"""

from __future__ import annotations

from typing import Protocol

from partnerbot.bot.types import BuildSummary, IndexStatus, Progress, ReleaseInfo


class _Lifecycle(Protocol):
    def reindex(self, progress: Progress | None = None, rebuild: bool = False) -> BuildSummary: ...

    def status(self) -> IndexStatus: ...

    def releases(self) -> list[ReleaseInfo]: ...


class Admin:
    """What an admin may do to the served index."""

    def __init__(self, lifecycle: _Lifecycle) -> None:
        self._lifecycle = lifecycle

    def reindex(self, progress: Progress | None = None, rebuild: bool = False) -> BuildSummary:
        """Build a new version from the corpus beside the old one and swap it in; the old one
        answers until then. Raises IndexBusy while another build runs."""
        return self._lifecycle.reindex(progress=progress, rebuild=rebuild)

    def status(self) -> IndexStatus:
        """The version being served: releases, passages, build time, embedders."""
        return self._lifecycle.status()

    def sources(self, query: str | None = None) -> list[ReleaseInfo]:
        """Releases in the served index, newest first (undated last); with `query`, those whose
        id, title or publisher contain it (case-insensitive)."""
        found = self._lifecycle.releases()
        if not query:
            return found
        needle = query.casefold()
        return [r for r in found if needle in " ".join(
            (r.doc_id, r.title, r.publisher or "")).casefold()]
