"""The real slack-bolt App, driven by signed requests, against a fake Slack Web API.

Each test dispatches payloads of the shapes Slack sends through bolt's request handling
(signature verification included) and asserts on what reached the fake server. The engine is
the real one over the bundled corpus (`engine` fixture).
"""

from __future__ import annotations

import dataclasses
import json
import logging
import re
import shutil
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest
from slack_bolt import App, BoltResponse
from slack_bolt.request import BoltRequest
from slack_sdk import WebClient

from partnerbot.adapters.slack.app import SlackBot, build_app
from partnerbot.adapters.slack.render import render_answer
from partnerbot.adapters.slack.slack_calls import with_retries
from partnerbot.bot.engine import Engine
from partnerbot.bot.messages import message
from partnerbot.bot.ops.feedback import FeedbackStore
from partnerbot.bot.settings import Settings
from partnerbot.bot.types import Question
from tests.fakes.slack_api import (
    BOT_ID,
    BOT_USER_ID,
    Call,
    FakeSlackAPI,
    TrackingExecutor,
    block_action,
    event_callback,
    message_event,
    signed_headers,
    slash_command,
)

SECRET = "test-signing-secret"
ADMIN = "UADMIN01"
CORPUS = Path(__file__).resolve().parent.parent / "corpus" / "releases"
TITLES = {json.loads(line)["id"]: json.loads(line)["title"]
          for line in (CORPUS / "docs.jsonl").read_text(encoding="utf-8").splitlines() if line}

KANAGAWA_Q = "When did LINK-J sign the MOU with Kanagawa Prefecture?"
KOREAN_Q = "LINK-J와 메디센 파리 리전의 양해각서는 언제부터 효력이 발생했나요?"


@dataclasses.dataclass
class Slack:
    """The app under test and the fake Slack around it."""

    app: App
    api: FakeSlackAPI
    bot: SlackBot
    store: FeedbackStore
    listeners: TrackingExecutor

    def event(self, event: dict[str, Any], *, event_id: str | None = None,
              retry_num: int | None = None, secret: str = SECRET,
              timestamp: int | None = None) -> BoltResponse:
        raw = json.dumps(event_callback(event, event_id))
        return self.dispatch(raw, signed_headers(secret, raw, timestamp, retry_num=retry_num))

    def command(self, text: str, *, user: str = "UALICE01", key: str = "cmd",
                channel: str = "C0000001") -> BoltResponse:
        fields = slash_command(text, user=user, channel=channel,
                               response_url=self.api.response_url(key))
        raw = urlencode(fields)
        return self.dispatch(raw, signed_headers(
            SECRET, raw, content_type="application/x-www-form-urlencoded"))

    def click(self, payload: dict[str, Any]) -> BoltResponse:
        raw = urlencode({"payload": json.dumps(payload)})
        return self.dispatch(raw, signed_headers(
            SECRET, raw, content_type="application/x-www-form-urlencoded"))

    def dispatch(self, raw: str, headers: dict[str, str]) -> BoltResponse:
        return self.app.dispatch(BoltRequest(body=raw, headers=headers))

    def settle(self) -> None:
        """Every listener has finished and any reindex is over: nothing more will be posted."""
        self.listeners.wait_idle()
        assert self.bot.reindexer.wait(10)
        self.listeners.wait_idle()

    def posts(self) -> list[Call]:
        return self.api.calls("chat.postMessage")


@contextmanager
def _slack(engine: Engine, cfg: Settings) -> Iterator[Slack]:
    store = FeedbackStore(cfg.feedback_db)
    listeners = TrackingExecutor()
    try:
        with FakeSlackAPI() as api:
            bot = SlackBot(engine, cfg, store)
            client = WebClient(token="xoxb-test", base_url=api.url)
            app = build_app(engine, cfg, client=client, bot=bot, listener_executor=listeners)
            yield Slack(app, api, bot, store, listeners)
            listeners.wait_idle()
            bot.reindexer.wait(10)
    finally:
        listeners.shutdown()
        store.close()


