"""Load: bounded bursts of questions through the real Slack and Telegram adapters, with an
admin reindex completing in the middle.

    python -m benchmarks.load [--questions 200] [--senders 20] [--adapters slack,telegram]

Each sender is a user of its own who asks, waits for the reply (or `timeout_s`), and asks
again: closed-loop load, `senders` questions in flight at most. Latency is from sending the
event (POST to /slack/events; the update queued for getUpdates) to the reply reaching the
fake platform API. When the `reindex_at`-th question goes out, an admin sends the reindex
command; the corpus on disk was changed just before (see `benchmarks/load_corpus.py`). The
last `hold_tail` questions are only sent once the reindex has reported back, so some
questions are always answered by the new index; the time senders spent waiting there is
reported (`held s`) and counts in the wall time.

Every reply is checked: lost (none within the timeout), duplicated (more than one), an
apology (the engine's error or rate-limit text), and which index version its citations come
from: old, new, either (cites releases both hold), or mixed (never acceptable). A reply's
version must also agree with the moment the served version changed (polled from
`engine.admin.status()`): an old answer to a question sent after the swap, or a new answer that
arrived before it, is counted as out of order.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Protocol

from benchmarks.load_adapters import (
    SIGNING_SECRET,
    SLACK_ADMIN,
    TELEGRAM_ADMIN,
    Mailbox,
    ReindexClock,
    SlackTarget,
    TelegramTarget,
)
from benchmarks.load_corpus import VARIANT_QUESTIONS, Versions, write_new, write_old
from benchmarks.measure import (
    QA_FILE,
    Stopwatch,
    load_questions,
    machine,
    missing_questions,
    percentile,
)
from benchmarks.table import fmt, render
from partnerbot.bot.engine import Engine
from partnerbot.bot.messages import message
from partnerbot.bot.settings import BUNDLED_CORPUS, load_settings
from partnerbot.bot.types import Question
from partnerbot.retrieval.embedders import Embedder, make_embedder
from partnerbot.retrieval.index import build_index
from tests.fakes.telegram_api import TOKEN as TELEGRAM_TOKEN

ADAPTERS = ("slack", "telegram")
SWAP_POLL_S = 0.01
BUILTIN_QUESTIONS = (
    "When did LINK-J sign an MOU with Kanagawa Prefecture?",
    "What did the Ministry of SMEs and Startups agree with Shonan iPark?",
    "LINK-J는 메디센 파리 리전과 어떤 협약을 맺었나요?",
    "How many tenant companies does Shonan iPark have?",
    "湘南アイパークとの協力内容は何ですか？",
    "Who signed the MOU with Medicen Paris Region?",
)


@dataclass
class LoadConfig:
    questions: int = 200
    senders: int = 20
    adapters: tuple[str, ...] = ADAPTERS
    reindex_at: int = 20  # the admin reindex starts when this question is sent
    hold_tail: int = 20  # the last questions wait for the reindex to report back
    timeout_s: float = 60.0  # a reply not seen by then is lost
    corpus: Path = BUNDLED_CORPUS
    qa: Path = QA_FILE


class Target(Protocol):
    name: str
    clock: ReindexClock

    def send(self, sender: int, text: str) -> str: ...

    def start_reindex(self) -> None: ...

    def close(self) -> None: ...


@dataclass
class _Sent:
    key: str
    question: str
    at: float


@dataclass
class _SwapWatch:
    """Polls the engine's served version: when did it change, and to what."""

    engine: Engine
    first: str = ""
    swaps: list[tuple[float, str]] = field(default_factory=list)
    _stop: threading.Event = field(default_factory=threading.Event)

    def __post_init__(self) -> None:
        self.first = self.engine.admin.status().version
        self._thread = threading.Thread(target=self._run, daemon=True, name="load-swap-watch")
        self._thread.start()

    def _run(self) -> None:
        last = self.first
        while not self._stop.wait(SWAP_POLL_S):
            version = self.engine.admin.status().version
            if version != last:
                self.swaps.append((time.monotonic(), version))
                last = version

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(5)


