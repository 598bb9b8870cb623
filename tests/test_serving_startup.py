"""`partnerbot serve slack` starting while Slack's API is unreachable, as an operator runs it:
a child process (the real command line, the fake embedder) against a fake Slack that refuses
connections. /healthz says "not ready" while it retries, "ok" once Slack answers; if Slack
never does, the process stops with one line naming the URL and exit status 2."""

from __future__ import annotations

import dataclasses
import json
import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from partnerbot.adapters.slack.serve import Backoff, wait_for_slack
from partnerbot.bot.settings import Settings, SettingsError
from tests.fakes.slack_api import (
    FakeSlackAPI,
    FakeSocketMode,
    event_callback,
    message_event,
    signed_headers,
    wait_until,
)
from tests.test_serve_process import ROOT, free_port, get

SECRET = "startup-secret"
QUESTION = "When did LINK-J sign the MOU with Kanagawa Prefecture?"

# The real command line in a child, with a short backoff so the test runs in seconds.
CHILD = """
import runpy, sys
import partnerbot.adapters.slack.serve as serve
serve.CONNECT = serve.Backoff(first=0.2, cap=0.5, give_up={give_up})
sys.argv = ["hash_cli", "-v", "serve", "slack"]
runpy.run_module("tests.fakes.hash_cli", run_name="__main__", alter_sys=True)
"""


