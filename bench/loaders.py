"""Loader throughput: person rows per second, first load vs re-load of the unchanged roster.

    GRIDGRAPH_NEO4J_BOLT_PORT=... .venv/bin/python -m bench.loaders [--rows 50000] [--format csv]

Writes a synthetic people roster (GBK CSV or xlsx) for one bench community with a grid role,
a sisters-group role and a federation role per row where the roster says so, loads it twice
through `loaders.pipeline.load_files`, prints a table, and removes what it wrote. Not a test.
"""

from __future__ import annotations

import argparse
import csv
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

from rich.console import Console
from rich.table import Table

from core.database import create_sync_driver
from core.settings import Settings
from core.validation import make_id_number
from loaders.pipeline import LoadOptions, load_files

COMMUNITY = "370398001001"
CLEAN_UP = """
MATCH (n)
WHERE n.source IN $loads OR n.code STARTS WITH '370398' OR n.code ENDS WITH '370398001001'
CALL (n) { DETACH DELETE n } IN TRANSACTIONS OF 5000 ROWS
"""
CLEAN_LOADS = """
MATCH (l:Load)
WHERE l.id IN $loads
DELETE l
"""


def write_files(folder: Path, rows: int, fmt: str) -> list[Path]:
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
                f"19905{n:06d}",
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
        people = folder / "people.xlsx"
        book.save(people)
    else:
        people = folder / "people.csv"
        with people.open("w", encoding="gbk", newline="") as handle:
            w = csv.writer(handle)
            w.writerow(header)
            w.writerows(body)
    return [areas, grids, groups, people]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=50_000)
    parser.add_argument("--format", choices=("csv", "xlsx"), default="csv")
    args = parser.parse_args()
    settings = Settings()
    console = Console()
    loads: list[str] = []
    with tempfile.TemporaryDirectory() as tmp, create_sync_driver(settings) as driver:
        db = settings.neo4j_database
        *base, people = write_files(Path(tmp), args.rows, args.format)
        loads += [f.load_id for f in load_files(driver, db, base).files if f.load_id]
        table = Table(
            "run",
            "rows",
            "seconds",
            "rows/s",
            "created",
            "updated",
            "unchanged",
            title=f"Person rows ({args.format}), {args.rows} rows",
        )
        seconds: list[float] = []
        try:
            for run in ("first load", "re-load (unchanged)"):
                began = time.perf_counter()
                result = load_files(driver, db, [people], LoadOptions(by="bench"))
                took = time.perf_counter() - began
                seconds.append(took)
                loads += [f.load_id for f in result.files if f.load_id]
                c = result.counts
                table.add_row(
                    run,
                    str(args.rows),
                    f"{took:.1f}",
                    f"{args.rows / took:,.0f}",
                    str(c.total("created")),
                    str(c.total("updated")),
                    str(c.total("unchanged")),
                )
        finally:
            driver.execute_query(CLEAN_LOADS, loads=loads, database_=db)
            with driver.session(database=db) as session:
                session.run(CLEAN_UP, loads=loads).consume()
        console.print(table)
        console.print(f"re-load is {seconds[0] / seconds[1]:.1f}x faster than the first load")


if __name__ == "__main__":
    main()
