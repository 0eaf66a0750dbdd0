"""Every Cypher constant of `resolvers/` compiles on the real server and was run by a test."""

from __future__ import annotations

import importlib
import pkgutil
from pathlib import Path

import pytest
from neo4j import Driver

import resolvers
from core.settings import Settings
from resolvers.dataloaders import Related
from tests.api.conftest import EXECUTED

NOT_OURS = {"system"}  # resolvers of other parts of the service, tested with them


def _constants() -> dict[str, str]:
    found: dict[str, str] = {}
    for module in pkgutil.iter_modules(resolvers.__path__):
        if module.name in NOT_OURS:
            continue
        mod = importlib.import_module(f"resolvers.{module.name}")
        for name, value in vars(mod).items():
            if not name.isupper() or name.startswith("_"):
                continue
            cypher = value.query if isinstance(value, Related) else value
            if isinstance(cypher, str) and "RETURN" in cypher:
                found.setdefault(cypher, f"{module.name}.{name}")
    return found


CONSTANTS = _constants()


def test_there_are_constants() -> None:
    assert len(CONSTANTS) > 40


@pytest.mark.parametrize("cypher", list(CONSTANTS), ids=list(CONSTANTS.values()))
def test_constant_compiles(graph: Driver, settings: Settings, cypher: str) -> None:
    graph.execute_query("EXPLAIN " + cypher, database_=settings.neo4j_database)


def test_every_constant_was_executed(request: pytest.FixtureRequest) -> None:
    here = Path(__file__).parent
    ran = {Path(str(item.fspath)) for item in request.session.items}
    others = {p for p in here.glob("test_*.py") if p.name != Path(__file__).name}
    if not others <= ran:
        pytest.skip("only meaningful when the whole tests/api package runs")
    missing = sorted(name for cypher, name in CONSTANTS.items() if cypher not in EXECUTED)
    assert missing == []
