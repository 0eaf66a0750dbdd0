"""Loader throughput: person rows per second for a first load, an unchanged re-load and a
re-load with 10 % of the rows changed, side by side with what the server alone needs for the
same writes, and the peak memory of the process.

    GRIDGRAPH_NEO4J_BOLT_PORT=... .venv/bin/python -m bench.loaders [--rows 20000]
        [--format csv|xlsx] [--tx-rows N] [--demo] [--memory-rows 500000]

Writes a synthetic people roster (GBK CSV or xlsx) for one bench community with a grid role
and a sisters-group role where the roster says so, and loads it through
`loaders.pipeline.load_files` after a small warm-up load: first the usual way (validated while
it is written, when it fits one transaction), then validated before anything is written, and
compares both with "server alone": the same rows, parsed beforehand, sent as the loader's
`CREATE_PEOPLE` statement and committed. Prints a table and removes what it wrote.
`--memory-rows` runs a first load of a file that large in a child process and reports its peak
RSS; `--demo` times `gridgraph demo --scale 1` on an empty database (it wipes it). Not a test.
"""

from __future__ import annotations

import argparse
import csv
import resource
import subprocess
import sys
import tempfile
import time
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path

from neo4j import Driver
from rich.console import Console
from rich.table import Table

from core.database import create_sync_driver
from core.identity import IdentityKey
from core.migrations import prepare_graph
from core.settings import Settings
from core.validation import make_id_number
from loaders.headers import load_aliases
from loaders.kinds.base import Counts, Roster, WriteOptions
from loaders.kinds.people import CREATE_PEOPLE, new_people
from loaders.pipeline import (
    BATCH_ROWS,
    LoadOptions,
    LoadResult,
    find_units,
    load_files,
    validate_unit,
)
from loaders.registry import Registry

COMMUNITY = "370398001001"
CLEAN_PEOPLE = """
MATCH (n:Person)
WHERE n.source IN $loads
CALL (n) { DETACH DELETE n } IN TRANSACTIONS OF 2000 ROWS
"""
CLEAN_UP = """
MATCH (n)
WHERE n.source IN $loads OR n.code STARTS WITH '370398' OR n.code ENDS WITH '370398001001'
CALL (n) { DETACH DELETE n } IN TRANSACTIONS OF 5000 ROWS
"""
"""What is left after `CLEAN_PEOPLE`: the bench's areas, grids and group. People go first, so
no dense node (the bench community has a relationship per person) is deleted with all its
relationships in one transaction."""
CLEAN_LOADS = """
MATCH (l:Load)
WHERE l.id IN $loads
DELETE l
"""


