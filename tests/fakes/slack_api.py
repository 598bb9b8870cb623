"""A fake Slack, on 127.0.0.1, for tests that drive the real slack-bolt App.

`FakeSlackAPI` answers the Web API methods the bot calls (and `response_url` posts), records
every call with its parsed body, and can be told to fail the next calls of a method: a 429
with Retry-After, an `{"ok": false, "error": ...}` answer, an HTTP error status, a dropped
connection or a slow answer; `down()`/`up()` refuse connections for a while. `FakeSocketMode` is a local
WebSocket endpoint that `apps.connections.open` points the Socket Mode client at, so Socket
Mode runs over a real socket too. `signed_headers` signs a request body the way Slack does.

Nothing here knows about partnerbot: it is Slack's side of the conversation.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import hmac
import itertools
import json
import threading
import time
import uuid
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl

BOT_USER_ID = "UBOT0001"
BOT_ID = "BBOT0001"
TEAM_ID = "T0000001"


def wait_until(predicate: Callable[[], Any], timeout: float = 5.0, interval: float = 0.01,
               message: str = "condition") -> Any:
    """Poll `predicate` until it returns something truthy; fail the test after `timeout`."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout}s waiting for {message}")
        time.sleep(interval)


def signed_headers(secret: str, body: str, timestamp: int | None = None,
                   content_type: str = "application/json", retry_num: int | None = None,
                   ) -> dict[str, str]:
    """Headers Slack sends with a request: `v0=` HMAC-SHA256 of `v0:{ts}:{body}`."""
    ts = str(int(time.time()) if timestamp is None else timestamp)
    digest = hmac.new(secret.encode(), f"v0:{ts}:{body}".encode(), hashlib.sha256).hexdigest()
    headers = {"content-type": content_type, "x-slack-request-timestamp": ts,
               "x-slack-signature": f"v0={digest}"}
    if retry_num is not None:
        headers["x-slack-retry-num"] = str(retry_num)
        headers["x-slack-retry-reason"] = "http_timeout"
    return headers


@dataclass(frozen=True)
class Call:
    """One request that reached the fake: `method` is the Web API method name, or
    `respond/<key>` for a post to a response_url."""

    method: str
    body: dict[str, Any]
    headers: dict[str, str] = field(default_factory=dict)
    status: int = 200  # what the fake answered; -1: it hung up without answering
    ok: bool = True  # the call took effect (a message was posted)

    def text_everywhere(self) -> str:
        """The whole body as one string, to look for a title or a marker anywhere in it."""
        return json.dumps(self.body, ensure_ascii=False)


_DROP = -1


@dataclass
class _Failure:
    status: int
    payload: dict[str, Any]
    headers: dict[str, str]
    delay: float = 0.0  # seconds to wait before answering


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        pass  # a client that gave up waiting (see `slow_next`) has closed the connection


