"""The parts of a reply every renderer shares: which line leads, and where the answer sits
inside a quote.

Renderers (Slack, Telegram, the terminal) differ only in how they mark bold and escape text;
what is bold is decided here once, so the three never disagree. `plain_reply` is the reply as
plain text, with an optional `bold` marker (ANSI in a terminal, nothing when piped).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from partnerbot.bot.types import Answer, Quote

Piece = tuple[str, bool]  # a run of a line's text, and whether it is the answering span

# under an answer a language model phrased (bot/llm/compose.py), and over a quote it translated:
# the reader knows a model wrote it, and that the quotes are the evidence
COMPOSED_NOTE = {"en": "Written by a language model from the quotes below",
                 "ko": "아래 인용문을 바탕으로 언어 모델이 작성한 답변",
                 "ja": "以下の引用をもとに言語モデルが作成した回答"}
TRANSLATION_NOTE = {"en": "Machine translation", "ko": "기계 번역", "ja": "機械翻訳"}


def lead_line(answer: Answer) -> str:
    """The model's phrasing when it passed the checks, else the answer first when the engine
    found one, else the framing lead."""
    if answer.composed and answer.quotes:  # never a composed sentence without its quotes
        return answer.composed
    span = (answer.answer_span or "").strip()
    return span or answer.text


def lead_is_answer(answer: Answer) -> bool:
    """Is the lead the bare answer span (shown bold), rather than a sentence?"""
    return bool(answer.answer_span) and composed_note(answer) is None


def composed_note(answer: Answer) -> str | None:
    """The note saying a model wrote the lead, or None when it did not."""
    if not (answer.composed and answer.quotes):
        return None
    return COMPOSED_NOTE.get(answer.lang, COMPOSED_NOTE["en"])


def valid_span(text: str, span: tuple[int, int] | None) -> tuple[int, int] | None:
    """`span` trimmed of white space at its ends, or None when it is empty or out of range
    (a renderer then shows the quote without a highlight rather than fail)."""
    if span is None:
        return None
    start, end = span
    if not 0 <= start < end <= len(text):
        return None
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return (start, end) if start < end else None


def highlighted_lines(text: str, span: tuple[int, int] | None) -> list[list[Piece]]:
    """`text` split into its lines (blank ones dropped), each a list of pieces, the answering
    span's pieces flagged. A span across a line break is flagged on each of its lines."""
    span = valid_span(text, span)
    lines: list[list[Piece]] = []
    pos = 0
    for raw in text.splitlines(keepends=True):
        line = raw.rstrip("\r\n\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029")
        begin, stop = pos, pos + len(line)
        pos += len(raw)
        if not line.strip():
            continue
        if span is None or span[1] <= begin or span[0] >= stop:
            lines.append([(line, False)])
            continue
        a, b = max(span[0], begin) - begin, min(span[1], stop) - begin
        pieces = [(line[:a], False), (line[a:b], True), (line[b:], False)]
        lines.append([(t, hit) for t, hit in pieces if t])
    return lines


def plain_quote(q: Quote, bold: Callable[[str], str] | None = None) -> str:
    """A quote as plain text, its span marked with `bold` (when given)."""
    lines = highlighted_lines(q.text, q.span)
    mark = bold or (lambda s: s)
    return "\n".join("".join(mark(t) if hit and t.strip() else t for t, hit in line)
                     for line in lines) or q.text


def plain_reply(answer: Answer, bold: Callable[[str], str] | None = None) -> str:
    """The reply as plain text: the answer (or lead), each quote with its `[n]`, examples,
    then the numbered sources; `bold` marks the answer and its span in the quote."""
    mark = bold or (lambda s: s)
    lead = lead_line(answer)
    lines = [mark(lead) if lead_is_answer(answer) and lead.strip() else lead]
    note = composed_note(answer)
    if note:
        lines.append(f"  ({note})")
    for q in answer.quotes:
        lines.append(f'  "{plain_quote(q, bold)}" [{q.n}]')
    lines += [f"  • {ex}" for ex in answer.examples]
    if answer.citations:
        lines.append(answer.sources_heading)
        lines.extend(f"  [{c.n}] {c.label()}" for c in answer.citations)
    return "\n".join(lines)
