"""What the bot could not answer: abstentions and 👎 in a period, grouped by similar question,
so an admin sees which release is missing (`partnerbot report`, `/partners report`).

Questions are grouped by token overlap (the BM25 tokens: words, and character bigrams for
Korean and Japanese), greedily, most recent wording shown.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, field

from partnerbot.bot.ops.feedback import Feedback, Unanswered
from partnerbot.retrieval.search import tokenize

SIMILAR = 0.5  # Jaccard overlap of token sets for two questions to count as one
NOT_STORED = "(question text not stored: PARTNERBOT_LOG_QUESTIONS=0)"


@dataclass
class Group:
    question: str
    abstained: int = 0
    down: int = 0
    tokens: set[str] = field(default_factory=set, repr=False)

    @property
    def count(self) -> int:
        return self.abstained + self.down


@dataclass(frozen=True)
class Report:
    days: float
    abstained: int
    down: int
    groups: tuple[Group, ...]

    def to_text(self, limit: int = 20) -> str:
        head = (f"Last {self.days:g} days: {self.abstained} unanswered question(s), "
                f"{self.down} 👎.")
        if not self.groups:
            return head + " Nothing to look at."
        rows = [f"{g.count}× {g.question}  (unanswered {g.abstained}, 👎 {g.down})"
                for g in self.groups[:limit]]
        more = [f"… and {len(self.groups) - limit} more"] if len(self.groups) > limit else []
        return "\n".join([head, *rows, *more])

    def to_dict(self) -> dict[str, object]:
        return {"days": self.days, "abstained": self.abstained, "down": self.down,
                "groups": [{"question": g.question, "count": g.count,
                            "abstained": g.abstained, "down": g.down} for g in self.groups]}


def build_report(unanswered: Sequence[Unanswered], feedback: Sequence[Feedback],
                 days: float, now: float | None = None) -> Report:
    """Group the period's abstentions and 👎 by similar question, largest groups first."""
    start = (now if now is not None else time.time()) - days * 86400
    items = sorted([(u.created_at, u.question, "abstained") for u in unanswered
                    if u.created_at >= start]
                   + [(f.created_at, f.question, "down") for f in feedback
                      if f.created_at >= start and f.verdict == "down"])
    groups: list[Group] = []
    for _, question, kind in items:
        text = question.strip() or NOT_STORED
        toks = set(tokenize(text)) if question.strip() else {NOT_STORED}
        home = next((g for g in groups if _overlap(g.tokens, toks) >= SIMILAR), None)
        if home is None:
            home = Group(text, tokens=toks)
            groups.append(home)
        home.question = text  # the latest wording
        if kind == "abstained":
            home.abstained += 1
        else:
            home.down += 1
    ordered = tuple(sorted(groups, key=lambda g: -g.count))
    return Report(days, sum(g.abstained for g in groups), sum(g.down for g in groups), ordered)


def _overlap(a: set[str], b: set[str]) -> float:
    return len(a & b) / len(a | b) if a and b else 0.0
