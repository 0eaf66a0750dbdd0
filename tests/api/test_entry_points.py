# ruff: noqa: E501  (GraphQL documents read best on one line per field)
"""Every entry point and nested field, with assertions on the values."""

from __future__ import annotations

from starlette.testclient import TestClient

from tests.api.conftest import query
from tests.conftest import gql


def test_area_tree_ancestors_children_and_nearest_venues(api: TestClient) -> None:
    data = query(
        api,
        """{
          area(code: "370323002001") {
            name level kind validFrom
            parent { code }
            ancestors { name level }
            children { code }
            councils { name brand { name } }
            venues { name kind }
            centre: nearestVenues(kind: GOVERNANCE_CENTRE) { hops venue { name } }
            rights: nearestVenues(kind: RIGHTS_CENTRE_12338) { hops venue { name location { latitude } } }
            nearest: nearestVenues { hops venue { kind } }
          }
          tyc: area(code: "370303006001") { centre: nearestVenues(kind: GOVERNANCE_CENTRE) { hops venue { name area { name } } } }
        }""",
    )
    area = data["area"]
    assert (area["name"], area["level"], area["kind"]) == ("范子峪村", "COMMUNITY", "村")
    assert area["validFrom"] == "2022-01-01"
    assert area["parent"]["code"] == "370323002"
    assert [a["name"] for a in area["ancestors"]] == ["南麻街道", "沂源县", "淄博市"]
    assert [a["level"] for a in area["ancestors"]] == ["TOWNSHIP", "DISTRICT", "CITY"]
    assert area["children"] == []
    assert area["councils"] == [
        {"name": "范子峪村妇女解忧议事会", "brand": {"name": "妇女解忧议事会"}}
    ]
    assert area["venues"] == [{"name": "巾帼宣讲微站", "kind": "OUTREACH_STATION"}]
    assert area["centre"] == []  # no governance centre up this branch of the tree
    assert area["rights"] == [
        {"hops": 3, "venue": {"name": "12338妇联维权服务中心", "location": {"latitude": 36.81}}}
    ]
    assert area["nearest"] == [{"hops": 0, "venue": {"kind": "OUTREACH_STATION"}}]
    assert data["tyc"]["centre"] == [
        {"hops": 1, "venue": {"name": "体育场街道综治中心", "area": {"name": "体育场街道"}}}
    ]


def test_areas_filters(api: TestClient) -> None:
    data = query(
        api,
        """{
          districts: areas(level: DISTRICT) { totalCount nodes { code } }
          under: areas(parentCode: "370303") { nodes { name } }
          named: areas(nameContains: "柳毅") { nodes { code federation { code } sistersGroups { code } } }
        }""",
    )
    assert [a["code"] for a in data["districts"]["nodes"]] == ["370302", "370303", "370323"]
    assert [a["name"] for a in data["under"]["nodes"]] == ["车站街道", "体育场街道"]
    assert data["named"]["nodes"] == [
        {"code": "370303006001", "federation": None, "sistersGroups": [{"code": "SG-370303006001"}]}
    ]


def test_grid_and_grids(api: TestClient) -> None:
    data = query(
        api,
        """{
          grid(code: "370303006001-001") {
            name kind households
            community { name }
            sistersGroups { name }
            families { code }
            buildings { code }
            now: appointments(asOf: "2025-06-01") { role building person { name } }
            workers: appointments(roles: [FULL_TIME_GRID_WORKER]) { person { name } since }
          }
          covered: grids(areaCode: "370303", coveredBySistersGroup: true) { nodes { code } }
          uncovered: grids(areaCode: "370303", coveredBySistersGroup: false) { totalCount }
          dedicated: grids(kind: DEDICATED) { nodes { code } }
          named: grids(nameContains: "般阳") { totalCount }
        }""",
    )
    grid = data["grid"]
    assert (grid["name"], grid["kind"], grid["households"]) == (
        "柳毅社区第一网格",
        "COMPREHENSIVE",
        420,
    )
    assert grid["community"]["name"] == "柳毅社区"
    assert grid["sistersGroups"] == [{"name": "柳毅社区姊妹团"}]
    assert [f["code"] for f in grid["families"]] == ["F-2", "F-3"]
    assert grid["buildings"] == []
    assert sorted((a["role"], a["person"]["name"], a["building"]) for a in grid["now"]) == [
        ("BUILDING_HEAD", "魏素理", "3号楼"),
        ("FULL_TIME_GRID_WORKER", "王秀英", None),
    ]
    assert grid["workers"] == [{"person": {"name": "王秀英"}, "since": "2022-01-01"}]
    assert [g["code"] for g in data["covered"]["nodes"]] == ["370303006001-001", "370303006001-002"]
    assert data["uncovered"]["totalCount"] == 4
    assert data["dedicated"]["nodes"] == [{"code": "370303006001-003"}]
    assert data["named"]["totalCount"] == 2


