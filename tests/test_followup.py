"""Follow-ups in a thread inherit the parties of the thread's previous answer, as data."""

from __future__ import annotations

from partnerbot.bot.engine import Engine
from partnerbot.bot.question.parsed import parse
from partnerbot.bot.types import Question

KANAGAWA_Q = "What did LINK-J agree with Kanagawa?"


def test_a_follow_up_naming_no_party_takes_the_previous_answers_parties(engine: Engine) -> None:
    view = engine.live.served
    first = parse(KANAGAWA_Q, "en", view)
    assert "LINK-J" in first.parties and any("Kanagawa" in p for p in first.parties)
    follow = parse("When was it signed?", "en", view, first.parties)
    assert follow.inherited == first.parties
    assert follow.text == "When was it signed?"  # the question itself is kept as typed
    assert "LINK-J" in follow.search_text and "LINK-J" in follow.parties


def test_a_follow_up_naming_its_own_party_keeps_it(engine: Engine) -> None:
    view = engine.live.served
    own = parse("When did Medicen sign?", "en", view, ("LINK-J", "Kanagawa"))
    assert own.inherited == ()
    assert "LINK-J" not in own.parties


def test_the_engine_answers_a_follow_up_about_the_threads_parties(engine: Engine) -> None:
    alone = engine.answer(Question("언제 체결했어?"))
    first = engine.answer(Question("LINK-J와 가나가와현(Kanagawa Prefecture)의 협약 내용은?"))
    followed = engine.answer(Question("언제 체결했어?", context=first.parties))
    assert followed.kind == "answer"
    assert followed.citations and followed.citations[0].doc_id == "003"
    # without the thread, the question names nothing to look for
    assert alone.kind == "abstain" or alone.citations[0].doc_id != "003"


def test_a_follow_up_to_a_follow_up_keeps_the_first_questions_parties(engine: Engine) -> None:
    """The answer carries the parties it was about, inherited ones too, so a third question
    in the thread still asks about the first one's."""
    first = engine.answer(Question("LINK-J와 가나가와현(Kanagawa Prefecture)의 협약 내용은?"))
    second = engine.answer(Question("언제 체결했어?", context=first.parties))
    assert "LINK-J" in second.parties
    third = engine.answer(Question("누가 서명했어?", context=second.parties))
    assert "LINK-J" in third.parties
    assert third.kind == "answer" and third.citations[0].doc_id == "003"


def test_an_abstention_leaves_nothing_to_inherit(engine: Engine) -> None:
    """Context from an unrelated question the releases did not answer must not make the next
    question abstain: an abstention carries no parties, so the thread forgets them."""
    real = "When did LINK-J sign the MOU with Kanagawa Prefecture?"
    off = engine.answer(Question("Who founded Zorblax Quantum Widgets in Atlantis?"))
    assert off.kind == "abstain" and off.parties == ()
    after = engine.answer(Question(real, context=off.parties))
    assert after.kind == "answer" and after.citations[0].doc_id == "003"
