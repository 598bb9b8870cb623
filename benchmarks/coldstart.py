"""Cold start of the `partnerbot ask` console script on an existing index: what a user waits
for from pressing Enter to reading the answer (interpreter, imports, models, index, answer)."""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

from benchmarks.measure import Stopwatch

QUESTION = "When did LINK-J sign with Kanagawa Prefecture?"


def partnerbot_script() -> str:
    """The console script of the venv running the benchmarks, else the one on PATH."""
    beside = Path(sys.executable).parent / "partnerbot"
    return str(beside) if beside.exists() else (shutil.which("partnerbot") or "partnerbot")


def cold_start(index_dir: Path, runs: int, question: str = QUESTION) -> dict[str, Any]:
    """Median wall time of `partnerbot ask --index DIR QUESTION` over `runs` fresh processes,
    with a pinned environment (no PARTNERBOT_* variables, no user config)."""
    times: list[float] = []
    first_line = ""
    with tempfile.TemporaryDirectory(prefix="partnerbot-home-") as home:
        env = {k: v for k, v in os.environ.items() if not k.startswith("PARTNERBOT_")}
        env.update(HOME=home, XDG_DATA_HOME=f"{home}/data", XDG_CONFIG_HOME=f"{home}/config")
        cmd = [partnerbot_script(), "ask", "--index", str(index_dir), question]
        for _ in range(runs):
            with Stopwatch() as sw:
                done = subprocess.run(cmd, env=env, capture_output=True, text=True, check=False)
            if done.returncode != 0:
                raise RuntimeError(f"partnerbot ask failed ({done.returncode}): "
                                   f"{done.stderr.strip().splitlines()[-1:]}")
            times.append(sw.seconds)
            first_line = done.stdout.strip().splitlines()[0] if done.stdout.strip() else ""
    return {"runs": runs, "median_s": statistics.median(times), "min_s": min(times),
            "max_s": max(times), "question": question, "first_line": first_line}
