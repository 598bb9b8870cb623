"""Announcements: "New partnership release: …" in the channels and groups an admin opted in,
whichever route added the release (a chat upload, `partnerbot add`, another replica).

The announcer compares the releases the served index holds with those it saw before, so it
needs no word from the route that added one: a chat upload wakes it at once
(`Admin.on_added`), otherwise it looks every `interval` seconds, and only while some channel
is subscribed. Releases present when the bot started are never announced. With several
replicas, a claim per (target, release) in the shared store lets one of them post.
"""

from __future__ import annotations

import json
import logging
import os
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Protocol

from partnerbot.adapters.stores.claims import Claims
from partnerbot.bot.ops.admin import Admin
from partnerbot.bot.types import ReleaseInfo

log = logging.getLogger("partnerbot.announce")


def card(info: ReleaseInfo) -> str:
    """The release card, one line of metadata under the title."""
    parts = [p for p in (info.publisher, info.date, info.lang) if p]
    lines = [f"New partnership release: {info.title}", " · ".join(parts)]
    if info.url:
        lines.append(info.url)
    return "\n".join(line for line in lines if line)


class SubscriptionStore(Protocol):
    """Where opt-ins live: a JSON file for one host, Redis for replicas
    (`adapters/stores/subscriptions.py`), so every replica sees every opt-in."""

    def targets(self, platform: str) -> list[str]: ...

    def set(self, platform: str, target: str, on: bool) -> None: ...

    def close(self) -> None:
        """Release what the store holds open (a connection); a file holds nothing."""
        ...


class Subscriptions:
    """Opted-in targets per platform, in a small JSON file replaced atomically."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.Lock()

    def _load(self) -> dict[str, list[str]]:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}
        return {str(k): [str(t) for t in v] for k, v in data.items() if isinstance(v, list)}

    def targets(self, platform: str) -> list[str]:
        return self._load().get(platform, [])

    def set(self, platform: str, target: str, on: bool) -> None:
        with self._lock:
            data = self._load()
            now = [t for t in data.get(platform, []) if t != target] + ([target] if on else [])
            data[platform] = now
            self.path.parent.mkdir(parents=True, exist_ok=True)
            tmp = self.path.with_name(f".{self.path.name}.{os.getpid()}")
            tmp.write_text(json.dumps(data), encoding="utf-8")
            os.replace(tmp, self.path)

    def close(self) -> None:
        pass


class Announcer:
    """`post(target, text)` sends `render(info)` (the plain `card` unless the platform has
    its own markup) to one target; `check` may run in any thread."""

    def __init__(self, admin: Admin, subs: SubscriptionStore, platform: str,
                 post: Callable[[str, str], object], claims: Claims,
                 interval: float = 30.0, render: Callable[[ReleaseInfo], str] = card) -> None:
        self.admin, self.subs, self.platform = admin, subs, platform
        self._post, self._claims, self._interval = post, claims, interval
        self._render = render
        self._seen: set[str] | None = None
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None
        self._wake = threading.Event()
        admin.on_added(lambda _: self._wake.set())

    def baseline(self) -> None:
        """Remember what is served now: none of it will be announced."""
        with self._lock:
            self._seen = {r.doc_id for r in self.admin.latest()}

    def check(self) -> list[str]:
        """Announce releases served now and not before; returns their ids."""
        with self._lock:
            current = self.admin.latest()
            if self._seen is None:
                self._seen = {r.doc_id for r in current}
                return []
            new = [r for r in current if r.doc_id not in self._seen]
            self._seen |= {r.doc_id for r in new}
        for info in new:
            for target in self.subs.targets(self.platform):
                if self._claims.claim(f"announce:{self.platform}:{target}:{info.doc_id}"):
                    try:
                        self._post(target, self._render(info))
                    except Exception:
                        log.warning("could not announce %s in %s", info.doc_id, target,
                                    exc_info=True)
        return [r.doc_id for r in new]

    def start(self) -> None:
        """Look for new releases in the background (once; a daemon thread)."""
        if self._thread is not None:
            return
        if self._seen is None:
            self.baseline()

        def loop() -> None:
            while True:
                self._wake.wait(self._interval)
                self._wake.clear()
                try:
                    self.check()
                except Exception:
                    log.warning("announcement check failed", exc_info=True)

        self._thread = threading.Thread(target=loop, daemon=True, name="partnerbot-announce")
        self._thread.start()

    def subscribe(self, target: str, on: bool) -> str:
        """Opt `target` in or out; starts watching at the first subscription."""
        self.subs.set(self.platform, target, on)
        if on:
            self.start()
            return "New releases will be announced here."
        return "No more announcements here."
