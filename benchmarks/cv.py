"""Group k-fold cross-validation of the fitted reader over the public sets, and the fit itself.

    python -m benchmarks.cv [--folds 5] [--ablation] [--details DIR] [--json FILE]
    python -m benchmarks.cv --fit          # writes bot/data/reader_weights.json

One corpus: the releases of ../shared/eval/dev and tune (the seed releases are among dev's),
indexed once. Questions: seeds, dev and tune (plus the training-only questions of
tests/data/xling_train.jsonl, never reported as a quality figure). Folds are groups: releases
of one partnership (`pair_of`, `same_partnership_as`, `translation_of`) fall in one fold, and a
question goes with the fold of its gold releases (an unanswerable one by its id). Each fold's
questions are answered end to end (the engine, as chat would) with weights fitted on the other
folds only; the same questions answered with weights fitted on everything are the in-sample
figures. Both are scored by ../shared/eval/scoring/score_reader.py, the hidden sets' scorer.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import shutil
import subprocess
import sys
import zlib
from collections.abc import Callable, Collection, Mapping, Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any

from benchmarks import folds
from benchmarks.reader_fit import CaseRows, collect, fit
from partnerbot.bot.answer.features import RELEASE_GROUPS, SENTENCE_GROUPS
from partnerbot.bot.answer.weights import Weights, write_weights
from partnerbot.bot.engine import Engine
from partnerbot.bot.ops.evaluation import QACase, read_qa
from partnerbot.bot.settings import load_settings
from partnerbot.bot.types import Question

REPO = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("PARTNERBOT_TEST_SHARED_DIR") or REPO.parent / "shared") / "eval"
WEIGHTS_FILE = REPO / "bot" / "data" / "reader_weights.json"
TRAIN_ONLY = REPO / "tests" / "data" / "xling_train.jsonl"
REPORTED = ("seeds", "dev", "tune")
FIGURES = ("recall_at_1", "xling_recall_at_1", "lead_accuracy", "answer_accuracy",
           "xling_accuracy", "abstain_unanswerable", "false_abstain", "median_reply_chars")


def public_corpus(work: Path) -> Path:
    """dev + tune releases in one folder with one manifest (ids never collide)."""
    out = work / "corpus"
    if (out / "docs.jsonl").exists():
        return out
    out.mkdir(parents=True, exist_ok=True)
    lines: list[str] = []
    for name in ("dev", "tune"):
        for f in sorted((SHARED / name / "docs").glob("*.txt")):
            shutil.copy(f, out / f.name)
        lines.extend(ln for ln in (SHARED / name / "docs.jsonl").read_text(
            encoding="utf-8").splitlines() if ln.strip())
    (out / "docs.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return out


def question_sets() -> dict[str, list[QACase]]:
    sets = {name: read_qa(SHARED / name / "qa.jsonl") for name in REPORTED}
    if TRAIN_ONLY.exists():
        sets["train"] = read_qa(TRAIN_ONLY)
    return sets


def partnership_groups(manifest: Path) -> dict[str, str]:
    """Release id -> a representative of its partnership, from a docs.jsonl manifest."""
    lines = manifest.read_text(encoding="utf-8").splitlines()
    return folds.partnership_groups(json.loads(line) for line in lines if line.strip())


def assign_folds(cases: Sequence[QACase], groups: Mapping[str, str], k: int) -> dict[str, int]:
    """qid -> fold. A question joins its gold releases' partnership (questions over two
    partnerships join them); groups go to the emptiest fold, largest first."""
    parent: dict[str, str] = {}

    def find(x: str) -> str:
        parent.setdefault(x, x)
        while parent[x] != x:
            x = parent[x]
        return x

    for case in cases:
        reps = [groups.get(d, d) for d in case.doc_ids]
        for a, b in itertools.pairwise(reps):
            parent[find(a)] = find(b)
    members: dict[str, list[str]] = {}
    unanswerable: list[str] = []
    for case in cases:
        if case.doc_ids:
            members.setdefault(find(groups.get(case.doc_ids[0], case.doc_ids[0])), []).append(
                case.qid)
        else:
            unanswerable.append(case.qid)
    sizes = [0] * k
    fold: dict[str, int] = {}
    for _, qids in sorted(members.items(), key=lambda kv: (-len(kv[1]), kv[0])):
        f = min(range(k), key=lambda i: (sizes[i], i))
        sizes[f] += len(qids)
        fold.update(dict.fromkeys(qids, f))
    for qid in unanswerable:
        fold[qid] = zlib.crc32(qid.encode()) % k
    return fold


def open_engine(work: Path) -> Engine:
    corpus = public_corpus(work)
    settings = load_settings(corpus_dir=corpus, index_dir=work / "index")
    engine = Engine.open(settings)
    view = engine.live.current()
    query = view.query
    # the same question is embedded once however many configurations answer it
    view.query = lru_cache(maxsize=None)(query)  # type: ignore[method-assign]
    return engine


def answer_all(engine: Engine, cases: Sequence[QACase], weights_of: Callable[[str], Weights],
               ) -> list[dict[str, Any]]:
    """`eval --details` rows, each question answered with the weights its fold gets."""
    rows: list[dict[str, Any]] = []
    for case in cases:
        engine.reader_weights = weights_of(case.qid)
        answer = engine.answer(Question(text=case.question, platform="eval"))
        rows.append({"qid": case.qid, "question": case.question, **answer.to_dict(),
                     "explain": answer.explanation})
    engine.reader_weights = None
    return rows


def score(qa: Path, rows: Sequence[dict[str, Any]], corpus: Path, scratch: Path) -> dict[str, Any]:
    """The hidden sets' scorer on these rows."""
    details = scratch / f"{qa.parent.name}-{os.getpid()}.jsonl"
    details.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows),
                       encoding="utf-8")
    done = subprocess.run([sys.executable, str(SHARED / "scoring" / "score_reader.py"), str(qa),
                           str(details)], capture_output=True, text=True, check=True,
                          env={**os.environ, "CORPUS_DIR": str(corpus)})
    return dict(json.loads(done.stdout.strip().splitlines()[0]))


