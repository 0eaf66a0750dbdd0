"""API tests: the fixture graph (loaded once for tests/api), the app in development mode
(admin viewer), and a way to run a document as any other viewer."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from typing import Any

import pytest
from neo4j import Driver
from starlette.testclient import TestClient

from core.auth import Viewer
from core.database import Database, create_async_driver
from core.settings import Settings
from tests.api.graph import CREATE_FIXTURE_GRAPH
from tests.conftest import gql, graph_of, make_test_settings

EXECUTED: set[str] = set()
"""Every Cypher text the API ran during this test session (see test_zz_cypher_coverage.py)."""


@pytest.fixture(scope="package", autouse=True)
def record_cypher() -> Iterator[None]:
    """Record the queries the resolvers run (the real `Database.read` still runs them)."""
    original = Database.read

    async def read(self: Database, cypher: Any, **params: Any) -> Any:
        EXECUTED.add(cypher)
        return await original(self, cypher, **params)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(Database, "read", read)
        yield


@pytest.fixture(scope="package")
def graph(driver: Driver, settings: Settings) -> Iterator[Driver]:
    """The fixture graph of tests/api/graph.py, loaded once and wiped afterwards."""
    with graph_of(driver, settings, CREATE_FIXTURE_GRAPH):
        yield driver


@pytest.fixture(scope="package")
def api(graph: Driver) -> Iterator[TestClient]:
    """The real app in development mode (requests act as an admin) on the fixture graph, with
    a rate limit that the many requests of these tests stay under."""
    from main import create_app

    settings = make_test_settings(
        dev_mode=True, rate_limit_per_minute=1e9, rate_limit_burst=1_000_000
    )
    with TestClient(create_app(settings)) as client:
        yield client


def query(client: TestClient, document: str, variables: dict | None = None, **headers: str) -> Any:
    """POST a document; assert it has no errors; return `data`."""
    body = gql(client, document, variables, **headers)
    assert "errors" not in body, body["errors"]
    return body["data"]


def run_as(
    settings: Settings, viewer: Viewer, document: str, variables: dict | None = None
) -> dict[str, Any]:
    """Execute a document through the schema as `viewer`; return {data, errors}."""
    from schema import schema
    from schema.context import Context

    async def execute() -> dict[str, Any]:
        driver = create_async_driver(settings)
        try:
            context = Context(
                request=None,  # type: ignore[arg-type]
                response=None,
                settings=settings,
                db=Database(driver, settings),
                request_id="test",
                viewer=viewer,
            )
            result = await schema.execute(
                document, variable_values=variables, context_value=context
            )
        finally:
            await driver.close()
        errors = [{"message": e.message, **(e.extensions or {})} for e in result.errors or []]
        return {"data": result.data, "errors": errors}

    return asyncio.run(execute())
