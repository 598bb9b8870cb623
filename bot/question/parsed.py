"""A question, parsed once: every later step reads this object instead of the text.

The sentence answer (`bot/answer/`), the registry answer (`bot/partners/`) and the model
composer's checks all take a `ParsedQuestion`. A follow-up's context arrives as data — the
parties of the thread's previous answer — and is used only when the question names no party
of its own: "언제 체결했어?" after an answer about LINK-J and Kanagawa asks about them; after an
abstention there is nothing to inherit.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from partnerbot.bot.partners.lines import find_orgs
from partnerbot.bot.question.cues import Period, has_cue, period_of
from partnerbot.bot.question.kind import Kind, question_kind
from partnerbot.bot.question.pairs import asked_parties
from partnerbot.bot.question.terms import QuestionTerms
from partnerbot.retrieval.search import QueryVectors, SearchIndex

__all__ = ["ParsedQuestion", "parse"]


@dataclass(frozen=True)
class ParsedQuestion:
    """What a question asks, read once.

    `text` is the question as typed (cleaned of platform noise); `search_text` is what the
    index is queried with: the text plus the parties a follow-up inherited.
    """

    text: str
    lang: str
    kind: Kind  # the slot a sentence answer fills: a date, a count, a person...
    # a question about many partnerships at once: "list", "count" or "yesno"; None otherwise
    frame: str | None
    # does it speak of partnerships at all (MOU, 협약, 提携)? A count or yes/no about
    # something else ("how many researchers") is no registry question
    about_partnerships: bool
    period: Period | None  # the years it asks about ("since 2022", "2024年以降")
    # the organisations it names, each as the registry's ids for that name in any script;
    # None when it names something that reads as an organisation the registry does not know
    orgs: tuple[tuple[str, ...], ...] | None
    query: QueryVectors  # embeddings and cross-script name expansion of `search_text`
    terms: QuestionTerms  # words, names and each name's forms in every script
    inherited: tuple[str, ...] = ()  # parties taken from the thread's previous answer
    # the two parties a Korean or Japanese question joins with "and" (화이자와 LINK-J는):
    # the pairing a release must report for the question to be answered from it
    pair: tuple[str, ...] = ()

    @property
    def search_text(self) -> str:
        return with_parties(self.text, self.inherited)

    @property
    def parties(self) -> tuple[str, ...]:
        """The parties asked about, as phrases ("Kanagawa Prefecture"): what a follow-up in the
        same thread inherits."""
        return tuple(" ".join(p) for p in self.terms.phrases)


def with_parties(text: str, parties: Sequence[str]) -> str:
    """The text the index is asked: a follow-up's inherited parties appended as names."""
    return f"{text} ({', '.join(parties)})" if parties else text


def _named(text: str, view: SearchIndex) -> QuestionTerms:
    """The names of `text` alone, without embedding it (cheap: no model call)."""
    return QuestionTerms.of(text, QueryVectors(text=text, vectors={}, expansion=()), view)


def parse(text: str, lang: str, view: SearchIndex, context: Sequence[str] = ()) -> ParsedQuestion:
    """Read `text` (already cleaned) against one index version. `context`: the parties of
    the thread's previous answer, inherited when `text` names none."""
    inherited: tuple[str, ...] = ()
    if context and not _named(text, view).phrases:
        inherited = tuple(context)
    search = with_parties(text, inherited)
    query = view.query(search, lang)
    frame = ("count" if has_cue(search, "count") else "yesno" if has_cue(search, "yesno")
             else "list" if has_cue(search, "list") or has_cue(search, "timeline") else None)
    orgs = find_orgs(search, view) if view.registry.records else ()
    return ParsedQuestion(
        text=text, lang=lang, kind=question_kind(search), frame=frame,
        about_partnerships=has_cue(search, "partnership"), period=period_of(search),
        orgs=None if orgs is None else tuple(orgs), query=query,
        terms=QuestionTerms.of(search, query, view), inherited=inherited,
        pair=tuple(asked_parties(search, lang)))