def test_person_and_people(api: TestClient) -> None:
    data = query(
        api,
        """{
          person(id: "P-0000000000000004") {
            name residence { name }
            all: appointments { role since until inForce(asOf: "2024-06-01") }
            now: appointments(asOf: "2025-06-01") { role unit { __typename ... on Grid { code } } }
          }
          heads: people(filter: {role: GRID_HEAD, areaCode: "370303"}) { nodes { name } }
          zichuan: people(filter: {areaCode: "370302"}) { totalCount nodes { name } }
          xiu: people(filter: {nameContains: "秀"}) { nodes { name } }
          party: people(filter: {partyMember: true}) { nodes { name politicalStatus } }
          before: people(filter: {role: PART_TIME_GRID_WORKER, asOf: "2024-06-01"}) { nodes { name } }
        }""",
    )
    person = data["person"]
    assert person["residence"]["name"] == "柳毅社区"
    assert [(a["role"], a["until"], a["inForce"]) for a in person["all"]] == [
        ("GRID_HEAD", None, True),
        ("FEDERATION_EXECUTIVE", "2024-12-31", True),
    ]
    assert person["now"] == [
        {"role": "GRID_HEAD", "unit": {"__typename": "Grid", "code": "370303006001-002"}}
    ]
    assert data["heads"]["nodes"] == [{"name": "李秀兰"}]
    assert {p["name"] for p in data["zichuan"]["nodes"]} == {"张红", "马明", "李小军"}
    assert {p["name"] for p in data["xiu"]["nodes"]} == {"王秀英", "李秀兰", "孙秀"}
    assert data["party"]["nodes"] == [{"name": "王秀英", "politicalStatus": "中共党员"}]
    assert data["before"]["nodes"] == [{"name": "张红"}]


