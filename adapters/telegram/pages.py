"""Telegram `/partners NAME`: an organisation's partnerships from the registry, ten to a
page, with ◀/▶ buttons that edit the same message.

Callback data (at most 64 bytes) carries the page, the language and the name; a name too long
for that is kept in a small map under a short key (a click after a restart then starts over
at the first page of every partnership).
"""

from __future__ import annotations

import asyncio
import hashlib
from collections import OrderedDict

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.constants import ParseMode
from telegram.ext import ContextTypes

from partnerbot.adapters.common.partners import Page, Partners, page_of, partners_reply
from partnerbot.adapters.telegram.outbox import NO_PREVIEW, send_html
from partnerbot.adapters.telegram.render import BLANK, Block, citation_block, split_blocks
from partnerbot.adapters.telegram.translate import reply_target, ui_lang

PREFIX = "pl"
PATTERN = r"^pl:\d+:[a-z]{2}:"
_DATA_LIMIT = 64
_KEYS = 1000


def render_page(page: Page) -> str:
    """The page as one HTML message (ten lines and their sources fit Telegram's limit)."""
    blocks = [Block(page.lead), *(Block(row) for row in page.rows)]
    if page.citations:
        blocks += [BLANK, *(citation_block(c) for c in page.citations)]
    return split_blocks(blocks)[0]


class PartnerPages:
    """The /partners command and its page buttons."""

    def __init__(self, engine: Partners, per_page: int = 10) -> None:
        self.engine = engine
        self.per_page = per_page
        self._names: OrderedDict[str, str] = OrderedDict()

    def _data(self, page: int, lang: str, name: str) -> str:
        data = f"{PREFIX}:{page}:{lang}:{name}"
        if len(data.encode()) <= _DATA_LIMIT:
            return data
        key = "#" + hashlib.sha1(name.encode()).hexdigest()[:12]
        self._names[key] = name
        while len(self._names) > _KEYS:
            self._names.popitem(last=False)
        return f"{PREFIX}:{page}:{lang}:{key}"

    def keyboard(self, page: Page, lang: str, name: str) -> InlineKeyboardMarkup | None:
        buttons = []
        if page.page > 0:
            buttons.append(InlineKeyboardButton("◀", callback_data=self._data(page.page - 1, lang, name)))
        if page.has_more:
            buttons.append(InlineKeyboardButton("▶", callback_data=self._data(page.page + 1, lang, name)))
        return InlineKeyboardMarkup([buttons]) if buttons else None

    async def _page(self, name: str, lang: str, number: int) -> Page:
        answer = await asyncio.to_thread(partners_reply, self.engine, name, lang)
        return page_of(answer, number, self.per_page)

    async def on_command(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """/partners NAME (every partnership when no name is given)."""
        msg = update.message
        if msg is None:
            return
        name = " ".join(context.args or []).strip()
        user = update.effective_user
        lang = ui_lang(name, user.language_code if user else None)
        page = await self._page(name, lang, 0)
        await send_html(context.bot, reply_target(msg), render_page(page),
                        self.keyboard(page, lang, name))

    async def on_page(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """◀/▶: the same message shows another page."""
        query = update.callback_query
        if query is None or query.data is None:
            return
        await query.answer()
        _, number, lang, name = query.data.split(":", 3)
        if name.startswith("#"):
            name = self._names.get(name, "")
        page = await self._page(name, lang, int(number))
        await query.edit_message_text(render_page(page), parse_mode=ParseMode.HTML,
                                      reply_markup=self.keyboard(page, lang, name),
                                      link_preview_options=NO_PREVIEW)
