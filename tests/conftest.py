"""Test set-up: the project's own test Neo4j (own data folder and ports), started if needed.

`make test` starts it before pytest; running `pytest` alone starts it too. Set
`GRIDGRAPH_TEST_NEO4J_URI` (+ `NEO4J_USERNAME`/`NEO4J_PASSWORD`) to test against another server,
or `GRIDGRAPH_TEST_NEO4J_HOME` / `_BOLT_PORT` / `_HTTP_PORT` to run a second local test instance.
"""

from __future__ import annotations

import os
import secrets
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from typing import Any

import jwt
import pytest
from neo4j import Driver
from starlette.testclient import TestClient

from commands.demo import WIPE
from core.auth import AccessRole
from core.database import create_sync_driver
from core.identity import IdentityKey
from core.local_neo4j import LocalNeo4j
from core.migrations import prepare_graph
from core.settings import PROJECT_ROOT, Settings
from core.tokens import create_token, delete_token

TEST_HOME = PROJECT_ROOT / ".data" / "neo4j-test"

TEST_JWT_SECRET = secrets.token_urlsafe(48)
"""The test apps accept HS256 JWTs signed with this (one per test session)."""


def make_jwt(role: str = "admin", area: str | None = None, name: str = "test admin") -> str:
    """A JWT the test apps accept: `role`, limited to `area` (None: `*`, the whole city), valid
    for a day (the longest JWT lifetime the service accepts by default).

    The default `client` sends one for an admin, so its authentication needs no graph state
    (tests may wipe the graph or stop Neo4j).
    """
    now = int(time.time())
    claims: dict[str, object] = {
        "sub": name.replace(" ", "-"),
        "name": name,
        "role": role,
        "area": area or "*",
        "iat": now,
        "exp": now + 86400,
    }
    return jwt.encode(claims, TEST_JWT_SECRET, algorithm="HS256")


def make_test_settings(**overrides: object) -> Settings:
    """Settings of the test instance, independent of the developer's `.env` and NEO4J_URI."""
    values: dict[str, object] = {
        "neo4j_uri": os.environ.get("GRIDGRAPH_TEST_NEO4J_URI"),
        "neo4j_home": os.environ.get("GRIDGRAPH_TEST_NEO4J_HOME", TEST_HOME),
        "neo4j_bolt_port": int(os.environ.get("GRIDGRAPH_TEST_NEO4J_BOLT_PORT", "17687")),
        "neo4j_http_port": int(os.environ.get("GRIDGRAPH_TEST_NEO4J_HTTP_PORT", "17474")),
        "neo4j_heap": os.environ.get("GRIDGRAPH_TEST_NEO4J_HEAP", "768m"),
        "neo4j_pagecache": os.environ.get("GRIDGRAPH_TEST_NEO4J_PAGECACHE", "256m"),
        "port": int(os.environ.get("GRIDGRAPH_TEST_PORT", "18000")),
        "log_level": "warning",
        "jwt_secret": TEST_JWT_SECRET,
    }
    values.update(overrides)
    return Settings(_env_file=None, **values)  # type: ignore[arg-type]


@pytest.fixture(scope="session")
def settings() -> Settings:
    return make_test_settings()


@pytest.fixture(scope="session")
def local_server(settings: Settings) -> LocalNeo4j | None:
    """The running test Neo4j (None when testing against GRIDGRAPH_TEST_NEO4J_URI)."""
    if not settings.uses_local_neo4j:
        return None
    server = LocalNeo4j(settings)
    server.start()
    return server


@pytest.fixture(scope="session")
def driver(settings: Settings, local_server: LocalNeo4j | None) -> Iterator[Driver]:
    with create_sync_driver(settings) as driver:
        driver.verify_connectivity()
        prepare_graph(settings, driver)
        yield driver


@pytest.fixture(scope="session")
def identity(settings: Settings, driver: Driver) -> IdentityKey:
    """The test instance's identity key (its key file lives beside the test Neo4j)."""
    key, _ = prepare_graph(settings, driver)
    return key


def wipe_graph(driver: Driver, database: str) -> None:
    """Delete every node but migration records, API tokens and the identity key's check."""
    with driver.session(database=database) as session:
        session.run(WIPE).consume()


@contextmanager
def graph_of(driver: Driver, settings: Settings, create: str) -> Iterator[Driver]:
    """A graph holding only what `create` (a test graph's Cypher) makes; wiped afterwards."""
    wipe_graph(driver, settings.neo4j_database)
    driver.execute_query(create, database_=settings.neo4j_database)  # type: ignore[arg-type]
    driver.execute_query("CALL db.awaitIndexes(60)", database_=settings.neo4j_database)
    try:
        yield driver
    finally:
        wipe_graph(driver, settings.neo4j_database)


@pytest.fixture
def empty_graph(driver: Driver, settings: Settings) -> Iterator[Driver]:
    """An empty graph (migrations kept) for the test, emptied again afterwards."""
    wipe_graph(driver, settings.neo4j_database)
    yield driver
    wipe_graph(driver, settings.neo4j_database)


def bearer(secret: str) -> dict[str, str]:
    """The Authorization header for a token."""
    return {"Authorization": f"Bearer {secret}"}


@pytest.fixture
def client(settings: Settings, driver: Driver) -> Iterator[TestClient]:
    """The real ASGI app (lifespan included) on the test Neo4j, authenticated as admin."""
    from main import create_app

    with TestClient(create_app(settings), headers=bearer(make_jwt())) as client:
        yield client


@pytest.fixture
def client_as(settings: Settings, driver: Driver) -> Iterator[Callable[..., TestClient]]:
    """Factory of clients with a fresh token of a role: `client_as("viewer", area="370303")`.

    Extra keyword arguments override settings of that client's app. Tokens are deleted after.
    """
    from main import create_app

    created: list[str] = []
    with ExitStack() as stack:

        def make(role: str, area: str | None = None, **overrides: object) -> TestClient:
            issued = create_token(
                driver,
                settings.neo4j_database,
                name=f"test {role} {area or 'all'}",
                role=AccessRole(role),
                area_code=area,
            )
            created.append(issued.record.id)
            app_settings = make_test_settings(**overrides) if overrides else settings
            client = TestClient(create_app(app_settings), headers=bearer(issued.secret))
            return stack.enter_context(client)

        yield make
    for token_id in created:
        delete_token(driver, settings.neo4j_database, token_id)


def gql(client: TestClient, query: str, variables: dict | None = None, **headers: str) -> dict:
    """POST a GraphQL document; return the decoded response body."""
    response = client.post(
        "/graphql", json={"query": query, "variables": variables or {}}, headers=headers
    )
    assert response.headers["content-type"].startswith("application/json"), response.text
    return response.json()


COMMANDS = ("commands.db", "commands.demo", "commands.load", "commands.loads", "commands.token")
"""CLI modules that read their settings with `commands.common.load_settings`."""


@pytest.fixture
def cli(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> Callable[..., Any]:
    """`cli("load", path, ...)`: run `gridgraph ...` against the test Neo4j (Typer's runner,
    output 250 columns wide); `input=` answers its prompts."""
    import importlib

    from typer.testing import CliRunner

    from main import _build_cli

    for name in COMMANDS:
        monkeypatch.setattr(importlib.import_module(name), "load_settings", lambda: settings)
    runner, app = CliRunner(), _build_cli()

    def run(*args: str, input: str | None = None) -> Any:
        return runner.invoke(app, list(args), input=input, env={"COLUMNS": "250"})

    return run
