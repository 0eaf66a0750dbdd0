"""The service process around the GraphQL view: preparing the graph before serving (and
while Neo4j is away), the background tasks, and the health and readiness endpoints."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager

from neo4j import AsyncDriver
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import Route

from core.admission import Admission
from core.database import Database, create_async_driver, create_sync_driver, ping
from core.errors import DatabaseBusy, DatabaseUnavailable, Overloaded
from core.identity import IdentityKey, IdentityKeyError
from core.migrations import prepare_graph
from core.settings import Settings
from core.tokens import TokenUsage

log = logging.getLogger("gridgraph.app")


PREPARE_RETRY_SECONDS = 5.0


def prepare(settings: Settings) -> IdentityKey:
    """The identity key and the migrations (`core.migrations.prepare_graph`), in a thread."""
    with create_sync_driver(settings) as driver:
        driver.verify_connectivity()  # fails at once when Neo4j is down, without retries
        key, applied = prepare_graph(settings, driver)
    if applied:
        log.info("applied migrations %s", ", ".join(applied))
    return key


async def prepare_until_done(app: Starlette, settings: Settings) -> None:
    """Prepare the graph, retrying while Neo4j cannot be reached; a wrong key is final."""
    while True:
        try:
            app.state.identity = await asyncio.to_thread(prepare, settings)
            log.info("connected to %s", settings.effective_neo4j_uri)
            return
        except IdentityKeyError as error:
            log.error("%s", error.message)
            app.state.not_ready = error.message
            return
        except Exception as error:
            log.warning("Neo4j not reachable (%s); /readyz says so; retrying", error)
            app.state.not_ready = f"the graph is not prepared yet: {error}"
        await asyncio.sleep(PREPARE_RETRY_SECONDS)


async def flush_once(usage: TokenUsage, driver: AsyncDriver, settings: Settings) -> None:
    """Write the tokens' last uses noted so far; a failure is logged, and tried again later."""
    if not usage.pending:
        return
    try:
        await usage.flush(Database(driver, settings, retry_seconds=0))
    except Exception as error:
        log.warning("could not record when %d tokens were last used: %s", usage.pending, error)


async def flush_token_usage(usage: TokenUsage, driver: AsyncDriver, settings: Settings) -> None:
    """Every `token_last_used_flush_seconds`, one batched write of `lastUsedAt`."""
    while True:
        await asyncio.sleep(settings.token_last_used_flush_seconds)
        await flush_once(usage, driver, settings)


def lifespan(
    settings: Settings, admission: Admission, usage: TokenUsage
) -> Callable[[Starlette], AbstractAsyncContextManager[None]]:
    """The app's lifespan: the driver, the graph prepared (or being prepared), the admission
    health check and the token-usage flush running; all stopped and flushed at the end."""

    @asynccontextmanager
    async def run(app: Starlette) -> AsyncIterator[None]:
        driver = create_async_driver(settings)
        app.state.driver = driver
        app.state.identity = None
        app.state.not_ready = "the graph is not prepared yet"
        # The first attempt before serving; if Neo4j is down, the service starts anyway,
        # reports not-ready and keeps trying.
        preparing = asyncio.create_task(prepare_until_done(app, settings))
        await asyncio.wait([preparing], timeout=settings.neo4j_connection_timeout * 3)
        background = [
            asyncio.create_task(admission.watch(driver, settings)),
            asyncio.create_task(flush_token_usage(usage, driver, settings)),
        ]
        yield
        for task in [preparing, *background]:
            task.cancel()
        await asyncio.gather(preparing, *background, return_exceptions=True)
        await flush_once(usage, driver, settings)
        await driver.close()

    return run


def health_routes(settings: Settings, admission: Admission) -> list[Route]:
    """`/healthz` (the process serves) and `/readyz` (a request would be served now)."""

    async def healthz(request: Request) -> Response:
        return PlainTextResponse("ok")

    async def readyz(request: Request) -> Response:
        """Ready when a request would be served now: the graph is prepared, Neo4j answers a
        read through the service's own pool, and the process has a free admission slot."""

        def unavailable(reason: str, status: str = "unavailable") -> Response:
            return JSONResponse(
                {"status": status, "reason": reason},
                status_code=503,
                headers={"Retry-After": str(admission.retry_after)},
            )

        if request.app.state.identity is None:
            return unavailable(request.app.state.not_ready)
        if admission.down_reason is not None:
            return unavailable(f"Neo4j does not answer: {admission.down_reason}")
        try:
            async with admission.slot():
                agent = await ping(
                    request.app.state.driver,
                    settings.neo4j_database,
                    settings.neo4j_connection_timeout,
                )
        except Overloaded as error:
            return unavailable(error.message, status="overloaded")
        except (DatabaseUnavailable, DatabaseBusy) as error:
            cause = error.__cause__
            reason = str(cause) if cause is not None and str(cause) else error.message
            return unavailable(f"Neo4j does not answer: {reason}")
        return JSONResponse({"status": "ready", "neo4j": agent})

    return [Route("/healthz", healthz), Route("/readyz", readyz)]
