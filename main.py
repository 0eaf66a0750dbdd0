"""gridgraph: the ASGI application factory and the command line.

uvicorn --factory --no-proxy-headers main:create_app    # the service (`gridgraph serve`)
gridgraph --help                                        # the CLI (also: python main.py --help)
"""

from __future__ import annotations

import logging
from typing import Any

import typer
from starlette.applications import Starlette
from starlette.routing import Route

from core import service
from core.admission import Admission
from core.gate import GraphQLGate
from core.http import MediaTypes
from core.observability import AccessLogMiddleware, configure_logging
from core.proxy import ProxyHeadersMiddleware
from core.settings import Settings

log = logging.getLogger("gridgraph.app")


def create_app(settings: Settings | None = None) -> Starlette:
    """Build the ASGI app: /graphql (GraphiQL on GET), /healthz, /readyz."""
    settings = settings or Settings()
    configure_logging(settings.log_level)

    from schema.view import GridgraphGraphQL

    admission = Admission(settings)
    gate = GraphQLGate(GridgraphGraphQL(settings), settings, admission=admission)

    routes = [
        *service.health_routes(settings, admission),
        # A Route, not a Mount: POST /graphql must answer, not redirect to /graphql/. Every
        # method reaches the view, whose 405 is JSON like its other refusals.
        Route("/graphql", MediaTypes(gate)),
    ]
    from core import browser_guide, graphiql

    routes += [*browser_guide.routes(settings), *graphiql.routes()]
    lifespan = service.lifespan(settings, admission, gate.authenticator.usage)
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
