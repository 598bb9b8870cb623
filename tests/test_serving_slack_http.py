"""Slack's HTTP endpoint as an operator meets it: hostile and oversized requests over a real
socket get a 4xx, never a 500 or a traceback, and a body over the limit is refused from its
Content-Length before it is read."""

from __future__ import annotations

import concurrent.futures
import contextlib
import dataclasses
import hashlib
import hmac
import io
import json
import logging
import socket
import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest
from slack_sdk import WebClient

from partnerbot.adapters.slack.app import build_app
from partnerbot.adapters.slack.http_server import SlackEndpoint, SlackHTTPServer
from partnerbot.adapters.slack.serve import EVENTS_PATH, Limits, make_http_server
from partnerbot.bot.engine import Engine
from partnerbot.bot.ops.feedback import FeedbackStore
from partnerbot.bot.settings import Settings
from tests.fakes.slack_api import (
    FakeSlackAPI,
    TrackingExecutor,
    event_callback,
    message_event,
)

SECRET = "serving-secret"
LIMITS = Limits(max_body=1 << 20, idle_timeout=1)


@dataclasses.dataclass
class Served:
    port: int
    api: FakeSlackAPI
    listeners: TrackingExecutor


@pytest.fixture
def served(engine: Engine, settings: Settings) -> Iterator[Served]:
    cfg = dataclasses.replace(settings, slack_bot_token="xoxb-test",
                              slack_signing_secret=SECRET)
    store = FeedbackStore(cfg.feedback_db)
    listeners = TrackingExecutor()
    with FakeSlackAPI() as api:
        app = build_app(engine, cfg, client=WebClient(token="xoxb-test", base_url=api.url),
                        feedback=store, listener_executor=listeners)
        server = make_http_server(app, host="127.0.0.1", port=0, limits=LIMITS)
        thread = threading.Thread(target=server.serve_forever, args=(0.02,), daemon=True)
        thread.start()
        try:
            yield Served(server.server_port, api, listeners)
        finally:
            started = time.monotonic()
            server.shutdown()
            server.server_close()
            assert time.monotonic() - started < 3  # shutdown does not hang
            thread.join(3)
            assert not thread.is_alive()
            listeners.wait_idle()
            listeners.shutdown()
            store.close()


def exchange(port: int, head: bytes, body: bytes = b"", timeout: float = 5.0) -> bytes:
    """Send `head` (and `body`, from another thread, as a client streaming it would) and
    return what the server answers before it closes the connection."""
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as sock:
        sock.sendall(head)

        def send_body() -> None:
            # the server may answer and close first: a refused body goes unread
            with contextlib.suppress(OSError):
                sock.sendall(body)

        sender = threading.Thread(target=send_body, daemon=True)
        if body:
            sender.start()
        answer = b""
        try:
            while chunk := sock.recv(65536):
                answer += chunk
                if b"\r\n\r\n" in answer and _complete(answer):
                    break
        except ConnectionResetError:
            pass
        if body:
            sender.join(timeout)
        return answer


def _complete(answer: bytes) -> bool:
    head, _, body = answer.partition(b"\r\n\r\n")
    for line in head.split(b"\r\n"):
        if line.lower().startswith(b"content-length:"):
            return len(body) >= int(line.split(b":")[1])
    return False


def request(body: bytes, headers: dict[str, str], length: int | None = None) -> bytes:
    lines = [f"POST {EVENTS_PATH} HTTP/1.1", "Host: 127.0.0.1",
             f"Content-Length: {len(body) if length is None else length}"]
    lines += [f"{k}: {v}" for k, v in headers.items()]
    return ("\r\n".join(lines) + "\r\n\r\n").encode()


def status_of(answer: bytes) -> int:
    assert answer.startswith(b"HTTP/1.1 "), answer[:200]
    return int(answer.split(b" ", 2)[1])


def signed(body: bytes, content_type: str = "application/json") -> dict[str, str]:
    """Slack's signature over the bytes of `body` (`signed_headers` signs text)."""
    ts = str(int(time.time()))
    digest = hmac.new(SECRET.encode(), b"v0:" + ts.encode() + b":" + body,
                      hashlib.sha256).hexdigest()
    return {"Content-Type": content_type, "X-Slack-Request-Timestamp": ts,
            "X-Slack-Signature": f"v0={digest}"}


