"""An admin uploads a release in a Slack DM, through the real bolt App against the fake Slack
(files.info + url_private download): read, summary, correction, confirm, live; refusals for
non-admins and bad files; `/partners remove` and `/partners sources`. Names are made up."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest
from slack_bolt import App
from slack_bolt.request import BoltRequest
from slack_sdk import WebClient

from partnerbot.adapters.slack.app import build_app
from partnerbot.bot.engine import Engine
from partnerbot.bot.ops.feedback import FeedbackStore
from partnerbot.bot.settings import load_settings
from partnerbot.bot.types import Question
from tests.conftest import HashEmbedder
from tests.fakes.slack_api import (
    FakeSlackAPI,
    TrackingExecutor,
    event_callback,
    file_share_event,
    message_event,
    signed_headers,
    slash_command,
    wait_until,
)
from tests.test_corpus_upload import NEW_TEXT

SECRET = "upload-signing-secret"
ADMIN = "UADMIN01"
DM = "D0000009"


@dataclasses.dataclass
class Desk:
    app: App
    api: FakeSlackAPI
    engine: Engine
    corpus: Path

    def send(self, event: dict[str, Any]) -> None:
        raw = json.dumps(event_callback(event))
        self.app.dispatch(BoltRequest(body=raw, headers=signed_headers(SECRET, raw)))

    def command(self, text: str, user: str = ADMIN) -> str:
        raw = urlencode(slash_command(text, user=user, response_url=self.api.response_url()))
        resp = self.app.dispatch(BoltRequest(body=raw, headers=signed_headers(
            SECRET, raw, content_type="application/x-www-form-urlencoded")))
        body = str(resp.body)
        return str(json.loads(body)["text"]) if body.startswith("{") else body

    def texts(self) -> list[str]:
        return [str(c.body.get("text")) for c in self.api.calls()
                if c.method in ("chat.postMessage", "chat.update")]


@pytest.fixture
def desk(corpus_copy: Path, tmp_path: Path) -> Iterator[Desk]:
    cfg = load_settings(env={}, corpus_dir=corpus_copy, index_dir=tmp_path / "index",
                        data_dir=tmp_path / "data")
    cfg = dataclasses.replace(cfg, slack_bot_token="xoxb-test", slack_signing_secret=SECRET,
                              slack_admins=frozenset({ADMIN}))
    engine = Engine.open(cfg, embedders=[HashEmbedder()])
    listeners = TrackingExecutor()
    with FakeSlackAPI() as api, closing(FeedbackStore(cfg.feedback_db)) as store:
        app = build_app(engine, cfg, client=WebClient(token="xoxb-test", base_url=api.url),
                        feedback=store, listener_executor=listeners)
        yield Desk(app, api, engine, corpus_copy)
        listeners.wait_idle()
    listeners.shutdown()


def test_an_admin_uploads_corrects_and_confirms_and_the_release_is_answerable(desk: Desk) -> None:
    file_id = desk.api.add_file("veltris.txt", NEW_TEXT.encode())
    share = file_share_event(file_id, "veltris.txt", user=ADMIN, channel=DM)
    desk.send(share)
    summary = wait_until(lambda: [t for t in desk.texts() if "Add as 005" in t], message="summary")
    assert "date: 2025-03-03" in summary[0] and "Reply `yes`" in summary[0]
    download = desk.api.calls("files.download")
    assert download and download[0].headers["authorization"] == "Bearer xoxb-test"
    assert desk.api.calls("files.info")[0].body["file"] == file_id
    assert not (desk.corpus / "005.txt").exists()  # nothing written before the confirmation

    desk.send(message_event("lang ko", user=ADMIN, channel=DM, channel_type="im",
                            thread_ts=share["ts"]))
    wait_until(lambda: any("lang: ko" in t for t in desk.texts()), message="corrected summary")
    desk.send(message_event("lang en", user=ADMIN, channel=DM, channel_type="im",
                            thread_ts=share["ts"]))
    desk.send(message_event("yes", user=ADMIN, channel=DM, channel_type="im",
                            thread_ts=share["ts"]))
    done = wait_until(lambda: [t for t in desk.texts() if t.startswith("Added 005")],
                      timeout=60, message="the outcome")
    assert "6 releases" in done[0]
    replies = [c for c in desk.api.calls("chat.postMessage") if c.body.get("channel") == DM]
    assert all(c.body.get("thread_ts") == share["ts"] for c in replies)
    assert "005" in {r.doc_id for r in desk.engine.admin.sources()}
    answer = desk.engine.answer(Question("When did Veltris Genomics sign with Northbay?"))
    assert "005" in [c.doc_id for c in answer.citations]

    # the same file again: offered as a replacement only
    desk.send(file_share_event(desk.api.add_file("again.txt", NEW_TEXT.encode()), "again.txt",
                               user=ADMIN, channel=DM))
    wait_until(lambda: any("duplicate: same text as 005" in t for t in desk.texts()),
               message="duplicate notice")


def test_a_non_admin_upload_is_refused_and_nothing_is_downloaded(desk: Desk) -> None:
    file_id = desk.api.add_file("veltris.txt", NEW_TEXT.encode())
    desk.send(file_share_event(file_id, "veltris.txt", user="UALICE01", channel=DM))
    wait_until(lambda: any("Only admins" in t for t in desk.texts()), message="refusal")
    assert not desk.api.calls("files.download") and not desk.api.calls("files.info")
    assert not (desk.corpus / "005.txt").exists()


def test_a_file_that_is_not_what_its_name_says_is_refused_in_one_line(desk: Desk) -> None:
    file_id = desk.api.add_file("release.pdf", b"<html><body>hello</body></html>")
    desk.send(file_share_event(file_id, "release.pdf", user=ADMIN, channel=DM))
    refused = wait_until(lambda: [t for t in desk.texts() if t.startswith("Not added")],
                         message="refusal")
    assert "named .pdf but its bytes are text" in refused[0] and "\n" not in refused[0]


def test_remove_asks_then_removes_and_sources_lists_or_filters(desk: Desk) -> None:
    first = sorted(desk.engine.admin.sources(), key=lambda r: r.doc_id)[0]
    assert "Only admins" in desk.command(f"remove {first.doc_id}", user="UALICE01")
    assert "Send the command again with `yes`" in desk.command(f"remove {first.doc_id}")
    assert (desk.corpus / f"{first.doc_id}.txt").exists()
    assert desk.command(f"remove {first.doc_id} yes").startswith("Removing")
    wait_until(lambda: any(t.startswith(f"Removed {first.doc_id}") for t in desk.texts()),
               timeout=60, message="removal outcome")
    assert first.doc_id not in {r.doc_id for r in desk.engine.admin.sources()}
    desk.command("sources")
    listed = wait_until(lambda: desk.api.calls("respond/cmd"), message="sources reply")
    assert "The latest of 4 releases" in listed[-1].body["text"]
    word = desk.engine.admin.sources()[0].title.split()[0]
    desk.command(f"sources {word}")
    filtered = wait_until(lambda: desk.api.calls("respond/cmd")[1:], message="filtered")
    assert "match" in filtered[-1].body["text"]


def test_an_opted_in_channel_hears_of_a_release_added_from_a_dm(desk: Desk) -> None:
    assert "Only admins" in desk.command("announce on", user="UALICE01")
    assert "will be announced here" in desk.command("announce on")  # in C0000001
    file_id = desk.api.add_file("veltris.txt", NEW_TEXT.encode())
    share = file_share_event(file_id, "veltris.txt", user=ADMIN, channel=DM)
    desk.send(share)
    wait_until(lambda: any("Add as 005" in t for t in desk.texts()), message="summary")
    desk.send(message_event("yes", user=ADMIN, channel=DM, channel_type="im",
                            thread_ts=share["ts"]))
    posted = wait_until(lambda: [c for c in desk.api.calls("chat.postMessage")
                                 if c.body.get("channel") == "C0000001"], timeout=60,
                        message="the announcement")
    assert posted[0].body["text"].startswith(
        "New partnership release: Veltris Genomics Signs MOU")
    assert len(posted) == 1


def test_a_release_added_by_another_route_is_announced_once(corpus_copy: Path,
                                                              tmp_path: Path) -> None:
    from partnerbot.adapters.common.announce import Announcer, Subscriptions
    from partnerbot.adapters.stores.claims import MemoryClaims
    from partnerbot.bot.ops.admin import Admin

    cfg = load_settings(env={}, corpus_dir=corpus_copy, index_dir=tmp_path / "index",
                        data_dir=tmp_path / "data")
    serving = Engine.open(cfg, embedders=[HashEmbedder()])
    subs = Subscriptions(tmp_path / "data" / "announce.json")
    subs.set("slack", "C1", True)
    posts: list[tuple[str, str]] = []
    claims = MemoryClaims(ttl=60)
    replicas = [Announcer(serving.admin, subs, "slack", lambda t, x: posts.append((t, x)),
                          claims) for _ in range(2)]
    for a in replicas:
        a.baseline()
    cli_admin = Admin(cfg.index_dir, corpus_copy, [HashEmbedder()])  # `partnerbot add`
    cli_admin.add(cli_admin.prepare("veltris.txt", NEW_TEXT.encode()))
    assert [a.check() for a in replicas] == [["005"], ["005"]]
    assert len(posts) == 1 and posts[0][0] == "C1" and "Veltris" in posts[0][1]
    assert replicas[0].check() == []
