"""Refit the party decision from gold parties, with group cross-validation.

    python -m benchmarks.fit_parties ../shared/eval/dev ../shared/eval/tune/docs tests/data/own \
        [--write] [--ablation] [--folds 5]

Reads every release of the given corpora whose manifest has `parties`, labels each candidate
(a candidate is a party when one of its forms matches a gold party as
`../shared/eval/scoring/parties_score.py` matches them), and fits a logistic regression
(scikit-learn). Releases about one partnership (`pair_of`, `same_partnership_as`,
`translation_of`) share a fold. The regularisation C and the threshold are chosen on the
out-of-fold predictions: the largest smaller margin over the pass marks (recall 0.80,
precision 0.75, each averaged per release as the scorer averages them); `--write` stores the model fitted on all releases in
`retrieval/data/party_weights.json` with its out-of-fold and in-sample figures per language.
`--ablation` prints the table of BENCHMARKS.md: today's rules, the fitted decision, and the
fitted decision without each feature group.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from benchmarks.folds import partnership_groups
from benchmarks.parties import _match, gold_forms
from partnerbot.corpus.reader import read_corpus
from partnerbot.retrieval.registry.candidates import key
from partnerbot.retrieval.registry.features import GROUPS, NAMES
from partnerbot.retrieval.registry.parties import Read, Weights, read, weights_path

_C_GRID = (0.03, 0.1, 0.3, 1.0, 3.0)
PASS_RECALL, PASS_PRECISION = 0.80, 0.75  # the pass marks for party extraction
_THRESHOLDS = tuple(round(t, 2) for t in np.arange(0.2, 0.81, 0.025))


@dataclass(frozen=True)
class Item:
    release: str
    lang: str
    group: int
    golds: list[set[str]]
    read: Read
    labels: list[int]
    corpus: str = ""


def _groups(manifest: list[dict[str, Any]]) -> dict[str, int]:
    """Release id -> the number of its partnership (one fold holds each)."""
    roots = partnership_groups(manifest)
    order = {root: i for i, root in enumerate(sorted(set(roots.values())))}
    return {doc: order[root] for doc, root in roots.items()}


def _forms(c: Any) -> set[str]:
    """The forms a taken candidate is reported with (as `partners --json` lists a party)."""
    return {key(f) for f in (c.name, *c.party_forms) if len(key(f)) >= 2}


def load(corpora: Sequence[Path]) -> list[Item]:
    """Every release with gold parties, read once, with its candidates labelled."""
    manifest: list[dict[str, Any]] = []
    releases = {}
    corpus_of: dict[str, str] = {}
    for corpus in corpora:
        path = next(p for p in (corpus / "docs.jsonl", corpus.parent / "docs.jsonl") if p.is_file())
        manifest += [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
        for r in read_corpus(corpus).releases:
            releases[r.id] = r
            corpus_of.setdefault(r.id, str(corpus))
    groups = _groups(manifest)
    items, seen = [], set()
    for d in manifest:
        rid = str(d["id"])
        if not d.get("parties") or rid in seen or rid not in releases:
            continue
        seen.add(rid)
        golds = [gold_forms(p) for p in d["parties"]]
        done = read(releases[rid])
        labels = [int(any(_match(g, _forms(c)) for g in golds)) for c in done.candidates]
        items.append(Item(rid, d.get("lang") or releases[rid].lang or "?", groups[rid], golds, done, labels,
                          corpus_of[rid]))
    return items


def _matrix(items: Sequence[Item], names: Sequence[str]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    rows = [[row[f] for f in names] for it in items for row in it.read.rows]
    labels = [y for it in items for y in it.labels]
    owner = [i for i, it in enumerate(items) for _ in it.read.rows]
    return np.array(rows, dtype=float).reshape(-1, len(names)), np.array(labels), np.array(owner)


def score(items: Sequence[Item], taken: Sequence[Sequence[bool]]) -> dict[str, dict[str, float]]:
    """Party recall and precision per language, averaged per release as the scorer does."""
    out: dict[str, list[tuple[float, float]]] = {}
    for it, picks in zip(items, taken, strict=True):
        got = [_forms(c) for c, t in zip(it.read.candidates, picks, strict=True) if t]
        rec = sum(any(_match(g, f) for f in got) for g in it.golds) / len(it.golds)
        prec = sum(any(_match(g, f) for g in it.golds) for f in got) / len(got) if got else 0.0
        for lang in (it.lang, "all", f"corpus {it.corpus}"):
            out.setdefault(lang, []).append((rec, prec))
    return {lang: {"n": len(v), "recall": round(sum(r for r, _ in v) / len(v), 3),
                   "precision": round(sum(p for _, p in v) / len(v), 3)} for lang, v in out.items()}


def _split(probs: np.ndarray, owner: np.ndarray, n: int, threshold: float,
           second: float = -1.0) -> list[list[bool]]:
    w = Weights({}, 0.0, threshold, {}, second)
    return [w.take([float(p) for p in probs[owner == i]]) for i in range(n)]


def _objective(s: dict[str, dict[str, float]]) -> float:
    r, p = s["all"]["recall"], s["all"]["precision"]
    return min(r - PASS_RECALL, p - PASS_PRECISION) + 1e-3 * (r + p)  # the smaller margin, ties by sum


def _fit(x: np.ndarray, y: np.ndarray, c: float) -> Any:
    from sklearn.linear_model import LogisticRegression

    return LogisticRegression(C=c, max_iter=2000, class_weight="balanced").fit(x, y)


def oof(items: Sequence[Item], names: Sequence[str], folds: int,
        ) -> tuple[float, float, float, np.ndarray, np.ndarray]:
    """Out-of-fold probabilities for the best C, with the C, the threshold and the second
    party's threshold chosen on them."""
    from sklearn.model_selection import GroupKFold

    x, y, owner = _matrix(items, names)
    groups = np.array([items[i].group for i in owner])
    best: tuple[float, float, float, float, np.ndarray] | None = None
    for c in _C_GRID:
        probs = np.zeros(len(y))
        for train, test in GroupKFold(n_splits=folds).split(x, y, groups):
            probs[test] = _fit(x[train], y[train], c).predict_proba(x[test])[:, 1]
        for t in _THRESHOLDS:
            for second in (s for s in _THRESHOLDS if s <= t):
                value = _objective(score(items, _split(probs, owner, len(items), t, second)))
                if best is None or value > best[0]:
                    best = (value, c, t, second, probs)
    assert best is not None
    return best[1], best[2], best[3], best[4], owner


