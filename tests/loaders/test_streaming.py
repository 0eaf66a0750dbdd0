"""A lone file is written while it is validated, in one open transaction: the graph it leaves
is the same as validate-then-write, and a problem found after batches went out writes nothing."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from neo4j import Driver
from neo4j.exceptions import ConstraintError, TransientError
from typer.testing import CliRunner

import commands.load
from core.identity import identity_key
from core.settings import Settings
from core.validation import appointment_id
from loaders import pipeline
from loaders.errors import LoadRefused
from main import _build_cli
from tests.loaders.rosters import (
    COMMUNITY,
    dump_graph,
    people_rows,
    person_id_number,
    write_base,
)
from tests.loaders.test_fast_paths import (
    _load,
    _new_person,
    _people_file,
    _without_loads,
)

LOADS = "MATCH (l:Load) RETURN l.name AS name, l.status AS status ORDER BY l.at"


def _more_people(count: int) -> list[list[object]]:
    grid = f"{COMMUNITY}-002"
    return [
        _new_person(n, f"周{n}（示例）", grid, "兼职网格员", "2024-10-01")
        for n in range(10, 10 + count)
    ]


def _block_the_last_appointment(driver: Driver, settings: Settings) -> None:
    """Give someone else the id of the appointment of `_more_people(9)`'s last person, so the
    server refuses the last batch (the id is constrained unique)."""
    grid = f"{COMMUNITY}-002"
    last = identity_key(settings, driver).person_id(person_id_number(18, date(1991, 2, 3)))
    driver.execute_query(
        "MATCH (g:Grid {code: $grid}) "
        "CREATE (:Person {id: 'P-blocker', name: '占位（示例）'})-[:SERVES_GRID {id: $id}]->(g)",
        grid=grid,
        id=appointment_id(last, "PART_TIME_GRID_WORKER", grid, date(2024, 10, 1)),
        database_=settings.neo4j_database,
    )


def test_streamed_load_leaves_the_graph_validate_then_write_leaves(
    tmp_path: Path, empty_graph: Driver, settings: Settings
) -> None:
    db = settings.neo4j_database
    base = write_base(tmp_path)
    people = _people_file(tmp_path, people_rows() + _more_people(7))
    _load(empty_graph, settings, base)
    two_pass = _load(empty_graph, settings, [people], stream=False)
    assert not two_pass.files[0].streamed
    expected = _without_loads(dump_graph(empty_graph, settings))
    empty_graph.execute_query("MATCH (n) WHERE NOT n:Migration DETACH DELETE n", database_=db)

    _load(empty_graph, settings, base)
    streamed = _load(empty_graph, settings, [people], batch_rows=2)
    assert streamed.files[0].streamed
    assert _without_loads(dump_graph(empty_graph, settings)) == expected
    assert streamed.counts.as_rows() == two_pass.counts.as_rows()
    again = _load(empty_graph, settings, [people], batch_rows=2)
    assert again.counts.total("created") == again.counts.total("updated") == 0


def test_a_bad_row_after_written_batches_writes_nothing(
    tmp_path: Path, empty_graph: Driver, settings: Settings
) -> None:
    _load(empty_graph, settings, write_base(tmp_path))
    before = dump_graph(empty_graph, settings)
    loads = empty_graph.execute_query(LOADS, database_=settings.neo4j_database)[0]
    rows = _more_people(9)
    rows[-1][4] = str(rows[-1][4])[:-1] + ("1" if str(rows[-1][4])[-1] != "1" else "2")
    with pytest.raises(LoadRefused) as refused:
        _load(empty_graph, settings, [_people_file(tmp_path, rows)], batch_rows=2)
    [problem] = refused.value.problems
    assert (problem.code, problem.row, problem.column) == ("ID_CHECKSUM", 10, "身份证号 (E)")
    assert dump_graph(empty_graph, settings) == before
    assert empty_graph.execute_query(LOADS, database_=settings.neo4j_database)[0] == loads


def test_a_server_error_part_way_writes_nothing(
    tmp_path: Path, empty_graph: Driver, settings: Settings
) -> None:
    _load(empty_graph, settings, write_base(tmp_path))
    _block_the_last_appointment(empty_graph, settings)
    before = dump_graph(empty_graph, settings)
    with pytest.raises(ConstraintError):
        _load(empty_graph, settings, [_people_file(tmp_path, _more_people(9))], batch_rows=2)
    assert dump_graph(empty_graph, settings) == before


def test_the_command_reports_a_refused_write_without_a_traceback(
    tmp_path: Path, empty_graph: Driver, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`gridgraph load` when the server refuses a write: a plain message, exit status 1."""
    _load(empty_graph, settings, write_base(tmp_path))
    _block_the_last_appointment(empty_graph, settings)
    before = dump_graph(empty_graph, settings)
    monkeypatch.setattr(commands.load, "load_settings", lambda: settings)
    path = _people_file(tmp_path, _more_people(9))
    result = CliRunner().invoke(_build_cli(), ["load", str(path)], env={"COLUMNS": "200"})
    assert result.exit_code == 1
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert "error: writing stopped: Neo.ClientError.Schema.ConstraintValidationFailed" in (
        result.output
    )
    assert "The file being written was rolled back: nothing of it is in the graph" in (
        result.output
    )
    assert "Traceback" not in result.output
    assert dump_graph(empty_graph, settings) == before


