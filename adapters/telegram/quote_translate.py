"""The translate button under an answer, when a language model is configured: a callback
button per quote in another language than the question; a click sends the model's
translation of that quote as a reply to the answer, under the original, marked as machine
translation. The quote in the answer is never replaced.

A callback carries at most 64 bytes, so the quotes of recent answers are kept in memory by
request id; after a restart (or on another replica) the quote is read back from the answer
message itself, which ends each quote with its `[n]`.
"""

from __future__ import annotations

import asyncio
import logging
import re
import threading
from collections import OrderedDict
from dataclasses import dataclass

from telegram import InlineKeyboardButton, Message, Update
from telegram.ext import ContextTypes

from partnerbot.adapters.common.translate_link import button_label, quote_languages
from partnerbot.adapters.telegram.outbox import send_parts
from partnerbot.adapters.telegram.render import BLANK, Block, split_blocks
from partnerbot.adapters.telegram.translate import reply_target, ui_lang
from partnerbot.bot.engine import Engine
from partnerbot.bot.lang import detect_lang
from partnerbot.bot.reply_text import TRANSLATION_NOTE
from partnerbot.bot.types import Answer

log = logging.getLogger("partnerbot.telegram")

PATTERN = r"^tr:\d+:"
MAX_BUTTONS = 6
_KEEP = 2000  # answers whose quotes are remembered

_FAILED = {"en": "The translation is not available right now.",
           "ko": "지금은 번역할 수 없습니다.", "ja": "現在翻訳できません。"}


@dataclass(frozen=True)
class QuoteRef:
    n: int
    text: str
    source: str
    target: str


_recent: OrderedDict[str, dict[int, QuoteRef]] = OrderedDict()
_lock = threading.Lock()


def model_buttons(answer: Answer, request_id: str) -> list[InlineKeyboardButton]:
    """Callback buttons for the quotes of `answer` in another language than the asker's,
    remembered under `request_id` for the click."""
    refs: dict[int, QuoteRef] = {}
    for q in answer.quotes:
        langs = quote_languages(answer, q)
        if langs is not None and q.n not in refs:
            refs[q.n] = QuoteRef(q.n, q.text, *langs)
    refs = dict(list(refs.items())[:MAX_BUTTONS])
    if refs:
        with _lock:
            _recent[request_id] = refs
            while len(_recent) > _KEEP:
                _recent.popitem(last=False)
    return [InlineKeyboardButton(button_label(r.target, r.n), callback_data=f"tr:{r.n}:{request_id}")
            for r in refs.values()]


def _from_message(message: Message | None, n: int, target: str) -> QuoteRef | None:
    """The quote `[n]` read back from the answer message (its last line, for a quote over
    several lines); source lines (`[n] title`) are not quotes."""
    text = message.text if isinstance(message, Message) and message.text else ""
    for line in text.splitlines():
        line = line.strip()
        if line.endswith(f"[{n}]") and not line.startswith(f"[{n}]"):
            quote = line[: -len(f"[{n}]")].strip()
            if quote:
                return QuoteRef(n, quote, detect_lang(quote), target)
    return None


class QuoteTranslator:
    """The click handler; the engine's composer translates."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    async def on_click(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        query = update.callback_query
        if query is None or query.data is None:
            return
        match = re.match(r"^tr:(\d+):(.+)$", query.data)
        user = update.effective_user
        lang = ui_lang(None, user.language_code if user else None)
        if match is None:
            await query.answer()
            return
        n, key = int(match.group(1)), match.group(2)
        with _lock:
            ref = _recent.get(key, {}).get(n)
        message = query.message if isinstance(query.message, Message) else None
        ref = ref or _from_message(message, n, lang)
        composer = self.engine.composer
        translated = None
        if ref is not None and composer is not None and ref.source != ref.target:
            translated = await asyncio.to_thread(composer.translate, ref.text, ref.source,
                                                 ref.target)
        if translated is None or ref is None or message is None:
            await query.answer(_FAILED.get(ref.target if ref else lang, _FAILED["en"]))
            return
        await query.answer()
        note = f"{TRANSLATION_NOTE.get(ref.target, TRANSLATION_NOTE['en'])} " \
               f"({self.engine.settings.llm_model})"
        blocks = [Block(f"{ref.text} [{ref.n}]", open="<blockquote>", close="</blockquote>"),
                  Block(note, open="<i>", close="</i>"), BLANK,
                  *(Block(line) for line in translated.splitlines() if line.strip())]
        await send_parts(context.bot, reply_target(message), split_blocks(blocks))