class FakeSlackAPI:
    """The Slack Web API as far as partnerbot uses it; start with `with FakeSlackAPI() as api`."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._calls: list[Call] = []
        self._failures: dict[str, list[_Failure]] = {}
        self._gates: dict[str, threading.Event] = {}
        self._ts = itertools.count(1)
        self.socket_mode_url: str | None = None
        self._up = False
        self._files: dict[str, tuple[str, bytes]] = {}
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                """A file's `url_private`: served only with the bot token, as Slack does."""
                status, data = fake._download(self.path, dict(self.headers))
                self.send_response(status)
                self.send_header("content-type", "application/octet-stream")
                self.send_header("content-length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_POST(self) -> None:
                length = int(self.headers.get("content-length") or 0)
                raw = self.rfile.read(length).decode("utf-8") if length else ""
                status, payload, headers = fake._handle(self.path, dict(self.headers), raw)
                if status == _DROP:  # hang up without answering: a network error
                    self.close_connection = True
                    return
                data = (payload if isinstance(payload, str)
                        else json.dumps(payload)).encode("utf-8")
                self.send_response(status)
                self.send_header("content-type", "application/json; charset=utf-8"
                                 if not isinstance(payload, str) else "text/plain")
                self.send_header("content-length", str(len(data)))
                for k, v in headers.items():
                    self.send_header(k, v)
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, format: str, *args: object) -> None:
                pass

        self._handler = Handler
        self._server = _Server(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self._port = int(self._server.server_address[1])

    # -- lifecycle --------------------------------------------------------------------------

    def __enter__(self) -> FakeSlackAPI:
        self._serve()
        return self

    def __exit__(self, *exc: object) -> None:
        self.down()

    def _serve(self) -> None:
        threading.Thread(target=self._server.serve_forever, args=(0.02,), daemon=True,
                         name="fake-slack-api").start()
        self._up = True

    def down(self) -> None:
        """Stop listening: calls fail with "connection refused" until `up()`."""
        if self._up:
            self._up = False
            self._server.shutdown()
            self._server.server_close()

    def up(self) -> None:
        """Listen again, on the same port."""
        if not self._up:
            self._server = _Server(("127.0.0.1", self._port), self._handler)
            self._server.daemon_threads = True
            self._serve()

    @property
    def port(self) -> int:
        return self._port

    @property
    def url(self) -> str:
        """`base_url` for `WebClient`."""
        return f"http://127.0.0.1:{self.port}/api/"

    def response_url(self, key: str = "cmd") -> str:
        """A `response_url` for a slash command or button payload; posts are recorded as
        method `respond/<key>`."""
        return f"http://127.0.0.1:{self.port}/respond/{key}"

    # -- test controls ----------------------------------------------------------------------

    def add_file(self, name: str, data: bytes) -> str:
        """A file someone shared: `files.info` describes it, its `url_private` serves it."""
        file_id = f"F{len(self._files) + 1:08d}"
        self._files[file_id] = (name, data)
        return file_id

    def _download(self, path: str, headers: dict[str, str]) -> tuple[int, bytes]:
        auth = {k.lower(): v for k, v in headers.items()}.get("authorization", "")
        parts = path.split("?", 1)[0].split("/")  # /files-pri/<team>-<id>/<name>
        file_id = parts[2].split("-", 1)[-1] if len(parts) > 3 else ""
        with self._lock:
            self._calls.append(Call("files.download", {"file": file_id},
                                    {k.lower(): v for k, v in headers.items()}))
        if not auth.startswith("Bearer xox") or file_id not in self._files:
            return 404, b"<html>not found</html>"
        return 200, self._files[file_id][1]

    def fail_next(self, method: str, error: str = "channel_not_found", times: int = 1) -> None:
        """The next `times` calls of `method` answer `{"ok": false, "error": error}`."""
        self._queue(method, _Failure(200, {"ok": False, "error": error}, {}), times)

    def rate_limit_next(self, method: str, retry_after: int = 1, times: int = 1) -> None:
        """The next `times` calls of `method` answer HTTP 429 with Retry-After."""
        self._queue(method, _Failure(429, {"ok": False, "error": "ratelimited"},
                                     {"Retry-After": str(retry_after)}), times)

    def drop_next(self, method: str, times: int = 1) -> None:
        """The next `times` calls of `method` get no answer: the connection is closed (and the
        call has no effect)."""
        self._queue(method, _Failure(_DROP, {}, {}), times)

    def error_next(self, method: str, status: int = 500, times: int = 1) -> None:
        """The next `times` calls of `method` answer HTTP `status` (500, 503, ...), no effect."""
        self._queue(method, _Failure(status, {"ok": False, "error": "internal_error"}, {}),
                    times)

    def slow_next(self, method: str, delay: float, times: int = 1) -> None:
        """The next `times` calls of `method` take effect at once but are answered only after
        `delay` seconds: a client that times out first cannot tell it was delivered."""
        self._queue(method, _Failure(200, {}, {}, delay), times)

    def delivered(self, method: str) -> list[Call]:
        """The calls of `method` that took effect (for posts: the messages users see)."""
        return [c for c in self.calls(method) if c.ok]

    def hold(self, method: str) -> threading.Event:
        """Calls of `method` are recorded, then wait to be answered until the returned event
        is set: a way to keep the bot busy at a known point without sleeping."""
        gate = threading.Event()
        with self._lock:
            self._gates[method] = gate
        return gate

    def _queue(self, method: str, failure: _Failure, times: int) -> None:
        with self._lock:
            self._failures.setdefault(method, []).extend([failure] * times)

    def calls(self, method: str | None = None) -> list[Call]:
        with self._lock:
            return [c for c in self._calls if method is None or c.method == method]

    def wait_for(self, method: str, count: int = 1, timeout: float = 5.0,
                 where: Callable[[Call], bool] | None = None) -> list[Call]:
        """Block until `count` calls of `method` (matching `where`) have arrived."""
        def found() -> list[Call] | None:
            hits = [c for c in self.calls(method) if where is None or where(c)]
            return hits if len(hits) >= count else None

        result: list[Call] = wait_until(found, timeout, message=f"{count} x {method}")
        return result

    def reset(self) -> None:
        with self._lock:
            self._calls.clear()

    # -- the API ----------------------------------------------------------------------------

    def _handle(self, path: str, headers: dict[str, str], raw: str,
                ) -> tuple[int, dict[str, Any] | str, dict[str, str]]:
        path = path.split("?", 1)[0]
        ctype = headers.get("Content-Type") or headers.get("content-type") or ""
        body = _parse_body(raw, ctype)
        if path.startswith("/respond/"):
            method = "respond/" + path.removeprefix("/respond/")
        else:
            method = path.removeprefix("/api/")
        with self._lock:
            queued = self._failures.get(method)
            failure = queued.pop(0) if queued else None
            slow = failure is not None and failure.status == 200 and failure.delay > 0
            status = 200 if failure is None else failure.status
            self._calls.append(Call(method, body, {k.lower(): v for k, v in headers.items()},
                                    status=status, ok=failure is None or slow))
            gate = self._gates.get(method)
        if gate is not None:
            gate.wait(10)
        if failure is not None and failure.delay:
            time.sleep(failure.delay)
        if failure is not None and not slow:
            return failure.status, failure.payload, failure.headers
        if method.startswith("respond/"):
            return 200, "ok", {}
        return 200, self._answer(method, body), {}

    def _answer(self, method: str, body: dict[str, Any]) -> dict[str, Any]:
        ok: dict[str, Any] = {"ok": True}
        if method == "auth.test":
            return {**ok, "url": "https://fake.slack.test/", "team": "Fake", "user": "partnerbot",
                    "team_id": TEAM_ID, "user_id": BOT_USER_ID, "bot_id": BOT_ID,
                    "is_enterprise_install": False}
        if method in ("chat.postMessage", "chat.update"):
            channel = str(body.get("channel", ""))
            if channel.startswith("U"):  # posting to a user id opens the app DM
                channel = "D" + channel[1:]
            ts = str(body.get("ts") or f"1700000000.{next(self._ts):06d}")
            return {**ok, "channel": channel, "ts": ts,
                    "message": {"text": body.get("text"), "ts": ts, "bot_id": BOT_ID}}
        if method == "files.info":
            file_id = str(body.get("file", ""))
            if file_id not in self._files:
                return {"ok": False, "error": "file_not_found"}
            name, data = self._files[file_id]
            url = f"http://127.0.0.1:{self.port}/files-pri/{TEAM_ID}-{file_id}/{name}"
            return {**ok, "file": {"id": file_id, "name": name, "size": len(data),
                                   "url_private": url, "url_private_download": url + "?dl=1"}}
        if method == "chat.postEphemeral":
            return {**ok, "message_ts": f"1700000000.{next(self._ts):06d}"}
        if method == "apps.connections.open":
            if self.socket_mode_url is None:
                return {"ok": False, "error": "not_allowed_token_type"}
            return {**ok, "url": self.socket_mode_url}
        return ok  # reactions.add, reactions.remove, ...


def _parse_body(raw: str, content_type: str) -> dict[str, Any]:
    if not raw:
        return {}
    if "json" in content_type:
        data = json.loads(raw)
        return data if isinstance(data, dict) else {"_": data}
    body: dict[str, Any] = dict(parse_qsl(raw, keep_blank_values=True))
    for key in ("blocks", "attachments"):  # form posts carry these as JSON strings
        if isinstance(body.get(key), str):
            with contextlib.suppress(json.JSONDecodeError):
                body[key] = json.loads(body[key])
    return body


class FakeSocketMode:
    """Slack's Socket Mode WebSocket, served by aiohttp on 127.0.0.1 in its own thread.

    `send_envelope` pushes an event the way Slack does (`hello` is sent on connect); the
    client's acks are recorded in `acks` by envelope id.
    """

    def __init__(self) -> None:
        self.acks: dict[str, dict[str, Any]] = {}
        self.connections = 0
        self._loop = asyncio.new_event_loop()
        self._ws: Any = None
        self._ready = threading.Event()
        self._port = 0
        self._runner: Any = None
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True,
                                        name="fake-socket-mode")

    @property
    def url(self) -> str:
        return f"ws://127.0.0.1:{self._port}/link/"

    def __enter__(self) -> FakeSocketMode:
        self._thread.start()
        asyncio.run_coroutine_threadsafe(self._start(), self._loop).result(5)
        return self

    def __exit__(self, *exc: object) -> None:
        asyncio.run_coroutine_threadsafe(self._stop(), self._loop).result(5)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(5)

    async def _start(self) -> None:
        from aiohttp import web

        app = web.Application()
        app.router.add_get("/link/", self._serve)
        self._runner = web.AppRunner(app)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self._port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]

    async def _stop(self) -> None:
        if self._ws is not None:
            await self._ws.close()
        await self._runner.cleanup()

    async def _serve(self, request: Any) -> Any:
        from aiohttp import WSMsgType, web

        ws = web.WebSocketResponse(autoping=True)
        await ws.prepare(request)
        self._ws = ws
        self.connections += 1
        await ws.send_str(json.dumps({"type": "hello", "num_connections": 1,
                                      "debug_info": {"host": "fake"},
                                      "connection_info": {"app_id": "A0000001"}}))
        self._ready.set()
        async for msg in ws:
            if msg.type == WSMsgType.TEXT:
                data = json.loads(msg.data)
                if "envelope_id" in data:
                    self.acks[str(data["envelope_id"])] = data
        self._ready.clear()
        return ws

    def hang_up(self) -> None:
        """Close the connection from Slack's side (a client closing first waits out its 3 s
        receive timeout)."""
        async def close() -> None:
            if self._ws is not None:
                await self._ws.close()

        asyncio.run_coroutine_threadsafe(close(), self._loop).result(5)

    def wait_connected(self, timeout: float = 5.0) -> None:
        if not self._ready.wait(timeout):
            raise AssertionError("the Socket Mode client never connected")

    def send_envelope(self, kind: str, payload: dict[str, Any], retry_attempt: int = 0) -> str:
        """Deliver `payload` as an envelope of `kind` (events_api, slash_commands,
        interactive); returns the envelope id to look up in `acks`."""
        envelope_id = uuid.uuid4().hex
        envelope = {"envelope_id": envelope_id, "type": kind, "payload": payload,
                    "accepts_response_payload": kind != "events_api",
                    "retry_attempt": retry_attempt, "retry_reason": ""}

        async def send() -> None:
            await self._ws.send_str(json.dumps(envelope))

        asyncio.run_coroutine_threadsafe(send(), self._loop).result(5)
        return envelope_id


