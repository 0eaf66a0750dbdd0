"""GraphQL over HTTP: media types by `Accept`, status codes by the kind of result, 405 for a
mutation over GET, and the gate's refusals in the negotiated media type."""

from __future__ import annotations

from typing import Any

import pytest
from starlette.testclient import TestClient

from core.http import GRAPHQL_RESPONSE, JSON, negotiate
from tests.conftest import bearer, make_jwt, make_test_settings

BOTH = f"{GRAPHQL_RESPONSE}, {JSON};q=0.9"


@pytest.mark.parametrize(
    ("accept", "chosen"),
    [
        (None, JSON),
        ("", JSON),
        ("*/*", JSON),
        ("application/*", JSON),
        (JSON, JSON),
        (f"{JSON}; charset=utf-8", JSON),
        (GRAPHQL_RESPONSE, GRAPHQL_RESPONSE),
        ("Application/GraphQL-Response+JSON", GRAPHQL_RESPONSE),
        (BOTH, GRAPHQL_RESPONSE),
        (f"{JSON}, {GRAPHQL_RESPONSE}", GRAPHQL_RESPONSE),
        (f"{JSON}, {GRAPHQL_RESPONSE};q=0.5", JSON),
        (f"{GRAPHQL_RESPONSE}, */*", GRAPHQL_RESPONSE),
        (f"{JSON}, */*;q=0.1", JSON),
        (f"{GRAPHQL_RESPONSE};q=0, */*", JSON),
        ("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", JSON),
        ("text/html", None),
        ("application/xml, text/*", None),
        (f"{JSON};q=0", None),
        (f"{JSON};q=0, {GRAPHQL_RESPONSE};q=0", None),
        ("*/*;q=0", None),
        (f"{JSON};q=nonsense", None),
        (f"multipart/mixed, {GRAPHQL_RESPONSE};q=0.7", GRAPHQL_RESPONSE),
    ],
)
def test_negotiation_prefers_graphql_response_json_and_falls_back_to_json(
    accept: str | None, chosen: str | None
) -> None:
    assert negotiate(accept) == chosen


def _post(client: TestClient, accept: str | None, **body: Any) -> Any:
    headers = {"accept": accept} if accept else {}
    return client.post("/graphql", json=body, headers=headers)


def _media_type(response: Any) -> str:
    return response.headers["content-type"].split(";")[0]


KINDS = {
    # kind: (body, code of the first error or None, status as graphql-response+json)
    "success": ({"query": "{ __typename }"}, None, 200),
    "parse failure": ({"query": "{"}, "GRAPHQL_PARSE_FAILED", 400),
    "validation failure": ({"query": "{ nope }"}, "GRAPHQL_VALIDATION_FAILED", 400),
    "limit": ({"query": "{ a: __typename b: __typename }"}, "TOO_MANY_ALIASES", 400),
    "variable coercion failure": (
        {"query": "query($id: ID!) { node(id: $id) { id } }", "variables": {"id": None}},
        "BAD_USER_INPUT",
        400,
    ),
    "literal value failure": (
        {"query": "{ areas(level: TOWN) { totalCount } }"},
        "BAD_USER_INPUT",
        400,
    ),
    "execution error": ({"query": '{ area(code: "999") { name } }'}, "NOT_FOUND", 200),
}


@pytest.mark.parametrize("kind", KINDS)
def test_status_follows_the_media_type_and_the_kind_of_result(kind: str, driver: Any) -> None:
    from main import create_app

    body, code, status = KINDS[kind]
    with TestClient(
        create_app(make_test_settings(max_aliases=1)), headers=bearer(make_jwt())
    ) as client:
        for accept, expected_type, expected_status in (
            (BOTH, GRAPHQL_RESPONSE, status),
            (GRAPHQL_RESPONSE, GRAPHQL_RESPONSE, status),
            (JSON, JSON, 200),
            (None, JSON, 200),
            ("*/*", JSON, 200),
        ):
            response = _post(client, accept, **body)
            assert response.status_code == expected_status, (accept, response.text)
            assert _media_type(response) == expected_type, accept
            assert "accept" in response.headers["vary"].lower()
            result = response.json()
            if code is None:
                assert result == {"data": {"__typename": "Query"}}
                continue
            assert result["errors"][0]["extensions"]["code"] == code, result
            # A request error (nothing executed) has no `data`; an execution error has one.
            assert ("data" in result) == (status == 200), result


