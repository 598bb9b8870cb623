"""A damaged release cache and a misplaced index setting, through the real command line
(tests/fakes/hash_cli.py, the fake embedder): the cache is disposable, so a damaged one is
dropped and rebuilt with one warning line; a bad setting is one line naming it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from partnerbot.retrieval.index import current_version, load_index
from partnerbot.retrieval.release_cache import CACHE_FILE
from tests.conftest import HashEmbedder
from tests.test_faults_index import KANAGAWA, NEW_RELEASE, cli, damage


@pytest.fixture
def built(bundled_index: Path) -> Path:
    """A copy of the session's bundled-corpus index (tests/conftest.py), to damage."""
    return bundled_index


def damage_cache(index_dir: Path) -> Path:
    cache = index_dir / "cache" / CACHE_FILE
    assert cache.exists()
    cache.write_bytes(b"this is not a database, it was overwritten\n" * 100)
    return cache


def lines_of(stderr: str) -> list[str]:
    assert "Traceback" not in stderr, stderr
    return [line for line in stderr.splitlines() if line.strip()]


def cache_warnings(stderr: str) -> list[str]:
    return [line for line in lines_of(stderr) if CACHE_FILE in line]


def test_index_rebuild_drops_a_damaged_release_cache(built: Path, corpus_copy: Path) -> None:
    cache = damage_cache(built)
    proc = cli("index", "--rebuild", "--json", "--index", str(built),
               "--corpus", str(corpus_copy))
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["changed"]
    (warning,) = cache_warnings(proc.stderr)
    assert "damaged" in warning and "rebuilt" in warning
    assert len(lines_of(proc.stderr)) == 1
    assert cache.read_bytes().startswith(b"SQLite format 3")  # a new cache, used again
    again = cli("index", "--rebuild", "--index", str(built), "--corpus", str(corpus_copy))
    assert again.returncode == 0 and lines_of(again.stderr) == []


def test_add_with_a_damaged_release_cache_adds_and_indexes(built: Path,
                                                           corpus_copy: Path,
                                                           tmp_path: Path) -> None:
    damage_cache(built)
    new = tmp_path / "basel.txt"
    new.write_text(NEW_RELEASE, encoding="utf-8")
    old = current_version(built)
    proc = cli("add", str(new), "--index", str(built), "--corpus", str(corpus_copy))
    assert proc.returncode == 0, proc.stderr
    assert len(cache_warnings(proc.stderr)) == 1 and len(lines_of(proc.stderr)) == 1
    assert current_version(built) != old
    index = load_index(built, [HashEmbedder()])
    assert any("Basel" in r.title for r in index.releases.values())


def test_ask_with_a_damaged_version_and_a_damaged_cache_answers(built: Path,
                                                                corpus_copy: Path) -> None:
    damage(built, "truncated vectors")
    damage_cache(built)
    proc = cli("ask", KANAGAWA, "--json", "--index", str(built), "--corpus", str(corpus_copy))
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["kind"] == "answer"
    lines = lines_of(proc.stderr)
    assert len(lines) == 2, lines  # the damaged version, the damaged cache: both repaired
    assert not any("run `partnerbot index --rebuild`" in line for line in lines), lines
    load_index(built, [HashEmbedder()])


@pytest.mark.parametrize("command", [["ask", KANAGAWA], ["index"], ["status"]])
def test_an_index_dir_that_is_a_file_is_one_line_naming_the_setting(
        tmp_path: Path, corpus_copy: Path, command: list[str]) -> None:
    not_a_dir = tmp_path / "index"
    not_a_dir.write_text("a file, not a directory\n", encoding="utf-8")
    proc = cli(*command, env={"PARTNERBOT_INDEX_DIR": str(not_a_dir),
                              "PARTNERBOT_CORPUS_DIR": str(corpus_copy)})
    assert proc.returncode == 2, proc.stderr
    (line,) = lines_of(proc.stderr)
    assert "PARTNERBOT_INDEX_DIR" in line and str(not_a_dir) in line and "directory" in line