# -- payloads of the shapes Slack sends ----------------------------------------------------------

_event_ids = itertools.count(1)
_message_ts = itertools.count(1)


def next_ts() -> str:
    """A fresh message timestamp, as Slack's `ts` strings look."""
    return f"1710000000.{next(_message_ts):06d}"


def event_callback(event: dict[str, Any], event_id: str | None = None) -> dict[str, Any]:
    """The Events API envelope around `event`."""
    return {"token": "legacy", "team_id": TEAM_ID, "api_app_id": "A0000001", "event": event,
            "type": "event_callback", "event_id": event_id or f"Ev{next(_event_ids):08d}",
            "event_time": int(time.time()),
            "authorizations": [{"team_id": TEAM_ID, "user_id": BOT_USER_ID, "is_bot": True}]}


def message_event(text: str, *, user: str = "UALICE01", channel: str = "C0000001",
                  channel_type: str = "channel", ts: str | None = None,
                  thread_ts: str | None = None, mention: bool = False,
                  **extra: Any) -> dict[str, Any]:
    """A `message` event (or `app_mention` when `mention`, with the bot's mention prepended)."""
    event: dict[str, Any] = {
        "type": "app_mention" if mention else "message", "user": user,
        "text": f"<@{BOT_USER_ID}> {text}" if mention else text, "ts": ts or next_ts(),
        "channel": channel, "event_ts": ts or next_ts(), "team": TEAM_ID,
    }
    if not mention:
        event["channel_type"] = channel_type
    if thread_ts:
        event["thread_ts"] = thread_ts
    event.update(extra)
    return event


