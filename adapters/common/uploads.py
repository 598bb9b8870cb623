"""An admin's upload from a chat, the same on every platform: read it, say what was understood,
take corrections, and on confirmation write it and reindex with progress.

A platform downloads the file (from its own file URLs only) and shows the lines this returns;
the conversation (which draft awaits which admin, what a reply means) lives here. Drafts are
kept in this process's memory for an hour: an admin whose bot restarted uploads again.
"""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from partnerbot.adapters.common.chat import one_line
from partnerbot.adapters.common.reindex import ReindexJob
from partnerbot.bot.errors import CorpusError
from partnerbot.bot.ops.admin import Admin
from partnerbot.bot.ops.feedback import FeedbackStore
from partnerbot.bot.ops.report import build_report
from partnerbot.bot.ops.uploads import Draft
from partnerbot.bot.types import BuildSummary, Progress

DRAFT_TTL = 3600.0
HOW = ("Reply `yes` to add it, a correction such as `date 2025-10-02`, `lang ko`, "
       "`url https://…` or `translation_of 041`, or `cancel`.")
_YES = re.compile(r"^\s*(yes|y|ok|okay|confirm|add|go|네|예|はい)\s*[.!]?\s*$", re.I)
_NO = re.compile(r"^\s*(no|n|cancel|stop|아니요|취소|いいえ|キャンセル)\s*[.!]?\s*$", re.I)
_REPLACE = re.compile(r"^\s*replace\s*[.!]?\s*$", re.I)


@dataclass(frozen=True)
class Decision:
    """What a reply means: `text` to show, and the draft to add when the admin confirmed."""

    text: str
    confirmed: Draft | None = None


class _AddOnce:
    """`admin.add(draft)` shaped as the reindex the shared job runs (one line of progress
    throttling and outcome wording for both)."""

    def __init__(self, admin: Admin, draft: Draft) -> None:
        self._admin, self._draft = admin, draft

    def reindex(self, progress: Progress | None = None, rebuild: bool = False) -> BuildSummary:
        return self._admin.add(self._draft, progress=progress)


class UploadDesk:
    """Drafts awaiting an admin's reply, by conversation key (the platform decides the key:
    a Slack DM, a Telegram private chat)."""

    def __init__(self, admin: Admin, max_bytes: int, progress_interval: float = 1.0,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.admin = admin
        self.max_bytes = max_bytes
        self._interval = progress_interval
        self._clock = clock
        self._lock = threading.Lock()
        self._drafts: dict[str, tuple[Draft, float]] = {}

    def waiting(self, key: str) -> bool:
        with self._lock:
            found = self._drafts.get(key)
            if found and self._clock() - found[1] > DRAFT_TTL:
                del self._drafts[key]
                return False
            return found is not None

    def take_file(self, key: str, filename: str, data: bytes) -> str:
        """Read an upload; the summary and how to answer, or why it was refused."""
        try:
            draft = self.admin.prepare(filename, data, max_bytes=self.max_bytes)
        except CorpusError as exc:
            return f"Not added: {one_line(exc)}"
        self._keep(key, draft)
        return self._ask(draft)

    def answer(self, key: str, text: str) -> Decision:
        """What the admin's reply to a waiting draft means."""
        with self._lock:
            found = self._drafts.get(key)
        if found is None:
            return Decision("No upload is waiting for an answer.")
        draft = found[0]
        if _NO.match(text):
            self._forget(key)
            return Decision("Cancelled: nothing was written.")
        if _REPLACE.match(text):
            if draft.duplicate_of is None:
                return Decision("It replaces nothing: reply `yes` to add it.")
            draft = draft.as_replacement()
            self._forget(key)
            return Decision(f"Replacing {draft.doc_id}…", confirmed=draft)
        if _YES.match(text):
            if draft.duplicate_of and not draft.replaces:
                return Decision(f"It duplicates {draft.duplicate_of} ({draft.duplicate_reason}): "
                                f"reply `replace` to replace it, or `cancel`.")
            self._forget(key)
            return Decision(f"Adding {draft.doc_id}…", confirmed=draft)
        try:
            draft = self.admin.correct(draft, text)
        except CorpusError as exc:
            return Decision(f"{one_line(exc)}\n{HOW}")
        self._keep(key, draft)
        return Decision(self._ask(draft))

    def run(self, draft: Draft, show: Callable[[str], None]) -> str:
        """Write and reindex now, in this thread (a worker: it takes seconds), passing
        throttled progress lines to `show`; returns the outcome line. Never raises."""
        outcome = ReindexJob(_AddOnce(self.admin, draft), min_interval=self._interval).run(show)
        verb = "Replaced" if draft.replaces else "Added"
        return f"{verb} {draft.doc_id} ({draft.meta.get('title', '')}). {outcome}"

    def _ask(self, draft: Draft) -> str:
        return f"{draft.summary()}\n\n{HOW}"

    def _keep(self, key: str, draft: Draft) -> None:
        with self._lock:
            self._drafts[key] = (draft, self._clock())

    def _forget(self, key: str) -> None:
        with self._lock:
            self._drafts.pop(key, None)


def removal(admin: Admin, args: list[str]) -> tuple[str, str | None]:
    """`remove ID` asks for confirmation (the release's title), `remove ID yes` confirms:
    (text to show, id to remove now or None)."""
    if not args:
        return "Usage: remove ID (the id from sources)", None
    doc_id = args[0]
    found = [r for r in admin.sources() if r.doc_id == doc_id]
    if not found:
        return f"No release {doc_id!r} is in the index.", None
    if len(args) > 1 and _YES.match(args[1]):
        return f"Removing {doc_id}…", doc_id
    return (f"Remove {doc_id} ({found[0].title})? Send the command again with `yes` after the "
            f"id to confirm.", None)


def run_removal(admin: Admin, doc_id: str, show: Callable[[str], None],
                interval: float = 1.0) -> str:
    """Remove and reindex with throttled progress; the outcome line. Never raises."""

    class _RemoveOnce:
        def reindex(self, progress: Progress | None = None, rebuild: bool = False
                    ) -> BuildSummary:
            return admin.remove(doc_id, progress=progress)

    return f"Removed {doc_id}. " + ReindexJob(_RemoveOnce(), min_interval=interval).run(show)


def report_text(store: FeedbackStore | None, args: list[str]) -> str:
    """`report [DAYS]` (default 7): the grouped unanswered questions and 👎, as text."""
    if store is None:
        return "No feedback store is configured here."
    try:
        days = float(args[0]) if args else 7.0
    except ValueError:
        return "Usage: report [DAYS], e.g. report 30"
    if not 0 < days <= 3660:
        return "Usage: report [DAYS] with DAYS between 1 and 3660"
    since = time.time() - days * 86400
    return build_report(store.unanswered(since), store.since(since), days).to_text()
