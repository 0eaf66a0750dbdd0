"""Row hashes (a re-load writes nothing), batched big-file loads and their roll-back, and
instants stored as Neo4j `datetime`."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path

import pytest
from neo4j import Driver

from core.identity import IdentityKey, identity_key
from core.settings import Settings
from core.validation import appointment_id
from loaders import cypher
from loaders.errors import LoadFailed, LoadRefused
from loaders.pipeline import LoadOptions, load_files
from tests.loaders.rosters import (
    COMMUNITY,
    PEOPLE_HEADER,
    dump_graph,
    people_rows,
    person_id_number,
    write_base,
    write_csv,
)

WRITTEN_BY = """
MATCH (n)
WHERE n.source = $load
RETURN count(n) + COUNT { MATCH ()-[r]->() WHERE r.source = $load } AS written
"""

ROW_HASHES = """
MATCH (n)
WHERE n.rowHash IS NOT NULL
RETURN coalesce(n.id, n.code) AS key, n.rowHash AS hash
"""

LOAD_ID = re.compile(r"L-\d{8}T\d{6}-[0-9a-f]{8}-[0-9a-f]{6}")

LOAD_STATUS = """
MATCH (l:Load {id: $id})
RETURN l.status AS status, l.rolledBack AS rolledBack, l.error AS error
"""

INSTANTS = """
MATCH (c:Case)-[:HAS_STEP]->(s:CaseStep)
RETURN c.id AS id, c.reportedAt AS reported, c.closedAt AS closed,
       valueType(c.reportedAt) AS type, s.seq AS seq, s.at AS at, valueType(s.at) AS stepType
