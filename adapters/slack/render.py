"""`Answer`s out as Slack messages: Block Kit blocks plus a plain-text fallback. Pure functions.

Everything that comes from a release or a person is escaped (`&`, `<`, `>`), so text such as
`<!channel>` or `<@U123>` in a release or a question is shown, never acted on, and the bare
words `@channel`/`@here`/`@everyone` get an invisible joiner so no client links them either.
Text objects are also marked `verbatim`, which stops Slack's own auto-linking. Block Kit's
limits (3000 characters a section, 50 blocks, 2000 characters a button value) are enforced
here rather than discovered as `invalid_blocks` errors in production.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import PurePath
from typing import Any

from partnerbot.adapters.common.translate_link import (
    TranslateLink,
    button_label,
    quote_languages,
    quote_link,
)
from partnerbot.bot.messages import message
from partnerbot.bot.reply_text import composed_note, highlighted_lines, lead_is_answer, lead_line
from partnerbot.bot.types import Answer, Citation, IndexStatus, Question, Quote

SECTION_LIMIT = 3000
MAX_BLOCKS = 50
BUTTON_VALUE_LIMIT = 2000
FALLBACK_LIMIT = 3000  # notification text; Slack cuts at 40k, but nobody reads that much there
# Parts of a source line, so that a line always fits a section and clipping it can never cut
# through the `<url|title>` link markup (which would leave a dangling `<`).
TITLE_LIMIT = 500
META_LIMIT = 200
URL_LIMIT = 2000

TRANSLATE_URL_LIMIT = 3000  # Slack's maximum for a button's url

ACTION_UP = "feedback_up"
ACTION_DOWN = "feedback_down"
FEEDBACK_BLOCK = "partnerbot_feedback"
# + "_<n>": a URL button (its click only needs an ack), or with a model configured a button
# whose value holds the quote, which the model translates into the thread
ACTION_TRANSLATE = "translate"

Block = dict[str, Any]

_BROADCAST = re.compile(r"@(everyone|channel|here)\b", re.IGNORECASE)
_WORD_JOINER = "\u2060"
_ZWSP = "\u200b"
_PARTIAL_ENTITY = re.compile(r"&[a-z]{0,4}$")
_TRAILING_MENTION = re.compile(r"@\w*$")


@dataclass(frozen=True)
class SlackMessage:
    """What `chat.postMessage` needs besides the channel: fallback text and blocks."""

    text: str
    blocks: list[Block]


@dataclass(frozen=True)
class FeedbackRef:
    """What a 👍/👎 click carries back, so it can be recorded without server-side state."""

    question: str
    release_ids: tuple[str, ...]
    request_id: str
    lang: str


def escape(text: str) -> str:
    """Make untrusted text inert in Slack mrkdwn: entities for `&<>`, joiner in broadcasts."""
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _BROADCAST.sub(lambda m: "@" + _WORD_JOINER + m.group(1), text)


def clip(text: str, limit: int) -> str:
    """Cut escaped text to `limit` characters without splitting an `&amp;`-style entity."""
    if len(text) <= limit:
        return text
    cut = _PARTIAL_ENTITY.sub("", text[: limit - 1])
    # "…" ends a word: a cut inside "@everyone한국어" must not leave "@everyone…" to ping with
    cut = _TRAILING_MENTION.sub("", cut)
    return cut + "…"


def _nonblank(text: str) -> str:
    """Slack refuses a blank section (`invalid_blocks`) and a blank fallback (`no_text`)."""
    return text if text.strip() else "…"


def _section(text: str) -> Block:
    return {"type": "section", "text": {"type": "mrkdwn", "text": clip(_nonblank(text),
                                                                         SECTION_LIMIT),
                                        "verbatim": True}}


def _chunks(lines: Iterable[str], limit: int = SECTION_LIMIT) -> list[str]:
    """Join lines into as few sections as fit; a single over-long line is clipped."""
    out: list[str] = []
    for line in lines:
        line = clip(line, limit)
        if out and len(out[-1]) + 1 + len(line) <= limit:
            out[-1] += "\n" + line
        else:
            out.append(line)
    return out


def _safe_url(url: str | None) -> str | None:
    if not url or not re.match(r"https?://[^/\s]", url, re.I) or any(c in url for c in "<>| \n"):
        return None
    url = url[:5].lower() + url[5:]  # Slack links only a lower-case scheme
    url = url.replace("&", "&amp;")
    return url if len(url) <= URL_LIMIT else None


def source_line(c: Citation) -> str:
    """`[n] <url|title> — publisher, date`; the file name stands in for a missing link."""
    url = _safe_url(c.url)
    title = clip(escape(c.title.strip() or PurePath(c.source).name or c.doc_id), TITLE_LIMIT)
    title = title or "…"
    head = f"<{url}|{title}>" if url else f"*{title}*"
    meta = ", ".join(clip(escape(p), META_LIMIT) for p in (c.publisher, c.date) if p)
    parts = [f"[{c.n}] {head}"]
    if meta:
        parts.append(meta)
    if not url:  # the file name only: the server's directory layout is nobody's business
        parts.append(clip(escape(PurePath(c.source).name), META_LIMIT))
    return " — ".join(parts)


def _bold(text: str) -> str:
    """`*text*` when Slack can show it bold: no `*` inside (mrkdwn cannot escape one), no line
    break. Zero-width spaces around it let the markers work inside a word, as in Korean or
    Japanese text without spaces (Slack bolds only at word boundaries)."""
    if "*" in text or "\n" in text or not text.strip():
        return escape(text)
    return f"{_ZWSP}*{escape(text)}*{_ZWSP}"


def _quote_text(q: Quote) -> str:
    lines = highlighted_lines(q.text, q.span)
    body = "\n".join("> " + "".join(_bold(t) if hit else escape(t) for t, hit in line)
                     for line in lines)
    return clip(body or "> …", SECTION_LIMIT - 8) + f" [{q.n}]"


def _quote_section(q: Quote, link: TranslateLink | None) -> Block:
    """A quote's section; a quote in another language than the question carries a URL button
    opening a public translation page (the user's client opens it, the server never calls the
    service)."""
    block = _section(_quote_text(q))
    if link is not None:
        block["accessory"] = {"type": "button", "action_id": f"{ACTION_TRANSLATE}_{q.n}",
                              "url": link.url, "text": {"type": "plain_text",
                                                        "text": link.label[:75], "emoji": True}}
    return block


def _model_translate_button(answer: Answer, q: Quote) -> Block | None:
    """With a model configured: a button carrying the quote (within Block Kit's 2000
    characters) and both languages; its click posts the model's translation in the thread."""
    langs = quote_languages(answer, q)
    if langs is None:
        return None
    text = q.text
    while True:
        value = json.dumps({"n": q.n, "s": langs[0], "l": langs[1], "t": text},
                           ensure_ascii=False, separators=(",", ":"))
        if len(value) <= BUTTON_VALUE_LIMIT or not text:
            break
        text = text[: len(text) - (len(value) - BUTTON_VALUE_LIMIT) - 1] + "…"
    return {"type": "button", "action_id": f"{ACTION_TRANSLATE}_{q.n}", "value": value,
            "text": {"type": "plain_text", "text": button_label(langs[1], q.n)[:75],
                     "emoji": True}}


