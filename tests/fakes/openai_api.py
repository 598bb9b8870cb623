"""A fake OpenAI-compatible chat server on 127.0.0.1 (port 0), with scripted replies.

`FakeLLM` answers `POST /v1/chat/completions` with the next scripted reply: a text (wrapped
in a chat completion), a raw body (malformed JSON), an HTTP status, or a text after a delay.
With nothing scripted it repeats the `default` reply. Every request body is recorded, so a
test can look at the prompt the bot sent. Nothing here knows about partnerbot.
"""

from __future__ import annotations

import json
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass(frozen=True)
class Reply:
    """What the server sends back for one request."""

    text: str | None = None  # the completion's content
    raw: bytes | None = None  # a body sent as is (for malformed replies)
    status: int = 200
    delay: float = 0.0  # seconds before answering


class FakeLLM:
    def __init__(self, default: Reply | None = None) -> None:
        self.default = default or Reply(text="")
        self.requests: list[dict[str, Any]] = []
        self.headers: list[dict[str, str]] = []
        self._script: deque[Reply | Callable[[dict[str, Any]], Reply]] = deque()
        self._lock = threading.Lock()

    def script(self, *replies: Reply | Callable[[dict[str, Any]], Reply]) -> None:
        with self._lock:
            self._script.extend(replies)

    def _next(self, body: dict[str, Any]) -> Reply:
        with self._lock:
            item = self._script.popleft() if self._script else self.default
        return item(body) if callable(item) else item

    def __enter__(self) -> FakeLLM:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                try:
                    body = json.loads(self.rfile.read(length) or b"{}")
                except ValueError:
                    body = {}
                with fake._lock:
                    fake.requests.append(body)
                    fake.headers.append(dict(self.headers.items()))
                if self.path != "/v1/chat/completions":
                    self._send(404, b'{"error": "not found"}')
                    return
                reply = fake._next(body)
                if reply.delay:
                    time.sleep(reply.delay)
                if reply.raw is not None:
                    data = reply.raw
                elif reply.status != 200:
                    data = b'{"error": {"message": "scripted failure"}}'
                else:
                    data = json.dumps({
                        "id": "chatcmpl-fake", "object": "chat.completion",
                        "model": body.get("model", ""),
                        "choices": [{"index": 0, "finish_reason": "stop",
                                     "message": {"role": "assistant", "content": reply.text}}],
                    }, ensure_ascii=False).encode()
                self._send(reply.status, data)

            def _send(self, status: int, data: bytes) -> None:
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up (its timeout): expected

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()

    @property
    def url(self) -> str:
        """The base URL to configure (`PARTNERBOT_LLM_URL`)."""
        return f"http://127.0.0.1:{self._server.server_address[1]}/v1"

    def user_data(self, i: int = -1) -> dict[str, Any]:
        """The JSON object (question and quotes) the i-th request carried."""
        messages = self.requests[i]["messages"]
        return dict(json.loads(next(m["content"] for m in messages if m["role"] == "user")))
