"""`auditLog`: admins read who changed what; everyone else is refused."""

from __future__ import annotations

from collections.abc import Callable

from starlette.testclient import TestClient

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
