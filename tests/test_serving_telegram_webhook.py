"""`partnerbot serve telegram --webhook` as operators run it: a child process (the real command
line, the fake embedder) behind a pretend TLS proxy, registering its webhook with the fake Bot
API. /healthz is "ok" only once the webhook server runs; bodies that are not a Telegram Update
get 400 (PTB alone answers some with 500), a wrong secret still 403, a real update an answer."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import urllib.error
import urllib.request
from pathlib import Path

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


def test_webhook_answers_400_to_bodies_that_are_not_updates(tmp_path: Path,
                                                           corpus_copy: Path) -> None:
    hook_port, metrics_port = free_port(), free_port()
    with FakeBotAPI() as api:
        env = {**os.environ, "TELEGRAM_BOT_TOKEN": tg.TOKEN,
               "PARTNERBOT_TELEGRAM_WEBHOOK_SECRET": SECRET,
               "PARTNERBOT_TELEGRAM_API_URL": api.url,
               "PARTNERBOT_METRICS_PORT": str(metrics_port),
               "PARTNERBOT_CORPUS_DIR": str(corpus_copy),
               "PARTNERBOT_INDEX_DIR": str(tmp_path / "index"),
               "PARTNERBOT_DATA_DIR": str(tmp_path / "data")}
        proc = subprocess.Popen(
            [sys.executable, "-m", "tests.fakes.hash_cli", "-v", "serve", "telegram",
             "--webhook", "https://bot.example.org/hooks/tg", "--listen", "127.0.0.1",
             "--port", str(hook_port)],
            cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        url = f"http://127.0.0.1:{hook_port}/hooks/tg"
        try:
            wait_health(proc, metrics_port, "ok")
            assert api.calls_to("setWebhook")  # ready means registered and listening

            statuses = {name: post(url, body, SECRET) for name, body in GARBAGE.items()}
            assert statuses == dict.fromkeys(GARBAGE, 400)
            assert post(url, b"this is not json", "not-the-secret") == 403

            good = json.dumps(tg.update(message=tg.message(QUESTION))).encode()
            assert post(url, good, SECRET) == 200
            api.wait_for(lambda a: any("Kanagawa" in c.text for c in a.sent()), timeout=30)
        finally:
            err = stop(proc)
    assert proc.returncode == 0, err[-3000:]
    assert "Traceback" not in err, err[-3000:]
    assert err.count("body is not an Update") == len(GARBAGE)  # one line each
    assert len(api.sent()) == 1
