"""The question being handled right now, for log lines emitted anywhere while handling it.

A context variable rather than an argument: library code (slack_sdk, python-telegram-bot,
httpx) logs from deep inside calls we cannot thread a request id through. Threads and asyncio
tasks each see their own value, so concurrent questions never share one.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from partnerbot.bot.types import Question

_current: ContextVar[Question | None] = ContextVar("partnerbot_question", default=None)


def current_question() -> Question | None:
    """The question whose handling emits the current log line, if any."""
    return _current.get()


def current_request_id() -> str | None:
    question = _current.get()
    return question.request_id if question is not None else None


@contextmanager
def request_scope(question: Question) -> Iterator[Question]:
    """Tag everything logged inside the block with `question`'s request id.

    Resets on exit, because a worker thread of a pool keeps its context from one task to the
    next: without the reset, the next unrelated log line would carry a stale id."""
    token = _current.set(question)
    try:
        yield question
    finally:
        _current.reset(token)
