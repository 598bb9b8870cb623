"""Admins keep the corpus current from Telegram: a document sent in a private chat becomes a
release after the admin confirms (`adapters/common/uploads.py` holds the conversation), and
`/remove ID` removes one.

The file is fetched the Bot API way only: `getFile`, then the file URL PTB builds from its
`base_file_url`, with the bot's request timeouts and a size cap checked before downloading.
Replies to a waiting upload are caught before the question handler (registered first).
"""

from __future__ import annotations

import asyncio
import logging

from telegram import Message, Update
from telegram.error import TelegramError
from telegram.ext import Application, CommandHandler, ContextTypes, MessageHandler, filters

from partnerbot.adapters.common.chat import is_admin, one_line
from partnerbot.adapters.common.uploads import UploadDesk, removal, report_text, run_removal
from partnerbot.adapters.telegram.admin import TelegramProgress
from partnerbot.adapters.telegram.outbox import send_html
from partnerbot.adapters.telegram.render import esc
from partnerbot.adapters.telegram.translate import reply_target
from partnerbot.bot.ops.admin import Admin
from partnerbot.bot.ops.feedback import FeedbackStore
from partnerbot.bot.settings import Settings
from partnerbot.corpus.sizes import over_limit

log = logging.getLogger("partnerbot.telegram.uploads")

NOT_ADMIN = "Only admins can add or remove releases or see the report; nothing was written."
DOWNLOAD_TIMEOUT = 30.0


def _key(message: Message) -> str:
    user = message.from_user.id if message.from_user else 0
    return f"tg:{message.chat_id}:{user}"


class _Waiting(filters.MessageFilter):
    """Messages from an admin whose upload waits for a reply."""

    def __init__(self, desk: UploadDesk) -> None:
        super().__init__(name="waiting_upload")
        self._desk = desk

    def filter(self, message: Message) -> bool:
        return self._desk.waiting(_key(message))


class TelegramUploads:
    def __init__(self, admin: Admin, settings: Settings, progress_interval: float = 1.0,
                 feedback: FeedbackStore | None = None) -> None:
        self.admin = admin
        self.feedback = feedback
        self.admins = settings.telegram_admins
        self.max_bytes = settings.max_upload_mb * 1024 * 1024
        self.interval = progress_interval
        self.desk = UploadDesk(admin, self.max_bytes, progress_interval)

    def register(self, application: Application) -> None:
        new_private = filters.UpdateType.MESSAGE & filters.ChatType.PRIVATE
        application.add_handler(MessageHandler(new_private & filters.Document.ALL,
                                               self.on_document))
        application.add_handler(MessageHandler(
            new_private & filters.TEXT & ~filters.COMMAND & _Waiting(self.desk), self.on_reply))
        application.add_handler(CommandHandler("remove", self.on_remove,
                                               filters.UpdateType.MESSAGE))
        application.add_handler(CommandHandler("report", self.on_report,
                                               filters.UpdateType.MESSAGE))

    async def on_report(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """/report [DAYS]: unanswered questions and 👎, grouped (admins only)."""
        msg = update.message
        if msg is None or not await self._admin(update, context, msg, "/report"):
            return
        text = await asyncio.to_thread(report_text, self.feedback, list(context.args or []))
        await self._say(context, msg, text)

    async def _say(self, context: ContextTypes.DEFAULT_TYPE, msg: Message, text: str) -> Message:
        return await send_html(context.bot, reply_target(msg), esc(text))

    async def _admin(self, update: Update, context: ContextTypes.DEFAULT_TYPE, msg: Message,
                     what: str) -> bool:
        user = update.effective_user
        if is_admin(user.id if user else None, self.admins, what):
            return True
        await self._say(context, msg, NOT_ADMIN)
        return False

    async def on_document(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        msg = update.message
        if msg is None or msg.document is None or not await self._admin(
                update, context, msg, "document upload"):
            return
        doc = msg.document
        name = doc.file_name or "upload"
        if (doc.file_size or 0) > self.max_bytes:
            await self._say(context, msg, "Not added: refused: "
                                          + over_limit(doc.file_size, self.max_bytes))
            return
        try:
            found = await context.bot.get_file(doc.file_id)
            data = bytes(await found.download_as_bytearray(read_timeout=DOWNLOAD_TIMEOUT))
        except (TelegramError, OSError) as exc:
            await self._say(context, msg, f"Not added: could not download the file: "
                                          f"{one_line(exc)}")
            return
        text = await asyncio.to_thread(self.desk.take_file, _key(msg), name, data)
        await self._say(context, msg, text)

    async def on_reply(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        msg = update.message
        if msg is None:
            return
        decision = await asyncio.to_thread(self.desk.answer, _key(msg), msg.text or "")
        sent = await self._say(context, msg, decision.text)
        draft = decision.confirmed
        if draft is not None:
            progress = TelegramProgress(context.bot, sent, asyncio.get_running_loop())
            outcome = await asyncio.to_thread(self.desk.run, draft, progress.show)
            await progress.finish(outcome)

    async def on_remove(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        msg = update.message
        if msg is None or not await self._admin(update, context, msg, "/remove"):
            return
        text, doc_id = await asyncio.to_thread(removal, self.admin, list(context.args or []))
        sent = await self._say(context, msg, text.replace("Send the command again",
                                                          "Send /remove again"))
        if doc_id is not None:
            progress = TelegramProgress(context.bot, sent, asyncio.get_running_loop())
            outcome = await asyncio.to_thread(run_removal, self.admin, doc_id, progress.show,
                                              self.interval)
            await progress.finish(outcome)
