"""Per-API-key request limiter: at most N requests per rolling second and M in flight.

ChartMogul allows 40 requests/second and 20 parallel connections per account (reference §2.5); we
stay at 30/10 for headroom. Every Celery worker process talks to ChartMogul, so the counters live
in Redis and one atomic Lua script checks and takes both limits at once — checking them in two
round trips would let two workers both see "9 in flight" and both start. Concurrency slots carry an
expiry so a worker that dies mid-request frees its slot after `slot_ttl` seconds instead of never.

Without REDIS_URL (the embedded single-machine mode) an in-process limiter gives the same contract
for the threads of one process.

Redis keys are derived from sha256(api key); the key itself never reaches Redis or a log line.
"""

from __future__ import annotations

import collections
import contextlib
import hashlib
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from typing import Any, Protocol

DEFAULT_RATE_PER_SECOND = 30
DEFAULT_MAX_CONCURRENT = 10
# Longer than any single request may take (read timeout 60 s, json imports longer), so a live
# request never loses its slot, yet a crashed worker's slot comes back within minutes.
DEFAULT_SLOT_TTL = 300.0
DEFAULT_MAX_WAIT = 60.0
KEY_PREFIX = "saasync:ratelimit:chartmogul:"


class RateLimitWaitExceeded(Exception):
    """The limiter could not grant a slot within the allowed wait."""


class RateLimiter(Protocol):
    def slot(self) -> contextlib.AbstractContextManager[None]: ...


def api_key_fingerprint(api_key: str) -> str:
    return hashlib.sha256(api_key.encode()).hexdigest()


# KEYS[1]: sorted set of request start times (ms) in the rolling window
# KEYS[2]: sorted set of in-flight slots, scored by their expiry time (ms)
# ARGV: window_ms, max_rate, max_concurrent, slot_ttl_ms, token
# Returns {1, 0} when granted, {0, suggested_wait_ms} otherwise. Redis' own clock is used so that
# workers on different hosts with skewed clocks still share one window.
_ACQUIRE_LUA = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local window = tonumber(ARGV[1])
local max_rate = tonumber(ARGV[2])
local max_conc = tonumber(ARGV[3])
local ttl = tonumber(ARGV[4])
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', now)
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
if redis.call('ZCARD', KEYS[2]) >= max_conc then
  return {0, 5}
end
if redis.call('ZCARD', KEYS[1]) >= max_rate then
  local oldest = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
  local wait = tonumber(oldest[2]) + window - now + 1
  if wait < 1 then wait = 1 end
  return {0, wait}
end
redis.call('ZADD', KEYS[1], now, ARGV[5])
redis.call('ZADD', KEYS[2], now + ttl, ARGV[5])
redis.call('PEXPIRE', KEYS[1], window * 2)
redis.call('PEXPIRE', KEYS[2], ttl * 2)
return {1, 0}
"""


class RedisRateLimiter:
    """Limits shared by every process using the same Redis and the same API key fingerprint."""

    def __init__(
        self,
        redis_client: Any,
        fingerprint: str,
        *,
        rate_per_second: int = DEFAULT_RATE_PER_SECOND,
        max_concurrent: int = DEFAULT_MAX_CONCURRENT,
        slot_ttl: float = DEFAULT_SLOT_TTL,
        max_wait: float = DEFAULT_MAX_WAIT,
        key_prefix: str = KEY_PREFIX,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.redis = redis_client
        self.rate_key = f"{key_prefix}{fingerprint}:rate"
        self.slots_key = f"{key_prefix}{fingerprint}:slots"
        self.rate_per_second = rate_per_second
        self.max_concurrent = max_concurrent
        self.slot_ttl = slot_ttl
        self.max_wait = max_wait
        self._sleep = sleep
        self._acquire = redis_client.register_script(_ACQUIRE_LUA)

    def _try_acquire(self, token: str) -> float:
        """0 when the slot was taken, else seconds worth waiting before the next try."""
        args = [1000, self.rate_per_second, self.max_concurrent, int(self.slot_ttl * 1000), token]
        granted, wait_ms = self._acquire(keys=[self.rate_key, self.slots_key], args=args)
        return 0.0 if int(granted) == 1 else max(int(wait_ms), 1) / 1000.0

    @contextlib.contextmanager
    def slot(self) -> Iterator[None]:
        token = uuid.uuid4().hex
        deadline = time.monotonic() + self.max_wait
        while True:
            wait = self._try_acquire(token)
            if wait == 0.0:
                break
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise RateLimitWaitExceeded(f"no ChartMogul request slot within {self.max_wait:.0f} s")
            self._sleep(min(wait, remaining, 0.25))
        try:
            yield
        finally:
            self.redis.zrem(self.slots_key, token)


class InProcessRateLimiter:
    """The same limits for the threads of one process (embedded mode without Redis)."""

    def __init__(
        self,
        *,
        rate_per_second: int = DEFAULT_RATE_PER_SECOND,
        max_concurrent: int = DEFAULT_MAX_CONCURRENT,
        max_wait: float = DEFAULT_MAX_WAIT,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.rate_per_second = rate_per_second
        self.max_concurrent = max_concurrent
        self.max_wait = max_wait
        self._clock = clock
        self._cond = threading.Condition()
        self._starts: collections.deque[float] = collections.deque()
        self._in_flight = 0

    def _wait_needed(self, now: float) -> float:
        while self._starts and self._starts[0] <= now - 1.0:
            self._starts.popleft()
        if self._in_flight >= self.max_concurrent:
            return 1.0  # woken by notify() when a slot is released
        if len(self._starts) >= self.rate_per_second:
            return self._starts[0] + 1.0 - now
        return 0.0

    @contextlib.contextmanager
    def slot(self) -> Iterator[None]:
        deadline = self._clock() + self.max_wait
        with self._cond:
            while True:
                now = self._clock()
                wait = self._wait_needed(now)
                if wait <= 0:
                    break
                if now >= deadline:
                    raise RateLimitWaitExceeded(f"no ChartMogul request slot within {self.max_wait:.0f} s")
                self._cond.wait(min(wait, deadline - now))
            self._starts.append(now)
            self._in_flight += 1
        try:
            yield
        finally:
            with self._cond:
                self._in_flight -= 1
                self._cond.notify_all()


_limiters: dict[str, RateLimiter] = {}
_limiters_lock = threading.Lock()
_redis_clients: dict[str, Any] = {}


def _redis_client(url: str) -> Any:
    import redis  # imported lazily: the embedded mode runs without a Redis server

    client = _redis_clients.get(url)
    if client is None:
        client = _redis_clients[url] = redis.Redis.from_url(url, socket_timeout=5, socket_connect_timeout=5)
    return client


def limiter_for_api_key(api_key: str, *, redis_url: str | None = None) -> RateLimiter:
    """The process-wide limiter for this API key: Redis-backed when REDIS_URL is set, else in-process."""
    if redis_url is None:
        from django.conf import settings

        redis_url = getattr(settings, "REDIS_URL", None) or None
    fingerprint = api_key_fingerprint(api_key)
    cache_key = f"{redis_url or 'local'}|{fingerprint}"
    with _limiters_lock:
        limiter = _limiters.get(cache_key)
        if limiter is None:
            limiter = RedisRateLimiter(_redis_client(redis_url), fingerprint) if redis_url else InProcessRateLimiter()
            _limiters[cache_key] = limiter
        return limiter
