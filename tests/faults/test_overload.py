"""A burst of concurrent requests beyond what the service admits: only answers that a client can
act on (200, or 503 with `Retry-After` and a code), never a 500, never a dropped connection.
Concurrent case reports all succeed, each with its own id."""

from __future__ import annotations

import asyncio
import re
from collections import Counter
from collections.abc import Callable
from typing import Any

import httpx
from neo4j import Driver

from core.auth import AccessRole
from core.settings import Settings
from core.tokens import create_token, delete_token
from tests.conftest import make_jwt
from tests.faults.conftest import outcome
from tests.mutations.conftest import LIUYI_GRID, LIUYI_GRID_2

CITY_WIDE = """
{
  people(first: 50) { totalCount nodes { name residence { name } } }
  grids(first: 50) { totalCount nodes { code name } }
  cases(first: 50) { totalCount nodes { caseId } }
}
"""

REPORT = """
mutation Report($input: ReportCaseInput!) {
  reportCase(input: $input) {
    __typename
    ... on Case { caseId }
    ... on MutationError { message }
  }
}
"""

CASE_IDS = """
MATCH (c:Case)
RETURN c.id AS id
ORDER BY id
"""


async def _burst(url: str, token: str, document: str, count: int) -> list[str]:
    limits = httpx.Limits(max_connections=count, max_keepalive_connections=count)
    async with httpx.AsyncClient(base_url=url, limits=limits, timeout=120) as client:

        async def one() -> str:
            try:
                response = await client.post(
                    "/graphql",
                    json={"query": document},
                    headers={"Authorization": f"Bearer {token}"},
                )
            except httpx.HTTPError as error:
                return f"no answer: {type(error).__name__}"
            return outcome(response)

        return await asyncio.gather(*(one() for _ in range(count)))


def test_a_burst_beyond_the_admission_limit_gets_200s_and_coded_503s(
    serve: Callable[..., Any], mutation_graph: Driver, settings: Settings
) -> None:
    # An API token, so every request also goes through the token look-up.
    issued = create_token(
        mutation_graph, settings.neo4j_database, name="burst", role=AccessRole.ADMIN
    )
    try:
        with serve(max_in_flight=4, admission_wait=0.05) as service:
            outcomes = Counter(asyncio.run(_burst(service.url, issued.secret, CITY_WIDE, 120)))
    finally:
        delete_token(mutation_graph, settings.neo4j_database, issued.record.id)
    print("\n120 requests, 4 admitted at once:", dict(outcomes))
    allowed = {"200", "503 OVERLOADED +Retry-After"}
    assert set(outcomes) <= allowed, outcomes
    assert outcomes["200"] > 0 and outcomes["503 OVERLOADED +Retry-After"] > 0, outcomes


def test_a_burst_with_the_default_limits_gets_no_500_and_no_dropped_connection(
    serve: Callable[..., Any], mutation_graph: Driver, settings: Settings
) -> None:
    issued = create_token(
        mutation_graph, settings.neo4j_database, name="burst", role=AccessRole.ADMIN
    )
    try:
        with serve() as service:
            outcomes = Counter(asyncio.run(_burst(service.url, issued.secret, CITY_WIDE, 240)))
    finally:
        delete_token(mutation_graph, settings.neo4j_database, issued.record.id)
    print("\n240 requests, default limits:", dict(outcomes))
    assert set(outcomes) <= {"200", "503 OVERLOADED +Retry-After"}, outcomes
    assert outcomes["200"] > 0, outcomes


async def _report_all(url: str, count: int) -> list[dict[str, Any]]:
    token = make_jwt("caseworker", name="reporter")
    limits = httpx.Limits(max_connections=count, max_keepalive_connections=count)
    async with httpx.AsyncClient(base_url=url, limits=limits, timeout=120) as client:

        async def report(n: int) -> dict[str, Any]:
            variables = {
                "input": {
                    "title": f"并发上报 {n}",
                    "category": "MARRIAGE_FAMILY",
                    "gridCode": LIUYI_GRID if n % 2 else LIUYI_GRID_2,
                    "summary": f"第 {n} 件",
                }
            }
            response = await client.post(
                "/graphql",
                json={"query": REPORT, "variables": variables},
                headers={"Authorization": f"Bearer {token}"},
            )
            return response.json()

        return await asyncio.gather(*(report(n) for n in range(count)))


def test_concurrent_distinct_reports_all_succeed_with_consecutive_ids(
    serve: Callable[..., Any], mutation_graph: Driver, settings: Settings
) -> None:
    count = 80
    # Every report is admitted (a long admission wait): this is about numbering, not overload.
    with serve(admission_wait=60) as service:
        bodies = asyncio.run(_report_all(service.url, count))
    results = [body["data"]["reportCase"] for body in bodies if "errors" not in body]
    assert [b for b in bodies if "errors" in b] == []
    refused = [r for r in results if r["__typename"] != "Case"]
    assert refused == []
    ids = sorted(r["caseId"] for r in results)
    assert len(set(ids)) == count
    numbers = [int(re.fullmatch(r"C\d{4}-(\d{6})", i).group(1)) for i in ids]  # type: ignore[union-attr]
    assert numbers == list(range(numbers[0], numbers[0] + count))
    stored, _, _ = mutation_graph.execute_query(CASE_IDS, database_=settings.neo4j_database)
    assert sorted(r["id"] for r in stored) == ids
