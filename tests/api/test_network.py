"""Network queries checked against direct Cypher: dual roles, coverage, stats, paths."""

from __future__ import annotations

import base64

import pytest
from neo4j import Driver
from starlette.testclient import TestClient

from core.model import FEDERATION_EXECUTIVE_ROLES, GRID_WORKER_ROLES
from tests.api.conftest import query
from tests.conftest import gql

DUAL_ROLE_CYPHER = """
MATCH (p:Person)-[r1]->(u1), (p)-[r2]->(u2)
WHERE r1.role IN $first AND r2.role IN $second
  AND r1.since <= $as_of AND (r1.until IS NULL OR r1.until >= $as_of)
  AND r2.since <= $as_of AND (r2.until IS NULL OR r2.until >= $as_of)
  AND ($area IS NULL OR EXISTS { (u1)-[:IN]->()-[:PART_OF*0..]->(:Area {code: $area}) }
       OR EXISTS { (u2)-[:IN]->()-[:PART_OF*0..]->(:Area {code: $area}) })
RETURN collect(DISTINCT p.id) AS ids
"""

DUAL = """
query ($area: String, $asOf: Date, $roles: [Role!]) {
  dualRoleMembers(areaCode: $area, asOf: $asOf, roles: $roles, first: 100) {
    totalCount
    nodes {
      person { personId name }
      firstAppointments { role since until unit { __typename ... on Federation { code } } }
      secondAppointments { role unit { __typename ... on Grid { code } } }
    }
  }
}
"""


def _gid(type_name: str, key: str) -> str:
    return base64.urlsafe_b64encode(f"{type_name}:{key}".encode()).decode().rstrip("=")


@pytest.mark.parametrize(
    ("area", "as_of", "expected"),
    [
        (None, "2025-06-01", {"张红", "刘芳", "王秀英"}),
        ("370303", "2025-06-01", {"刘芳", "王秀英"}),
        ("370302", "2025-06-01", {"张红"}),
        (None, "2024-06-01", {"张红", "李秀兰", "王秀英"}),
        ("370323", "2025-06-01", set()),
    ],
)
def test_dual_role_members_equal_direct_cypher(
    api: TestClient, graph: Driver, area: str | None, as_of: str, expected: set[str]
) -> None:
    data = query(api, DUAL, {"area": area, "asOf": as_of})["dualRoleMembers"]
    names = {n["person"]["name"] for n in data["nodes"]}
    assert names == expected
    assert data["totalCount"] == len(expected)
    records, _, _ = graph.execute_query(
        DUAL_ROLE_CYPHER,
        first=sorted(FEDERATION_EXECUTIVE_ROLES),
        second=sorted(GRID_WORKER_ROLES),
        as_of=__import__("datetime").date.fromisoformat(as_of),
        area=area,
    )
    assert {n["person"]["personId"] for n in data["nodes"]} == set(records[0]["ids"])
    for member in data["nodes"]:
        assert member["firstAppointments"], member
        assert member["secondAppointments"], member
        assert all(a["unit"]["__typename"] == "Federation" for a in member["firstAppointments"])
        assert all(a["unit"]["__typename"] == "Grid" for a in member["secondAppointments"])
        assert {a["role"] for a in member["firstAppointments"]} <= FEDERATION_EXECUTIVE_ROLES
        assert {a["role"] for a in member["secondAppointments"]} <= GRID_WORKER_ROLES


def test_dual_roles_of_any_two_given_roles(api: TestClient) -> None:
    data = query(
        api,
        DUAL,
        {"asOf": "2025-06-01", "roles": ["LEGAL_SAVVY_PERSON", "FULL_TIME_GRID_WORKER"]},
    )["dualRoleMembers"]
    assert [n["person"]["name"] for n in data["nodes"]] == ["赵敏"]
    assert data["nodes"][0]["firstAppointments"][0]["role"] == "LEGAL_SAVVY_PERSON"
    body = gql(api, DUAL, {"roles": ["GRID_HEAD"]})
    assert body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"


COVERAGE = """
query ($area: String!, $asOf: Date) {
  coverage(areaCode: $area, asOf: $asOf) {
    total { area { code } grids coveredGrids dualRoleGrids coveredRatio dualRoleRatio }
    children { area { code name } grids coveredGrids dualRoleGrids coveredRatio dualRoleRatio }
  }
}
"""


