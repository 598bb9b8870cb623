"""`Answer` (and the bot's lists) -> Telegram HTML messages.

Pure functions. Everything that comes from releases or users is escaped; tags are only ever
written by this module, whole, around escaped text. Long replies are split between blocks (one
line or quote each), and a block too long on its own is split in its *plain* text before
escaping, so a cut can never land inside a tag or an `&amp;`-style entity.
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence
from dataclasses import dataclass

from partnerbot.bot.messages import message
from partnerbot.bot.reply_text import (
    composed_note,
    highlighted_lines,
    lead_is_answer,
    lead_line,
    valid_span,
)
from partnerbot.bot.types import Answer, Citation, IndexStatus, Quote, ReleaseInfo

LIMIT = 4096  # Telegram's maximum message length


def tg_len(text: str) -> int:
    """Length as Telegram counts it (UTF-16 code units); an emoji counts twice."""
    return len(text.encode("utf-16-le")) // 2


@dataclass(frozen=True)
class Block:
    """One line or paragraph of a message: `open` + escaped `text` + `close`.

    `html` overrides the rendering when the block holds more markup than one wrapper (a source
    line with a link); if such a block is ever too long it falls back to its plain `text`.
    """

    text: str
    open: str = ""
    close: str = ""
    html: str | None = None

    def render(self) -> str:
        return self.html if self.html is not None else self.open + esc(self.text) + self.close


BLANK = Block("")


def esc(text: str) -> str:
    """Escape for Telegram HTML (which knows only &lt; &gt; &amp; &quot;)."""
    return html.escape(text, quote=True)


def _safe_url(url: str | None) -> str | None:
    """Web links with a host only: Telegram refuses a message whose link it cannot parse."""
    return url if url and re.match(r"https?://[^/\s]\S*$", url, re.I) else None


def _link(title: str, url: str | None) -> str:
    href = _safe_url(url)
    title = title.strip() or href or "…"  # an empty <a></a> or <b></b> is refused
    return f'<a href="{esc(href)}">{esc(title)}</a>' if href else f"<b>{esc(title)}</b>"


def _meta(publisher: str | None, date: str | None) -> str:
    return ", ".join(p for p in (publisher, date) if p)


def citation_block(c: Citation) -> Block:
    """`[n] <a href=url>title</a> — publisher, date` (bold title when the release has no URL)."""
    meta = _meta(c.publisher, c.date)
    tail = f" — {meta}" if meta else ""
    plain = f"[{c.n}] {c.title}{tail}"
    return Block(plain, html=f"[{c.n}] {_link(c.title, c.url)}{esc(tail)}")


def quote_block(q: Quote) -> Block:
    """A quote in a `<blockquote>` ending in its `[n]`, the answering span in bold (a quote
    too long for one message is split as plain text, without the bold)."""
    plain = f"{q.text} [{q.n}]"
    if valid_span(q.text, q.span) is None:
        return Block(plain, open="<blockquote>", close="</blockquote>")
    body = "".join(
        f"<b>{esc(t)}</b>" if hit and t.strip() else esc(t)
        for line in highlighted_lines(q.text, q.span)
        for t, hit in [*line, ("\n", False)]
    ).rstrip("\n")
    return Block(plain, open="<blockquote>", close="</blockquote>",
                 html=f"<blockquote>{body} [{q.n}]</blockquote>")


def answer_blocks(answer: Answer) -> list[Block]:
    """The answer in bold (or the lead when there is none), quoted evidence with its `[n]` and
    the answer bold inside it, examples, then the numbered sources."""
    lead = lead_line(answer)
    if lead_is_answer(answer) and lead.strip():
        blocks = [Block(" ".join(lead.split()), open="<b>", close="</b>")]
    else:
        blocks = [Block(line) for line in lead.splitlines() or [""]]
    note = composed_note(answer)
    if note:  # a model phrased the lead: say so; the quotes below stay the evidence
        blocks.append(Block(note, open="<i>", close="</i>"))
    if answer.quotes:
        blocks.append(BLANK)
        blocks += [quote_block(q) for q in answer.quotes]
    if answer.examples:
        blocks.append(BLANK)
        blocks += [Block(ex, open="• <i>", close="</i>") for ex in answer.examples]
    if answer.citations:
        blocks += [BLANK, Block(answer.sources_heading, open="<b>", close="</b>")]
        blocks += [citation_block(c) for c in answer.citations]
    return blocks


def render_answer(answer: Answer, limit: int = LIMIT) -> list[str]:
    """The reply as one or more HTML messages, each within Telegram's limit."""
    return split_blocks(answer_blocks(answer), limit)


def render_help(answer: Answer, commands: str) -> list[str]:
    """The engine's help (what to ask, with examples) followed by the bot's commands."""
    blocks = [*answer_blocks(answer), BLANK, *(Block(line) for line in commands.splitlines())]
    return split_blocks(blocks)


