"""Streaming readers: a roster file as sheets of raw rows, whatever the format.

`.xlsx` is read with openpyxl in read-only mode (rows stream; merged ranges are read from the
sheet XML so a merged cell's value is copied into every cell it covers), `.xls` with xlrd, and
CSV after detecting its encoding (BOM, then UTF-8, then charset-normalizer among the encodings
Chinese rosters use; GBK and GB2312 are read as their superset GB18030).
"""

from __future__ import annotations

import codecs
import csv
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, time
from pathlib import Path
from typing import Any

from charset_normalizer import from_bytes

from loaders.errors import FileProblem

SAMPLE_BYTES = 256 * 1024
CHINESE_FAMILY = {"gbk", "gb2312", "gb18030", "hz", "big5", "cp936"}
CANDIDATE_ENCODINGS = ["utf_8", "gb18030", "big5", "utf_16"]


@dataclass
class RawRow:
    """One row of a sheet: its 1-based row number and cell values (None when empty)."""

    number: int
    cells: list[Any]


@dataclass
class Sheet:
    """A sheet (a CSV file is one sheet, named after the file) and a way to stream its rows."""

    name: str
    path: Path
    _rows: Any = field(repr=False)
    encoding: str | None = None
    row_bound: int | None = None
    """At least as many rows as the sheet has (None: unknown without reading it); the loader
    uses it to choose between one transaction and batches before reading."""

    def rows(self) -> Iterator[RawRow]:
        return self._rows()


def file_format(path: Path) -> str:
    suffix = path.suffix.lower()
    if suffix in {".xlsx", ".xlsm"}:
        return "xlsx"
    if suffix == ".xls":
        return "xls"
    if suffix in {".csv", ".txt"}:
        return "csv"
    raise FileProblem(
        "FILE_FORMAT",
        f"不支持的文件类型 {suffix}（支持 .xlsx、.xls、.csv）",
        f"unsupported file type {suffix} (use .xlsx, .xls or .csv)",
    )


def open_sheets(path: Path, sheet: str | None = None, encoding: str | None = None) -> list[Sheet]:
    """The sheets of a roster file (only `sheet` when given), ready to stream."""
    kind = file_format(path)
    if kind == "csv":
        return [_csv_sheet(path, encoding)]
    sheets = _xlsx_sheets(path) if kind == "xlsx" else _xls_sheets(path)
    if sheet is not None:
        chosen = [s for s in sheets if s.name == sheet]
        if not chosen:
            names = ", ".join(s.name for s in sheets)
            raise FileProblem(
                "SHEET",
                f"找不到工作表 {sheet}（有：{names}）",
                f"no sheet {sheet} (there are: {names})",
            )
        return chosen
    return sheets


# --- CSV ----------------------------------------------------------------------------------


def detect_encoding(path: Path) -> str:
    """A CSV file's encoding: BOM, else UTF-8 if the sample decodes, else charset-normalizer."""
    with path.open("rb") as handle:
        sample = handle.read(SAMPLE_BYTES)
    if sample.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if sample.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    try:
        sample.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError as error:
        if len(sample) == SAMPLE_BYTES and error.start >= len(sample) - 4:
            return "utf-8"  # a character cut at the end of the sample
    best = from_bytes(sample, cp_isolation=CANDIDATE_ENCODINGS).best()
    if best is not None:
        name = best.encoding.lower()
        return "gb18030" if name in CHINESE_FAMILY else name
    # Short, repetitive samples can leave the detector undecided: GB18030 decodes any GBK.
    try:
        sample[: len(sample) - 4 if len(sample) == SAMPLE_BYTES else None].decode("gb18030")
        return "gb18030"
    except UnicodeDecodeError:
        raise FileProblem(
            "ENCODING",
            "无法识别文件编码（请另存为 UTF-8 或 GBK 编码的 CSV）",
            "cannot tell the file's encoding (save it as a UTF-8 or GBK CSV)",
        ) from None


def _csv_sheet(path: Path, encoding: str | None) -> Sheet:
    chosen = encoding or detect_encoding(path)
    try:
        codecs.lookup(chosen)
    except LookupError:
        raise FileProblem(
            "ENCODING", f"未知的编码 {chosen}", f"unknown encoding {chosen}"
        ) from None

    def rows() -> Iterator[RawRow]:
        with path.open("r", encoding=chosen, newline="", errors="strict") as handle:
            reader = csv.reader(handle)
            number = 0
            try:
                for number, cells in enumerate(reader, start=1):
                    yield RawRow(number, [c if c != "" else None for c in cells])
            except UnicodeDecodeError:
                raise FileProblem(
                    "ENCODING",
                    f"第 {number + 1} 行附近的内容不是 {chosen} 编码（文件编码与声明不符）",
                    f"the bytes near row {number + 1} are not valid {chosen} "
                    "(the file is not in the encoding declared or detected)",
                    row=number + 1,
                ) from None

    return Sheet(
        name=path.name, path=path, _rows=rows, encoding=chosen, row_bound=_line_count(path)
    )


def _line_count(path: Path) -> int:
    """Lines of a file (every CSV row takes at least one)."""
    lines = 1
    with path.open("rb") as handle:
        while chunk := handle.read(1 << 20):
            lines += chunk.count(b"\n")
    return lines


# --- xlsx ---------------------------------------------------------------------------------

