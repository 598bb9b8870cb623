"""Follow-ups in a thread inherit the parties of the thread's previous question."""

from __future__ import annotations

from partnerbot.bot.engine import Engine
from partnerbot.bot.question.followup import with_context
from partnerbot.bot.types import Question


def test_a_follow_up_naming_no_party_takes_the_previous_questions_parties(engine: Engine) -> None:
    view = engine.live.served
    merged = with_context("When was it signed?", "What did LINK-J agree with Kanagawa?", view)
    assert merged.startswith("When was it signed?")
    assert "LINK-J" in merged and "Kanagawa" in merged


def test_a_follow_up_naming_its_own_party_keeps_it(engine: Engine) -> None:
    view = engine.live.served
    text = "When did Medicen sign?"
    assert with_context(text, "What did LINK-J agree with Kanagawa?", view) == text
    assert with_context(text, None, view) == text


def test_the_engine_answers_a_follow_up_about_the_threads_parties(engine: Engine) -> None:
    alone = engine.answer(Question("언제 체결했어?"))
    followed = engine.answer(Question(
        "언제 체결했어?", context="LINK-J와 가나가와현(Kanagawa Prefecture)의 협약 내용은?"))
    assert followed.kind == "answer"
    assert followed.citations and followed.citations[0].doc_id == "003"
    # without the thread, the question names nothing to look for
    assert alone.kind == "abstain" or alone.citations[0].doc_id != "003"


def test_a_follow_up_to_a_follow_up_keeps_the_first_questions_parties(engine: Engine) -> None:
    """The thread remembers the question as answered (with the parties it inherited), so a
    third question in the thread still asks about them."""
    first = engine.answer(Question("LINK-J와 가나가와현(Kanagawa Prefecture)의 협약 내용은?"))
    second = engine.answer(Question("언제 체결했어?", context=first.asked))
    assert second.asked is not None and "LINK-J" in second.asked
    third = engine.answer(Question("누가 서명했어?", context=second.asked))
    assert third.asked is not None and "LINK-J" in third.asked
    assert third.kind == "answer" and third.citations[0].doc_id == "003"
    # had the thread remembered the follow-up's own words, nothing would be named
    assert "LINK-J" not in (with_context("누가 서명했어?", "언제 체결했어?",
                                         engine.live.served))
