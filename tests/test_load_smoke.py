"""The load benchmark's quick variant: 40 questions from 8 senders through the real Slack and
Telegram adapters (fake platform APIs, fake embedder), with an admin reindex in the middle.

No timing is asserted: only that nothing failed, nothing was lost or sent twice, and that
every reply came from the old or the new index, never from a mix of the two.
"""

from __future__ import annotations

from pathlib import Path

from benchmarks.load import config_for, report, run_load
from tests.conftest import EVAL_SEEDS, HashEmbedder


def test_load_with_a_reindex_in_the_middle(tmp_path: Path) -> None:
    cfg = config_for(40, 8, qa=EVAL_SEEDS / "qa.jsonl")
    results = run_load(cfg, tmp_path, embedders=[HashEmbedder()], log=lambda _: None)
    assert [r["adapter"] for r in results["runs"]] == ["slack", "telegram"]
    for run in results["runs"]:
        name = run["adapter"]
        assert run["sent"] == 40, name
        assert (run["errors"], run["lost"], run["duplicated"]) == (0, 0, 0), (name, run)
        assert run["reindex_done"], (name, run["reindex_failed"])
        assert run["swaps"] == 1 and run["version_after"] != run["version_before"], name
        assert run["versions"]["mixed"] == 0, name
        assert run["out_of_order"] == 0, name
        # the held-back tail is answered after the reindex reported back: by the new index
        assert run["versions"]["new"] >= 1, (name, run["versions"])
    assert "6. Load" in report(results)
