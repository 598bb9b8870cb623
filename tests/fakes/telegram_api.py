"""A fake Telegram Bot API server on 127.0.0.1, for tests that run the real python-telegram-bot.

Answers `POST /bot<token>/<method>` like api.telegram.org does (the methods partnerbot uses),
records every call with its decoded parameters, serves queued updates to `getUpdates` with
Telegram's offset semantics and a short long-poll, and can be told to fail the next calls of a
method: flood control (429 + retry_after), a 400, an HTTP error status or a slow answer;
`down()`/`up()` refuse connections for a while. Also builds update JSON of the shapes Telegram
sends (with correct UTF-16 entity offsets), so tests read like the traffic they simulate.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import re
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from html.parser import HTMLParser
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, unquote

TOKEN = "123456:TEST-fake-token"
BOT_ID = 123456
BOT_USERNAME = "partnerbot_test_bot"

# Parameters PTB sends JSON-encoded (others are plain strings in the form body).
_JSON_PARAMS = {
    "reply_markup",
    "reply_parameters",
    "allowed_updates",
    "commands",
    "link_preview_options",
    "entities",
    "scope",
}


# -- Telegram's HTML parse mode -----------------------------------------------------------------

TELEGRAM_TAGS = {
    "b",
    "strong",
    "i",
    "em",
    "u",
    "ins",
    "s",
    "strike",
    "del",
    "a",
    "code",
    "pre",
    "blockquote",
    "tg-spoiler",
    "span",
    "tg-emoji",
}
MAX_MESSAGE = 4096
_BAD_ENTITY = re.compile(r"&(?!(?:amp|lt|gt|quot|#x27|#\d+);)")


class HTMLView(HTMLParser):
    """Parses a message as Telegram would: records the visible text and the links, and the
    first problem Telegram would refuse the message for (unknown or unbalanced tag)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.text: list[str] = []
        self.links: list[tuple[str, str]] = []
        self.problem: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in TELEGRAM_TAGS:
            self.problem = self.problem or f'unsupported start tag "{tag}"'
        self.stack.append(tag)
        if tag == "a":
            self.links.append((dict(attrs).get("href") or "", ""))

    def handle_endtag(self, tag: str) -> None:
        if not self.stack or self.stack[-1] != tag:
            self.problem = self.problem or f'can\'t find end tag corresponding to "{tag}"'
            return
        self.stack.pop()

    def handle_data(self, data: str) -> None:
        self.text.append(data)
        if self.stack and self.stack[-1] == "a":
            href, seen = self.links[-1]
            self.links[-1] = (href, seen + data)

    @property
    def visible(self) -> str:
        return "".join(self.text)


def utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def parse_html(text: str) -> HTMLView:
    view = HTMLView()
    view.feed(text)
    view.close()
    if view.stack and view.problem is None:
        view.problem = f"unclosed tags {view.stack}"
    if view.problem is None and _BAD_ENTITY.search(text):
        view.problem = "unescaped &"
    if view.problem is None and not view.visible.strip():
        view.problem = "message text is empty"
    if view.problem is None and utf16_len(text) > MAX_MESSAGE:
        view.problem = "message is too long"
    return view


def html_problem(text: str) -> str | None:
    """Why Telegram would refuse `text` in HTML parse mode, or None if it would accept it."""
    return parse_html(text).problem


@dataclass(frozen=True)
class Call:
    """One request the bot made: method, decoded parameters, and the HTTP status we answered."""

    method: str
    params: dict[str, Any]
    status: int
    result: Any = None

    @property
    def ok(self) -> bool:
        return self.status == 200

    @property
    def text(self) -> str:
        return str(self.params.get("text", ""))


class Gate:
    """A held request: `arrived` once the bot's call reached the server, which answers it only
    after `release()`. Lets a test act while the bot is provably mid-call."""

    def __init__(self) -> None:
        self.arrived = threading.Event()
        self._released = threading.Event()

    def release(self) -> None:
        self._released.set()

    def wait(self, timeout: float = 10.0) -> None:
        self.arrived.set()
        self._released.wait(timeout)


