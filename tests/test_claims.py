"""Claims (SET NX with a TTL), behind Slack's event de-duplication and remembered threads and
Telegram's update de-duplication: one contract that every backend passes (the Redis one in
tests/test_stores_redis.py), and the memory backend's own bounds."""

from __future__ import annotations

import threading

from partnerbot.adapters.stores.claims import Claims, MemoryClaims


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


class ClaimsContract:
    """Subclass with `make(ttl)` and `let_expire(ttl)` (time passing beyond `ttl`)."""

    def make(self, ttl: float) -> Claims:
        raise NotImplementedError

    def let_expire(self, ttl: float) -> None:
        raise NotImplementedError

    def test_a_key_is_claimed_once_and_then_contained(self) -> None:
        claims = self.make(60)
        assert "event:Ev1" not in claims
        assert claims.claim("event:Ev1")
        assert not claims.claim("event:Ev1")
        assert "event:Ev1" in claims
        assert claims.claim("event:Ev2") and "event:Ev3" not in claims

    def test_second_delivery_is_refused(self) -> None:  # Telegram update ids
        dedupe = self.make(24 * 3600)
        assert dedupe.claim("10") and dedupe.claim("11")
        assert not dedupe.claim("10") and not dedupe.claim("11")

    def test_a_claim_is_forgotten_after_its_ttl(self) -> None:
        claims = self.make(0.3)
        assert claims.claim("C1:1.0") and not claims.claim("C1:1.0")
        self.let_expire(0.3)
        assert "C1:1.0" not in claims
        assert claims.claim("C1:1.0")

    def test_only_one_of_many_threads_wins_a_key(self) -> None:
        claims = self.make(60)
        wins: list[bool] = []
        lock = threading.Lock()
        barrier = threading.Barrier(12)

        def claim() -> None:
            barrier.wait()
            won = claims.claim("msg:C1:1.0")
            with lock:
                wins.append(won)

        threads = [threading.Thread(target=claim) for _ in range(12)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(10)
        assert sorted(wins) == [False] * 11 + [True]


class TestMemoryClaims(ClaimsContract):
    def make(self, ttl: float) -> Claims:
        self.clock = Clock()
        return MemoryClaims(ttl=ttl, clock=self.clock)

    def let_expire(self, ttl: float) -> None:
        self.clock.now += ttl + 0.001

    def test_memory_is_bounded(self) -> None:  # Telegram update ids: the last few thousand
        dedupe = MemoryClaims(ttl=24 * 3600, max_keys=2)
        assert all(dedupe.claim(str(i)) for i in (1, 2, 3))
        assert dedupe.claim("1") and not dedupe.claim("3")


def test_claim_once_then_forget_after_ttl() -> None:
    clock = Clock()
    keys: Claims = MemoryClaims(ttl=60, clock=clock)
    assert keys.claim("event:Ev1")
    assert not keys.claim("event:Ev1")
    assert "event:Ev1" in keys
    clock.now = 61
    assert "event:Ev1" not in keys
    assert keys.claim("event:Ev1")


def test_bounded_size_drops_oldest() -> None:
    keys = MemoryClaims(ttl=60, max_keys=3, clock=Clock())
    for k in "abcd":
        assert keys.claim(k)
    assert len(keys) == 3
    assert "a" not in keys and "d" in keys


def test_only_one_thread_wins_a_claim() -> None:
    keys = MemoryClaims()
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
