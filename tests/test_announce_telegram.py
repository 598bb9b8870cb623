"""Announcements in Telegram, through the real PTB Application against the fake Bot API: an
admin opts a group in with /announce, a stranger is refused, a release confirmed from a private
chat is announced there at once, one added on disk by another route (`partnerbot add`) is
found by the periodic check and announced once (also with two replicas sharing Redis), and
nothing is announced after /announce off. Names are made up."""

from __future__ import annotations

import asyncio
import dataclasses
import html
import json
import time
from collections.abc import Callable
from contextlib import closing
from pathlib import Path
from typing import Any

from telegram import Update
from telegram.ext import Application

from partnerbot.adapters.telegram.app import MENU, build_application
from partnerbot.adapters.telegram.render import render_card
from partnerbot.bot.engine import Engine
from partnerbot.bot.ops.admin import Admin
from partnerbot.bot.ops.feedback import FeedbackStore
from partnerbot.bot.settings import Settings, load_settings
from partnerbot.bot.types import ReleaseInfo
from tests.conftest import HashEmbedder
from tests.fakes import telegram_api as tg
from tests.fakes.telegram_api import Call, FakeBotAPI, html_problem, parse_html
from tests.test_corpus_upload import NEW_TEXT

ADMIN = 7001
STRANGER = 7002
GROUP = -100777
OTHER_TEXT = """Corvane Biologics and the Eastmere Cell Therapy Hub Agree to Share Facilities

Corvane Biologics and the Eastmere Cell Therapy Hub signed an agreement on April 8, 2025 to
share their manufacturing facilities for early-stage cell therapies.
"""


def settings(corpus: Path, tmp_path: Path, **changes: Any) -> Settings:
    cfg = load_settings(env={}, corpus_dir=corpus, index_dir=tmp_path / "index",
                        data_dir=tmp_path / "data")
    return dataclasses.replace(cfg, telegram_bot_token=tg.TOKEN,
                               telegram_admins=frozenset({str(ADMIN)}), **changes)


def in_group(text: str, user_id: int) -> dict[str, Any]:
    return tg.message(text, chat_id=GROUP, chat_type="group", user_id=user_id)


def posts_to(api: FakeBotAPI, chat_id: int) -> list[Call]:
    return [c for c in api.calls_to("sendMessage") if str(c.params.get("chat_id")) == str(chat_id)]


def announcements(api: FakeBotAPI) -> list[Call]:
    return [c for c in posts_to(api, GROUP) if "New partnership release:" in c.text]


async def send(app: Application, data: dict[str, Any]) -> None:
    await app.process_update(Update.de_json(tg.update(message=data), app.bot))