@pytest.fixture
def slack(engine: Engine, settings: Settings) -> Iterator[Slack]:
    cfg = dataclasses.replace(settings, slack_bot_token="xoxb-test", slack_app_token="",
                              slack_signing_secret=SECRET, slack_admins=frozenset({ADMIN}))
    with _slack(engine, cfg) as slack:
        yield slack


def ack_text(resp: BoltResponse) -> str:
    """What the ack showed the user (bolt sends bare text as text/plain, else JSON)."""
    body = str(resp.body)
    return str(json.loads(body)["text"]) if body.startswith("{") else body


def sections(call: Call) -> list[str]:
    return [b["text"]["text"] for b in call.body.get("blocks", []) if b["type"] == "section"]


def assert_cited_answer(call: Call, must_cite: str) -> None:
    """Quotes end in `[n]` markers, every marker has a source line, every source line is a
    release of the corpus, and `must_cite` is among them."""
    texts = sections(call)
    markers = {int(n) for t in texts if t.startswith(">") for n in re.findall(r"\[(\d+)\]$", t)}
    sources = dict(re.findall(r"^\[(\d+)\] (.*)$", "\n".join(texts), flags=re.MULTILINE))
    assert markers, texts
    assert markers <= {int(n) for n in sources}
    for line in sources.values():
        assert any(title in line for title in TITLES.values()), line
    assert any(must_cite in line for line in sources.values()), sources


# -- answering --------------------------------------------------------------------------------

def test_mention_is_answered_in_its_thread_with_cited_release(slack: Slack) -> None:
    event = message_event(KANAGAWA_Q, mention=True)
    resp = slack.event(event)
    assert resp.status == 200
    (post,) = slack.api.wait_for("chat.postMessage")
    assert post.body["channel"] == "C0000001"
    assert post.body["thread_ts"] == event["ts"]
    assert_cited_answer(post, "LINK-J Concludes MOU on Mutual Cooperation with Kanagawa")
    assert "link-j.org/en/news/post-2999.html" in post.text_everywhere()
    assert "Kanagawa" in post.body["text"]  # the notification fallback
    # the :eyes: reaction on the question while working, removed afterwards
    slack.settle()
    (added,) = slack.api.calls("reactions.add")
    (removed,) = slack.api.calls("reactions.remove")
    for call in (added, removed):
        assert (call.body["name"], call.body["timestamp"]) == ("eyes", event["ts"])
    methods = [c.method for c in slack.api.calls() if c.method != "auth.test"]
    assert methods == ["reactions.add", "chat.postMessage", "reactions.remove"]


def test_a_mention_whose_id_is_not_the_bots_own_is_still_answered(slack: Slack) -> None:
    """An app_mention as bolt's own test payloads carry it: the mentioned id (U0LAN0Z89)
    is not auth.test's user, and another person is mentioned too."""
    event = message_event(KANAGAWA_Q, mention=True)
    event["text"] = f"<@U0LAN0Z89> <@W111> {KANAGAWA_Q}"
    assert slack.event(event).status == 200
    (post,) = slack.api.wait_for("chat.postMessage", timeout=30)
    assert_cited_answer(post, "LINK-J Concludes MOU on Mutual Cooperation with Kanagawa")


def test_start_does_not_warn_that_the_token_is_unused(
        engine: Engine, settings: Settings, monkeypatch: pytest.MonkeyPatch,
        caplog: pytest.LogCaptureFixture) -> None:
    """bolt reads SLACK_BOT_TOKEN itself and warned on every start that the client we give
    it wins over that token (the same token)."""
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-test")
    caplog.set_level(logging.DEBUG)
    cfg = dataclasses.replace(settings, slack_bot_token="xoxb-test", slack_app_token="",
                              slack_signing_secret=SECRET)
    with _slack(engine, cfg):
        pass
    assert "will be unused" not in caplog.text


