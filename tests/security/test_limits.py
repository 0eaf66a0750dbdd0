"""Limits that keep the service up: each one hit by a query, with a clear, coded error."""

from __future__ import annotations

import asyncio
import time
from typing import Any

import pytest
import strawberry
from starlette.testclient import TestClient

from core.database import Database, create_async_driver
from core.errors import QueryTimeout
from core.ratelimit import RateLimiter
from schema.limits import OperationLimits
from tests.conftest import bearer, gql, make_jwt, make_test_settings

ADMIN = bearer(make_jwt())


def _client(**overrides: object) -> TestClient:
    from main import create_app

    return TestClient(create_app(make_test_settings(**overrides)), headers=ADMIN)


def _only_error(body: dict[str, Any]) -> dict[str, Any]:
    assert body.get("data") is None, body
    assert len(body["errors"]) == 1, body
    return body["errors"][0]


# --- Depth, aliases, tokens, introspection (the real schema) ----------------------------------


def test_query_depth_is_capped() -> None:
    # Depth counts the levels below the root fields: `serverInfo { database }` is 1 deep.
    with _client(max_query_depth=0) as client:
        error = _only_error(gql(client, "{ serverInfo { database } }"))
        assert error["extensions"] == {"code": "QUERY_TOO_DEEP", "limit": 0}
        assert "exceeds maximum operation depth of 0" in error["message"]
    with _client(max_query_depth=1) as client:
        assert gql(client, "{ serverInfo { database } }") == {
            "data": {"serverInfo": {"database": "neo4j"}}
        }


def test_aliases_are_capped() -> None:
    query = "{ a: serverInfo { database } b: serverInfo { database } c: viewer { name } }"
    with _client(max_aliases=2) as client:
        error = _only_error(gql(client, query))
    assert error["extensions"] == {"code": "TOO_MANY_ALIASES", "limit": 2}
    assert error["message"] == "3 aliases found. Allowed: 2"
    with _client(max_aliases=3) as client:
        assert "errors" not in gql(client, query)


def test_document_tokens_are_capped() -> None:
    query = "{ viewer { name role areaCode } serverInfo { database version edition } }"
    with _client(max_tokens=10) as client:
        error = _only_error(gql(client, query))
    assert error["extensions"] == {"code": "TOO_MANY_TOKENS", "limit": 10}
    assert "Document contains more than 10 tokens" in error["message"]
    with _client(max_tokens=40) as client:
        assert "errors" not in gql(client, query)


def test_comment_floods_count_against_the_token_limit() -> None:
    query = "{ viewer { name } }" + "\n#" * 50
    with _client(max_tokens=20) as client:
        error = _only_error(gql(client, query))
    assert "comments" in error["message"]


def test_introspection_can_be_turned_off() -> None:
    query = "{ __schema { queryType { name } } }"
    with _client() as client:
        assert gql(client, query) == {"data": {"__schema": {"queryType": {"name": "Query"}}}}
    with _client(introspection=False) as client:
        body = gql(client, query)
        assert "data" not in body  # refused before execution
        assert {e["extensions"]["code"] for e in body["errors"]} == {"INTROSPECTION_DISABLED"}
        assert "introspection has been disabled" in body["errors"][0]["message"]
        # __typename is not introspection of the schema and keeps working.
        assert gql(client, "{ __typename }") == {"data": {"__typename": "Query"}}


# --- Cost (pages x nested pages) ----------------------------------------------------------------


@strawberry.type
class Item:
    name: str

    @strawberry.field
    def children(self, first: int | None = None, after: str | None = None) -> list[Item]:
        return [Item(name=f"{self.name}.{i}") for i in range(min(first or 2, 3))]

    @strawberry.field
    def siblings(self) -> list[Item]:
        return [Item(name=f"{self.name}+")]

    @strawberry.field
    def tags(self) -> list[str]:
        return ["a", "b"]


@strawberry.type
class ItemConnection:
    nodes: list[Item]
    total_count: int


@strawberry.type
class CostQuery:
    @strawberry.field
    def items(self, first: int | None = None) -> list[Item]:
        return [Item(name=str(i)) for i in range(min(first or 2, 3))]

    @strawberry.field
    def page(self, first: int | None = None) -> ItemConnection:
        return ItemConnection(nodes=[Item(name="p")], total_count=1)

    @strawberry.field
    def item(self) -> Item:
        return Item(name="one")


class _Ctx:
    def __init__(self, **overrides: object) -> None:
        self.settings = make_test_settings(**overrides)


COST_SCHEMA = strawberry.Schema(query=CostQuery, extensions=[OperationLimits])


def _run(query: str, variables: dict[str, Any] | None = None, **overrides: object) -> Any:
    return asyncio.run(
        COST_SCHEMA.execute(query, variable_values=variables, context_value=_Ctx(**overrides))
    )


def test_cost_multiplies_first_down_the_tree_and_sums() -> None:
    # items: 100; their children: 100 x 50 = 5000; grandchildren: 5000 x 10 = 50000.
    query = "{ items(first: 100) { children(first: 50) { children(first: 10) { name } } } }"
    result = _run(query, max_query_cost=55_099)
    assert len(result.errors) == 1
    error = result.errors[0]
    assert error.extensions == {"code": "QUERY_TOO_COMPLEX", "limit": 55_099, "actual": 55_100}
    assert "may fetch up to 55100 nodes; the limit is 55099" in error.message
    assert _run(query, max_query_cost=55_100).errors is None


