"""The fitted weights of the reader, in one data file: `bot/data/reader_weights.json`.

`python -m benchmarks.cv --fit` writes the file (logistic regressions fitted on the public
sets); nothing in the scoring code sets a weight by hand. A model is a logit over named
features: the file names the features it uses, so a feature group left out of the fit (the
ablation's baseline, a bridge that gained nothing) costs nothing at run time.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from importlib.resources import files
from pathlib import Path
from typing import Any


class WeightsError(ValueError):
    """The weights file is missing, malformed or names features the code does not compute."""


@dataclass(frozen=True)
class Linear:
    """logit = intercept + sum(coef[name] * feature[name]); the scaler is folded into `coef`."""

    coef: Mapping[str, float]
    intercept: float = 0.0

    def logit(self, values: Mapping[str, float]) -> float:
        return self.intercept + sum(w * values.get(n, 0.0) for n, w in self.coef.items())

    def contributions(self, values: Mapping[str, float]) -> dict[str, float]:
        """Each feature's share of the logit (what `--explain` shows)."""
        return {n: round(w * values.get(n, 0.0), 4) for n, w in self.coef.items()}

    @property
    def used(self) -> frozenset[str]:
        return frozenset(n for n, w in self.coef.items() if w != 0.0)


def log_probability(logit: float) -> float:
    """log sigma(logit), stable for large |logit|."""
    return -math.log1p(math.exp(-logit)) if logit > -30 else logit


@dataclass(frozen=True)
class Weights:
    """The release reranker and the sentence ranker, with what the fit recorded about itself."""

    release: Linear
    sentence: Linear
    meta: Mapping[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return {"release": {"intercept": self.release.intercept, "coef": dict(self.release.coef)},
                "sentence": {"intercept": self.sentence.intercept,
                             "coef": dict(self.sentence.coef)},
                "meta": dict(self.meta)}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Weights:
        from partnerbot.bot.answer.features import RELEASE_FEATURES, SENTENCE_FEATURES

        try:
            models = {part: _linear(data[part], known, part) for part, known in
                      (("release", RELEASE_FEATURES), ("sentence", SENTENCE_FEATURES))}
        except (KeyError, TypeError) as exc:
            raise WeightsError(f"reader weights: missing or malformed {exc}") from None
        return cls(release=models["release"], sentence=models["sentence"],
                   meta=dict(data.get("meta") or {}))


def _linear(part: Mapping[str, Any], known: tuple[str, ...], name: str) -> Linear:
    coef = {str(k): float(v) for k, v in dict(part["coef"]).items()}
    unknown = sorted(set(coef) - set(known))
    if unknown:
        raise WeightsError(f"reader weights: {name} names unknown features {unknown}")
    intercept = float(part.get("intercept", 0.0))
    if not all(math.isfinite(v) for v in [intercept, *coef.values()]):
        raise WeightsError(f"reader weights: {name} holds a value that is not finite")
    return Linear(coef=coef, intercept=intercept)


def read_weights(path: Path) -> Weights:
    try:
        return Weights.from_json(json.loads(path.read_text(encoding="utf-8")))
    except (OSError, ValueError) as exc:
        if isinstance(exc, WeightsError):
            raise
        raise WeightsError(f"cannot read reader weights {path}: {exc}") from None


def write_weights(weights: Weights, path: Path) -> None:
    path.write_text(json.dumps(weights.to_json(), indent=1, sort_keys=True) + "\n",
                    encoding="utf-8")


@cache
def default_weights() -> Weights:
    """The weights shipped with the package (fitted on the public sets)."""
    text = (files("partnerbot.bot") / "data" / "reader_weights.json").read_text(encoding="utf-8")
    return Weights.from_json(json.loads(text))
