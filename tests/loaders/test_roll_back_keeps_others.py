"""Rolling back a batched load undoes only what the load wrote and nobody changed since.

While a batched load runs, the API and a second load write to the people it wrote; then the
load is interrupted (Ctrl-C) and rolled back. Every acknowledged write of the others stays;
what nobody touched is undone exactly; what could not be undone is reported with its reason.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest
from neo4j import Driver
from starlette.testclient import TestClient

from core.identity import IdentityKey
from core.settings import Settings
from loaders.errors import LoadFailed
from loaders.pipeline import LoadOptions, load_files
from tests.conftest import gql
from tests.loaders.rosters import (
    COMMUNITY,
    PEOPLE_HEADER,
    dump_graph,
    person_id_number,
    write_base,
    write_csv,
)

BORN = date(1991, 2, 3)
GRID = f"{COMMUNITY}-001"


def _row(n: int, phone: str) -> list[object]:
    return [n, f"周{n}（示例）", "女", "1991.02", person_id_number(n, BORN), "群众", GRID,
            "兼职网格员", phone, "2024-10-01"]  # fmt: skip


def _people(folder: Path, name: str, rows: list[list[object]]) -> Path:
    return write_csv(folder / name, [PEOPLE_HEADER, *rows], "gbk")


PEOPLE = """
MATCH (p:Person)
OPTIONAL MATCH (p)-[r:SERVES_GRID]->(g:Grid)
RETURN p.id AS id, p.phone AS phone, p.source AS source,
       collect([g.code, r.role, r.source]) AS appointments,
       COUNT { (p)-[:REPORTED]->(:Case) } AS reported
