"""Legacy `.xls` (BIFF8) rosters, written with xlwt the way federations keep them, loaded
through the real pipeline and the `gridgraph load` command."""

from __future__ import annotations

import csv
from collections.abc import Callable
from datetime import date, datetime, time
from pathlib import Path

import pytest
from neo4j import Driver

from core.identity import IdentityKey, identity_key
from core.settings import Settings
from loaders import cypher
from loaders.errors import LoadRefused
from loaders.pipeline import LoadOptions, load_files
from loaders.readers import open_sheets
from tests.loaders.rosters import (
    AREAS,
    COMMUNITY,
    GRIDS,
    PEOPLE_HEADER,
    ExcelError,
    person_id_number,
    write_csv,
    write_xls,
)

LI_ID_NUMBER = person_id_number(4, date(1990, 5, 2))
"""An ID number whose check character is X (written lower case in the roster)."""

COUNT_GRAPH = """
MATCH (n)
WHERE NOT n:Migration AND NOT n:ApiToken AND NOT n:Load
RETURN count(n) AS nodes, COUNT { MATCH ()-[r]->() } AS rels,
       COUNT { MATCH (l:Load) } AS loads
"""

GET_PEOPLE = """
MATCH (p:Person)-[r:SERVES_GRID]->(g:Grid)
RETURN p.name AS name, p.id AS id, p.idNumber AS idNumber, p.birthDate AS birthDate,
       p.phone AS phone, p.politicalStatus AS political, r.role AS role, g.code AS grid,
       r.since AS since
ORDER BY name
"""

GET_GRIDS = """
MATCH (g:Grid)-[:IN]->(c:Community)
RETURN g.code AS code, g.name AS name, g.households AS households, c.code AS community
ORDER BY code
"""

GET_LOADS = """
MATCH (l:Load)
RETURN l.name AS name, l.sheet AS sheet, l.kind AS kind, l.rows AS rows, l.status AS status
ORDER BY l.at
"""


def people_xls_rows() -> list[list[object]]:
    """Three people as an .xls keeps them: dates as date cells, as text, as a serial number
    and as a date-time cell; a phone as a number cell; an ID number ending in a lower-case x."""
    return [
        [
            1,
            "张秀英（示例）",
            "女",
            date(1985, 3, 12),
            person_id_number(1),
            "党员",
            "柳毅第一网格",
            "网格长",
            13912345678,
            date(2024, 11, 1),
        ],
        [
            2,
            "李 红（示例）",
            "女",
            "1990年5月",
            LI_ID_NUMBER.lower(),
            "群众",
            "柳毅第二网格",
            "专职网格员",
            "１３９１２３４５６７９",
            "2024/11/1",
        ],
        [
            3,
            "王芳（示例）",
            "女",
            32874,
            person_id_number(3, date(1990, 1, 1)),
            "13",
            None,  # under the 所属网格 merged with the row above
            "楼长",
            "0533-2345678",
            datetime(2024, 12, 1, 9, 30),
        ],
    ]


PEOPLE_MERGED = ((1, 2, PEOPLE_HEADER.index("所属网格")),)
GRIDS_MERGED = ((0, 1, GRIDS[0].index("所属社区")),)


def _load(driver: Driver, settings: Settings, paths: list[Path], **options: object):
    values: dict[str, object] = {"as_of": date(2025, 1, 1), "by": "test", **options}
    options = LoadOptions(**values)  # type: ignore[arg-type]
    identity = identity_key(settings, driver)
    return load_files(driver, settings.neo4j_database, paths, options, identity=identity)


def _query(driver: Driver, settings: Settings, query: str) -> list[dict]:
    return [r.data() for r in driver.execute_query(query, database_=settings.neo4j_database)[0]]


def _base(folder: Path) -> list[Path]:
    """Areas as a UTF-8 CSV and grids as an .xls (a 序号 column, a merged 所属社区)."""
    return [
        write_csv(folder / "areas.csv", AREAS, "utf-8-sig"),
        write_xls(folder / "grids.xls", GRIDS[0], GRIDS[1:], "柳毅社区网格台账", GRIDS_MERGED),
    ]