_MERGE = re.compile(rb"<(?:\w+:)?mergeCell\s+ref=\"([A-Z]+)(\d+):([A-Z]+)(\d+)\"")


def _column_index(letters: bytes | str) -> int:
    text = letters.decode() if isinstance(letters, bytes) else letters
    index = 0
    for char in text:
        index = index * 26 + ord(char) - 64
    return index - 1


def merged_ranges(archive: zipfile.ZipFile, member: str) -> list[tuple[int, int, int, int]]:
    """Merged ranges (min_row, max_row, min_col, max_col; 0-based columns) of a sheet's XML,
    found by scanning the decompressed stream in chunks (read-only mode does not parse them)."""
    found: list[tuple[int, int, int, int]] = []
    tail = b""
    with archive.open(member) as stream:
        while chunk := stream.read(1 << 20):
            data = tail + chunk
            last = 0
            for match in _MERGE.finditer(data):
                c1, r1, c2, r2 = match.groups()
                found.append((int(r1), int(r2), _column_index(c1), _column_index(c2)))
                last = match.end()
            tail = data[max(last, len(data) - 200) :]
    return found


def _fill_merged(
    rows: Iterator[RawRow], ranges: list[tuple[int, int, int, int]]
) -> Iterator[RawRow]:
    """Copy each merged range's top-left value into every cell of the range."""
    if not ranges:
        yield from rows
        return
    by_start: dict[int, list[tuple[int, int, int, int]]] = {}
    for item in ranges:
        by_start.setdefault(item[0], []).append(item)
    active: list[tuple[tuple[int, int, int, int], Any]] = []
    for row in rows:
        active = [(r, v) for r, v in active if r[1] >= row.number]
        for item in by_start.get(row.number, []):
            value = row.cells[item[2]] if item[2] < len(row.cells) else None
            active.append((item, value))
        for (_, _, c1, c2), value in active:
            if len(row.cells) <= c2:
                row.cells.extend([None] * (c2 + 1 - len(row.cells)))
            for col in range(c1, c2 + 1):
                row.cells[col] = value
        yield row


def _xlsx_sheets(path: Path) -> list[Sheet]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many kinds for a damaged file
        raise FileProblem(
            "FILE_UNREADABLE",
            f"无法读取 xlsx 文件：{error}",
            f"cannot read the xlsx file: {error}",
        ) from error
    members = {ws.title: ws._worksheet_path for ws in workbook.worksheets}  # type: ignore[union-attr]
    bounds = {ws.title: ws.max_row for ws in workbook.worksheets}  # from <dimension>, if written
    workbook.close()

    def reader(title: str) -> Any:
        def rows() -> Iterator[RawRow]:
            book = load_workbook(path, read_only=True, data_only=True)
            try:
                with zipfile.ZipFile(path) as archive:
                    ranges = merged_ranges(archive, members[title])
                sheet = book[title]
                raw = (
                    RawRow(number, list(values))
                    for number, values in enumerate(sheet.iter_rows(values_only=True), start=1)
                )
                yield from _fill_merged(raw, ranges)
            finally:
                book.close()

        return rows

    return [
        Sheet(name=title, path=path, _rows=reader(title), row_bound=bounds[title])
        for title in members
    ]


# --- xls ----------------------------------------------------------------------------------


def _xls_sheets(path: Path) -> list[Sheet]:
    import xlrd

    try:
        book = xlrd.open_workbook(str(path), formatting_info=True, on_demand=True)
    except Exception as error:
        raise FileProblem(
            "FILE_UNREADABLE", f"无法读取 xls 文件：{error}", f"cannot read the xls file: {error}"
        ) from error
    names = book.sheet_names()

    def reader(title: str) -> Any:
        def rows() -> Iterator[RawRow]:
            sheet = book.sheet_by_name(title)
            ranges = [(r1 + 1, r2, c1, c2 - 1) for r1, r2, c1, c2 in sheet.merged_cells]
            raw = (
                RawRow(index + 1, [_xls_value(book, cell) for cell in sheet.row(index)])
                for index in range(sheet.nrows)
            )
            yield from _fill_merged(raw, ranges)

        return rows

    return [
        Sheet(name=title, path=path, _rows=reader(title), row_bound=book.sheet_by_name(title).nrows)
        for title in names
    ]


def _xls_value(book: Any, cell: Any) -> Any:
    import xlrd

    if cell.ctype in (xlrd.XL_CELL_EMPTY, xlrd.XL_CELL_BLANK):
        return None
    if cell.ctype == xlrd.XL_CELL_DATE:
        try:
            parts = xlrd.xldate_as_tuple(cell.value, book.datemode)
        except xlrd.xldate.XLDateError:
            return cell.value  # no date Excel would show (negative, before March 1900): the serial
        if parts[:3] == (0, 0, 0):
            return time(*parts[3:])  # a time-only cell (`14:30`), as openpyxl reads it
        return datetime(*parts)
    if cell.ctype == xlrd.XL_CELL_ERROR:  # xlrd gives the error's code (42); openpyxl its text
        return xlrd.error_text_from_code.get(cell.value, "#ERROR")
    if cell.ctype == xlrd.XL_CELL_NUMBER and float(cell.value).is_integer():
        value = int(cell.value)
        return float(cell.value) if abs(value) >= 10**15 else value
    return cell.value
