"""The GraphQL view: Strawberry's ASGI app, reading requests and answering them as
core/http.py describes, with gridgraph's per-request context."""

from __future__ import annotations

import logging
from typing import Any

from cross_web import HTTPException  # what Strawberry's views raise
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.types import Receive, Scope, Send
from strawberry.asgi import GraphQL
from strawberry.http import GraphQLRequestData
from strawberry.schema.exceptions import CannotGetOperationTypeError, InvalidOperationTypeError
from strawberry.types import ExecutionResult

from core.auth import ANONYMOUS_VIEWER
from core.database import Database
from core.gate import INTERNAL_MESSAGE
from core.graphiql import offline_html
from core.http import (
    GRAPHQL_RESPONSE,
    JSON,
    RequestError,
    check_content_type,
    media_type_of,
    parameters_from_body,
    parameters_from_query,
)
from core.observability import request_id_var
from core.settings import Settings
from schema import schema
from schema.context import Context

log = logging.getLogger("gridgraph.app")


class GridgraphGraphQL(GraphQL):
    """Strawberry's ASGI app with gridgraph's per-request context, reading requests and
    answering them as core/http.py describes: every refusal is JSON with a code, request
    errors carry no `data`, and their status follows the negotiated media type."""

    def __init__(self, settings: Settings, **kwargs: Any) -> None:
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
        return HTMLResponse(offline_html(self.graphql_ide_html))

    async def get_context(self, request: Request, response: Response) -> Any:  # type: ignore[override]
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
