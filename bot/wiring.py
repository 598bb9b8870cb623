"""Wiring, in one place: settings -> embedders -> live index -> engine.

Entry points (the CLI, `partnerbot serve`, benchmarks, tests) call `open_engine`; nothing
else builds embedders or opens the index for answering.
"""

from __future__ import annotations

from collections.abc import Sequence

from partnerbot.bot.engine import Engine
from partnerbot.bot.ops.admin import Admin
from partnerbot.bot.settings import Settings
from partnerbot.bot.types import Progress
from partnerbot.retrieval.embedders import factory
from partnerbot.retrieval.embedders.base import Embedder
from partnerbot.retrieval.live import LiveIndex


def make_embedders(settings: Settings) -> list[Embedder]:
    """The embedders the settings name, in order (the last aligns languages best)."""
    return [factory.make_embedder(name, settings.st_model, settings.data_dir / "cache")
            for name in settings.embedders]


def open_engine(settings: Settings, embedders: Sequence[Embedder] | None = None,
                progress: Progress | None = None) -> Engine:
    """Open (or build, or rebuild once if damaged) the index and put an engine over it."""
    embs = list(embedders) if embedders is not None else make_embedders(settings)
    live = LiveIndex.open(settings.index_dir, settings.corpus_dir, embs, progress=progress)
    return Engine(settings, live)


def offline_admin(settings: Settings, embedders: Sequence[Embedder] | None = None) -> Admin:
    """Admin operations on the index in the settings without loading it (`partnerbot index`):
    building needs no served version, and a damaged one is simply replaced."""
    embs = list(embedders) if embedders is not None else make_embedders(settings)
    return Admin(settings.index_dir, settings.corpus_dir, embs)
