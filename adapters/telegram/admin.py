"""Admin commands: /status and /reindex, for the Telegram user ids in the settings.

The reindex job (one at a time, throttled progress, the outcome line) is shared with the other
platforms (`adapters/common/reindex.py`); here its lines are edited into one Telegram message.
The build runs in a worker thread while the engine keeps answering from the old index (the
application handles updates concurrently).
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, field

from telegram import Message, Update
from telegram.constants import ParseMode
from telegram.error import BadRequest
from telegram.ext import ContextTypes, ExtBot

from partnerbot.adapters.common.chat import is_admin
from partnerbot.adapters.common.reindex import ReindexJob
from partnerbot.adapters.telegram.handlers import user_lang
from partnerbot.adapters.telegram.outbox import NO_PREVIEW, send_html
from partnerbot.adapters.telegram.render import esc, render_status
from partnerbot.adapters.telegram.translate import reply_target
from partnerbot.bot.engine import Engine
from partnerbot.bot.messages import message

log = logging.getLogger("partnerbot.telegram")


class TelegramProgress:
    """One message showing the latest reindex line. `show` is called from the job's worker
    thread; edits happen on the event loop, one at a time: a line arriving while an edit is in
    flight is dropped (a later one, or the outcome, shows newer progress anyway)."""

    def __init__(self, bot: ExtBot[None], sent: Message, loop: asyncio.AbstractEventLoop) -> None:
        self._bot = bot
        self._sent = sent
        self._loop = loop
        self._shown = sent.text or ""
        self._editing: asyncio.Task[None] | None = None

    def show(self, text: str) -> None:
        """Thread-safe; never raises into the build."""
        self._loop.call_soon_threadsafe(self._maybe_edit, text)

    def _maybe_edit(self, text: str) -> None:
        if self._editing is None or self._editing.done():
            self._editing = asyncio.create_task(self._edit(text))

    async def _edit(self, text: str) -> None:
        if text == self._shown:  # Telegram refuses an edit that changes nothing
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
    _job: ReindexJob = field(init=False)

    def __post_init__(self) -> None:
        self._job = ReindexJob(self.engine.admin, min_interval=self.progress_interval)

    async def _refuse(
        self, update: Update, context: ContextTypes.DEFAULT_TYPE, msg: Message
    ) -> bool:
        user = update.effective_user
        # the command word only: what follows it may be anything the user typed
        command = "".join((msg.text or "").split(maxsplit=1)[:1])
        if is_admin(user.id if user else None, self.admins, command):
            return False
        await send_html(
            context.bot, reply_target(msg), esc(message("admin_only", user_lang(update, msg.text)))
        )
        return True

    async def on_status(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """/status: the index being served."""
        msg = update.message
        if msg is None or await self._refuse(update, context, msg):
            return
        status = await asyncio.to_thread(self.engine.admin.status)
        await send_html(
            context.bot, reply_target(msg), render_status(status, user_lang(update, msg.text))
        )

    async def on_reindex(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """/reindex: one at a time per process; a second request while one runs is told so
        instead of queueing."""
        msg = update.message
        if msg is None or await self._refuse(update, context, msg):
            return
        lang = user_lang(update, msg.text)
        target = reply_target(msg)
        if not self._job.try_begin():
            await send_html(context.bot, target, esc(message("reindex_busy", lang)))
            return
        try:
            sent = await send_html(context.bot, target, esc(message("reindex_started", lang)))
            progress = TelegramProgress(context.bot, sent, asyncio.get_running_loop())
            outcome = await asyncio.to_thread(self._job.run, progress.show, lang)
            await progress.finish(outcome)
        finally:
            self._job.end()