def test_cost_reads_variables_defaults_fragments_and_the_default_page() -> None:
    query = """
    query Q($n: Int = 7, $m: Int) {
      items(first: $n) { ...Kids }
      item { children { name } }
    }
    fragment Kids on Item { children(first: $m) { ... on Item { children(first: 3) { name } } } }
    """
    # items: n; children: n x m; grandchildren: n x m x 3; item.children: default page (20).
    # Without variables: n = 7 (default), m = default page 20 -> 7 + 140 + 420 + 20 = 587.
    result = _run(query, max_query_cost=586)
    assert result.errors[0].extensions["actual"] == 587
    result = _run(query, {"n": 2, "m": 5}, max_query_cost=10)
    assert result.errors[0].extensions["actual"] == 2 + 10 + 30 + 20


def test_nested_lists_without_first_count_as_the_list_size_and_pages_not_twice() -> None:
    # page: 30; its nodes are the page (not counted again); their siblings: 30 x 10 = 300;
    # siblings' tags are scalars (not counted); siblings' siblings: 300 x 10 = 3000.
    query = "{ page(first: 30) { totalCount nodes { tags siblings { tags siblings { name } } } } }"
    result = _run(query, max_query_cost=3329)
    assert result.errors[0].extensions["actual"] == 3330
    result = _run(query, max_query_cost=100_000, cost_list_size=2)
    assert result.errors is None
    result = _run(query, max_query_cost=149, cost_list_size=2)
    assert result.errors[0].extensions["actual"] == 30 + 60 + 120


# --- Rate limit, body size, Cypher timeout ------------------------------------------------------


def test_rate_limit_per_token_answers_429_with_retry_after() -> None:
    query = {"query": "{ viewer { name } }"}
    other = bearer(make_jwt(role="viewer", name="other caller"))
    with _client(rate_limit_burst=3, rate_limit_per_minute=6) as client:
        for _ in range(3):
            assert client.post("/graphql", json=query).status_code == 200
        limited = client.post("/graphql", json=query)
        assert limited.status_code == 429
        assert limited.headers["retry-after"] == "10"
        assert limited.json()["errors"][0]["extensions"] == {
            "code": "RATE_LIMITED",
            "retryAfter": 10,
        }
        # Another caller has its own bucket; health checks are never limited.
        assert client.post("/graphql", json=query, headers=other).status_code == 200
        assert client.get("/healthz").status_code == 200


def test_token_bucket_refills_at_the_configured_rate() -> None:
    now = [0.0]
    limiter = RateLimiter(per_minute=60, burst=2, clock=lambda: now[0])
    assert limiter.acquire("a") == 0.0 and limiter.acquire("a") == 0.0
    assert limiter.acquire("a") == pytest.approx(1.0)
    assert limiter.waiting("a") == pytest.approx(1.0)
    now[0] = 0.5
    assert limiter.acquire("a") == pytest.approx(0.5)
    now[0] = 1.0
    assert limiter.acquire("a") == 0.0
    now[0] = 100.0  # refills to the burst, not beyond
    assert [limiter.acquire("a") for _ in range(3)][:2] == [0.0, 0.0]
    assert RateLimiter(per_minute=0, burst=1).acquire("x") == 0.0  # 0: off


def test_failed_authentication_is_rate_limited_per_client_address() -> None:
    with _client(rate_limit_burst=2, rate_limit_per_minute=60) as client:
        bad = bearer("gg_wrong")
        statuses = [
            client.post("/graphql", json={"query": "{ __typename }"}, headers=bad).status_code
            for _ in range(3)
        ]
    assert statuses == [401, 401, 429]


def test_request_bodies_over_the_limit_get_413() -> None:
    padding = " " * 2000
    with _client(max_body_bytes=1000) as client:
        response = client.post("/graphql", json={"query": "{ viewer { name } }" + padding})
        assert response.status_code == 413
        assert response.json()["errors"][0]["extensions"] == {
            "code": "REQUEST_TOO_LARGE",
            "limit": 1000,
        }

        # Without a Content-Length (chunked), the body is counted as it arrives.
        def chunks():  # type: ignore[no-untyped-def]
            yield b'{"query": "{ viewer { name } }'
            yield b" " * 2000
            yield b'"}'

        chunked = client.post(
            "/graphql", content=chunks(), headers={"content-type": "application/json"}
        )
        assert chunked.status_code == 413
        small = client.post("/graphql", json={"query": "{ viewer { name } }"})
        assert small.status_code == 200


SLOW_QUERY = """
UNWIND range(1, 200000000) AS x
WITH x WHERE x % 7919 = -1
RETURN count(x) AS n
"""


def test_a_slow_cypher_transaction_is_cut_off_and_reported_cleanly(settings: Any) -> None:
    async def run() -> None:
        timed = make_test_settings(neo4j_query_timeout=0.5)
        driver = create_async_driver(timed)
        try:
            db = Database(driver, timed)
            started = time.perf_counter()
            with pytest.raises(QueryTimeout) as raised:
                await db.read(SLOW_QUERY)
            assert time.perf_counter() - started < 10
        finally:
            await driver.close()
        error = raised.value
        assert error.extensions == {"code": "QUERY_TIMEOUT", "limitSeconds": 0.5}
        assert "took longer than 0.5 s and was cancelled" in error.message
        assert "UNWIND" not in error.message and "Neo." not in error.message

    asyncio.run(run())
