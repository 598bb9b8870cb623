"""Web API calls that fail politely: a Slack error is logged, never raised into a handler.

A lost reaction or an unknown channel must not take down the listener thread, and the user
should get an answer whenever any call can still reach them. Rate limits (429) and dropped
connections are retried inside `WebClient` by the handlers `with_retries` installs.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError
from slack_sdk.http_retry.builtin_handlers import (
    ConnectionErrorRetryHandler,
    RateLimitErrorRetryHandler,
)
from slack_sdk.web import SlackResponse

log = logging.getLogger("partnerbot.slack")


def with_retries(client: WebClient, rate_limit_retries: int = 2,
                 connection_retries: int = 2) -> WebClient:
    """Make `client` retry on 429 (waiting Retry-After) and on connection errors."""
    kinds = {type(h) for h in client.retry_handlers}
    if RateLimitErrorRetryHandler not in kinds:
        client.retry_handlers.append(RateLimitErrorRetryHandler(max_retry_count=rate_limit_retries))
    if ConnectionErrorRetryHandler not in kinds:
        client.retry_handlers.append(
            ConnectionErrorRetryHandler(max_retry_count=connection_retries))
    return client


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
