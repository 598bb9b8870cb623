"""Party extraction measured against a manifest's gold `parties`, per language.

    python -m benchmarks.parties CORPUS_DIR [--out partners.json] [--scorer PATH]

Writes the records in the `partnerbot partners --json` format and prints party precision and
recall per language, computed as `../shared/eval/scoring/parties_score.py` does (a gold party
is found when one of its forms and one form of a record's party contain each other, the
shorter at least 2 characters and 40% of the longer; `mentioned` records are left out). With
`--scorer`, the independent scorer is run on the same file too.
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from partnerbot.corpus.reader import read_corpus
from partnerbot.retrieval.lexicon import Lexicon
from partnerbot.retrieval.registry import build, extract, partners_json


def _key(s: str) -> str:
    return re.sub(r"[\s·・\-‐.,]", "", (s or "").lower())


def gold_forms(party: str) -> set[str]:
    out = {party}
    m = re.match(r"^(.*?)\s*[(（](.*?)[)）]\s*(.*)$", party)
    if m:
        out |= {m.group(1) + m.group(3), m.group(2)}
    return {f for f in map(_key, out) if len(f) >= 2}


def _close(a: str, b: str) -> bool:
    short, long_ = sorted((a, b), key=len)
    return len(short) >= 2 and short in long_ and len(short) >= 0.4 * len(long_)


def _match(golds: set[str], forms: set[str]) -> bool:
    return any(_close(g, f) for g in golds for f in forms)


def score(manifest: Path, partners: list[dict[str, Any]]) -> dict[str, dict[str, float]]:
    """Recall and precision per language and overall, exactly as parties_score.py."""
    gold: dict[str, tuple[str, list[set[str]]]] = {}
    for line in manifest.read_text(encoding="utf-8").splitlines():
        d = json.loads(line) if line.strip() else {}
        if d.get("parties"):
            gold[str(d["id"])] = (d.get("lang") or "?", [gold_forms(p) for p in d["parties"]])
    got: dict[str, list[set[str]]] = {}
    for r in partners:
        if r.get("mentioned"):
            continue
        parties = [{_key(x) for x in [p.get("name"), *(p.get("forms") or [])] if x} for p in r["parties"]]
        for rel in r.get("releases") or []:
            got.setdefault(str(rel), []).extend(parties)
    rows: dict[str, list[tuple[float, float]]] = {}
    for rid, (lang, golds) in gold.items():
        found = got.get(rid, [])
        rec = sum(any(_match(g, f) for f in found) for g in golds) / len(golds)
        prec = sum(any(_match(g, f) for g in golds) for f in found) / len(found) if found else 0.0
        rows.setdefault(lang, []).append((rec, prec))
        rows.setdefault("all", []).append((rec, prec))
    return {lang: {"releases": len(v), "recall": sum(r for r, _ in v) / len(v),
                   "precision": sum(p for _, p in v) / len(v)} for lang, v in rows.items()}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("corpus", type=Path)
    ap.add_argument("--out", type=Path, default=Path("partners.json"))
    ap.add_argument("--manifest", type=Path, help="gold manifest (default: the corpus's docs.jsonl)")
    ap.add_argument("--scorer", type=Path, help="path of parties_score.py to run on --out as well")
    args = ap.parse_args(argv)
    releases = read_corpus(args.corpus).releases
    t0 = time.perf_counter()
    for r in releases:
        extract(r)
    per_release = (time.perf_counter() - t0) / len(releases)
    t1 = time.perf_counter()
    lexicon = Lexicon.build(releases)
    t2 = time.perf_counter()
    orgs, records = build(releases, lexicon, args.corpus)
    t3 = time.perf_counter()
    partners = partners_json(records, orgs)
    args.out.write_text(json.dumps(partners, ensure_ascii=False, indent=1), encoding="utf-8")
    print(f"{len(releases)} releases, {len(records)} records "
          f"({sum(r.mentioned for r in records)} mentioned), {len(orgs)} organisations")
    print(f"extract {per_release * 1000:.1f} ms/release; lexicon {t2 - t1:.2f} s; "
          f"extract+resolve {t3 - t2:.2f} s")
    manifest = args.manifest or next((p for p in (args.corpus / "docs.jsonl", args.corpus.parent / "docs.jsonl")
                                      if p.is_file()), None)
    if manifest is not None:
        print(f"{'lang':<5} {'n':>3} {'recall':>7} {'precision':>9}")
        for lang, row in sorted(score(manifest, partners).items(), key=lambda kv: kv[0] == "all"):
            print(f"{lang:<5} {row['releases']:>3} {row['recall']:>7.3f} {row['precision']:>9.3f}")
        if args.scorer:
            subprocess.run([sys.executable, str(args.scorer), str(manifest), str(args.out)], check=False)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
