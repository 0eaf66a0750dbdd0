"""Header aliases and header-row detection.

The aliases live in `loaders/headers.toml` (kind → field → headings); users extend them with their
own TOML file of the same shape. A roster's header row is the row, among the first
`HEADER_SCAN_ROWS`, whose cells match the most aliases of one kind, so title and notes rows above
it are skipped; the kind with the best match is the roster's kind unless one is given.
"""

from __future__ import annotations

import os
import re
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from openpyxl.utils import get_column_letter

from core.validation import half_width

DEFAULT_ALIASES = Path(__file__).with_name("headers.toml")
ALIASES_ENV = "GRIDGRAPH_HEADER_ALIASES"
HEADER_SCAN_ROWS = 20

Aliases = dict[str, dict[str, list[str]]]

_BRACKETED = re.compile(r"[(\[【][^(\[【]*[)\]】]$")


def heading_key(text: Any) -> str:
    """A heading as it is matched: half-width, lower case, no spaces, no `*` marker."""
    if text is None:
        return ""
    value = half_width(str(text)).replace("（", "(").replace("）", ")")
    return re.sub(r"\s+", "", value).strip("*").lower()


def _without_note(key: str) -> str:
    """`出生年月(格式1985.03)` → `出生年月`: a trailing note in brackets dropped."""
    return _BRACKETED.sub("", key)


def load_aliases(extra: Path | None = None) -> Aliases:
    """The default aliases, extended by `extra` (or the file named by GRIDGRAPH_HEADER_ALIASES)."""
    aliases: Aliases = _read(DEFAULT_ALIASES)
    extra = extra or (Path(os.environ[ALIASES_ENV]) if os.environ.get(ALIASES_ENV) else None)
    if extra is not None:
        for kind, fields in _read(extra).items():
            target = aliases.setdefault(kind, {})
            for name, headings in fields.items():
                target[name] = [*headings, *target.get(name, [])]
    return aliases


def _read(path: Path) -> Aliases:
    with path.open("rb") as handle:
        data = tomllib.load(handle)
    return {kind: {f: list(h) for f, h in fields.items()} for kind, fields in data.items()}


@dataclass(frozen=True)
class Header:
    """The header row of a sheet: its row number, the kind and which column holds which field."""

    row: int
    kind: str
    columns: dict[str, int]  # field -> 0-based column index
    headings: list[str]  # the headings as written, for reports
    unknown: list[str]  # headings that map to no field (序号 is expected and not listed)
    duplicates: tuple[tuple[str, int, int], ...] = ()
    """(field, first column, other column) for each further column that means a field already
    matched: `姓名` twice, `姓名` and `姓 名`, or two aliases (`手机号`, `联系电话`)."""

    def heading(self, field: str) -> str:
        index = self.columns[field]
        return f"{self.headings[index]} ({column_letter(index)})"


def column_letter(index: int) -> str:
    """The spreadsheet letters of the 0-based column `index` (0 → A, 26 → AA)."""
    return get_column_letter(index + 1)


def match_columns(cells: list[Any], fields: dict[str, list[str]]) -> dict[str, int]:
    """Field → column for the cells of a candidate header row (first matching column wins;
    `duplicate_columns` says which others there are)."""
    columns: dict[str, int] = {}
    for index, name in _matches(cells, fields):
        columns.setdefault(name, index)
    return columns


def duplicate_columns(
    cells: list[Any], fields: dict[str, list[str]]
) -> tuple[tuple[str, int, int], ...]:
    """(field, first column, other column) for each column that repeats a field."""
    first: dict[str, int] = {}
    found = []
    for index, name in _matches(cells, fields):
        if name in first:
            found.append((name, first[name], index))
        else:
            first[name] = index
    return tuple(found)


def _matches(cells: list[Any], fields: dict[str, list[str]]) -> Iterable[tuple[int, str]]:
    lookup: dict[str, str] = {}
    for name, headings in fields.items():
        for heading in headings:
            lookup.setdefault(heading_key(heading), name)
    for index, cell in enumerate(cells):
        key = heading_key(cell)
        name = lookup.get(key) or lookup.get(_without_note(key))
        if name:
            yield index, name


def detect_header(
    rows: Iterable[tuple[int, list[Any]]],
    aliases: Aliases,
    required: dict[str, tuple[str, ...]],
    kind: str | None = None,
) -> Header | None:
    """Find the header row and the kind among the first rows; None when nothing fits."""
    kinds = [kind] if kind else list(aliases)
    best: tuple[int, int, str, dict[str, int], int, list[Any]] | None = None
    for number, cells in rows:
        for candidate in kinds:
            columns = match_columns(cells, aliases.get(candidate, {}))
            if not all(f in columns for f in required.get(candidate, ())):
                continue
            filled = sum(1 for c in cells if c not in (None, ""))
            score = (len(columns), -(filled - len(columns)))
            if len(columns) >= 2 and (best is None or score > (best[0], best[1])):
                best = (score[0], score[1], candidate, columns, number, cells)
    if best is None:
        return None
    _, _, chosen, columns, number, cells = best
    headings = ["" if c is None else str(c).strip() for c in cells]
    used = set(columns.values())
    unknown = [
        h for i, h in enumerate(headings) if i not in used and h and heading_key(h) != "序号"
    ]
    duplicates = duplicate_columns(cells, aliases.get(chosen, {}))
    return Header(number, chosen, columns, headings, unknown, duplicates)