def test_organisations(api: TestClient) -> None:
    data = query(
        api,
        """{
          federations(areaCode: "370303") {
            nodes { code level area { name } posts(asOf: "2025-06-01") { role person { name } } }
          }
          cityLevel: federations(level: CITY) { nodes { name } }
          sistersGroups(pilot: true) {
            nodes { code founded pilot area { name } parent { code } children { code }
                    federation { code } grids { code } members { role person { name } } }
          }
          councils(areaCode: "370323") { nodes { code founded area { name } members { role } } }
          allCouncils: councils { totalCount }
          departments { nodes { code name nameEn joinedSince mechanism { name federation { name }
                        departments { code } } } }
          venues(kind: MEDIATION_ROOM) { nodes { name brand { name venues { code } } volunteers { role } } }
          registry: venues(nameContains: "婚姻") { nodes { code volunteers(asOf: "2025-06-01") { person { name } } } }
          zichuanVenues: venues(areaCode: "370302") { totalCount }
          serviceBrands(kind: SERVICE) { nodes { name federation { name } } }
          allBrands: serviceBrands { totalCount }
          projects { nodes { name description federation { name } } }
        }""",
    )
    feds = data["federations"]["nodes"]
    assert [f["code"] for f in feds] == ["FED-370303", "FED-370303006"]
    assert feds[0]["area"]["name"] == "张店区"
    assert sorted((p["role"], p["person"]["name"]) for p in feds[0]["posts"]) == [
        ("FEDERATION_EXECUTIVE", "王秀英"),
        ("LEGAL_SAVVY_PERSON", "赵敏"),
    ]
    assert feds[1]["posts"] == []  # 李秀兰's post ended in 2024
    assert data["cityLevel"]["nodes"] == [{"name": "淄博市妇联"}]
    groups = {g["code"]: g for g in data["sistersGroups"]["nodes"]}
    assert set(groups) == {"SG-370303", "SG-370303006001"}
    district = groups["SG-370303"]
    assert district["founded"] == "2024-11-01" and district["parent"] is None
    assert district["children"] == [{"code": "SG-370303006001"}]
    assert district["federation"] == {"code": "FED-370303"}
    community = groups["SG-370303006001"]
    assert community["parent"] == {"code": "SG-370303"}
    assert [g["code"] for g in community["grids"]] == ["370303006001-001", "370303006001-002"]
    assert sorted(m["person"]["name"] for m in community["members"]) == ["孟丹阳", "魏素理"]
    assert data["councils"]["nodes"] == [
        {
            "code": "WC-370323002001",
            "founded": "2023-05-01",
            "area": {"name": "范子峪村"},
            "members": [],
        }
    ]
    assert data["allCouncils"]["totalCount"] == 2
    depts = data["departments"]["nodes"]
    assert [d["code"] for d in depts] == ["DEPT-GAJ", "DEPT-ZFW"]
    assert depts[0]["joinedSince"] == "2024-03-01"
    assert depts[0]["mechanism"]["federation"]["name"] == "淄博市妇联"
    assert {d["code"] for d in depts[0]["mechanism"]["departments"]} == {"DEPT-GAJ", "DEPT-ZFW"}
    assert data["venues"]["nodes"] == [
        {
            "name": "马明调解室",
            "brand": {"name": "马明调解室", "venues": [{"code": "V-MR-370302"}]},
            "volunteers": [],
        }
    ]
    assert data["registry"]["nodes"] == [
        {"code": "V-REG-370302", "volunteers": [{"person": {"name": "马明"}}]}
    ]
    assert data["zichuanVenues"]["totalCount"] == 2
    brands = {b["name"]: b for b in data["serviceBrands"]["nodes"]}
    assert set(brands) == {"孝乡家安", "幸福周全", "网事无忧"}
    assert brands["网事无忧"]["federation"] == {"name": "淄博市妇联"}
    assert data["allBrands"]["totalCount"] == 5
    assert [p["name"] for p in data["projects"]["nodes"]] == ["莲姐姐", "热线大姐"]
    assert data["projects"]["nodes"][0]["federation"]["name"] == "淄博市妇联"


def test_activities(api: TestClient) -> None:
    data = query(
        api,
        """{
          activities(areaCode: "370323") {
            nodes { title date kind description venue { name } participants { role person { name } } }
          }
          later: activities(dateFrom: "2025-01-01") { totalCount }
          legal: activities(kind: "LEGAL_OUTREACH", dateTo: "2024-12-31") { totalCount }
        }""",
    )
    activity = data["activities"]["nodes"][0]
    assert activity["title"] == "巾帼普法乡村行"
    assert activity["date"] == "2024-06-15"
    assert activity["venue"]["name"] == "巾帼宣讲微站"
    assert activity["participants"] == [
        {"role": "ORGANISER", "person": {"name": "周丽"}},
        {"role": "SPEAKER", "person": {"name": "陈静"}},
    ]
    assert data["later"]["totalCount"] == 0
    assert data["legal"]["totalCount"] == 1
    body = gql(api, '{ activities(dateFrom: "2025-01-02", dateTo: "2025-01-01") { totalCount } }')
    assert body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"


def test_families_and_schemes_for_an_admin(api: TestClient) -> None:
    data = query(
        api,
        """{
          families(gridCode: "370303006001-001") {
            nodes { code name members grid { code } category { name colour rank scheme { name } }
                    classifications { category { colour } since until by reason }
                    visits { date note visitor { name } } }
          }
          redOrange: families(areaCode: "370303", category: ["red", "orange"], notVisitedSince: "2025-06-01") {
            nodes { code }
          }
          byCode: families(category: ["SCH-WUSE:blue"]) { nodes { code people { name } } }
          classificationSchemes { nodes { name categories { code visitEveryDays } } }
        }""",
    )
    f2, f3 = data["families"]["nodes"]
    assert f2["category"] == {
        "name": "红色",
        "colour": "red",
        "rank": 1,
        "scheme": {"name": "五色家庭"},
    }
    assert [(c["category"]["colour"], c["until"]) for c in f2["classifications"]] == [
        ("red", None),
        ("orange", "2024-12-31"),
    ]
    assert f2["visits"] == [{"date": "2025-05-01", "note": "走访", "visitor": {"name": "王秀英"}}]
    assert f3["category"]["colour"] == "orange"
    assert data["redOrange"]["nodes"] == [{"code": "F-2"}]  # F-3 was visited on 2025-06-20
    assert data["byCode"]["nodes"] == [{"code": "F-1", "people": [{"name": "李小军"}]}]
    scheme = data["classificationSchemes"]["nodes"][0]
    assert [c["code"] for c in scheme["categories"]] == [
        "SCH-WUSE:red",
        "SCH-WUSE:orange",
        "SCH-WUSE:blue",
    ]


