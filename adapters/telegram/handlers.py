"""Handlers for everyone: questions, /start, /help, /sources, 👍/👎, and the error handler.

Each handler translates (update -> `Question`), calls the engine in a worker thread (it
blocks), and renders (`Answer` -> HTML). Nothing here knows how answers are found.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from dataclasses import dataclass, replace

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.constants import ChatType, ParseMode
from telegram.error import TelegramError
from telegram.ext import ApplicationHandlerStop, ContextTypes

from partnerbot.adapters.common.chat import answer_or_apology, help_or_apology
from partnerbot.adapters.common.translate_link import TranslateLink, translate_links
from partnerbot.adapters.stores.answer_keys import AnswerKeys, Asked
from partnerbot.adapters.stores.claims import Claims
from partnerbot.adapters.stores.ratelimit import RateLimiter
from partnerbot.adapters.telegram.outbox import NO_PREVIEW, send_html, send_parts, typing
from partnerbot.adapters.telegram.quote_translate import model_buttons
from partnerbot.adapters.telegram.render import esc, render_answer, render_help, render_sources
from partnerbot.adapters.telegram.retry import MaybeDelivered
from partnerbot.adapters.telegram.translate import (
    PLATFORM,
    BotIdentity,
    ReplyTarget,
    addressed_text,
    reply_target,
    to_question,
    ui_lang,
)
from partnerbot.bot.engine import Engine
from partnerbot.bot.messages import message
from partnerbot.bot.ops.feedback import Feedback, FeedbackStore, Verdict
from partnerbot.bot.request_context import request_scope
from partnerbot.bot.types import Question

log = logging.getLogger("partnerbot.telegram")

FEEDBACK_KINDS = ("answer", "abstain")  # help, errors and refusals get no 👍/👎
# A URL button's limit is not documented; 2048, the usual URL limit, is accepted
TRANSLATE_URL_LIMIT = 2048


def identity(context: ContextTypes.DEFAULT_TYPE) -> BotIdentity:
    return BotIdentity(id=context.bot.id, username=context.bot.username)


def user_lang(update: Update, text: str | None = None) -> str:
    user = update.effective_user
    return ui_lang(text, user.language_code if user else None)


def feedback_keyboard(
    key: str,
    links: Sequence[TranslateLink] = (),
    translate: Sequence[InlineKeyboardButton] = (),
) -> InlineKeyboardMarkup:
    """👍/👎 under an answer; callback_data (max 64 bytes) carries only the verdict and a key.
    Translate links (URL buttons the user's app opens), or with a model configured translate
    buttons (adapters/telegram/quote_translate.py), go above them, three to a row."""
    buttons = [InlineKeyboardButton(link.label, url=link.url) for link in links]
    buttons += translate
    rows = [buttons[i : i + 3] for i in range(0, len(buttons), 3)]
    rows.append(
        [
            InlineKeyboardButton("👍", callback_data=f"fb:u:{key}"),
            InlineKeyboardButton("👎", callback_data=f"fb:d:{key}"),
        ]
    )
    return InlineKeyboardMarkup(rows)


def pager(page: int, pages: int) -> InlineKeyboardMarkup | None:
    """◀/▶ buttons for /sources, or nothing when everything fits on one page."""
    buttons = []
    if page > 0:
        buttons.append(InlineKeyboardButton("◀", callback_data=f"src:{page - 1}"))
    if page < pages - 1:
        buttons.append(InlineKeyboardButton("▶", callback_data=f"src:{page + 1}"))
    return InlineKeyboardMarkup([buttons]) if buttons else None


@dataclass
class UserHandlers:
    """State shared by the handlers: the engine, the per-user budget, the claims on update
    ids, the feedback store and what each 👍/👎 key refers to."""

    engine: Engine
    feedback: FeedbackStore
    limiter: RateLimiter
    dedupe: Claims
    keys: AnswerKeys
    sources_per_page: int = 10

    async def drop_duplicates(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Runs before every other handler (group -1): a redelivered update stops here."""
        if not self.dedupe.claim(str(update.update_id)):
            log.info("update %s already handled; ignored", update.update_id)
            raise ApplicationHandlerStop

    async def on_question(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Plain text or `/ask <q>`: a question in private chats; in groups only when the bot
        is addressed (mention, /ask, reply to the bot)."""
        msg = update.message
        if msg is None:
            return
        text = addressed_text(msg, identity(context))
        if text is not None:
            await self.ask(update, context, msg, text)

    async def ask(
        self, update: Update, context: ContextTypes.DEFAULT_TYPE, msg: Message, text: str
    ) -> None:
        target = reply_target(msg)
        lang = user_lang(update, text)
        question = to_question(msg, identity(context))
        if question is None:  # addressed but empty: "@bot", a bare "/ask", invisible marks
            usage = ("telegram_private_usage" if msg.chat.type == ChatType.PRIVATE
                     else "telegram_ask_usage")
            await send_html(context.bot, target, esc(message(usage, lang)))
            return
        previous = _replied_answer(msg, identity(context))
        if previous is not None:  # a reply to one of our answers: a follow-up in that chain
            asked = self.keys.get(previous)
            question = replace(question, context=asked.parties if asked else ())
        with request_scope(question):  # this task's log lines, and the engine thread's
            await self._answer(context, question, target, lang, msg)

    async def _answer(
        self,
        context: ContextTypes.DEFAULT_TYPE,
        question: Question,
        target: ReplyTarget,
        lang: str,
        msg: Message,
    ) -> None:
        if not self.limiter.allow(question.user_id or str(msg.chat_id)):
            await send_html(context.bot, target, esc(message("rate_limited", lang)))
            return
        async with typing(context.bot, target):
            answer = await asyncio.to_thread(answer_or_apology, self.engine, question, lang)
        markup = None
        asked = Asked(
            question=question.text,
            request_id=question.request_id,
            release_ids=tuple(c.doc_id for c in answer.citations),
            parties=answer.parties,  # a follow-up's inherited ones too
        )
        if answer.kind in FEEDBACK_KINDS:
            self.keys.put(question.request_id, asked)
            service = self.engine.settings.translate_links
            markup = feedback_keyboard(
                question.request_id,
                translate_links(answer, service, TRANSLATE_URL_LIMIT)[:6],
                model_buttons(answer, question.request_id) if service == "model" else (),
            )
        sent = await send_parts(context.bot, target, render_answer(answer), markup)
        if answer.kind in FEEDBACK_KINDS:  # a reply to any part asks a follow-up of this question
            for part in sent:
                self.keys.put(_reply_key(part.chat_id, part.message_id), asked)

    async def on_help(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """/start and /help, in the user's language, with example questions from the engine."""
        msg = update.message
        if msg is None:
            return
        lang = user_lang(update, msg.text)
        answer = await asyncio.to_thread(help_or_apology, self.engine, lang)
        parts = render_help(answer, message("telegram_commands", lang))
        await send_parts(context.bot, reply_target(msg), parts)

    async def on_sources(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """/sources: the releases the bot knows, newest first, first page."""
        msg = update.message
        if msg is None:
            return
        lang = user_lang(update, msg.text)
        releases = await asyncio.to_thread(self.engine.admin.sources)
        text, page, pages = render_sources(releases, 0, lang, self.sources_per_page)
        await send_html(context.bot, reply_target(msg), text, pager(page, pages))

    async def on_sources_page(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """◀/▶ under /sources: the same message shows another page."""
        query = update.callback_query
        if query is None or query.data is None:
            return
        await query.answer()
        lang = user_lang(update)
        releases = await asyncio.to_thread(self.engine.admin.sources)
        text, page, pages = render_sources(
            releases, int(query.data.split(":")[1]), lang, self.sources_per_page
        )
        await query.edit_message_text(
            text,
            parse_mode=ParseMode.HTML,
            reply_markup=pager(page, pages),
            link_preview_options=NO_PREVIEW,
        )

    async def on_feedback(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """👍/👎: record it with the question and releases, then answer the callback (Telegram
        shows a spinner on the button until we do)."""
        query = update.callback_query
        if query is None or query.data is None:
            return
        _, code, key = query.data.split(":", 2)
        verdict: Verdict = "up" if code == "u" else "down"
        asked = self.keys.get(key) or _asked_from_reply(query.message, key)
        lang = user_lang(update)
        try:
            await asyncio.to_thread(
                self.feedback.record,
                Feedback(
                    platform=PLATFORM,
                    user_id=str(query.from_user.id),
                    verdict=verdict,
                    question=asked.question,
                    release_ids=asked.release_ids,
                    request_id=asked.request_id,
                ),
            )
        except Exception:
            log.exception("could not record feedback for %s", key)
            await query.answer(message("error", lang))
            return
        await query.answer(message("feedback_thanks", lang))

    async def on_error(self, update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Log the failure with its traceback (never shown to the user) and, for a message,
        tell the user something went wrong. The application keeps running either way."""
        update_id = update.update_id if isinstance(update, Update) else None
        failed_call = isinstance(context.error, TelegramError)
        self.engine.metrics.error(PLATFORM, "platform_api" if failed_call else "handler")
        log.error("update %s failed", update_id, exc_info=context.error)
        if not isinstance(update, Update) or update.message is None:
            return
        if isinstance(context.error, MaybeDelivered):  # the answer itself may be there
            return
        try:
            await send_html(
                context.bot,
                reply_target(update.message),
                esc(message("error", user_lang(update, update.message.text))),
            )
        except Exception as exc:  # the network may be what failed; logging is all we can do
            self.engine.metrics.error(PLATFORM, "platform_api")
            log.warning("could not report the error to the chat: %s", exc)


def _reply_key(chat_id: int, message_id: int) -> str:
    return f"reply:{chat_id}:{message_id}"


def _replied_answer(msg: Message, bot: BotIdentity) -> str | None:
    """The key of the bot's answer that `msg` replies to, or None."""
    replied = msg.reply_to_message
    if replied is None or replied.from_user is None or replied.from_user.id != bot.id:
        return None
    return _reply_key(replied.chat_id, replied.message_id)


def _asked_from_reply(answer_message: object, key: str) -> Asked:
    """After a restart the key map is empty; the answer still quotes the question it replied
    to, which is the part of the feedback that matters most."""
    replied = answer_message.reply_to_message if isinstance(answer_message, Message) else None
    return Asked(question=(replied.text or "") if replied else "", release_ids=(), request_id=key)