def test_an_unhandled_action_is_one_log_line(slack: Slack,
                                             caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    resp = slack.click(block_action({"type": "button", "action_id": "not_ours", "value": "x"}))
    assert resp.status == 404  # bolt's answer to a request no listener takes
    slack.settle()
    unhandled = [r for r in caplog.records if "Unhandled request" in r.getMessage()]
    assert len(unhandled) == 1 and "\n" not in unhandled[0].getMessage(), caplog.text
    assert "[Suggestion]" not in caplog.text and "@app.action" not in caplog.text


def test_ack_does_not_wait_for_the_answer(slack: Slack) -> None:
    gate = slack.api.hold("reactions.add")  # the listener blocks on its first API call
    try:
        started = time.monotonic()
        resp = slack.event(message_event(KANAGAWA_Q, mention=True))
        assert resp.status == 200
        assert time.monotonic() - started < 2
        slack.api.wait_for("reactions.add")
        assert slack.posts() == []
    finally:
        gate.set()
    slack.api.wait_for("chat.postMessage")


def test_dm_is_answered_in_place(slack: Slack) -> None:
    event = message_event(KANAGAWA_Q, channel="D0000001", channel_type="im")
    assert slack.event(event).status == 200
    (post,) = slack.api.wait_for("chat.postMessage")
    assert post.body["channel"] == "D0000001"
    assert "thread_ts" not in post.body
    assert_cited_answer(post, "Kanagawa")


def test_korean_question_gets_korean_framing_and_english_source(slack: Slack,
                                                               engine: Engine) -> None:
    """The reply is the engine's answer as is: framed in Korean, citing the English release.
    (Whether the engine answers or abstains is its business; the reply must say which.)"""
    slack.event(message_event(KOREAN_Q, mention=True))
    (post,) = slack.api.wait_for("chat.postMessage")
    expected = engine.answer(Question(KOREAN_Q, user_id="UALICE01", platform="slack"))
    assert expected.lang == "ko"
    assert sections(post) == [b["text"]["text"] for b in render_answer(expected).blocks
                              if b["type"] == "section"]
    lead = message("answer_lead" if expected.kind == "answer" else "abstain", "ko")
    if expected.answer_span:  # the answer first, in bold, instead of the framing words
        lead = f"\u200b*{expected.answer_span}*\u200b"
    assert sections(post)[0] == lead
    heading = expected.sources_heading
    assert heading in (message("sources", "ko"), message("closest", "ko"))
    assert f"*{heading}*" in "\n".join(sections(post))
    mpr = "LINK-J Concludes MOU on Mutual Cooperation with Medicen Paris Region"
    if expected.kind == "answer":
        assert_cited_answer(post, mpr)
    else:
        assert mpr in "\n".join(sections(post))


def test_bare_mention_gets_help(slack: Slack, engine: Engine) -> None:
    slack.event(message_event("", mention=True))
    (post,) = slack.api.wait_for("chat.postMessage")
    assert sections(post)[0] == engine.help("en").text
    assert all(b["type"] != "actions" for b in post.body["blocks"])


def test_too_long_question_is_declined_politely(slack: Slack, settings: Settings) -> None:
    limit = settings.max_question_chars
    slack.event(message_event("partnership " * (limit // 10), mention=True))
    (post,) = slack.api.wait_for("chat.postMessage")
    (lead,) = sections(post)
    assert lead.startswith(message("too_long", "en", n=0, limit=limit).split("(")[0])
    assert all(b["type"] != "actions" for b in post.body["blocks"])


def test_thread_follow_up_needs_no_mention(slack: Slack) -> None:
    first = message_event(KANAGAWA_Q, mention=True)
    slack.event(first)
    slack.api.wait_for("chat.postMessage")
    slack.settle()
    follow_up = message_event("Who signed the MOU with Medicen Paris Region?",
                              thread_ts=first["ts"])
    slack.event(follow_up)
    posts = slack.api.wait_for("chat.postMessage", count=2)
    assert posts[1].body["thread_ts"] == first["ts"]
    assert_cited_answer(posts[1], "Medicen Paris Region")
    # chatter elsewhere is not for the bot: a top-level message, a thread it never joined
    slack.event(message_event("lunch?"))
    slack.event(message_event("Who signed with LINK-J?", thread_ts="1600000000.000001"))
    slack.settle()
    assert len(slack.posts()) == 2


def test_mention_in_known_thread_is_answered_once(slack: Slack) -> None:
    """Slack sends both `app_mention` and `message` for it; only one answer."""
    first = message_event(KANAGAWA_Q, mention=True)
    slack.event(first)
    slack.api.wait_for("chat.postMessage")
    slack.settle()
    again = message_event("Who signed with Medicen?", mention=True, thread_ts=first["ts"])
    plain = {**again, "type": "message", "channel_type": "channel"}
    slack.event(again)
    slack.event(plain)
    slack.settle()
    assert len(slack.posts()) == 2


def test_retries_and_duplicate_event_ids_answer_once(slack: Slack) -> None:
    event = message_event(KANAGAWA_Q, mention=True)
    assert slack.event(event, event_id="EvDUP1").status == 200
    assert slack.event(event, event_id="EvDUP1", retry_num=1).status == 200
    assert slack.event(event, event_id="EvDUP1", retry_num=2).status == 200
    assert slack.event(event, event_id="EvDUP1").status == 200
    slack.settle()
    assert len(slack.posts()) == 1
    assert len(slack.api.calls("reactions.add")) == 1


def test_first_delivery_seen_only_as_a_retry_is_answered(slack: Slack) -> None:
    """After a restart the retry is the only delivery this process sees: it must count."""
    slack.event(message_event(KANAGAWA_Q, mention=True), retry_num=1)
    slack.api.wait_for("chat.postMessage")


@pytest.mark.parametrize("event", [
    message_event("I am the bot", user=BOT_USER_ID, channel="D0000001", channel_type="im"),
    message_event("from a bot", channel="D0000001", channel_type="im", bot_id="B0000099"),
    message_event("old style", channel="D0000001", channel_type="im", subtype="bot_message"),
    message_event("edited", channel="D0000001", channel_type="im", subtype="message_changed"),
    message_event("own reply", user=BOT_USER_ID, bot_id=BOT_ID, thread_ts="1.0"),
], ids=["own-user", "other-bot", "bot_message", "edit", "own-thread-reply"])
def test_bot_messages_and_housekeeping_are_ignored(slack: Slack, event: dict[str, Any]) -> None:
    assert slack.event(event).status == 200
    slack.settle()
    assert slack.posts() == []
    assert slack.api.calls("reactions.add") == []


# -- signatures ---------------------------------------------------------------------------------

def test_bad_signature_is_rejected_and_nothing_happens(slack: Slack) -> None:
    assert slack.event(message_event(KANAGAWA_Q, mention=True), secret="wrong").status == 401
    stale = int(time.time()) - 10 * 60
    assert slack.event(message_event(KANAGAWA_Q, mention=True), timestamp=stale).status == 401
    raw = urlencode(slash_command("status", user=ADMIN, response_url=slack.api.response_url()))
    assert slack.dispatch(raw, {"content-type": "application/x-www-form-urlencoded"}).status \
        == 401
    slack.settle()
    assert [c.method for c in slack.api.calls() if c.method != "auth.test"] == []


# -- slash command ------------------------------------------------------------------------------

def test_slash_command_question(slack: Slack) -> None:
    resp = slack.command(KANAGAWA_Q, key="ask")
    assert resp.status == 200
    assert ack_text(resp) == message("working", "en")
    (reply,) = slack.api.wait_for("respond/ask")
    assert reply.body["response_type"] == "in_channel"
    assert_cited_answer(reply, "Kanagawa")
    assert reply.body["blocks"][-1]["type"] == "actions"


def test_slash_help(slack: Slack, engine: Engine) -> None:
    resp = slack.command("help", key="help")
    assert resp.status == 200
    (reply,) = slack.api.wait_for("respond/help")
    assert reply.body["response_type"] == "ephemeral"
    texts = sections(reply)
    assert texts[0] == engine.help("en").text
    assert texts[1].startswith("• ")
    assert slack.command("", key="empty").status == 200
    slack.api.wait_for("respond/empty")


# -- feedback -----------------------------------------------------------------------------------

def test_feedback_click_is_acknowledged_and_recorded(slack: Slack) -> None:
    event = message_event(KANAGAWA_Q, mention=True)
    slack.event(event)
    (post,) = slack.api.wait_for("chat.postMessage")
    actions = post.body["blocks"][-1]
    assert actions["type"] == "actions"
    down = next(e for e in actions["elements"] if e["action_id"] == "feedback_down")
    cited = re.findall(r"^\[\d+\] <[^|]+\|([^>]+)>|^\[\d+\] \*([^*]+)\*",
                       "\n".join(sections(post)), flags=re.MULTILINE)
    resp = slack.click(block_action(down, user="UBOB0001", message_ts="1700000000.000001",
                                    thread_ts=event["ts"]))
    assert resp.status == 200
    (thanks,) = slack.api.wait_for("chat.postEphemeral")
    assert thanks.body["user"] == "UBOB0001"
    assert thanks.body["thread_ts"] == event["ts"]
    assert thanks.body["text"] == message("feedback_thanks", "en")
    (fb,) = slack.store.all()
    assert (fb.platform, fb.user_id, fb.verdict, fb.question) == (
        "slack", "UBOB0001", "down", KANAGAWA_Q)
    assert [TITLES[i] for i in fb.release_ids] == [a or b for a, b in cited]
    assert abs(fb.created_at - time.time()) < 60


def test_unreadable_feedback_value_is_ignored(slack: Slack) -> None:
    button = {"type": "button", "action_id": "feedback_up", "value": "not json"}
    assert slack.click(block_action(button)).status == 200
    slack.settle()
    assert slack.store.all() == []


# -- admin commands -----------------------------------------------------------------------------

def test_admin_status(slack: Slack, engine: Engine) -> None:
    assert slack.command("status", user=ADMIN, key="status").status == 200
    (reply,) = slack.api.wait_for("respond/status")
    status = engine.admin.status()
    assert reply.body["response_type"] == "ephemeral"
    assert reply.body["text"].startswith(f"Index {status.version}: {status.releases} releases")


@pytest.mark.parametrize("word", ["status", "reindex"])
def test_non_admin_is_politely_refused(slack: Slack, engine: Engine, word: str) -> None:
    before = engine.admin.status().version
    resp = slack.command(word, user="UALICE01")
    assert resp.status == 200
    assert ack_text(resp) == message("admin_only", "en")
    slack.settle()
    assert [c.method for c in slack.api.calls() if c.method != "auth.test"] == []
    assert engine.admin.status().version == before


def test_admin_reindex_posts_progress_and_summary_one_at_a_time(slack: Slack) -> None:
    gate = slack.api.hold("chat.postMessage")  # keep the first reindex at its first post
    try:
        resp = slack.command("reindex", user=ADMIN, channel="C0000042")
        assert ack_text(resp) == message("reindex_started", "en")
        slack.api.wait_for("chat.postMessage")
        busy = slack.command("reindex", user=ADMIN, channel="C0000042")
        assert ack_text(busy) == message("reindex_busy", "en")
    finally:
        gate.set()
    assert slack.bot.reindexer.wait(30)
    (progress,) = slack.posts()
    assert progress.body["channel"] == "C0000042"
    assert progress.body["text"] == message("reindex_started", "en")
    updates = slack.api.calls("chat.update")
    assert {u.body["ts"] for u in updates} == {"1700000000.000001"}  # the progress message
    assert all(u.body["text"].startswith("Reindexing: ") for u in updates[:-1])
    assert re.match(r"Reindex done: index \S+: 5 releases, \d+ passages", updates[-1].body["text"])


def test_reindex_falls_back_to_dm_when_channel_is_closed(slack: Slack) -> None:
    slack.api.fail_next("chat.postMessage", "not_in_channel")
    slack.command("reindex", user=ADMIN, channel="C0000042")
    assert slack.bot.reindexer.wait(30)
    assert [p.body["channel"] for p in slack.posts()] == ["C0000042", ADMIN]
    assert slack.api.calls("chat.update")[-1].body["channel"] == "D" + ADMIN[1:]
    assert slack.api.calls("chat.update")[-1].body["text"].startswith("Reindex done:")


def test_failed_reindex_is_reported_and_old_index_keeps_serving(
        engine: Engine, settings: Settings, corpus_copy: Path) -> None:
    """A corpus that vanished: the admin is told why, and questions are still answered."""
    cfg = dataclasses.replace(settings, corpus_dir=corpus_copy, slack_bot_token="xoxb-test",
                              slack_signing_secret=SECRET, slack_admins=frozenset({ADMIN}))
    own = Engine.open(cfg, embedders=engine.embedders)
    with _slack(own, cfg) as slack:
        shutil.rmtree(corpus_copy)
        slack.command("reindex", user=ADMIN)
        assert slack.bot.reindexer.wait(30)
        final = slack.api.calls("chat.update")[-1].body["text"]
        assert final.startswith("Reindex failed: ") and final.endswith(
            "The previous index is still serving.")
        assert "Traceback" not in final
        slack.event(message_event(KANAGAWA_Q, mention=True))
        (_, answer) = slack.api.wait_for("chat.postMessage", count=2)
        assert_cited_answer(answer, "Kanagawa")


# -- Slack API errors ---------------------------------------------------------------------------

def test_channel_not_found_is_survived(slack: Slack) -> None:
    slack.api.fail_next("chat.postMessage", "channel_not_found")
    slack.api.fail_next("reactions.add", "missing_scope")
    slack.event(message_event(KANAGAWA_Q, mention=True))
    slack.api.wait_for("chat.postMessage")
    slack.settle()
    slack.event(message_event(KANAGAWA_Q, mention=True))
    posts = slack.api.wait_for("chat.postMessage", count=2)
    assert_cited_answer(posts[1], "Kanagawa")


def test_rate_limit_is_retried_after_retry_after(slack: Slack) -> None:
    slack.api.rate_limit_next("chat.postMessage", retry_after=1)
    slack.event(message_event(KANAGAWA_Q, mention=True))
    posts = slack.api.wait_for("chat.postMessage", count=2, timeout=10)
    assert posts[0].body == posts[1].body
    slack.settle()
    assert len(slack.posts()) == 2  # one refused, one delivered


def test_connection_errors_are_survived(slack: Slack) -> None:
    with_retries(slack.app.client, backoff=0.01)  # the same retry budget, spent quickly
    slack.api.drop_next("reactions.add", times=6)  # more than the client retries: given up
    slack.api.drop_next("chat.postMessage")  # may have been posted: not repeated
    slack.event(message_event(KANAGAWA_Q, mention=True))
    slack.settle()
    assert len(slack.posts()) == 1
    assert len(slack.api.calls("reactions.remove")) == 1
    slack.event(message_event(KANAGAWA_Q, mention=True))  # and the next question is answered
    posts = slack.api.wait_for("chat.postMessage", count=2, timeout=10)
    assert_cited_answer(posts[1], "Kanagawa")


# -- pings ------------------------------------------------------------------------------------

def test_pings_in_questions_are_never_echoed_live(slack: Slack) -> None:
    slack.event(message_event("<!channel> <!here> @everyone who signed with <@U0000BAD>?",
                              mention=True))
    slack.command("<!here> @channel who signed with LINK-J?", key="ping")
    slack.api.wait_for("chat.postMessage")
    slack.api.wait_for("respond/ping")
    slack.settle()
    for call in slack.posts() + slack.api.calls("respond/ping"):
        shown = "\n".join([*sections(call), call.body["text"]])
        assert not re.search(r"<[!@]", shown), shown
        assert not re.search(r"@(here|channel|everyone)\b", shown), shown
