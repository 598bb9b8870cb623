"""Prometheus metrics for one engine: what was asked, how it went, how long it took.

Each `Metrics` has a registry of its own rather than prometheus_client's global one, so two
engines in one process (tests, a benchmark beside a bot) never count into each other. Index
figures are read from the engine when scraped, so they cannot drift from what is served.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Literal

from prometheus_client import (
    CONTENT_TYPE_PLAIN_0_0_4,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
)
from prometheus_client.core import GaugeMetricFamily, InfoMetricFamily, Metric
from prometheus_client.registry import Collector

from partnerbot.bot.types import IndexStatus

CONTENT_TYPE = CONTENT_TYPE_PLAIN_0_0_4  # what generate_latest writes

# Help and refusals take ~0 ms; a cited answer ~10-100 ms; a cold model or a huge index seconds.
LATENCY_BUCKETS = (0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)

ErrorKind = Literal["engine", "platform_api", "handler"]


class _IndexCollector(Collector):
    """The served index's version and size, asked from the engine at scrape time."""

    def __init__(self, status: Callable[[], IndexStatus]) -> None:
        self._status = status

    def collect(self) -> Iterable[Metric]:
        status = self._status()
        info = InfoMetricFamily("partnerbot_index", "The index version being served.")
        info.add_metric([], {"version": status.version})
        yield info
        yield GaugeMetricFamily("partnerbot_index_releases", "Releases in the served index.",
                                value=status.releases)
        yield GaugeMetricFamily("partnerbot_index_passages", "Passages in the served index.",
                                value=status.passages)


class Metrics:
    """Counters and the latency histogram; thread-safe, as prometheus_client's metrics are."""

    def __init__(self, index_status: Callable[[], IndexStatus] | None = None) -> None:
        self.registry = CollectorRegistry(auto_describe=True)
        self.questions = Counter(
            "partnerbot_questions", "Questions answered, by platform and kind of answer.",
            ["platform", "kind"], registry=self.registry)
        self.abstentions = Counter(
            "partnerbot_abstentions", "Questions the releases did not answer.",
            ["platform"], registry=self.registry)
        self.latency = Histogram(
            "partnerbot_answer_seconds", "Time from question to answer inside the engine.",
            ["platform"], buckets=LATENCY_BUCKETS, registry=self.registry)
        self.errors = Counter(
            "partnerbot_errors", "Failures: engine, platform API calls, unhandled handler errors.",
            ["platform", "kind"], registry=self.registry)
        self.reindexes = Counter(
            "partnerbot_reindexes", "Reindex runs, by outcome.", ["outcome"],
            registry=self.registry)
        self.llm = Counter(
            "partnerbot_llm", "Calls to the configured language model, by task (compose, "
            "translate) and outcome (used, or why its text was refused or missing).",
            ["task", "outcome"], registry=self.registry)
        if index_status is not None:
            self.registry.register(_IndexCollector(index_status))

    def answered(self, platform: str, kind: str, seconds: float) -> None:
        """One question through the engine; an `error` answer also counts as an engine error."""
        self.questions.labels(platform, kind).inc()
        self.latency.labels(platform).observe(seconds)
        if kind == "abstain":
            self.abstentions.labels(platform).inc()
        elif kind == "error":
            self.error(platform, "engine")

    def error(self, platform: str, kind: ErrorKind) -> None:
        self.errors.labels(platform, kind).inc()

    def llm_call(self, task: str, outcome: str) -> None:
        """One call to the language model: `outcome` is "used" or the reason it was not."""
        self.llm.labels(task, outcome).inc()

    def reindexed(self, ok: bool) -> None:
        self.reindexes.labels("ok" if ok else "failed").inc()

    def exposition(self) -> bytes:
        """The Prometheus text format, for `/metrics`."""
        return generate_latest(self.registry)
