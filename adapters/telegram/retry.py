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

import httpx
from telegram.error import BadRequest, NetworkError, RetryAfter
from telegram.ext import BaseRateLimiter

log = logging.getLogger("partnerbot.telegram")

JSONResult = bool | dict[str, Any] | list[dict[str, Any]]

# Cosmetic calls: a retry would only delay the answer they decorate.
NOT_RETRIED = frozenset({"sendChatAction"})

# Failures after the whole request went out: Telegram may have acted on it, we cannot know.
MAYBE_DELIVERED = (httpx.ReadTimeout, httpx.ReadError, httpx.RemoteProtocolError)


class MaybeDelivered(NetworkError):
    """A message was sent, and the connection failed before Telegram answered: it may well
    have arrived. Not retried, and not followed by an apology either (see `RetryingRequests`)."""


def posts_something(endpoint: str) -> bool:
    """Does a repeat of this call post a second message? Edits, answers to button presses
    and settings just repeat themselves; sends, forwards and copies do not."""
    return endpoint.startswith(("send", "forward", "copy")) and endpoint != "sendChatAction"


def maybe_delivered(exc: NetworkError) -> bool:
    """Did the request reach Telegram before it failed? PTB keeps httpx's exception as the
    cause: a refused connection or a connect/pool timeout never sent anything, and an HTTP
    error status (500, 502) is Telegram saying it did not do it."""
    return isinstance(exc.__cause__, MAYBE_DELIVERED)


def retry_after_seconds(exc: RetryAfter) -> float:
    """`RetryAfter.retry_after` as seconds, int or timedelta (PTB is migrating between them and
    warns on access)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        value = exc.retry_after
    return value.total_seconds() if isinstance(value, dtm.timedelta) else float(value)


class RetryingRequests(BaseRateLimiter[None]):
    """Retry a failed request up to `attempts` times in all (about 15 s of back-off with the
    defaults: enough to ride out a restart of Telegram's front ends or of a local Bot API
    server).

    `RetryAfter`: wait what Telegram asks (a flood wait beyond `max_retry_after` is given up
    rather than holding a handler for minutes). Refused connections, connect timeouts and HTTP
    5xx: exponential back-off from `base_delay`; Telegram did not act on the request, so a
    repeat cannot duplicate anything. `BadRequest` (also a `NetworkError` in PTB) is our bug,
    not the network's, and is never retried.

    A request that went out whole and then failed (read timeout, connection dropped before
    the answer) may have been delivered. For calls that post a message (`sendMessage`, ...)
    it is not repeated: a reply is sent at most once, because a user seeing every answer twice
    after a network hiccup is worse than the rare answer lost when Telegram really did drop
    it (and the user can ask again). Edits and other calls that repeat harmlessly are retried.
    """

    def __init__(
        self,
        attempts: int = 6,
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
                if posts_something(endpoint) and maybe_delivered(exc):
                    raise MaybeDelivered(f"{endpoint}: {exc} after the request was sent; not "
                                         f"repeated, as it may have been delivered") from exc
                delay = min(self._max_delay, self._base_delay * 2 ** (attempt - 1))
                log.warning("telegram %s: %s, retrying in %.1fs", endpoint, exc, delay)
            await self._sleep(delay)
        raise AssertionError("unreachable")  # the last attempt returns or raises
