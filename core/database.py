"""The Neo4j driver, and a small per-request gateway that runs managed transactions.

One `AsyncDriver` per process (created in the ASGI lifespan); every query goes through
`Database.read` / `Database.write`, which pick the routing (reads may go to secondaries on a
cluster), name the database, apply the server-side timeout, count round trips, and turn driver
errors into errors a client can act on: a lost connection into `DatabaseUnavailable`, no free
connection or lock waits that ended into `DatabaseBusy`, a query past its time into
`QueryTimeout`. None of them reaches a client as a masked "Internal server error".

The pool: a connection left dead by a Neo4j restart is found by the liveness check (a RESET
round trip on a connection idle for over `neo4j_liveness_check_timeout` seconds) and dropped
before a request can use it; the pool never holds more than `neo4j_max_connection_pool_size`
connections, and admission control (core/admission.py) keeps the demand below that.

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
from neo4j.exceptions import (
    ConnectionPoolError,
    Neo4jError,
    ServiceUnavailable,
    SessionExpired,
    TransientError,
)

from core.errors import DatabaseBusy, DatabaseUnavailable, QueryTimeout
from core.settings import Settings

T = TypeVar("T")
Row = dict[str, Any]

UNAVAILABLE = (ServiceUnavailable, SessionExpired, OSError)

LOCK_WAIT_ENDED = frozenset(
    {
        "Neo.ClientError.Transaction.LockClientStopped",
        "Neo.ClientError.Transaction.Terminated",
        "Neo.TransientError.Transaction.LockClientStopped",
        "Neo.TransientError.Transaction.Terminated",
    }
)
"""Codes of a transaction ended while it waited for a lock, with nothing written. Neo4j 5
classifies them as client errors, so the driver's managed transactions do not retry them;
`Database.write_tx` does, and elsewhere they are `DatabaseBusy`."""

WRITE_ATTEMPTS = 3
"""Runs of a write transaction whose lock wait was ended, before `DatabaseBusy`."""

BUSY_RETRY_AFTER = 1
"""Seconds a client refused with `DatabaseBusy` is asked to wait."""

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
        "max_connection_pool_size": settings.neo4j_max_connection_pool_size,
        "liveness_check_timeout": settings.neo4j_liveness_check_timeout,
        "max_connection_lifetime": settings.neo4j_max_connection_lifetime,
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
    """Runs Cypher for one request (or one job) and counts the round trips it makes.

    `retry_seconds` overrides how long transient failures are retried (the token look-up
    answers fast instead of retrying for `neo4j_max_retry_time`).
    """

    def __init__(
        self, driver: AsyncDriver, settings: Settings, *, retry_seconds: float | None = None
    ) -> None:
        self.driver = driver
        self.name = settings.neo4j_database
        self.timeout = settings.neo4j_query_timeout
        self.retry_seconds = retry_seconds
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
        """Run `work` in a managed write transaction, retried on transient errors and, up to
        `WRITE_ATTEMPTS` runs, when a lock wait was ended (nothing was written then)."""
        for attempt in range(1, WRITE_ATTEMPTS + 1):
            try:
                return await self._run(work, neo4j.WRITE_ACCESS)
            except DatabaseBusy as error:
                cause = error.__cause__
                ended = isinstance(cause, Neo4jError) and cause.code in LOCK_WAIT_ENDED
                if not ended or attempt == WRITE_ATTEMPTS:
                    raise
                await asyncio.sleep(0.05 * attempt)
        raise AssertionError("unreachable")

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
        options: dict[str, Any] = {}
        if self.retry_seconds is not None:
            options["max_transaction_retry_time"] = self.retry_seconds
        try:
            async with self.driver.session(
                database=self.name, default_access_mode=access_mode, **options
            ) as session:
                if access_mode == neo4j.READ_ACCESS:
                    return await session.execute_read(timed)
                return await session.execute_write(timed)
        except UNAVAILABLE as error:
            raise DatabaseUnavailable(
                "The graph database is not reachable right now; try again shortly.",
                retryAfter=BUSY_RETRY_AFTER,
            ) from error
        except ConnectionPoolError as error:
            raise _busy("no database connection became free in time") from error
        except Neo4jError as error:
            code = error.code or ""
            if "TransactionTimedOut" in code:
                raise QueryTimeout(
                    f"The query took longer than {self.timeout:g} s and was cancelled; "
                    "ask for less (smaller pages, fewer nested fields, a narrower filter).",
                    limitSeconds=self.timeout,
                ) from error
            if isinstance(error, TransientError) or code in LOCK_WAIT_ENDED:
                raise _busy("concurrent work kept it from finishing") from error
            raise


def _busy(why: str) -> DatabaseBusy:
    return DatabaseBusy(
        f"The graph database is busy ({why}); try again in a moment.",
        retryAfter=BUSY_RETRY_AFTER,
    )


def _fetch_all(
    query: LiteralString, params: dict[str, Any]
) -> Callable[[AsyncManagedTransaction], Awaitable[list[Row]]]:
    async def work(tx: AsyncManagedTransaction) -> list[Row]:
        result = await tx.run(query, params)
        return [record.data() async for record in result]

    return work


async def ping(driver: AsyncDriver, database: str, timeout: float) -> str:
    """Run `RETURN 1` once, without retries, through the driver's pool; the server agent
    string, or `DatabaseUnavailable` (also when it takes over `timeout` s) / `DatabaseBusy`."""

    async def once() -> str:
        async with driver.session(
            database=database,
            default_access_mode=neo4j.READ_ACCESS,
            connection_acquisition_timeout=timeout,
        ) as session:
            result = await session.run("RETURN 1 AS ok")
            summary = await result.consume()
            return summary.server.agent

    try:
        return await asyncio.wait_for(once(), timeout=timeout)
    except TimeoutError as error:
        raise DatabaseUnavailable(f"no answer within {timeout:g} s") from error
    except UNAVAILABLE as error:
        raise DatabaseUnavailable(str(error) or type(error).__name__) from error
    except ConnectionPoolError as error:
        raise _busy("no database connection became free in time") from error
