"""Retry every Bot API call on flood control (`RetryAfter`) and transient network errors.

Plugged in as PTB's `rate_limiter`, the one hook every request of `ExtBot` passes through
(except `getUpdates`, which the updater already retries), so sends, edits and callback answers
all get the same policy without wrappers at each call site.
"""

from __future__ import annotations

import asyncio
import datetime as dtm
import logging
import warnings
from collections.abc import Awaitable, Callable, Coroutine
from typing import Any

from telegram.error import BadRequest, NetworkError, RetryAfter
from telegram.ext import BaseRateLimiter

log = logging.getLogger("partnerbot.telegram")

JSONResult = bool | dict[str, Any] | list[dict[str, Any]]

# Cosmetic calls: a retry would only delay the answer they decorate.
NOT_RETRIED = frozenset({"sendChatAction"})


def retry_after_seconds(exc: RetryAfter) -> float:
    """`RetryAfter.retry_after` as seconds, int or timedelta (PTB is migrating between them and
    warns on access)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        value = exc.retry_after
    return value.total_seconds() if isinstance(value, dtm.timedelta) else float(value)


class RetryingRequests(BaseRateLimiter[None]):
    """Retry a failed request up to `attempts` times in all.

    `RetryAfter`: wait what Telegram asks (a flood wait beyond `max_retry_after` is given up
    rather than holding a handler for minutes). Network errors and timeouts: exponential
    back-off from `base_delay`. A timed-out send may in fact have been delivered, so a retry can
    rarely duplicate a message; losing an answer silently would be worse. `BadRequest` (also a
    `NetworkError` in PTB) is our bug, not the network's, and is never retried.
    """

    def __init__(
        self,
        attempts: int = 5,
        base_delay: float = 0.5,
        max_delay: float = 30.0,
        max_retry_after: float = 60.0,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self._attempts = attempts
        self._base_delay = base_delay
        self._max_delay = max_delay
        self._max_retry_after = max_retry_after
        self._sleep = sleep

    async def initialize(self) -> None:
        """Nothing to set up: the policy holds no connections."""

    async def shutdown(self) -> None:
        """Nothing to release."""

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, JSONResult]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: None,
    ) -> JSONResult:
        if endpoint in NOT_RETRIED:
            return await callback(*args, **kwargs)
        for attempt in range(1, self._attempts + 1):
            try:
                return await callback(*args, **kwargs)
            except RetryAfter as exc:
                delay = retry_after_seconds(exc)
                if attempt == self._attempts or delay > self._max_retry_after:
                    raise
                log.warning("telegram %s: flood control, retrying in %.1fs", endpoint, delay)
            except BadRequest:
                raise
            except NetworkError as exc:
                if attempt == self._attempts:
                    raise
                delay = min(self._max_delay, self._base_delay * 2 ** (attempt - 1))
                log.warning("telegram %s: %s, retrying in %.1fs", endpoint, exc, delay)
            await self._sleep(delay)
        raise AssertionError("unreachable")  # the last attempt returns or raises
