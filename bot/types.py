"""Objects that cross the boundary between the engine and the chat adapters.

Adapters build a `Question` from a platform event and render an `Answer` back; they never
look inside the retrieval layer.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from typing import Any, Literal

# The index reports adapters show to admins, re-exported so adapters depend on `bot` only.
from partnerbot.retrieval.summary import BuildSummary, IndexStatus, Progress, ReleaseInfo

__all__ = ["Answer", "AnswerKind", "BuildSummary", "Citation", "IndexStatus", "Progress",
           "Question", "Quote", "ReleaseInfo"]

AnswerKind = Literal["answer", "abstain", "help", "too_long", "error"]


@dataclass(frozen=True)
class Question:
    """A user's question as the engine sees it, whatever platform it came from."""

    text: str
    lang: str | None = None  # detected from the text when None
    user_id: str | None = None
    platform: str = "cli"
    request_id: str = field(default_factory=lambda: uuid.uuid4().hex[:12])
    # the parties of the thread's previous answer (Slack thread, Telegram reply chain, `chat`;
    # `Answer.parties`): a follow-up that names no party ("언제 체결했어?") asks about them
    context: tuple[str, ...] = ()


@dataclass(frozen=True)
class Citation:
    """A release cited in a reply; `n` is the number shown as `[n]`."""

    n: int
    doc_id: str
    title: str
    publisher: str | None
    date: str | None
    url: str | None
    source: str
    lang: str

    def label(self) -> str:
        """One-line human label: title — publisher, date — link (or file name)."""
        parts = [self.title]
        meta = ", ".join(p for p in (self.publisher, self.date) if p)
        if meta:
            parts.append(meta)
        parts.append(self.url or self.source)
        return " — ".join(parts)


@dataclass(frozen=True)
class Quote:
    """A verbatim excerpt of a release; `start`/`end` are offsets into the release text."""

    n: int
    text: str
    doc_id: str
    start: int
    end: int
    span: tuple[int, int] | None = None  # the answering part of `text`, highlighted


@dataclass(frozen=True)
class Answer:
    """A structured reply that each adapter renders its own way.

    `text` is the lead of the reply (framing words in the question's language); the evidence
    is in `quotes`, each pointing at a citation by number. On abstention `citations` holds the
    closest releases, offered as suggestions rather than as evidence.
    """

    kind: AnswerKind
    text: str
    lang: str
    quotes: tuple[Quote, ...] = ()
    citations: tuple[Citation, ...] = ()
    retrieved: tuple[str, ...] = ()
    sources_heading: str = "Sources"
    index_version: str | None = None
    latency_ms: float = 0.0
    examples: tuple[str, ...] = ()
    # the answer first: the lead quote's answering span, in the asker's conventions for a
    # date (`2020년 9월 18일`), otherwise as written; None when the question has no such slot
    answer_span: str | None = None
    # the parties the answer is about, the question's own or those a follow-up inherited: the
    # thread remembers them for its next follow-up. Empty when nothing was answered (an
    # abstention), so a thread never carries the names of a question the releases missed
    parties: tuple[str, ...] = ()
    # the lines of an answer from the partnership registry, one per partnership (they are in
    # `text` too): adapters that page long lists split these
    rows: tuple[str, ...] = ()
    # the answer phrased by a language model from `quotes` (bot/llm/compose.py), accepted only when
    # every citation, number and name in it is in the quotes; renderers show it first and the
    # quotes always below it. None: no model configured, or its text was refused
    composed: str | None = None
    # "used", or why the model's text was not (a timeout, a number not in the quotes, ...);
    # None when no model was asked. `partnerbot eval` counts these
    compose_outcome: str | None = None
    # why the reader chose what it did (`ask --explain`, `eval --details`): the chosen and
    # runner-up releases and sentences with their features and each weight's contribution,
    # and the abstention reason; None for answers not read from sentences
    explanation: Mapping[str, Any] | None = None

    @property
    def abstained(self) -> bool:
        return self.kind == "abstain"

    def citation(self, n: int) -> Citation | None:
        return next((c for c in self.citations if c.n == n), None)

    def to_plain_text(self) -> str:
        """The full reply as plain text: the answer (or the lead), quoted evidence, numbered
        sources."""
        composed = self.composed if self.quotes else None  # never without its quotes
        lines = [composed or self.answer_span or self.text]
        for q in self.quotes:
            lines.append(f'  "{q.text}" [{q.n}]')
        for ex in self.examples:
            lines.append(f"  • {ex}")
        if self.citations:
            lines.append(self.sources_heading)
            lines.extend(f"  [{c.n}] {c.label()}" for c in self.citations)
        return "\n".join(lines)

    def to_dict(self) -> dict[str, Any]:
        """The JSON shape of `ask --json` and of each line of `eval --details`."""
        quotes_by_n: dict[int, list[str]] = {}
        for q in self.quotes:
            quotes_by_n.setdefault(q.n, []).append(q.text)
        return {
            "answer": self.to_plain_text(),
            "kind": self.kind,
            "abstained": self.abstained,
            "lang": self.lang,
            "citations": [
                {**{k: v for k, v in asdict(c).items() if k != "source"},
                 "source": c.source, "quote": " … ".join(quotes_by_n.get(c.n, []))}
                for c in self.citations
            ],
            "answer_span": self.answer_span,
            "composed": self.composed,
            "compose_outcome": self.compose_outcome,
            "quotes": [{"n": q.n, "doc_id": q.doc_id, "text": q.text,
                        "span": list(q.span) if q.span else None} for q in self.quotes],
            "retrieved": list(self.retrieved),
            "latency_ms": round(self.latency_ms, 2),
            "index_version": self.index_version,
        }
