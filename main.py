"""gridgraph: the ASGI application factory and the command line.

uvicorn --factory --no-proxy-headers main:create_app    # the service (`gridgraph serve`)
gridgraph --help                                        # the CLI (also: python main.py --help)
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import typer
from cross_web import HTTPException  # what Strawberry's views raise
from neo4j import AsyncDriver
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import Route
from starlette.types import Receive, Scope, Send
from strawberry.asgi import GraphQL
from strawberry.http import GraphQLRequestData
from strawberry.schema.exceptions import CannotGetOperationTypeError, InvalidOperationTypeError
from strawberry.types import ExecutionResult

from core.admission import Admission
from core.database import Database, create_async_driver, create_sync_driver, ping
from core.errors import DatabaseBusy, DatabaseUnavailable, Overloaded
from core.gate import INTERNAL_MESSAGE, GraphQLGate
from core.http import (
    GRAPHQL_RESPONSE,
    JSON,
    MediaTypes,
    RequestError,
    check_content_type,
    media_type_of,
    parameters_from_body,
    parameters_from_query,
)
from core.identity import IdentityKey, IdentityKeyError
from core.migrations import prepare_graph
from core.observability import AccessLogMiddleware, configure_logging, request_id_var
from core.proxy import ProxyHeadersMiddleware
from core.settings import Settings
from core.tokens import TokenUsage

log = logging.getLogger("gridgraph.app")


class GridgraphGraphQL(GraphQL):
    """Strawberry's ASGI app with gridgraph's per-request context, reading requests and
    answering them as core/http.py describes: every refusal is JSON with a code, request
    errors carry no `data`, and their status follows the negotiated media type."""

    def __init__(self, settings: Settings, **kwargs: Any) -> None:
        from schema import schema

        super().__init__(schema, **kwargs)
        self.settings = settings

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await super().__call__(scope, receive, send)
            return
        try:
            response = await self.run(Request(scope, receive))
        except RequestError as error:
            response = _refusal(error)
        except HTTPException as error:  # Strawberry's own: another HTTP method
            headers = {"Allow": "GET, POST"} if error.status_code == 405 else None
            code = {405: "METHOD_NOT_ALLOWED", 404: "NOT_FOUND"}.get(error.status_code)
            response = _refusal(
                RequestError(error.status_code, error.reason, code or "BAD_REQUEST", headers)
            )
        except Exception:
            log.exception("the GraphQL view failed")
            response = _refusal(RequestError(500, INTERNAL_MESSAGE, "INTERNAL_SERVER_ERROR"))
        await response(scope, receive, send)

    async def parse_http_body(self, request: Any) -> GraphQLRequestData:
        """The request's parameters, its body decoded once (core.http.loads) and checked."""
        if request.method == "GET":
            return GraphQLRequestData(**parameters_from_query(request.query_params))
        check_content_type(request.content_type)
        return GraphQLRequestData(**parameters_from_body(await request.get_body()))

    async def execute_single(self, *args: Any, **kwargs: Any) -> ExecutionResult:
        """Strawberry's refusals of an operation, as coded request errors."""
        try:
            return await super().execute_single(*args, **kwargs)
        except HTTPException as error:
            cause = error.__cause__
            if isinstance(cause, InvalidOperationTypeError):
                raise RequestError(
                    405,
                    "Mutations cannot be sent with GET; send them with POST.",
                    "METHOD_NOT_ALLOWED",
                    {"Allow": "POST"},
                ) from error
            if isinstance(cause, CannotGetOperationTypeError):
                raise RequestError(400, error.reason, "OPERATION_RESOLUTION_FAILURE") from error
            raise RequestError(error.status_code, error.reason) from error

    async def get_sub_response(self, request: Request) -> Response:
        response = await super().get_sub_response(request)
        response.media_type = media_type_of(request.scope)  # read by create_response
        return response

    async def process_result(self, request: Request, result: ExecutionResult) -> Any:
        """A request error (nothing was executed) has no `data` (GraphQL over HTTP)."""
        response = await super().process_result(request, result)
        if _is_request_error(result):
            response.pop("data", None)
        return response

    def create_response(self, response_data: Any, sub_response: Response) -> Response:
        response = super().create_response(response_data, sub_response)
        if (
            sub_response.media_type == GRAPHQL_RESPONSE
            and isinstance(response_data, dict)
            and "data" not in response_data
        ):
            codes = {(e.get("extensions") or {}).get("code") for e in response_data["errors"]}
            response.status_code = 500 if "INTERNAL_SERVER_ERROR" in codes else 400
        return response

    async def render_graphql_ide(self, request: Request) -> Response:
        """GraphiQL, its scripts served by the service when fetched (see core/graphiql.py)."""
        from starlette.responses import HTMLResponse

        from core.graphiql import offline_html

        return HTMLResponse(offline_html(self.graphql_ide_html))

    async def get_context(self, request: Request, response: Response) -> Any:  # type: ignore[override]
        from core.auth import ANONYMOUS_VIEWER
        from schema.context import Context

        # core.gate.GraphQLGate authenticated the request and left the viewer in its state.
        viewer = getattr(request.state, "viewer", None) or ANONYMOUS_VIEWER
        return Context(
            request=request,
            response=response,
            settings=self.settings,
            db=Database(request.app.state.driver, self.settings),
            request_id=request_id_var.get(),
            viewer=viewer,
            identity=request.app.state.identity,
        )


def _is_request_error(result: ExecutionResult) -> bool:
    """Whether `result` failed before execution: no data, and no error at a field's path."""
    return (
        result.data is None
        and bool(result.errors)
        and all(error.path is None for error in result.errors or ())
    )