def test_xlrd_reads_merged_cells_dates_numbers_and_errors(tmp_path: Path) -> None:
    rows = people_xls_rows()
    rows[0][PEOPLE_HEADER.index("任职时间")] = time(14, 30)
    rows[1][PEOPLE_HEADER.index("联系电话")] = ExcelError("#REF!")
    rows[2][PEOPLE_HEADER.index("身份证号")] = 370399199001010069  # typed as a number
    path = write_xls(tmp_path / "people.xls", PEOPLE_HEADER, rows, "花名册", PEOPLE_MERGED)
    [sheet] = open_sheets(path)
    read = {raw.number: raw.cells for raw in sheet.rows()}
    assert sheet.name == "花名册" and sorted(read) == list(range(1, 9))
    assert read[1] == ["花名册"] * 10 and read[2] == ["填表说明：身份证号请设为文本格式"] * 10
    assert read[3] == PEOPLE_HEADER
    assert read[4][:5] == [1, "张秀英（示例）", "女", datetime(1985, 3, 12), person_id_number(1)]
    assert read[4][8:] == [13912345678, time(14, 30)]
    assert read[5][6] == read[6][6] == "柳毅第二网格"  # the merged cell, in both rows
    assert read[5][4] == LI_ID_NUMBER.lower() and read[5][8] == "#REF!"
    assert read[6][3] == 32874 and read[6][9] == datetime(2024, 12, 1, 9, 30)
    assert read[6][4] == pytest.approx(3.70399199001010069e17) and isinstance(read[6][4], float)
    assert all(cell is None for cell in read[7])  # the blank row
    assert read[8][:2] == ["合计", "3人"]


def test_xls_rosters_load_and_reload_unchanged(
    tmp_path: Path, empty_graph: Driver, settings: Settings, identity: IdentityKey
) -> None:
    people = write_xls(
        tmp_path / "people.xls", PEOPLE_HEADER, people_xls_rows(), "柳毅社区姊妹团花名册",
        PEOPLE_MERGED,
    )  # fmt: skip
    files = [*_base(tmp_path), people]
    first = _load(empty_graph, settings, files)
    assert [(f.path.name, f.sheet, f.kind, f.rows) for f in first.files] == [
        ("areas.csv", "areas.csv", "areas", 5),
        ("grids.xls", "花名册", "grids", 3),
        ("people.xls", "花名册", "people", 3),
    ]
    created = {r[0]: r[1:4] for r in first.counts.as_rows()}
    assert created["Grid"] == (3, 0, 0) and created["Person"] == (3, 0, 0)
    assert created["appointments"] == (3, 0, 0)

    assert _query(empty_graph, settings, GET_GRIDS) == [
        {"code": f"{COMMUNITY}-001", "name": "柳毅第一网格", "households": 320,
         "community": COMMUNITY},
        {"code": f"{COMMUNITY}-002", "name": "柳毅第二网格", "households": 410,
         "community": COMMUNITY},
        {"code": "370303006002-001", "name": "新村第一网格", "households": None,
         "community": "370303006002"},
    ]  # fmt: skip
    people_rows = {p.pop("name"): p for p in _query(empty_graph, settings, GET_PEOPLE)}
    for person in people_rows.values():
        person["birthDate"] = person["birthDate"].to_native()
        person["since"] = person["since"].to_native()
    assert people_rows == {
        "张秀英（示例）": {
            "id": identity.person_id(person_id_number(1)),
            "idNumber": person_id_number(1),
            "birthDate": date(1985, 3, 12),
            "phone": "13912345678",
            "political": "中共党员",
            "role": "GRID_HEAD",
            "grid": f"{COMMUNITY}-001",
            "since": date(2024, 11, 1),
        },
        "李红（示例）": {
            "id": identity.person_id(LI_ID_NUMBER),
            "idNumber": LI_ID_NUMBER,  # the trailing x upper case
            "birthDate": date(1990, 5, 2),  # from the ID number; the roster gives the month
            "phone": "13912345679",
            "political": "群众",
            "role": "FULL_TIME_GRID_WORKER",
            "grid": f"{COMMUNITY}-002",
            "since": date(2024, 11, 1),
        },
        "王芳（示例）": {
            "id": identity.person_id(person_id_number(3, date(1990, 1, 1))),
            "idNumber": person_id_number(3, date(1990, 1, 1)),
            "birthDate": date(1990, 1, 1),
            "phone": "0533-2345678",
            "political": "群众",
            "role": "BUILDING_HEAD",
            "grid": f"{COMMUNITY}-002",  # the merged 所属网格
            "since": date(2024, 12, 1),
        },
    }
    loads = _query(empty_graph, settings, GET_LOADS)
    assert loads[1:] == [
        {"name": "grids.xls", "sheet": "花名册", "kind": "grids", "rows": 3, "status": "COMPLETE"},
        {"name": "people.xls", "sheet": "花名册", "kind": "people", "rows": 3,
         "status": "COMPLETE"},
    ]  # fmt: skip
    load = empty_graph.execute_query(cypher.GET_LOAD, id=first.files[2].load_id)[0][0]["props"]
    assert load["created"] == 6 and len(load["checksum"]) == 64

    counts = _query(empty_graph, settings, COUNT_GRAPH)
    again = _load(empty_graph, settings, files[1:])
    assert {r[0]: r[1:] for r in again.counts.as_rows()} == {
        "Grid": (0, 0, 3, 0),
        "Person": (0, 0, 3, 0),
        "appointments": (0, 0, 3, 0),
    }
    [after] = _query(empty_graph, settings, COUNT_GRAPH)
    assert after == {**counts[0], "loads": counts[0]["loads"] + 2}


