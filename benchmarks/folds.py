"""Which releases report one partnership, for group k-fold: a release, its translation and
every later release about the same partnership (`pair_of`, `translation_of`,
`same_partnership_as` in a manifest) must fall in one fold, or the fold scored has seen its
partnership in training. Shared by the reader's and the party extractor's fitting commands."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any


def partnership_groups(rows: Iterable[Mapping[str, Any]]) -> dict[str, str]:
    """Release id -> a representative of its partnership (union-find over the links)."""
    parent: dict[str, str] = {}

    def find(x: str) -> str:
        parent.setdefault(x, x)
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for row in rows:
        doc = str(row["id"])
        find(doc)
        links = [row.get("pair_of"), row.get("translation_of"),
                 *(row.get("same_partnership_as") or [])]
        for other in links:
            if other:
                parent[find(doc)] = find(str(other))
    return {d: find(d) for d in list(parent)}