def feedback_value(answer: Answer, question: Question) -> str:
    """The button value: question, cited releases, request id, language, within 2000 chars.

    The question is what gets shortened; release ids are dropped from the end only when they
    alone would not fit (twenty ids named after long file names can exceed the limit, and the
    question could then never be cut short enough)."""

    def dumps(payload: dict[str, object]) -> str:
        return json.dumps(payload, ensure_ascii=False, separators=(",", ":"))

    ids = [c.doc_id for c in answer.citations][:20]
    payload: dict[str, object] = {"q": "", "r": ids, "id": question.request_id[:100],
                                  "l": answer.lang[:10]}
    while ids and len(dumps(payload)) >= BUTTON_VALUE_LIMIT:  # room left for a "…" question
        ids.pop()
    q = question.text
    payload["q"] = q
    value = dumps(payload)
    while len(value) > BUTTON_VALUE_LIMIT:  # ends: with q == "" the value fits (see above)
        q = q[: max(len(q) - (len(value) - BUTTON_VALUE_LIMIT) - 1, 0)]
        payload["q"] = q + "…"
        value = dumps(payload)
    return value


def parse_feedback_value(value: str) -> FeedbackRef:
    """Inverse of `feedback_value`; raises ValueError on anything else."""
    try:
        data = json.loads(value)
        return FeedbackRef(question=str(data["q"]), release_ids=tuple(str(r) for r in data["r"]),
                           request_id=str(data.get("id", "")), lang=str(data.get("l", "en")))
    except (json.JSONDecodeError, KeyError, TypeError) as exc:
        raise ValueError(f"not a feedback value: {value[:80]!r}") from exc