def test_coverage_of_zhangdian_adds_up(api: TestClient, graph: Driver) -> None:
    data = query(api, COVERAGE, {"area": "370303", "asOf": "2025-06-01"})["coverage"]
    total = data["total"]
    assert (total["grids"], total["coveredGrids"], total["dualRoleGrids"]) == (6, 2, 2)
    assert total["coveredRatio"] == pytest.approx(2 / 6)
    assert total["dualRoleRatio"] == pytest.approx(2 / 6)
    children = {c["area"]["name"]: c for c in data["children"]}
    assert set(children) == {"体育场街道", "车站街道"}
    assert (children["体育场街道"]["grids"], children["体育场街道"]["coveredGrids"]) == (5, 2)
    assert children["车站街道"]["dualRoleGrids"] == 1
    for key in ("grids", "coveredGrids", "dualRoleGrids"):
        assert sum(c[key] for c in data["children"]) == total[key]
    for row in [total, *data["children"]]:
        assert row["coveredRatio"] == pytest.approx(row["coveredGrids"] / row["grids"])
    records, _, _ = graph.execute_query(
        "MATCH (g:Grid)-[:IN]->()-[:PART_OF*0..]->(:Area {code: '370303'}) RETURN count(g) AS n"
    )
    assert total["grids"] == records[0]["n"]


def test_coverage_city_level_and_date(api: TestClient) -> None:
    data = query(api, COVERAGE, {"area": "370300", "asOf": "2024-06-01"})["coverage"]
    assert data["total"]["grids"] == 9
    assert data["total"]["coveredGrids"] == 0  # the groups were founded in late 2024
    assert data["total"]["dualRoleGrids"] == 3  # 柳毅-001, 柳毅-002, 般阳-001
    assert sum(c["grids"] for c in data["children"]) == 9
    empty = query(api, COVERAGE, {"area": "370303006002"})["coverage"]
    assert empty["total"]["grids"] == 2 and empty["children"] == []


STATS = """
query ($area: String!, $asOf: Date) {
  stats(areaCode: $area, asOf: $asOf) {
    areaCode membersByRole { key count } sistersGroupMembers legalSavvyPersons communities
    villages councils grids venues venuesByKind { key count } cases
    casesByStatus { key count }
    casesByCategory { category count open medianDaysToClose }
    medianDaysToClose
    topVenues { count node { ... on Venue { name } } }
    topMediators { count node { ... on Person { name } } }
    referrals { count node { ... on Department { name } } }
  }
}
"""


def test_stats_of_the_city(api: TestClient) -> None:
    s = query(api, STATS, {"area": "370300", "asOf": "2025-06-01"})["stats"]
    roles = {r["key"]: r["count"] for r in s["membersByRole"]}
    assert roles["FEDERATION_EXECUTIVE"] == 2  # 王秀英, 刘芳 (李秀兰's post ended)
    assert roles["LEGAL_SAVVY_PERSON"] == 2
    assert roles["MEDIATION_VOLUNTEER"] == 1
    assert s["sistersGroupMembers"] == 2
    assert s["legalSavvyPersons"] == 2
    assert (s["communities"], s["villages"], s["councils"], s["grids"]) == (5, 1, 2, 9)
    assert s["venues"] == 5 == sum(v["count"] for v in s["venuesByKind"])
    assert s["cases"] == 4
    assert {c["key"]: c["count"] for c in s["casesByStatus"]} == {
        "CLOSED": 2,
        "HANDLING": 1,
        "REJECTED": 1,
    }
    categories = {c["category"]: c for c in s["casesByCategory"]}
    assert categories["MARRIAGE_FAMILY"] == {
        "category": "MARRIAGE_FAMILY",
        "count": 2,
        "open": 1,
        "medianDaysToClose": 10.0,
    }
    assert s["medianDaysToClose"] == 7.0  # closed in 10 and in 4 days
    assert [(v["node"]["name"], v["count"]) for v in s["topVenues"]] == [
        ("体育场街道综治中心", 1),  # ties by code: V-GC-... < V-REG-...
        ("淄川区婚姻登记处", 1),
    ]
    assert {(m["node"]["name"], m["count"]) for m in s["topMediators"]} == {
        ("马明", 1),
        ("王秀英", 1),
    }
    assert {r["node"]["name"] for r in s["referrals"]} == {"市委政法委", "市公安局"}


