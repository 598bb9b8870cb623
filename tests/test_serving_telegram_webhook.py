"""`partnerbot serve telegram --webhook` as operators run it: a child process (the real command
line, the fake embedder) behind a pretend TLS proxy, registering its webhook with the fake Bot
API. /healthz is "ok" only once the webhook server runs; bodies that are not a Telegram Update
get 400 (PTB alone answers some with 500), a wrong secret still 403, a real update an answer."""

from __future__ import annotations

import concurrent.futures
import contextlib
import json
import os
import select
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import tests.fakes.telegram_api as tg
from tests.fakes.telegram_api import FakeBotAPI
from tests.test_serve_process import ROOT, free_port
from tests.test_serving_startup import stop, wait_health

SECRET = "hook_SECRET-7c1e"
QUESTION = "When did LINK-J sign the MOU with Kanagawa Prefecture?"

GARBAGE = {
    "not-json": b"this is not json",
    "not-utf8": b"\xff\xfe{",
    "json-list": b"[1, 2, 3]",
    "json-string": b'"update"',
    "no-update-id": b'{"message": {"text": "hi"}}',
    "update-id-not-int": b'{"update_id": "7"}',
    "wrong-shape": b'{"update_id": 7, "message": 5}',
}


def post(url: str, body: bytes, secret: str) -> int:
    req = urllib.request.Request(url, data=body, method="POST", headers={
        "Content-Type": "application/json", "X-Telegram-Bot-Api-Secret-Token": secret})
    try:
        with urllib.request.urlopen(req, timeout=5) as resp:
            return int(resp.status)
    except urllib.error.HTTPError as exc:
        return exc.code


class Webhook:
    """A running `serve telegram --webhook` child: its URL, the fake Bot API, its stderr."""

    def __init__(self, proc: subprocess.Popen[str], url: str, api: FakeBotAPI) -> None:
        self.proc, self.url, self.api, self.err = proc, url, api, ""


@contextlib.contextmanager
def webhook_server(tmp_path: Path, corpus: Path) -> Iterator[Webhook]:
    hook_port, metrics_port = free_port(), free_port()
    with FakeBotAPI() as api:
        env = {**os.environ, "TELEGRAM_BOT_TOKEN": tg.TOKEN,
               "PARTNERBOT_TELEGRAM_WEBHOOK_SECRET": SECRET,
               "PARTNERBOT_TELEGRAM_API_URL": api.url,
               "PARTNERBOT_METRICS_PORT": str(metrics_port),
               "PARTNERBOT_CORPUS_DIR": str(corpus),
               "PARTNERBOT_INDEX_DIR": str(tmp_path / "index"),
               "PARTNERBOT_DATA_DIR": str(tmp_path / "data")}
        proc = subprocess.Popen(
            [sys.executable, "-m", "tests.fakes.hash_cli", "-v", "serve", "telegram",
             "--webhook", "https://bot.example.org/hooks/tg", "--listen", "127.0.0.1",
             "--port", str(hook_port)],
            cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        hook = Webhook(proc, f"http://127.0.0.1:{hook_port}/hooks/tg", api)
        try:
            wait_health(proc, metrics_port, "ok")
            assert api.calls_to("setWebhook")  # ready means registered and listening
            yield hook
        finally:
            hook.err = stop(proc)


def test_webhook_answers_400_to_bodies_that_are_not_updates(tmp_path: Path,
                                                           corpus_copy: Path) -> None:
    with webhook_server(tmp_path, corpus_copy) as hook:
        url, api = hook.url, hook.api
        statuses = {name: post(url, body, SECRET) for name, body in GARBAGE.items()}
        assert statuses == dict.fromkeys(GARBAGE, 400)
        assert post(url, b"this is not json", "not-the-secret") == 403

        good = json.dumps(tg.update(message=tg.message(QUESTION))).encode()
        assert post(url, good, SECRET) == 200
        api.wait_for(lambda a: any("Kanagawa" in c.text for c in a.sent()), timeout=30)
    proc, err = hook.proc, hook.err
    assert proc.returncode == 0, err[-3000:]
    assert "Traceback" not in err, err[-3000:]
    assert err.count("body is not an Update") == len(GARBAGE)  # one line each
    assert len(api.sent()) == 1


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise AssertionError("no VmRSS")


def big_post(url: str, size: int, secret: str | None) -> int:
    """POST `size` bytes of zeros in 64 KiB chunks, reading the answer as soon as it comes:
    a server that refuses early answers before the body is sent (then closes)."""
    parts = urlsplit(url)
    head = [f"POST {parts.path} HTTP/1.1", f"Host: {parts.netloc}",
            "Content-Type: application/json", f"Content-Length: {size}"]
    if secret is not None:
        head.append(f"X-Telegram-Bot-Api-Secret-Token: {secret}")
    chunk = b"0" * 65536
    with socket.create_connection((parts.hostname, parts.port), timeout=60) as sock:
        sock.sendall(("\r\n".join(head) + "\r\n\r\n").encode())
        sent = 0
        try:
            while sent < size:
                if select.select([sock], [], [], 0)[0]:
                    break  # the server answered already
                sock.sendall(chunk[: size - sent])
                sent += len(chunk)
        except OSError:
            pass  # the server closed on us after answering
        reply = sock.recv(200).decode(errors="replace")
    if reply.startswith("HTTP/1.1 413"):
        assert "Body over the 1 MiB limit" in reply, reply  # the cap, in the unit it is set in
    return int(reply.split()[1])


def test_webhook_refuses_big_bodies_without_reading_them(tmp_path: Path,
                                                        corpus_copy: Path) -> None:
    """Four 90 MB bodies without the secret are refused (403) from their headers alone, so the
    process does not grow by their size; a body over the cap with the secret gets 413."""
    with webhook_server(tmp_path, corpus_copy) as hook:
        before = peak = rss_mb(hook.proc.pid)
        with concurrent.futures.ThreadPoolExecutor(4) as pool:
            posts = [pool.submit(big_post, hook.url, 90 << 20, None if i % 2 else "wrong")
                     for i in range(4)]
            while not all(p.done() for p in posts):
                peak = max(peak, rss_mb(hook.proc.pid))
                time.sleep(0.05)
        assert [p.result() for p in posts] == [403] * 4
        assert big_post(hook.url, 20 << 20, SECRET) == 413
        good = json.dumps(tg.update(message=tg.message(QUESTION))).encode()
        assert post(hook.url, good, SECRET) == 200  # still serving
        hook.api.wait_for(lambda a: any("Kanagawa" in c.text for c in a.sent()), timeout=30)
    assert peak - before < 40, (before, peak)
    assert "Traceback" not in hook.err, hook.err[-3000:]
