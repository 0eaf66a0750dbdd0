"""The gate in front of /graphql: request size, authentication and the per-caller rate limit.

It runs before Strawberry sees a request, so a refused request costs no parsing, and it answers
with the HTTP status a client or proxy expects: 413 (body too large), 401 (no or bad token), 429
(rate limit, with `Retry-After`), 503 with `Retry-After` (the token look-up impossible, Neo4j
down, or the process at its admission limit: `core.admission`). Bodies are JSON in the GraphQL
error shape: `{"errors": [{"message": ..., "extensions": {"code": ...}}]}`.

An operation that passed the checks runs in an admission slot, taken after its body was read
(so a slow client holds no slot) and before any of its work starts.

GET /graphql without a `query` parameter (the GraphiQL page) passes untouched; a GET carrying a
query is an operation and is checked like a POST. The viewer found here reaches the GraphQL
context through `scope["state"]["viewer"]` (`request.state.viewer`).
"""

from __future__ import annotations

import logging
from contextlib import AsyncExitStack
from typing import Any
from urllib.parse import parse_qs

from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from core.admission import Admission
from core.auth import DEVELOPMENT_VIEWER, Viewer, bearer_credential
from core.authenticator import Authenticator
from core.database import Database
from core.errors import AppError, DatabaseBusy, DatabaseUnavailable, Overloaded, Unauthenticated
from core.ratelimit import RateLimiter, client_key, retry_after_header
from core.settings import Settings

log = logging.getLogger("gridgraph.gate")

MISSING_TOKEN_MESSAGE = (
    "Authentication required: send 'Authorization: Bearer <token>'. An administrator issues "
    "tokens with `gridgraph token create`; for local development, run the server with "
    "GRIDGRAPH_DEV_MODE=true (`make serve` does)."
)

INTERNAL_MESSAGE = "Internal server error; quote the request id when reporting it."

LOOKUP_RETRY_SECONDS = 1.0
"""How long a token look-up retries a failing Neo4j before the request gets 503: less than the
`neo4j_max_retry_time` of the API's own queries, so a caller waiting on its token learns fast."""

REFUSALS = (DatabaseUnavailable, DatabaseBusy, Overloaded)
"""What the gate answers with 503 and `Retry-After`."""


def _error(
    status: int, message: str, code: str, headers: dict[str, str] | None = None, **details: Any
) -> JSONResponse:
    body = {"errors": [{"message": message, "extensions": {"code": code, **details}}]}
    return JSONResponse(body, status_code=status, headers=headers)


class _BodyTooLarge(Exception):
    pass


class _ClientGone(Exception):
    """The client disconnected before its body was read: nothing is run for it."""