def fit(items: Sequence[Item], names: Sequence[str], folds: int) -> tuple[Weights, dict[str, Any]]:
    c, t, second, probs, owner = oof(items, names, folds)
    x, y, _ = _matrix(items, names)
    model = _fit(x, y, c)
    weights = Weights({f: round(float(w), 5) for f, w in zip(names, model.coef_[0], strict=True)},
                      round(float(model.intercept_[0]), 5), float(t), {}, float(second))
    insample = score(items, [weights.take([weights.probability(row) for row in it.read.rows]) for it in items])
    report = {"C": c, "threshold": t, "second": second, "folds": folds, "releases": len(items),
              "candidates": len(y), "out_of_fold": score(items, _split(probs, owner, len(items), t, second)),
              "in_sample": insample}
    return Weights(weights.coef, weights.intercept, weights.threshold, report, weights.second), report


def rules_today(items: Sequence[Item]) -> dict[str, dict[str, float]]:
    """The sentence rules alone: candidates the rules put in an announced record."""
    return score(items, [["rule" in c.origins for c in it.read.candidates] for it in items])


def _row(label: str, s: dict[str, dict[str, float]]) -> str:
    cells = " | ".join(f"{s[lang]['recall']:.3f} / {s[lang]['precision']:.3f}" if lang in s else "-"
                       for lang in ("en", "ko", "ja", "all"))
    return f"| {label} | {cells} |"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("corpora", nargs="+", type=Path)
    ap.add_argument("--folds", type=int, default=5)
    ap.add_argument("--write", action="store_true", help=f"write {weights_path()}")
    ap.add_argument("--ablation", action="store_true", help="print the ablation table (out of fold)")
    args = ap.parse_args(argv)
    items = load(args.corpora)
    weights, report = fit(items, NAMES, args.folds)
    print(json.dumps({k: v for k, v in report.items()}, indent=1))
    if args.ablation:
        print("| extractor (recall / precision) | en | ko | ja | all |\n|---|---|---|---|---|")
        print(_row("rules of today", rules_today(items)))
        print(_row("fitted, all features (out of fold)", report["out_of_fold"]))
        print(_row("fitted, all features (in sample)", report["in_sample"]))
        for group, feats in GROUPS.items():
            _, less = fit(items, [f for f in NAMES if f not in feats], args.folds)
            print(_row(f"fitted without {group} (out of fold)", less["out_of_fold"]))
    if args.write:
        weights_path().write_text(weights.to_json() + "\n", encoding="utf-8")
        print(f"wrote {weights_path()}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