def _pieces(text: str, budget: int) -> list[str]:
    """Cut plain text so each piece, once escaped, fits `budget`; cut between words when it can,
    inside a word only when one word is longer than a whole message. Escaping works character
    by character, so escaped lengths simply add up."""
    pieces: list[str] = []
    current, size = "", 0
    for token in re.split(r"(\s+)", text):
        cost = tg_len(esc(token))
        if size + cost > budget and current.strip():
            pieces.append(current.strip())
            current, size = "", 0
            if token.isspace():
                continue
        if cost <= budget:
            current += token
            size += cost
            continue
        if token.isspace():  # whitespace longer than a message: never a message of its own
            if current and size < budget:
                current += " "
                size += 1
            continue
        for ch in token:  # a single word longer than a message
            ch_cost = tg_len(esc(ch))
            if size + ch_cost > budget and current:
                pieces.append(current)
                current, size = "", 0
            current += ch
            size += ch_cost
    if current.strip():
        pieces.append(current.strip())
    return pieces


def _fit(block: Block, limit: int) -> list[str]:
    if block.html is None and not block.text.strip():
        return [""]  # a blank line, never an empty "<i></i>" Telegram would refuse
    rendered = block.render()
    if tg_len(rendered) <= limit:
        return [rendered]
    wrapper = tg_len(block.open) + tg_len(block.close)
    return [block.open + esc(p) + block.close for p in _pieces(block.text, limit - wrapper)]


def split_blocks(blocks: Sequence[Block], limit: int = LIMIT) -> list[str]:
    """Pack blocks into messages joined by newlines, never exceeding `limit`, never empty."""
    parts: list[list[str]] = [[]]
    size = 0
    for block in blocks:
        for line in _fit(block, limit):
            extra = tg_len(line) + (1 if parts[-1] else 0)
            if parts[-1] and size + extra > limit:
                parts.append([])
                extra = tg_len(line)
                size = 0
            if not parts[-1] and not line:
                continue  # no message starts with a blank line
            parts[-1].append(line)
            size += extra
    texts = ["\n".join(p).strip("\n") for p in parts]
    return [t for t in texts if t.strip()] or [esc("…")]


# -- /sources ---------------------------------------------------------------------------------


def release_block(i: int, r: ReleaseInfo) -> Block:
    meta = _meta(r.publisher, r.date)
    tail = f" — {meta}" if meta else ""
    plain = f"{i}. {r.title}{tail} ({r.lang})"
    return Block(plain, html=f"{i}. {_link(r.title, r.url)}{esc(tail)} ({esc(r.lang)})")


def paginate(
    releases: Sequence[ReleaseInfo], per_page: int = 10, limit: int = LIMIT - 200
) -> list[list[tuple[int, ReleaseInfo]]]:
    """Pages of (number, release): at most `per_page` each and short enough for one message
    with its header, so paging never depends on message splitting."""
    pages: list[list[tuple[int, ReleaseInfo]]] = [[]]
    size = 0
    for i, r in enumerate(releases, start=1):
        line = tg_len(release_block(i, r).render()) + 1
        if pages[-1] and (len(pages[-1]) >= per_page or size + line > limit):
            pages.append([])
            size = 0
        pages[-1].append((i, r))
        size += line
    return pages if pages[0] else []


def render_sources(
    releases: Sequence[ReleaseInfo], page: int, lang: str, per_page: int = 10
) -> tuple[str, int, int]:
    """One page of the release list: (html, page actually shown, number of pages).

    The page is clamped because the list may have changed (a reindex) since the buttons were
    drawn."""
    pages = paginate(releases, per_page)
    if not pages:
        return esc(message("telegram_sources_empty", lang)), 0, 0
    page = min(max(page, 0), len(pages) - 1)
    header = Block(
        message("telegram_sources_page", lang, page=page + 1, pages=len(pages)),
        open="<b>",
        close="</b>",
    )
    blocks = [header, *(release_block(i, r) for i, r in pages[page])]
    return split_blocks(blocks)[0], page, len(pages)


def render_status(status: IndexStatus, lang: str) -> str:
    """The served index, for admins."""
    text = message(
        "index_status",
        lang,
        version=status.version,
        releases=status.releases,
        passages=status.passages,
        built_at=status.built_at,
        embedders=", ".join(status.embedders),
    )
    lines = [Block(line) for line in text.splitlines()]
    lines += [
        Block(f"{k}: {v}")
        for k, v in [("index_dir", status.index_dir), *sorted(status.extra.items())]
    ]
    return split_blocks(lines)[0]


def render_card(info: ReleaseInfo) -> str:
    """An announcement: the linked title (bold without a usable link), then publisher, date
    and language, then the link itself, all escaped like every other reply."""
    meta = " · ".join(p for p in (info.publisher, info.date, info.lang) if p)
    lines = [f"<b>New partnership release:</b> {_link(info.title, info.url)}"]
    lines += [esc(meta)] if meta else []
    href = _safe_url(info.url)
    lines += [esc(href)] if href else []
    return "\n".join(lines)
