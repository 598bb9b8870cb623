"""Feedback store: round trip, durability across reopen, concurrent writers."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from partnerbot.bot.ops.feedback import Feedback, FeedbackStore


def fb(i: int, verdict: str = "up", platform: str = "slack") -> Feedback:
    return Feedback(platform=platform, user_id=f"U{i}", verdict=verdict,  # type: ignore[arg-type]
                    question=f"질문 {i}: who signed with iPark?", release_ids=("001", f"00{i % 5}"),
                    request_id=f"r{i}", created_at=1_700_000_000.0 + i)


def test_record_and_read_back_newest_first(tmp_path: Path) -> None:
    store = FeedbackStore(tmp_path / "fb.sqlite3")
    items = [fb(1), fb(2, "down", "telegram"), fb(3)]
    for item in items:
        store.record(item)
    assert store.all() == list(reversed(items))
    assert store.all(limit=2) == [items[2], items[1]]
    store.close()


def test_empty_store(tmp_path: Path) -> None:
    assert FeedbackStore(tmp_path / "a" / "b" / "fb.sqlite3").all() == []


def test_survives_reopen(tmp_path: Path) -> None:
    path = tmp_path / "fb.sqlite3"
    store = FeedbackStore(path)
    store.record(fb(1))
    store.close()
    again = FeedbackStore(path)
    again.record(fb(2, "down"))
    assert [f.user_id for f in again.all()] == ["U2", "U1"]
    again.close()


def test_bad_verdict_is_refused(tmp_path: Path) -> None:
    store = FeedbackStore(tmp_path / "fb.sqlite3")
    with pytest.raises(ValueError):
        store.record(fb(1, "meh"))
    assert store.all() == []


@pytest.mark.parametrize("shared", [True, False], ids=["one-store", "store-per-thread"])
def test_concurrent_writers(tmp_path: Path, shared: bool) -> None:
    path = tmp_path / "fb.sqlite3"
    common = FeedbackStore(path)
    threads_n, per_thread = 8, 25
    errors: list[BaseException] = []
    barrier = threading.Barrier(threads_n)

    def writer(t: int) -> None:
        store = common if shared else FeedbackStore(path)
        try:
            barrier.wait()
            for i in range(per_thread):
                store.record(fb(t * 1000 + i, "up" if i % 2 else "down"))
        except BaseException as exc:
            errors.append(exc)
        finally:
            if not shared:
                store.close()

    threads = [threading.Thread(target=writer, args=(t,)) for t in range(threads_n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert not errors, errors
    rows = FeedbackStore(path).all()
    assert len(rows) == threads_n * per_thread
    assert len({r.user_id for r in rows}) == threads_n * per_thread
