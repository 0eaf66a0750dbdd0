"""Roster files written the way people keep them: title rows, merged cells, GBK, BOM."""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

from openpyxl import Workbook

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


def write_base(folder: Path) -> list[Path]:
    """Areas (UTF-8 with BOM) and grids (GBK) CSV files."""
    return [
        write_csv(folder / "areas.csv", AREAS, "utf-8-sig"),
        write_csv(folder / "grids.csv", GRIDS, "gbk"),
    ]
