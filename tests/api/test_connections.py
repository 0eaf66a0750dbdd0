"""Connections (keyset cursors, page cap, totalCount), global IDs, `node(id:)`, errors."""

from __future__ import annotations

import base64

from starlette.testclient import TestClient

from tests.api.conftest import query
from tests.conftest import gql

GRIDS = """
query ($first: Int, $after: String) {
  grids(first: $first, after: $after) {
    totalCount
    edges { cursor node { code } }
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
  }
}
"""


def test_pages_walk_the_whole_list_in_order_without_overlap(api: TestClient) -> None:
    seen: list[str] = []
    after = None
    pages = 0
    while True:
        data = query(api, GRIDS, {"first": 4, "after": after})["grids"]
        assert data["totalCount"] == 9
        assert data["pageInfo"]["hasPreviousPage"] is (after is not None)
        seen += [edge["node"]["code"] for edge in data["edges"]]
        pages += 1
        if not data["pageInfo"]["hasNextPage"]:
            break
        assert data["pageInfo"]["endCursor"] == data["edges"][-1]["cursor"]
        after = data["pageInfo"]["endCursor"]
    assert pages == 3
    assert seen == sorted(seen)
    assert len(seen) == len(set(seen)) == 9


def test_cursor_is_keyset_not_offset(api: TestClient, graph) -> None:
    first = query(api, GRIDS, {"first": 2})["grids"]
    cursor = first["pageInfo"]["endCursor"]
    decoded = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
    assert decoded == '["Grid","370302001001-002"]'  # the sort key of the last row, not "2"
    # A grid sorting before the cursor appears: the next page still starts after the key.
    graph.execute_query(
        "MATCH (c:Area {code: '370302001001'}) CREATE (:Grid {code: '370302001001-000'})-[:IN]->(c)"
    )
    try:
        after = query(api, GRIDS, {"first": 1, "after": cursor})["grids"]
        assert after["edges"][0]["node"]["code"] == "370303001001-001"
        assert after["totalCount"] == 10
    finally:
        graph.execute_query("MATCH (g:Grid {code: '370302001001-000'}) DETACH DELETE g")


def test_page_size_is_capped_at_100(api: TestClient) -> None:
    body = gql(api, GRIDS, {"first": 101})
    assert body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    assert body["errors"][0]["extensions"]["max"] == 100
    assert query(api, GRIDS, {"first": 100})["grids"]["totalCount"] == 9
    assert query(api, GRIDS, {"first": 0})["grids"]["edges"] == []


def test_foreign_or_garbage_cursors_are_bad_user_input(api: TestClient) -> None:
    areas = query(api, "{ areas(first: 1) { pageInfo { endCursor } } }")
    foreign = areas["areas"]["pageInfo"]["endCursor"]
    for cursor in (foreign, "not-a-cursor!", "bm9wZQ"):
        body = gql(api, GRIDS, {"first": 1, "after": cursor})
        assert body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT", cursor


def test_node_resolves_every_type_by_global_id(api: TestClient) -> None:
    keys = {
        "Area": "370303",
        "Grid": "370303006001-001",
        "Person": "P-0000000000000003",
        "Federation": "FED-370303",
        "SistersGroup": "SG-370303",
        "Council": "WC-370303006001",
        "Department": "DEPT-ZFW",
        "Mechanism": "MECH-370300",
        "Venue": "V-12338-370300",
        "ServiceBrand": "BR-MM",
        "Project": "PRJ-LJJ",
        "Activity": "ACT-2024-001",
        "Family": "F-2",
        "ClassificationScheme": "SCH-WUSE",
        "Category": "SCH-WUSE:red",
        "Case": "C2025-000002",
        "CaseStep": "C2025-000002#1",
    }
    ids = {
        t: base64.urlsafe_b64encode(f"{t}:{k}".encode()).decode().rstrip("=")
        for t, k in keys.items()
    }
    data = query(
        api,
        "query ($ids: [ID!]!) { nodes(ids: $ids) { __typename id } }",
        {"ids": list(ids.values())},
    )
    assert [n["__typename"] for n in data["nodes"]] == list(keys)
    assert [n["id"] for n in data["nodes"]] == list(ids.values())
    one = query(
        api, "query ($id: ID!) { node(id: $id) { ... on Area { name } } }", {"id": ids["Area"]}
    )
    assert one["node"]["name"] == "张店区"


def test_unknown_ids_are_not_found_and_malformed_ones_bad_input(api: TestClient) -> None:
    missing = base64.urlsafe_b64encode(b"Area:999999").decode()
    body = gql(api, "query ($id: ID!) { node(id: $id) { id } }", {"id": missing})
    assert body["errors"][0]["extensions"]["code"] == "NOT_FOUND"
    for bad in ("%%%", base64.urlsafe_b64encode(b"Nope:1").decode()):
        body = gql(api, "query ($id: ID!) { node(id: $id) { id } }", {"id": bad})
        assert body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    for document in (
        '{ area(code: "999") { name } }',
        '{ grid(code: "nope") { name } }',
        '{ person(id: "P-nobody") { name } }',
        '{ case(id: "C1999-000000") { title } }',
        '{ coverage(areaCode: "999") { asOf } }',
        '{ stats(areaCode: "999") { grids } }',
    ):
        body = gql(api, document)
        assert body["errors"][0]["extensions"]["code"] == "NOT_FOUND", document
        assert body["data"] is None


def test_person_and_case_accept_natural_or_global_ids(api: TestClient) -> None:
    gid = base64.urlsafe_b64encode(b"Person:P-0000000000000003").decode()
    data = query(
        api,
        "query ($id: ID!) { a: person(id: $id) { name } "
        'b: person(id: "P-0000000000000003") { id } }',
        {"id": gid},
    )
    assert data["a"]["name"] == "王秀英"
    assert data["b"]["id"].rstrip("=") == gid.rstrip("=")
    body = gql(
        api,
        "query ($id: ID!) { person(id: $id) { name } }",
        {"id": base64.urlsafe_b64encode(b"Area:370303").decode()},
    )
    assert body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"


def test_bad_dates_are_bad_user_input_not_masked(api: TestClient) -> None:
    literal = gql(api, '{ coverage(areaCode: "370303", asOf: "2025-13-01") { asOf } }')
    variable = gql(
        api,
        'query ($d: Date) { coverage(areaCode: "370303", asOf: $d) { asOf } }',
        {"d": "not-a-date"},
    )
    for body in (literal, variable):
        assert body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
        assert "Date" in body["errors"][0]["message"]