def no_traceback(caplog: pytest.LogCaptureFixture) -> None:
    assert not [r for r in caplog.records if r.exc_info or r.levelno >= logging.ERROR], \
        caplog.text
    assert "Traceback" not in caplog.text


MALFORMED = [
    pytest.param(b'{"type": "event_callback", "event": ', "application/json", id="cut-json"),
    pytest.param(b"[1, 2, 3]", "application/json", id="json-list"),
    pytest.param(b'{"authorizations": "x", "type": "event_callback"}', "application/json",
                 id="json-wrong-shape"),
    pytest.param(b"payload=%7Bnot-json", "application/x-www-form-urlencoded",
                 id="form-payload-not-json"),
]


@pytest.mark.parametrize(("body", "content_type"), MALFORMED)
def test_a_signed_malformed_body_gets_400_and_no_traceback(
        served: Served, caplog: pytest.LogCaptureFixture, body: bytes, content_type: str,
) -> None:
    caplog.set_level(logging.DEBUG)
    answer = exchange(served.port, request(body, signed(body, content_type)) + body)
    assert status_of(answer) == 400
    served.listeners.wait_idle()
    assert served.api.calls("chat.postMessage") == []
    no_traceback(caplog)
    assert "malformed request body" in caplog.text  # one warning line says what happened


def warnings_and_worse(caplog: pytest.LogCaptureFixture) -> list[logging.LogRecord]:
    return [r for r in caplog.records if r.levelno >= logging.WARNING]


