"""`partnerbot` in a child process with the fake embedder, for tests that kill it.

    python -m tests.fakes.hash_cli index --corpus C --index I

runs the real command line, index and engine; only the embedder factory hands out the
deterministic HashEmbedder (a backend choice, as in tests/test_cli.py), so no model is loaded.

PARTNERBOT_TEST_PAUSE_AT stops the process at one point of a build, after printing
`PAUSED <point>` on stderr, so a test can `kill -9` it exactly there:

- `embedding`: inside the embedder, some passages embedded and cached, nothing written;
- `write`: a `versions/.tmp-*` folder half written (releases.jsonl done, passages.jsonl next);
- `rename`: the temporary folder complete, not yet renamed to its version name;
- `pointer`: the version renamed into place, CURRENT not yet swapped to it.

and of a corpus change (`partnerbot add`/`remove`, corpus/writer.py):

- `corpus-temp`: a temporary file just created in the corpus directory, empty;
- `corpus-journal`: the temporaries complete, the journal (the commit point) not yet in place;
- `corpus-manifest`: committed, the new docs.jsonl not yet renamed into place;
- `corpus-file`: the new docs.jsonl in place, the release file not yet.

The pause is a watch on the process's own audit events (file opens and renames), so the
code under test runs unchanged up to that point.
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Sequence
from typing import Any

import numpy as np

import partnerbot.retrieval.embedders
import partnerbot.retrieval.embedders.factory
from partnerbot.adapters.cli import main
from tests.conftest import HashEmbedder

PAUSE_AT = os.environ.get("PARTNERBOT_TEST_PAUSE_AT", "")


def pause(point: str) -> None:
    print(f"PAUSED {point}", file=sys.stderr, flush=True)
    time.sleep(300)  # the test kills us long before this
    raise SystemExit(f"nobody killed the build paused at {point}")


class PausingEmbedder(HashEmbedder):
    """Pauses on its second batch, once the first one is in the embedding cache."""

    batches = 0

    def encode_passages(self, texts: Sequence[str]) -> np.ndarray:
        PausingEmbedder.batches += 1
        if PAUSE_AT == "embedding" and PausingEmbedder.batches == 2:
            pause("embedding")
        return super().encode_passages(texts)


def watch_corpus(event: str, args: tuple[Any, ...]) -> None:
    if event == "open" and PAUSE_AT == "corpus-temp" and isinstance(args[0], str | os.PathLike):
        if os.path.basename(os.fsdecode(args[0])).startswith(".partnerbot-tmp-"):
            pause(PAUSE_AT)
    elif event == "os.rename" and os.path.basename(os.fsdecode(args[0])).startswith(
            ".partnerbot-tmp-"):
        target = os.path.basename(os.fsdecode(args[1]))
        kind = ("corpus-journal" if target == ".partnerbot-journal.json" else
                "corpus-manifest" if target == "docs.jsonl" else "corpus-file")
        if kind == PAUSE_AT:
            pause(PAUSE_AT)


def watch(event: str, args: tuple[Any, ...]) -> None:
    if PAUSE_AT.startswith("corpus-"):
        watch_corpus(event, args)
    elif event == "open" and PAUSE_AT == "write" and isinstance(args[0], str | bytes | os.PathLike):
        path = os.fsdecode(args[0])
        if "/.tmp-" in path and path.endswith("passages.jsonl"):
            pause("write")
    elif event == "os.rename" and PAUSE_AT in ("rename", "pointer"):
        source = os.path.basename(os.fsdecode(args[0]))
        if (PAUSE_AT == "rename" and source.startswith(".tmp-")) or (
                PAUSE_AT == "pointer" and source.startswith(".CURRENT.")):
            pause(PAUSE_AT)


def make(name: str, st_model: str = "", cache_dir: object = None) -> HashEmbedder:
    return PausingEmbedder()


if __name__ == "__main__":
    for module in (partnerbot.retrieval.embedders.factory, partnerbot.retrieval.embedders):
        module.make_embedder = make  # type: ignore[attr-defined]
    if PAUSE_AT:
        sys.addaudithook(watch)
    sys.exit(main(sys.argv[1:]))
