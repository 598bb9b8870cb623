"""Contract tests for the rate limiter: any backend (the Redis one in test_stores_redis.py)
subclasses the contract and provides `make`. The update-id memory is a `Claims` store, tested
in test_claims.py."""

from __future__ import annotations

from collections.abc import Callable

from partnerbot.adapters.stores.ratelimit import RateLimiter, SlidingWindowLimiter


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


class RateLimiterContract:
    def make(self, limit: int, window: float, clock: Callable[[], float]) -> RateLimiter:
        raise NotImplementedError

    def test_allows_the_budget_then_refuses(self) -> None:
        limiter = self.make(3, 60.0, Clock())
        assert [limiter.allow("u1") for _ in range(4)] == [True, True, True, False]
        assert limiter.allow("u2")  # per user

    def test_window_slides(self) -> None:
        clock = Clock()
        limiter = self.make(2, 60.0, clock)
        assert limiter.allow("u")
        clock.now = 1030.0
        assert limiter.allow("u") and not limiter.allow("u")
        clock.now = 1060.0  # the first question left the window, the second has not
        assert limiter.allow("u") and not limiter.allow("u")
        clock.now = 1121.0
        assert limiter.allow("u") and limiter.allow("u")

    def test_refused_questions_do_not_use_up_the_budget(self) -> None:
        clock = Clock()
        limiter = self.make(1, 60.0, clock)
        assert limiter.allow("u")
        for _ in range(10):
            clock.now += 5
            assert not limiter.allow("u")
        clock.now = 1060.0
        assert limiter.allow("u")


class TestSlidingWindowLimiter(RateLimiterContract):
    def make(self, limit: int, window: float, clock: Callable[[], float]) -> RateLimiter:
        return SlidingWindowLimiter(limit, window, clock=clock)

    def test_zero_disables_and_memory_is_bounded(self) -> None:
        assert all(SlidingWindowLimiter(0).allow("u") for _ in range(100))
        limiter = SlidingWindowLimiter(1, max_keys=2)
        for user in ("a", "b", "c"):
            assert limiter.allow(user)
        assert limiter.allow("a")  # "a" was forgotten (least recently active)