def test_an_unsigned_request_with_a_timestamp_that_is_not_a_number_gets_401(
        served: Served, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    body = json.dumps(event_callback(message_event("hi", mention=True))).encode()
    headers = {"Content-Type": "application/json", "X-Slack-Request-Timestamp": "abc",
               "X-Slack-Signature": "v0=00"}
    answer = exchange(served.port, request(body, headers) + body)
    assert 400 <= status_of(answer) < 500
    no_traceback(caplog)
    assert len(warnings_and_worse(caplog)) <= 1, caplog.text


@pytest.mark.parametrize("event", ["a string", 7, ["list"], None])
def test_a_signed_body_whose_event_is_not_an_object_gets_no_500(
        served: Served, caplog: pytest.LogCaptureFixture, event: object) -> None:
    caplog.set_level(logging.DEBUG)
    body = json.dumps({"type": "event_callback", "team_id": "T1", "api_app_id": "A1",
                       "event": event, "event_id": "Ev1", "event_time": 1}).encode()
    answer = exchange(served.port, request(body, signed(body)) + body)
    assert 400 <= status_of(answer) < 500
    served.listeners.wait_idle()
    assert served.api.calls("chat.postMessage") == []
    no_traceback(caplog)
    assert len(warnings_and_worse(caplog)) <= 1, caplog.text


def test_a_signed_body_that_is_not_utf8_gets_400(served: Served,
                                                 caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    body = b'{"type": "event_callback", "x": "\xff\xfe"}'
    answer = exchange(served.port, request(body, signed(body)) + body)
    assert status_of(answer) == 400
    no_traceback(caplog)


def test_a_signed_8_mb_body_gets_413(served: Served, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    body = json.dumps(event_callback(message_event("x" * (8 << 20), mention=True))).encode()
    answer = exchange(served.port, request(body, signed(body)), body)
    assert status_of(answer) == 413
    size = len(body) / (1 << 20)
    assert f"body {size:.1f} MiB is over the 1 MiB limit".encode() in answer, answer  # one unit
    served.listeners.wait_idle()
    assert served.api.calls("chat.postMessage") == []
    no_traceback(caplog)


def test_an_unsigned_huge_content_length_is_refused_before_the_body_is_read(
        served: Served) -> None:
    # No body is ever sent: a server that waited to read it would time out the client.
    started = time.monotonic()
    answer = exchange(served.port, request(b"", {"Content-Type": "application/json"},
                                           length=50 << 30), timeout=5)
    assert status_of(answer) == 413
    assert b"body 51200.0 MiB is over the 1 MiB limit" in answer, answer
    assert time.monotonic() - started < 4


def test_a_body_within_the_limit_is_still_answered(served: Served) -> None:
    event = message_event("When did LINK-J sign the MOU with Kanagawa Prefecture?",
                          mention=True)
    body = json.dumps(event_callback(event)).encode()
    assert status_of(exchange(served.port, request(body, signed(body)) + body)) == 200
    (post,) = served.api.wait_for("chat.postMessage", timeout=30)
    assert post.body["thread_ts"] == event["ts"]


def test_an_idle_connection_is_closed(served: Served) -> None:
    with socket.create_connection(("127.0.0.1", served.port), timeout=10) as sock:
        sock.sendall(f"POST {EVENTS_PATH} HTTP/1.1\r\nHost: 127.0.0.1\r\n".encode())
        started = time.monotonic()
        assert sock.recv(1024) == b""  # closed by the server, headers never finished
        assert time.monotonic() - started < 8


def test_the_endpoint_checks_content_length_itself_under_any_wsgi_server(
        engine: Engine, settings: Settings) -> None:
    """`SlackEndpoint` refuses an oversized body on its own (behind a server without a
    limit), without touching `wsgi.input`."""

    class Unread(io.BytesIO):
        def read(self, *args: Any) -> bytes:
            raise AssertionError("the body was read")

    cfg = dataclasses.replace(settings, slack_bot_token="xoxb-test", slack_signing_secret=SECRET)
    with FakeSlackAPI() as api:
        endpoint = SlackEndpoint(build_app(engine, cfg, client=WebClient(
            token="xoxb-test", base_url=api.url)), max_body=1000)
        seen: list[str] = []
        environ = {"REQUEST_METHOD": "POST", "PATH_INFO": EVENTS_PATH,
                   "SERVER_PROTOCOL": "HTTP/1.1", "CONTENT_LENGTH": "1001",
                   "wsgi.input": Unread()}
        endpoint(environ, lambda status, headers: seen.append(status))  # type: ignore[arg-type]
        assert seen == ["413 Request Entity Too Large"]
        endpoint({**environ, "CONTENT_LENGTH": "12x"},
                 lambda status, headers: seen.append(status))  # type: ignore[arg-type]
        assert seen[-1] == "400 Bad Request"


def test_shutdown_lets_a_request_in_flight_finish() -> None:
    """SIGTERM's path: `shutdown()` while a request is being handled still answers it."""
    entered = threading.Event()

    def slow(environ: dict[str, Any], start_response: Any) -> list[bytes]:
        entered.set()
        time.sleep(0.5)
        start_response("200 OK", [("Content-Length", "4")])
        return [b"done"]

    server = SlackHTTPServer(slow, "127.0.0.1", 0, LIMITS)
    thread = threading.Thread(target=server.serve_forever, args=(0.02,), daemon=True)
    thread.start()
    answers: list[bytes] = []
    client = threading.Thread(target=lambda: answers.append(exchange(
        server.server_port, request(b"", {}))))
    client.start()
    assert entered.wait(5)
    server.shutdown()
    server.server_close()
    client.join(5)
    assert answers and status_of(answers[0]) == 200 and answers[0].endswith(b"done")
    with pytest.raises(OSError):  # and nothing listens any more
        socket.create_connection(("127.0.0.1", server.server_port), timeout=1).close()


def test_a_burst_of_mentions_logs_the_queue_depth_once(served: Served,
                                                       caplog: pytest.LogCaptureFixture) -> None:
    """40 mentions at once queue behind the server's 8 threads: waitress warned "Task queue
    depth is N" for each queued request (~40 lines for a burst of 20); now once."""
    caplog.set_level(logging.WARNING, logger="waitress.queue")
    bodies = [json.dumps(event_callback(message_event(f"What did LINK-J sign? {i}",
                                                      mention=True))).encode()
              for i in range(40)]
    barrier = threading.Barrier(len(bodies))

    def send(body: bytes) -> int:
        barrier.wait()
        return status_of(exchange(served.port, request(body, signed(body)) + body, timeout=30))

    with concurrent.futures.ThreadPoolExecutor(len(bodies)) as pool:
        statuses = list(pool.map(send, bodies))
    assert statuses == [200] * len(bodies)
    served.listeners.wait_idle()
    depth = [r for r in caplog.records if "Task queue depth" in r.getMessage()]
    assert len(depth) <= 1, [r.getMessage() for r in depth]
