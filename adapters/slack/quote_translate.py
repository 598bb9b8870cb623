"""The translate button under a quote, when a language model is configured: the model's
translation of that quote is posted in the thread, under the original, marked as machine
translation. The quote in the answer is never replaced.

The button's value carries the quote and both languages (`render._model_translate_button`),
so a click needs no state on the server and works after a restart.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from typing import Any

from slack_sdk import WebClient

from partnerbot.adapters.slack.render import Block, SlackMessage, clip, escape, render_text
from partnerbot.adapters.slack.slack_calls import call_slack
from partnerbot.bot.engine import Engine
from partnerbot.bot.reply_text import TRANSLATION_NOTE

log = logging.getLogger("partnerbot.slack")

_FAILED = {"en": "The translation is not available right now; the quote above is the original.",
           "ko": "지금은 번역할 수 없습니다. 위의 인용문이 원문입니다.",
           "ja": "現在翻訳できません。上の引用が原文です。"}


@dataclass(frozen=True)
class QuoteRef:
    """What a translate click carries: the quote's number and text, its language, the
    asker's."""

    n: int
    text: str
    source: str
    target: str


def parse_value(value: str) -> QuoteRef | None:
    try:
        data = json.loads(value)
        return QuoteRef(n=int(data["n"]), text=str(data["t"]), source=str(data["s"]),
                        target=str(data["l"]))
    except (ValueError, KeyError, TypeError):
        return None


def render_translation(ref: QuoteRef, translated: str, model: str) -> SlackMessage:
    """The original quote, then the translation under it, labelled as the model's."""
    note = f"{TRANSLATION_NOTE.get(ref.target, TRANSLATION_NOTE['en'])} ({model})"
    original = "\n".join("> " + escape(line) for line in ref.text.splitlines() if line.strip())
    blocks: list[Block] = [
        {"type": "section", "text": {"type": "mrkdwn", "verbatim": True,
                                     "text": clip(original or "> …", 2990) + f" [{ref.n}]"}},
        {"type": "context", "elements": [{"type": "mrkdwn", "verbatim": True,
                                          "text": f"_{escape(note)}_"}]},
        {"type": "section", "text": {"type": "mrkdwn", "verbatim": True,
                                     "text": clip(escape(translated), 3000)}},
    ]
    fallback = clip(escape(f"[{ref.n}] {note}: {translated}"), 3000)
    return SlackMessage(text=fallback, blocks=blocks)


def translate_quote(engine: Engine, body: dict[str, Any], action: dict[str, Any],
                    client: WebClient) -> None:
    """Post the model's translation of the clicked quote in the answer's thread; tell only
    the user who clicked when there is none (no model, a failed or unfaithful translation)."""
    ref = parse_value(str(action.get("value") or ""))
    channel = str((body.get("channel") or {}).get("id") or "")
    user = str((body.get("user") or {}).get("id") or "")
    message = body.get("message") or {}
    thread_ts = message.get("thread_ts") or message.get("ts")
    if ref is None or not channel:
        log.warning("translate click without a readable quote from %s", user)
        return
    composer = engine.composer
    translated = composer.translate(ref.text, ref.source, ref.target) if composer else None
    if translated is None:
        if user:
            call_slack(client.chat_postEphemeral, channel=channel, user=user, thread_ts=thread_ts,
                       text=render_text(_FAILED.get(ref.target, _FAILED["en"])).text)
        return
    msg = render_translation(ref, translated, engine.settings.llm_model)
    call_slack(client.chat_postMessage, channel=channel, thread_ts=thread_ts, text=msg.text,
               blocks=msg.blocks, unfurl_links=False, unfurl_media=False)
