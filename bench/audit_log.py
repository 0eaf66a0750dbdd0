"""Audit-log page latency, unscoped and for an admin limited to a district.

    NEO4J_URI=bolt://127.0.0.1:7687 .venv/bin/python bench/audit_log.py [--entries 100000]

Adds `--entries` synthetic entries (actor `bench`, half placed in 张店区, half in 淄川区) to
the database of `NEO4J_URI` (default: the `make serve` one), times the first page (20 entries)
of `resolvers.mutations.audit.list_entries` with and without `totalCount`, best of `--reps`,
and deletes the entries again. Prints a table of milliseconds.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from core.database import Database, create_async_driver, create_sync_driver
from core.settings import Settings
from resolvers.mutations.audit import list_entries
from resolvers.pagination import PageRequest

ADD = """
UNWIND range(1, $n) AS i
CALL (i) {
  CREATE (:AuditEntry {id: 'bench-' + i, name: 'bench', at: datetime() - duration({seconds: i}),
    actor: 'bench', actorRole: 'admin', action: 'updatePerson', target: 'Person:bench',
    areaCodes: CASE i % 2
      WHEN 0 THEN ['370300', '370303', '370303006', '370303006001']
      ELSE ['370300', '370302', '370302001', '370302001001'] END})
} IN TRANSACTIONS OF 10000 ROWS
"""

DELETE = """
MATCH (e:AuditEntry {actor: 'bench'})
CALL (e) { DELETE e } IN TRANSACTIONS OF 10000 ROWS
"""


async def _time(settings: Settings, reps: int) -> list[tuple[str, bool, float]]:
    driver = create_async_driver(settings)
    db = Database(driver, settings)
    rows = []
    try:
        for scope in (None, "370303"):
            for count in (False, True):
                best = float("inf")
                for _ in range(reps):
                    start = time.perf_counter()
                    await list_entries(
                        db, scope, PageRequest.of("AuditEntry", 20, None, count=count)
                    )
                    best = min(best, time.perf_counter() - start)
                rows.append((scope or "(city)", count, best * 1000))
    finally:
        await driver.close()
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entries", type=int, default=100_000)
    parser.add_argument("--reps", type=int, default=5)
    args = parser.parse_args()
    settings = Settings()
    with (
        create_sync_driver(settings) as driver,
        driver.session(database=settings.neo4j_database) as session,
    ):
        session.run(ADD, n=args.entries).consume()
        try:
            rows = asyncio.run(_time(settings, args.reps))
        finally:
            session.run(DELETE).consume()
    print(f"{args.entries} entries; first page of 20, best of {args.reps}")
    print(f"{'scope':<10} {'totalCount':<11} {'ms':>6}")
    for scope, count, ms in rows:
        print(f"{scope:<10} {count!s:<11} {ms:>6.0f}")


if __name__ == "__main__":
    main()
