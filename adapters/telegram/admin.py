"""Admin commands: /status and /reindex, for the Telegram user ids in the settings.

A reindex takes seconds to minutes; it runs in a worker thread while the engine keeps answering
from the old index (the application handles updates concurrently), and its progress is edited
into one message, throttled because Telegram limits edits to about one per second per chat.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from telegram import Message, Update
from telegram.constants import ParseMode
from telegram.error import BadRequest
from telegram.ext import ContextTypes, ExtBot

from partnerbot.adapters.telegram.handlers import user_lang
from partnerbot.adapters.telegram.outbox import NO_PREVIEW, send_html
from partnerbot.adapters.telegram.render import esc, render_status
from partnerbot.adapters.telegram.translate import reply_target
from partnerbot.bot.engine import Engine
from partnerbot.bot.messages import message

log = logging.getLogger("partnerbot.telegram")


def one_line(exc: BaseException, limit: int = 200) -> str:
    """An exception as a short reason for a chat message: first line only, no traceback."""
    text = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
    return text if len(text) <= limit else text[: limit - 1] + "…"


class ProgressMessage:
    """One message showing the latest reindex stage. `report` is the engine's progress
    callback, called from the worker thread; edits happen on the event loop."""

    def __init__(
        self,
        bot: ExtBot[None],
        sent: Message,
        lang: str,
        loop: asyncio.AbstractEventLoop,
        min_interval: float = 1.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._bot = bot
        self._sent = sent
        self._lang = lang
        self._loop = loop
        self._min_interval = min_interval
        self._clock = clock
        self._last_edit = clock()
        self._shown = sent.text or ""
        self._editing: asyncio.Task[None] | None = None

    def report(self, stage: str, done: int, total: int) -> None:
        """Thread-safe; never raises into the engine."""
        text = message("reindex_progress", self._lang, stage=stage, done=done, total=total)
        self._loop.call_soon_threadsafe(self._maybe_edit, text)

    def _maybe_edit(self, text: str) -> None:
        busy = self._editing is not None and not self._editing.done()
        if busy or self._clock() - self._last_edit < self._min_interval:
            return  # a later report (or the final text) will show newer progress anyway
        self._last_edit = self._clock()
        self._editing = asyncio.create_task(self._edit(text))

    async def _edit(self, text: str) -> None:
        if text == self._shown:
            return
        try:
            await self._bot.edit_message_text(
                esc(text),
                chat_id=self._sent.chat_id,
                message_id=self._sent.message_id,
                parse_mode=ParseMode.HTML,
                link_preview_options=NO_PREVIEW,
            )
            self._shown = text
        except BadRequest as exc:  # e.g. the admin deleted the message
            log.warning("could not edit the reindex progress: %s", exc)

    async def finish(self, text: str) -> None:
        """Show the outcome, after any edit still in flight (so it cannot overwrite it)."""
        if self._editing is not None:
            await self._editing
        await self._edit(text)


@dataclass
class AdminHandlers:
    """`admins` are Telegram user ids as strings, as in `Settings.telegram_admins`."""

    engine: Engine
    admins: frozenset[str]
    progress_interval: float = 1.0
    _reindexing: asyncio.Lock = field(default_factory=asyncio.Lock, init=False)

    def _allowed(self, update: Update) -> bool:
        user = update.effective_user
        return user is not None and str(user.id) in self.admins

    async def _refuse(
        self, update: Update, context: ContextTypes.DEFAULT_TYPE, msg: Message
    ) -> bool:
        if self._allowed(update):
            return False
        log.info(  # the command word only: what follows it may be anything the user typed
            "refused admin command %r from user %s",
            "".join((msg.text or "").split(maxsplit=1)[:1]),
            update.effective_user.id if update.effective_user else None,
        )
        await send_html(
            context.bot, reply_target(msg), esc(message("admin_only", user_lang(update, msg.text)))
        )
        return True

    async def on_status(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """/status: the index being served."""
        msg = update.message
        if msg is None or await self._refuse(update, context, msg):
            return
        status = await asyncio.to_thread(self.engine.status)
        await send_html(
            context.bot, reply_target(msg), render_status(status, user_lang(update, msg.text))
        )

    async def on_reindex(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """/reindex: one at a time per process (the engine's lock file covers other processes);
        a second request while one runs is told so instead of queueing."""
        msg = update.message
        if msg is None or await self._refuse(update, context, msg):
            return
        lang = user_lang(update, msg.text)
        target = reply_target(msg)
        if self._reindexing.locked():
            await send_html(context.bot, target, esc(message("reindex_busy", lang)))
            return
        async with self._reindexing:
            sent = await send_html(context.bot, target, esc(message("reindex_started", lang)))
            progress = ProgressMessage(
                context.bot, sent, lang, asyncio.get_running_loop(), self.progress_interval
            )
            try:
                summary = await asyncio.to_thread(self.engine.reindex, progress.report)
            except Exception as exc:
                log.exception("reindex failed")
                outcome = message("reindex_failed", lang, reason=one_line(exc))
            else:
                outcome = message("reindex_done", lang, summary=summary.one_line())
            await progress.finish(outcome)