def _feedback_block(answer: Answer, question: Question) -> Block:
    value = feedback_value(answer, question)
    return {
        "type": "actions",
        "block_id": FEEDBACK_BLOCK,
        "elements": [
            {"type": "button", "action_id": ACTION_UP, "value": value,
             "text": {"type": "plain_text", "text": "👍", "emoji": True}},
            {"type": "button", "action_id": ACTION_DOWN, "value": value,
             "text": {"type": "plain_text", "text": "👎", "emoji": True}},
        ],
    }


def render_answer(answer: Answer, question: Question | None = None,
                  translate: str = "google") -> SlackMessage:
    """The answer in bold (or the lead when there is none), quoted evidence with the answer
    bold inside it (each quote ending in its `[n]`, with a translate button beside a quote in
    another language than the question; `translate` names the service, or "off"), examples,
    sources as links, and 👍/👎 when there is a question to attach the feedback to and the
    reply is an answer or an abstention. Quotes beyond the 50-block budget are dropped, never
    the sources."""
    lead = lead_line(answer)
    head = [_section(_bold(lead) if lead_is_answer(answer) else escape(lead))]
    note = composed_note(answer)
    if note:  # a model phrased the lead: say so; the quotes below stay the evidence
        head.append({"type": "context", "elements": [
            {"type": "mrkdwn", "text": f"_{escape(note)}_", "verbatim": True}]})
    tail: list[Block] = []
    if answer.examples:
        tail += [_section(t) for t in _chunks("• " + escape(e) for e in answer.examples)]
    if answer.citations:
        lines = [f"*{escape(answer.sources_heading)}*"] + [source_line(c) for c in answer.citations]
        tail += [_section(t) for t in _chunks(lines)]
    if question is not None and answer.kind in ("answer", "abstain"):
        tail.append(_feedback_block(answer, question))
    room = MAX_BLOCKS - len(head) - len(tail)
    quotes = [_quote_section(q, quote_link(answer, q, translate, TRANSLATE_URL_LIMIT))
              for q in answer.quotes]
    if translate == "model":
        for block, q in zip(quotes, answer.quotes, strict=True):
            button = _model_translate_button(answer, q)
            if button is not None:
                block["accessory"] = button
    blocks = head + quotes[: max(room, 0)] + tail
    return SlackMessage(text=fallback_text(answer.to_plain_text()), blocks=blocks[:MAX_BLOCKS])


def fallback_text(text: str) -> str:
    """The `text` field shown in notifications: escaped and short."""
    return clip(_nonblank(escape(text)), FALLBACK_LIMIT)


def render_text(text: str) -> SlackMessage:
    """A one-section message of our own words (errors, refusals, progress)."""
    safe = escape(text)
    return SlackMessage(text=fallback_text(text), blocks=[_section(safe)])


def render_status(status: IndexStatus, lang: str = "en") -> SlackMessage:
    """`/partners status` for admins: what the running engine serves."""
    return render_text(message(
        "index_status", lang, version=status.version, releases=status.releases,
        passages=status.passages, built_at=status.built_at,
        embedders=", ".join(status.embedders) or "-"))

