"""The benchmark command's quick path runs end to end (fake embedder, seed corpus, seconds).

The benchmarks themselves are not part of the suite; this only keeps `python -m benchmarks.run`
from rotting when the index layout or the engine's API changes.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from benchmarks.run import Config, main, report, run_benchmarks
from tests.conftest import EVAL_SEEDS, HashEmbedder, shared_file


def test_quick_report_with_fake_embedder(tmp_path: Path) -> None:
    qa = tmp_path / "qa.jsonl"
    lines = shared_file(EVAL_SEEDS / "qa.jsonl").read_text(encoding="utf-8").splitlines()[:6]
    qa.write_text("\n".join(lines) + "\n", encoding="utf-8")
    cfg = Config(sizes=[0, 500], rounds=1, cold_runs=0, reindex_passages=300, stores_from=500,
                 qa=qa, load_questions=0)  # the load section has its own test (test_load_smoke)
    results = run_benchmarks(cfg, tmp_path / "work", embedders=[HashEmbedder()],
                             log=lambda _: None)
    text = report(results)
    for heading in ("1. Index build", "2. Answer latency", "Flat vs HNSW",
                    "5. Incremental reindex"):
        assert heading in text
    sizes = {r["size"]: r for r in results["sizes"]}
    assert sizes["seed"]["passages"] > 50 and sizes["500"]["passages"] >= 400
    assert sizes["500"]["stores"]["test:hash"]["recall_at_10"] > 0.5
    assert results["reindex"]["cached_build_embedded"] == 0
    assert 0 < results["reindex"]["incremental_embedded"] <= results["reindex"]["passages"]
    json.dumps(results)  # --json must be able to write it


def test_without_the_eval_questions_it_skips_in_one_line(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A clone without ../shared: the benchmark says why it does nothing, in one line."""
    missing = tmp_path / "qa.jsonl"
    assert main(["--quick", "--qa", str(missing), "--work", str(tmp_path / "work")]) == 0
    out, err = capsys.readouterr()
    assert out == ""
    [line] = err.splitlines()
    assert line.startswith("benchmarks skipped: ") and str(missing) in line
    assert not (tmp_path / "work").exists() or not any((tmp_path / "work").iterdir())


def test_the_reading_benchmark_reads_a_file_of_each_type() -> None:
    from benchmarks.reading import MAKERS, read_largest, report

    rows = read_largest(1, list(MAKERS))
    assert [r["type"] for r in rows] == list(MAKERS)
    assert all(str(r["outcome"]).startswith("read:") for r in rows), rows
    assert all(0.5 < float(str(r["mib"])) <= 1 for r in rows if r["type"] != ".docx"), rows
    assert ".pdf" in report(rows, 1)