def write_files(folder: Path, rows: int, fmt: str, changed: int = 0) -> list[Path]:
    """The base files and a people roster of `rows` rows; every `changed`-th row (when given)
    has a different phone number."""
    areas = folder / "areas.csv"
    with areas.open("w", encoding="utf-8-sig", newline="") as handle:
        w = csv.writer(handle)
        w.writerow(["区划代码", "名称", "类型", "上级代码"])
        w.writerow(["370398001", "基准测试街道", "街道", ""])
        w.writerow([COMMUNITY, "基准测试社区", "社区", "370398001"])
    grids = folder / "grids.csv"
    with grids.open("w", encoding="gbk", newline="") as handle:
        w = csv.writer(handle)
        w.writerow(["网格编码", "网格名称", "所属社区"])
        w.writerows([f"{COMMUNITY}-{i:03d}", f"基准网格{i}", COMMUNITY] for i in range(1, 51))
    groups = folder / "groups.csv"
    with groups.open("w", encoding="gbk", newline="") as handle:
        w = csv.writer(handle)
        w.writerow(["姊妹团编码", "姊妹团名称", "所在区划"])
        w.writerow([f"SG-{COMMUNITY}", "基准测试姊妹团", COMMUNITY])
    header = [
        "序号",
        "姓名",
        "性别",
        "出生年月",
        "身份证号",
        "联系电话",
        "所属村(社区)",
        "所属网格",
        "网格职务",
        "姊妹团职务",
        "任职时间",
    ]
    body = []
    for n in range(rows):
        born = date(1955, 1, 1) + timedelta(days=(n * 7919) % 15000)
        body.append(
            [
                n + 1,
                f"测试{n}（示例）",
                "女",
                born.strftime("%Y.%m"),
                make_id_number("370398", born, n // 15000, "F"),
                f"19906{n:06d}" if changed and n % changed == 0 else f"19905{n:06d}",
                COMMUNITY,
                f"{COMMUNITY}-{n % 50 + 1:03d}" if n % 5 == 0 else "",
                "专职网格员" if n % 5 == 0 else "",
                "成员" if n % 2 == 0 else "",
                "2024-11-01",
            ]
        )
    if fmt == "xlsx":
        from openpyxl import Workbook

        book = Workbook(write_only=True)
        sheet = book.create_sheet("花名册")
        sheet.append(["基准测试花名册"])
        sheet.append(header)
        for row in body:
            sheet.append(row)
        people = folder / f"people{'-changed' if changed else ''}.xlsx"
        book.save(people)
    else:
        people = folder / f"people{'-changed' if changed else ''}.csv"
        with people.open("w", encoding="gbk", newline="") as handle:
            w = csv.writer(handle)
            w.writerow(header)
            w.writerows(body)
    return [areas, grids, groups, people]


def clean(driver: Driver, database: str, loads: list[str]) -> None:
    """Remove what the bench wrote: its people first, then its areas, grids and group."""
    with driver.session(database=database) as session:
        session.run(CLEAN_PEOPLE, loads=loads).consume()
        session.run(CLEAN_UP, loads=loads).consume()


def _bench_loads(driver: Driver, database: str) -> list[str]:
    """Ids of every load the bench made (also those of a child that failed)."""
    records = driver.execute_query(
        "MATCH (l:Load {by: 'bench'}) RETURN l.id AS id", database_=database
    )[0]
    return [r["id"] for r in records]


def peak_rss_mb() -> float:
    """Peak resident memory of this process, in MiB (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def memory_run(folder: Path, rows: int, tx_rows: int) -> tuple[float, float, str]:
    """Seconds, peak RSS (MiB) and load id of a load of a `rows`-row roster, in a child process
    so the figure is that load's alone (above `tx_rows` it is written in batches)."""
    files = write_files(folder, rows, "csv")
    code = (
        "import sys; from pathlib import Path; from bench.loaders import _child_load; "
        "_child_load([Path(p) for p in sys.argv[2:]], int(sys.argv[1]))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code, str(tx_rows), *map(str, files)],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.split()
    return float(out[0]), float(out[1]), out[2]


def _child_load(files: list[Path], tx_rows: int) -> None:
    """In the child: load the base files, then time the people file (the last)."""
    *base, people = files
    settings = Settings()
    with create_sync_driver(settings) as driver:
        identity, _ = prepare_graph(settings, driver)
        load_files(
            driver, settings.neo4j_database, base, LoadOptions(by="bench"), identity=identity
        )
        began = time.perf_counter()
        result = load_files(
            driver,
            settings.neo4j_database,
            [people],
            LoadOptions(by="bench", tx_rows=tx_rows),
            identity=identity,
        )
        print(f"{time.perf_counter() - began:.1f} {peak_rss_mb():.0f} {result.files[0].load_id}")


def demo_run(folder: Path) -> float:
    """Seconds of `gridgraph demo --scale 1` (what `run_demo` does) on a wiped database."""
    from commands.demo import WIPE, run_demo

    settings = Settings()
    with create_sync_driver(settings) as driver:
        identity, _ = prepare_graph(settings, driver)
        with driver.session(database=settings.neo4j_database) as session:
            session.run(WIPE).consume()
        began = time.perf_counter()
        run_demo(driver, settings.neo4j_database, identity, 1.0, folder)
        took = time.perf_counter() - began
        with driver.session(database=settings.neo4j_database) as session:
            session.run(WIPE).consume()
    return took


def server_alone(driver: Driver, database: str, people: Path, identity: IdentityKey) -> float:
    """Seconds the server takes for the people file's writes alone: the loader's own
    `CREATE_PEOPLE` rows, parsed beforehand, sent in the same batches and committed. No
    loader can write a first load faster than this."""
    units, _ = find_units([people], LoadOptions(), load_aliases(None))
    [unit] = units
    validate_unit(unit, Registry.from_graph(driver, database, False, identity), None)
    assert unit.records is not None
    write = WriteOptions(load_id="L-bench-server-alone", as_of=date.today())
    rows = new_people(unit.records, write, Counts(), Roster())
    began = time.perf_counter()
    with driver.session(database=database) as session, session.begin_transaction() as tx:
        for start in range(0, len(rows), BATCH_ROWS):
            tx.run(CREATE_PEOPLE, rows=rows[start : start + BATCH_ROWS], load=write.load_id)
        tx.commit()
    return time.perf_counter() - began


def _timed_load(
    driver: Driver, database: str, path: Path, options: LoadOptions, identity: IdentityKey
) -> tuple[float, LoadResult]:
    began = time.perf_counter()
    result = load_files(driver, database, [path], options, identity=identity)
    return time.perf_counter() - began, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=20_000)
    parser.add_argument("--format", choices=("csv", "xlsx"), default="csv")
    parser.add_argument("--tx-rows", type=int, default=LoadOptions().tx_rows)
    parser.add_argument("--memory-rows", type=int, default=0)
    parser.add_argument("--demo", action="store_true")
    args = parser.parse_args()
    settings = Settings()
    console = Console(width=140)
    with tempfile.TemporaryDirectory() as tmp, create_sync_driver(settings) as driver:
        db = settings.neo4j_database
        identity, _ = prepare_graph(settings, driver)
        folder = Path(tmp)
        *base, people = write_files(folder, args.rows, args.format)
        changed = write_files(folder, args.rows, args.format, changed=10)[-1]
        (folder / "warm-up").mkdir()
        warm = write_files(folder / "warm-up", 2_000, args.format)
        options = LoadOptions(by="bench", tx_rows=args.tx_rows)

        def fresh() -> None:
            """Remove whatever the bench loaded, then load the base files again."""
            loads = _bench_loads(driver, db)
            driver.execute_query(CLEAN_LOADS, loads=loads, database_=db)
            clean(driver, db, [*loads, "L-bench-server-alone"])
            load_files(driver, db, base, LoadOptions(by="bench"), identity=identity)

        runs: list[tuple[str, float, LoadResult | None]] = []
        try:
            fresh()
            load_files(
                driver, db, warm[-1:], options, identity=identity
            )  # the server compiles its plans
            fresh()
            runs.append(
                ("server alone: CREATE_PEOPLE", server_alone(driver, db, people, identity), None)
            )
            fresh()
            two_pass = replace(options, stream=False)
            runs.append(
                (
                    "first load, validate then write",
                    *_timed_load(driver, db, people, two_pass, identity),
                )
            )
            fresh()
            runs.append(("first load", *_timed_load(driver, db, people, options, identity)))
            runs.append(("re-load, unchanged", *_timed_load(driver, db, people, options, identity)))
            runs.append(
                ("re-load, 10 % changed", *_timed_load(driver, db, changed, options, identity))
            )
        finally:
            loads = _bench_loads(driver, db)
            driver.execute_query(CLEAN_LOADS, loads=loads, database_=db)
            clean(driver, db, [*loads, "L-bench-server-alone"])
        floor = runs[0][1]
        table = Table(
            "run",
            "seconds",
            "rows/s",
            "× server alone",
            "how",
            "created",
            "updated",
            "unchanged",
            title=f"{args.rows:,} person rows ({args.format}), tx-rows {args.tx_rows:,}",
        )
        for run, took, result in runs:
            how = ""
            if result is not None:
                file = result.files[0]
                how = (
                    "streamed"
                    if file.streamed
                    else ("batched" if file.rows > args.tx_rows else "one transaction")
                )
            c = result.counts if result else None
            table.add_row(
                run,
                f"{took:.1f}",
                f"{args.rows / took:,.0f}",
                f"{took / floor:.2f}",
                how,
                *(str(c.total(o)) if c else "" for o in ("created", "updated", "unchanged")),
            )
        console.print(table)
        seconds = {run: took for run, took, _ in runs}
        first, again = seconds["first load"], seconds["re-load, unchanged"]
        console.print(f"unchanged re-load is {first / again:.1f}x faster than the first load")
        console.print(f"peak RSS of this process: {peak_rss_mb():.0f} MiB")
        if args.memory_rows:
            try:
                took, rss, _ = memory_run(folder, args.memory_rows, args.tx_rows)
                console.print(
                    f"first load of {args.memory_rows:,} rows (batched above "
                    f"{args.tx_rows:,}): {took:.1f} s, {args.memory_rows / took:,.0f} rows/s, "
                    f"peak RSS {rss:.0f} MiB"
                )
            finally:
                loads = _bench_loads(driver, db)
                driver.execute_query(CLEAN_LOADS, loads=loads, database_=db)
                clean(driver, db, loads)
    if args.demo:
        with tempfile.TemporaryDirectory() as tmp:
            console.print(f"gridgraph demo --scale 1: {demo_run(Path(tmp)):.1f} s")


if __name__ == "__main__":
    main()
