"""`partnerbot serve telegram` as operators run it: a child process (the real command line,
with the fake embedder) polling the fake Bot API through PARTNERBOT_TELEGRAM_API_URL, with
/healthz and /metrics on PARTNERBOT_METRICS_PORT, stopped by SIGTERM."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import tests.fakes.telegram_api as tg
from tests.fakes.telegram_api import FakeBotAPI

ROOT = Path(__file__).resolve().parents[1]
QUESTION = "When did LINK-J sign the MOU with Kanagawa Prefecture?"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def get(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=2) as resp:
            return resp.status, resp.read().decode()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode()


def metric(text: str, name: str, **labels: str) -> float:
    want = ",".join(f'{k}="{v}"' for k, v in sorted(labels.items()))
    for line in text.splitlines():
        head, _, value = line.rpartition(" ")
        if head.split("{")[0] == name and all(part in head for part in want.split(",")):
            return float(value)
    return 0.0


def test_serve_telegram_answers_and_reports_health_and_metrics(tmp_path: Path,
                                                               corpus_copy: Path) -> None:
    port = free_port()
    with FakeBotAPI() as api:
        env = {**os.environ, "TELEGRAM_BOT_TOKEN": tg.TOKEN,
               "PARTNERBOT_TELEGRAM_API_URL": api.url,
               "PARTNERBOT_METRICS_PORT": str(port),
               "PARTNERBOT_CORPUS_DIR": str(corpus_copy),
               "PARTNERBOT_INDEX_DIR": str(tmp_path / "index"),
               "PARTNERBOT_DATA_DIR": str(tmp_path / "data"),
               "PARTNERBOT_LOG_JSON": "1"}
        proc = subprocess.Popen([sys.executable, "-m", "tests.fakes.hash_cli", "-v", "serve",
                                 "telegram"],
                                cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                text=True)
        try:
            base = f"http://127.0.0.1:{port}"
            deadline = time.monotonic() + 60
            status, body = 0, ""
            while time.monotonic() < deadline and proc.poll() is None:
                try:
                    status, body = get(base + "/healthz")
                except OSError:
                    status = 0
                if status == 200:
                    break
                time.sleep(0.2)
            assert status == 200, (status, body, proc.poll())
            health = json.loads(body)
            assert health["status"] == "ok" and health["releases"] == 5 and health["index_version"]

            api.queue_update(tg.update(message=tg.message(QUESTION)))
            api.wait_for(lambda a: any("Kanagawa" in c.text for c in a.sent()), timeout=30)
            (reply,) = api.sent()
            assert "LINK-J" in reply.text

            _, text = get(base + "/metrics")
            assert metric(text, "partnerbot_questions_total", platform="telegram",
                          kind="answer") == 1.0
            assert metric(text, "partnerbot_index_releases") == 5.0
        finally:
            proc.send_signal(signal.SIGTERM)
            try:
                _, err = proc.communicate(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()
                _, err = proc.communicate()
    assert proc.returncode == 0, err[-2000:]
    assert tg.TOKEN not in err and tg.TOKEN.split(":")[1] not in err  # redacted, even at INFO
    records = [json.loads(line) for line in err.splitlines() if line.startswith("{")]
    assert records and all({"ts", "level", "message"} <= r.keys() for r in records), err[-2000:]
    assert any(r.get("request_id") for r in records)  # the question's lines carry its id
