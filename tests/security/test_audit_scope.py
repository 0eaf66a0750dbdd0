"""Attacks on `auditLog` by an admin limited to an area: it reads exactly the entries about
things in its area, masked like the fields, and no filter or cursor reaches past them.

The graph is the mutation tests' one: 张店区 370303 and 淄川区 370302. A city admin makes the
changes; admins limited to either district read the log. One person moves from 淄川区 to 张店区
half-way, so her older entries stay with 淄川区 and the move itself is seen by both.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from neo4j import Driver
from starlette.testclient import TestClient

from core.audit import place_existing_entries
from core.auth import AccessRole
from core.identity import IdentityKey
from core.migrations import MIGRATIONS, apply_migrations
from core.settings import Settings
from resolvers.mutations.common import PERMISSIONS
from tests.conftest import gql, make_test_settings, wipe_graph
from tests.mutations.conftest import (
    BANYANG_GRID,
    CREATE_MUTATION_GRAPH,
    LIUYI_GRID,
    MA,
    WANG,
    ZHANGDIAN,
    ZICHUAN,
    caller,
)

RESULT = (
    "__typename ... on MutationError { message } ... on ValidationError { fields { field code } }"
)
UPDATE_PERSON = (
    "mutation($id: ID!, $i: PersonInput!) { updatePerson(id: $id, input: $i) { " + RESULT + " } }"
)
CREATE_PERSON = (
    "mutation($i: PersonInput!) { createPerson(input: $i) { "
    + RESULT
    + " ... on Person { personId } } }"
)
APPOINT = "mutation($i: AppointInput!) { appoint(input: $i) { " + RESULT + " } }"
REPORT = (
    "mutation($i: ReportCaseInput!) { reportCase(input: $i) { "
    + RESULT
    + " ... on Case { caseId } } }"
)
CLASSIFY = "mutation($i: ClassifyFamilyInput!) { classifyFamily(input: $i) { " + RESULT + " } }"

LOG = """query($first: Int, $after: String, $target: String, $actor: String, $action: String) {
  auditLog(first: $first, after: $after, target: $target, actor: $actor, action: $action) {
    totalCount pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
    edges { cursor node { id action target actor before after } } } }"""


@pytest.fixture(scope="module")
def app(driver: Driver, settings: Settings) -> Iterator[TestClient]:
    """The mutation graph, alone in the database for this module, and the real app on it."""
    from main import create_app

    wipe_graph(driver, settings.neo4j_database)
    driver.execute_query(CREATE_MUTATION_GRAPH, database_=settings.neo4j_database)
    app_settings = make_test_settings(rate_limit_burst=1_000_000, rate_limit_per_minute=1e9)
    with TestClient(create_app(app_settings)) as client:
        yield client
    wipe_graph(driver, settings.neo4j_database)


def mutate(app: TestClient, document: str, variables: dict[str, Any]) -> dict[str, Any]:
    """Run a mutation as the city admin; its one result, which must not be a refusal."""
    body = gql(app, document, variables, **caller("admin"))
    assert "errors" not in body, body["errors"]
    (result,) = body["data"].values()
    assert result["__typename"] not in {"ValidationError", "NotFound", "Forbidden", "Conflict"}, (
        result
    )
    return result


@pytest.fixture(scope="module")
def history(app: TestClient) -> dict[str, list[tuple[str, str]]]:
    """The changes, each as (action, target), by the districts whose admins must see them."""
    zc: list[tuple[str, str]] = []
    zd: list[tuple[str, str]] = []

    mutate(app, UPDATE_PERSON, {"id": MA, "i": {"phone": "13812348001"}})
    zc.append(("updatePerson", f"Person:{MA}"))
    mutate(app, UPDATE_PERSON, {"id": WANG, "i": {"phone": "13812348002"}})
    zd.append(("updatePerson", f"Person:{WANG}"))

    since = "2025-01-01"
    mutate(app, APPOINT, {"i": {"personId": WANG, "role": "GRID_HEAD", "unitCode": LIUYI_GRID,
                                "since": since}})  # fmt: skip
    zd.append(("appoint", f"Person:{WANG}"))
    mutate(app, APPOINT, {"i": {"personId": MA, "role": "GRID_HEAD", "unitCode": BANYANG_GRID,
                                "since": since}})  # fmt: skip
    zc.append(("appoint", f"Person:{MA}"))

    for grid, seen in ((LIUYI_GRID, zd), (BANYANG_GRID, zc)):
        case = mutate(app, REPORT, {"i": {"title": "邻里纠纷", "category": "NEIGHBOUR",
                                          "gridCode": grid, "summary": "噪音"}})  # fmt: skip
        seen.append(("reportCase", f"Case:{case['caseId']}"))
    for family, seen in (("F-M1", zd), ("F-M2", zc)):
        mutate(app, CLASSIFY, {"i": {"familyCode": family, "categoryCode": "SCH-M:red",
                                     "reason": "家暴风险", "since": since}})  # fmt: skip
        seen.append(("classifyFamily", f"Family:{family}"))

    # 赵兰 lives in 淄川区, then moves to 张店区.
    made = mutate(app, CREATE_PERSON, {"i": {"name": "赵兰", "phone": "13812348003",
                                             "residenceCode": "370302001001"}})  # fmt: skip
    zhao = f"Person:{made['personId']}"
    zc.append(("createPerson", zhao))
    mutate(app, UPDATE_PERSON, {"id": made["personId"], "i": {"employer": "般阳小学"}})
    zc.append(("updatePerson", zhao))
    mutate(app, UPDATE_PERSON, {"id": made["personId"], "i": {"residenceCode": "370303006001"}})
    zc.append(("updatePerson", zhao))
    zd.append(("updatePerson", zhao))
    mutate(app, UPDATE_PERSON, {"id": made["personId"], "i": {"phone": "13812348004"}})
    zd.append(("updatePerson", zhao))
    return {ZICHUAN: zc, ZHANGDIAN: zd, "zhao": [("", zhao)]}


def log(app: TestClient, role: str = "admin", area: str | None = None, **variables: Any) -> Any:
    body = gql(app, LOG, {"first": 100} | variables, **caller(role, area))
    assert "errors" not in body, body["errors"]
    return body["data"]["auditLog"]


def seen(page: dict[str, Any]) -> list[tuple[str, str]]:
    return [(e["node"]["action"], e["node"]["target"]) for e in page["edges"]]


def test_a_scoped_admin_reads_only_the_entries_of_its_area(
    app: TestClient, history: dict[str, list[tuple[str, str]]]
) -> None:
    assert log(app)["totalCount"] == 12
    for area, expected in ((ZHANGDIAN, 6), (ZICHUAN, 7)):
        page = log(app, area=area)
        assert page["totalCount"] == expected == len(history[area])
        assert sorted(seen(page)) == sorted(history[area])


def test_the_phone_numbers_of_people_elsewhere_never_appear(
    app: TestClient, history: dict[str, list[tuple[str, str]]]
) -> None:
    text = json.dumps(log(app, area=ZHANGDIAN), ensure_ascii=False)
    assert "13812348001" not in text  # 马明's, in 淄川区
    assert "13812348002" in text  # 王秀英's
    # 赵兰's first phone only as the old value of the change made after she moved here.
    assert text.count("13812348003") == 1 and "13812348004" in text
    assert "13812348003" in json.dumps(log(app, area=ZICHUAN), ensure_ascii=False)


def test_filters_answer_out_of_area_entries_as_nothing(
    app: TestClient, history: dict[str, list[tuple[str, str]]]
) -> None:
    nobody = log(app, area=ZHANGDIAN, target="Person:P-ffffffffffffffff")
    assert nobody["totalCount"] == 0 and nobody["edges"] == []
    for target in {t for _, t in history[ZICHUAN]} - {t for _, t in history[ZHANGDIAN]}:
        assert log(app, area=ZHANGDIAN, target=target) == nobody
    assert seen(log(app, area=ZHANGDIAN, action="reportCase")) == [
        e for e in history[ZHANGDIAN] if e[0] == "reportCase"
    ]
    by_admin = log(app, area=ZHANGDIAN, actor="jwt:admin-city")
    assert sorted(seen(by_admin)) == sorted(history[ZHANGDIAN])
    assert log(app, area=ZHANGDIAN, actor="jwt:nobody") == nobody


def test_cursors_do_not_cross_out_of_the_area(
    app: TestClient, history: dict[str, list[tuple[str, str]]]
) -> None:
    walked: list[tuple[str, str]] = []
    after = None
    while True:
        page = log(app, area=ZHANGDIAN, first=2, after=after)
        assert page["totalCount"] == len(history[ZHANGDIAN])
        walked += seen(page)
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    assert sorted(walked) == sorted(history[ZHANGDIAN])

    # A cursor the city admin got on an entry of 淄川区: from there on, still only 张店区's.
    ours = {e["node"]["id"] for e in log(app, area=ZHANGDIAN)["edges"]}
    city = [e["node"]["id"] for e in log(app)["edges"]]
    cursors = [e["cursor"] for e in log(app)["edges"]]
    for index, entry in enumerate(city):
        if entry in ours:
            continue
        crossed = log(app, area=ZHANGDIAN, after=cursors[index])
        assert [e["node"]["id"] for e in crossed["edges"]] == [
            e for e in city[index + 1 :] if e in ours
        ]


def test_masking_follows_the_fields_if_the_log_is_opened_to_lower_roles(
    app: TestClient, history: dict[str, list[tuple[str, str]]], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(PERMISSIONS, "auditLog", AccessRole.VIEWER)

    def values(role: str, action: str, target: str) -> tuple[Any, Any]:
        page = log(app, role=role, area=ZHANGDIAN, target=target, action=action)
        node = page["edges"][-1]["node"]
        return node["before"], node["after"]

    phone = ("updatePerson", f"Person:{WANG}")
    assert values("admin", *phone) == ({"phone": None}, {"phone": "13812348002"})
    for role in ("viewer", "caseworker", "editor"):
        assert values(role, *phone) == ({"phone": None}, {"phone": "138****8002"})
    family = ("classifyFamily", "Family:F-M1")
    assert values("viewer", *family) == (None, None)
    for role in ("caseworker", "admin"):
        assert values(role, *family)[1]["category"] == "SCH-M:red"
    (zhao,) = {t for _, t in history["zhao"]}
    created = log(app, role="viewer", area=ZICHUAN, target=zhao, action="createPerson")
    assert created["edges"][0]["node"]["after"]["phone"] == "138****8003"


def test_entries_of_existing_graphs_are_placed_by_the_migration(
    app: TestClient,
    history: dict[str, list[tuple[str, str]]],
    driver: Driver,
    settings: Settings,
    identity: IdentityKey,
) -> None:
    """Entries written before areas were recorded get them from where their target lies now;
    an entry whose target is gone cannot be placed and is left to unscoped admins."""
    db = settings.neo4j_database
    targets = {f"Person:{WANG}": [ZHANGDIAN], "Family:F-M2": [ZICHUAN], "Case:C1999-000001": []}
    driver.execute_query(
        """UNWIND $targets AS target
        CREATE (:AuditEntry {id: 'old-' + target, name: 'old', at: datetime('2020-01-01T00:00Z'),
                actor: 'development', actorRole: 'admin', action: 'oldChange', target: target})""",
        targets=list(targets),
        database_=db,
    )
    try:
        (migration,) = [m for m in MIGRATIONS if m.data is place_existing_entries]
        driver.execute_query(
            "MATCH (m:Migration {id: $id}) DELETE m", id=migration.id, database_=db
        )
        assert apply_migrations(driver, db, identity) == [migration.id]
        for target, areas in targets.items():
            for area in (ZHANGDIAN, ZICHUAN):
                found = log(app, area=area, action="oldChange", target=target)["totalCount"]
                assert found == (1 if area in areas else 0), (target, area)
            assert log(app, action="oldChange", target=target)["totalCount"] == 1
    finally:
        driver.execute_query("MATCH (e:AuditEntry {action: 'oldChange'}) DELETE e", database_=db)
