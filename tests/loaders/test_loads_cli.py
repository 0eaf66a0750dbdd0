"""`gridgraph loads list|roll-back`: the load records, and the roll-back of a batched load whose
process was killed part-way (a real child process, ended with `os._exit` after two batches)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Callable
from datetime import date
from pathlib import Path

from neo4j import Driver

from core.identity import identity_key, key_file
from core.settings import PROJECT_ROOT, Settings
from loaders.pipeline import LoadOptions, load_files
from tests.loaders.rosters import (
    COMMUNITY,
    PEOPLE_HEADER,
    dump_graph,
    people_rows,
    person_id_number,
    write_base,
    write_csv,
)

LOAD_STATE = """
MATCH (l:Load {id: $id})
RETURN l.status AS status, l.rolledBack AS rolledBack, l.error AS error,
       COUNT { MATCH (u:LoadUndo) WHERE u._load = $id } AS journal
"""

PEOPLE = """
MATCH (p:Person)
RETURN p.name AS name, p.phone AS phone, p.source AS source,
       COUNT { (p)-[:SERVES_GRID]->() } AS appointments
ORDER BY name
"""

CRASHED = 3
CRASHING_LOAD = """
import os, sys
from datetime import date
from pathlib import Path

from core.database import create_sync_driver
from core.identity import identity_key
from core.settings import Settings
from loaders.pipeline import LoadOptions, load_files


def progress(description, done, total):
    if description.startswith("loading") and done >= 4:
        os._exit(int(sys.argv[2]))  # killed after two batches: no roll-back, no finish


settings = Settings(_env_file=None)
options = LoadOptions(by="test", as_of=date(2025, 1, 1), tx_rows=1, batch_rows=2)
with create_sync_driver(settings) as driver:
    identity = identity_key(settings, driver)
    load_files(
        driver, settings.neo4j_database, [Path(sys.argv[1])], options, progress, identity=identity
    )
