"""`auditLog` counts the whole log only when the document selects `totalCount`, like every
other connection: the count is a subquery of the page's own query that runs only when asked."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from neo4j import Driver
from starlette.testclient import TestClient

from core.database import Database
from core.settings import Settings
from resolvers.mutations.audit import LIST_AUDIT_PAGE
from tests.conftest import gql

TARGET = "Test:audit-count"
TRACE = {"X-Gridgraph-Trace": "1"}


@pytest.fixture
def entries(graph: Driver, settings: Settings) -> Iterator[list[str]]:
    """Three audit entries of one target, newest last; removed afterwards."""
    ids = [f"audit-count-{i}" for i in range(3)]
    graph.execute_query(
        """UNWIND range(0, size($ids) - 1) AS i
        CREATE (:AuditEntry {id: $ids[i], name: 'test', at: datetime('2025-06-01T08:00:00Z')
                 + duration({minutes: i}), actor: 'development', actorRole: 'admin',
                 action: 'test', target: $target, after: '{"n": ' + i + '}'})""",
        ids=ids,
        target=TARGET,
        database_=settings.neo4j_database,
    )
    yield ids
    graph.execute_query(
        "MATCH (e:AuditEntry {target: $target}) DELETE e",
        target=TARGET,
        database_=settings.neo4j_database,
    )


@pytest.fixture
def counts(monkeypatch: pytest.MonkeyPatch) -> list[bool]:
    """The `$count` of every audit-log query the app runs."""
    seen: list[bool] = []
    read = Database.read

    async def recording(self: Database, cypher: Any, **params: Any) -> Any:
        if cypher == LIST_AUDIT_PAGE:
            seen.append(params["count"])
        return await read(self, cypher, **params)

    monkeypatch.setattr(Database, "read", recording)
    return seen


def _log(api: TestClient, selection: str, **variables: Any) -> dict[str, Any]:
    document = (
        "query($first: Int, $after: String) "
        f'{{ auditLog(target: "{TARGET}", first: $first, after: $after) {{ {selection} }} }}'
    )
    body = gql(api, document, variables, **TRACE)
    assert "errors" not in body, body["errors"]
    assert body["extensions"]["trace"]["roundTrips"] == 1
    return body["data"]["auditLog"]


def test_total_count_only_when_selected(
    api: TestClient, entries: list[str], counts: list[bool]
) -> None:
    counted = _log(api, "totalCount nodes { id }", first=2)
    assert counted["totalCount"] == 3
    assert [n["id"] for n in counted["nodes"]] == entries[:0:-1]
    through_fragment = _log(api, "... on AuditEntryConnection { n: totalCount }", first=1)
    assert through_fragment["n"] == 3
    plain = _log(api, "nodes { id } pageInfo { hasNextPage endCursor }", first=2)
    assert [n["id"] for n in plain["nodes"]] == entries[:0:-1]
    assert plain["pageInfo"]["hasNextPage"] is True
    rest = _log(api, "nodes { id } pageInfo { hasNextPage }", after=plain["pageInfo"]["endCursor"])
    assert [n["id"] for n in rest["nodes"]] == entries[:1]
    assert rest["pageInfo"]["hasNextPage"] is False
    assert counts == [True, True, False, False]