"""

UPDATE_PHONE = """
mutation($id: ID!, $phone: String!) {
  updatePerson(id: $id, input: {phone: $phone}) { __typename }
}
"""
APPOINT = """
mutation($id: ID!) {
  appoint(input: {personId: $id, role: GRID_HEAD, unitCode: "370303006002-001",
                  since: "2025-01-01"}) { __typename }
}
"""
REPORT = """
mutation($id: ID!) {
  reportCase(input: {title: "邻里纠纷", category: NEIGHBOUR, gridCode: "370303006001-001",
                     reporterIds: [$id]}) { __typename ... on Case { id } }
}
"""


def _graph(driver: Driver, settings: Settings) -> dict[str, dict[str, Any]]:
    rows = driver.execute_query(PEOPLE, database_=settings.neo4j_database)[0]
    return {r["id"]: r.data() for r in rows}


def test_roll_back_keeps_what_others_wrote_meanwhile(
    tmp_path: Path,
    empty_graph: Driver,
    settings: Settings,
    identity: IdentityKey,
    client: TestClient,
) -> None:
    db = settings.neo4j_database
    options = LoadOptions(as_of=date(2025, 1, 1), by="test")
    pid = {n: identity.person_id(person_id_number(n, BORN)) for n in range(1, 13)}
    # Before: six people (1-6) from an earlier load.
    load_files(empty_graph, db, write_base(tmp_path), options, identity=identity)
    first = [_row(n, f"1390000000{n}") for n in range(1, 7)]
    load_files(
        empty_graph, db, [_people(tmp_path, "before.csv", first)], options, identity=identity
    )
    before = _graph(empty_graph, settings)

    # The batched load: new phones for 1-6, six new people 7-12, two rows a batch.
    rows = [_row(n, f"1370000000{n}" if n < 10 else f"137000000{n}") for n in range(1, 13)]
    big = _people(tmp_path, "big.csv", rows)
    acknowledged: dict[str, Any] = {}

    def meanwhile(description: str, done: int, total: int | None) -> None:
        if not description.startswith("loading") or done != 12:
            return
        # Everything is written by now (the load fails at its end, as if Ctrl-C came last).
        acknowledged["updated"] = gql(client, UPDATE_PHONE, {"id": pid[1], "phone": "13500000001"})
        acknowledged["created"] = gql(client, UPDATE_PHONE, {"id": pid[7], "phone": "13500000007"})
        acknowledged["appointed"] = gql(client, APPOINT, {"id": pid[8]})
        acknowledged["reported"] = gql(client, REPORT, {"id": pid[9]})
        second = _people(tmp_path, "second.csv", [_row(2, "13600000002"), _row(10, "13600000010")])
        acknowledged["second"] = load_files(empty_graph, db, [second], options, identity=identity)
        raise KeyboardInterrupt

    batched = LoadOptions(as_of=date(2025, 1, 1), by="test", tx_rows=1, batch_rows=2)
    with pytest.raises(LoadFailed) as failed:
        load_files(empty_graph, db, [big], batched, meanwhile, identity=identity)
    for name, typename in (
        ("updated", "Person"),
        ("created", "Person"),
        ("appointed", "Appointment"),
        ("reported", "Case"),
    ):
        data = acknowledged[name].get("data") or {}
        assert [v["__typename"] for v in data.values()] == [typename], acknowledged[name]
    second_load = acknowledged["second"].files[0].load_id

    after = _graph(empty_graph, settings)
    # Nobody touched 3-6 after the load: back to what they were; 11-12 it created: gone.
    for n in (3, 4, 5, 6):
        assert after[pid[n]] == before[pid[n]]
    assert pid[11] not in after and pid[12] not in after
    # Every acknowledged write of the others stands.
    assert after[pid[1]]["phone"] == "13500000001"
    assert after[pid[7]]["phone"] == "13500000007"
    assert ["370303006002-001", "GRID_HEAD", None] in after[pid[8]]["appointments"]
    assert after[pid[9]]["reported"] == 1
    assert after[pid[2]]["phone"] == "13600000002" and after[pid[2]]["source"] == second_load
    assert after[pid[10]]["phone"] == "13600000010" and after[pid[10]]["source"] == second_load
    status = empty_graph.execute_query(
        "MATCH (l:Load {id: $id}) RETURN l.status AS status", id=second_load, database_=db
    )[0][0]["status"]
    assert status == "COMPLETE"

    # ... and the roll-back says what it left, and why.
    kept = {line.split(":")[0].split(" ")[1]: line for line in failed.value.kept}
    assert set(kept) == {pid[n] for n in (1, 2, 7, 8, 9, 10)}
    assert "changed since by api:" in kept[pid[1]] and "changed since by api:" in kept[pid[8]]
    assert f"changed since by {second_load}" in kept[pid[2]]
    assert "linked to by others: REPORTED C" in kept[pid[9]]
    record = empty_graph.execute_query(
        "MATCH (l:Load {id: $id}) RETURN properties(l) AS p", id=failed.value.load_id, database_=db
    )[0][0]["p"]
    assert record["status"] == "FAILED" and record["rolledBack"] is True
    assert record["notUndone"] == 6 and len(record["notUndoneDetails"]) == 6
    assert not empty_graph.execute_query("MATCH (u:LoadUndo) RETURN count(u) AS n", database_=db)[
        0
    ][0]["n"]


def test_roll_back_is_as_exact_as_before_when_nobody_else_wrote(
    tmp_path: Path,
    empty_graph: Driver,
    settings: Settings,
    identity: IdentityKey,
) -> None:
    db = settings.neo4j_database
    options = LoadOptions(as_of=date(2025, 1, 1), by="test")
    load_files(empty_graph, db, write_base(tmp_path), options, identity=identity)
    first = [_row(n, f"1390000000{n}") for n in range(1, 5)]
    load_files(
        empty_graph, db, [_people(tmp_path, "before.csv", first)], options, identity=identity
    )
    before = dump_graph(empty_graph, settings)
    moved = [_row(n, f"1370000000{n}") for n in range(1, 9)]
    for row in moved:
        row[6:8] = [f"{COMMUNITY}-002", "网格长"]  # a new appointment for those who exist

    def interrupt(description: str, done: int, total: int | None) -> None:
        if description.startswith("loading") and done >= 6:
            raise KeyboardInterrupt

    batched = LoadOptions(as_of=date(2025, 1, 1), by="test", tx_rows=1, batch_rows=2)
    with pytest.raises(LoadFailed) as failed:
        load_files(
            empty_graph, db, [_people(tmp_path, "big.csv", moved)], batched, interrupt,
            identity=identity,
        )  # fmt: skip
    assert failed.value.kept == []
    assert dump_graph(empty_graph, settings) == before