ORDER BY id, seq
"""


def _load(driver: Driver, settings: Settings, paths: list[Path], **options: object):
    values: dict[str, object] = {"as_of": date(2025, 1, 1), "by": "test", **options}
    options = LoadOptions(**values)  # type: ignore[arg-type]
    identity = identity_key(settings, driver)
    return load_files(driver, settings.neo4j_database, paths, options, identity=identity)


def _people_file(folder: Path, rows: list[list[object]], name: str = "people.csv") -> Path:
    return write_csv(folder / name, [PEOPLE_HEADER, *rows], "gb18030")


def _new_person(n: int, name: str, grid: str, role: str, since: str) -> list[object]:
    born = date(1991, 2, 3)
    return [n, name, "女", "1991.02", person_id_number(n, born), "群众", grid, role, "", since]


def test_unchanged_reload_writes_nothing_and_a_change_rewrites_one_row(
    tmp_path: Path, empty_graph: Driver, settings: Settings, identity: IdentityKey
) -> None:
    db = settings.neo4j_database
    files = [*write_base(tmp_path), _people_file(tmp_path, people_rows())]
    _load(empty_graph, settings, files)
    hashes = dict(empty_graph.execute_query(ROW_HASHES, database_=db)[0])
    assert identity.person_id(person_id_number(1)) in hashes and f"{COMMUNITY}-001" in hashes
    before = dump_graph(empty_graph, settings)

    again = _load(empty_graph, settings, files)
    assert again.counts.total("created") + again.counts.total("updated") == 0
    for result in again.files:
        written = empty_graph.execute_query(WRITTEN_BY, load=result.load_id, database_=db)[0]
        assert written[0]["written"] == 0
    assert dump_graph(empty_graph, settings) == before
    assert dict(empty_graph.execute_query(ROW_HASHES, database_=db)[0]) == hashes

    rows = people_rows()
    rows[0][8] = "13800000009"
    changed = _load(empty_graph, settings, [_people_file(tmp_path, rows)])
    assert {r[0]: r[1:4] for r in changed.counts.as_rows()}["Person"] == (0, 1, 2)
    now = dict(empty_graph.execute_query(ROW_HASHES, database_=db)[0])
    differs = {key for key in now if now[key] != hashes.get(key)}
    assert differs == {identity.person_id(person_id_number(1))}
    written = empty_graph.execute_query(WRITTEN_BY, load=changed.files[0].load_id, database_=db)
    assert written[0][0]["written"] == 1  # the person; her appointment was unchanged


def test_batched_load_matches_one_transaction_and_cleans_its_journal(
    tmp_path: Path, empty_graph: Driver, settings: Settings
) -> None:
    db = settings.neo4j_database
    base = write_base(tmp_path)
    people = _people_file(tmp_path, people_rows())
    _load(empty_graph, settings, [*base, people])
    single = dump_graph(empty_graph, settings)
    empty_graph.execute_query("MATCH (n) WHERE NOT n:Migration DETACH DELETE n", database_=db)

    _load(empty_graph, settings, base)
    batched = _load(empty_graph, settings, [people], tx_rows=1, batch_rows=2)
    load_id = batched.files[0].load_id
    status = empty_graph.execute_query(LOAD_STATUS, id=load_id, database_=db)[0][0]
    assert status["status"] == "COMPLETE" and status["rolledBack"] is None
    assert not any("LoadUndo" in n for n in dump_graph(empty_graph, settings)[0])
    assert _without_loads(dump_graph(empty_graph, settings)) == _without_loads(single)

    newer = people_rows()[:2]
    newer[0][8] = "13800000001"
    ended = _load(
        empty_graph,
        settings,
        [_people_file(tmp_path, newer)],
        tx_rows=1,
        batch_rows=1,
        complete_roster=True,
        as_of=date(2025, 2, 1),
    )
    assert {r[0]: r[1:] for r in ended.counts.as_rows()}["appointments"] == (0, 0, 2, 1)
    assert not any("LoadUndo" in n for n in dump_graph(empty_graph, settings)[0])


def _without_loads(dump: tuple[list[str], list[str]]) -> list[str]:
    """A dump with every load id replaced, to compare two loads of the same files."""
    return sorted(LOAD_ID.sub("L", line) for line in dump[0] + dump[1])


def test_failed_batched_load_is_rolled_back_exactly(
    tmp_path: Path, empty_graph: Driver, settings: Settings, identity: IdentityKey
) -> None:
    db = settings.neo4j_database
    _load(empty_graph, settings, [*write_base(tmp_path), _people_file(tmp_path, people_rows())])
    grid = f"{COMMUNITY}-001"
    blocked = identity.person_id(person_id_number(5, date(1991, 2, 3)))
    clash = appointment_id(blocked, "GRID_HEAD", grid, date(2024, 12, 1))
    empty_graph.execute_query(
        "MATCH (g:Grid {code: $grid}) "
        "CREATE (:Person {id: 'P-blocker', name: '占位（示例）'})-[:SERVES_GRID {id: $id}]->(g)",
        grid=grid,
        id=clash,
        database_=db,
    )
    before = dump_graph(empty_graph, settings)

    rows = people_rows()
    rows[0][8] = "13800000002"  # an update: restored from the journal
    rows[2][7] = "兼职网格员"  # a new appointment of an existing person, 楼长 kept
    rows.append(_new_person(4, "赵敏（示例）", grid, "网格长", "2024-12-01"))  # created
    rows.append(_new_person(5, "钱红（示例）", grid, "网格长", "2024-12-01"))  # id clash
    with pytest.raises(LoadFailed) as failed:
        _load(empty_graph, settings, [_people_file(tmp_path, rows)], tx_rows=1, batch_rows=2)
    assert dump_graph(empty_graph, settings) == before
    status = empty_graph.execute_query(LOAD_STATUS, id=failed.value.load_id, database_=db)[0][0]
    assert status["status"] == "FAILED" and status["rolledBack"] is True
    assert "ConstraintValidationFailed" in status["error"] or "already exists" in status["error"]


def test_interrupted_batched_load_is_rolled_back(
    tmp_path: Path, empty_graph: Driver, settings: Settings
) -> None:
    _load(empty_graph, settings, write_base(tmp_path))
    before = dump_graph(empty_graph, settings)
    rows = [
        _new_person(n, f"孙{n}（示例）", f"{COMMUNITY}-002", "兼职网格员", "2024-10-01")
        for n in range(10, 16)
    ]

    def progress(description: str, done: int, total: int | None) -> None:
        if description.startswith("loading") and done >= 4:
            raise KeyboardInterrupt

    with pytest.raises(LoadFailed):
        load_files(
            empty_graph,
            settings.neo4j_database,
            [_people_file(tmp_path, rows)],
            LoadOptions(by="test", tx_rows=1, batch_rows=2),
            progress,
            identity=identity_key(settings, empty_graph),
        )
    assert dump_graph(empty_graph, settings) == before


CASES = [
    ["案件编号", "纠纷名称", "纠纷类型", "状态", "上报时间", "结案时间", "所属网格"],
    [
        "C2025-000101",
        "邻里噪音（示例）",
        "邻里",
        "结案",
        "2025-03-12",
        "2025/3/20 16:45",
        "柳毅第一网格",
    ],
    [
        "C2025-000102",
        "赡养纠纷（示例）",
        "婚姻家庭",
        "受理",
        "2025-04-01T09:30+08:00",
        "",
        "柳毅第二网格",
    ],
]
STEPS = [
    ["案件编号", "步骤序号", "环节", "原状态", "新状态", "办理时间"],
    ["C2025-000101", 1, "受理", "上报", "受理", "2025-03-12 10:05"],
    ["C2025-000101", 2, "结案", "核查", "结案", "2025-03-20"],
    ["C2025-000102", 1, "受理", "上报", "受理", "2025-04-01T01:30:00Z"],
]


def test_case_and_step_instants_are_datetimes(
    tmp_path: Path, empty_graph: Driver, settings: Settings
) -> None:
    files = [
        *write_base(tmp_path),
        write_csv(tmp_path / "cases.csv", CASES, "gbk"),
        write_csv(tmp_path / "steps.csv", STEPS, "utf-8-sig"),
    ]
    _load(empty_graph, settings, files)
    rows = [
        r.data() for r in empty_graph.execute_query(INSTANTS, database_=settings.neo4j_database)[0]
    ]
    shanghai = timezone(timedelta(hours=8))
    assert {r["type"] for r in rows} == {"ZONED DATETIME NOT NULL"}
    assert {r["stepType"] for r in rows} == {"ZONED DATETIME NOT NULL"}
    first, second, third = rows
    assert first["reported"].to_native() == datetime(2025, 3, 12, tzinfo=shanghai)
    assert first["reported"].utcoffset() == timedelta(hours=8)
    assert first["closed"].to_native() == datetime(2025, 3, 20, 16, 45, tzinfo=shanghai)
    assert first["at"].to_native() == datetime(2025, 3, 12, 10, 5, tzinfo=shanghai)
    assert second["at"].to_native() == datetime(2025, 3, 20, tzinfo=shanghai)
    assert third["reported"].to_native() == datetime(2025, 4, 1, 9, 30, tzinfo=shanghai)
    assert third["closed"] is None
    assert third["at"].to_native() == datetime(2025, 4, 1, 1, 30, tzinfo=UTC)
    again = _load(empty_graph, settings, files[2:])
    assert again.counts.total("updated") == 0 and again.counts.total("created") == 0
    assert cypher.READ_HASHES["cases"]


FAMILIES_HEADER = ["家庭编码", "家庭名称", "所属网格", "家庭分类", "分类日期"]
CLASSIFICATIONS = """
MATCH (:Family {code: 'F-T-1'})-[r:CLASSIFIED_AS]->(c:Category)
RETURN c.code AS category, r.since AS since, r.until AS until ORDER BY r.since
"""


def test_a_new_classification_alone_updates_the_row_hash(
    tmp_path: Path, empty_graph: Driver, settings: Settings
) -> None:
    """A families row that differs only in its category writes the classification and the row's
    hash, so loading the earlier edition again is seen as a change, not as unchanged."""
    db = settings.neo4j_database
    empty_graph.execute_query(
        "UNWIND ['FIVE:RED', 'FIVE:ORANGE'] AS code CREATE (:Category {code: code})", database_=db
    )
    _load(empty_graph, settings, write_base(tmp_path))
    grid = f"{COMMUNITY}-001"
    earlier = write_csv(
        tmp_path / "families-2024.csv",
        [FAMILIES_HEADER, ["F-T-1", "刘家（示例）", grid, "FIVE:ORANGE", "2024-09-01"]],
        "gbk",
    )
    later = write_csv(
        tmp_path / "families-2025.csv",
        [FAMILIES_HEADER, ["F-T-1", "刘家（示例）", grid, "FIVE:RED", "2025-01-06"]],
        "gbk",
    )
    _load(empty_graph, settings, [earlier])
    reclassified = _load(empty_graph, settings, [later])
    assert {r[0]: r[1:] for r in reclassified.counts.as_rows()} == {
        "CLASSIFIED_AS": (0, 1, 0, 0),
        "Family": (0, 0, 1, 0),
    }
    history = [r.data() for r in empty_graph.execute_query(CLASSIFICATIONS, database_=db)[0]]
    assert [(h["category"], h["until"]) for h in history] == [
        ("FIVE:ORANGE", history[1]["since"]),
        ("FIVE:RED", None),
    ]
    stored = {r["key"]: r["hash"] for r in empty_graph.execute_query(ROW_HASHES, database_=db)[0]}
    again = _load(empty_graph, settings, [later])
    assert again.counts.total("created") == again.counts.total("updated") == 0
    assert stored == {
        r["key"]: r["hash"] for r in empty_graph.execute_query(ROW_HASHES, database_=db)[0]
    }
    # The earlier edition is seen as a change, and refused: its classification began before
    # the current one (core.rules.classification_order), so it cannot end it.
    with pytest.raises(LoadRefused) as refused:
        _load(empty_graph, settings, [earlier], as_of=date(2025, 2, 1))
    [problem] = refused.value.problems
    assert (problem.row, problem.code, problem.value) == (2, "DATE_ORDER", "2024-09-01")
    assert "2025-01-06" in problem.zh and "2025-01-06" in problem.en
    assert [r.data() for r in empty_graph.execute_query(CLASSIFICATIONS, database_=db)[0]] == (
        history
    )
