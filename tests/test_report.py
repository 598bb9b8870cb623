"""`partnerbot report` / `/partners report`: abstentions and 👎 grouped by similar question;
recorded through the real Slack app; shared by replicas through Redis. Names are made up."""

from __future__ import annotations

import dataclasses
import time
from pathlib import Path

from partnerbot.adapters.common.unanswered import notify, watch
from partnerbot.adapters.stores.redis import connect
from partnerbot.adapters.stores.redis_feedback import RedisFeedbackStore, open_feedback
from partnerbot.bot.ops.feedback import Feedback, FeedbackStore, Unanswered
from partnerbot.bot.ops.report import NOT_STORED, build_report
from partnerbot.bot.settings import Settings
from partnerbot.bot.types import Answer, Question
from tests.fakes.slack_api import message_event, wait_until
from tests.test_faults_index import cli
from tests.test_uploads_slack import ADMIN, DM, Desk, desk  # noqa: F401 (fixture)

ASK = "When did Zorblax Therapeutics sign an MOU with the Quuxland cluster?"
ASK_AGAIN = "when did Zorblax Therapeutics sign the MOU with Quuxland?"
OTHER = "퀵스랜드 클러스터 입주 기업은 몇 개인가요?"


def down(question: str, at: float) -> Feedback:
    return Feedback(platform="slack", user_id="U1", verdict="down", question=question,
                    release_ids=("001",), created_at=at)


def test_similar_questions_are_one_group_and_the_period_is_respected() -> None:
    now = time.time()
    unanswered = [Unanswered("slack", ASK, created_at=now - 100),
                  Unanswered("telegram", ASK_AGAIN, created_at=now - 50),
                  Unanswered("telegram", OTHER, created_at=now - 40),
                  Unanswered("slack", ASK, created_at=now - 30 * 86400)]  # outside 7 days
    feedback = [down(ASK, now - 10),
                dataclasses.replace(down(OTHER, now - 5), verdict="up")]  # 👍 is not reported
    report = build_report(unanswered, feedback, 7, now=now)
    assert (report.abstained, report.down) == (3, 1)
    first, second = report.groups
    assert (first.count, first.abstained, first.down) == (3, 2, 1)
    assert first.question == ASK and second.question == OTHER and second.count == 1
    text = report.to_text()
    assert text.startswith("Last 7 days: 3 unanswered question(s), 1 👎.")
    assert f"3× {ASK}" in text


def test_questions_not_logged_are_counted_without_their_text(tmp_path: Path) -> None:
    store = FeedbackStore(tmp_path / "f.sqlite3")
    class AnyEngine:  # the registry holds engines weakly: any object that allows it
        pass

    engine = AnyEngine()
    watch(engine, "slack", store, keep_text=False)
    abstain = Answer(kind="abstain", text="no", lang="en")
    notify(engine, Question(ASK, platform="slack"), abstain)
    notify(engine, Question(ASK, platform="telegram"), abstain)  # no store for telegram here
    notify(engine, Question(ASK, platform="slack"), Answer(kind="answer", text="x", lang="en"))
    rows = store.unanswered()
    assert [r.question for r in rows] == [""]
    report = build_report(rows, [], 1)
    assert report.groups[0].question == NOT_STORED
    store.close()


def test_an_abstention_in_slack_shows_in_the_admins_report(desk: Desk) -> None:  # noqa: F811
    desk.send(message_event(ASK, user="UALICE01", channel="D0000077", channel_type="im"))
    wait_until(lambda: [c for c in desk.api.calls("chat.postMessage")
                        if c.body.get("channel") == "D0000077"], message="the answer")
    assert "Only admins" in desk.command("report", user="UALICE01")
    desk.command("report 7")
    reply = wait_until(lambda: desk.api.calls("respond/cmd"), message="report")
    assert "1 unanswered question(s)" in reply[-1].body["text"]
    assert f"1× {ASK}" in reply[-1].body["text"]
    assert DM and ADMIN  # the desk fixture's admin asked for it


def test_replicas_share_one_report_through_redis(redis_url: str, settings: Settings) -> None:
    cfg = dataclasses.replace(settings, redis_url=redis_url)
    one, two = open_feedback(cfg), RedisFeedbackStore(connect(redis_url))
    assert isinstance(one, RedisFeedbackStore)
    one.record_unanswered(Unanswered("slack", ASK))
    two.record_unanswered(Unanswered("telegram", ASK_AGAIN))
    two.record(down(OTHER, time.time()))
    for store in (one, two):
        report = build_report(store.unanswered(), store.since(0), 7)
        assert (report.abstained, report.down, len(report.groups)) == (2, 1, 2)
    assert one.all()[0].question == OTHER and one.all()[0].release_ids == ("001",)
    one.close()
    two.close()


def test_partnerbot_report_reads_the_store(tmp_path: Path) -> None:
    store = FeedbackStore(tmp_path / "data" / "feedback.sqlite3")
    store.record_unanswered(Unanswered("telegram", OTHER))
    store.close()
    proc = cli("report", "--days", "2", env={"PARTNERBOT_DATA_DIR": str(tmp_path / "data")})
    assert proc.returncode == 0, proc.stderr
    assert "Last 2 days: 1 unanswered question(s), 0 👎." in proc.stdout
    assert OTHER in proc.stdout
