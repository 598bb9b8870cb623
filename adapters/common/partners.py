"""`/partners list NAME` (Slack) and `/partners NAME` (Telegram): every partnership of an
organisation from the registry of the served index, a page at a time.

Pages are recomputed from the registry on each click (name, page and language travel in the
button), so no state is kept between clicks and a reindex in between shows the new version.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from typing import Protocol

from partnerbot.bot.messages import message
from partnerbot.bot.types import Answer, Citation

log = logging.getLogger("partnerbot.chat")

PER_PAGE = 10
_MARK = re.compile(r"\[(\d+)\]")


class Partners(Protocol):
    """What the partner list needs of the engine."""

    def partners(self, name: str, lang: str) -> Answer | None: ...


def partners_reply(engine: Partners, name: str, lang: str) -> Answer:
    """The partnerships of `name` as an `Answer` with `rows`; a one-line answer when the
    registry has none, an apology when something fails."""
    try:
        answer = engine.partners(name, lang)
    except Exception:
        log.exception("partner list failed")
        return Answer(kind="error", text=message("error", lang), lang=lang)
    if answer is None:
        return Answer(kind="answer", text=message("partners_unknown", lang, name=name), lang=lang)
    return answer


@dataclass(frozen=True)
class Page:
    """One page of a partner list: the lead, its lines, the sources they cite."""

    lead: str
    rows: tuple[str, ...]
    citations: tuple[Citation, ...]
    page: int  # from 0
    pages: int

    @property
    def has_more(self) -> bool:
        return self.page + 1 < self.pages


def page_of(answer: Answer, page: int, per_page: int = PER_PAGE) -> Page:
    """Page `page` (clamped) of a registry answer; an answer without rows is one page."""
    lead = answer.text.splitlines()[0] if answer.rows else answer.text
    pages = max(1, -(-len(answer.rows) // per_page))
    page = min(max(page, 0), pages - 1)
    rows = answer.rows[page * per_page:(page + 1) * per_page]
    cited = {int(n) for row in rows for n in _MARK.findall(row)}
    citations = tuple(c for c in answer.citations if c.n in cited) if answer.rows \
        else answer.citations
    if pages > 1:
        lead = f"{lead} {message('partners_page', answer.lang, page=page + 1, pages=pages)}"
    return Page(lead, rows, citations, page, pages)