def file_share_event(file_id: str, name: str, *, user: str = "UALICE01",
                     channel: str = "D0000001", text: str = "") -> dict[str, Any]:
    """A `message` event with subtype `file_share`: someone shared a file in a DM."""
    return message_event(text, user=user, channel=channel, channel_type="im",
                         subtype="file_share", files=[{"id": file_id, "name": name}])


def slash_command(text: str, *, response_url: str, user: str = "UALICE01",
                  channel: str = "C0000001", command: str = "/partners") -> dict[str, str]:
    """A slash command's form fields."""
    return {"token": "legacy", "team_id": TEAM_ID, "team_domain": "fake", "channel_id": channel,
            "channel_name": "general", "user_id": user, "user_name": "alice",
            "command": command, "text": text, "api_app_id": "A0000001",
            "response_url": response_url, "trigger_id": "1.2.3"}


def block_action(action: dict[str, Any], *, user: str = "UALICE01", channel: str = "C0000001",
                 message_ts: str = "1700000000.000001", thread_ts: str | None = None,
                 response_url: str = "") -> dict[str, Any]:
    """The `block_actions` payload of a click on `action` (a button element dict)."""
    message: dict[str, Any] = {"type": "message", "ts": message_ts, "bot_id": BOT_ID}
    if thread_ts:
        message["thread_ts"] = thread_ts
    return {"type": "block_actions", "team": {"id": TEAM_ID}, "api_app_id": "A0000001",
            "user": {"id": user, "username": "alice", "team_id": TEAM_ID},
            "channel": {"id": channel, "name": "general"}, "container": {
                "type": "message", "message_ts": message_ts, "channel_id": channel},
            "message": message, "response_url": response_url, "trigger_id": "1.2.3",
            "actions": [{**action, "block_id": action.get("block_id", "b"),
                         "action_ts": str(time.time())}]}


class TrackingExecutor(ThreadPoolExecutor):
    """bolt's listener pool, made observable: `wait_idle` returns once every listener that was
    handed to it has finished, so a test can assert that nothing (more) was posted."""

    def __init__(self) -> None:
        super().__init__(max_workers=4, thread_name_prefix="test-slack-listener")
        self._futures: list[Future[Any]] = []
        self._flock = threading.Lock()

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future[Any]:
        future = super().submit(fn, *args, **kwargs)
        with self._flock:
            self._futures.append(future)
        return future

    def wait_idle(self, timeout: float = 10.0) -> None:
        with self._flock:
            pending = list(self._futures)
        _, not_done = wait(pending, timeout=timeout)
        if not_done:
            raise AssertionError(f"{len(not_done)} listener(s) still running after {timeout}s")
