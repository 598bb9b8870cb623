"""Announcement opt-ins in Redis, so every replica posts to the same chats whichever replica
heard `/announce on`.

One Redis set per platform (`<prefix>:announce:<platform>`), no TTL: an opt-in lasts until an
admin turns it off. Like the feedback store, and unlike the de-duplication stores, there is no
memory fallback: an opt-in silently kept on one replica would be lost on the next restart, so
a Redis failure reaches the caller (the command's error reply, the watcher's log line).
"""

from __future__ import annotations

import redis

from partnerbot.adapters.common.announce import Subscriptions, SubscriptionStore
from partnerbot.adapters.stores.factory import PREFIX
from partnerbot.adapters.stores.redis import connect
from partnerbot.bot.settings import Settings


class RedisSubscriptions:
    """`SubscriptionStore` over Redis sets."""

    def __init__(self, client: redis.Redis, prefix: str = PREFIX) -> None:
        self._client = client
        self._prefix = prefix

    def _key(self, platform: str) -> str:
        return f"{self._prefix}:announce:{platform}"

    def targets(self, platform: str) -> list[str]:
        members = self._client.smembers(self._key(platform))
        return sorted(str(m) for m in members)

    def set(self, platform: str, target: str, on: bool) -> None:
        if on:
            self._client.sadd(self._key(platform), target)
        else:
            self._client.srem(self._key(platform), target)

    def close(self) -> None:
        self._client.close()


def open_subscriptions(settings: Settings) -> SubscriptionStore:
    """The replicas' shared opt-ins when `redis_url` is set, else a JSON file in `data_dir`."""
    if settings.redis_url:
        return RedisSubscriptions(connect(settings.redis_url, timeout=2.0))
    return Subscriptions(settings.data_dir / "announce.json")
