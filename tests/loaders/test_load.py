"""Loading real roster files into the test Neo4j: formats, all-or-nothing, idempotence."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from neo4j import Driver
from openpyxl import Workbook, load_workbook

from core.identity import IdentityKey, identity_key
from core.settings import Settings
from loaders import cypher
from loaders.errors import LoadRefused
from loaders.pipeline import LoadOptions, load_files
from loaders.report import write_report
from tests.loaders.rosters import (
    COMMUNITY,
    PEOPLE_HEADER,
    people_rows,
    person_id_number,
    write_base,
    write_csv,
    write_xlsx,
)

COUNT_GRAPH = """
MATCH (n)
WHERE NOT n:Migration AND NOT n:Load
RETURN count(n) AS nodes, COUNT { MATCH ()-[r]->() } AS rels
"""

GET_PEOPLE = """
MATCH (p:Person)
OPTIONAL MATCH (p)-[r:SERVES_GRID]->(g:Grid)
RETURN p.id AS id, p.name AS name, p.birthDate AS birthDate, p.phone AS phone,
       p.politicalStatus AS political, p.partyMember AS partyMember, p.source AS source,
       r.role AS role, g.code AS grid, r.since AS since, r.until AS until, r.building AS building
ORDER BY name
"""


def _load(driver: Driver, settings: Settings, paths: list[Path], **options: object):
    values: dict[str, object] = {"as_of": date(2025, 1, 1), "by": "test", **options}
    opts = LoadOptions(**values)  # type: ignore[arg-type]
    identity = identity_key(settings, driver)
    return load_files(driver, settings.neo4j_database, paths, opts, identity=identity)


def _graph(driver: Driver, settings: Settings) -> tuple[dict, list[dict]]:
    db = settings.neo4j_database
    counts = driver.execute_query(COUNT_GRAPH, database_=db)[0][0].data()
    return counts, [r.data() for r in driver.execute_query(GET_PEOPLE, database_=db)[0]]


@pytest.fixture
def base(tmp_path: Path, empty_graph: Driver, settings: Settings) -> Path:
    _load(empty_graph, settings, write_base(tmp_path))
    return tmp_path


def test_xlsx_gbk_and_bom_rosters_load_and_reload_unchanged(
    tmp_path: Path, empty_graph: Driver, settings: Settings, identity: IdentityKey
) -> None:
    files = [
        *write_base(tmp_path),
        write_xlsx(tmp_path / "people.xlsx", PEOPLE_HEADER, people_rows(), "柳毅社区姊妹团花名册"),
    ]
    first = _load(empty_graph, settings, files)
    assert [(f.kind, f.rows) for f in first.files] == [("areas", 5), ("grids", 3), ("people", 3)]
    rows = {r[0]: r[1:4] for r in first.counts.as_rows()}
    assert rows["Person"] == (3, 0, 0) and rows["Grid"] == (3, 0, 0) and rows["Area"] == (5, 0, 0)
    assert rows["appointments"] == (3, 0, 0)
    counts, people = _graph(empty_graph, settings)
    by_name = {p["name"]: p for p in people}
    assert set(by_name) == {"张秀英（示例）", "李红（示例）", "王芳（示例）"}
    zhang = by_name["张秀英（示例）"]
    assert zhang["id"] == identity.person_id(person_id_number(1))
    assert zhang["birthDate"].to_native() == date(1985, 3, 12)
    assert (zhang["political"], zhang["partyMember"]) == ("中共党员", True)
    assert (zhang["role"], zhang["grid"]) == ("GRID_HEAD", f"{COMMUNITY}-001")
    assert zhang["since"].to_native() == date(2024, 11, 1)
    assert zhang["source"] == first.files[2].load_id
    li = by_name["李红（示例）"]
    assert li["phone"] == "13912345679" and li["since"].to_native() == date(2024, 11, 1)
    wang = by_name["王芳（示例）"]
    assert wang["political"] == "群众" and wang["phone"] == "0533-2345678"
    assert wang["birthDate"].to_native() == date(1990, 1, 1)
    assert wang["since"].to_native() == date(2025, 1, 1)  # no 任职时间: the as-of date

    second = _load(empty_graph, settings, files, as_of=None)
    assert all(c == 0 for row in second.counts.as_rows() for c in (row[1], row[2], row[4]))
    assert {r[0]: r[3] for r in second.counts.as_rows()} == {
        "Area": 5,
        "Grid": 3,
        "Person": 3,
        "appointments": 3,
    }
    assert _graph(empty_graph, settings) == (counts, people)  # sources and since kept
    loads = empty_graph.execute_query(cypher.GET_LOAD, id=second.files[2].load_id)[0]
    props = loads[0]["props"]
    assert props["unchanged"] == 6 and props["created"] == 0 and props["by"] == "test"
    assert len(props["checksum"]) == 64 and props["kind"] == "people"


def test_newer_roster_updates_and_complete_roster_ends(
    base: Path, empty_graph: Driver, settings: Settings
) -> None:
    people = base / "people.csv"
    write_csv(people, [PEOPLE_HEADER[1:], *[r[1:] for r in people_rows()]], "gb18030")
    _load(empty_graph, settings, [people])
    newer = [r[1:] for r in people_rows()][:2]
    newer[0][7] = "13800000001"  # a new phone number
    write_csv(people, [PEOPLE_HEADER[1:], *newer], "gb18030")
    dry = _load(empty_graph, settings, [people], dry_run=True, complete_roster=True)
    assert dry.files[0].load_id is None
    assert {r[0]: r[1:] for r in dry.counts.as_rows()}["appointments"] == (0, 0, 2, 1)
    result = _load(empty_graph, settings, [people], complete_roster=True, as_of=date(2025, 2, 1))
    rows = {r[0]: r[1:] for r in result.counts.as_rows()}
    assert rows["Person"] == (0, 1, 1, 0)
    assert rows["appointments"] == (0, 0, 2, 1)
    _, graph = _graph(empty_graph, settings)
    by_name = {p["name"]: p for p in graph}
    assert by_name["张秀英（示例）"]["phone"] == "13800000001"
    assert by_name["张秀英（示例）"]["source"] == result.files[0].load_id
    assert by_name["王芳（示例）"]["until"].to_native() == date(2025, 2, 1)  # ended, not deleted
    assert by_name["王芳（示例）"]["building"] is None


BROKEN = [
    # (name, cells, expected (column heading, code))
    ("bad checksum", {"身份证号": "37039919850312002Y"}, ("身份证号 (E)", "ID_FORMAT")),
    (
        "bad checksum digit",
        {"身份证号": person_id_number(1)[:17] + "5"},
        ("身份证号 (E)", "ID_CHECKSUM"),
    ),
    ("mangled id", {"身份证号": 3.70399198503121e17}, ("身份证号 (E)", "ID_MANGLED")),
    ("unknown grid", {"所属网格": "不存在的网格"}, ("所属网格 (G)", "UNKNOWN_GRID")),
    ("bad date", {"任职时间": "2024-13-01"}, ("任职时间 (J)", "DATE")),
]


@pytest.mark.parametrize(("label", "change", "expected"), BROKEN, ids=[b[0] for b in BROKEN])
def test_broken_xlsx_is_refused_with_exact_report(
    base: Path, empty_graph: Driver, settings: Settings, label: str, change: dict, expected: tuple
) -> None:
    rows = people_rows()
    for heading, value in change.items():
        rows[1][PEOPLE_HEADER.index(heading)] = value
    path = write_xlsx(base / "people.xlsx", PEOPLE_HEADER, rows, "花名册")
    before = _graph(empty_graph, settings)
    with pytest.raises(LoadRefused) as refused:
        _load(empty_graph, settings, [path])
    problems = [(p.file, p.sheet, p.row, p.column, p.code) for p in refused.value.problems]
    assert problems == [("people.xlsx", "花名册", 5, *expected)]
    assert refused.value.problems[0].zh and refused.value.problems[0].en
    assert _graph(empty_graph, settings) == before


def test_duplicate_person_and_report_files(
    base: Path, empty_graph: Driver, settings: Settings, tmp_path: Path
) -> None:
    rows = people_rows()
    rows.append(
        [
            4,
            "张秀英（示例）",
            "女",
            "1985.03",
            person_id_number(1),
            "党员",
            "柳毅第一网格",
            "",
            "",
            "",
        ]
    )
    path = write_csv(base / "dup.csv", [PEOPLE_HEADER, *rows], "utf-8-sig")
    with pytest.raises(LoadRefused) as refused:
        _load(empty_graph, settings, [path])
    [problem] = refused.value.problems
    assert (problem.row, problem.code, problem.value) == (5, "DUPLICATE", "张秀英（示例）")
    assert "第 2 行" in problem.zh and "row 2" in problem.en
    write_report(refused.value.problems, tmp_path / "report.xlsx")
    write_report(refused.value.problems, tmp_path / "report.csv")
    sheet = load_workbook(tmp_path / "report.xlsx").active
    assert [c.value for c in sheet[2]][:6] == [
        "dup.csv",
        "dup.csv",
        5,
        "姓名 (B)",
        "张秀英（示例）",
        "DUPLICATE",
    ]
    text = (tmp_path / "report.csv").read_text("utf-8-sig")
    assert "DUPLICATE" in text and "row 2" in text
    skipped = _load(empty_graph, settings, [path], skip_invalid=True)
    assert skipped.files[0].skipped == 1 and skipped.files[0].rows == 3
    assert len(_graph(empty_graph, settings)[1]) == 3


def test_wrong_encoding_declared_writes_nothing(
    base: Path, empty_graph: Driver, settings: Settings
) -> None:
    path = base / "people.csv"
    path.write_bytes(
        b"\xef\xbb\xbf"
        + "\n".join(",".join(map(str, r)) for r in [PEOPLE_HEADER, *people_rows()]).encode("gbk")
    )
    before = _graph(empty_graph, settings)
    with pytest.raises(LoadRefused) as refused:
        _load(empty_graph, settings, [path])
    [problem] = refused.value.problems
    assert (problem.code, problem.file) == ("ENCODING", "people.csv")
    with pytest.raises(LoadRefused) as declared:
        _load(
            empty_graph,
            settings,
            [write_csv(base / "gbk.csv", [PEOPLE_HEADER], "gbk")],
            encoding="utf-8",
        )
    assert declared.value.problems[0].code == "ENCODING"
    assert _graph(empty_graph, settings) == before


def test_kind_inferred_and_file_problems(
    base: Path, empty_graph: Driver, settings: Settings
) -> None:
    book = Workbook()
    book.active.append(["随便", "什么"])
    book.save(base / "nothing.xlsx")
    with pytest.raises(LoadRefused) as refused:
        _load(empty_graph, settings, [base / "nothing.xlsx", base / "missing.csv"])
    assert [p.code for p in refused.value.problems] == ["NO_HEADER", "FILE_MISSING"]
