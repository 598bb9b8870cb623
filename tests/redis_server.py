"""A real `redis-server` for tests: 127.0.0.1, a free port, no persistence, its own temp dir.

Never the system instance on 6379 (installing Debian's package may have started one). Tests
that need Redis skip when `redis-server` is not installed, except under CI (`CI` set), where
a missing server fails the run instead of silently skipping what it should test.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import time
from pathlib import Path

import pytest
import redis


def redis_server_binary() -> str:
    """The path of `redis-server`; skips the test (fails it under CI) when there is none."""
    path = shutil.which("redis-server")
    if path is None:
        reason = ("redis-server is not on PATH: install Debian's redis-server "
                  "(see README, Run the tests) to run the multi-replica tests")
        if os.environ.get("CI"):
            pytest.fail(reason + " (CI is set, so this is a failure, not a skip)")
        pytest.skip(reason)
    return path


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class RedisServer:
    """One server process that a test can stop and start again on the same port."""

    def __init__(self, workdir: Path, port: int | None = None) -> None:
        self.binary = redis_server_binary()
        self.workdir = workdir
        self.port = port or free_port()
        self._proc: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self, timeout: float = 10.0) -> None:
        self.workdir.mkdir(parents=True, exist_ok=True)
        log = (self.workdir / "redis.log").open("ab")
        self._proc = subprocess.Popen(
            [self.binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no", "--dir", str(self.workdir), "--daemonize", "no"],
            stdout=log, stderr=subprocess.STDOUT, cwd=self.workdir)
        log.close()
        client = redis.Redis(host="127.0.0.1", port=self.port, socket_connect_timeout=0.2,
                             socket_timeout=0.5)
        deadline = time.monotonic() + timeout
        try:
            while True:
                try:
                    if client.ping():
                        return
                except redis.RedisError:
                    pass
                if self._proc.poll() is not None or time.monotonic() > deadline:
                    output = (self.workdir / "redis.log").read_text(errors="replace")[-2000:]
                    self.stop()
                    raise RuntimeError(f"redis-server on port {self.port} did not answer "
                                       f"PING:\n{output}")
                time.sleep(0.02)
        finally:
            client.close()

    def stop(self) -> None:
        proc, self._proc = self._proc, None
        if proc is None:
            return
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(5)

    def __enter__(self) -> RedisServer:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()