def questions_for(cfg: LoadConfig) -> list[str]:
    """The eval questions (or built-in ones), every fifth one replaced by a question whose
    answer differs between the two versions; repeated to `cfg.questions`."""
    base = load_questions(cfg.qa) if cfg.qa.is_file() else list(BUILTIN_QUESTIONS)
    out: list[str] = []
    i = 0
    while len(out) < cfg.questions:
        if len(out) % 5 == 4:
            out.append(VARIANT_QUESTIONS[(len(out) // 5) % len(VARIANT_QUESTIONS)])
        else:
            out.append(base[i % len(base)])
            i += 1
    return out


def _apologies() -> list[str]:
    return [message(key, lang) for key in ("error", "rate_limited") for lang in ("en", "ko", "ja")]


def drive(target: Target, questions: Sequence[str], cfg: LoadConfig, mailbox: Mailbox,
          on_reindex: Callable[[], None]) -> dict[str, Any]:
    """Send every question from `cfg.senders` closed-loop senders; returns what was sent and
    when, the senders' wall time and the time spent held behind the reindex."""
    sent: list[_Sent | None] = [None] * len(questions)
    errors: list[str] = []
    lock = threading.Lock()
    next_q = iter(range(len(questions)))
    held = [0.0]
    tail_from = len(questions) - cfg.hold_tail

    def sender(s: int) -> None:
        while True:
            with lock:
                i = next(next_q, None)
            if i is None:
                return
            if i == cfg.reindex_at:
                on_reindex()
                target.start_reindex()
            if i >= tail_from and cfg.hold_tail:
                with Stopwatch() as sw:
                    target.clock.finished.wait(cfg.timeout_s * 4)
                with lock:
                    held[0] = max(held[0], sw.seconds)
            try:
                key = target.send(s, questions[i])
            except Exception as exc:  # the adapter refused the event: an error, not a crash
                with lock:
                    errors.append(f"send: {type(exc).__name__}: {exc}")
                continue
            sent[i] = _Sent(key, questions[i], time.monotonic())
            mailbox.wait(key, cfg.timeout_s)

    threads = [threading.Thread(target=sender, args=(s,), name=f"load-sender-{s}")
               for s in range(cfg.senders)]
    with Stopwatch() as wall:
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    return {"sent": [x for x in sent if x is not None], "send_errors": errors,
            "wall_s": wall.seconds, "held_s": held[0]}


def tally(sent: Sequence[_Sent], mailbox: Mailbox, versions: Versions,
          swap_at: float | None) -> dict[str, Any]:
    """Lost, duplicated, apologies, latency percentiles and versions of the replies."""
    apologies = _apologies()
    latencies: list[float] = []
    kinds: Counter[str] = Counter()
    lost = duplicated = apologised = out_of_order = 0
    first_sent = min((s.at for s in sent), default=0.0)
    last_reply = first_sent
    for s in sent:
        replies = mailbox.get(s.key)
        if not replies:
            lost += 1
            continue
        if len(replies) > 1:
            duplicated += 1
        reply = replies[0]
        latencies.append((reply.at - s.at) * 1000)
        last_reply = max(last_reply, reply.at)
        if any(a in reply.text for a in apologies):
            apologised += 1
        kind = versions.classify("\n".join(r.text for r in replies))
        kinds[kind] += 1
        if _out_of_order(kind, s.at, reply.at, swap_at):
            out_of_order += 1
    answered = len(latencies)
    span = last_reply - first_sent
    return {
        "sent": len(sent), "answered": answered, "lost": lost, "duplicated": duplicated,
        "apologies": apologised, "answers_per_s": answered / span if span > 0 else float("nan"),
        "p50_ms": percentile(latencies, 50), "p95_ms": percentile(latencies, 95),
        "p99_ms": percentile(latencies, 99), "max_ms": max(latencies, default=float("nan")),
        "versions": {k: kinds.get(k, 0) for k in ("old", "new", "either", "mixed")},
        "out_of_order": out_of_order,
    }


def _out_of_order(kind: str, sent_at: float, reply_at: float, swap_at: float | None) -> bool:
    """An old answer to a question sent after the swap was seen, or a new one received
    before it (allowing for the polling interval), or a new one without any swap."""
    if swap_at is None:
        return kind == "new"
    if kind == "old":
        return sent_at > swap_at
    return kind == "new" and reply_at < swap_at - SWAP_POLL_S * 2


def run_adapter(name: str, cfg: LoadConfig, work: Path, prepared: Path, versions: Versions,
                embedders: Sequence[Embedder]) -> dict[str, Any]:
    """One burst through one adapter, on a fresh copy of the prepared old index."""
    root = work / name
    if root.exists():
        shutil.rmtree(root)
    corpus = root / "corpus"
    write_old(cfg.corpus, corpus)
    shutil.copytree(prepared, root / "index")
    settings = load_settings(
        env={}, corpus_dir=corpus, index_dir=root / "index", data_dir=root / "data",
        slack_bot_token="xoxb-load-benchmark", slack_signing_secret=SIGNING_SECRET,
        slack_admins=[SLACK_ADMIN], telegram_bot_token=TELEGRAM_TOKEN,
        telegram_admins=[str(TELEGRAM_ADMIN)], telegram_rate_limit=10 * cfg.questions)
    engine = Engine.open(settings, embedders=list(embedders))
    questions = questions_for(cfg)
    for warm in questions[:3]:  # first-call costs (lazy loads) out of the figures
        engine.answer(Question(text=warm))
    mailbox = Mailbox()
    target: Target = (SlackTarget(engine, settings, mailbox) if name == "slack"
                      else TelegramTarget(engine, settings, mailbox))
    watch = _SwapWatch(engine)
    try:
        run = drive(target, questions, cfg, mailbox, on_reindex=lambda: write_new(corpus))
        time.sleep(0.5)  # late duplicates would arrive now
    finally:
        target.close()
        watch.stop()
    clock = target.clock
    swap_at = watch.swaps[0][0] if watch.swaps else None
    result = tally(run["sent"], mailbox, versions, swap_at)
    result.update({
        "adapter": name, "senders": cfg.senders, "wall_s": run["wall_s"],
        "held_s": run["held_s"], "send_errors": run["send_errors"],
        "errors": len(run["send_errors"]) + result["apologies"],
        "reindex_s": (clock.done - clock.sent) if clock.done and clock.sent else None,
        "reindex_failed": clock.failed,
        "reindex_done": clock.done is not None and clock.failed is None,
        "version_before": watch.first,
        "version_after": engine.admin.status().version,
        "swaps": len(watch.swaps),
    })
    return result


def run_load(cfg: LoadConfig, work: Path, embedders: Sequence[Embedder] | None = None,
             log: Callable[[str], None] = print) -> dict[str, Any]:
    """Prepare the old index once (its embedding cache is copied into each run, so only
    the reindex's new releases are embedded), then one burst per adapter."""
    embs = list(embedders) if embedders is not None else [
        make_embedder(n) for n in load_settings(env={}).embedders]
    results: dict[str, Any] = {"machine_start": machine(), "embedders": [e.name for e in embs],
                               "config": {**asdict(cfg), "corpus": str(cfg.corpus),
                                          "qa": str(cfg.qa) if cfg.qa.is_file() else None}}
    reason = missing_questions(cfg.qa)
    if reason:
        log(f"load: {reason}; asking the built-in questions instead")
    corpus = work / "prepared-corpus"
    versions = write_old(cfg.corpus, corpus)
    prepared = work / "prepared-index"
    log("load: building the old index ...")
    with Stopwatch() as sw:
        build_index(corpus, prepared, embs)
    results["prepare_s"] = sw.seconds
    results["runs"] = []
    for name in cfg.adapters:
        log(f"load: {cfg.questions} questions from {cfg.senders} senders through {name} ...")
        results["runs"].append(run_adapter(name, cfg, work, prepared, versions, embs))
    results["machine_end"] = machine()
    return results


def report(results: dict[str, Any]) -> str:
    """The load table, in the style of the other sections."""
    runs = results["runs"]
    if not runs:
        return ""
    cfg = results["config"]
    rows = []
    for r in runs:
        v = r["versions"]
        rows.append([r["adapter"], fmt(r["sent"]), fmt(r["senders"]), fmt(r["wall_s"]),
                     fmt(r["answers_per_s"]), fmt(r["p50_ms"], 0), fmt(r["p95_ms"], 0),
                     fmt(r["p99_ms"], 0), fmt(r["errors"]), fmt(r["lost"]),
                     fmt(r["duplicated"]), f"{v['old']}/{v['new']}/{v['either']}",
                     fmt(v["mixed"]), fmt(r["out_of_order"]),
                     fmt(r["reindex_s"]) if r["reindex_done"] else "FAILED",
                     fmt(r["held_s"])])
    source = "eval questions" if cfg.get("qa") else "built-in questions"
    return "\n".join([
        f"6. Load: {cfg['questions']} questions ({source}, every 5th one version-specific) "
        f"from {cfg['senders']} closed-loop senders per adapter, real adapters against the "
        f"fake platform APIs, embedders {', '.join(results['embedders'])}; admin reindex "
        f"(bundled corpus + 1 release -> + 2 others, - that one) sent with question "
        f"{cfg['reindex_at'] + 1}, last {cfg['hold_tail']} held until it reported back",
        render(["adapter", "questions", "senders", "wall s", "answers/s", "p50 ms", "p95 ms",
                "p99 ms", "errors", "lost", "dup", "old/new/either", "mixed",
                "out of order", "reindex s", "held s"], rows),
        "(latency: event sent -> reply received by the fake API; errors: refused sends + "
        "apology replies; reindex s: admin command sent -> its report received)",
    ]) + "\n"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.load", description=__doc__.split("\n\n")[0],
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog="examples:\n  python -m benchmarks.load\n"
               "  python -m benchmarks.load --questions 40 --senders 8 --adapters slack")
    parser.add_argument("--questions", type=int, default=LoadConfig.questions)
    parser.add_argument("--senders", type=int, default=LoadConfig.senders)
    parser.add_argument("--adapters", default=",".join(ADAPTERS),
                        help="comma-separated: slack, telegram")
    parser.add_argument("--json", type=Path, metavar="FILE", help="also write all figures")
    args = parser.parse_args(argv)
    cfg = config_for(args.questions, args.senders,
                     tuple(a.strip() for a in args.adapters.split(",") if a.strip()))
    log = lambda text: print(text, file=sys.stderr, flush=True)  # noqa: E731
    with tempfile.TemporaryDirectory(prefix="partnerbot-load-") as tmp:
        results = run_load(cfg, Path(tmp), log=log)
    m0, m1 = results["machine_start"], results["machine_end"]
    print(f"partnerbot load benchmark, {m0['date']}: {m0['nproc']} cpus ({m0['cpu']}), "
          f"load average {' '.join(map(str, m0['loadavg']))} at start, "
          f"{' '.join(map(str, m1['loadavg']))} at end\n")
    print(report(results), end="")
    if args.json:
        args.json.write_text(json.dumps(results, indent=1, ensure_ascii=False, default=str)
                             + "\n", encoding="utf-8")
    return 0


def config_for(questions: int, senders: int, adapters: tuple[str, ...] = ADAPTERS,
               **extra: Any) -> LoadConfig:
    """Reindex after the first 10% of the questions, hold back the last 10%."""
    unknown = set(adapters) - set(ADAPTERS)
    if unknown:
        raise SystemExit(f"unknown adapter(s) {', '.join(sorted(unknown))}: choose from "
                         f"{', '.join(ADAPTERS)}")
    tenth = max(1, questions // 10)
    return LoadConfig(questions=questions, senders=senders, adapters=adapters,
                      reindex_at=tenth, hold_tail=tenth, **extra)


if __name__ == "__main__":
    raise SystemExit(main())
