"""`auditLog`: admins read who changed what; everyone else is refused."""

from __future__ import annotations

from collections.abc import Callable

from neo4j import Driver
from starlette.testclient import TestClient

from core.settings import Settings
from tests.conftest import gql
from tests.mutations.conftest import caller
from tests.mutations.workflow import report

LOG = """query($first: Int, $after: String, $action: String) {
  auditLog(first: $first, after: $after, action: $action) {
    totalCount pageInfo { hasNextPage endCursor }
    nodes { id at actor actorRole action target before after requestId } } }"""


def test_admins_page_through_the_audit_log(run: Callable[..., dict]) -> None:
    ids = [report(run, role="caseworker")["caseId"] for _ in range(3)]
    first = run(LOG, {"first": 2, "action": "reportCase"})["auditLog"]
    assert first["totalCount"] >= 3 and first["pageInfo"]["hasNextPage"] is True
    newest = first["nodes"][0]
    assert newest["target"] == f"Case:{ids[-1]}"
    assert (newest["actor"], newest["actorRole"]) == ("jwt:caseworker-city", "caseworker")
    assert newest["after"]["status"] == "REPORTED" and newest["before"] is None
    assert newest["requestId"]
    second = run(LOG, {"first": 2, "action": "reportCase",
                       "after": first["pageInfo"]["endCursor"]})["auditLog"]  # fmt: skip
    assert second["nodes"][0]["target"] == f"Case:{ids[-3]}"
    assert {n["id"] for n in first["nodes"]}.isdisjoint(n["id"] for n in second["nodes"])


def test_only_admins_read_the_audit_log(app: TestClient) -> None:
    for role in ("viewer", "caseworker", "editor"):
        body = gql(app, LOG, {"first": 1}, **caller(role))
        assert body["data"] is None
        assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"


def test_the_log_is_ordered_by_instant_whatever_the_digits_of_its_seconds(
    run: Callable[..., dict], graph: Driver, settings: Settings
) -> None:
    """`toString` of 00.12 sorts after 00.123 although it is earlier: pages compare instants."""
    graph.execute_query(
        "UNWIND $entries AS e CREATE (:AuditEntry {id: e[0], at: datetime(e[1]), "
        "actor: 'test', actorRole: 'admin', action: 'orderTest', target: 'Case:X', "
        "areaCodes: []})",
        entries=[
            ["order-1", "2099-01-01T00:00:00.12Z"],
            ["order-2", "2099-01-01T00:00:00.123Z"],
            ["order-3", "2099-01-01T00:00:01Z"],
        ],
        database_=settings.neo4j_database,
    )
    try:
        found = [run(LOG, {"first": 1, "action": "orderTest"})["auditLog"]]
        while found[-1]["pageInfo"]["hasNextPage"]:
            after = found[-1]["pageInfo"]["endCursor"]
            found.append(run(LOG_AFTER, {"after": after})["auditLog"])
        assert [page["nodes"][0]["id"] for page in found] == ["order-3", "order-2", "order-1"]
    finally:
        graph.execute_query(
            "MATCH (e:AuditEntry {action: 'orderTest'}) DELETE e",
            database_=settings.neo4j_database,
        )


LOG_AFTER = (
    LOG.replace("action: $action", 'action: "orderTest"')
    .replace("$first: Int, $after: String, $action: String", "$after: String")
    .replace("first: $first", "first: 1")
)