def test_the_command_reports_an_unreachable_server(
    tmp_path: Path, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    nowhere = settings.model_copy(update={"neo4j_uri": "bolt://127.0.0.1:9"})
    monkeypatch.setattr(commands.load, "load_settings", lambda: nowhere)
    path = _people_file(tmp_path, _more_people(2))
    result = CliRunner().invoke(_build_cli(), ["load", str(path)], env={"COLUMNS": "200"})
    assert result.exit_code == 1
    assert "error: the connection to Neo4j failed" in result.output
    assert "Traceback" not in result.output


def test_a_transient_error_is_retried_the_usual_way(
    tmp_path: Path, empty_graph: Driver, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    _load(empty_graph, settings, write_base(tmp_path))
    real = pipeline.apply_batch
    calls: list[int] = []

    def flaky(*args: object, **kwargs: object):  # type: ignore[no-untyped-def]
        calls.append(1)
        if len(calls) == 2:
            raise TransientError("the server lost its leader (injected)")
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(pipeline, "apply_batch", flaky)
    result = _load(empty_graph, settings, [_people_file(tmp_path, _more_people(9))], batch_rows=2)
    assert not result.files[0].streamed
    assert result.counts.total("created") == 18  # 9 people and their 9 appointments
    statuses = empty_graph.execute_query(LOADS, database_=settings.neo4j_database)[0]
    assert [r["status"] for r in statuses if r["name"] == "people.csv"] == ["COMPLETE"]


def test_an_interruption_part_way_writes_nothing(
    tmp_path: Path, empty_graph: Driver, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Ctrl-C while the writer thread is at work: the open transaction is rolled back."""
    _load(empty_graph, settings, write_base(tmp_path))
    before = dump_graph(empty_graph, settings)
    real = pipeline.apply_batch
    calls: list[int] = []

    def interrupted(*args: object, **kwargs: object):  # type: ignore[no-untyped-def]
        calls.append(1)
        if len(calls) == 3:
            raise KeyboardInterrupt
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(pipeline, "apply_batch", interrupted)
    with pytest.raises(KeyboardInterrupt):
        _load(empty_graph, settings, [_people_file(tmp_path, _more_people(9))], batch_rows=2)
    assert len(calls) == 3
    assert dump_graph(empty_graph, settings) == before
    assert not empty_graph.execute_query(
        "MATCH (l:Load {name: 'people.csv'}) RETURN l", database_=settings.neo4j_database
    )[0]
