"""An admin sends a release as a document in a private chat, through the real PTB Application
against the fake Bot API (getFile + file download): summary, correction, confirm, live;
refusals for non-admins and oversized files; /remove with confirmation. Names are made up."""

from __future__ import annotations

import asyncio
import dataclasses
from contextlib import closing
from pathlib import Path
from typing import Any

from telegram import Update

from partnerbot.adapters.telegram.app import build_application
from partnerbot.bot.engine import Engine
from partnerbot.bot.ops.feedback import FeedbackStore
from partnerbot.bot.settings import load_settings
from partnerbot.bot.types import Question
from tests.conftest import HashEmbedder
from tests.fakes import telegram_api as tg
from tests.fakes.telegram_api import FakeBotAPI
from tests.test_corpus_upload import NEW_TEXT, docx

ADMIN = 7001
STRANGER = 7002


def run(corpus: Path, tmp_path: Path, steps: list[dict[str, Any]],
        prepare: Any = None) -> tuple[FakeBotAPI, Engine]:
    cfg = load_settings(env={}, corpus_dir=corpus, index_dir=tmp_path / "index",
                        data_dir=tmp_path / "data")
    cfg = dataclasses.replace(cfg, telegram_bot_token=tg.TOKEN,
                              telegram_admins=frozenset({str(ADMIN)}), max_upload_mb=1)
    engine = Engine.open(cfg, embedders=[HashEmbedder()])
    with FakeBotAPI() as api, closing(FeedbackStore(cfg.feedback_db)) as store:
        made = [prepare(api, step) if prepare else step for step in steps]
        app = build_application(engine, cfg, base_url=api.base_url,
                                base_file_url=api.base_file_url, feedback=store,
                                progress_interval=0.0)

        async def go() -> None:
            async with app:
                for data in made:
                    await app.process_update(Update.de_json(tg.update(message=data), app.bot))

        asyncio.run(go())
    return api, engine


def texts(api: FakeBotAPI) -> list[str]:
    return [str(c.params.get("text")) for c in api.calls
            if c.method in ("sendMessage", "editMessageText")]


def test_an_admin_sends_a_docx_corrects_confirms_and_it_is_answerable(
        corpus_copy: Path, tmp_path: Path) -> None:
    data = docx([("Title", "Veltris Genomics Signs MOU with the Northbay Bio Cluster"),
                 ("Normal", " ".join(NEW_TEXT.split("\n")[2:]))])

    def prepare(api: FakeBotAPI, step: dict[str, Any]) -> dict[str, Any]:
        if step.get("text") == "<file>":
            fid = api.add_file("veltris.docx", data)
            return tg.document_message(fid, "veltris.docx", len(data), chat_id=ADMIN,
                                       user_id=ADMIN)
        return step

    api, engine = run(corpus_copy, tmp_path, [
        {"text": "<file>"},
        tg.message("url https://example.org/news/veltris", chat_id=ADMIN, user_id=ADMIN),
        tg.message("date 2025-13-45", chat_id=ADMIN, user_id=ADMIN),
        tg.message("yes", chat_id=ADMIN, user_id=ADMIN),
    ], prepare)
    shown = texts(api)
    assert api.calls_to("getFile") and api.calls_to("file.download")
    assert any("Add as 005: veltris.docx" in t and "note: stored as plain text" in t
               for t in shown)
    assert any("url: https://example.org/news/veltris" in t for t in shown)
    assert any("is not YYYY-MM-DD" in t for t in shown)  # a bad correction is refused
    assert shown[-1].startswith("Added 005") and "6 releases" in shown[-1]
    assert (corpus_copy / "005.txt").is_file()
    answer = engine.answer(Question("When did Veltris Genomics sign with Northbay?"))
    assert "005" in [c.doc_id for c in answer.citations]
    assert any(c.url == "https://example.org/news/veltris" for c in answer.citations)


def test_a_stranger_is_refused_and_nothing_is_fetched(corpus_copy: Path, tmp_path: Path) -> None:
    def prepare(api: FakeBotAPI, step: dict[str, Any]) -> dict[str, Any]:
        fid = api.add_file("veltris.txt", NEW_TEXT.encode())
        return tg.document_message(fid, "veltris.txt", len(NEW_TEXT), chat_id=STRANGER,
                                   user_id=STRANGER)

    api, _ = run(corpus_copy, tmp_path, [{}], prepare)
    assert len(texts(api)) == 1 and texts(api)[0].startswith("Only admins can add or remove")
    assert not api.calls_to("getFile") and not (corpus_copy / "005.txt").exists()


def test_an_oversized_document_is_refused_before_download(corpus_copy: Path,
                                                          tmp_path: Path) -> None:
    def prepare(api: FakeBotAPI, step: dict[str, Any]) -> dict[str, Any]:
        fid = api.add_file("big.txt", b"x")
        return tg.document_message(fid, "big.txt", 5 * 1024 * 1024, chat_id=ADMIN, user_id=ADMIN)

    api, _ = run(corpus_copy, tmp_path, [{}], prepare)
    assert "5.0 MiB is over the 1 MiB limit" in texts(api)[0] and not api.calls_to("getFile")


def test_remove_needs_a_confirmation(corpus_copy: Path, tmp_path: Path) -> None:
    api, engine = run(corpus_copy, tmp_path, [
        tg.message("/remove 000", chat_id=STRANGER, user_id=STRANGER),
        tg.message("/remove 000", chat_id=ADMIN, user_id=ADMIN),
        tg.message("/remove 000 yes", chat_id=ADMIN, user_id=ADMIN),
    ])
    shown = texts(api)
    assert shown[0].startswith("Only admins") and "Send /remove again" in shown[1]
    assert shown[-1].startswith("Removed 000") and "4 releases" in shown[-1]
    assert not (corpus_copy / "000.txt").exists()
    assert "000" not in {r.doc_id for r in engine.admin.sources()}
