"""Follow-ups in a thread: "who signed it?" after "What did LINK-J agree with Kanagawa?".

A follow-up that names no party of its own asks about the parties of the thread's previous
question; the engine answers it as if it had named them. Nothing else of the previous
question is carried over, so the follow-up's own kind (a date, a person) decides the answer.
"""

from __future__ import annotations

from partnerbot.bot.question.terms import QuestionTerms
from partnerbot.retrieval.search import QueryVectors, SearchIndex


def _names(text: str, view: SearchIndex) -> list[str]:
    terms = QuestionTerms.of(text, QueryVectors(text=text, vectors={}, expansion=()), view)
    return [" ".join(p) for p in terms.phrases]


def with_context(text: str, previous: str | None, view: SearchIndex) -> str:
    """`text`, plus the parties `previous` names when `text` names none."""
    if not previous or _names(text, view):
        return text
    inherited = _names(previous, view)
    return f"{text} ({', '.join(inherited)})" if inherited else text
