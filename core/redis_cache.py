"""Django's Redis cache, with one Redis client per connection pool instead of one per call, and a
windowed counter in one round trip.

`django.core.cache.backends.redis` builds a new `redis.Redis` for every operation, and building one
(its table of some 170 response callbacks) costs more CPU than the command it then sends. A battle's
admission makes a dozen cache calls (usage limits, cached aliases and rules): with this backend the
client is built once per pool and shared, which redis-py allows (a client takes a connection from
its pool for each command, so threads do not share a connection).

`count(key, amount, timeout)` is what the usage limits do with `add(key, 0, timeout)` and
`incr(key, amount)` (three round trips: Django's incr asks whether the key exists first), as one
pipeline of SET NX EX and INCRBY. Backends without it get the two calls (arena/safety/limits.py).
"""

from __future__ import annotations

import threading

from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from django.core.cache.backends.redis import RedisCacheClient


class _SharedClient(RedisCacheClient):
    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._clients: dict[int, object] = {}
        self._lock = threading.Lock()

    def get_client(self, key=None, *, write=False):
        index = self._get_connection_pool_index(write)
        client = self._clients.get(index)
        if client is None:
            with self._lock:
                client = self._clients.get(index)
                if client is None:
                    client = self._clients[index] = self._client(
                        connection_pool=self._get_connection_pool(write)
                    )
        return client


class RedisCache(DjangoRedisCache):
    def __init__(self, server, params) -> None:
        super().__init__(server, params)
        self._class = _SharedClient

    def count(self, key: str, amount: int, timeout: int) -> int:
        """Add `amount` to a counter created at 0 with `timeout` if missing; return the new value."""
        key = self.make_and_validate_key(key)
        pipeline = self._cache.get_client(key, write=True).pipeline(transaction=False)
        pipeline.set(key, 0, ex=timeout, nx=True)
        pipeline.incrby(key, amount)
        return pipeline.execute()[1]
