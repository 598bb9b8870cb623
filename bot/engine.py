"""The answer engine: a question in, a cited extractive answer out. (Being implemented.)"""

from __future__ import annotations

from collections.abc import Sequence

from bot.settings import Settings
from bot.types import Answer, Question
from retrieval.summary import BuildSummary, IndexStatus, Progress, ReleaseInfo


class Engine:
    """Thread-safe; picks up a newer index version between questions."""

    @classmethod
    def open(cls, settings: Settings, embedders: Sequence[object] | None = None,
             progress: Progress | None = None) -> Engine:
        """Load the index in settings.index_dir, building it from settings.corpus_dir if absent.
        `embedders` overrides the ones named in settings (tests pass a fast fake)."""
        raise NotImplementedError

    def answer(self, question: Question) -> Answer:
        raise NotImplementedError

    def help(self, lang: str = "en") -> Answer:
        raise NotImplementedError

    def status(self) -> IndexStatus:
        raise NotImplementedError

    def releases(self) -> list[ReleaseInfo]:
        """Newest first."""
        raise NotImplementedError

    def reindex(self, progress: Progress | None = None, rebuild: bool = False) -> BuildSummary:
        """Build a new index version from settings.corpus_dir beside the old one and swap it in;
        the old one keeps serving until then. Serialised by a lock file."""
        raise NotImplementedError
