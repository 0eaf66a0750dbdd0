"""GraphQL over HTTP: media types, the refusal of malformed requests, and JSON from clients.

/graphql speaks the GraphQL-over-HTTP specification. A client chooses the media type of the
answer with `Accept` (`negotiate`): `application/graphql-response+json` when it names it (and does
not prefer `application/json`), `application/json` when it sends no `Accept`, a wildcard or
`application/json`, and 406 when it accepts neither. `MediaTypes` sits in front of everything that
answers /graphql (the gate, the GraphQL view), refuses with 406, leaves the choice in
`scope["state"]["media_type"]` and gives every JSON answer the chosen media type, so the gate's
401/413/429/503 come in it too. Status codes follow the specification:

- `application/json`: 200 for every GraphQL response, whatever its errors;
- `application/graphql-response+json`: 200 when the operation was executed (`data` present,
  even null), 400 for a request error (parse, validation or variable-coercion failure: no
  `data`), 500 for an internal one;
- both: 400 for a request that is not a GraphQL request at all (`RequestError`, `BAD_REQUEST`),
  405 with `Allow` for a mutation over GET or another HTTP method, 415 for a body that is not
  UTF-8 JSON.

`loads` is the one decoder for JSON a client sends (bodies, GET parameters, cursors): strict
UTF-8, at most `MAX_JSON_DEPTH` levels of nesting, no `NaN`/`Infinity`, no duplicate keys, no
integer of more than `MAX_INT_DIGITS` digits. Anything else is `MalformedJSON`, never a
RecursionError or a ValueError from deep inside the standard library.
"""

from __future__ import annotations

import json
import re
from itertools import accumulate
from typing import Any, NoReturn

from starlette.datastructures import Headers, MutableHeaders, QueryParams
from starlette.types import ASGIApp, Message, Receive, Scope, Send

JSON = "application/json"
GRAPHQL_RESPONSE = "application/graphql-response+json"
MEDIA_TYPES = (GRAPHQL_RESPONSE, JSON)

MAX_JSON_DEPTH = 32
"""Deepest nesting of arrays and objects accepted in JSON from a client (a request is ~3-8)."""
MAX_INT_DIGITS = 100
"""Longest integer accepted in JSON from a client (GraphQL's Int has 10 digits, Float 309)."""


