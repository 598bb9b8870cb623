"""The key store behind delivery dedupe and remembered threads."""

from __future__ import annotations

import threading

from partnerbot.adapters.slack.dedupe import KeyStore, MemoryKeyStore


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_claim_once_then_forget_after_ttl() -> None:
    clock = Clock()
    keys: KeyStore = MemoryKeyStore(ttl=60, clock=clock)
    assert keys.claim("event:Ev1")
    assert not keys.claim("event:Ev1")
    assert "event:Ev1" in keys
    clock.now = 61
    assert "event:Ev1" not in keys
    assert keys.claim("event:Ev1")


def test_bounded_size_drops_oldest() -> None:
    keys = MemoryKeyStore(ttl=60, max_keys=3, clock=Clock())
    for k in "abcd":
        assert keys.claim(k)
    assert len(keys) == 3
    assert "a" not in keys and "d" in keys


def test_only_one_thread_wins_a_claim() -> None:
    keys = MemoryKeyStore()
    wins: list[bool] = []
    barrier = threading.Barrier(8)

    def claim() -> None:
        barrier.wait()
        wins.append(keys.claim("msg:C1:1.0"))

    threads = [threading.Thread(target=claim) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(5)
    assert sorted(wins) == [False] * 7 + [True]
