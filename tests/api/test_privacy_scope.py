"""Masking, family categories and area scope, for viewers other than the admin."""

from __future__ import annotations

import base64

from starlette.testclient import TestClient

from core.auth import AccessRole, Viewer
from core.settings import Settings
from tests.api.conftest import query, run_as

READER = Viewer(name="reader", role=AccessRole.VIEWER)
CASEWORKER = Viewer(name="caseworker", role=AccessRole.CASEWORKER)
ZICHUAN = Viewer(name="zichuan", role=AccessRole.VIEWER, area_code="370302")
ZHANGDIAN_ADMIN = Viewer(name="zhangdian", role=AccessRole.ADMIN, area_code="370303")

PERSON = '{ person(id: "P-0000000000000003") { phone idNumber birthDate } }'


def _gid(type_name: str, key: str) -> str:
    return base64.urlsafe_b64encode(f"{type_name}:{key}".encode()).decode().rstrip("=")


def test_admin_sees_personal_data(api: TestClient) -> None:
    assert query(api, PERSON)["person"] == {
        "phone": "13812348000",
        "idNumber": "370303198503121234",
        "birthDate": "1985-03-12",
    }


def test_personal_data_is_masked_on_every_path(graph, settings: Settings) -> None:
    result = run_as(
        settings,
        READER,
        """{
          person(id: "P-0000000000000003") { phone idNumber birthDate }
          people(filter: {nameContains: "王秀英"}) { nodes { phone idNumber } }
          grid(code: "370303006001-001") { appointments { person { phone } } }
          dualRoleMembers(asOf: "2025-06-01", areaCode: "370303") { nodes { person { phone } } }
          case(id: "C2025-000002") { mediators { phone idNumber } }
          search(text: "王秀英") { node { ... on Person { phone } } }
        }""",
    )
    assert result["errors"] == []
    data = result["data"]
    masked = {"phone": "138****8000", "idNumber": "370303********1234", "birthDate": None}
    assert data["person"] == masked
    assert data["people"]["nodes"] == [{"phone": "138****8000", "idNumber": "370303********1234"}]
    phones = {a["person"]["phone"] for a in data["grid"]["appointments"]}
    phones |= {m["person"]["phone"] for m in data["dualRoleMembers"]["nodes"]}
    phones |= {m["phone"] for m in data["case"]["mediators"]}
    phones |= {h["node"]["phone"] for h in data["search"]}
    assert "13812348000" not in phones
    assert "138****8000" in phones


def test_family_categories_need_the_permission(graph, settings: Settings) -> None:
    families = """query ($id: ID!) {
      family: node(id: $id) {
        ... on Family { name category { name } classifications { since } visits { date } }
      }
      case(id: "C2025-000002") { families { category { name } } }
    }"""
    f2 = {"id": _gid("Family", "F-2")}
    hidden = run_as(settings, READER, families, f2)
    assert hidden["errors"] == []
    assert hidden["data"]["family"] == {
        "name": "张某某家",
        "category": None,
        "classifications": [],
        "visits": [],
    }
    assert hidden["data"]["case"]["families"] == [{"category": None}]
    seen = run_as(settings, CASEWORKER, families, f2)
    assert seen["data"]["family"]["category"] == {"name": "红色"}
    refused = run_as(settings, READER, '{ families(category: ["red"]) { totalCount } }')
    assert refused["errors"][0]["code"] == "FORBIDDEN"
    allowed = run_as(settings, CASEWORKER, '{ families(category: ["red"]) { totalCount } }')
    assert allowed["data"]["families"]["totalCount"] == 1


def test_paths_avoid_classifications_without_the_permission(graph, settings: Settings) -> None:
    document = """query ($a: ID!, $b: ID!) {
      path(from: $a, to: $b) { length relationships { type } }
    }"""
    variables = {"a": _gid("Family", "F-2"), "b": _gid("Category", "SCH-WUSE:red")}
    admin = run_as(settings, Viewer(name="a", role=AccessRole.ADMIN), document, variables)
    reader = run_as(settings, READER, document, variables)
    assert admin["data"]["path"] == {"length": 1, "relationships": [{"type": "CLASSIFIED_AS"}]}
    # Without the permission: up the area tree to the scheme 张店区 uses, then to its category.
    types = [r["type"] for r in reader["data"]["path"]["relationships"]]
    assert not {"CLASSIFIED_AS", "VISITED"} & set(types)
    assert len(types) == 6
    assert types[-2:] == ["USES_SCHEME", "IN_SCHEME"]


