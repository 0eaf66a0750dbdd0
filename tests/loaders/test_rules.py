"""Roster loads obey the rules the API obeys (`core.rules`), also while both write at once.

On earlier versions a roster added a second open appointment the API would have refused as
overlapping, and a families roster dated before an API classification ended it before it
began; both tests of the concurrent writers left such inconsistencies behind.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from neo4j import Driver
from starlette.testclient import TestClient

from core.identity import IdentityKey
from core.settings import Settings
from loaders.errors import LoadRefused
from loaders.pipeline import LoadOptions, LoadResult, load_files
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
OTHER_GRID = f"{COMMUNITY}-002"
FAMILIES_HEADER = ["家庭编码", "家庭名称", "所属网格", "家庭分类", "分类日期"]

SCHEME = """
MATCH (city:Area {code: '370300'})
MERGE (s:ClassificationScheme {code: 'FIVE'}) SET s.name = '五色家庭'
MERGE (city)-[:USES_SCHEME]->(s)
WITH s
UNWIND ['FIVE:red', 'FIVE:blue'] AS code
MERGE (c:Category {code: code})-[:IN_SCHEME]->(s)
"""

APPOINT = """
mutation($id: ID!, $unit: String!, $since: Date!) {
  appoint(input: {personId: $id, role: GRID_HEAD, unitCode: $unit, since: $since}) {
    __typename ... on Conflict { existingId } } }
"""
CLASSIFY = """
mutation($code: String!, $since: Date!) {
  classifyFamily(input: {familyCode: $code, categoryCode: "FIVE:blue", reason: "化解",
                         since: $since}) { __typename } }
"""

OVERLAPS = """
MATCH (p:Person)-[a:SERVES_GRID]->(g:Grid)<-[b:SERVES_GRID]-(p)
WHERE a.role = b.role AND elementId(a) < elementId(b)
  AND (a.until IS NULL OR b.since IS NULL OR a.until >= b.since)
  AND (b.until IS NULL OR a.since IS NULL OR b.until >= a.since)
