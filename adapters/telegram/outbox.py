"""Sending to Telegram: HTML replies in the right chat and topic, and the "typing…" action."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator

from telegram import InlineKeyboardMarkup, LinkPreviewOptions, Message, ReplyParameters
from telegram.constants import ChatAction, ParseMode
from telegram.error import TelegramError
from telegram.ext import ExtBot

from partnerbot.adapters.telegram.translate import ReplyTarget

log = logging.getLogger("partnerbot.telegram")

NO_PREVIEW = LinkPreviewOptions(is_disabled=True)  # a source link must not grow a big card


async def send_html(
    bot: ExtBot[None],
    target: ReplyTarget,
    html: str,
    markup: InlineKeyboardMarkup | None = None,
    quote: bool = True,
) -> Message:
    """One HTML message to the target's chat and forum topic, quoting the user's message.

    `allow_sending_without_reply`: if the question was deleted meanwhile, answer anyway.
    """
    reply = (
        ReplyParameters(message_id=target.message_id, allow_sending_without_reply=True)
        if quote
        else None
    )
    return await bot.send_message(
        chat_id=target.chat_id,
        text=html,
        parse_mode=ParseMode.HTML,
        message_thread_id=target.thread_id,
        reply_parameters=reply,
        reply_markup=markup,
        link_preview_options=NO_PREVIEW,
    )


async def send_parts(
    bot: ExtBot[None],
    target: ReplyTarget,
    parts: list[str],
    markup: InlineKeyboardMarkup | None = None,
) -> list[Message]:
    """A split reply: the first part quotes the question, buttons go under the last part."""
    sent = []
    for i, part in enumerate(parts):
        last = i == len(parts) - 1
        sent.append(await send_html(bot, target, part, markup if last else None, quote=i == 0))
    return sent


async def _chat_action(bot: ExtBot[None], target: ReplyTarget) -> None:
    try:
        await bot.send_chat_action(
            chat_id=target.chat_id, action=ChatAction.TYPING, message_thread_id=target.thread_id
        )
    except TelegramError as exc:  # cosmetic: never let it cost the answer
        log.debug("sendChatAction failed: %s", exc)


@contextlib.asynccontextmanager
async def typing(bot: ExtBot[None], target: ReplyTarget, every: float = 4.5) -> AsyncIterator[None]:
    """Show "typing…" while the block runs. Telegram clears the action after ~5 s, so it is
    refreshed; the first one is awaited so the user sees it before any slow work starts."""
    await _chat_action(bot, target)

    async def refresh() -> None:
        while True:
            await asyncio.sleep(every)
            await _chat_action(bot, target)

    task = asyncio.create_task(refresh())
    try:
        yield
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