class RequestError(Exception):
    """A request refused before GraphQL sees it: HTTP status, message, `extensions.code`."""

    def __init__(
        self,
        status: int,
        message: str,
        code: str = "BAD_REQUEST",
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.code = code
        self.headers = headers or {}

    def body(self) -> bytes:
        """The GraphQL error shape; ASCII-escaped, so that no echoed text can fail to encode."""
        error = {"message": self.message, "extensions": {"code": self.code}}
        return json.dumps({"errors": [error]}, separators=(",", ":")).encode()


class MalformedJSON(ValueError):
    """JSON a client sent that `loads` refuses; the message says why, for that client."""


# --- Accept -------------------------------------------------------------------------------


def _quality(parameters: list[str]) -> float | None:
    for parameter in parameters:
        name, _, value = parameter.partition("=")
        if name.strip().lower() == "q":
            try:
                q = float(value.strip())
            except ValueError:
                return None
            return q if 0 <= q <= 1 else None
    return 1.0


def negotiate(accept: str | None) -> str | None:
    """The media type to answer in, given an `Accept` header; None when neither is acceptable.

    For each media type the most specific matching range gives its quality (RFC 9110 12.5.1).
    The higher quality wins; on a tie `application/graphql-response+json` wins only when named
    explicitly, so `*/*` and `application/*` keep the legacy `application/json`.
    """
    if accept is None or not accept.strip():
        return JSON
    best: dict[str, tuple[float, int]] = {media_type: (0.0, -1) for media_type in MEDIA_TYPES}
    for element in accept.split(","):
        media_range, *parameters = element.split(";")
        media_range = media_range.strip().lower()
        quality = _quality(parameters)
        if quality is None or "/" not in media_range:
            continue
        for media_type in MEDIA_TYPES:
            kind = media_type.split("/")[0]
            specificity = {media_type: 2, f"{kind}/*": 1, "*/*": 0}.get(media_range)
            if specificity is not None and specificity > best[media_type][1]:
                best[media_type] = (quality, specificity)
    (response_q, response_s), (json_q, _) = best[GRAPHQL_RESPONSE], best[JSON]
    if response_q > json_q or (response_q == json_q > 0 and response_s == 2):
        return GRAPHQL_RESPONSE
    return JSON if json_q > 0 else None


def media_type_of(scope: Scope) -> str:
    """The media type `MediaTypes` chose for this request (`application/json` without it)."""
    return (scope.get("state") or {}).get("media_type", JSON)


class MediaTypes:
    """ASGI middleware in front of /graphql: 406, the chosen media type, `Vary: Accept`."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        media_type = negotiate(Headers(scope=scope).get("accept"))
        if media_type is None:
            if scope["method"] == "GET" and "query" not in QueryParams(scope["query_string"]):
                await self.app(scope, receive, send)  # a browser asking for the GraphiQL page
                return
            await _respond(send, NOT_ACCEPTABLE, JSON)
            return
        scope = {**scope, "state": {**(scope.get("state") or {}), "media_type": media_type}}

        async def send_in(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                headers.add_vary_header("Accept")
                if headers.get("content-type", "").split(";")[0] == JSON:
                    headers["content-type"] = _content_type(media_type)
            await send(message)

        await self.app(scope, receive, send_in)


NOT_ACCEPTABLE = RequestError(
    406,
    f"This endpoint answers in {GRAPHQL_RESPONSE} or {JSON}; the request's Accept header "
    "allows neither.",
    "NOT_ACCEPTABLE",
)


def _content_type(media_type: str) -> str:
    return f"{media_type}; charset=utf-8" if media_type == GRAPHQL_RESPONSE else media_type


async def _respond(send: Send, error: RequestError, media_type: str) -> None:
    body = error.body()
    headers = [
        (b"content-type", _content_type(media_type).encode()),
        (b"content-length", str(len(body)).encode()),
        (b"vary", b"Accept"),
        *((name.lower().encode(), value.encode()) for name, value in error.headers.items()),
    ]
    await send({"type": "http.response.start", "status": error.status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


# --- The parameters of a GraphQL request --------------------------------------------------

PARAMETERS = ("query", "variables", "operationName", "extensions")

SHAPE = (
    "a JSON object with a `query` string and optionally `variables` (an object), "
    "`operationName` (a string) and `extensions` (an object)"
)


def check_content_type(content_type: str | None) -> None:
    """Refuse (415) a POST body that is not `application/json` in UTF-8."""
    media_type, *parameters = (content_type or "").split(";")
    charsets = [
        value.strip().strip('"').lower()
        for name, _, value in (parameter.partition("=") for parameter in parameters)
        if name.strip().lower() == "charset"
    ]
    if media_type.strip().lower() != JSON or any(c not in ("utf-8", "utf8") for c in charsets):
        raise RequestError(
            415,
            f"POST /graphql takes {JSON} in UTF-8 (the request said "
            f"{json.dumps((content_type or 'nothing')[:100])}); a query can also be sent by GET.",
            "UNSUPPORTED_MEDIA_TYPE",
        )


def parameters_from_body(body: bytes) -> dict[str, Any]:
    """The parameters of a POST body, checked (`RequestError` 400 when it is not a request)."""
    try:
        data = loads(body)
    except MalformedJSON as error:
        raise RequestError(400, f"The request body is not JSON: {error}") from error
    return _parameters(data)


def parameters_from_query(params: Any) -> dict[str, Any]:
    """The parameters of a GET query string (a Starlette `QueryParams`), checked."""
    data: dict[str, Any] = {}
    for name in PARAMETERS:
        values = params.getlist(name)
        if len(values) > 1:
            raise RequestError(400, f"The parameter `{name}` is given {len(values)} times.")
        if not values or (values[0] == "" and name != "query"):
            continue
        if name in ("variables", "extensions"):
            try:
                data[name] = loads(values[0])
            except MalformedJSON as error:
                raise RequestError(400, f"The parameter `{name}` is not JSON: {error}") from error
        else:
            data[name] = values[0]
    return _parameters(data)


def _parameters(data: Any) -> dict[str, Any]:
    if isinstance(data, list):
        raise RequestError(400, "Batches (a JSON array) are not accepted; send one operation.")
    if not isinstance(data, dict):
        raise RequestError(400, f"A GraphQL request is {SHAPE}; this is a JSON {_kind(data)}.")
    query = data.get("query")
    if query is None or query == "":
        raise RequestError(400, f"The request has no `query`. A GraphQL request is {SHAPE}.")
    for name, kind in (
        ("query", str),
        ("variables", dict),
        ("operationName", str),
        ("extensions", dict),
    ):
        value = data.get(name)
        if value is not None and not isinstance(value, kind):
            wanted = "a string" if kind is str else "an object"
            raise RequestError(400, f"`{name}` must be {wanted}, not a JSON {_kind(value)}.")
    return {
        "query": query,
        "variables": data.get("variables"),
        "operation_name": data.get("operationName"),
        "extensions": data.get("extensions"),
    }


def _kind(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    return {str: "string", int: "number", float: "number", list: "array", dict: "object"}.get(
        type(value), "value"
    )


# --- JSON from clients ----------------------------------------------------------------------

# A JSON string (the unrolled form: linear, whatever the input), and what is not a bracket.
_STRING = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"', re.DOTALL)
_NOT_BRACKET = re.compile(r"[^\[\]{}]+")
_STEP = {ord("["): 1, ord("{"): 1, ord("]"): -1, ord("}"): -1}


def _too_deep(text: str) -> bool:
    """Whether arrays and objects in `text` nest deeper than `MAX_JSON_DEPTH` (brackets in
    strings ignored); about 20 ms for 100 KB of brackets, nothing for a request's few."""
    if text.count("[") + text.count("{") <= MAX_JSON_DEPTH:
        return False  # cannot be deeper than its number of openings
    brackets = _NOT_BRACKET.sub("", _STRING.sub("", text)).encode()
    return max(accumulate(map(_STEP.__getitem__, brackets)), default=0) > MAX_JSON_DEPTH


def _refuse_constant(name: str) -> NoReturn:
    raise MalformedJSON(f"{name} is not a JSON number.")


def _int(text: str) -> int:
    if len(text.lstrip("-")) > MAX_INT_DIGITS:
        raise MalformedJSON(f"A number has more than {MAX_INT_DIGITS} digits.")
    return int(text)


def _object(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise MalformedJSON(f"The key {json.dumps(key)} appears twice in one object.")
        result[key] = value
    return result


def loads(data: bytes | str) -> Any:
    """Decode JSON a client sent; `MalformedJSON` (with a message for the client) if refused."""
    if isinstance(data, bytes):
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as error:
            raise MalformedJSON(
                f"Not UTF-8 text (byte {error.start} is invalid); send JSON in UTF-8."
            ) from error
    else:
        text = data
    if _too_deep(text):
        raise MalformedJSON(f"JSON is nested more than {MAX_JSON_DEPTH} levels deep.")
    try:
        return json.loads(
            text, parse_constant=_refuse_constant, parse_int=_int, object_pairs_hook=_object
        )
    except json.JSONDecodeError as error:
        raise MalformedJSON(
            f"Not valid JSON: {error.msg} at line {error.lineno}, column {error.colno}."
        ) from error
    except RecursionError as error:  # cannot happen below MAX_JSON_DEPTH; kept as a guard
        raise MalformedJSON(f"JSON is nested more than {MAX_JSON_DEPTH} levels deep.") from error
