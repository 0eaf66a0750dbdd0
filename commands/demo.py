"""`gridgraph demo`: generate the synthetic Zibo network as roster files and load them.

Zibo's area registry (`loaders.area_registry`) is loaded first; the rosters are written into
`--out` (xlsx with a merged title row, GBK CSV) and loaded through the same code as
`gridgraph load`: the earlier roster editions first, then each current edition as a complete
roster as of its date, so the loader ends the appointments of the people who left. `--check`
compares the graph's counts with the registry's and the article's figures at the chosen scale.
"""

from __future__ import annotations

import time
from datetime import date
from pathlib import Path
from typing import Any

import typer
from neo4j import Driver
from rich.table import Table

from commands.common import console, err_console, load_settings
from core.database import create_sync_driver
from core.identity import IdentityKey, IdentityKeyError
from core.migrations import prepare_graph
from core.model import AreaLevel
from core.settings import PROJECT_ROOT
from loaders import demo_seed as seed
from loaders.area_registry import (
    REGISTRY_FIGURES,
    AreaRegistry,
    RegistryError,
    check_registry,
    load_area_registry,
    read_registry,
)
from loaders.demo import (
    CHECK_FIGURES,
    CHECK_HISTORY,
    CHECK_NAMED,
    FANZIYU,
    OUTREACH,
    YIYUAN,
    expected_figures,
    write_rosters,
)
from loaders.errors import LoadRefused
from loaders.pipeline import LoadOptions, LoadResult, load_files, sha256_file
from loaders.registry import quiet_session

DEFAULT_OUT = PROJECT_ROOT / ".data" / "demo-rosters"
IS_EMPTY = """
RETURN NOT EXISTS {
  (n)
  WHERE n:Person OR n:Grid OR (n:Area AND n.edition IS NULL) OR (n:Load AND n.kind = 'demo-seed')
} AS empty
"""
"""Nothing but the area registry (which `gridgraph db migrate` loads) and bookkeeping; a demo's
organisations load, even unfinished, counts as data (`--if-empty` finishes that demo)."""
WIPE = """
MATCH (n)
WHERE NOT n:Migration AND NOT n:ApiToken AND NOT n:KeyCheck
CALL (n) { DETACH DELETE n } IN TRANSACTIONS OF 5000 ROWS
"""
LOADED_CHECKSUMS = """
MATCH (l:Load)
WHERE l.checksum IN $checksums AND l.status = 'COMPLETE'
RETURN collect(DISTINCT l.checksum) AS loaded
"""


def seed_organisations(driver: Driver, database: str, load_id: str, scale: float) -> None:
    """Departments and mechanism, brands, projects, schemes and categories (before rosters)."""

    def work(tx: Any) -> None:
        tx.run(
            seed.SEED_DEPARTMENTS, rows=seed.DEPARTMENTS, load=load_id, since=seed.MECHANISM_SINCE
        )
        tx.run(seed.SEED_BRANDS, rows=seed.BRANDS, load=load_id)
        tx.run(seed.SEED_PROJECTS, rows=seed.PROJECTS, load=load_id)
        tx.run(seed.SEED_SCHEMES, schemes=seed.SCHEMES, categories=seed.CATEGORIES, load=load_id)
        tx.run(seed.RECORD_SEED_LOAD, load=load_id, by="gridgraph demo", rows=0, scale=scale)

    with quiet_session(driver, database) as session:
        session.execute_write(work)


def link_organisations(driver: Driver, database: str, load_id: str, registry: AreaRegistry) -> None:
    """After the rosters: the city federation leads the mechanism and runs brands/projects,
    localities use their schemes, the outreach event at 范子峪村."""
    schemes = [
        {"area": a.code, "scheme": "SCH-WUSE" if a.code == YIYUAN else "SCH-QICAI"}
        for a in registry.areas
        if a.level == AreaLevel.DISTRICT
    ]

    def work(tx: Any) -> None:
        tx.run(seed.LINK_ORGANISATIONS)
        tx.run(seed.USE_SCHEMES, rows=schemes)
        tx.run(
            seed.SEED_ACTIVITY,
            venue=OUTREACH,
            group=f"SG-{FANZIYU}",
            date=date(2025, 4, 10),
            load=load_id,
        )
        tx.run(seed.FINISH_DEMO, load=load_id)

    with quiet_session(driver, database) as session:
        session.execute_write(work)


def run_demo(
    driver: Driver,
    database: str,
    identity: IdentityKey,
    scale: float,
    out: Path,
    progress: Any = None,
) -> LoadResult:
    """Load the area registry, write the rosters at `scale` into `out` and load them (seeds
    around them).

    The earlier roster editions are loaded only when the graph holds no complete load of the
    same file: loaded again after the current editions, they would re-open the appointments
    the current editions ended, and a second run would not be a no-op."""
    load_id = f"L-demo-seed-{scale:g}"
    registry = read_registry()
    seed_organisations(driver, database, load_id, scale)
    load_area_registry(driver, database, registry, by="gridgraph demo")
    rosters = write_rosters(out, scale, identity, registry)
    checksums = {path: sha256_file(path) for path in rosters.earlier}
    loaded = set(
        driver.execute_query(
            LOADED_CHECKSUMS, checksums=list(checksums.values()), database_=database
        )[0][0]["loaded"]
    )
    result = LoadResult([], [])
    for step in rosters.steps:
        files = [f for f in step.files if f not in checksums or checksums[f] not in loaded]
        options = LoadOptions(
            as_of=step.as_of, complete_roster=step.complete_roster, by="gridgraph demo"
        )
        done = load_files(driver, database, files, options, progress, identity=identity)
        result.files += done.files
        result.problems += done.problems
    link_organisations(driver, database, load_id, registry)
    return result


