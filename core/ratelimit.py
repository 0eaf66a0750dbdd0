"""Per-caller rate limits: a token bucket per API token (or client address), in process memory.

Each bucket holds up to `burst` requests and refills at `per_minute / 60` requests a second. The
buckets live in one process: with N uvicorn workers a caller gets up to N times the rate, which
is acceptable for a service that runs one or two workers; a shared store (Redis) would be the
next step if it ever runs many.
"""

from __future__ import annotations

import ipaddress
import math
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from core.proxy import parse_address


@dataclass
class _Bucket:
    tokens: float
    updated: float


class RateLimiter:
    """Token buckets keyed by caller; `acquire` says whether a request may go ahead."""

    MAX_BUCKETS = 50_000

    def __init__(
        self, per_minute: float, burst: int, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.rate = per_minute / 60.0
        self.burst = max(1, burst)
        self.clock = clock
        self._buckets: dict[str, _Bucket] = {}

    @property
    def enabled(self) -> bool:
        return self.rate > 0

    def acquire(self, key: str) -> float:
        """Take one request from `key`'s bucket. 0.0: allowed; otherwise seconds to wait."""
        if not self.enabled:
            return 0.0
        now = self.clock()
        bucket = self._buckets.get(key)
        if bucket is None:
            self._evict_full(now)
            bucket = self._buckets[key] = _Bucket(tokens=float(self.burst), updated=now)
        bucket.tokens = min(self.burst, bucket.tokens + (now - bucket.updated) * self.rate)
        bucket.updated = now
        if bucket.tokens >= 1.0:
            bucket.tokens -= 1.0
            return 0.0
        return (1.0 - bucket.tokens) / self.rate

    def waiting(self, key: str) -> float:
        """Seconds until `key` may make a request, without taking one (0.0: now)."""
        if not self.enabled or key not in self._buckets:
            return 0.0
        bucket = self._buckets[key]
        tokens = min(self.burst, bucket.tokens + (self.clock() - bucket.updated) * self.rate)
        return 0.0 if tokens >= 1.0 else (1.0 - tokens) / self.rate

    def _evict_full(self, now: float) -> None:
        """Keep memory bounded: forget buckets that have refilled (they behave like new ones)."""
        if len(self._buckets) < self.MAX_BUCKETS:
            return
        self._buckets = {
            key: bucket
            for key, bucket in self._buckets.items()
            if bucket.tokens + (now - bucket.updated) * self.rate < self.burst
        }


def client_key(scope: dict[str, Any]) -> str:
    """The bucket of a request's client address (`scope["client"]`, the real client once
    `core.proxy` has read a trusted proxy's headers).

    An IPv4 address is its own bucket; an IPv6 address counts by its /64, the block a single
    site or host is usually given, so that rotating through it earns no new tries (an
    IPv4-mapped IPv6 address counts as IPv4). Anything that is not an address (a Unix socket,
    a test client) is keyed as it is.
    """
    client = scope.get("client")
    host = str(client[0]) if client else ""
    address = parse_address(host)
    if address is None:
        return f"addr:{host or '-'}"
    if isinstance(address, ipaddress.IPv6Address):
        return f"addr:{ipaddress.IPv6Network((address, 64), strict=False)}"
    return f"addr:{address}"


def retry_after_header(wait: float) -> str:
    """Whole seconds for `Retry-After` (at least 1)."""
    return str(max(1, math.ceil(wait)))
