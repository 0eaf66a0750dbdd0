"""Malformed requests are refused with a 4xx and a JSON error with a code, never a 500.

Each entry of the corpus is sent through the real app (gate, view, schema) as an authenticated
admin, once accepting `application/json` and once `application/graphql-response+json`; the answer
must be the expected status, in the negotiated media type, in the GraphQL error shape
`{"errors": [{"message": ..., "extensions": {"code": ...}}]}`, without `data`.
"""

from __future__ import annotations

import json
from typing import Any, NamedTuple

import pytest
from starlette.testclient import TestClient

from core.http import GRAPHQL_RESPONSE, JSON

TYPENAME = '{"query": "{ __typename }"'


class Bad(NamedTuple):
    name: str
    body: bytes | None = None
    content_type: str | None = JSON
    method: str = "POST"
    params: list[tuple[str, str]] | None = None
    status: int = 400
    code: str = "BAD_REQUEST"


def _nested(depth: int, inner: str = "1") -> str:
    return "[" * depth + inner + "]" * depth


def _object_nested(depth: int) -> str:
    return '{"a":' * depth + "1" + "}" * depth


def _with(**fields: str) -> bytes:
    """A body holding `{ __typename }` and `fields` as raw JSON text."""
    extra = "".join(f', "{name}": {value}' for name, value in fields.items())
    return f"{TYPENAME}{extra}}}".encode()


BODIES = [
    # Not a JSON object.
    Bad("string", b'"{ __typename }"'),
    Bad("number", b"5"),
    Bad("float", b"1.5"),
    Bad("true", b"true"),
    Bad("false", b"false"),
    Bad("null", b"null"),
    Bad("array (batching is off)", b'[{"query": "{ __typename }"}]'),
    Bad("empty array", b"[]"),
    # Not JSON.
    Bad("empty body", b""),
    Bad("white space", b"  \n "),
    Bad("truncated", b'{"query": '),
    Bad("trailing garbage", b'{"query": "{ __typename }"} x'),
    Bad("single quotes", b"{'query': '{ __typename }'}"),
    Bad("NaN", _with(variables='{"x": NaN}')),
    Bad("Infinity", _with(variables='{"x": Infinity}')),
    Bad("-Infinity", _with(variables='{"x": -Infinity}')),
    # Not UTF-8.
    Bad("invalid UTF-8", b'{"query": "{ __typename \xff\xfe }"}'),
    Bad("Latin-1", '{"query": "{ search(text: \\"é\\") { score } }", "x": "é"}'.encode("latin-1")),
    Bad("UTF-16", '{"query": "{ __typename }"}'.encode("utf-16")),
    Bad("overlong UTF-8", b'{"query": "\xc0\xaf"}'),
    Bad("UTF-8 encoded surrogate", b'{"query": "\xed\xa0\x80"}'),
    # Too deep, too long.
    Bad("body nested 990 levels", _nested(990).encode()),
    Bad("variables nested 990 levels", _with(variables=f'{{"a": {_nested(990)}}}')),
    Bad("objects nested 990 levels", _with(variables=_object_nested(990))),
    Bad("variables nested 40 levels", _with(variables=f'{{"a": {_nested(40)}}}')),
    Bad("Int variable of 4401 digits", _with(variables=f'{{"first": {"1" * 4401}}}')),
    Bad("negative Int of 200 digits", _with(variables=f'{{"first": -{"9" * 200}}}')),
    # Ambiguous.
    Bad("duplicate query", b'{"query": "{ __typename }", "query": "{ viewer { name } }"}'),
    Bad("duplicate variable", _with(variables='{"a": 1, "a": 2}')),
    # Parameters of the wrong type.
    Bad("no query", b'{"variables": {}}'),
    Bad("misspelt query", b'{"qeury": "{ __typename }"}'),
    Bad("null query", b'{"query": null}'),
    Bad("empty query", b'{"query": ""}'),
    Bad("query a number", b'{"query": 5}'),
    Bad("query an object", b'{"query": {"obj": "ect"}}'),
    Bad("query a list", b'{"query": ["{ __typename }"]}'),
    Bad("query false", b'{"query": false}'),
    *(
        Bad(f"{field} {kind}", _with(**{field: value}))
        for field, values in {
            "variables": {"a string": '"{}"', "a number": "0", "false": "false", "a list": "[]"},
            "operationName": {"a number": "0", "false": "false", "an object": "{}", "a list": "[]"},
            "extensions": {"a string": '"{}"', "a number": "0", "false": "false", "a list": "[]"},
        }.items()
        for kind, value in values.items()
    ),
    # Content types the endpoint does not read.
    *(
        Bad(name, body, content_type, status=415, code="UNSUPPORTED_MEDIA_TYPE")
        for name, body, content_type in (
            ("no content type", TYPENAME.encode() + b"}", None),
            ("text/plain", TYPENAME.encode() + b"}", "text/plain"),
            ("form", b"query=%7B+__typename+%7D", "application/x-www-form-urlencoded"),
            (
                "multipart garbage",
                b"--x\r\nContent-Disposition: form-data; name=operations\r\n\r\n{]\r\n--x--",
                "multipart/form-data; boundary=x",
            ),
            ("application/graphql", b"{ __typename }", "application/graphql"),
            ("JSON in Latin-1", TYPENAME.encode() + b"}", "application/json; charset=iso-8859-1"),
            ("a JSON look-alike", TYPENAME.encode() + b"}", "application/json-patch+json"),
        )
    ),
]

