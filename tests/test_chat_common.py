"""What every chat platform shares (adapters/common/chat.py): the language of the bot's own
words, admin checks, one-line reasons, and the answer-or-apology call."""

from __future__ import annotations

import logging

import pytest

from partnerbot.adapters.common.chat import (
    answer_or_apology,
    help_or_apology,
    is_admin,
    one_line,
    ui_lang,
)
from partnerbot.bot.engine import Engine
from partnerbot.bot.messages import message
from partnerbot.bot.types import Answer, Question


class BrokenEngine:
    """An engine whose every call fails, as a bug or a damaged index would make it."""

    def answer(self, question: Question) -> Answer:
        raise RuntimeError("index damaged\nTraceback (most recent call last): ...")

    def help(self, lang: str = "en") -> Answer:
        raise RuntimeError("no help today")


def test_one_line_keeps_the_first_line_and_cuts_long_reasons() -> None:
    assert one_line(OSError("disk full\n  File x.py, line 3")) == "disk full"
    assert one_line(ValueError("")) == "ValueError"
    long = one_line(RuntimeError("x" * 500))
    assert len(long) == 200 and long.endswith("…")
    assert one_line(RuntimeError("y" * 500), limit=None) == "y" * 500


@pytest.mark.parametrize(
    ("text", "fallback", "expected"),
    [
        ("양해각서는 언제?", None, "ko"),
        ("いつ締結されましたか", None, "ja"),
        ("when was it signed", None, "en"),
        ("when was it signed", "ko-KR", "ko"),  # no script to go by: the app's language
        ("", "ja", "ja"),
        (None, "fr", "en"),  # a language we do not speak
        ("ㅎㅎ", "en", "ko"),  # compatibility jamo are Hangul too
    ],
)
def test_ui_lang_by_script_then_fallback(text: str | None, fallback: str | None,
                                         expected: str) -> None:
    assert ui_lang(text, fallback) == expected


def test_admins_are_ids_from_the_settings_and_refusals_log_the_command_only(
        caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="partnerbot.chat")
    admins = frozenset({"U0ADMIN", "42"})
    assert is_admin("U0ADMIN", admins, "reindex")
    assert is_admin(42, admins, "/status")  # Telegram ids are numbers
    assert not is_admin("U0OTHER", admins, "/reindex")
    assert not is_admin(None, admins, "/status") and not is_admin("", frozenset({""}))
    refusals = [r.getMessage() for r in caplog.records if "refused" in r.getMessage()]
    assert refusals[0] == "refused admin command '/reindex' from user U0OTHER"
    assert len(refusals) == 3


def test_a_failing_engine_gives_an_apology_in_the_users_language(
        caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.ERROR)
    question = Question("양해각서는 언제?", platform="slack", request_id="feedc0ffee02")
    answer = answer_or_apology(BrokenEngine(), question, "ko")
    assert answer == Answer(kind="error", text=message("error", "ko"), lang="ko")
    assert "Traceback" not in answer.text and "index damaged" not in answer.text
    (logged,) = [r for r in caplog.records if r.exc_info]
    assert "slack request feedc0ffee02" in logged.getMessage()
    assert help_or_apology(BrokenEngine(), "ja") == Answer(
        kind="error", text=message("error", "ja"), lang="ja")


def test_a_working_engine_is_passed_through(engine: Engine) -> None:
    question = Question("What is an MOU?", platform="telegram")
    got, direct = answer_or_apology(engine, question, "en"), engine.answer(question)
    assert got.kind == direct.kind != "error"
    assert (got.text, got.citations) == (direct.text, direct.citations)
    assert help_or_apology(engine, "ko") == engine.help("ko")