def check_figures(driver: Driver, database: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """The graph's counts for the article's figures, and the named people/places checks."""
    with quiet_session(driver, database) as session:
        figures = session.execute_read(lambda tx: tx.run(CHECK_FIGURES).single().data())
        named = session.execute_read(lambda tx: tx.run(CHECK_NAMED).single().data())
    return figures, named


def check_history(driver: Driver, database: str) -> dict[str, Any]:
    """Ended appointments and reclassified families (`CHECK_HISTORY`)."""
    with quiet_session(driver, database) as session:
        return session.execute_read(lambda tx: tx.run(CHECK_HISTORY).single().data())


def demo(
    scale: float = typer.Option(
        1.0,
        help="1 = the article's city; 0.02 for tests; above 1 more people and grids in the "
        "same 2,931 communities (benchmarks).",
    ),
    reset: bool = typer.Option(
        False, "--reset", help="Delete the graph's data first (keeps migrations)."
    ),
    if_empty: bool = typer.Option(
        False,
        "--if-empty",
        help="Do nothing unless the graph is empty or holds an unfinished demo (then finish it).",
    ),
    out: Path = typer.Option(DEFAULT_OUT, help="Folder for the generated roster files."),
    check: bool = typer.Option(False, "--check", help="Only compare the graph with the figures."),
) -> None:
    """Generate the synthetic Zibo network as roster files and load them; or --check it."""
    settings = load_settings()
    db = settings.neo4j_database
    with create_sync_driver(settings) as driver:
        if check:
            _print_check(driver, db, scale)
            return
        if reset:
            with driver.session(database=db) as session:
                session.run(WIPE).consume()
        elif if_empty and not driver.execute_query(IS_EMPTY, database_=db)[0][0]["empty"]:
            unfinished = driver.execute_query(seed.UNFINISHED_DEMO, database_=db)[0]
            if not unfinished:
                console.print(
                    "The graph already holds data: demo not loaded (use --reset to start over)."
                )
                return
            scale = unfinished[0]["scale"] or scale
            console.print(
                f"Finishing the demo at scale {scale:g} that an earlier run left unfinished."
            )
        began = time.monotonic()
        try:
            identity, _ = prepare_graph(settings, driver)
            result = run_demo(driver, db, identity, scale, out)
        except IdentityKeyError as error:
            err_console.print(error.message, markup=False)
            raise typer.Exit(1) from error
        except RegistryError as error:
            err_console.print(str(error), markup=False)
            raise typer.Exit(1) from error
        except LoadRefused as refused:
            for p in refused.problems[:20]:
                err_console.print(
                    f"{p.file} row {p.row} {p.column} {p.value!r}: {p.en}", markup=False
                )
            raise typer.Exit(1) from refused
        rows = sum(f.rows for f in result.files)
        console.print(
            f"Demo at scale {scale:g}: {rows} roster rows from {out} loaded in "
            f"{time.monotonic() - began:.1f}s"
        )
        _print_check(driver, db, scale)


def _table(title: str, expected: dict[str, Any], found: dict[str, Any]) -> bool:
    table = Table("figure", "expected", "in the graph", title=title)
    ok = True
    for key, want in expected.items():
        got = found[key]
        ok &= got == want
        shown = ", ".join(got) if isinstance(got, list) else str(got)
        wanted = ", ".join(want) if isinstance(want, list) else str(want)
        table.add_row(key, wanted, f"[{'green' if got == want else 'red'}]{shown}[/]")
    console.print(table)
    return ok


def _print_check(driver: Driver, db: str, scale: float) -> None:
    registry = read_registry()
    ok = _table(
        f"Area registry ({registry.package}, NBS {registry.edition})",
        REGISTRY_FIGURES,
        check_registry(driver, db),
    )
    figures, named = check_figures(driver, db)
    ok &= _table(f"Article figures at scale {scale:g}", expected_figures(scale, registry), figures)
    console.print(
        "Named people, places and the case: " + ", ".join(f"{k}={v}" for k, v in named.items())
    )
    history = check_history(driver, db)
    share = history["ended"] / history["appointments"] if history["appointments"] else 0.0
    console.print(
        f"History: {history['ended']} of {history['appointments']} appointments ended "
        f"({share:.1%}, {history['endedRoles']} roles); {history['reclassified']} of "
        f"{history['families']} families reclassified"
    )
    ok &= history["endedBeforeStart"] == 0 and history["realPeopleEnded"] == 0
    ok &= history["familiesNotOneCurrent"] == 0
    ok &= named["outsideRegistry"] == 0 and named["realPeopleWithContacts"] == 0
    if not ok:
        raise typer.Exit(1)
