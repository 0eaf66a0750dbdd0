"""The API returns the domain properties of the data model, never the graph's bookkeeping.

Rosters leave `source` (the load's id) and `rowHash` on what they write, writers leave `_lock`
while they work; `path` returns relationships' properties as a map, so it must pick the
declared ones rather than copy what the graph holds.
"""

from __future__ import annotations

import base64
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from neo4j import Driver
from starlette.testclient import TestClient

from core.identity import IdentityKey
from core.settings import Settings
from loaders.pipeline import LoadOptions, load_files
from tests.conftest import bearer, gql, make_jwt
from tests.loaders.rosters import (
    PEOPLE_HEADER,
    people_rows,
    person_id_number,
    write_base,
    write_xlsx,
)

PATH = """query ($from: ID!, $to: ID!) {
  path(from: $from, to: $to) { length relationships { type properties } } }"""

BOOKKEEPING = ("source", "rowHash", "endedBy", "idNumberHash")


def _gid(type_name: str, key: str) -> str:
    return base64.urlsafe_b64encode(f"{type_name}:{key}".encode()).decode().rstrip("=")


@pytest.fixture
def loaded(
    tmp_path: Path, empty_graph: Driver, settings: Settings, identity: IdentityKey
) -> Iterator[Driver]:
    """The base areas and grids and a people roster, loaded as `gridgraph load` does."""
    files = [
        *write_base(tmp_path),
        write_xlsx(tmp_path / "people.xlsx", PEOPLE_HEADER, people_rows(), "花名册"),
    ]
    options = LoadOptions(as_of=date(2025, 1, 1), by="test")
    load_files(empty_graph, settings.neo4j_database, files, options, identity=identity)
    yield empty_graph


def test_a_path_through_loaded_nodes_shows_no_bookkeeping(
    loaded: Driver, settings: Settings, identity: IdentityKey, client: TestClient
) -> None:
    person = identity.person_id(person_id_number(1))
    db = settings.neo4j_database
    # A writer's lock left behind, and an internal property, on the appointment itself.
    loaded.execute_query(
        "MATCH (p:Person {id: $id})-[r:SERVES_GRID]->() SET p._lock = true, r._load = 'x'",
        id=person,
        database_=db,
    )
    records, _, _ = loaded.execute_query(
        "MATCH (:Person {id: $id})-[r:SERVES_GRID]->() RETURN keys(r) AS keys",
        id=person,
        database_=db,
    )
    assert {"source", "_load"} <= set(records[0]["keys"])  # the graph does hold them

    for role in ("admin", "viewer"):
        headers = bearer(make_jwt(role))
        body = gql(
            client, PATH, {"from": _gid("Person", person), "to": _gid("Grid", "370303006001-001")},
            **headers,
        )  # fmt: skip
        assert "errors" not in body, body["errors"]
        (rel,) = body["data"]["path"]["relationships"]
        assert rel["type"] == "SERVES_GRID"
        assert rel["properties"] == {
            "id": f"{person}|GRID_HEAD|370303006001-001|2024-11-01",
            "role": "GRID_HEAD",
            "since": "2024-11-01",
            "until": None,
            "building": None,
        }
        assert not any(key in rel["properties"] for key in BOOKKEEPING)
        assert not any(key.startswith("_") for key in rel["properties"])