@dataclass
class _Failure:
    status: int
    body: dict[str, Any]
    times: int
    delay: float = 0.0  # status 200: take effect at once, answer after `delay` seconds


class _Server(ThreadingHTTPServer):
    """Remembers its open connections, so `hang_up` can close kept-alive ones too."""

    daemon_threads = True

    def __init__(self, address: tuple[str, int], handler: type[BaseHTTPRequestHandler]) -> None:
        super().__init__(address, handler)
        self.connections: set[socket.socket] = set()

    def process_request(self, request: Any, client_address: Any) -> None:
        self.connections.add(request)
        super().process_request(request, client_address)

    def shutdown_request(self, request: Any) -> None:
        self.connections.discard(request)
        super().shutdown_request(request)

    def handle_error(self, request: Any, client_address: Any) -> None:
        pass  # a client gone away, or a connection cut by `hang_up`

    def hang_up(self) -> None:
        self.shutdown()
        self.server_close()
        for conn in list(self.connections):
            with contextlib.suppress(OSError):
                conn.shutdown(socket.SHUT_RDWR)


@dataclass
class FakeBotAPI:
    """Start with `with FakeBotAPI() as api:`; point PTB at `api.base_url`."""

    token: str = TOKEN
    bot_id: int = BOT_ID
    username: str = BOT_USERNAME
    long_poll_cap: float = 0.2  # seconds a getUpdates waits at most, whatever timeout PTB asks
    calls: list[Call] = field(default_factory=list)
    _updates: list[dict[str, Any]] = field(default_factory=list)
    _failures: dict[str, list[_Failure]] = field(default_factory=dict)
    _holds: dict[str, list[Gate]] = field(default_factory=dict)
    _cond: threading.Condition = field(default_factory=threading.Condition)
    _message_ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1000))
    _server: _Server | None = None
    _handler: type[BaseHTTPRequestHandler] | None = None
    _port: int = 0
    _closed: bool = False
    _files: dict[str, tuple[str, bytes]] = field(default_factory=dict)

    # -- lifecycle ------------------------------------------------------------------------

    def __enter__(self) -> FakeBotAPI:
        api = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length)
                status, payload = api._handle(self.path, self.headers.get("Content-Type", ""), body)
                data = json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_GET(self) -> None:
                """A file's download URL, `<base_file_url><token>/<file_path>`."""
                status, data = api._download(self.path)
                self.send_response(status)
                self.send_header("Content-Type", "application/octet-stream")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self._handler = Handler
        self.up()
        return self

    def __exit__(self, *exc: object) -> None:
        with self._cond:
            self._closed = True
            self._cond.notify_all()
        self.down()

    def down(self) -> None:
        """Stop listening and cut open connections: calls fail with "connection refused"
        (or a dropped connection, if one was in flight) until `up()`."""
        server, self._server = self._server, None
        if server is not None:
            server.hang_up()

    def up(self) -> None:
        """Listen (again, on the same port after `down()`)."""
        assert self._handler is not None, "use FakeBotAPI as a context manager"
        if self._server is None:
            self._server = _Server(("127.0.0.1", self._port), self._handler)
            self._port = int(self._server.server_address[1])
            threading.Thread(
                target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
            ).start()

    @property
    def url(self) -> str:
        assert self._port, "use FakeBotAPI as a context manager"
        return f"http://127.0.0.1:{self._port}"

    @property
    def base_url(self) -> str:
        return f"{self.url}/bot"

    @property
    def base_file_url(self) -> str:
        return f"{self.url}/file/bot"

    # -- test controls ----------------------------------------------------------------------

    def add_file(self, name: str, data: bytes) -> str:
        """A document someone sent: getFile describes it, its file path serves it."""
        file_id = f"BQAC{len(self._files) + 1:06d}"
        self._files[file_id] = (name, data)
        return file_id

    def _download(self, path: str) -> tuple[int, bytes]:
        path = unquote(path)
        prefix = f"/file/bot{self.token}/documents/"
        file_id = path.removeprefix(prefix).split("/", 1)[0] if path.startswith(prefix) else ""
        self._record(Call("file.download", {"path": path}, 200 if file_id in self._files
                          else 404))
        if file_id not in self._files:
            return 404, b"Not Found"
        return 200, self._files[file_id][1]

    def queue_update(self, update: dict[str, Any]) -> None:
        """Make `update` available to getUpdates (the real polling loop picks it up)."""
        with self._cond:
            self._updates.append(update)
            self._cond.notify_all()

    def fail_next(self, method: str, times: int = 1, retry_after: int = 1) -> None:
        """Answer the next `times` calls of `method` with flood control, as Telegram does."""
        body = {
            "ok": False,
            "error_code": 429,
            "description": f"Too Many Requests: retry after {retry_after}",
            "parameters": {"retry_after": retry_after},
        }
        with self._cond:
            self._failures.setdefault(method, []).append(_Failure(429, body, times))

    def reject_next(
        self, method: str, description: str = "Bad Request: chat not found", times: int = 1
    ) -> None:
        """Answer the next `times` calls of `method` with a 400, e.g. a chat that vanished."""
        body = {"ok": False, "error_code": 400, "description": description}
        with self._cond:
            self._failures.setdefault(method, []).append(_Failure(400, body, times))

    def error_next(
        self, method: str, status: int = 500, times: int = 1, description: str = ""
    ) -> None:
        """Answer the next `times` calls of `method` with HTTP `status` (500, 502, ...); the
        call has no effect."""
        body = {"ok": False, "error_code": status, "description": description or "Internal Server Error"}
        with self._cond:
            self._failures.setdefault(method, []).append(_Failure(status, body, times))

    def slow_next(self, method: str, delay: float, times: int = 1) -> None:
        """The next `times` calls of `method` take effect at once (a sent message is sent) but
        are answered only after `delay` seconds: a client that times out first cannot tell."""
        with self._cond:
            self._failures.setdefault(method, []).append(_Failure(200, {}, times, delay))

    def hold_next(self, method: str) -> Gate:
        """Hold the next call of `method` until the returned gate is released."""
        gate = Gate()
        with self._cond:
            self._holds.setdefault(method, []).append(gate)
        return gate

    def calls_to(self, method: str) -> list[Call]:
        with self._cond:
            return [c for c in self.calls if c.method == method]

    def sent(self) -> list[Call]:
        """sendMessage calls that succeeded."""
        return [c for c in self.calls_to("sendMessage") if c.ok]

    def wait_for(self, predicate: Callable[[FakeBotAPI], bool], timeout: float = 5.0) -> None:
        """Block until `predicate(self)` holds after some call, or fail after `timeout`."""
        with self._cond:
            if not self._cond.wait_for(lambda: predicate(self), timeout):
                methods = [c.method for c in self.calls]
                raise AssertionError(f"condition not met within {timeout}s; calls: {methods}")

    async def until(self, predicate: Callable[[FakeBotAPI], bool], timeout: float = 5.0) -> None:
        """`wait_for` from async code, without blocking the event loop the bot runs on."""
        await asyncio.to_thread(self.wait_for, predicate, timeout)

    # -- the Bot API ------------------------------------------------------------------------

    def _handle(self, path: str, content_type: str, body: bytes) -> tuple[int, dict[str, Any]]:
        match = re.fullmatch(r"/bot(?P<token>[^/]+)/(?P<method>\w+)", path)
        if match is None or match["token"] != self.token:
            return 401, {"ok": False, "error_code": 401, "description": "Unauthorized"}
        method = match["method"]
        params = _decode(content_type, body)
        with self._cond:
            holds = self._holds.get(method)
            gate = holds.pop(0) if holds else None
        if gate is not None:
            gate.wait()
        delay = 0.0
        with self._cond:
            failures = self._failures.get(method)
            if failures:
                failure = failures[0]
                failure.times -= 1
                if failure.times <= 0:
                    failures.pop(0)
                if failure.delay:
                    delay = failure.delay
                else:
                    self._record(Call(method, params, failure.status))
                    return failure.status, failure.body
        if delay:
            status, payload = self._answer(method, params)
            time.sleep(delay)
            return status, payload
        return self._answer(method, params)

    def _answer(self, method: str, params: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        if params.get("parse_mode") == "HTML" and "text" in params:
            problem = html_problem(str(params["text"]))
            if problem is not None:  # Telegram refuses such a message outright
                self._record(Call(method, params, 400))
                return 400, {
                    "ok": False,
                    "error_code": 400,
                    "description": f"Bad Request: can't parse entities: {problem}",
                }
        if method == "getUpdates":
            result: Any = self._get_updates(params)
        else:
            handler = getattr(self, f"_m_{method}", None)
            if handler is None:
                self._record(Call(method, params, 404))
                return 404, {"ok": False, "error_code": 404, "description": "Not Found"}
            result = handler(params)
        self._record(Call(method, params, 200, result))
        return 200, {"ok": True, "result": result}

    def _record(self, call: Call) -> None:
        with self._cond:
            self.calls.append(call)
            self._cond.notify_all()

    def _get_updates(self, params: dict[str, Any]) -> list[dict[str, Any]]:
        offset = int(params.get("offset") or 0)
        limit = int(params.get("limit") or 100)
        wait = min(float(params.get("timeout") or 0), self.long_poll_cap)
        deadline = time.monotonic() + wait
        with self._cond:
            # Telegram forgets updates below the offset: they are confirmed.
            self._updates = [u for u in self._updates if u["update_id"] >= offset]
            while not self._updates and not self._closed:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    break
                self._cond.wait(remaining)
            return list(self._updates[:limit])

    def _me(self) -> dict[str, Any]:
        return {
            "id": self.bot_id,
            "is_bot": True,
            "first_name": "Partnerbot",
            "username": self.username,
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
        }

    def _message(self, params: dict[str, Any], message_id: int | None = None) -> dict[str, Any]:
        chat_id = int(params["chat_id"])
        result: dict[str, Any] = {
            "message_id": message_id if message_id is not None else next(self._message_ids),
            "date": int(time.time()),
            "from": self._me(),
            "text": params.get("text", ""),
            "chat": {"id": chat_id, "type": "private" if chat_id > 0 else "supergroup"},
        }
        if "message_thread_id" in params:
            result["message_thread_id"] = int(params["message_thread_id"])
            result["is_topic_message"] = True
        if "reply_markup" in params:
            result["reply_markup"] = params["reply_markup"]
        return result

    def _m_getFile(self, params: dict[str, Any]) -> dict[str, Any]:
        file_id = str(params["file_id"])
        name, data = self._files[file_id]
        return {"file_id": file_id, "file_unique_id": "u" + file_id, "file_size": len(data),
                "file_path": f"documents/{file_id}/{name}"}

    def _m_getMe(self, params: dict[str, Any]) -> dict[str, Any]:
        return self._me()

    def _m_sendMessage(self, params: dict[str, Any]) -> dict[str, Any]:
        return self._message(params)

    def _m_editMessageText(self, params: dict[str, Any]) -> dict[str, Any]:
        return self._message(params, message_id=int(params["message_id"]))

    def _m_sendChatAction(self, params: dict[str, Any]) -> bool:
        return True

    def _m_answerCallbackQuery(self, params: dict[str, Any]) -> bool:
        return True

    def _m_deleteWebhook(self, params: dict[str, Any]) -> bool:
        return True

    def _m_setWebhook(self, params: dict[str, Any]) -> bool:
        return True

    def _m_getWebhookInfo(self, params: dict[str, Any]) -> dict[str, Any]:
        return {"url": "", "has_custom_certificate": False, "pending_update_count": 0}

    def _m_setMyCommands(self, params: dict[str, Any]) -> bool:
        return True

    def _m_close(self, params: dict[str, Any]) -> bool:
        return True


def _decode(content_type: str, body: bytes) -> dict[str, Any]:
    """PTB posts form-encoded bodies whose non-string values are JSON; accept JSON bodies too."""
    if content_type.startswith("application/json"):
        return dict(json.loads(body or b"{}"))
    params: dict[str, Any] = dict(parse_qsl(body.decode(), keep_blank_values=True))
    for key in _JSON_PARAMS & params.keys():
        params[key] = json.loads(params[key])
    return params


# -- updates of the shapes Telegram sends -----------------------------------------------------

_update_ids = itertools.count(10_000)
_message_ids = itertools.count(1)


def _utf16(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def entities(text: str) -> list[dict[str, Any]]:
    """The entities Telegram attaches: a leading /command and every @mention, UTF-16 offsets."""
    found = []
    for match in re.finditer(r"(?:^/\w+(?:@\w+)?)|(?:@\w+)", text):
        kind = "bot_command" if match.group().startswith("/") else "mention"
        found.append(
            {"type": kind, "offset": _utf16(text[: match.start()]), "length": _utf16(match.group())}
        )
    return found


def user(
    user_id: int = 42, language_code: str | None = "en", first_name: str = "Mina"
) -> dict[str, Any]:
    data: dict[str, Any] = {"id": user_id, "is_bot": False, "first_name": first_name}
    if language_code:
        data["language_code"] = language_code
    return data


def message(
    text: str,
    *,
    chat_id: int = 42,
    chat_type: str = "private",
    user_id: int = 42,
    language_code: str | None = "en",
    thread_id: int | None = None,
    reply_to: dict[str, Any] | None = None,
    message_id: int | None = None,
) -> dict[str, Any]:
    """A text message; a group chat if `chat_type` is "group"/"supergroup" (negative ids)."""
    chat: dict[str, Any] = {"id": chat_id, "type": chat_type}
    if chat_type == "private":
        chat["first_name"] = "Mina"
    else:
        chat["title"] = "Bio startups"
        if thread_id is not None:
            chat["is_forum"] = True
    data: dict[str, Any] = {
        "message_id": message_id if message_id is not None else next(_message_ids),
        "date": int(time.time()),
        "chat": chat,
        "from": user(user_id, language_code),
        "text": text,
    }
    if found := entities(text):
        data["entities"] = found
    if thread_id is not None:
        data["message_thread_id"] = thread_id
        data["is_topic_message"] = True
    if reply_to is not None:
        data["reply_to_message"] = reply_to
    return data


def document_message(file_id: str, name: str, size: int, *, chat_id: int = 42,
                     user_id: int = 42, caption: str | None = None) -> dict[str, Any]:
    """A private message carrying a document (a file sent as a file, not as a photo)."""
    data = message("", chat_id=chat_id, user_id=user_id)
    del data["text"]
    data["document"] = {"file_id": file_id, "file_unique_id": "u" + file_id, "file_name": name,
                        "file_size": size}
    if caption:
        data["caption"] = caption
    return data


def bot_message(
    text: str,
    *,
    chat_id: int,
    message_id: int = 900,
    username: str = BOT_USERNAME,
    bot_id: int = BOT_ID,
) -> dict[str, Any]:
    """A message the bot sent earlier, as it appears inside `reply_to_message`."""
    return {
        "message_id": message_id,
        "date": int(time.time()),
        "chat": {
            "id": chat_id,
            "type": "private" if chat_id > 0 else "supergroup",
            "title": "Bio startups",
        },
        "from": {"id": bot_id, "is_bot": True, "first_name": "Partnerbot", "username": username},
        "text": text,
    }


def update(
    *,
    message: dict[str, Any] | None = None,
    callback_query: dict[str, Any] | None = None,
    update_id: int | None = None,
) -> dict[str, Any]:
    data: dict[str, Any] = {"update_id": update_id if update_id is not None else next(_update_ids)}
    if message is not None:
        data["message"] = message
    if callback_query is not None:
        data["callback_query"] = callback_query
    return data


def callback_query(
    data: str, *, answer: dict[str, Any], user_id: int = 42, language_code: str | None = "en"
) -> dict[str, Any]:
    """A button press on `answer` (a message the bot sent, as returned by sendMessage)."""
    return {
        "id": f"cq{next(_update_ids)}",
        "from": user(user_id, language_code),
        "chat_instance": "ci-1",
        "data": data,
        "message": answer,
    }
