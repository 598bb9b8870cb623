"""Shared fixtures: a pinned environment, a deterministic fake embedder, a real engine.

The fake embedder hashes character n-grams into a vector, so similar texts get similar
vectors; it makes the real index, FAISS store, BM25 and engine run in milliseconds. At least
one test path (tests/test_engine_real.py) runs the real default embedders end to end.
"""

from __future__ import annotations

import hashlib
import logging
import os
import shutil
from collections.abc import Iterator, Sequence
from pathlib import Path

import numpy as np
import pytest
import redis

# Before any import of huggingface_hub (session fixtures run before the autouse one): never
# wait on network time-outs for a model name that is not on disk.
os.environ.setdefault("HF_HUB_OFFLINE", "1")

from partnerbot.bot.engine import Engine
from partnerbot.bot.settings import BUNDLED_CORPUS, Settings, load_settings
from tests.redis_server import RedisServer

# ../shared beside the repository holds the eval sets; PARTNERBOT_TEST_SHARED_DIR points
# elsewhere (a missing folder shows which tests skip without it).
SHARED = Path(os.environ.get("PARTNERBOT_TEST_SHARED_DIR")
              or Path(__file__).resolve().parents[2] / "shared")
EVAL_SEEDS = SHARED / "eval" / "seeds"


def shared_file(path: Path) -> Path:
    """`path` (a file under ../shared), or skip the calling test saying what is missing:
    the eval sets live beside the repository, not in it, and a clone may not have them."""
    if not path.is_file():
        pytest.skip(f"{path} is not there (the eval sets in ../shared beside the repository)")
    return path

_SECRET_VARS = ("SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET", "SLACK_APP_TOKEN", "TELEGRAM_BOT_TOKEN")


class HashEmbedder:
    """Character 3-gram feature hashing: deterministic, language-agnostic, fast."""

    def __init__(self, dim: int = 256, name: str = "test:hash") -> None:
        self._dim = dim
        self._name = name

    @property
    def name(self) -> str:
        return self._name

    @property
    def dim(self) -> int:
        return self._dim

    def _one(self, text: str) -> np.ndarray:
        v = np.zeros(self._dim, dtype=np.float32)
        t = f"  {text.lower()}  "
        for i in range(len(t) - 2):
            h = int.from_bytes(hashlib.blake2b(t[i:i + 3].encode(), digest_size=4).digest(), "little")
            v[h % self._dim] += 1.0 if h & 1 else -1.0
        n = np.linalg.norm(v)
        return v / n if n else v

    def encode_queries(self, texts: Sequence[str]) -> np.ndarray:
        return np.stack([self._one(t) for t in texts]) if texts else np.zeros((0, self._dim), np.float32)

    def encode_passages(self, texts: Sequence[str]) -> np.ndarray:
        return self.encode_queries(texts)


@pytest.fixture(autouse=True)
def pinned_env(monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory) -> None:
    """No tokens from the developer's shell, no writes to their home, no config file."""
    for var in _SECRET_VARS:
        monkeypatch.delenv(var, raising=False)
    for var in list(os.environ):
        if var.startswith("PARTNERBOT_"):
            monkeypatch.delenv(var, raising=False)
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_DATA_HOME", str(home / "data"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / "config"))
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")


@pytest.fixture(autouse=True)
def restore_logging() -> Iterator[None]:
    """`main()` run in-process installs our log handler on the root logger; take it off again
    so later tests do not log every line twice."""
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    yield
    root.handlers[:] = handlers
    root.setLevel(level)


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return load_settings(env={}, corpus_dir=BUNDLED_CORPUS, index_dir=tmp_path / "index",
                         data_dir=tmp_path / "data")


@pytest.fixture(scope="session")
def _engine_index(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Build the fake-embedder index of the bundled corpus once per session."""
    index_dir = tmp_path_factory.mktemp("engine-index") / "index"
    s = load_settings(env={}, corpus_dir=BUNDLED_CORPUS, index_dir=index_dir)
    Engine.open(s, embedders=[HashEmbedder()])
    return index_dir


@pytest.fixture
def bundled_index(_engine_index: Path, tmp_path: Path) -> Path:
    """A private copy of that index, which a test may reindex or damage."""
    index_dir = tmp_path / "index"
    shutil.copytree(_engine_index, index_dir)
    return index_dir


@pytest.fixture
def engine(bundled_index: Path, tmp_path: Path) -> Iterator[Engine]:
    """A real Engine over the bundled corpus with the fake embedder, on its own copy of the
    index."""
    s = load_settings(env={}, corpus_dir=BUNDLED_CORPUS, index_dir=bundled_index,
                      data_dir=tmp_path / "data")
    yield Engine.open(s, embedders=[HashEmbedder()])


@pytest.fixture
def corpus_copy(tmp_path: Path) -> Path:
    """A writable copy of the bundled corpus, for tests that add or change releases."""
    dst = tmp_path / "corpus"
    shutil.copytree(BUNDLED_CORPUS, dst)
    return dst


@pytest.fixture(scope="session")
def redis_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RedisServer]:
    """One real redis-server for the session, on its own free port (skipped without one,
    failed under CI)."""
    with RedisServer(tmp_path_factory.mktemp("redis")) as server:
        yield server


@pytest.fixture
def redis_url(redis_server: RedisServer) -> str:
    """The session's Redis, emptied for this test."""
    client = redis.Redis.from_url(redis_server.url)
    client.flushall()
    client.close()
    return redis_server.url
