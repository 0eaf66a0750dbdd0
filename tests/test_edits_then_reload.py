"""A roster re-load after an edit through the API puts the roster's values back.

Loaders skip rows whose content hash is unchanged; a mutation must therefore clear the hash of
what it touches, or an unchanged roster would silently leave the edit in place.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from neo4j import Driver
from starlette.testclient import TestClient

from core.identity import IdentityKey
from core.settings import Settings
from loaders.pipeline import LoadOptions, load_files
from tests.conftest import gql
from tests.loaders.rosters import (
    PEOPLE_HEADER,
    people_rows,
    person_id_number,
    write_base,
    write_csv,
)

UPDATE_PHONE = """
mutation($id: ID!, $phone: String!) {
  updatePerson(id: $id, input: {phone: $phone}) { __typename }
}
"""
PHONE_AND_HASH = """
MATCH (p:Person {id: $id})
RETURN p.phone AS phone, p.rowHash AS hash
"""


def test_reload_restores_the_roster_after_an_api_edit(
    tmp_path: Path,
    empty_graph: Driver,
    settings: Settings,
    client: TestClient,
    identity: IdentityKey,
) -> None:
    db = settings.neo4j_database
    rows = people_rows()
    files = [*write_base(tmp_path), write_csv(tmp_path / "p.csv", [PEOPLE_HEADER, *rows], "gbk")]
    options = LoadOptions(as_of=date(2025, 1, 1), by="test")
    load_files(empty_graph, db, files, options, identity=identity)
    key = identity.person_id(person_id_number(1))
    roster_phone = empty_graph.execute_query(PHONE_AND_HASH, id=key, database_=db)[0][0]["phone"]

    body = gql(client, UPDATE_PHONE, {"id": key, "phone": "13800000001"})
    assert body["data"]["updatePerson"]["__typename"] == "Person", body
    edited = empty_graph.execute_query(PHONE_AND_HASH, id=key, database_=db)[0][0]
    assert edited["phone"] == "13800000001" and edited["hash"] is None

    again = load_files(empty_graph, db, files, options, identity=identity)
    assert {r[0]: r[1:4] for r in again.counts.as_rows()}["Person"][1] == 1  # one updated
    restored = empty_graph.execute_query(PHONE_AND_HASH, id=key, database_=db)[0][0]
    assert restored["phone"] == roster_phone and restored["hash"] is not None