def cross_validate(engine: Engine, sets: Mapping[str, list[QACase]], rows: Mapping[str, CaseRows],
                   folds: Mapping[str, int], k: int, release: Collection[str],
                   sentence: Collection[str], work: Path,
                   details: Path | None = None) -> dict[str, dict[str, Any]]:
    """Out-of-fold and in-sample figures per reported set, for one feature configuration."""
    every = [c for cases in sets.values() for c in cases]
    fold_weights = [fit([rows[c.qid] for c in every if folds[c.qid] != f], release, sentence)
                    for f in range(k)]
    full = fit([rows[c.qid] for c in every], release, sentence)
    corpus = public_corpus(work)
    out: dict[str, dict[str, Any]] = {}
    for name in REPORTED:
        cases = sets[name]
        oof = answer_all(engine, cases, lambda qid: fold_weights[folds[qid]])
        ins = answer_all(engine, cases, lambda qid: full)
        qa = SHARED / name / "qa.jsonl"
        out[name] = {"oof": score(qa, oof, corpus, work), "in": score(qa, ins, corpus, work)}
        if details is not None:
            details.mkdir(parents=True, exist_ok=True)
            for tag, got in (("oof", oof), ("in", ins)):
                (details / f"{name}.{tag}.details.jsonl").write_text(
                    "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in got),
                    encoding="utf-8")
    return out


def ablation_configs() -> list[tuple[str, frozenset[str], frozenset[str]]]:
    """Baseline (e5 release ranking, e5 sentence similarity), then each group added."""
    configs: list[tuple[str, frozenset[str], frozenset[str]]] = []
    rel: set[str] = set(RELEASE_GROUPS["e5"])
    sen: set[str] = set(SENTENCE_GROUPS["e5"])
    configs.append(("baseline: e5 only", frozenset(rel), frozenset(sen)))
    for group in ("use", "bm25", "lang", "coverage"):
        rel |= set(RELEASE_GROUPS[group])
        configs.append((f"+ release {group}", frozenset(rel), frozenset(sen)))
    for group in ("overlap", "kind", "shape"):
        sen |= set(SENTENCE_GROUPS[group])
        configs.append((f"+ sentence {group}", frozenset(rel), frozenset(sen)))
    for group in ("hanja", "romaji"):
        rel |= set(RELEASE_GROUPS[group])
        configs.append((f"+ bridge {group}", frozenset(rel), frozenset(sen)))
    return configs


def _table(results: Mapping[str, Mapping[str, Any]]) -> str:
    lines = [f"{'set':6} {'figure':22} {'out-of-fold':>11} {'in-sample':>10}"]
    for name, res in results.items():
        for fig in FIGURES:
            lines.append(f"{name:6} {fig:22} {res['oof'].get(fig)!s:>11} {res['in'].get(fig)!s:>10}")
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m benchmarks.cv", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--folds", type=int, default=5)
    p.add_argument("--work", default="/tmp/partnerbot-cv",
                   help="corpus copy and index (kept between runs: the embeddings are cached)")
    p.add_argument("--fit", action="store_true",
                   help=f"fit on every public question and write {WEIGHTS_FILE.relative_to(REPO)}")
    p.add_argument("--ablation", action="store_true", help="every configuration, out of fold")
    p.add_argument("--details", help="write eval --details files (oof and in-sample) here")
    p.add_argument("--json", help="write the figures here as JSON")
    args = p.parse_args(argv)
    work = Path(args.work)
    work.mkdir(parents=True, exist_ok=True)
    engine = open_engine(work)
    view = engine.live.current()
    sets = question_sets()
    every = [c for cases in sets.values() for c in cases]
    rows = {c.qid: collect(c, view) for c in every}
    if args.fit:
        weights = fit(list(rows.values()), meta={"questions": len(every),
                                                 "sets": sorted(sets)})
        write_weights(weights, WEIGHTS_FILE)
        print(f"wrote {WEIGHTS_FILE} ({len(weights.release.coef)} release and "
              f"{len(weights.sentence.coef)} sentence weights)")
        return 0
    folds = assign_folds(every, partnership_groups(public_corpus(work) / "docs.jsonl"), args.folds)
    if args.ablation:
        table: list[dict[str, Any]] = []
        for label, rel, sen in ablation_configs():
            res = cross_validate(engine, sets, rows, folds, args.folds, rel, sen, work)
            table.append({"config": label, **{n: r["oof"] for n, r in res.items()}})
            print(label, json.dumps({n: {f: r["oof"].get(f) for f in FIGURES[:6]}
                                     for n, r in res.items()}), flush=True)
        if args.json:
            Path(args.json).write_text(json.dumps(table, indent=1), encoding="utf-8")
        return 0
    from partnerbot.bot.answer.features import RELEASE_FEATURES, SENTENCE_FEATURES

    results = cross_validate(engine, sets, rows, folds, args.folds, RELEASE_FEATURES,
                             SENTENCE_FEATURES, work,
                             Path(args.details) if args.details else None)
    print(_table(results))
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
