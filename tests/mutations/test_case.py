"""The case workflow mutations: the whole path, every illegal transition, typed refusals,
concurrent transitions, the timeline and the audit entry of each step."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pytest
from neo4j import Driver
from starlette.testclient import TestClient

from core.model import CaseStatus
from core.settings import Settings
from core.workflow import MUTATION, TRANSITIONS, CaseAction, allowed_actions
from tests.conftest import gql, make_test_settings
from tests.mutations.conftest import BANYANG_GRID, LI, MA, WANG, ZHANGDIAN, caller
from tests.mutations.workflow import PATH_TO, act, case_in, document, report, step_input

AUDIT_OF = """
MATCH (e:AuditEntry {target: $target})
RETURN e.action AS action, e.actor AS actor, e.actorRole AS role, e.before AS before,
       e.after AS after
ORDER BY e.at, e.id
"""


def test_report_to_close_builds_the_timeline_and_an_audit_entry_per_step(
    run: Callable[..., dict], graph: Driver, settings: Settings
) -> None:
    reported = report(run, role="caseworker", area=ZHANGDIAN)
    assert reported["__typename"] == "Case"
    case_id = reported["caseId"]
    assert reported["status"] == "REPORTED"
    assert [s["action"] for s in reported["timeline"]] == ["REPORT"]

    steps = [
        (CaseAction.ACCEPT, {}),
        (CaseAction.DISPATCH, {"venueCode": "V-MED-370303", "departmentCodes": ["DEPT-ZFW"]}),
        (CaseAction.RECORD_HANDLING, {"actorPersonId": LI}),
        (CaseAction.RECORD_HANDLING, {}),
        (CaseAction.FEED_BACK, {}),
        (CaseAction.VERIFY, {}),
        (CaseAction.CLOSE, {"outcome": "双方和解"}),
    ]
    for action, extra in steps:
        result = act(run, action, case_id, role="caseworker", area=ZHANGDIAN, **extra)
        assert result["__typename"] == "Case", result
    closed = result
    assert closed["status"] == "CLOSED" and closed["outcome"] == "双方和解"
    assert closed["closedAt"] is not None
    assert [m["personId"] for m in closed["mediators"]] == [WANG]
    assert [v["code"] for v in closed["venues"]] == ["V-MED-370303"]
    assert [r["department"]["code"] for r in closed["referrals"]] == ["DEPT-ZFW"]
    timeline = closed["timeline"]
    assert [s["seq"] for s in timeline] == list(range(1, 9))
    assert [s["stepId"] for s in timeline][-1] == f"{case_id}#8"
    assert [(s["fromStatus"], s["toStatus"]) for s in timeline] == [
        (None, "REPORTED"),
        ("REPORTED", "ACCEPTED"),
        ("ACCEPTED", "DISPATCHED"),
        ("DISPATCHED", "HANDLING"),
        ("HANDLING", "HANDLING"),
        ("HANDLING", "FED_BACK"),
        ("FED_BACK", "VERIFIED"),
        ("VERIFIED", "CLOSED"),
    ]
    assert {s["actor"] for s in timeline} == {"caseworker 370303"}
    assert timeline[1]["note"] == "accept note"

    # The read API shows the same timeline, and the step's actor person.
    data = run(
        "query($id: ID!) { case(id: $id) { status timeline { action actorPerson { personId } } } }",
        {"id": case_id},
    )
    assert data["case"]["status"] == "CLOSED"
    assert data["case"]["timeline"][3]["actorPerson"] == {"personId": LI}

    records, _, _ = graph.execute_query(
        AUDIT_OF, target=f"Case:{case_id}", database_=settings.neo4j_database
    )
    assert [r["action"] for r in records] == ["reportCase"] + [MUTATION[a] for a, _ in steps]
    assert {r["actor"] for r in records} == {"jwt:caseworker-370303"}
    assert {r["role"] for r in records} == {"caseworker"}
    assert '"status": "REPORTED"' in records[1]["before"]
    assert '"status": "ACCEPTED"' in records[1]["after"]


ILLEGAL = [
    (status, action)
    for status in PATH_TO
    for action in CaseAction
    if action is not CaseAction.REPORT and (CaseStatus(status), action) not in TRANSITIONS
]


@pytest.fixture(scope="module")
def cases_by_status(app: TestClient) -> dict[str, str]:
    """One case in each status, made through the API."""

    def run(document: str, variables: dict | None = None, role: str = "admin", area=None) -> dict:
        body = gql(app, document, variables, **caller(role, area))
        assert "errors" not in body, body
        return body["data"]

    return {status: case_in(run, status) for status in PATH_TO}


@pytest.mark.parametrize(("status", "action"), ILLEGAL, ids=[f"{s}-{a}" for s, a in ILLEGAL])
def test_every_illegal_transition_is_refused_naming_state_and_next_steps(
    status: str,
    action: CaseAction,
    cases_by_status: dict[str, str],
    run: Callable[..., dict],
    unchanged: Callable[[], Any],
) -> None:
    with unchanged():
        result = act(run, action, cases_by_status[status])
    assert result["__typename"] == "InvalidTransition"
    allowed = allowed_actions(CaseStatus(status))
    assert result["current"] == status
    assert result["action"] == action.value
    assert result["allowed"] == [a.value for a in allowed]
    assert result["allowedMutations"] == [MUTATION[a] for a in allowed]
    assert status in result["message"] and MUTATION[action] in result["message"]


def test_there_are_51_illegal_transitions() -> None:
    assert len(ILLEGAL) == 8 * 8 - 13


@pytest.mark.parametrize(
    ("status", "action", "after"),
    [
        ("DISPATCHED", CaseAction.RETURN, "ACCEPTED"),
        ("HANDLING", CaseAction.RETURN, "ACCEPTED"),
        ("FED_BACK", CaseAction.RETURN, "HANDLING"),
        ("VERIFIED", CaseAction.RETURN, "HANDLING"),
        ("ACCEPTED", CaseAction.REJECT, "REJECTED"),
    ],
)
def test_returns_and_rejections(
    status: str, action: CaseAction, after: str, run: Callable[..., dict]
) -> None:
    case_id = case_in(run, status)
    result = act(run, action, case_id, note="材料不全")
    assert result["__typename"] == "Case"
    assert result["status"] == after
    assert result["timeline"][-1]["note"] == "材料不全"


def test_typed_refusals(run: Callable[..., dict], unchanged: Callable[[], Any]) -> None:
    case_id = case_in(run, "ACCEPTED")
    with unchanged():
        missing = act(run, CaseAction.ACCEPT, "C1999-000001")
        assert missing["__typename"] == "NotFound"
        assert (missing["type"], missing["key"], missing["field"]) == (
            "Case",
            "C1999-000001",
            "caseId",
        )

        no_reason = act(run, CaseAction.RETURN, case_id, note="  ")
        assert no_reason["__typename"] == "ValidationError"
        assert no_reason["fields"][0]["field"] == "note"
        assert no_reason["fields"][0]["code"] == "REQUIRED"

        nowhere = act(run, CaseAction.DISPATCH, case_id, mediatorIds=[])
        assert nowhere["__typename"] == "ValidationError"

        unknown_venue = act(run, CaseAction.DISPATCH, case_id, mediatorIds=[], venueCode="V-X")
        assert unknown_venue["__typename"] == "NotFound"
        assert (unknown_venue["field"], unknown_venue["key"]) == ("venueCode", "V-X")

        unknown_grid = report(run, grid="370303006001-999")
        assert unknown_grid["__typename"] == "NotFound"
        assert unknown_grid["field"] == "gridCode"

        blank = run(
            document(CaseAction.ACCEPT)
            .replace("acceptCase", "reportCase")
            .replace("CaseStepInput", "ReportCaseInput"),
            {"input": {"title": " ", "category": "OTHER", "gridCode": "370303006001-001"}},
        )["reportCase"]
        assert blank["__typename"] == "ValidationError"
        assert blank["fields"][0]["field"] == "title"

        viewer = act(run, CaseAction.DISPATCH, case_id, role="viewer")
        assert viewer["__typename"] == "Forbidden"
        assert viewer["requiredRole"] == "CASEWORKER"

        # Outside the caller's area: the same NotFound as a case or grid that does not exist.
        outside = act(run, CaseAction.DISPATCH, case_id, role="caseworker", area="370302")
        assert outside["__typename"] == "NotFound"
        assert (outside["type"], outside["key"], outside["field"]) == ("Case", case_id, "caseId")
        assert outside["message"] == f"No Case with key {case_id!r}."

        outside_report = report(run, role="caseworker", area="370302")
        assert outside_report["__typename"] == "NotFound"
        assert outside_report["field"] == "gridCode"


def test_report_links_reporters_parties_and_families(
    run: Callable[..., dict], unchanged: Callable[[], Any]
) -> None:
    document = """mutation($input: ReportCaseInput!) { reportCase(input: $input) {
        __typename
        ... on Case { caseId reporters { personId } people { personId }
                      families { code } grid { code } category }
        ... on NotFound { type key field } } }"""
    given = {
        "title": "邻里噪音",
        "category": "NEIGHBOUR",
        "gridCode": BANYANG_GRID,
        "reporterIds": [MA],
        "personIds": [MA],
        "familyCodes": ["F-M2"],
    }
    result = run(document, {"input": given}, role="caseworker", area="370302")["reportCase"]
    assert result["caseId"].startswith("C20")
    assert result["reporters"] == [{"personId": MA}]
    assert result["people"] == [{"personId": MA}]
    assert result["families"] == [{"code": "F-M2"}]
    assert result["grid"] == {"code": BANYANG_GRID}
    assert result["category"] == "NEIGHBOUR"

    # People and families of another area cannot be named: they answer as unknown ones do.
    with unchanged():
        named = (("reporterIds", [WANG]), ("personIds", [LI]), ("familyCodes", ["F-M1"]))
        for name, value in named:
            refused = run(
                document, {"input": given | {name: value}}, role="caseworker", area="370302"
            )["reportCase"]
            assert refused == {
                "__typename": "NotFound",
                "type": "Family" if name == "familyCodes" else "Person",
                "key": value[0],
                "field": name,
            }


def test_case_ids_count_up_within_the_year(run: Callable[..., dict]) -> None:
    first, second = report(run)["caseId"], report(run)["caseId"]
    assert second[:6] == first[:6]
    assert int(second[6:]) == int(first[6:]) + 1


def test_concurrent_transitions_on_one_case_cannot_both_succeed(
    run: Callable[..., dict], graph: Driver, settings: Settings
) -> None:
    """Two clients (two apps, two drivers) accept the same case at the same moment."""
    from main import create_app

    case_id = report(run)["caseId"]
    app_settings = make_test_settings(rate_limit_burst=1_000_000, rate_limit_per_minute=1e9)
    barrier = threading.Barrier(2)
    results: list[dict[str, Any]] = []

    def accept(client: TestClient, who: str) -> None:
        barrier.wait()
        body = gql(
            client,
            document(CaseAction.ACCEPT),
            {"input": step_input(CaseAction.ACCEPT, case_id, note=who)},
            **caller("caseworker", ZHANGDIAN),
        )
        results.append(body["data"]["acceptCase"])

    with TestClient(create_app(app_settings)) as one, TestClient(create_app(app_settings)) as two:
        threads = [
            threading.Thread(target=accept, args=(one, "one")),
            threading.Thread(target=accept, args=(two, "two")),
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()

    kinds = sorted(r["__typename"] for r in results)
    assert kinds == ["Case", "InvalidTransition"], results
    refused = next(r for r in results if r["__typename"] == "InvalidTransition")
    assert refused["current"] == "ACCEPTED"
    records, _, _ = graph.execute_query(
        "MATCH (:Case {id: $id})-[:HAS_STEP]->(s:CaseStep) RETURN s.action AS action, "
        "s.seq AS seq ORDER BY s.seq",
        id=case_id,
        database_=settings.neo4j_database,
    )
    assert [(r["seq"], r["action"]) for r in records] == [(1, "REPORT"), (2, "ACCEPT")]
    audit, _, _ = graph.execute_query(
        AUDIT_OF, target=f"Case:{case_id}", database_=settings.neo4j_database
    )
    assert [r["action"] for r in audit] == ["reportCase", "acceptCase"]


def test_many_concurrent_dispatches_yield_exactly_one_step(
    run: Callable[..., dict], app: TestClient
) -> None:
    """Six threads race to dispatch one case: one wins, five see DISPATCHED and are refused."""
    case_id = case_in(run, "ACCEPTED")
    barrier = threading.Barrier(6)
    results: list[str] = []

    def dispatch() -> None:
        barrier.wait()
        body = gql(
            app,
            document(CaseAction.DISPATCH),
            {"input": step_input(CaseAction.DISPATCH, case_id)},
            **caller("admin"),
        )
        results.append(body["data"]["dispatchCase"]["__typename"])

    threads = [threading.Thread(target=dispatch) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results) == ["Case"] + ["InvalidTransition"] * 5
    timeline = run("query($id: ID!) { case(id: $id) { timeline { action } } }", {"id": case_id})
    assert [s["action"] for s in timeline["case"]["timeline"]] == ["REPORT", "ACCEPT", "DISPATCH"]
