"""Which candidates of a release are its parties: a fitted logistic decision over features.

The sentence rules of `extract.py` still give each record its structure (date, place,
signatories, mentioned or announced); the parties of the announced records are the
candidates whose fitted probability reaches the fitted threshold. The weights are data:
`retrieval/data/party_weights.json`, written by `python -m benchmarks.fit_parties` from the
gold parties of the public sets (see BENCHMARKS.md), read once into a `Weights` object.

    records = extract(release)             # at index time
    why = decide(release).candidates       # `partnerbot partners --explain ID`
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, replace
from functools import lru_cache
from importlib import resources
from pathlib import Path

from partnerbot.corpus.model import Release
from partnerbot.retrieval.registry.candidates import Candidate, candidates, key
from partnerbot.retrieval.registry.extract import _script, is_signing, rule_records, sentences
from partnerbot.retrieval.registry.features import NAMES, SentenceFacts, features, sentence_facts
from partnerbot.retrieval.registry.records import PartyMention, Record, Source
from partnerbot.retrieval.registry.totals import stated_total
from partnerbot.retrieval.registry.vocab import kind_of
from partnerbot.retrieval.registry.when import signed_date

WEIGHTS_FILE = "party_weights.json"


@dataclass(frozen=True)
class Weights:
    """A fitted logistic decision: P(party) = sigmoid(intercept + sum coef[f] * x[f]); a
    candidate is a party when P >= threshold. A partnership has two sides: when fewer than
    two candidates reach it, the most probable others down to `second` are taken too
    (`second == threshold` turns that off). `coef` may name a subset of `NAMES` (an ablation);
    missing features weigh nothing."""

    coef: dict[str, float]
    intercept: float
    threshold: float
    meta: dict[str, object]
    second: float = -1.0  # -1: the threshold itself

    def __post_init__(self) -> None:
        unknown = set(self.coef) - set(NAMES)
        if unknown:
            raise ValueError(f"party weights name unknown features: {sorted(unknown)}")
        if not 0.0 < self.threshold < 1.0:
            raise ValueError(f"party threshold must lie in (0, 1), not {self.threshold}")
        if self.second != -1.0 and not 0.0 < self.second <= self.threshold:
            raise ValueError(f"second-party threshold must lie in (0, threshold], not {self.second}")

    @property
    def second_threshold(self) -> float:
        return self.threshold if self.second == -1.0 else self.second

    def take(self, probabilities: list[float]) -> list[bool]:
        """Which candidates are parties: those reaching the threshold, and, while fewer than
        two do, the most probable others reaching the second threshold."""
        taken = [p >= self.threshold for p in probabilities]
        for i in sorted(range(len(probabilities)), key=lambda i: -probabilities[i]):
            if sum(taken) >= 2:
                break
            if not taken[i] and probabilities[i] >= self.second_threshold:
                taken[i] = True
        return taken

    def logit(self, row: dict[str, float]) -> float:
        return self.intercept + sum(w * row.get(f, 0.0) for f, w in self.coef.items())

    def probability(self, row: dict[str, float]) -> float:
        return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, self.logit(row)))))

    def contributions(self, row: dict[str, float]) -> list[tuple[str, float]]:
        """Each feature's share of the logit, largest first (what `--explain` prints)."""
        parts = [(f, w * row.get(f, 0.0)) for f, w in self.coef.items() if row.get(f, 0.0)]
        return sorted(parts, key=lambda fw: -abs(fw[1]))

    def to_json(self) -> str:
        return json.dumps({"coef": self.coef, "intercept": self.intercept, "threshold": self.threshold,
                           "second": self.second_threshold, "meta": self.meta}, ensure_ascii=False, indent=1)

    @classmethod
    def from_json(cls, text: str) -> Weights:
        d = json.loads(text)
        return cls({k: float(v) for k, v in d["coef"].items()}, float(d["intercept"]),
                   float(d["threshold"]), dict(d.get("meta") or {}), float(d.get("second", -1.0)))


@lru_cache(maxsize=1)
def default_weights() -> Weights:
    """The weights shipped with the package (refit with `python -m benchmarks.fit_parties`)."""
    text = resources.files("partnerbot.retrieval").joinpath("data", WEIGHTS_FILE).read_text(encoding="utf-8")
    return Weights.from_json(text)


def weights_path() -> Path:
    return Path(__file__).resolve().parent.parent / "data" / WEIGHTS_FILE


@dataclass(frozen=True)
class Judged:
    """One candidate with its features, probability and whether it was taken."""

    candidate: Candidate
    row: dict[str, float]
    probability: float
    taken: bool


@dataclass(frozen=True)
class Decision:
    records: list[Record]
    candidates: list[Judged]


@dataclass(frozen=True)
class Read:
    """A release read once for the decision: sentences, their facts, rule records, candidates
    and feature rows (what fitting needs too)."""

    sentences: list[Source]
    facts: list[SentenceFacts]
    rules: list[Record]
    candidates: list[Candidate]
    rows: list[dict[str, float]]


def read(release: Release) -> Read:
    srcs = sentences(release)
    langs = [_script(s.sentence) for s in srcs]
    signing = [is_signing(s.sentence, lang) for s, lang in zip(srcs, langs, strict=True)]
    facts = sentence_facts(srcs, langs, signing)
    rules = rule_records(release)
    cands = candidates(release, srcs, langs, rules)
    return Read(srcs, facts, rules, cands, features(release, cands, srcs, facts))


