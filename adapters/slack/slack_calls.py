"""Web API calls that fail politely: a Slack error is logged, never raised into a handler.

A lost reaction or an unknown channel must not take down the listener thread, and the user
should get an answer whenever any call can still reach them. Rate limits (429), server errors
(5xx) and connection failures are retried inside `WebClient` by the handlers `with_retries`
installs, within a budget of about 15 seconds, without ever posting a message twice.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from http.client import RemoteDisconnected
from typing import Any
from urllib.error import URLError

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError
from slack_sdk.http_retry import BackoffRetryIntervalCalculator, RetryHandler, RetryState
from slack_sdk.http_retry.builtin_handlers import (
    ConnectionErrorRetryHandler,
    RateLimitErrorRetryHandler,
    ServerErrorRetryHandler,
)
from slack_sdk.http_retry.request import HttpRequest
from slack_sdk.http_retry.response import HttpResponse
from slack_sdk.web import SlackResponse
from slack_sdk.webhook import WebhookClient

log = logging.getLogger("partnerbot.slack")

# Methods whose repeat posts a second message (a reaction or an update repeats harmlessly).
POSTS = frozenset({"chat.postMessage", "chat.postEphemeral", "chat.scheduleMessage",
                   "chat.meMessage", "files.completeUploadExternal"})
SERVER_ERRORS = frozenset({500, 502, 503, 504})


def _method(request: HttpRequest) -> str:
    return request.url.split("?", 1)[0].rstrip("/").rsplit("/", 1)[-1]


class ConnectionRetry(RetryHandler):
    """Retry a call whose connection failed, unless it is a post that may have arrived.

    urllib raises `URLError` while connecting or sending (refused, unreachable, connect
    timeout): Slack never got the whole request, so any call is retried. Once the request is
    sent, a read timeout or a connection dropped before the answer leaves it unknown whether
    Slack posted the message. A post is then not repeated: a reply goes out at most once, as a
    duplicate answer in a channel is worse than the rare lost one (the user can ask again, and
    the bot's 👀 reaction going away without a reply shows something went wrong). Other calls
    (reactions, updates) are retried: repeating them changes nothing.
    """

    def __init__(self, *args: Any, every_call_posts: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._every_call_posts = every_call_posts  # a response_url: every call is a post

    def _can_retry(self, *, state: RetryState, request: HttpRequest,
                   response: HttpResponse | None = None, error: Exception | None = None) -> bool:
        if error is None or response is not None:
            return False
        if isinstance(error, URLError):
            return True
        if isinstance(error, RemoteDisconnected | ConnectionResetError | TimeoutError):
            if self._every_call_posts or _method(request) in POSTS:
                log.warning("Slack %s: %s after the request was sent; not repeated, as it may "
                            "have been delivered", _method(request), type(error).__name__)
                return False
            return True
        return False


class ServerErrorRetry(RetryHandler):
    """Retry on HTTP 500/502/503/504: Slack answered that it did not do the call."""

    def _can_retry(self, *, state: RetryState, request: HttpRequest,
                   response: HttpResponse | None = None, error: Exception | None = None) -> bool:
        return response is not None and response.status_code in SERVER_ERRORS


_REPLACED = (ConnectionErrorRetryHandler, RateLimitErrorRetryHandler, ServerErrorRetryHandler,
             ConnectionRetry, ServerErrorRetry)


def with_retries(client: WebClient, rate_limit_retries: int = 3, retries: int = 5,
                 backoff: float = 0.5) -> WebClient:
    """Make `client` retry on 429 (waiting Retry-After), 5xx and connection errors.

    Replaces slack_sdk's default connection handler, which would repeat a post whose answer
    was lost. The handlers share one attempt counter per call; `retries` attempts back off
    exponentially (`backoff` seconds doubling, plus up to 1 s of jitter): about 15-20 s in all
    before a call is given up.
    """
    pause = BackoffRetryIntervalCalculator(backoff_factor=backoff)
    client.retry_handlers = [h for h in client.retry_handlers if not isinstance(h, _REPLACED)]
    client.retry_handlers += [RateLimitErrorRetryHandler(max_retry_count=rate_limit_retries),
                              ServerErrorRetry(max_retry_count=retries, interval_calculator=pause),
                              ConnectionRetry(max_retry_count=retries, interval_calculator=pause)]
    return client


def response_url_client(url: str, proxy: str | None = None, ssl: Any = None,
                        retries: int = 5, backoff: float = 0.5) -> WebhookClient:
    """A client for a slash command's `response_url`, with the retries of `with_retries`.

    bolt's `respond` uses slack_sdk's default connection handler, which repeats a post whose
    answer was lost; every call to a response_url posts a message, so none is repeated once
    it may have arrived.
    """
    pause = BackoffRetryIntervalCalculator(backoff_factor=backoff)
    return WebhookClient(url=url, proxy=proxy, ssl=ssl, retry_handlers=[
        RateLimitErrorRetryHandler(max_retry_count=3),
        ServerErrorRetry(max_retry_count=retries, interval_calculator=pause),
        ConnectionRetry(max_retry_count=retries, interval_calculator=pause,
                        every_call_posts=True)])


def call_slack(method: Callable[..., SlackResponse], **kwargs: Any) -> SlackResponse | None:
    """Call a `WebClient` method; None (and a log line) when Slack says no or is unreachable."""
    name = getattr(method, "__name__", "slack call")
    try:
        return method(**kwargs)
    except SlackApiError as exc:
        error = exc.response.get("error") if exc.response is not None else None
        status = exc.response.status_code if exc.response is not None else None
        log.warning("Slack %s failed: %s (HTTP %s)", name, error, status)
    except (SlackClientError, OSError) as exc:
        log.warning("Slack %s failed: %s: %s", name, type(exc).__name__, exc)
    return None