def test_a_scoped_viewer_sees_only_its_subtree(graph, settings: Settings) -> None:
    result = run_as(
        settings,
        ZICHUAN,
        """{
          areas { nodes { code } }
          grids { totalCount }
          people { nodes { name } }
          cases { nodes { caseId } }
          venues { totalCount }
          federations { nodes { code } }
          sistersGroups { nodes { code } }
          councils { totalCount }
          activities { totalCount }
          families { nodes { code } }
          departments { totalCount }
          serviceBrands { totalCount }
          projects { totalCount }
          classificationSchemes { totalCount }
          dualRoleMembers(asOf: "2025-06-01") { nodes { person { name } } }
          search(text: "秀") { name }
          area(code: "370302") { ancestors { code } children { code } }
        }""",
    )
    assert result["errors"] == []
    data = result["data"]
    assert [a["code"] for a in data["areas"]["nodes"]] == ["370302", "370302001", "370302001001"]
    assert data["grids"]["totalCount"] == 2
    assert {p["name"] for p in data["people"]["nodes"]} == {"张红", "马明", "李小军"}
    assert data["cases"]["nodes"] == [{"caseId": "C2025-000001"}]
    assert data["venues"]["totalCount"] == 2
    assert data["federations"]["nodes"] == [{"code": "FED-370302"}]
    assert data["sistersGroups"]["nodes"] == [{"code": "SG-370302001001"}]
    assert data["councils"]["totalCount"] == data["activities"]["totalCount"] == 0
    assert data["families"]["nodes"] == [{"code": "F-1"}]
    # city-wide things stay visible
    assert (data["departments"]["totalCount"], data["serviceBrands"]["totalCount"]) == (2, 5)
    assert (data["projects"]["totalCount"], data["classificationSchemes"]["totalCount"]) == (2, 1)
    assert [m["person"]["name"] for m in data["dualRoleMembers"]["nodes"]] == ["张红"]
    assert data["search"] == []
    assert data["area"] == {"ancestors": [], "children": [{"code": "370302001"}]}


def test_lookups_outside_the_scope_are_not_found(graph, settings: Settings) -> None:
    for document in (
        '{ area(code: "370303") { name } }',
        '{ grid(code: "370303006001-001") { name } }',
        '{ person(id: "P-0000000000000003") { name } }',
        '{ case(id: "C2025-000002") { title } }',
        '{ coverage(areaCode: "370300") { asOf } }',
        '{ stats(areaCode: "370303") { grids } }',
        "query ($venue: ID!) { node(id: $venue) { id } }",
        "query ($a: ID!, $b: ID!) { path(from: $a, to: $b) { length } }",
    ):
        variables = {
            "venue": _gid("Venue", "V-12338-370300"),
            "a": _gid("Person", "P-0000000000000005"),
            "b": _gid("Person", "P-0000000000000003"),
        }
        used = {k: v for k, v in variables.items() if f"${k}" in document}
        result = run_as(settings, ZICHUAN, document, used)
        assert result["errors"][0]["code"] == "NOT_FOUND", document
    inside = run_as(settings, ZICHUAN, '{ coverage(areaCode: "370302") { total { grids } } }')
    assert inside["data"]["coverage"]["total"]["grids"] == 2


def test_scoped_paths_stay_inside(graph, settings: Settings) -> None:
    # 张红 (淄川) to 马明 (淄川): inside the scope the path must not pass through the city.
    document = "query ($a: ID!, $b: ID!) { path(from: $a, to: $b) { nodes { type key } } }"
    result = run_as(
        settings,
        ZICHUAN,
        document,
        {"a": _gid("Person", "P-0000000000000005"), "b": _gid("Person", "P-0000000000000008")},
    )
    assert result["errors"] == []
    keys = [n["key"] for n in result["data"]["path"]["nodes"]]
    assert "370300" not in keys
    admin = run_as(settings, ZHANGDIAN_ADMIN, '{ person(id: "P-0000000000000003") { phone } }')
    assert admin["data"]["person"]["phone"] == "13812348000"
