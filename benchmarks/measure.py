"""Small measuring helpers shared by the benchmark steps."""

from __future__ import annotations

import json
import os
import platform
import resource
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np

# The eval seed questions: ../shared beside the repository, which a clone may not have.
QA_FILE = Path(__file__).resolve().parents[2] / "shared" / "eval" / "seeds" / "qa.jsonl"


def missing_questions(path: Path) -> str | None:
    """Why the benchmark questions can't be read (one line), or None when they can."""
    if path.is_file():
        return None
    return (f"{path} is not there (the eval seed questions in ../shared beside the "
            "repository); pass --qa FILE")


def percentile(values: Sequence[float], q: float) -> float:
    """Linear-interpolated percentile; NaN for no values (a table shows it as `-`)."""
    return float(np.percentile(np.asarray(values, dtype=np.float64), q)) if values else float("nan")


def peak_rss_mb() -> float:
    """High-water resident set size of this process, in MB (MiB).

    Linux's `getrusage().ru_maxrss` survives fork and exec: a worker started by a parent that
    holds a 2.6 GB synthetic index reports 2.6 GB before it has done anything. `VmHWM` in
    /proc/self/status belongs to the process's own address space, so it is used when present.
    """
    try:
        with open("/proc/self/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return rusage_maxrss_mb()


def rusage_maxrss_mb() -> float:
    """`resource.getrusage` high-water RSS (Linux reports KiB); inherited across exec."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


@dataclass
class Stopwatch:
    """`with Stopwatch() as sw: ...; sw.seconds` — monotonic wall time of a block."""

    seconds: float = 0.0
    _start: float = 0.0

    def __enter__(self) -> Stopwatch:
        self._start = time.perf_counter()
        return self

    def __exit__(self, *exc: object) -> None:
        self.seconds = time.perf_counter() - self._start


def load_questions(path: Path = QA_FILE) -> list[str]:
    """The eval questions: the query load of every latency measurement."""
    with path.open(encoding="utf-8") as fh:
        return [json.loads(line)["question"] for line in fh if line.strip()]


def machine() -> dict[str, Any]:
    """What the numbers were measured on; load matters because other jobs share the cores."""
    mem_kb = 0
    with open("/proc/meminfo", encoding="ascii") as fh:
        for line in fh:
            if line.startswith("MemTotal:"):
                mem_kb = int(line.split()[1])
    return {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "nproc": os.cpu_count(),
        "ram_gib": round(mem_kb / 1024 / 1024, 1),
        "loadavg": [round(x, 2) for x in os.getloadavg()],
        "python": platform.python_version(),
        "cpu": _cpu_model(),
    }


def _cpu_model() -> str:
    try:
        with open("/proc/cpuinfo", encoding="ascii", errors="replace") as fh:
            for line in fh:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"
