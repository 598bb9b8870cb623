"""State that must survive a crash: feedback written by a process killed with SIGKILL.

A child process records feedback in a loop and reports each commit; the test kills it with
kill -9 mid-stream and reopens the database as the restarted bot would.
"""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import threading
from pathlib import Path

from partnerbot.bot.ops.feedback import Feedback, FeedbackStore

ROOT = Path(__file__).resolve().parents[1]

WRITER = """
import sys
from pathlib import Path
from partnerbot.bot.ops.feedback import Feedback, FeedbackStore

store = FeedbackStore(Path(sys.argv[1]))
i = 0
while True:
    store.record(Feedback(platform="slack", user_id=f"U{i}", verdict="up",
                          question="긴 질문 " * 50, release_ids=("001", "002")))
    print(i, flush=True)  # committed: record() has returned
    i += 1
"""


def test_feedback_committed_before_a_kill_9_is_all_there(tmp_path: Path) -> None:
    path = tmp_path / "feedback.sqlite3"
    FeedbackStore(path).record(Feedback(platform="telegram", user_id="before", verdict="down",
                                        question="q", release_ids=()))
    child = subprocess.Popen([sys.executable, "-c", WRITER, str(path)], cwd=ROOT,
                             env={**os.environ, "PYTHONPATH": str(ROOT)},
                             stdout=subprocess.PIPE, text=True)
    committed = -1
    enough = threading.Event()

    def read() -> None:
        nonlocal committed
        assert child.stdout is not None
        for line in child.stdout:
            committed = int(line)
            if committed >= 300:
                enough.set()

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    try:
        assert enough.wait(60), "the writer never got going"
        os.kill(child.pid, signal.SIGKILL)  # while it is writing the next rows
        assert child.wait(10) == -signal.SIGKILL
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()
    reader.join(5)

    with sqlite3.connect(path) as raw:
        assert raw.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    store = FeedbackStore(path)  # what the restarted bot does
    users = [f.user_id for f in store.all()]
    written = {f"U{i}" for i in range(committed + 1)}
    assert written <= set(users), "a committed row was lost"
    assert len(users) - 1 - len(written) <= 1  # at most the write in progress got in besides
    assert users[-1] == "before"
    store.record(Feedback(platform="slack", user_id="after", verdict="up", question="q",
                          release_ids=()))
    assert store.all(limit=1)[0].user_id == "after"
    store.close()
