"""Embedders: text to unit vectors. One module per backend, chosen by name in the settings."""

from partnerbot.retrieval.embedders.base import Embedder, EmbedderError
from partnerbot.retrieval.embedders.factory import EMBEDDER_NAMES, make_embedder

__all__ = ["EMBEDDER_NAMES", "Embedder", "EmbedderError", "make_embedder"]