def test_broken_xls_is_refused_by_the_command_with_a_report(
    tmp_path: Path, empty_graph: Driver, settings: Settings, cli: Callable
) -> None:
    _load(empty_graph, settings, _base(tmp_path))
    before = _query(empty_graph, settings, COUNT_GRAPH)
    rows = people_xls_rows()
    bad = person_id_number(1)[:17] + ("5" if person_id_number(1)[17] != "5" else "6")
    rows[1][PEOPLE_HEADER.index("身份证号")] = bad
    path = write_xls(tmp_path / "people.xls", PEOPLE_HEADER, rows, "花名册", PEOPLE_MERGED)
    report = tmp_path / "report.csv"

    result = cli("load", str(path), "--report", str(report))
    assert result.exit_code == 1, result.output
    lines = [line for line in result.stderr.splitlines() if line]  # the progress bar's blanks
    assert lines[0].startswith(f"people.xls [花名册] row 5, 身份证号 (E) = '{bad}': ")
    assert lines[-2:] == [f"Report written to {report}", "1 problem(s); nothing was written."]
    assert result.stdout == ""
    with report.open(encoding="utf-8-sig", newline="") as handle:
        header, *problems = list(csv.reader(handle))
    assert header[2:6] == ["行 row", "列 column", "值 value", "代码 code"]
    assert [p[:6] for p in problems] == [
        ["people.xls", "花名册", "5", "身份证号 (E)", bad, "ID_CHECKSUM"]
    ]
    assert _query(empty_graph, settings, COUNT_GRAPH) == before  # not even a (:Load)


BROKEN = [
    # (name, column, value written, expected code)
    ("id typed as a number", "身份证号", 370399199005020084, "ID_MANGLED"),
    ("time-only cell", "任职时间", time(9, 30), "DATE"),
    ("error cell", "联系电话", ExcelError("#REF!"), "PHONE_FORMAT"),
    # xlrd gives the error's code, 7, which is a political status code (民进会员)
    ("error cell as a code", "政治面貌", ExcelError("#DIV/0!"), "POLITICAL_STATUS"),
]


@pytest.mark.parametrize(("label", "heading", "value", "code"), BROKEN, ids=[b[0] for b in BROKEN])
def test_broken_xls_cells_are_reported_where_they_are(
    tmp_path: Path,
    empty_graph: Driver,
    settings: Settings,
    label: str,
    heading: str,
    value: object,
    code: str,
) -> None:
    _load(empty_graph, settings, _base(tmp_path))
    before = _query(empty_graph, settings, COUNT_GRAPH)
    rows = people_xls_rows()
    column = PEOPLE_HEADER.index(heading)
    rows[1][column] = value
    path = write_xls(tmp_path / "people.xls", PEOPLE_HEADER, rows, "花名册", PEOPLE_MERGED)
    with pytest.raises(LoadRefused) as refused:
        _load(empty_graph, settings, [path])
    problems = [(p.file, p.sheet, p.row, p.column, p.code) for p in refused.value.problems]
    assert problems == [("people.xls", "花名册", 5, f"{heading} ({chr(65 + column)})", code)]
    assert _query(empty_graph, settings, COUNT_GRAPH) == before
