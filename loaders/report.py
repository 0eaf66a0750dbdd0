"""Problem reports: printed, or written as CSV (UTF-8 with BOM, opens in Chinese Excel) or XLSX."""

from __future__ import annotations

import csv
from pathlib import Path

from loaders.errors import Problem

REPORT_HEADINGS = (
    "文件 file",
    "工作表 sheet",
    "行 row",
    "列 column",
    "值 value",
    "代码 code",
    "原因 reason (中文)",
    "reason (English)",
)


def problem_row(p: Problem) -> list[str | int]:
    return [
        p.file,
        p.sheet,
        p.row if p.row is not None else "",
        p.column,
        p.value,
        p.code,
        p.zh,
        p.en,
    ]


def write_report(problems: list[Problem], path: Path) -> None:
    """Write every problem to `path`: `.xlsx` as a workbook, anything else as CSV."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.suffix.lower() == ".xlsx":
        from openpyxl import Workbook

        book = Workbook(write_only=True)
        sheet = book.create_sheet("problems")
        sheet.append(list(REPORT_HEADINGS))
        for p in problems:
            sheet.append(problem_row(p))
        book.save(path)
        return
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(REPORT_HEADINGS)
        writer.writerows(problem_row(p) for p in problems)


def format_problem(p: Problem) -> str:
    where = p.file + (f" [{p.sheet}]" if p.sheet and p.sheet != p.file else "")
    if p.row is not None:
        where += f" row {p.row}"
    if p.column:
        where += f", {p.column}"
    value = f" = {p.value!r}" if p.value else ""
    return f"{where}{value}: {p.zh} / {p.en}"
