"""Hostile and odd roster files through the real `gridgraph load`: outcome, time, peak memory.

    GRIDGRAPH_NEO4J_BOLT_PORT=... .venv/bin/python -m bench.hostile_files [--only NAME ...]

Writes each file of `tests/loaders/hostile.py` (zip bombs, a million formatted empty rows,
lying dimensions, mixed encodings, 10 MB cells, an encrypted workbook ...) and runs
`gridgraph load FILE` on it in a child process, after loading the test rosters' areas and
grids, and prints a table: file, size, outcome (the exit status and the first line of the
output), seconds, and the child's peak resident memory (`ru_maxrss` from `os.wait4`). The aim:
every file refused or loaded within 512 MiB. Needs a graph without people or areas (the test
instance, or a scratch database) and removes what it loaded. Not a test.
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path

from rich.console import Console
from rich.table import Table

from bench.loaders import CLEAN_LOADS, CLEAN_PEOPLE
from core.database import create_sync_driver
from core.settings import Settings
from tests.loaders.hostile import (
    HEADER,
    Raw,
    csv_lines,
    encrypted_xlsx,
    formatted_empty_rows,
    mixed_csv,
    people,
    people_xlsx,
    random_text,
    row_xml,
    sheet_xml,
    write_xlsx_parts,
)
from tests.loaders.rosters import write_base, write_csv

NOT_EMPTY = "MATCH (n) WHERE n:Person OR n:Area RETURN count(n) > 0 AS used"
LOAD_IDS = "MATCH (l:Load) RETURN collect(l.id) AS ids"
CLEAN = """
MATCH (n)
WHERE n.source IN $loads AND NOT n:Load
CALL (n) { DETACH DELETE n } IN TRANSACTIONS OF 5000 ROWS
"""
"""After the people: no dense node (a community with a relationship per person) is deleted
with all its relationships in one transaction."""


def _shared_bomb(folder: Path) -> Path:
    """One shared string of 600 MB of one letter: a 600 KB file."""
    from tests.loaders.hostile import shared_string_bomb

    return shared_string_bomb(folder / "bomb-shared-600MB.xlsx", 600 << 20)


def _inline_bomb(folder: Path) -> Path:
    """One inline string of 600 MB in the sheet itself (written a MiB at a time)."""
    chunk = "A" * (1 << 20)

    def sheet() -> Iterator[str]:
        yield '<?xml version="1.0"?><worksheet '
        yield 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
        yield row_xml(1, HEADER)
        yield '<row r="2"><c r="A2" t="inlineStr"><is><t>'
        for _ in range(600):
            yield chunk
        yield "</t></is></c></row></sheetData></worksheet>"

    return write_xlsx_parts(folder / "bomb-inline-600MB.xlsx", sheet(), level=9)


def _formatted(folder: Path) -> Path:
    return people_xlsx(
        folder / "formatted-1048576-rows.xlsx",
        people(3),
        dimension="A1:I1048576",
        tail_rows=formatted_empty_rows(5),
    )


def _long_cell(folder: Path) -> Path:
    rows = [row_xml(1, HEADER), row_xml(2, [*people(1)[0][:7], random_text(10 << 20)])]
    return write_xlsx_parts(folder / "cell-10MB.xlsx", sheet_xml(rows))


def _long_line(folder: Path) -> Path:
    lines = csv_lines([HEADER, *people(3)])
    lines.insert(2, "x" * (10 << 20) + "\r\n")
    path = folder / "line-10MB.csv"
    path.write_bytes("".join(lines).encode())
    return path


def _nul(folder: Path) -> Path:
    rows = people(3)
    rows[1][0] = "张\x00三（示例）"
    return write_csv(folder / "nul-in-name.csv", [HEADER, *rows], "utf-8")


def _formula(folder: Path) -> Path:
    rows: list[list[object]] = people(3)
    rows[0][3] = Raw('><f>CONCATENATE("370399",B2)</f>')
    return people_xlsx(folder / "formula-no-value.xlsx", rows)


def _duplicate(folder: Path) -> Path:
    header = [*HEADER[:5], "姓 名", *HEADER[5:]]
    rows = [[*r[:5], "x", *r[5:]] for r in people(3)]
    return write_csv(folder / "duplicate-heading.csv", [header, *rows], "utf-8")


def _laughs(folder: Path) -> Path:
    laughs = (
        '<?xml version="1.0"?><!DOCTYPE sst [<!ENTITY a "aaaaaaaaaa">'
        + "".join(f'<!ENTITY {chr(98 + i)} "{("&" + chr(97 + i) + ";") * 10}">' for i in range(8))
        + "]><sst><si><t>&i;</t></si></sst>"
    )
    rows = [row_xml(n, r) for n, r in enumerate([HEADER, *people(2)], start=1)]
    return write_xlsx_parts(folder / "entity-expansion.xlsx", sheet_xml(rows), strings_xml=laughs)


def _misnamed(folder: Path) -> Path:
    path = people_xlsx(folder / "real-xlsx.xlsx", people(3))
    return path.rename(folder / "real-xlsx-named.xls")


CASES: dict[str, Callable[[Path], Path]] = {
    "understated dimension, 30,000 rows": lambda f: people_xlsx(
        f / "understated-30000.xlsx", people(30_000), dimension="A1:I2"
    ),
    "overstated dimension": lambda f: people_xlsx(
        f / "overstated.xlsx", people(100), dimension="A1:XFD1048576"
    ),
    "1,048,576 formatted empty rows": _formatted,
    "zip bomb, shared string": _shared_bomb,
    "zip bomb, inline string": _inline_bomb,
    "entity expansion": _laughs,
    "10 MB cell": _long_cell,
    "10 MB CSV line": _long_line,
    "GBK then UTF-8": lambda f: mixed_csv(f / "gbk-then-utf8.csv", "gbk", "utf-8"),
    "UTF-8 BOM then GBK": lambda f: mixed_csv(f / "bom-then-gbk.csv", "utf-8", "gbk", True),
    "encrypted xlsx": lambda f: encrypted_xlsx(f / "encrypted.xlsx"),
    "xlsx named .xls": _misnamed,
    "NUL in a name": _nul,
    "formula without a value": _formula,
    "duplicate heading": _duplicate,
    "100,000 rows, shared strings": lambda f: _big_shared(f / "shared-100000.xlsx", 100_000),
    "270,000 rows, ~60 MiB of shared strings": lambda f: _big_shared(
        f / "shared-270000.xlsx", 270_000
    ),
    "499,999 rows (at the row limit), distinct shared strings": lambda f: _big_shared(
        f / "shared-499999.xlsx", 499_999, dedupe=True
    ),
}


def _big_shared(path: Path, count: int, dedupe: bool = False) -> Path:
    """A large roster with every text in the shared strings: once per cell, or once per
    distinct text (`dedupe`, as Excel writes them)."""
    strings: list[str] = list(HEADER)
    index: dict[str, int] = {}
    rows = []
    for number, row in enumerate(people(count), start=2):
        cells: list[object] = []
        for value in row:
            if value == "":
                cells.append(None)
                continue
            text = str(value)
            if not dedupe or text not in index:
                strings.append(text)
                index[text] = len(strings) - 1
            cells.append(Raw(f' t="s"><v>{index[text]}</v>'))
        rows.append(row_xml(number, cells))
    header = row_xml(1, [Raw(f' t="s"><v>{i}</v>') for i in range(len(HEADER))])
    return write_xlsx_parts(path, sheet_xml([header, *rows], dimension=None), strings)


def make(name: str, folder: Path) -> Path:
    """Write the file of case `name` in a child process: a child's peak memory counts its
    parent's at the time it starts (Linux carries it over `exec`), so this process stays
    small however big the files it writes."""
    out = subprocess.run(
        [sys.executable, "-m", "bench.hostile_files", "--make", name, str(folder)],
        check=True,
        capture_output=True,
        text=True,
    )
    return Path(out.stdout.strip())


_ENGLISH = re.compile(r" / (?=[a-z(])")


def run_load(path: Path) -> tuple[int, str, float, float]:
    """`gridgraph load PATH` in a child: exit status, first output line, seconds, peak MiB."""
    started = time.perf_counter()
    child = subprocess.Popen(
        [sys.executable, "-m", "main", "load", str(path)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        env={**os.environ, "COLUMNS": "250"},
        text=True,
    )
    assert child.stdout is not None
    output = child.stdout.read()
    _, status, usage = os.wait4(child.pid, 0)
    child.returncode = os.waitstatus_to_exitcode(status)
    seconds = time.perf_counter() - started
    lines = [line for line in output.splitlines() if line.strip()]
    first = lines[0] if lines else ""
    english = _ENGLISH.split(first, maxsplit=1)[-1]
    return child.returncode, english, seconds, usage.ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--only", nargs="*", help="Only the cases whose name contains this.")
    parser.add_argument("--markdown", action="store_true", help="Print the table as Markdown.")
    parser.add_argument("--make", nargs=2, metavar=("CASE", "FOLDER"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.make:
        print(CASES[args.make[0]](Path(args.make[1])))
        return
    settings = Settings()
    console = Console(width=200)
    table = Table("file", "size", "exit", "outcome", "seconds", "peak MiB", title="Hostile files")
    with create_sync_driver(settings) as driver, tempfile.TemporaryDirectory() as tmp:
        database = settings.neo4j_database
        if driver.execute_query(NOT_EMPTY, database_=database)[0][0]["used"]:
            sys.exit("the graph holds people or areas: run this against an empty test instance")
        before = set(driver.execute_query(LOAD_IDS, database_=database)[0][0]["ids"])
        folder = Path(tmp)
        rows: list[list[str]] = []
        try:
            for base in write_base(folder):
                status, line, _, _ = run_load(base)
                if status:
                    sys.exit(f"could not load {base.name}: {line}")
            for name in CASES:
                if args.only and not any(word in name for word in args.only):
                    continue
                path = make(name, folder)
                status, line, seconds, peak = run_load(path)
                size = path.stat().st_size
                shown = f"{size / (1 << 20):,.1f} MiB" if size >= 1 << 20 else f"{size:,} B"
                outcome = line if status else line.split(" → ")[0]
                cells = [name, shown, str(status), outcome, f"{seconds:.1f}", f"{peak:.0f}"]
                table.add_row(*cells)
                rows.append(cells)
                path.unlink()
        finally:
            if args.markdown:
                print("| file | size | exit | outcome | seconds | peak MiB |")
                print("| --- | --- | --- | --- | --- | --- |")
                for cells in rows:
                    print("| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |")
            else:
                console.print(table)
            loads = [
                i
                for i in driver.execute_query(LOAD_IDS, database_=database)[0][0]["ids"]
                if i not in before
            ]
            with driver.session(database=database) as session:
                session.run(CLEAN_PEOPLE, loads=loads).consume()
                session.run(CLEAN, loads=loads).consume()
                session.run(CLEAN_LOADS, loads=loads).consume()


if __name__ == "__main__":
    main()
