"""Admission control: how many operations one process runs against Neo4j at once, and whether
Neo4j answers at all.

A request that finds every slot taken waits up to `admission_wait` seconds for one (first come,
first served); then, or at once when `max_queued` requests already wait, it is refused with
`Overloaded` (HTTP 503, `Retry-After`) before any of its work starts. While the health check
(`watch`, run by the ASGI lifespan) finds Neo4j not answering, requests are refused at once with
`DatabaseUnavailable` instead of each waiting out the driver's retries: the queue of requests
that piles up during an outage, and delays the service long after Neo4j is back, never forms.
docs/operations.md ("Overload and recovery") describes the behaviour and the settings.
"""

from __future__ import annotations

import asyncio
import logging
import math
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import TYPE_CHECKING

from core.errors import DatabaseBusy, DatabaseUnavailable, Overloaded

if TYPE_CHECKING:
    from neo4j import AsyncDriver

    from core.settings import Settings

log = logging.getLogger("gridgraph.admission")

OVERLOADED_RETRY_AFTER = 1
"""Seconds an overloaded client is asked to wait (`Retry-After`)."""


class Admission:
    """Slots for operations toward Neo4j in one process, and Neo4j's last known health."""

    def __init__(self, settings: Settings) -> None:
        self.limit = settings.max_in_flight
        self.wait = settings.admission_wait
        self.max_queued = settings.max_queued
        self.check_interval = settings.health_check_interval
        self._slots = asyncio.Semaphore(self.limit)
        self.in_flight = 0
        self.queued = 0
        self.refused = 0
        self.down_reason: str | None = None
        """Why Neo4j is taken to be down (the last health check failed); None while it answers."""
        self.down_since: float | None = None

    @property
    def retry_after(self) -> int:
        """Seconds a client refused because Neo4j is down should wait: the next health check."""
        return max(1, math.ceil(self.check_interval))

    def unavailable(self) -> DatabaseUnavailable:
        return DatabaseUnavailable(
            "The graph database is not reachable right now; try again shortly.",
            retryAfter=self.retry_after,
        )

    @asynccontextmanager
    async def slot(self) -> AsyncIterator[None]:
        """Hold one slot for the block; `Overloaded` or `DatabaseUnavailable` instead of waiting
        long for one."""
        if self.down_reason is not None:
            raise self.unavailable()
        if self._slots.locked():
            if self.queued >= self.max_queued:
                self._refuse()
            self.queued += 1
            try:
                await asyncio.wait_for(self._slots.acquire(), timeout=self.wait)
            except TimeoutError:
                self._refuse()
            finally:
                self.queued -= 1
        else:
            await self._slots.acquire()  # a free slot: returns at once
        self.in_flight += 1
        try:
            yield
        finally:
            self.in_flight -= 1
            self._slots.release()

    def _refuse(self) -> None:
        self.refused += 1
        raise Overloaded(
            f"The service is busy ({self.limit} operations running, {self.queued} waiting); "
            f"retry after {OVERLOADED_RETRY_AFTER} s.",
            retryAfter=OVERLOADED_RETRY_AFTER,
        )

    def mark(self, reason: str | None) -> None:
        """Record the outcome of a health check (None: Neo4j answered)."""
        if reason is None and self.down_reason is not None:
            down_for = time.monotonic() - (self.down_since or time.monotonic())
            log.warning("Neo4j answers again (it did not for %.1f s)", down_for)
            self.down_since = None
        elif reason is not None and self.down_reason is None:
            log.warning("Neo4j does not answer (%s); refusing requests until it does", reason)
            self.down_since = time.monotonic()
        self.down_reason = reason

    async def watch(self, driver: AsyncDriver, settings: Settings) -> None:
        """Check every `health_check_interval` seconds that Neo4j answers (runs until
        cancelled). A check is one `RETURN 1` over the service's own connection pool, so it
        also clears the connections a Neo4j restart left dead."""
        from core.database import ping

        while True:
            try:
                await ping(driver, settings.neo4j_database, settings.neo4j_connection_timeout)
                self.mark(None)
            except DatabaseBusy:
                pass  # it answers, but every connection is taken: busy is not down
            except DatabaseUnavailable as error:
                self.mark(error.message)
            except Exception as error:  # the health check itself must not die
                log.warning("the health check failed: %r", error)
            await asyncio.sleep(self.check_interval)