def _refusal(error: RequestError) -> Response:
    return Response(error.body(), error.status, error.headers, media_type=JSON)


PREPARE_RETRY_SECONDS = 5.0


def _prepare(settings: Settings) -> IdentityKey:
    """The identity key and the migrations (`core.migrations.prepare_graph`), in a thread."""
    with create_sync_driver(settings) as driver:
        driver.verify_connectivity()  # fails at once when Neo4j is down, without retries
        key, applied = prepare_graph(settings, driver)
    if applied:
        log.info("applied migrations %s", ", ".join(applied))
    return key


async def _prepare_until_done(app: Starlette, settings: Settings) -> None:
    """Prepare the graph, retrying while Neo4j cannot be reached; a wrong key is final."""
    while True:
        try:
            app.state.identity = await asyncio.to_thread(_prepare, settings)
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


async def _flush_once(usage: TokenUsage, driver: AsyncDriver, settings: Settings) -> None:
    """Write the tokens' last uses noted so far; a failure is logged, and tried again later."""
    if not usage.pending:
        return
    try:
        await usage.flush(Database(driver, settings, retry_seconds=0))
    except Exception as error:
        log.warning("could not record when %d tokens were last used: %s", usage.pending, error)


async def _flush_token_usage(usage: TokenUsage, driver: AsyncDriver, settings: Settings) -> None:
    """Every `token_last_used_flush_seconds`, one batched write of `lastUsedAt`."""
    while True:
        await asyncio.sleep(settings.token_last_used_flush_seconds)
        await _flush_once(usage, driver, settings)


def create_app(settings: Settings | None = None) -> Starlette:
    """Build the ASGI app: /graphql (GraphiQL on GET), /healthz, /readyz."""
    settings = settings or Settings()
    configure_logging(settings.log_level)

    admission = Admission(settings)
    gate = GraphQLGate(GridgraphGraphQL(settings), settings, admission=admission)

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        driver = create_async_driver(settings)
        app.state.driver = driver
        app.state.identity = None
        app.state.not_ready = "the graph is not prepared yet"
        # The first attempt before serving; if Neo4j is down, the service starts anyway,
        # reports not-ready and keeps trying.
        preparing = asyncio.create_task(_prepare_until_done(app, settings))
        await asyncio.wait([preparing], timeout=settings.neo4j_connection_timeout * 3)
        background = [
            asyncio.create_task(admission.watch(driver, settings)),
            asyncio.create_task(_flush_token_usage(gate.authenticator.usage, driver, settings)),
        ]
        yield
        for task in [preparing, *background]:
            task.cancel()
        await asyncio.gather(preparing, *background, return_exceptions=True)
        await _flush_once(gate.authenticator.usage, driver, settings)
        await driver.close()

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

    routes = [
        Route("/healthz", healthz),
        Route("/readyz", readyz),
        # A Route, not a Mount: POST /graphql must answer, not redirect to /graphql/. Every
        # method reaches the view, whose 405 is JSON like its other refusals.
        Route("/graphql", MediaTypes(gate)),
    ]
    from core import browser_guide, graphiql

    routes += [*browser_guide.routes(settings), *graphiql.routes()]
    app = Starlette(routes=routes, lifespan=lifespan)
    app.state.settings = settings
    app.state.admission = admission
    app.add_middleware(AccessLogMiddleware)
    # Outermost: the access log, the limits and the app all see the client it resolves.
    app.add_middleware(ProxyHeadersMiddleware, trusted=settings.trusted_proxies)
    return app


def uvicorn_options(settings: Settings) -> dict[str, Any]:
    """The uvicorn settings `gridgraph serve` runs the app with (tests serve it with the same)."""
    return {
        "host": settings.host,
        "port": settings.port,
        "access_log": False,  # core.observability logs each request
        "timeout_keep_alive": settings.keep_alive_seconds,
        "log_level": settings.log_level,
        # uvicorn would believe X-Forwarded-For from 127.0.0.1 (FORWARDED_ALLOW_IPS); the app
        # believes it from GRIDGRAPH_TRUSTED_PROXIES only (core/proxy.py).
        "proxy_headers": False,
    }


def _build_cli() -> typer.Typer:
    from commands import db, loads, server, token

    app = typer.Typer(
        help="gridgraph: the women's grid sisters-group network as a GraphQL knowledge graph.",
        no_args_is_help=True,
        pretty_exceptions_enable=False,
    )
    app.add_typer(server.app, name="neo4j")
    app.add_typer(db.app, name="db")
    app.add_typer(token.app, name="token")
    app.add_typer(loads.app, name="loads")
    from commands import demo, load

    app.command(name="load")(load.load)
    app.command(name="demo")(demo.demo)

    @app.command()
    def serve(
        host: str | None = typer.Option(None, help="Bind address (GRIDGRAPH_HOST)."),
        port: int | None = typer.Option(None, help="Port (GRIDGRAPH_PORT)."),
        workers: int | None = typer.Option(None, help="uvicorn worker processes."),
        reload: bool = typer.Option(False, help="Reload on code changes (development)."),
    ) -> None:
        """Serve the GraphQL API with uvicorn."""
        import os

        import uvicorn

        # Workers build their own Settings from the environment: pass the overrides on.
        for name, value in (("GRIDGRAPH_HOST", host), ("GRIDGRAPH_PORT", port)):
            if value is not None:
                os.environ[name] = str(value)
        settings = Settings()
        uvicorn.run(
            "main:create_app",
            factory=True,
            workers=workers or settings.workers,
            reload=reload,
            **uvicorn_options(settings),
        )

    return app


def cli() -> None:
    """Console-script entry point (`gridgraph`)."""
    _build_cli()()


if __name__ == "__main__":
    cli()