def test_stats_of_a_district_and_through_areas(api: TestClient) -> None:
    s = query(api, STATS, {"area": "370303", "asOf": "2025-06-01"})["stats"]
    assert (s["grids"], s["cases"], s["medianDaysToClose"]) == (6, 3, 4.0)
    nested = query(
        api,
        '{ areas(level: DISTRICT) { nodes { code stats(asOf: "2025-06-01") '
        "{ legalSavvyPersons councils communities } } } }",
    )
    by_code = {a["code"]: a["stats"] for a in nested["areas"]["nodes"]}
    assert by_code["370323"] == {"legalSavvyPersons": 1, "councils": 1, "communities": 1}
    assert by_code["370302"]["councils"] == 0


PATH = """
query ($from: ID!, $to: ID!, $max: Int) {
  path(from: $from, to: $to, maxHops: $max) {
    length
    nodes { id type key caption node { id } }
    relationships { type start end startId endId properties }
  }
}
"""


@pytest.mark.parametrize(
    ("source", "target"),
    [
        (("Person", "P-0000000000000003"), ("Department", "DEPT-ZFW")),
        (("Area", "370323002001"), ("Area", "370300")),
        (("Person", "P-0000000000000001"), ("Person", "P-0000000000000005")),
        (("Venue", "V-OS-370323002001"), ("Department", "DEPT-GAJ")),
    ],
)
def test_path_is_the_shortest(
    api: TestClient, graph: Driver, source: tuple[str, str], target: tuple[str, str]
) -> None:
    path = query(api, PATH, {"from": _gid(*source), "to": _gid(*target)})["path"]
    records, _, _ = graph.execute_query(
        "MATCH (a), (b) WHERE $la IN labels(a) AND $lb IN labels(b) "
        "AND coalesce(a.code, a.id) = $a AND coalesce(b.code, b.id) = $b "
        "MATCH p = shortestPath((a)-[*..8]-(b)) "
        "WHERE none(r IN relationships(p) WHERE type(r) = 'CLASSIFIED_AS') "
        "RETURN length(p) AS n",
        a=source[1],
        b=target[1],
        la=source[0],
        lb=target[0],
    )
    assert path is not None
    assert path["length"] == records[0]["n"] == len(path["relationships"])
    assert len(path["nodes"]) == path["length"] + 1
    assert (path["nodes"][0]["type"], path["nodes"][0]["key"]) == source
    assert (path["nodes"][-1]["type"], path["nodes"][-1]["key"]) == target
    for i, rel in enumerate(path["relationships"]):  # consecutive nodes are joined
        assert {rel["start"], rel["end"]} == {i, i + 1}
        assert rel["startId"] == path["nodes"][rel["start"]]["id"]
    assert all(n["node"]["id"] == n["id"] for n in path["nodes"])


def test_path_from_village_to_city_and_limits(api: TestClient) -> None:
    path = query(api, PATH, {"from": _gid("Area", "370323002001"), "to": _gid("Area", "370300")})
    assert [n["caption"] for n in path["path"]["nodes"]] == [
        "范子峪村",
        "南麻街道",
        "沂源县",
        "淄博市",
    ]
    assert {r["type"] for r in path["path"]["relationships"]} == {"PART_OF"}
    too_short = query(
        api, PATH, {"from": _gid("Area", "370323002001"), "to": _gid("Area", "370300"), "max": 2}
    )
    assert too_short["path"] is None
    same = query(api, PATH, {"from": _gid("Area", "370300"), "to": _gid("Area", "370300")})
    assert same["path"]["length"] == 0
    for bad in (0, 9):
        body = gql(api, PATH, {"from": _gid("Area", "370300"), "to": _gid("Grid", "x"), "max": bad})
        assert body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    body = gql(api, PATH, {"from": _gid("Area", "370300"), "to": _gid("Grid", "nope")})
    assert body["errors"][0]["extensions"]["code"] == "NOT_FOUND"


def test_path_to_a_lone_node_is_null(api: TestClient, graph: Driver) -> None:
    graph.execute_query("CREATE (:Project {code: 'PRJ-LONE', name: '孤立项目'})")
    try:
        data = query(api, PATH, {"from": _gid("Project", "PRJ-LONE"), "to": _gid("Area", "370300")})
        assert data["path"] is None
    finally:
        graph.execute_query("MATCH (p:Project {code: 'PRJ-LONE'}) DETACH DELETE p")