GETS = [
    Bad("GET variables not JSON", method="GET", params=[("variables", "[1")]),
    Bad("GET variables a list", method="GET", params=[("variables", "[1]")]),
    Bad("GET variables a number", method="GET", params=[("variables", "5")]),
    Bad("GET variables with NaN", method="GET", params=[("variables", '{"a": NaN}')]),
    Bad("GET variables nested 990 levels", method="GET", params=[("variables", _nested(990))]),
    Bad("GET Int of 4401 digits", method="GET", params=[("variables", f'{{"a": {"1" * 4401}}}')]),
    Bad("GET extensions not JSON", method="GET", params=[("extensions", "{")]),
    Bad("GET extensions a string", method="GET", params=[("extensions", '"x"')]),
    Bad("GET query twice", method="GET", params=[("query", "{ viewer { name } }")]),
    Bad("GET operationName twice", method="GET", params=[("operationName", "A")] * 2),
    Bad("GET empty query", method="GET", params=[("query", "")]),
]

METHODS = [
    Bad(f"{method} /graphql", method=method, status=405, code="METHOD_NOT_ALLOWED")
    for method in ("PUT", "PATCH", "DELETE")
]

CORPUS = [*BODIES, *GETS, *METHODS]


def _send(client: TestClient, case: Bad, accept: str) -> Any:
    headers = {"accept": accept}
    if case.content_type:
        headers["content-type"] = case.content_type
    if case.method == "GET":
        params = [("query", "{ __typename }"), *(case.params or [])]
        if case.name == "GET empty query":
            params = list(case.params or [])
        return client.get("/graphql", params=params, headers=headers)
    return client.request(case.method, "/graphql", content=case.body or b"", headers=headers)


@pytest.mark.parametrize("accept", [JSON, GRAPHQL_RESPONSE])
@pytest.mark.parametrize("case", CORPUS, ids=[case.name for case in CORPUS])
def test_a_malformed_request_is_a_coded_json_4xx(
    client: TestClient, case: Bad, accept: str
) -> None:
    response = _send(client, case, accept)
    assert response.status_code == case.status, response.text[:300]
    assert response.headers["content-type"].split(";")[0] == accept
    body = json.loads(response.content)
    assert set(body) == {"errors"}, body
    (error,) = body["errors"]
    assert error["extensions"]["code"] == case.code, error
    assert isinstance(error["message"], str) and error["message"]
    assert "Traceback" not in error["message"] and "sys." not in error["message"]
    if case.status == 405:
        assert response.headers["allow"] == "GET, POST"


def test_the_well_formed_neighbours_of_the_corpus_pass(client: TestClient) -> None:
    """What the corpus refuses is refused for itself, not for what surrounds it."""
    for body, content_type in (
        (b'{"query": "{ __typename }"}', JSON),
        (b'{"query": "{ __typename }", "variables": null, "operationName": null}', JSON),
        (b'{"query": "{ __typename }", "extensions": {"a": [1.5, -2, "x"]}}', JSON),
        (_with(variables=f'{{"a": {_nested(20)}}}'), JSON),
        (_with(variables=f'{{"first": {"1" * 100}}}'), JSON),
        ('\ufeff{"query": "{ __typename }"}'.encode(), JSON),
        (b'{"query": "{ __typename }"}', "application/json; charset=utf-8"),
        (b'{"query": "{ __typename }"}', "Application/JSON; Charset=UTF-8"),
    ):
        response = client.post("/graphql", content=body, headers={"content-type": content_type})
        assert response.status_code == 200, (body, response.text)
        assert response.json() == {"data": {"__typename": "Query"}}, body
    response = client.get(
        "/graphql", params={"query": "{ __typename }", "variables": "{}", "extensions": ""}
    )
    assert response.json() == {"data": {"__typename": "Query"}}