def start(api: FakeSlackAPI, tmp_path: Path, corpus: Path, give_up: float,
          slack_port: int, metrics_port: int, **extra: str) -> subprocess.Popen[str]:
    env = {**os.environ, **extra, "SLACK_BOT_TOKEN": "xoxb-test", "SLACK_SIGNING_SECRET": SECRET,
           "PARTNERBOT_SLACK_API_URL": api.url, "PARTNERBOT_SLACK_PORT": str(slack_port),
           "PARTNERBOT_METRICS_PORT": str(metrics_port), "PARTNERBOT_CORPUS_DIR": str(corpus),
           "PARTNERBOT_INDEX_DIR": str(tmp_path / "index"),
           "PARTNERBOT_DATA_DIR": str(tmp_path / "data")}
    return subprocess.Popen([sys.executable, "-c", CHILD.format(give_up=give_up)], cwd=ROOT,
                            env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def health(port: int) -> tuple[int, dict[str, object]]:
    try:
        status, body = get(f"http://127.0.0.1:{port}/healthz")
    except OSError:
        return 0, {}
    return status, json.loads(body)


def wait_health(proc: subprocess.Popen[str], port: int, want: str,
                timeout: float = 60) -> dict[str, object]:
    deadline = time.monotonic() + timeout
    seen: tuple[int, dict[str, object]] = (0, {})
    while time.monotonic() < deadline and proc.poll() is None:
        seen = health(port)
        if seen[1].get("status") == want:
            return seen[1]
        time.sleep(0.1)
    raise AssertionError(f"/healthz never said {want!r}: last {seen}, exit {proc.poll()}")


def post(url: str, raw: str, headers: dict[str, str]) -> int:
    req = urllib.request.Request(url, data=raw.encode(), headers=headers, method="POST")
    try:
        with urllib.request.urlopen(req, timeout=5) as resp:
            return int(resp.status)
    except urllib.error.HTTPError as exc:
        return exc.code


def stop(proc: subprocess.Popen[str]) -> str:
    proc.send_signal(signal.SIGTERM)
    try:
        _, err = proc.communicate(timeout=30)
    except subprocess.TimeoutExpired:
        proc.kill()
        _, err = proc.communicate()
    return err


def test_serve_slack_waits_for_slack_not_ready_until_it_answers(tmp_path: Path,
                                                               corpus_copy: Path) -> None:
    slack_port, metrics_port = free_port(), free_port()
    with FakeSlackAPI() as api:
        api.down()  # connection refused on auth.test
        auth_test = api.url + "auth.test"
        proc = start(api, tmp_path, corpus_copy, 60, slack_port, metrics_port)
        try:
            waiting = wait_health(proc, metrics_port, "connecting")
            assert health(metrics_port)[0] == 503
            assert auth_test in str(waiting["reason"]), waiting
            with pytest.raises(OSError):  # nothing listens for Slack's events yet
                post(f"http://127.0.0.1:{slack_port}/slack/events", "{}", {})

            api.up()
            ok = wait_health(proc, metrics_port, "ok", timeout=30)
            assert ok["releases"] == 5 and health(metrics_port)[0] == 200

            event = message_event(QUESTION, mention=True)
            raw = json.dumps(event_callback(event))
            url = f"http://127.0.0.1:{slack_port}/slack/events"
            assert post(url, raw, signed_headers(SECRET, raw)) == 200
            (reply,) = api.wait_for("chat.postMessage", timeout=30)
            assert reply.body["thread_ts"] == event["ts"]
            assert "Kanagawa Prefecture" in reply.text_everywhere()
        finally:
            err = stop(proc)
    assert proc.returncode == 0, err[-3000:]
    assert "Traceback" not in err, err[-3000:]
    retries = [line for line in err.splitlines() if "Slack API unreachable" in line]
    assert retries and all(auth_test in line for line in retries), err[-3000:]


def test_serve_slack_gives_up_with_one_line_naming_the_url(tmp_path: Path,
                                                           corpus_copy: Path) -> None:
    with FakeSlackAPI() as api:
        api.down()
        auth_test = api.url + "auth.test"
        proc = start(api, tmp_path, corpus_copy, 1.5, free_port(), free_port())
        try:
            _, err = proc.communicate(timeout=60)
        finally:
            if proc.poll() is None:
                proc.kill()
    assert proc.returncode == 2, err[-3000:]
    assert "Traceback" not in err, err[-3000:]
    last = err.strip().splitlines()[-1]
    assert last.startswith(f"partnerbot: Slack API unreachable at {auth_test} ("), last
    assert "gave up after 1.5 s" in last
    refused = [line for line in err.splitlines() if "Connection refused" in line]
    assert len(refused) >= 2 and all(auth_test in line for line in refused), err[-3000:]


def test_socket_mode_is_ready_once_connected_and_stops_on_sigterm(tmp_path: Path,
                                                                  corpus_copy: Path) -> None:
    metrics_port = free_port()
    with FakeSlackAPI() as api, FakeSocketMode() as ws:
        api.socket_mode_url = ws.url
        proc = start(api, tmp_path, corpus_copy, 60, free_port(), metrics_port,
                     SLACK_APP_TOKEN="xapp-test")
        try:
            wait_health(proc, metrics_port, "ok")
            assert ws.connections == 1  # ready means the WebSocket is open
            event = message_event(QUESTION, mention=True)
            envelope = ws.send_envelope("events_api", event_callback(event))
            (reply,) = api.wait_for("chat.postMessage", timeout=30)
            assert "Kanagawa Prefecture" in reply.text_everywhere()
            wait_until(lambda: envelope in ws.acks, message="the envelope ack")
        finally:
            err = stop(proc)
    assert proc.returncode == 0, err[-3000:]
    assert "Traceback" not in err, err[-3000:]


@dataclasses.dataclass
class Heard:
    """A readiness listener that remembers what it was told."""

    said: list[str] = dataclasses.field(default_factory=list)

    def ready(self) -> None:
        self.said.append("ready")

    def not_ready(self, reason: str) -> None:
        self.said.append(reason)


def test_wait_for_slack_retries_5xx_and_stops_at_a_refused_token(settings: Settings) -> None:
    quick = Backoff(first=0.01, cap=0.02, give_up=5)
    with FakeSlackAPI() as api:
        cfg = dataclasses.replace(settings, slack_bot_token="xoxb-test", slack_api_url=api.url)
        api.error_next("auth.test", 503, times=2)
        heard = Heard()
        wait_for_slack(cfg, heard, quick)
        assert len(api.calls("auth.test")) == 3
        assert heard.said == [f"Slack API unreachable at {api.url}auth.test (HTTP 503)"] * 2

        api.fail_next("auth.test", "invalid_auth")
        with pytest.raises(SettingsError) as info:
            wait_for_slack(cfg, Heard(), quick)
        assert "SLACK_BOT_TOKEN" in str(info.value) and "invalid_auth" in str(info.value)
        assert "\n" not in str(info.value)
        assert len(api.calls("auth.test")) == 4  # a refused token is not retried