class GraphQLGate:
    """ASGI middleware for the GraphQL app; one per application (it holds the caches)."""

    def __init__(
        self, app: ASGIApp, settings: Settings, admission: Admission | None = None
    ) -> None:
        self.app = app
        self.settings = settings
        self.admission = admission or Admission(settings)
        self.authenticator = Authenticator(settings, admission=self.admission)
        self.limiter = RateLimiter(settings.rate_limit_per_minute, settings.rate_limit_burst)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        if scope["type"] == "http" and not _is_operation(scope):
            await self.app(scope, receive, send)  # GraphiQL page, CORS pre-flight, 405s
            return
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        response = self._check_length(headers)
        viewer: Viewer | None = None
        if response is None:
            viewer, response = await self._authenticate(scope)
        if response is None and viewer is not None:
            response = self._rate_limit(scope, viewer)
        body = b""
        if response is None and scope["type"] == "http":
            try:
                body = await _read_body(receive, self.settings.max_body_bytes)
            except _BodyTooLarge:
                response = self._too_large()
            except _ClientGone:
                return
        if response is not None:
            if scope["type"] == "websocket":
                await send({"type": "websocket.close", "code": 4401})
                return
            await response(scope, receive, send)
            return
        scope = {**scope, "state": {**scope.get("state", {}), "viewer": viewer}}
        if scope["type"] == "websocket":
            await self.app(scope, receive, send)
            return
        async with AsyncExitStack() as admitted:
            try:
                await admitted.enter_async_context(self.admission.slot())
            except REFUSALS as refusal:
                await _refusal(refusal)(scope, receive, send)
                return
            await self.app(scope, _replay(body, receive), send)

    def _check_length(self, headers: dict[str, str]) -> JSONResponse | None:
        length = headers.get("content-length", "")
        if length.isdigit() and int(length) > self.settings.max_body_bytes:
            return self._too_large()
        return None

    def _too_large(self) -> JSONResponse:
        limit = self.settings.max_body_bytes
        return _error(
            413,
            f"The request body is larger than the limit of {limit} bytes.",
            "REQUEST_TOO_LARGE",
            limit=limit,
        )

    async def _authenticate(self, scope: Scope) -> tuple[Viewer | None, JSONResponse | None]:
        failures = f"failures:{client_key(scope)}"
        wait = self.limiter.waiting(failures)
        if wait:
            return None, self._too_many(wait)
        try:
            credential = bearer_credential(_authorization(scope))
            if credential is None:
                if self.settings.dev_mode:
                    return DEVELOPMENT_VIEWER, None
                raise Unauthenticated(MISSING_TOKEN_MESSAGE, reason="MISSING")
            db = Database(
                scope["app"].state.driver, self.settings, retry_seconds=LOOKUP_RETRY_SECONDS
            )
            return await self.authenticator.authenticate(credential, db), None
        except Unauthenticated as error:
            self.limiter.acquire(failures)
            reason = error.details.get("reason")
            status, challenge = 401, 'Bearer realm="gridgraph"'
            if reason == "DUPLICATE_HEADER":
                status, challenge = 400, challenge + ', error="invalid_request"'
            elif reason != "MISSING":
                challenge += ', error="invalid_token"'
            return None, _error(
                status,
                error.message,
                error.code,
                headers={"WWW-Authenticate": challenge},
                reason=reason,
            )
        except REFUSALS as error:
            if error.__cause__ is not None:  # not when admission refused it: that is counted
                log.warning("token look-up failed: %s", error.__cause__)
            return None, _refusal(error)
        except Exception:
            log.exception("token look-up failed unexpectedly")
            return None, _error(500, INTERNAL_MESSAGE, "INTERNAL_SERVER_ERROR")

    def _rate_limit(self, scope: Scope, viewer: Viewer) -> JSONResponse | None:
        key = viewer.actor if viewer is not DEVELOPMENT_VIEWER else client_key(scope)
        wait = self.limiter.acquire(key)
        return self._too_many(wait) if wait else None

    def _too_many(self, wait: float) -> JSONResponse:
        seconds = retry_after_header(wait)
        return _error(
            429,
            f"Too many requests; retry after {seconds} s.",
            "RATE_LIMITED",
            headers={"Retry-After": seconds},
            retryAfter=int(seconds),
        )


def _refusal(error: AppError) -> JSONResponse:
    """503 with `Retry-After` (and `extensions.retryAfter`) for a request not served now."""
    seconds = str(error.details.get("retryAfter") or 1)
    return _error(
        503,
        error.message,
        error.code,
        headers={"Retry-After": seconds},
        **{"retryAfter": int(seconds), **error.details},
    )


def _is_operation(scope: Scope) -> bool:
    if scope["type"] == "websocket":
        return True
    method = scope.get("method", "GET")
    if method == "POST":
        return True
    if method == "GET":
        # An empty `query=` is an operation too (and refused as one), never the GraphiQL page.
        query = parse_qs(scope.get("query_string", b"").decode("latin-1"), keep_blank_values=True)
        return "query" in query
    return False


def _authorization(scope: Scope) -> str | None:
    """The one Authorization header of a request (None: none).

    Two of them are refused rather than letting one win: a proxy, the server and the app may
    each pick a different one (Starlette's `headers.get` takes the first, a dict the last).
    """
    values = [v for k, v in scope["headers"] if k.lower() == b"authorization"]
    if len(values) > 1:
        raise Unauthenticated(
            "Send one Authorization header, not several.", reason="DUPLICATE_HEADER"
        )
    return values[0].decode("latin-1") if values else None


async def _read_body(receive: Receive, limit: int) -> bytes:
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            raise _ClientGone
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > limit:
            raise _BodyTooLarge
        chunks.append(chunk)
        if not message.get("more_body", False):
            break
    return b"".join(chunks)


def _replay(body: bytes, receive: Receive) -> Receive:
    sent = False

    async def replay() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return replay
