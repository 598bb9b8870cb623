"""`/healthz` and `/metrics` over real HTTP, with counters moved by real questions: through the
engine, the slack-bolt App and the python-telegram-bot Application against the fake APIs."""

from __future__ import annotations

import dataclasses
import json
import shutil
import socket
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from prometheus_client.parser import text_string_to_metric_families

from partnerbot.adapters.health import HealthServer, health_endpoint
from partnerbot.bot.engine import Engine
from partnerbot.bot.settings import Settings, SettingsError, load_settings
from partnerbot.bot.types import Question
from tests.conftest import HashEmbedder
from tests.drive import ask_slack, ask_telegram

ANSWERABLE = "When did the MOU between LINK-J and Medicen Paris Region take effect?"
OFF_TOPIC = "What is the best recipe for kimchi stew?"


def get(url: str) -> tuple[int, str, str]:
    """(status, content type, body) of a GET, whatever the status."""
    try:
        with urllib.request.urlopen(url, timeout=5) as resp:
            return resp.status, resp.headers["Content-Type"], resp.read().decode()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.headers["Content-Type"], exc.read().decode()


def samples(text: str) -> dict[tuple[str, frozenset[tuple[str, str]]], float]:
    """Every sample of a /metrics page, keyed by name and labels."""
    return {(s.name, frozenset(s.labels.items())): s.value
            for family in text_string_to_metric_families(text) for s in family.samples}


def value(page: dict[tuple[str, frozenset[tuple[str, str]]], float], name: str,
          **labels: str) -> float:
    return page.get((name, frozenset(labels.items())), 0.0)


@pytest.fixture
def health() -> Iterator[HealthServer]:
    server = HealthServer("127.0.0.1", 0).start()
    yield server
    server.close()


def test_healthz_says_starting_until_the_index_is_open_then_reports_it(
    health: HealthServer, engine: Engine
) -> None:
    base = f"http://127.0.0.1:{health.port}"
    status, ctype, body = get(base + "/healthz")
    assert (status, ctype) == (503, "application/json")
    assert json.loads(body) == {"status": "starting", "reason": "index not loaded yet"}
    assert get(base + "/metrics")[0] == 503

    health.attach(engine)
    status, ctype, body = get(base + "/healthz")
    index = engine.admin.status()
    assert (status, ctype) == (200, "application/json")
    assert json.loads(body) == {"status": "ok", "index_version": index.version,
                                "releases": len(engine.admin.sources()), "passages": index.passages}
    assert index.passages > index.releases > 0
    assert get(base + "/nothing-here")[0] == 404


def test_metrics_count_questions_through_both_platforms(
    health: HealthServer, engine: Engine, settings: Settings
) -> None:
    health.attach(engine)
    url = f"http://127.0.0.1:{health.port}/metrics"
    status, ctype, text = get(url)
    assert status == 200 and ctype.startswith("text/plain; version=0.0.4")
    before = samples(text)
    assert value(before, "partnerbot_questions_total", platform="telegram", kind="answer") == 0
    assert value(before, "partnerbot_index_info", version=engine.admin.status().version) == 1
    assert value(before, "partnerbot_index_releases") == len(engine.admin.sources())
    assert value(before, "partnerbot_index_passages") == engine.admin.status().passages

    # Telegram: one answered question and one the releases do not cover
    assert len(ask_telegram(engine, settings, ANSWERABLE, OFF_TOPIC).sent()) == 2

    # Slack: one mention, answered in its thread
    ask_slack(engine, settings, ANSWERABLE)

    engine.answer(Question("help", platform="cli"))
    after = samples(get(url)[2])
    assert value(after, "partnerbot_questions_total", platform="telegram", kind="answer") == 1
    assert value(after, "partnerbot_questions_total", platform="telegram", kind="abstain") == 1
    assert value(after, "partnerbot_questions_total", platform="slack", kind="answer") == 1
    assert value(after, "partnerbot_questions_total", platform="cli", kind="help") == 1
    assert value(after, "partnerbot_abstentions_total", platform="telegram") == 1
    assert value(after, "partnerbot_abstentions_total", platform="slack") == 0
    assert value(after, "partnerbot_answer_seconds_count", platform="telegram") == 2
    assert value(after, "partnerbot_answer_seconds_bucket", platform="telegram", le="10.0") == 2
    assert value(after, "partnerbot_answer_seconds_sum", platform="telegram") > 0
    assert value(after, "partnerbot_errors_total", platform="telegram", kind="engine") == 0


def test_platform_api_failures_are_counted_as_errors(engine: Engine, settings: Settings) -> None:
    ask_telegram(engine, settings, ANSWERABLE, prepare=lambda api: api.reject_next(
        "sendMessage", "Bad Request: message thread not found"))

    ask_slack(engine, settings, ANSWERABLE, until="reactions.remove",
              prepare=lambda api: api.fail_next("chat.postMessage", "channel_not_found"))

    page = samples(engine.metrics.exposition().decode())
    assert value(page, "partnerbot_errors_total", platform="telegram", kind="platform_api") == 1
    assert value(page, "partnerbot_errors_total", platform="slack", kind="platform_api") == 1
    # the engine itself answered both
    assert value(page, "partnerbot_questions_total", platform="telegram", kind="answer") == 1
    assert value(page, "partnerbot_questions_total", platform="slack", kind="answer") == 1


def test_reindexes_are_counted_by_outcome(tmp_path: Path, corpus_copy: Path) -> None:
    s = load_settings(env={}, corpus_dir=corpus_copy, index_dir=tmp_path / "index",
                      data_dir=tmp_path / "data")
    engine = Engine.open(s, embedders=[HashEmbedder()])
    engine.admin.reindex()
    shutil.rmtree(corpus_copy)
    with pytest.raises(Exception):  # noqa: B017 - whichever error a missing corpus raises
        engine.admin.reindex()
    page = samples(engine.metrics.exposition().decode())
    assert value(page, "partnerbot_reindexes_total", outcome="ok") == 1
    assert value(page, "partnerbot_reindexes_total", outcome="failed") == 1


def test_each_engine_counts_into_its_own_registry(engine: Engine, tmp_path: Path) -> None:
    other = Engine.open(dataclasses.replace(engine.settings, data_dir=tmp_path / "other"),
                        embedders=[HashEmbedder()])
    engine.answer(Question(ANSWERABLE, platform="slack"))
    mine = samples(engine.metrics.exposition().decode())
    theirs = samples(other.metrics.exposition().decode())
    assert value(mine, "partnerbot_questions_total", platform="slack", kind="answer") == 1
    assert value(theirs, "partnerbot_questions_total", platform="slack", kind="answer") == 0


def test_health_endpoint_is_off_at_port_0_and_a_taken_port_is_a_one_line_error(
    settings: Settings,
) -> None:
    with health_endpoint(dataclasses.replace(settings, metrics_port=0)) as server:
        assert server is None
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen(1)
        port = taken.getsockname()[1]
        busy = dataclasses.replace(settings, metrics_host="127.0.0.1", metrics_port=port)
        with pytest.raises(SettingsError, match="PARTNERBOT_METRICS_PORT"), \
                health_endpoint(busy):
            pass
