"""A minimal client for any OpenAI-compatible chat endpoint (Ollama, vLLM, llama.cpp, hosted).

The standard library only: one POST to `{base}/chat/completions`, no SDK, so a bot without a
model configured imports nothing of this, and one with a model pulls in no new dependency.
Every way a call can fail becomes an `LLMFailure` with a short `kind`, which is what the
caller logs (once per kind) and counts; the whole call, not each socket read, is bounded by
the timeout, so a server trickling bytes cannot hold a reply back.
"""

from __future__ import annotations

import json
import re
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass
from typing import Any, Literal, Protocol

FailureKind = Literal["timeout", "http_error", "malformed", "empty"]

_THINKING = re.compile(r"<think>.*?</think>", re.S | re.I)  # reasoning models' preamble
_MAX_BODY = 1 << 20


class LLMFailure(Exception):
    """The model gave no usable text; `kind` says why (one word, for logs and metrics)."""

    def __init__(self, kind: FailureKind, detail: str = "") -> None:
        super().__init__(f"{kind}: {detail}" if detail else kind)
        self.kind: FailureKind = kind
        self.detail = detail


@dataclass(frozen=True)
class Message:
    role: Literal["system", "user"]
    content: str


class ChatModel(Protocol):
    """What composing and translating need from a model: messages in, text out."""

    def complete(self, messages: list[Message], max_tokens: int = 500) -> str: ...


class OpenAICompatible:
    """`POST {base_url}/chat/completions` with a bearer key when one is set."""

    def __init__(self, base_url: str, model: str, api_key: str = "", timeout: float = 4.0,
                 workers: int = 4) -> None:
        self.url = base_url.rstrip("/") + "/chat/completions"
        self.model = model
        self._key = api_key
        self.timeout = timeout
        # calls run here so that the caller waits `timeout` at most, whatever the socket does;
        # a call abandoned at its deadline ends by itself at the socket timeout
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="partnerbot-llm")

    def complete(self, messages: list[Message], max_tokens: int = 500) -> str:
        future = self._pool.submit(self._post, messages, max_tokens)
        try:
            return future.result(timeout=self.timeout)
        except FutureTimeout:
            future.cancel()
            raise LLMFailure("timeout", f"no answer within {self.timeout:g} s") from None

    def close(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)

    def _post(self, messages: list[Message], max_tokens: int) -> str:
        body = json.dumps({
            "model": self.model, "temperature": 0, "max_tokens": max_tokens, "stream": False,
            "messages": [{"role": m.role, "content": m.content} for m in messages],
        }).encode("utf-8")
        headers = {"Content-Type": "application/json", "Accept": "application/json"}
        if self._key:
            headers["Authorization"] = f"Bearer {self._key}"
        request = urllib.request.Request(self.url, data=body, headers=headers, method="POST")
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                raw = response.read(_MAX_BODY + 1)
        except urllib.error.HTTPError as exc:
            raise LLMFailure("http_error", f"HTTP {exc.code}") from None
        except TimeoutError:
            raise LLMFailure("timeout", f"no answer within {self.timeout:g} s") from None
        except (urllib.error.URLError, OSError) as exc:
            reason = getattr(exc, "reason", exc)
            if isinstance(reason, TimeoutError):
                raise LLMFailure("timeout", f"no answer within {self.timeout:g} s") from None
            raise LLMFailure("http_error", type(reason).__name__) from None
        if len(raw) > _MAX_BODY:
            raise LLMFailure("malformed", "response over 1 MiB")
        return content_of(raw)


def content_of(raw: bytes) -> str:
    """The text of the first choice of a chat completion, without a `<think>` preamble."""
    try:
        data: Any = json.loads(raw.decode("utf-8"))
        content = data["choices"][0]["message"]["content"]
    except (UnicodeDecodeError, ValueError, KeyError, IndexError, TypeError):
        raise LLMFailure("malformed", "not a chat completion") from None
    if content is None:
        raise LLMFailure("empty", "no content")
    if not isinstance(content, str):
        raise LLMFailure("malformed", "content is not text")
    text = _THINKING.sub("", content).strip()
    if not text:
        raise LLMFailure("empty", "blank content")
    return text
