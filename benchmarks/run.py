"""One command for every benchmark of issue 2's "Measured, not assumed" list.

    python -m benchmarks.run [--quick] [--sizes seed,10k,100k] [--json FILE] [--work DIR]
    python -m benchmarks.run --only load [--load-questions 200] [--load-senders 20]
    python -m benchmarks.run --only reindex [--quick] [--json FILE]

Prints plain-text tables: build throughput vs bare embedders, answer latency vs bare query
embedding + vector search (and peak RSS) per index size, flat vs HNSW search at the large sizes,
cold start of `partnerbot ask`, incremental reindex of one release into a ~10k index, and load
through the Slack and Telegram adapters with a reindex in the middle (`benchmarks/load.py`).
`--quick` (< ~2 min) does the seed corpus only, one round, a ~2k-passage reindex, a smaller load.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from benchmarks import latency as latency_mod
from benchmarks import load as load_mod
from benchmarks.build import build_throughput
from benchmarks.coldstart import cold_start
from benchmarks.measure import QA_FILE, Stopwatch, load_questions, machine, missing_questions
from benchmarks.reindex import incremental_reindex
from benchmarks.synth import NOISE, SeedVectors, dir_size_mb, write_tiled_index
from benchmarks.table import fmt, render
from partnerbot.bot.settings import BUNDLED_CORPUS, load_settings
from partnerbot.retrieval.embedders import Embedder, make_embedder
from partnerbot.retrieval.index import build_index, load_index
from partnerbot.retrieval.vector_store import APPROX_THRESHOLD

REPO = Path(__file__).resolve().parents[1]
TARGET_OVERHEAD = 0.5  # issue 2: the engine adds at most 50% on top of the bare path


@dataclass
class Config:
    sizes: list[int] = field(default_factory=lambda: [0, 10_000, 100_000])  # 0 = the seed
    rounds: int = 3
    cold_runs: int = 5
    reindex_passages: int = 10_000
    stores_from: int = 10_000  # compare flat vs HNSW at sizes from this one
    bare_sample: int | None = None  # texts the bare embedders time (None: all of them)
    corpus: Path = BUNDLED_CORPUS
    qa: Path = QA_FILE
    load_questions: int = 200  # per adapter; 0 skips the load section
    load_senders: int = 20


def parse_size(text: str) -> int:
    text = text.strip().lower()
    if text == "seed":
        return 0
    if text.endswith("k"):
        return int(float(text[:-1]) * 1000)
    return int(text)


def _size_label(n: int) -> str:
    return "seed" if n == 0 else (f"{n // 1000}k" if n % 1000 == 0 else str(n))


def run_benchmarks(cfg: Config, work: Path, embedders: Sequence[Embedder] | None = None,
                   log: Callable[[str], None] = print) -> dict[str, Any]:
    """Run every step; with injected `embedders` (tests' fake) latency runs in-process and
    the cold start (which needs the real console script) is skipped."""
    results: dict[str, Any] = {"machine_start": machine(), "config": {
        **asdict(cfg), "corpus": str(cfg.corpus), "qa": str(cfg.qa)}}
    with Stopwatch() as load:
        embs = list(embedders) if embedders is not None else [
            make_embedder(n) for n in load_settings(env={}).embedders]
    fake = embedders is not None
    results["embedders"] = [e.name for e in embs]
    results["embedders_load_s"] = load.seconds
    seed_dir = work / "seed" / "index"
    log("build: seed corpus, empty cache ...")
    results["build"] = build_throughput(cfg.corpus, seed_dir, embs, cfg.bare_sample)
    seed = load_index(seed_dir, embs)
    vectors = SeedVectors.of(seed)
    results["sizes"] = []
    for size in cfg.sizes:
        index_dir = seed_dir
        gen: dict[str, Any] = {}
        if size:
            index_dir = work / f"synthetic-{size}" / "index"
            log(f"synthetic index ~{size:,} passages ...")
            with Stopwatch() as sw:
                gen = write_tiled_index(seed, vectors, index_dir, size)
            gen["write_s"] = sw.seconds
        gen["index_mb"] = dir_size_mb(index_dir / "versions")
        log(f"latency at {_size_label(size)} ...")
        compare = bool(size) and size >= cfg.stores_from
        if fake:
            row = _latency_in_process(index_dir, cfg, embs, compare)
        else:
            row = _latency_subprocess(index_dir, cfg, compare)
        results["sizes"].append({"size": _size_label(size), **row, "synthetic": gen})
        if size:
            import shutil
            shutil.rmtree(index_dir.parent, ignore_errors=True)
    if cfg.cold_runs and not fake:
        log("cold start of `partnerbot ask` ...")
        results["cold_start"] = cold_start(seed_dir, cfg.cold_runs)
    if cfg.reindex_passages:
        log(f"incremental reindex into ~{cfg.reindex_passages:,} passages ...")
        results["reindex"] = incremental_reindex(list(seed.releases.values()), vectors,
                                                 len(seed.passages), work / "reindex",
                                                 cfg.reindex_passages, embs)
    if cfg.load_questions:
        results["load"] = run_load_section(cfg, work, embs, log)
    results["machine_end"] = machine()
    return results


def run_load_section(cfg: Config, work: Path, embs: Sequence[Embedder],
                     log: Callable[[str], None]) -> dict[str, Any]:
    load_cfg = load_mod.config_for(cfg.load_questions, cfg.load_senders, corpus=cfg.corpus,
                                   qa=cfg.qa)
    return load_mod.run_load(load_cfg, work / "load", embs, log)


def _latency_subprocess(index_dir: Path, cfg: Config, compare: bool) -> dict[str, Any]:
    cmd = [sys.executable, "-m", "benchmarks.latency", "--index", str(index_dir),
           "--corpus", str(cfg.corpus), "--qa", str(cfg.qa), "--rounds", str(cfg.rounds)]
    if compare:
        cmd.append("--stores")
    env = {k: v for k, v in os.environ.items() if not k.startswith("PARTNERBOT_")}
    done = subprocess.run(cmd, cwd=REPO, env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"latency worker failed: {done.stderr.strip()[-2000:]}")
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def _latency_in_process(index_dir: Path, cfg: Config, embs: Sequence[Embedder],
                        compare: bool) -> dict[str, Any]:
    from partnerbot.bot.engine import Engine

    settings = load_settings(env={}, corpus_dir=cfg.corpus, index_dir=index_dir,
                             data_dir=index_dir.parent / "data")
    engine = Engine.open(settings, embedders=list(embs))
    questions = load_questions(cfg.qa)
    row: dict[str, Any] = {"passages": engine.admin.status().passages, "open_s": None,
                           "peak_rss_mb": None}
    row.update(latency_mod.measure_latency(engine, questions, cfg.rounds))
    if compare:
        row["stores"] = latency_mod.compare_stores(engine, questions)
    return row


# ---- the report ---------------------------------------------------------------------------

def report(results: dict[str, Any]) -> str:
    """All tables as plain text, in the order of issue 2's list."""
    m0, m1 = results["machine_start"], results.get("machine_end", results["machine_start"])
    out = [f"partnerbot benchmarks, {m0['date']}: {m0['nproc']} cpus ({m0['cpu']}), "
           f"{m0['ram_gib']} GiB RAM, load average {_load(m0)} at start, {_load(m1)} at end",
           f"embedders: {', '.join(results['embedders'])} (loaded in "
           f"{results['embedders_load_s']:.1f} s)", ""]
    b = results["build"]
    sampled = (f"; bare rates timed on {b['bare_sample']} evenly spaced texts, totals "
               f"extrapolated" if b.get("bare_sample") else "")
    out.append(f"1. Index build, seed corpus ({b['releases']} releases, {b['passages']} passages, "
               f"{b['sentences']} sentences), empty embedding cache{sampled}")
    rows = [["build_index (all embedders + sentences)", fmt(b["build_s"]),
             fmt(b["build_passages_per_s"])]]
    for name, secs in b["bare_s"].items():
        rows.append([f"bare {name} encode_passages", fmt(secs),
                     fmt(b["bare_passages_per_s"][name])])
    rows.append([f"bare {b['sentence_embedder']} on {b['sentences']} sentences",
                 fmt(b["bare_sentences_s"]), fmt(b["bare_sentences_per_s"])])
    rows.append(["bare total (what build_index must embed)", fmt(b["bare_total_s"]),
                 fmt(b["bare_total_passages_per_s"])])
    out += [render(["step", "seconds", "passages/s"], rows),
            f"build adds {b['build_overhead']:+.0%} on top of the bare embedders "
            f"(sentence row: sentences/s)", ""]
    sizes = results["sizes"]
    if sizes:
        r0 = sizes[0]
        out.append(f"2. Answer latency, {r0['questions']} eval questions x {r0['rounds']} "
                   f"round(s), warm; bare = each embedder's encode_queries + FaissStore.search"
                   f"(k={r0['candidates']}), summed; 3. peak RSS of that process")
        rows = []
        for r in sizes:
            kinds = sorted({s["served"] for n, s in r.get("stores", {}).items() if n != "engine"})
            over = r["overhead_p50"]
            rows.append([r["size"], fmt(r["passages"]), "/".join(kinds) or _kind(r["passages"]),
                         fmt(r["answer_p50_ms"]), fmt(r["answer_p95_ms"]),
                         fmt(r["bare_p50_ms"]), fmt(r["bare_p95_ms"]), f"{over:+.0%}",
                         "yes" if over <= TARGET_OVERHEAD else "NO",
                         fmt(r["retriever_embed_p50_ms"]), fmt(r["retriever_search_p50_ms"]),
                         fmt(r.get("open_s"), 2), fmt(r.get("peak_rss_mb"), 0)])
        out += [render(["size", "passages", "vectors", "answer p50", "p95", "bare p50", "p95",
                        "engine adds", "<=50%", "embed p50", "search p50", "open s",
                        "peak RSS MB"], rows),
                "(ms unless noted; embed/search p50 = the engine's own Retriever.embed and "
                "hybrid Retriever.search, timed apart)", ""]
    store_rows: list[list[str]] = []
    engine_rows: list[list[str]] = []
    for r in sizes:
        for name, s in r.get("stores", {}).items():
            if name == "engine":
                engine_rows.append([r["size"], fmt(s["answer_p50_ms_hnsw"]),
                                    fmt(s["answer_p50_ms_flat"]),
                                    f"{s['same_answers']}/{s['questions']}",
                                    f"{s['same_control']}/{s['questions']}"])
                continue
            cells = [r["size"], name.split(":")[0], s["served"], fmt(s["flat_p50_ms"], 2)]
            for ef in latency_mod.EF_SEARCH:
                e = s[f"ef{ef}"]
                cells += [fmt(e["hnsw_p50_ms"], 2), f"{e['recall_at_10']:.2f}/"
                          f"{e['content_recall_at_10']:.2f}"]
            store_rows.append([*cells, fmt(s["hnsw_build_s"])])
    if store_rows:
        ef_cols = [c for ef in latency_mod.EF_SEARCH for c in (f"ef{ef} ms", "recall")]
        out += [f"Flat vs HNSW (APPROX_THRESHOLD = {APPROX_THRESHOLD:,}; FaissStore sets "
                f"efSearch 128): single-query search p50 ms, k={sizes[0]['candidates']}; recall = "
                f"recall@10 of HNSW against flat, by position / by content (which seed passage "
                f"a tiled vector comes from); eval questions as queries",
                render(["size", "embedder", "served", "flat ms", *ef_cols, "hnsw build s"],
                       store_rows), ""]
    if engine_rows:
        out += ["The engine with HNSW vs flat stores swapped in (same process, same questions)",
                render(["size", "answer p50 hnsw", "answer p50 flat", "same answers",
                        "hnsw vs hnsw again"],
                       engine_rows), ""]
    if "cold_start" in results:
        c = results["cold_start"]
        out += [f"4. Cold start: `partnerbot ask` on the seed index, {c['runs']} runs",
                render(["median s", "min s", "max s"],
                       [[fmt(c["median_s"], 2), fmt(c["min_s"], 2), fmt(c["max_s"], 2)]]), ""]
    if "reindex" in results:
        x = results["reindex"]
        out += [f"5. Incremental reindex: one new release ({x['new_release_passages']} passages, "
                f"{x['new_release_sentences']} sentences) into {x['passages']:,} passages "
                f"({x['releases']:,} releases), other vectors cached",
                render(["step", "seconds"], [
                    [f"build_index, all cached ({x['cached_build_embedded']} embedded)",
                     fmt(x["cached_build_s"])],
                    [f"build_index with the new release ({x['incremental_embedded']} embedded)",
                     fmt(x["incremental_s"])],
                    ["embed the new release alone (bare)", fmt(x["embed_new_release_s"])],
                    ["difference (what the reindex adds)", fmt(x["overhead_s"])]]), ""]
    if "load" in results:
        out += [load_mod.report(results["load"])]
    synth = [r for r in sizes if r.get("synthetic", {}).get("copies")]
    if synth:
        out.append("Synthetic sizes: the seed corpus tiled (copy 0 real; other copies tagged "
                   f"texts, seed vectors + noise {NOISE}); written in "
                   + ", ".join(f"{r['size']} {r['synthetic']['write_s']:.0f} s "
                               f"({r['synthetic']['index_mb']:.0f} MB)" for r in synth))
    return "\n".join(out).rstrip() + "\n"


def run_only_load(cfg: Config, work: Path, embedders: Sequence[Embedder] | None = None,
                  log: Callable[[str], None] = print) -> dict[str, Any]:
    """`--only load`: the load section alone, with the default embedders."""
    results: dict[str, Any] = {"machine_start": machine()}
    embs = list(embedders) if embedders is not None else [
        make_embedder(n) for n in load_settings(env={}).embedders]
    results["load"] = run_load_section(cfg, work, embs, log)
    results["machine_end"] = machine()
    return results


def run_only_reindex(cfg: Config, work: Path, embedders: Sequence[Embedder] | None = None,
                     log: Callable[[str], None] = print) -> dict[str, Any]:
    """`--only reindex`: the seed index (for its vectors), then one release added to
    ~`cfg.reindex_passages` passages through `Admin.add`."""
    results: dict[str, Any] = {"machine_start": machine()}
    embs = list(embedders) if embedders is not None else [
        make_embedder(n) for n in load_settings(env={}).embedders]
    seed_dir = work / "seed" / "index"
    log("seed index ...")
    build_index(cfg.corpus, seed_dir, embs)
    seed = load_index(seed_dir, embs)
    log(f"incremental reindex into ~{cfg.reindex_passages:,} passages ...")
    results["reindex"] = incremental_reindex(list(seed.releases.values()), SeedVectors.of(seed),
                                             len(seed.passages), work / "reindex",
                                             cfg.reindex_passages, embs)
    results["machine_end"] = machine()
    return results


def _reindex_report(x: dict[str, Any]) -> str:
    return (f"incremental reindex: {x['new_passages']} new passages into "
            f"{x['passages_in_index']:,}: {x['seconds']:.2f} s confirmed -> answerable "
            f"(registry {x['registry_seconds']:.2f} s); bare embedding {x['bare_embed_seconds']:.2f}"
            f" s; target <= {x['target_seconds']:.2f} s\n")


def _header(results: dict[str, Any]) -> str:
    m0, m1 = results["machine_start"], results.get("machine_end", results["machine_start"])
    return (f"partnerbot benchmarks, {m0['date']}: {m0['nproc']} cpus ({m0['cpu']}), "
            f"{m0['ram_gib']} GiB RAM, load average {_load(m0)} at start, {_load(m1)} at end\n")


def _load(m: dict[str, Any]) -> str:
    return " ".join(f"{x:.2f}" for x in m["loadavg"])


def _kind(passages: int) -> str:
    return "hnsw" if passages >= APPROX_THRESHOLD else "flat"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.run", description=__doc__.split("\n\n")[0],
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog="examples:\n  python -m benchmarks.run --quick\n"
               "  python -m benchmarks.run --json bench.json\n"
               "  python -m benchmarks.run --sizes seed,10k")
    parser.add_argument("--quick", action="store_true",
                        help="seed corpus only, 1 round, 2 cold starts, ~2k-passage reindex, "
                             "bare embedders timed on 32 of the texts")
    parser.add_argument("--sizes", help="index sizes: seed, 10k, 100k, or numbers")
    parser.add_argument("--rounds", type=int, help="timed passes over the eval questions")
    parser.add_argument("--only", choices=["load", "reindex"],
                        help="run one section alone (load: the Slack/Telegram load test; "
                             "reindex: one release into ~10k passages)")
    parser.add_argument("--load-questions", type=int, metavar="N",
                        help="questions per adapter in the load section (0: skip it)")
    parser.add_argument("--load-senders", type=int, metavar="N",
                        help="concurrent senders in the load section")
    parser.add_argument("--json", type=Path, metavar="FILE", help="also write all figures")
    parser.add_argument("--work", type=Path, metavar="DIR",
                        help="where indexes are built (default: a temp dir, removed)")
    parser.add_argument("--qa", type=Path, default=QA_FILE, metavar="FILE",
                        help="the questions timed (default: ../shared/eval/seeds/qa.jsonl)")
    args = parser.parse_args(argv)
    log = lambda text: print(text, file=sys.stderr, flush=True)  # noqa: E731
    reason = missing_questions(args.qa)
    if reason and args.only != "load":  # the load section has questions of its own
        log(f"benchmarks skipped: {reason}")
        return 0
    cfg = Config()
    if args.quick:
        cfg = Config(sizes=[0], rounds=1, cold_runs=2, reindex_passages=2_000, bare_sample=32,
                     load_questions=60, load_senders=10)
    if args.sizes:
        cfg.sizes = [parse_size(s) for s in args.sizes.split(",") if s.strip()]
    if args.rounds:
        cfg.rounds = args.rounds
    if args.load_questions is not None:
        cfg.load_questions = args.load_questions
    if args.load_senders:
        cfg.load_senders = args.load_senders
    cfg.qa = args.qa
    run = {"load": run_only_load, "reindex": run_only_reindex}.get(args.only or "",
                                                                 run_benchmarks)
    if args.work:
        args.work.mkdir(parents=True, exist_ok=True)
        results = run(cfg, args.work, log=log)
    else:
        with tempfile.TemporaryDirectory(prefix="partnerbot-bench-") as tmp:
            results = run(cfg, Path(tmp), log=log)
    if args.only == "reindex":
        print(_header(results) + "\n" + _reindex_report(results["reindex"]), end="")
    else:
        print(report(results) if args.only is None else _header(results) + "\n"
              + load_mod.report(results["load"]), end="")
    if args.json:
        args.json.write_text(json.dumps(results, indent=1, ensure_ascii=False) + "\n",
                             encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
