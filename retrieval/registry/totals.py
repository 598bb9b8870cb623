"""Totals a release states about its publisher's partnerships: "makes MPR the 16th cooperation
partner", "16번째 협력 기관", "16件目の提携". A count answer leads with the release's own figure
and quote, because the registry only knows the partnerships the corpus describes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from partnerbot.retrieval.registry.records import Source

_ORDINAL = re.compile(
    r"\b(\d{1,3})(?:st|nd|rd|th)\s+(?:[\w\-]+\s+){0,3}?(?:partner|partnership|member|MOU|MoU|agreement|"
    r"organi[sz]ation|institution|cluster|collaborat\w*|alliance)s?\b"
    r"|(\d{1,3})\s*번째\s*(?:\S+\s*){0,2}?(?:협력|파트너|기관|MOU|협약|업무협약|회원)"
    r"|(\d{1,3})\s*(?:件目|番目|機関目|か所目|カ所目|ヶ所目)", re.I)


@dataclass(frozen=True)
class Total:
    """A stated ordinal: the figure and the sentence that states it."""

    figure: int
    source: Source


def stated_total(sentences: list[Source]) -> Total | None:
    """The largest partnership ordinal the release states, with its sentence."""
    best: Total | None = None
    for src in sentences:
        for m in _ORDINAL.finditer(src.sentence):
            figure = int(next(g for g in m.groups() if g))
            if 1 < figure < 1000 and (best is None or figure > best.figure):
                best = Total(figure, src)
    return best
