"""Generated documents, valid and invalid, for every role: never a 5xx, every error coded.

hypothesis-graphql builds queries and mutations from the committed schema (positive mode:
documents that validate, with arbitrary arguments; negative mode: documents that break the
schema's rules). Each goes to the real app on the API fixture graph as a viewer, a scoped
caseworker, a scoped editor and an admin. The suite runs a bounded, derandomised sample;
`make fuzz` runs many more random ones (GRIDGRAPH_FUZZ_EXAMPLES, docs/security.md).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given
from hypothesis import settings as examples
from hypothesis import strategies as st
from hypothesis_graphql import Mode, from_schema, nodes
from neo4j import Driver
from starlette.testclient import TestClient

from core.settings import PROJECT_ROOT, Settings
from tests.api.graph import CREATE_FIXTURE_GRAPH
from tests.conftest import graph_of

EXAMPLES = int(os.environ.get("GRIDGRAPH_FUZZ_EXAMPLES", "40"))
RANDOM = os.environ.get("GRIDGRAPH_FUZZ_RANDOM", "") == "1"
SCHEMA = (PROJECT_ROOT / "schema.graphql").read_text(encoding="utf-8")
ROLES = [("viewer", None), ("caseworker", "370303"), ("editor", "370303"), ("admin", None)]

SCALARS = {
    "Date": st.dates(date(1899, 1, 1), date(2101, 1, 1)).map(lambda d: nodes.String(d.isoformat()))
    | st.text(max_size=12).map(nodes.String),
    "DateTime": st.datetimes(datetime(1970, 1, 1), datetime(2100, 1, 1)).map(
        lambda d: nodes.String(d.isoformat())
    )
    | st.text(max_size=12).map(nodes.String),
    "JSON": st.text(max_size=20).map(nodes.String) | st.integers().map(nodes.Int),
}


def _fuzzed(strategy: st.SearchStrategy[Any]) -> Callable[[Callable[..., None]], Any]:
    """`@given(document=strategy)` with the suite's bounded, reproducible example settings."""

    def wrap(test: Callable[..., None]) -> Any:
        return examples(
            max_examples=EXAMPLES,
            deadline=None,
            derandomize=not RANDOM,
            database=None,
            suppress_health_check=[HealthCheck.too_slow],
        )(given(document=strategy)(test))

    return wrap


@pytest.fixture(scope="module")
def fuzz_graph(driver: Driver, settings: Settings) -> Iterator[Driver]:
    with graph_of(driver, settings, CREATE_FIXTURE_GRAPH):
        yield driver


@pytest.fixture
def callers(fuzz_graph: Driver, client_as: Callable[..., TestClient]) -> dict[str, TestClient]:
    return {f"{role}@{area or 'city'}": client_as(role, area) for role, area in ROLES}


def check(response: Any, document: str) -> None:
    """The guarantees: a status below 500, a JSON body, a code on every error, none masked."""
    assert response.status_code < 500, (response.status_code, document, response.text)
    assert "json" in response.headers.get("content-type", ""), (document, response.text)
    body = response.json()
    for error in body.get("errors") or []:
        code = (error.get("extensions") or {}).get("code")
        assert code, (document, error)
        assert code != "INTERNAL_SERVER_ERROR", (document, error)


def _send_to_all(callers: dict[str, TestClient], document: str) -> None:
    for client in callers.values():
        check(client.post("/graphql", json={"query": document}), document)


@pytest.mark.slow
@pytest.mark.parametrize("mode", [Mode.POSITIVE, Mode.NEGATIVE], ids=["valid", "invalid"])
def test_generated_queries(callers: dict[str, TestClient], mode: Mode) -> None:
    @_fuzzed(from_schema(SCHEMA, custom_scalars=SCALARS, mode=mode))
    def run(document: str) -> None:
        _send_to_all(callers, document)

    run()


@pytest.mark.slow
def test_generated_strings_with_surrogates_and_nul(callers: dict[str, TestClient]) -> None:
    """Strings no encoder can send to Neo4j (lone surrogates) and control characters."""
    strategy = from_schema(SCHEMA, custom_scalars=SCALARS, codec=None, allow_x00=True)

    @_fuzzed(strategy)
    def run(document: str) -> None:
        _send_to_all(callers, document)

    run()


def test_the_schema_file_is_the_one_fuzzed() -> None:
    assert Path(PROJECT_ROOT / "schema.graphql").exists() and "type Query" in SCHEMA
