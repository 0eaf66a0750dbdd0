"""Roster files written the way people keep them: title rows, merged cells, GBK, BOM."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from datetime import date, datetime, time
from pathlib import Path

import xlwt
from neo4j import Driver
from openpyxl import Workbook

from core.settings import Settings
from core.validation import make_id_number

COMMUNITY = "370303006001"
AREAS = [
    ["区划代码", "名称", "类型", "上级代码"],
    ["370300", "淄博市", "市", ""],
    ["370303", "张店区", "区", "370300"],
    ["370303006", "体育场街道", "街道", "370303"],
    [COMMUNITY, "柳毅社区", "社区", "370303006"],
    ["370303006002", "新村社区", "社区", "370303006"],
]
GRIDS = [
    ["序号", "网格编码", "网格名称", "所属社区", "网格类型", "户数"],
    [1, f"{COMMUNITY}-001", "柳毅第一网格", "柳毅社区", "综合", 320],
    [2, f"{COMMUNITY}-002", "柳毅第二网格", COMMUNITY, "综合", 410],
    [3, "370303006002-001", "新村第一网格", "新村社区", "专属", ""],
]
PEOPLE_HEADER = [
    "序号",
    "姓名",
    "性别",
    "出生年月",
    "身份证号",
    "政治面貌",
    "所属网格",
    "网格职务",
    "联系电话",
    "任职时间",
]


def person_id_number(n: int, born: date = date(1985, 3, 12)) -> str:
    return make_id_number("370399", born, n, "F")


def people_rows() -> list[list[object]]:
    return [
        [
            1,
            "张秀英（示例）",
            "女",
            "1985.03",
            person_id_number(1),
            "党员",
            "柳毅第一网格",
            "网格长",
            "13912345678",
            "2024-11-01",
        ],
        [
            2,
            "李 红（示例）",
            "女",
            "1990年5月",
            person_id_number(2, date(1990, 5, 2)).lower(),
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
            "柳毅第二网格",
            "楼长",
            "0533-2345678",
            "",
        ],
    ]


def write_csv(path: Path, rows: list[list[object]], encoding: str) -> Path:
    with path.open("w", encoding=encoding, newline="") as handle:
        csv.writer(handle).writerows(rows)
    return path


def write_xlsx(path: Path, header: list[str], rows: list[list[object]], title: str) -> Path:
    """A workbook with a merged title row, a notes row, the header, rows, a blank and a total."""
    book = Workbook()
    sheet = book.active
    sheet.title = "花名册"
    last = chr(64 + len(header))
    sheet.append([title])
    sheet.merge_cells(f"A1:{last}1")
    sheet.append(["填表说明：身份证号请设为文本格式"])
    sheet.merge_cells(f"A2:{last}2")
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    sheet.append([None] * len(header))
    sheet.append(["合计", f"{len(rows)}人"])
    book.save(path)
    return path


@dataclass(frozen=True)
class ExcelError:
    """An error cell of an .xls roster (`#REF!`, `#DIV/0!`, ...), as a broken formula leaves."""

    text: str


_XLS_FORMATS = {
    datetime: xlwt.easyxf(num_format_str="yyyy-mm-dd hh:mm"),
    date: xlwt.easyxf(num_format_str="yyyy-mm-dd"),
    time: xlwt.easyxf(num_format_str="hh:mm"),
}


def write_xls(
    path: Path,
    header: list[str],
    rows: list[list[object]],
    title: str,
    merged: tuple[tuple[int, int, int], ...] = (),
) -> Path:
    """A BIFF8 .xls workbook kept as federations keep one: a title row and a notes row merged
    across the sheet, the header, the rows, a blank and a total row.

    `date`, `datetime` and `time` values become Excel date cells (numbers with a date format),
    other values text or number cells. `merged` holds (first row, last row, column), 0-based
    indexes into `rows`: that column of those rows is one merged cell with the first row's value
    (the others' values are not written).
    """
    book = xlwt.Workbook(encoding="utf-8")
    sheet = book.add_sheet("花名册")
    last = len(header) - 1
    sheet.write_merge(0, 0, 0, last, title)
    sheet.write_merge(1, 1, 0, last, "填表说明：身份证号请设为文本格式")
    for column, heading in enumerate(header):
        sheet.write(2, column, heading)
    top = 3
    covered = {(top + r, c) for first, end, c in merged for r in range(first + 1, end + 1)}
    for first, end, column in merged:
        sheet.write_merge(top + first, top + end, column, column, rows[first][column])
        covered.add((top + first, column))
    for index, row in enumerate(rows, start=top):
        for column, value in enumerate(row):
            if (index, column) in covered or value is None or value == "":
                continue
            if isinstance(value, ExcelError):
                sheet.row(index).set_cell_error(column, value.text)
            elif type(value) in _XLS_FORMATS:
                sheet.write(index, column, value, _XLS_FORMATS[type(value)])
            else:
                sheet.write(index, column, value)
    total = top + len(rows) + 1  # a blank row, then the total
    sheet.write(total, 0, "合计")
    sheet.write(total, 1, f"{len(rows)}人")
    book.save(str(path))
    return path


def write_base(folder: Path) -> list[Path]:
    """Areas (UTF-8 with BOM) and grids (GBK) CSV files."""
    return [
        write_csv(folder / "areas.csv", AREAS, "utf-8-sig"),
        write_csv(folder / "grids.csv", GRIDS, "gbk"),
    ]


DUMP_NODES = """
MATCH (n)
WHERE NOT n:Migration AND NOT n:Load AND NOT n:ApiToken AND NOT n:KeyCheck
RETURN labels(n) AS labels, properties(n) AS props
"""

DUMP_RELS = """
MATCH (a)-[r]->(b)
WHERE NOT a:Load AND NOT b:Load
RETURN type(r) AS type, coalesce(a.id, a.code) AS start, coalesce(b.id, b.code) AS end,
       properties(r) AS props
"""


def dump_graph(driver: Driver, settings: Settings) -> tuple[list[str], list[str]]:
    """Every node and relationship but the loads' own records, sorted, to compare two states."""
    db = settings.neo4j_database
    nodes = sorted(
        repr((sorted(r["labels"]), sorted(r["props"].items())))
        for r in driver.execute_query(DUMP_NODES, database_=db)[0]
    )
    rels = sorted(
        repr((r["type"], r["start"], r["end"], sorted(r["props"].items())))
        for r in driver.execute_query(DUMP_RELS, database_=db)[0]
    )
    return nodes, rels