def decide(release: Release, weights: Weights | None = None, done: Read | None = None) -> Decision:
    """The release's records with the fitted choice of parties, and every candidate judged."""
    w = weights or default_weights()
    r = done or read(release)
    probs = [w.probability(row) for row in r.rows]
    judged = [Judged(c, row, p, t)
              for c, row, p, t in zip(r.candidates, r.rows, probs, w.take(probs), strict=True)]
    taken = [j for j in judged if j.taken]
    keys = [key(j.candidate.name) for j in taken]
    # a name inside two other chosen names ("바이오협회" in "한국바이오협회" and "일본바이오협회")
    # is a fragment; kept, it would join organisations the release keeps apart
    kept = [j for j, k in zip(taken, keys, strict=True) if sum(k != o and k in o for o in keys) < 2]
    return Decision(_records(release, r, kept), judged)


def explain(release: Release, weights: Weights | None = None) -> list[dict[str, object]]:
    """Why each candidate of `release` was or was not taken: its probability against the
    threshold and the features that moved it most (`partnerbot partners --explain ID`)."""
    w = weights or default_weights()
    return [{"name": j.candidate.name, "forms": list(j.candidate.forms), "taken": j.taken,
             "probability": round(j.probability, 3), "threshold": w.threshold,
             "second": w.second_threshold,
             "origins": sorted(j.candidate.origins),
             "because": [{"feature": f, "value": round(j.row[f], 3), "weight": round(c, 3)}
                         for f, c in w.contributions(j.row)[:5]]}
            for j in sorted(decide(release, w).candidates, key=lambda j: -j.probability)]


def extract(release: Release) -> list[Record]:
    """The partnerships `release` reports (announced) or lists (mentioned)."""
    return [r for r in decide(release).records if not r.names_only]


def index_records(release: Release) -> list[Record]:
    """What the index keeps of `release`: its partnerships, and the names the rules read
    that the decision did not take (`Record.names_only`, for organisation identity)."""
    return decide(release).records


def _mention(j: Judged, r: Read) -> PartyMention:
    c = j.candidate
    at = next((m for m in c.mentions if r.facts[m.sentence].signing), c.mentions[0])
    return PartyMention(c.name, c.party_forms, r.sentences[at.sentence])


def _owner(p: PartyMention, taken: list[Judged]) -> int | None:
    keys = {key(f) for f in (p.name, *p.forms)}
    for k, j in enumerate(taken):
        if key(j.candidate.name) in keys:
            return k
    for k, j in enumerate(taken):
        if keys & {key(f) for f in (j.candidate.name, *j.candidate.forms)}:
            return k
    return None


def _records(release: Release, r: Read, taken: list[Judged]) -> list[Record]:
    """Announced rule records keep their structure with the chosen parties; chosen parties no
    record holds join the first; with no announced record, one is made from the sentence
    where the chosen parties meet the partnership vocabulary."""
    mentioned = [x for x in r.rules if x.mentioned]
    announced: list[Record] = []
    used: set[int] = set()
    for rec in (x for x in r.rules if not x.mentioned):
        owners = [k for k in (_owner(p, taken) for p in rec.parties) if k is not None and k not in used]
        owners = list(dict.fromkeys(owners))
        if len(owners) >= 2 or (owners and not announced):
            used.update(owners)
            # "ruled": how many leading parties the sentence rules also read (translation pairing)
            announced.append(replace(rec, parties=tuple(_mention(taken[k], r) for k in owners),
                                     extra={**rec.extra, "ruled": str(len(owners))}))
    rest = [k for k in range(len(taken)) if k not in used]
    if rest and announced:
        first = announced[0]
        announced[0] = replace(first, parties=first.parties + tuple(_mention(taken[k], r) for k in rest))
    elif rest:
        src = _anchor(r, [taken[k] for k in rest])
        if src is not None:
            lang = _script(src.sentence)
            signed = signed_date(src.sentence, release.date, None, lang != "en")
            announced.append(Record(release.id, tuple(_mention(taken[k], r) for k in rest),
                                    kind=kind_of(src.sentence), signed=signed, sources=(src,),
                                    signed_source=src if signed else None))
    rejected = [p for x in r.rules if not x.mentioned for p in x.parties if _owner(p, taken) is None]
    names = [Record(release.id, tuple(rejected), sources=r.rules[0].sources, extra={"names_only": "1"})] \
        if rejected else []
    total = stated_total(r.sentences)
    if total is not None and announced:  # the publisher's count, as the release states it
        src = total.source
        announced[0] = replace(announced[0], extra={
            **announced[0].extra, "total": str(total.figure), "total_sentence": src.sentence,
            "total_start": str(src.start or 0), "total_end": str(src.end or 0)})
    return announced + mentioned + names


def _anchor(r: Read, taken: list[Judged]) -> Source | None:
    """The sentence a made record cites: most chosen parties in a signing sentence, else in a
    sentence with a partnership noun; None when the release has no partnership vocabulary."""
    best: tuple[int, int] | None = None
    best_i = None
    for i, f in enumerate(r.facts):
        if not (f.signing or f.noun):
            continue
        n = sum(any(m.sentence == i for m in j.candidate.mentions) for j in taken)
        score = (n, int(f.signing))
        if n and (best is None or score > best):
            best, best_i = score, i
    return r.sentences[best_i] if best_i is not None else None
