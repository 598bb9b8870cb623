"""Answers from the partnership registry: lists, counts, yes/no, timelines and periods.

Placeholder until the registry is part of the index (issue 11): no question is answered
here yet, so every question goes to the quoted-sentence answer.
"""

from __future__ import annotations

from partnerbot.bot.types import Answer
from partnerbot.retrieval.search import SearchIndex


def answer_aggregate(text: str, lang: str, view: SearchIndex) -> Answer | None:
    """The registry's answer to an aggregate question, or None to answer it from sentences."""
    return None