def test_a_request_neither_media_type_is_acceptable_for_gets_406(client: TestClient) -> None:
    for accept in ("text/html", "application/xml", f"{JSON};q=0"):
        response = _post(client, accept, query="{ __typename }")
        assert response.status_code == 406, accept
        assert _media_type(response) == JSON
        (error,) = response.json()["errors"]
        assert error["extensions"]["code"] == "NOT_ACCEPTABLE"
        assert GRAPHQL_RESPONSE in error["message"] and JSON in error["message"]
    # GraphiQL (a browser asking for HTML, no query) is still served.
    page = client.get("/graphql", headers={"accept": "text/html"})
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")


@pytest.mark.parametrize("accept", [GRAPHQL_RESPONSE, JSON])
def test_a_mutation_over_get_is_405_allow_post(client: TestClient, accept: str) -> None:
    for query in (
        "mutation { __typename }",
        'mutation M { acceptCase(input: {caseId: "C2026-000001"}) { __typename } }',
        "query Q { __typename } mutation M { __typename }",
    ):
        params = {"query": query}
        if query.startswith("query Q"):
            params["operationName"] = "M"
        response = client.get("/graphql", params=params, headers={"accept": accept})
        assert response.status_code == 405, response.text
        assert response.headers["allow"] == "POST"
        assert _media_type(response) == accept
        (error,) = response.json()["errors"]
        assert error["extensions"]["code"] == "METHOD_NOT_ALLOWED"
        assert "POST" in error["message"]
    # Queries over GET still work, and so does a mutation over POST.
    response = client.get("/graphql", params={"query": "{ __typename }"})
    assert response.json() == {"data": {"__typename": "Query"}}
    assert _post(client, None, query="mutation { __typename }").json() == {
        "data": {"__typename": "Mutation"}
    }


def test_an_unknown_operation_name_is_a_coded_request_error(client: TestClient) -> None:
    for accept in (GRAPHQL_RESPONSE, JSON):
        response = _post(client, accept, query="query A { __typename }", operationName="B")
        assert response.status_code == 400
        assert _media_type(response) == accept
        (error,) = response.json()["errors"]
        assert error["extensions"]["code"] == "OPERATION_RESOLUTION_FAILURE"
        assert '"B"' in error["message"]


def test_the_gates_refusals_come_in_the_negotiated_media_type(driver: Any) -> None:
    from main import create_app

    cases: list[tuple[dict[str, object], dict[str, str], bytes, int, str]] = [
        ({}, {}, b'{"query": "{ __typename }"}', 401, "UNAUTHENTICATED"),
        ({}, bearer("gg_not-a-token"), b'{"query": "{ __typename }"}', 401, "UNAUTHENTICATED"),
        (
            {"max_body_bytes": 50},
            bearer(make_jwt()),
            b'{"query": "{ __typename __typename __typename __typename }"}',
            413,
            "REQUEST_TOO_LARGE",
        ),
        (
            {"rate_limit_burst": 1, "rate_limit_per_minute": 1},
            bearer(make_jwt()),
            b'{"query": "{ __typename }"}',
            429,
            "RATE_LIMITED",
        ),
        (
            {"neo4j_uri": "bolt://127.0.0.1:1", "neo4j_connection_timeout": 0.5},
            bearer("gg_some-token"),
            b'{"query": "{ __typename }"}',
            503,
            "DATABASE_UNAVAILABLE",
        ),
    ]
    for overrides, auth, body, status, code in cases:
        with TestClient(create_app(make_test_settings(**overrides))) as client:
            for accept in (GRAPHQL_RESPONSE, JSON):
                headers = {**auth, "accept": accept, "content-type": JSON}
                response = client.post("/graphql", content=body, headers=headers)
                if status == 429 and response.status_code == 200:  # the burst's one request
                    response = client.post("/graphql", content=body, headers=headers)
                assert response.status_code == status, (code, response.text)
                assert _media_type(response) == accept, code
                assert response.json()["errors"][0]["extensions"]["code"] == code
