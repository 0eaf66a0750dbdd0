"""The Neo4j driver, and a small per-request gateway that runs managed transactions.

One `AsyncDriver` per process (created in the ASGI lifespan); every query goes through
`Database.read` / `Database.write`, which pick the routing (reads may go to secondaries on a
cluster), name the database, apply the server-side timeout, count round trips, and turn a lost
connection into `DatabaseUnavailable`.

The driver's connections belong to the event loop that created it. `run_off_loop` runs a
GraphQL operation on an event loop of its own in a worker thread (so its CPU work never holds
the service's loop); each transaction it asks for is sent back to the driver's loop
(`DRIVER_LOOP`) and awaited from there.
"""

from __future__ import annotations

import asyncio
import contextvars
from collections.abc import Awaitable, Callable, Coroutine
from concurrent.futures import ThreadPoolExecutor
from typing import Any, LiteralString, TypeVar

import neo4j
from neo4j import AsyncDriver, AsyncGraphDatabase, AsyncManagedTransaction, Driver, GraphDatabase
from neo4j.exceptions import Neo4jError, ServiceUnavailable, SessionExpired

from core.errors import DatabaseUnavailable, QueryTimeout
from core.settings import Settings

T = TypeVar("T")
Row = dict[str, Any]

UNAVAILABLE = (ServiceUnavailable, SessionExpired, OSError)

DRIVER_LOOP: contextvars.ContextVar[asyncio.AbstractEventLoop | None] = contextvars.ContextVar(
    "driver_loop", default=None
)
"""The event loop that owns the driver, while `run_off_loop` runs work on another one."""

OPERATION_THREADS = 2
"""Threads `run_off_loop` computes in. The interpreter runs one thread at a time, so more add no
throughput: they only take it from the loop's thread, which also does every transaction's I/O
(with six, the driver's socket deadlines expired under load). Two let a light operation go on
while a heavy one computes; more operations wait for a thread."""

_OPERATIONS = ThreadPoolExecutor(OPERATION_THREADS, thread_name_prefix="operation")


async def run_off_loop(work: Coroutine[Any, Any, T]) -> T:
    """Await `work`, run on an event loop of its own in one of `OPERATION_THREADS`.

    A thread that computes hands the interpreter to a waiting one every few milliseconds
    (`sys.getswitchinterval`), so the calling loop keeps serving other requests however long
    `work` computes. `Database` calls made by `work` run on the calling loop, which owns the
    driver. Context variables (the request id) are copied into the thread.
    """
    loop = asyncio.get_running_loop()
    token = DRIVER_LOOP.set(loop)
    try:
        context = contextvars.copy_context()
        return await loop.run_in_executor(_OPERATIONS, context.run, asyncio.run, work)
    finally:
        DRIVER_LOOP.reset(token)


def _driver_options(settings: Settings) -> dict[str, Any]:
    return {
        "auth": (settings.neo4j_username, settings.neo4j_password.get_secret_value()),
        "connection_timeout": settings.neo4j_connection_timeout,
        "connection_acquisition_timeout": settings.neo4j_connection_timeout,
        "max_transaction_retry_time": settings.neo4j_max_retry_time,
        "user_agent": "gridgraph/0.1",
        # Server notifications (e.g. "property key does not exist" on an optional property)
        # are for query authors; `GRIDGRAPH_NEO4J_NOTIFICATIONS=WARNING` shows them while tuning.
        "notifications_min_severity": settings.neo4j_notifications,
    }


def create_async_driver(settings: Settings) -> AsyncDriver:
    """The process-wide async driver (the service)."""
    return AsyncGraphDatabase.driver(settings.effective_neo4j_uri, **_driver_options(settings))


def create_sync_driver(settings: Settings) -> Driver:
    """A sync driver for the CLI and tests; use it in a `with` block."""
    return GraphDatabase.driver(settings.effective_neo4j_uri, **_driver_options(settings))


class Database:
    """Runs Cypher for one request (or one job) and counts the round trips it makes."""

    def __init__(self, driver: AsyncDriver, settings: Settings) -> None:
        self.driver = driver
        self.name = settings.neo4j_database
        self.timeout = settings.neo4j_query_timeout
        self.round_trips = 0

    async def read(self, query: LiteralString, **params: Any) -> list[Row]:
        """Run one read query in a managed read transaction; rows as dicts."""
        return await self.read_tx(_fetch_all(query, params))

    async def write(self, query: LiteralString, **params: Any) -> list[Row]:
        """Run one write query in a managed write transaction; rows as dicts."""
        return await self.write_tx(_fetch_all(query, params))

    async def read_tx(self, work: Callable[[AsyncManagedTransaction], Awaitable[T]]) -> T:
        """Run `work` in a managed read transaction (retried on transient errors)."""
        return await self._run(work, neo4j.READ_ACCESS)

    async def write_tx(self, work: Callable[[AsyncManagedTransaction], Awaitable[T]]) -> T:
        """Run `work` in a managed write transaction (retried on transient errors)."""
        return await self._run(work, neo4j.WRITE_ACCESS)

    async def _run(
        self, work: Callable[[AsyncManagedTransaction], Awaitable[T]], access_mode: str
    ) -> T:
        home = DRIVER_LOOP.get()
        if home is not None and home is not asyncio.get_running_loop():
            # On run_off_loop's worker loop: the transaction runs on the driver's loop.
            ran = asyncio.run_coroutine_threadsafe(self._run(work, access_mode), home)
            return await asyncio.wrap_future(ran)
        self.round_trips += 1
        timed = neo4j.unit_of_work(timeout=self.timeout)(work)
        try:
            async with self.driver.session(
                database=self.name, default_access_mode=access_mode
            ) as session:
                if access_mode == neo4j.READ_ACCESS:
                    return await session.execute_read(timed)
                return await session.execute_write(timed)
        except UNAVAILABLE as error:
            raise DatabaseUnavailable(
                "The graph database is not reachable right now; try again shortly."
            ) from error
        except Neo4jError as error:
            if "TransactionTimedOut" not in (error.code or ""):
                raise
            raise QueryTimeout(
                f"The query took longer than {self.timeout:g} s and was cancelled; "
                "ask for less (smaller pages, fewer nested fields, a narrower filter).",
                limitSeconds=self.timeout,
            ) from error


def _fetch_all(
    query: LiteralString, params: dict[str, Any]
) -> Callable[[AsyncManagedTransaction], Awaitable[list[Row]]]:
    async def work(tx: AsyncManagedTransaction) -> list[Row]:
        result = await tx.run(query, params)
        return [record.data() async for record in result]

    return work


async def ping(driver: AsyncDriver, database: str) -> str:
    """Return the server agent string, or raise `DatabaseUnavailable`."""
    try:
        _, summary, _ = await driver.execute_query(
            "RETURN 1 AS ok", database_=database, routing_=neo4j.RoutingControl.READ
        )
        return summary.server.agent
    except UNAVAILABLE as error:
        raise DatabaseUnavailable(str(error) or type(error).__name__) from error