"""


def _load(driver: Driver, settings: Settings, paths: list[Path]):
    options = LoadOptions(as_of=date(2025, 1, 1), by="test")
    identity = identity_key(settings, driver)
    return load_files(driver, settings.neo4j_database, paths, options, identity=identity)


def _state(driver: Driver, settings: Settings, load_id: str) -> dict:
    found = driver.execute_query(LOAD_STATE, id=load_id, database_=settings.neo4j_database)[0]
    return found[0].data()


def _people(driver: Driver, settings: Settings) -> dict[str, dict]:
    rows = driver.execute_query(PEOPLE, database_=settings.neo4j_database)[0]
    return {r["name"]: r.data() for r in rows}


def _table_row(output: str, text: str) -> list[str]:
    """The cells of the table row holding `text` in `loads list` output (┃ in the header)."""
    [line] = [line for line in output.splitlines() if text in line]
    return [cell.strip() for cell in re.split("[│┃]", line.strip())[1:-1]]


def _people_csv(folder: Path) -> list[Path]:
    return [write_csv(folder / "people.csv", [PEOPLE_HEADER, *people_rows()], "gb18030")]


def _new_person(n: int, name: str) -> list[object]:
    born = date(1991, 2, 3)
    grid = f"{COMMUNITY}-002"
    return [n, name, "女", "1991.02", person_id_number(n, born), "群众", grid, "兼职网格员", "",
            "2024-10-01"]  # fmt: skip


def _crash_load(settings: Settings, path: Path) -> subprocess.CompletedProcess:
    """Load `path` in batches in a child process that dies after its second batch."""
    env = {
        **os.environ,
        "NEO4J_URI": settings.effective_neo4j_uri,
        "NEO4J_USERNAME": settings.neo4j_username,
        "NEO4J_PASSWORD": settings.neo4j_password.get_secret_value(),
        "NEO4J_DATABASE": settings.neo4j_database,
        "GRIDGRAPH_IDENTITY_KEY_FILE": str(key_file(settings)),
    }
    return subprocess.run(
        [sys.executable, "-c", CRASHING_LOAD, str(path), str(CRASHED)],
        cwd=PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_list_shows_loads_most_recent_first(
    tmp_path: Path, empty_graph: Driver, settings: Settings, cli: Callable
) -> None:
    areas, grids = (f.load_id for f in _load(empty_graph, settings, write_base(tmp_path)).files)
    assert areas and grids

    listed = cli("loads", "list")
    assert listed.exit_code == 0, listed.output
    header = _table_row(listed.stdout, "file")
    assert header[:6] == ["id", "file", "kind", "status", "at (UTC)", "by"]
    assert header[6:] == ["rows", "created", "updated", "unchanged", "ended"]
    row = _table_row(listed.stdout, areas)
    assert row[:4] == [areas, "areas.csv", "areas", "COMPLETE"] and row[5:] == [
        "test", "5", "5", "0", "0", "0",
    ]  # fmt: skip
    assert row[4].startswith(f"{areas[2:6]}-{areas[6:8]}-{areas[8:10]} ")  # L-20250101T...
    assert _table_row(listed.stdout, grids)[1:4] == ["grids.csv", "grids", "COMPLETE"]
    assert listed.stdout.index(grids) < listed.stdout.index(areas)

    newest = cli("loads", "list", "--limit", "1", "--status", "COMPLETE")
    assert grids in newest.stdout and areas not in newest.stdout
    assert "The 1 most recent of 2 loads" in newest.stdout
    none = cli("loads", "list", "--status", "RUNNING", "--status", "FAILED")
    assert none.exit_code == 0 and none.stdout.strip() == "No loads with status RUNNING, FAILED."
    wrong = cli("loads", "list", "--status", "DONE")
    assert wrong.exit_code == 2


def test_roll_back_of_a_killed_batched_load_restores_the_graph(
    tmp_path: Path, empty_graph: Driver, settings: Settings, cli: Callable
) -> None:
    first = _load(empty_graph, settings, [*write_base(tmp_path), *_people_csv(tmp_path)])
    before = dump_graph(empty_graph, settings)
    people_before = _people(empty_graph, settings)
    assert len(people_before) == 3
    assert people_before["张秀英（示例）"]["phone"] == "13912345678"
    assert people_before["王芳（示例）"]["appointments"] == 1

    rows = people_rows()
    rows[0][8] = "13800000002"  # batch 1: an update, copied to the journal first
    rows[2][7] = "兼职网格员"  # batch 2: a new appointment of an existing person
    rows += [_new_person(n, f"孙{n}（示例）") for n in (4, 5, 6)]  # 4 in batch 2; 5, 6 never
    newer = write_csv(tmp_path / "newer.csv", [PEOPLE_HEADER, *rows], "gb18030")
    crashed = _crash_load(settings, newer)
    assert crashed.returncode == CRASHED, crashed.stderr

    [load_id] = [
        r["id"] for r in empty_graph.execute_query(
            "MATCH (l:Load {status: 'RUNNING'}) RETURN l.id AS id",
            database_=settings.neo4j_database,
        )[0]
    ]  # fmt: skip
    state = _state(empty_graph, settings, load_id)
    assert state["status"] == "RUNNING" and state["journal"] > 0
    during = _people(empty_graph, settings)
    assert set(during) == {*people_before, "孙4（示例）"}
    assert during["张秀英（示例）"]["phone"] == "13800000002"
    assert during["张秀英（示例）"]["source"] == load_id
    assert during["王芳（示例）"]["appointments"] == 2
    assert dump_graph(empty_graph, settings) != before

    listed = cli("loads", "list", "--status", "RUNNING")
    assert _table_row(listed.stdout, load_id)[1:4] == ["newer.csv", "people", "RUNNING"]
    assert _table_row(listed.stdout, load_id)[6:] == ["6", "", "", "", ""]

    crashed_pid = empty_graph.execute_query(
        "MATCH (l:Load {id: $id}) WITH l, l.pid AS pid SET l.pid = $alive RETURN pid",
        id=load_id,
        alive=os.getpid(),  # as if the loader were still at work
        database_=settings.neo4j_database,
    )[0][0]["pid"]
    assert isinstance(crashed_pid, int) and crashed_pid != os.getpid()
    alive = cli("loads", "roll-back", load_id, "--yes")
    assert alive.exit_code == 1 and f"still being written by process {os.getpid()}" in (
        alive.output
    )
    assert _state(empty_graph, settings, load_id)["status"] == "RUNNING"
    empty_graph.execute_query(
        "MATCH (l:Load {id: $id}) SET l.pid = $pid",
        id=load_id,
        pid=crashed_pid,
        database_=settings.neo4j_database,
    )

    declined = cli("loads", "roll-back", load_id, input="n\n")
    assert declined.exit_code == 1
    assert f"is RUNNING with {state['journal']} undo journal entries" in declined.stdout
    assert _state(empty_graph, settings, load_id)["status"] == "RUNNING"

    rolled = cli("loads", "roll-back", load_id, "--yes")
    assert rolled.exit_code == 0, rolled.output
    assert f"Rolled back load {load_id}" in rolled.stdout
    assert dump_graph(empty_graph, settings) == before
    assert _people(empty_graph, settings) == people_before
    assert people_before["张秀英（示例）"]["source"] == first.files[2].load_id
    state = _state(empty_graph, settings, load_id)
    assert (state["status"], state["rolledBack"], state["journal"]) == ("FAILED", True, 0)
    assert "gridgraph loads roll-back" in state["error"]

    again = cli("loads", "roll-back", load_id)
    assert again.exit_code == 0 and "rolled back already; nothing to do" in again.stdout
    failed = cli("loads", "list", "--status", "FAILED")
    assert _table_row(failed.stdout, load_id)[3] == "FAILED (rolled back)"


def test_roll_back_refuses_a_complete_load_and_an_unknown_id(
    tmp_path: Path, empty_graph: Driver, settings: Settings, cli: Callable
) -> None:
    result = _load(empty_graph, settings, write_base(tmp_path))
    load_id = result.files[1].load_id
    assert load_id
    before = dump_graph(empty_graph, settings)

    complete = cli("loads", "roll-back", load_id, "--yes")
    assert complete.exit_code == 1
    message = " ".join(complete.stderr.split())
    assert f"load {load_id} (grids.csv, grids, 3 rows) is COMPLETE" in message
    assert "A completed load is undone by loading the previous roster again" in message
    unknown = cli("loads", "roll-back", "L-20250101T000000-00000000-000000", "--yes")
    assert unknown.exit_code == 1
    assert "no load with id L-20250101T000000-00000000-000000" in unknown.stderr
    assert dump_graph(empty_graph, settings) == before
    assert _state(empty_graph, settings, load_id)["status"] == "COMPLETE"
