"""`/partners reindex`: one background rebuild at a time, progress posted back to the admin.

The rebuild takes seconds to minutes, far past Slack's 3-second ack, so it runs in its own
thread while the engine keeps answering from the old index. Progress edits one message
(throttled: Slack allows about one `chat.update` per second per channel) and finally
becomes the summary, so the channel keeps one message per reindex.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

from slack_sdk import WebClient

from partnerbot.adapters.slack.render import (
    SlackMessage,
    progress_text,
    render_summary,
    render_text,
)
from partnerbot.adapters.slack.slack_calls import call_slack
from partnerbot.bot.engine import Engine
from partnerbot.bot.messages import message

log = logging.getLogger("partnerbot.slack")


class ProgressMessage:
    """One Slack message that shows the latest reindex stage; never raises into the engine."""

    def __init__(self, client: WebClient, channel: str, user_id: str, lang: str,
                 min_interval: float, clock: Callable[[], float] = time.monotonic) -> None:
        self._client = client
        self._channel = channel
        self._user_id = user_id
        self._lang = lang
        self._min_interval = min_interval
        self._clock = clock
        self._ts: str | None = None
        self._last = float("-inf")
        self._stage = ""

    def open(self) -> None:
        """Post the first progress line, in the channel the command came from or, when the bot
        is not a member there, in the admin's DM with the bot."""
        msg = render_text(message("reindex_started", self._lang))
        for channel in (self._channel, self._user_id):
            resp = call_slack(self._client.chat_postMessage, channel=channel, text=msg.text,
                              blocks=msg.blocks)
            if resp is not None:
                self._channel, self._ts = str(resp["channel"]), str(resp["ts"])
                return

    def __call__(self, stage: str, done: int, total: int) -> None:
        now = self._clock()
        if self._ts is None or (stage == self._stage and now - self._last < self._min_interval):
            return
        self._stage, self._last = stage, now
        msg = render_text(progress_text(stage, done, total, self._lang))
        call_slack(self._client.chat_update, channel=self._channel, ts=self._ts, text=msg.text,
                   blocks=msg.blocks)

    def finish(self, msg: SlackMessage) -> None:
        """Turn the progress message into the result; post it anew if that is not possible."""
        if self._ts is not None and call_slack(
                self._client.chat_update, channel=self._channel, ts=self._ts, text=msg.text,
                blocks=msg.blocks) is not None:
            return
        call_slack(self._client.chat_postMessage, channel=self._channel if self._ts else
                   self._user_id, text=msg.text, blocks=msg.blocks)


class Reindexer:
    """Runs `engine.reindex` in a thread; a second request while one runs is refused."""

    def __init__(self, engine: Engine, min_interval: float = 2.0) -> None:
        self._engine = engine
        self._min_interval = min_interval
        self._busy = threading.Lock()
        self._thread: threading.Thread | None = None

    def start(self, client: WebClient, channel: str, user_id: str, lang: str = "en") -> bool:
        """False when a reindex is already running (the caller says so to the admin)."""
        if not self._busy.acquire(blocking=False):
            return False
        progress = ProgressMessage(client, channel, user_id, lang, self._min_interval)
        self._thread = threading.Thread(target=self._run, args=(progress, lang), daemon=True,
                                        name="partnerbot-slack-reindex")
        self._thread.start()
        return True

    def _run(self, progress: ProgressMessage, lang: str) -> None:
        try:
            progress.open()
            summary = self._engine.reindex(progress=progress)
            log.info("reindex done: %s", summary.one_line())
            progress.finish(render_summary(summary, lang))
        except Exception as exc:
            log.exception("reindex failed")
            reason = (str(exc).strip().splitlines() or [type(exc).__name__])[0][:200]
            progress.finish(render_text(message("reindex_failed", lang, reason=reason)))
        finally:
            self._busy.release()

    def wait(self, timeout: float | None = None) -> bool:
        """Join the running reindex, if any; True when none is running afterwards."""
        thread = self._thread
        if thread is not None:
            thread.join(timeout)
        return not self.running

    @property
    def running(self) -> bool:
        return self._busy.locked()