async def until(check: Callable[[], bool], what: str, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        await asyncio.sleep(0.05)


def add_by_cli(cfg: Settings, name: str, text: str) -> None:
    """What `partnerbot add` does: another Admin on the same directories."""
    admin = Admin(cfg.index_dir, cfg.corpus_dir, [HashEmbedder()])
    admin.add(admin.prepare(name, text.encode()))


def test_the_card_is_escaped_html_with_title_publisher_date_and_link() -> None:
    info = ReleaseInfo(doc_id="009", title="A <b> & C sign", lang="en", date="2025-03-03",
                       publisher="Acme & Co", url="https://example.org/n?a=1&b=2",
                       source="009.txt")
    card = render_card(info)
    assert html_problem(card) is None
    view = parse_html(card)
    assert view.visible.startswith("New partnership release: A <b> & C sign")
    assert "Acme & Co · 2025-03-03 · en" in view.visible
    assert view.links == [("https://example.org/n?a=1&b=2", "A <b> & C sign")]
    bare = render_card(dataclasses.replace(info, url="javascript:alert(1)", publisher=None))
    assert html_problem(bare) is None and "<a" not in bare and "javascript" not in bare
    assert "announce" in MENU


def test_an_opted_in_group_hears_of_a_release_confirmed_in_a_private_chat(
        corpus_copy: Path, tmp_path: Path) -> None:
    cfg = settings(corpus_copy, tmp_path, max_upload_mb=1)
    engine = Engine.open(cfg, embedders=[HashEmbedder()])
    with FakeBotAPI() as api, closing(FeedbackStore(cfg.feedback_db)) as store:
        fid = api.add_file("veltris.txt", NEW_TEXT.encode())
        # a long interval: only the upload itself can wake the watcher in time
        app = build_application(engine, cfg, base_url=api.base_url,
                                base_file_url=api.base_file_url, feedback=store,
                                progress_interval=0.0, announce_interval=600.0)

        async def go() -> None:
            async with app:
                await send(app, in_group("/announce on", STRANGER))
                await send(app, in_group("/announce on", ADMIN))
                await send(app, tg.document_message(fid, "veltris.txt", len(NEW_TEXT),
                                                    chat_id=ADMIN, user_id=ADMIN))
                await send(app, tg.message("url https://example.org/news/veltris",
                                           chat_id=ADMIN, user_id=ADMIN))
                await send(app, tg.message("yes", chat_id=ADMIN, user_id=ADMIN))
                await until(lambda: bool(announcements(api)), "the announcement", timeout=20)
                await asyncio.sleep(0.5)  # a second one would come now

        asyncio.run(go())
    replies = [c.text for c in posts_to(api, GROUP)]
    assert replies[0] == html.escape("Sorry, only admins can do that.")
    assert replies[1] == "New releases will be announced here."
    [card] = announcements(api)
    assert html_problem(card.text) is None
    view = parse_html(card.text)
    assert view.visible.startswith(
        "New partnership release: Veltris Genomics Signs MOU with the Northbay Bio Cluster")
    assert view.links == [("https://example.org/news/veltris",
                           "Veltris Genomics Signs MOU with the Northbay Bio Cluster")]
    assert "2025-03-03" in view.visible
    assert "reply_parameters" not in card.params  # a post of its own, quoting nobody
    assert not announcements_elsewhere(api)
    subs = json.loads((cfg.data_dir / "announce.json").read_text())
    assert subs == {"telegram": [str(GROUP)]}


def announcements_elsewhere(api: FakeBotAPI) -> list[Call]:
    return [c for c in api.calls_to("sendMessage")
            if "New partnership release:" in c.text and str(c.params["chat_id"]) != str(GROUP)]


def test_a_release_added_by_another_route_is_announced_once_and_off_means_off(
        corpus_copy: Path, tmp_path: Path) -> None:
    cfg = settings(corpus_copy, tmp_path)
    engine = Engine.open(cfg, embedders=[HashEmbedder()])
    with FakeBotAPI() as api, closing(FeedbackStore(cfg.feedback_db)) as store:
        app = build_application(engine, cfg, base_url=api.base_url, feedback=store,
                                announce_interval=0.1)

        async def go() -> None:
            async with app:
                await send(app, in_group("/announce on", ADMIN))
                await asyncio.to_thread(add_by_cli, cfg, "veltris.txt", NEW_TEXT)
                await until(lambda: bool(announcements(api)), "the periodic check")
                await asyncio.sleep(1.0)  # ten more ticks: still one
                assert len(announcements(api)) == 1
                await send(app, in_group("/announce off", ADMIN))
                await asyncio.to_thread(add_by_cli, cfg, "corvane.txt", OTHER_TEXT)
                await asyncio.sleep(1.0)
                # the release is live (served) although nobody hears of it
                assert "Corvane" in " ".join(r.title for r in engine.admin.latest())

        asyncio.run(go())
    [card] = announcements(api)
    assert "Veltris Genomics" in card.text
    assert posts_to(api, GROUP)[-1].text == "No more announcements here."
    assert json.loads((cfg.data_dir / "announce.json").read_text()) == {"telegram": []}


def test_two_replicas_sharing_redis_post_each_announcement_once(
        corpus_copy: Path, tmp_path: Path, redis_url: str) -> None:
    cfg = settings(corpus_copy, tmp_path, redis_url=redis_url)
    with FakeBotAPI() as api, closing(FeedbackStore(cfg.feedback_db)) as store:
        apps = [build_application(Engine.open(cfg, embedders=[HashEmbedder()]), cfg,
                                  base_url=api.base_url, feedback=store, announce_interval=0.1)
                for _ in range(2)]

        async def go() -> None:
            async with apps[0], apps[1]:
                await send(apps[0], in_group("/announce on", ADMIN))  # heard by replica 0
                await apps[1].post_init(apps[1])  # type: ignore[misc]  # replica 1 starts
                await asyncio.to_thread(add_by_cli, cfg, "veltris.txt", NEW_TEXT)
                await until(lambda: bool(announcements(api)), "an announcement")
                await asyncio.sleep(1.0)
                await apps[0].post_shutdown(apps[0])  # type: ignore[misc]
                await apps[1].post_shutdown(apps[1])  # type: ignore[misc]

        asyncio.run(go())
    assert len(announcements(api)) == 1
    assert not (cfg.data_dir / "announce.json").exists()  # the opt-in lives in Redis