RETURN count(*) AS n
"""
BACKWARDS = """
MATCH ()-[r:SERVES_GRID|CLASSIFIED_AS]->()
WHERE r.until < r.since
RETURN count(r) AS n
"""
OPEN_TWICE = """
MATCH (f:Family)
WHERE COUNT { (f)-[r:CLASSIFIED_AS]->() WHERE r.until IS NULL } > 1
RETURN count(f) AS n
"""


def _person(n: int, grid: str, role: str, since: str) -> list[object]:
    return [n, f"周{n}（示例）", "女", "1991.02", person_id_number(n, BORN), "群众", grid, role,
            "", since]  # fmt: skip


def _load(driver: Driver, settings: Settings, identity: IdentityKey, paths: list[Path],
          **options: Any) -> LoadResult:  # fmt: skip
    values: dict[str, Any] = {"as_of": date(2025, 1, 1), "by": "test", **options}
    return load_files(
        driver, settings.neo4j_database, paths, LoadOptions(**values), identity=identity
    )


@pytest.fixture
def people(
    tmp_path: Path, empty_graph: Driver, settings: Settings, identity: IdentityKey
) -> dict[int, str]:
    """Four people serving in 柳毅 -001 since 2024-10-01, loaded; their ids."""
    rows = [_person(n, GRID, "兼职网格员", "2024-10-01") for n in range(1, 5)]
    files = [*write_base(tmp_path), write_csv(tmp_path / "p.csv", [PEOPLE_HEADER, *rows], "gbk")]
    _load(empty_graph, settings, identity, files)
    empty_graph.execute_query(SCHEME, database_=settings.neo4j_database)
    return {n: identity.person_id(person_id_number(n, BORN)) for n in range(1, 5)}


def test_a_roster_cannot_add_an_appointment_the_api_would_refuse(
    tmp_path: Path,
    empty_graph: Driver,
    settings: Settings,
    identity: IdentityKey,
    client: TestClient,
    people: dict[int, str],
) -> None:
    made = gql(client, APPOINT, {"id": people[1], "unit": OTHER_GRID, "since": "2025-01-01"})
    assert made["data"]["appoint"]["__typename"] == "Appointment"
    before = dump_graph(empty_graph, settings)
    roster = write_csv(
        tmp_path / "later.csv",
        [PEOPLE_HEADER, _person(1, OTHER_GRID, "网格长", "2024-06-01")],
        "gbk",
    )
    with pytest.raises(LoadRefused) as refused:
        _load(empty_graph, settings, identity, [roster])
    [problem] = refused.value.problems
    assert (problem.file, problem.row, problem.column) == ("later.csv", 2, "网格职务 (H)")
    assert problem.code == "APPOINTMENT_OVERLAP" and "2025-01-01.." in problem.en
    assert dump_graph(empty_graph, settings) == before  # nothing written
    # The API refuses the very same appointment for the very same reason.
    again = gql(client, APPOINT, {"id": people[1], "unit": OTHER_GRID, "since": "2024-06-01"})
    assert again["data"]["appoint"]["__typename"] == "Conflict"

    skipped = _load(empty_graph, settings, identity, [roster], skip_invalid=True)
    assert [p.code for p in skipped.problems] == ["APPOINTMENT_OVERLAP"]
    assert empty_graph.execute_query(OVERLAPS, database_=settings.neo4j_database)[0][0]["n"] == 0


def test_a_families_roster_cannot_end_a_classification_before_it_began(
    tmp_path: Path,
    empty_graph: Driver,
    settings: Settings,
    identity: IdentityKey,
    client: TestClient,
    people: dict[int, str],
) -> None:
    families = write_csv(
        tmp_path / "f.csv",
        [FAMILIES_HEADER, ["F-1", "刘家（示例）", GRID, "FIVE:red", "2024-09-01"]],
        "gbk",
    )
    _load(empty_graph, settings, identity, [families])
    made = gql(client, CLASSIFY, {"code": "F-1", "since": "2025-03-01"})
    assert made["data"]["classifyFamily"]["__typename"] == "Family"
    older = write_csv(
        tmp_path / "f2.csv",
        [FAMILIES_HEADER, ["F-1", "刘家（示例）", GRID, "FIVE:red", "2024-12-01"]],
        "gbk",
    )
    with pytest.raises(LoadRefused) as refused:
        _load(empty_graph, settings, identity, [older])
    [problem] = refused.value.problems
    assert (problem.row, problem.column, problem.code) == (2, "分类日期 (E)", "DATE_ORDER")
    assert empty_graph.execute_query(BACKWARDS, database_=settings.neo4j_database)[0][0]["n"] == 0


def test_a_complete_roster_leaves_what_began_after_its_date(
    tmp_path: Path,
    empty_graph: Driver,
    settings: Settings,
    identity: IdentityKey,
    client: TestClient,
    people: dict[int, str],
) -> None:
    made = gql(client, APPOINT, {"id": people[2], "unit": GRID, "since": "2025-06-01"})
    assert made["data"]["appoint"]["__typename"] == "Appointment"
    roster = write_csv(
        tmp_path / "complete.csv",
        [PEOPLE_HEADER, _person(1, GRID, "兼职网格员", "2024-10-01")],
        "gbk",
    )
    done = _load(empty_graph, settings, identity, [roster], complete_roster=True)
    assert done.counts.total("ended") == 3  # 2, 3 and 4's appointments since 2024-10-01
    db = settings.neo4j_database
    assert empty_graph.execute_query(BACKWARDS, database_=db)[0][0]["n"] == 0
    later = empty_graph.execute_query(
        "MATCH (:Person {id: $id})-[r:SERVES_GRID {role: 'GRID_HEAD'}]->() RETURN r.until AS u",
        id=people[2],
        database_=db,
    )[0]
    assert [r["u"] for r in later] == [None]


def _race(*jobs: Callable[[], Any]) -> list[Any]:
    """Run the jobs at once; their results (or the exceptions they raised)."""
    results: list[Any] = [None] * len(jobs)
    start = threading.Barrier(len(jobs))

    def run(i: int, job: Callable[[], Any]) -> None:
        start.wait()
        try:
            results[i] = job()
        except Exception as error:
            results[i] = error

    threads = [threading.Thread(target=run, args=(i, job)) for i, job in enumerate(jobs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    return results


RESET = (
    "MATCH (:Person)-[r:SERVES_GRID {role: 'GRID_HEAD'}]->(:Grid {code: $grid}) DELETE r",
    "MATCH (:Family)-[r:CLASSIFIED_AS]->() WHERE r.since > date('2024-09-01') DELETE r",
    "MATCH (:Family)-[r:CLASSIFIED_AS]->() SET r.until = null",
)


@pytest.mark.slow
def test_a_roster_load_and_the_api_writing_at_once_leave_no_inconsistency(
    tmp_path: Path,
    empty_graph: Driver,
    settings: Settings,
    identity: IdentityKey,
    client: TestClient,
    people: dict[int, str],
) -> None:
    """Each round, a people roster and the API give the same four people the same post with
    different dates, and a families roster of an older date races API classifications: one
    of each pair wins, the other is refused, and the graph stays consistent."""
    db = settings.neo4j_database
    families = [[f"F-{n}", f"刘{n}家（示例）", GRID, "FIVE:red", "2024-09-01"] for n in range(8)]
    first = write_csv(tmp_path / "f.csv", [FAMILIES_HEADER, *families], "gbk")
    _load(empty_graph, settings, identity, [first])
    older = write_csv(
        tmp_path / "older.csv",
        [FAMILIES_HEADER, *[[*row[:4], "2024-12-01"] for row in families]],
        "gbk",
    )
    outcomes: set[str] = set()
    for round_ in range(1, 7):
        for statement in RESET:
            empty_graph.execute_query(statement, grid=OTHER_GRID, database_=db)
        roster = write_csv(
            tmp_path / f"p{round_}.csv",
            [PEOPLE_HEADER, *[_person(n, OTHER_GRID, "网格长", f"2024-0{round_}-01")
                              for n in range(1, 5)]],
            "gbk",
        )  # fmt: skip

        def appoint(n: int, since: str = f"2025-0{round_}-02") -> Any:
            return gql(client, APPOINT, {"id": people[n], "unit": OTHER_GRID, "since": since})

        def classify(n: int) -> Any:
            return gql(client, CLASSIFY, {"code": f"F-{n}", "since": "2025-02-01"})

        results = _race(
            lambda roster=roster: _load(empty_graph, settings, identity, [roster]),
            lambda: _load(empty_graph, settings, identity, [older]),
            *[lambda n=n: appoint(n) for n in range(1, 5)],
            *[lambda n=n: classify(n) for n in range(8)],
        )
        outcomes |= {type(r).__name__ for r in results[:2]}
        for check in (OVERLAPS, BACKWARDS, OPEN_TWICE):
            assert empty_graph.execute_query(check, database_=db)[0][0]["n"] == 0, (round_, check)
    assert "LoadRefused" in outcomes  # the rules did refuse something, in some round