def test_case_and_cases(api: TestClient) -> None:
    data = query(
        api,
        """{
          case(id: "C2025-000002") {
            caseId title category status reportedAt closedAt daysToClose
            grid { code }
            timeline { seq action fromStatus toStatus case { caseId } }
            currentStep { toStatus }
            mediators { name } people { name } families { code } venues { name }
            referrals { at department { name } }
          }
          openMarriage: cases(filter: {category: [MARRIAGE_FAMILY], open: true, areaCode: "370303006"}) {
            nodes { caseId status currentStep { action } }
          }
          all: cases { totalCount nodes { caseId } }
          closed: cases(filter: {status: [CLOSED]}) { nodes { caseId daysToClose } }
          spring: cases(filter: {reportedFrom: "2025-03-01", reportedTo: "2025-04-30"}) { nodes { caseId } }
          inGrid: cases(filter: {gridCode: "370303001001-001"}) { nodes { caseId status timeline { seq } } }
          finished: cases(filter: {open: false}) { totalCount }
        }""",
    )
    case = data["case"]
    assert (case["category"], case["status"], case["daysToClose"]) == (
        "MARRIAGE_FAMILY",
        "HANDLING",
        None,
    )
    assert case["reportedAt"] == "2025-05-10T10:00:00+08:00"
    assert [s["action"] for s in case["timeline"]] == ["REPORT", "ACCEPT", "DISPATCH", "HANDLE"]
    assert case["timeline"][1]["fromStatus"] == "REPORTED"
    assert case["timeline"][0]["case"]["caseId"] == "C2025-000002"
    assert case["currentStep"] == {"toStatus": "HANDLING"}
    assert case["mediators"] == [{"name": "王秀英"}]
    assert case["families"] == [{"code": "F-2"}]
    assert case["referrals"] == [
        {"at": "2025-05-11T09:00:00+08:00", "department": {"name": "市委政法委"}}
    ]
    assert data["openMarriage"]["nodes"] == [
        {"caseId": "C2025-000002", "status": "HANDLING", "currentStep": {"action": "HANDLE"}}
    ]
    # newest report first
    assert [c["caseId"] for c in data["all"]["nodes"]] == [
        "C2025-000002",
        "C2025-000003",
        "C2025-000001",
        "C2024-000004",
    ]
    assert {(c["caseId"], c["daysToClose"]) for c in data["closed"]["nodes"]} == {
        ("C2025-000001", 10),
        ("C2025-000003", 4),
    }
    assert [c["caseId"] for c in data["spring"]["nodes"]] == ["C2025-000003", "C2025-000001"]
    assert data["inGrid"]["nodes"] == [
        {"caseId": "C2024-000004", "status": "REJECTED", "timeline": []}
    ]
    assert data["finished"]["totalCount"] == 3
    body = gql(
        api,
        '{ cases(filter: {reportedFrom: "2025-05-01", reportedTo: "2025-01-01"}) { totalCount } }',
    )
    assert body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"


def test_case_pages_continue_newest_first(api: TestClient) -> None:
    first = query(api, "{ cases(first: 3) { pageInfo { endCursor hasNextPage } } }")["cases"]
    assert first["pageInfo"]["hasNextPage"] is True
    rest = query(
        api,
        "query ($after: String) { cases(first: 3, after: $after) { nodes { caseId } pageInfo { hasNextPage } } }",
        {"after": first["pageInfo"]["endCursor"]},
    )["cases"]
    assert rest["nodes"] == [{"caseId": "C2024-000004"}]
    assert rest["pageInfo"]["hasNextPage"] is False
