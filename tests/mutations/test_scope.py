"""Area scoping of writes: outside the caller's area is indistinguishable from nowhere.

For every mutation, an editor limited to 张店区 names something that exists in 淄川区, then
something that does not exist at all; the two responses (status, `data`, any `errors`) must be
the same but for the key itself, so that writing cannot tell a scoped caller what exists
elsewhere. The same goes for the nodes an input only refers to (a reporter, a mediator, a
venue, a visitor, a residence). A role that is too low stays `Forbidden`, wherever the target
lies. Neither refusal writes anything, audit entries included (`unchanged` snapshots them).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from datetime import date
from typing import Any, NamedTuple

import pytest
from neo4j import Driver
from starlette.testclient import TestClient

from core.settings import Settings
from core.validation import appointment_id
from core.workflow import MUTATION
from resolvers.mutations.common import PERMISSIONS
from tests.mutations.conftest import (
    BANYANG_GRID,
    LI,
    LIUYI_GRID,
    MA,
    WANG,
    ZHANGDIAN,
    ZICHUAN,
    caller,
)

NOBODY = "P-ffffffffffffffff"
ZC_CASE, ZD_ACCEPTED, ZD_REPORTED, NO_CASE = (
    "C1901-000001",
    "C1901-000002",
    "C1901-000003",
    "C1901-000099",
)
ZC_COUNCIL = "WC-SCOPE-370302"
ZC_APPOINTMENT = appointment_id(MA, "GRID_INSTRUCTOR", BANYANG_GRID, date(2024, 1, 1))

CREATE_SCOPE_SLICE = """
MATCH (zc:Grid {code: $zc_grid}), (zd:Grid {code: $zd_grid}), (by:Area {code: '370302001001'}),
      (ma:Person {id: $ma})
CREATE (:Case {id: $zc_case, name: '淄川区的案件', title: '淄川区的案件', category: 'OTHER',
               status: 'ACCEPTED', reportedAt: datetime()})-[:IN]->(zc)
CREATE (:Case {id: $zd_accepted, name: '张店区的案件', title: '张店区的案件', category: 'OTHER',
               status: 'ACCEPTED', reportedAt: datetime()})-[:IN]->(zd)
CREATE (:Case {id: $zd_reported, name: '张店区的新案件', title: '张店区的新案件',
               category: 'OTHER', status: 'REPORTED', reportedAt: datetime()})-[:IN]->(zd)
CREATE (:Council {code: $zc_council, name: '般阳社区另一议事会'})-[:IN]->(by)
CREATE (ma)-[:SERVES_GRID {id: $appointment, role: 'GRID_INSTRUCTOR',
                           since: date('2024-01-01')}]->(zc)
"""

DELETE_SCOPE_SLICE = """
MATCH (n)
WHERE (n:Case AND n.id IN [$zc_case, $zd_accepted, $zd_reported])
   OR (n:Council AND n.code = $zc_council)
DETACH DELETE n
WITH count(*) AS deleted
MATCH (:Person)-[r:SERVES_GRID {id: $appointment}]->(:Grid)
DELETE r
"""

SLICE = {
    "zc_grid": BANYANG_GRID,
    "zd_grid": LIUYI_GRID,
    "ma": MA,
    "zc_case": ZC_CASE,
    "zd_accepted": ZD_ACCEPTED,
    "zd_reported": ZD_REPORTED,
    "zc_council": ZC_COUNCIL,
    "appointment": ZC_APPOINTMENT,
}

EXISTS_IN_ZICHUAN = """
RETURN EXISTS {
  MATCH (n)-[:IN|LIVES_IN|PART_OF*0..4]->(:Area {code: '370302'})
  WHERE n.code = $key OR n.id = $key
} OR EXISTS {
  MATCH (:Person)-[r:SERVES_GRID {id: $key}]->(:Grid)-[:IN]->(:Area {code: '370302001001'})
} AS found
"""

REFUSALS = """__typename
  ... on MutationError { message }
  ... on NotFound { type key field }
  ... on Forbidden { requiredRole areaCode }
  ... on ValidationError { fields { field code message messageZh } }
  ... on Conflict { existingId }"""
CASE_REFUSALS = (
    REFUSALS + "\n  ... on InvalidTransition { current action allowed allowedMutations }"
)

CASE_MUTATIONS = set(MUTATION.values())

K = "<KEY>"
"""Stands for the key a probe varies, in its input and in the responses compared."""


class Probe(NamedTuple):
    mutation: str
    input_type: str
    given: dict[str, Any]
    outside: str
    missing: str
    argument: str = ""

    def document(self, key: str) -> str:
        """The mutation with `key` in place (a literal argument, or a variable of `input`)."""
        selection = CASE_REFUSALS if self.mutation in CASE_MUTATIONS else REFUSALS
        args = self.argument.replace(K, key) + "input: $i"
        return f"mutation($i: {self.input_type}!) {{ {self.mutation}({args}) {{ {selection} }} }}"

    def variables(self, key: str) -> dict[str, Any]:
        return {"i": _put(self.given, key)}


def _put(value: Any, key: str) -> Any:
    """`value` with the placeholder replaced by `key`, in strings, lists and dicts."""
    if isinstance(value, str):
        return value.replace(K, key)
    if isinstance(value, list):
        return [_put(v, key) for v in value]
    if isinstance(value, dict):
        return {k: _put(v, key) for k, v in value.items()}
    return value


def _step(name: str, **given: Any) -> Probe:
    return Probe(name, "CaseStepInput", {"caseId": K, "note": "why"} | given, ZC_CASE, NO_CASE)


def _unit(role: str, outside: str, missing: str) -> Probe:
    given = {"personId": WANG, "role": role, "unitCode": K, "since": "2025-01-01"}
    return Probe("appoint", "AppointInput", given, outside, missing)


REPORT = {"title": "t", "category": "OTHER", "gridCode": LIUYI_GRID}

PROBES: dict[str, Probe] = {
    # The case workflow: the case (or the grid) is the target ...
    "reportCase-grid": Probe(
        "reportCase", "ReportCaseInput", REPORT | {"gridCode": K}, BANYANG_GRID, f"{BANYANG_GRID}9"
    ),
    "acceptCase": _step("acceptCase"),
    "dispatchCase": Probe(
        "dispatchCase", "DispatchCaseInput", {"caseId": K, "mediatorIds": [WANG]}, ZC_CASE, NO_CASE
    ),
    "recordHandling": _step("recordHandling"),
    "feedBack": _step("feedBack"),
    "verifyCase": _step("verifyCase"),
    "closeCase": Probe("closeCase", "CloseCaseInput", {"caseId": K}, ZC_CASE, NO_CASE),
    "rejectCase": _step("rejectCase"),
    "returnCase": _step("returnCase"),
    # ... and the people, families and venues its input names.
    "reportCase-reporter": Probe(
        "reportCase", "ReportCaseInput", REPORT | {"reporterIds": [K]}, MA, NOBODY
    ),
    "reportCase-party": Probe(
        "reportCase", "ReportCaseInput", REPORT | {"personIds": [K]}, MA, NOBODY
    ),
    "reportCase-family": Probe(
        "reportCase", "ReportCaseInput", REPORT | {"familyCodes": [K]}, "F-M2", "F-NONE"
    ),
    "dispatchCase-mediator": Probe(
        "dispatchCase", "DispatchCaseInput", {"caseId": ZD_ACCEPTED, "mediatorIds": [K]}, MA, NOBODY
    ),
    "dispatchCase-venue": Probe(
        "dispatchCase",
        "DispatchCaseInput",
        {"caseId": ZD_ACCEPTED, "venueCode": K},
        "V-REG-370302",
        "V-NONE",
    ),
    "acceptCase-actor": Probe(
        "acceptCase", "CaseStepInput", {"caseId": ZD_REPORTED, "actorPersonId": K}, MA, NOBODY
    ),
    # Families.
    "recordVisit": Probe(
        "recordVisit",
        "RecordVisitInput",
        {"familyCode": K, "visitorId": WANG, "date": "2025-01-02"},
        "F-M2",
        "F-NONE",
    ),
    "recordVisit-visitor": Probe(
        "recordVisit",
        "RecordVisitInput",
        {"familyCode": "F-M1", "visitorId": K, "date": "2025-01-02"},
        MA,
        NOBODY,
    ),
    "classifyFamily": Probe(
        "classifyFamily",
        "ClassifyFamilyInput",
        {"familyCode": K, "categoryCode": "SCH-M:red", "reason": "r"},
        "F-M2",
        "F-NONE",
    ),
    # Appointments: the unit, of each kind, is the target; the person is named.
    "appoint": _unit("GRID_INSTRUCTOR", BANYANG_GRID, f"{BANYANG_GRID}9"),
    "appoint-federation": _unit("FEDERATION_EXECUTIVE", "FED-370302", "FED-NONE"),
    "appoint-venue": _unit("MEDIATION_VOLUNTEER", "V-REG-370302", "V-NONE"),
    "appoint-person": Probe(
        "appoint",
        "AppointInput",
        {"personId": K, "role": "GRID_HEAD", "unitCode": LIUYI_GRID, "since": "2025-01-01"},
        MA,
        NOBODY,
    ),
    "endAppointment": Probe(
        "endAppointment",
        "EndAppointmentInput",
        {"id": K, "until": "2025-06-30"},
        ZC_APPOINTMENT,
        appointment_id(MA, "GRID_INSTRUCTOR", BANYANG_GRID, date(1999, 1, 1)),
    ),
    "endAppointment-person": Probe(
        "endAppointment",
        "EndAppointmentInput",
        {"id": K, "until": "2025-06-30"},
        ZC_APPOINTMENT,
        appointment_id(NOBODY, "GRID_INSTRUCTOR", BANYANG_GRID, date(2024, 1, 1)),
    ),
    # People: the person, and the residence a form gives.
    "createPerson": Probe(
        "createPerson",
        "PersonInput",
        {"name": "某", "residenceCode": K},
        "370302001001",
        "370302001999",
    ),
    "updatePerson": Probe(
        "updatePerson", "PersonInput", {"employer": "x"}, MA, NOBODY, argument=f'id: "{K}", '
    ),
    "updatePerson-residence": Probe(
        "updatePerson",
        "PersonInput",
        {"residenceCode": K},
        "370302001001",
        "370302001999",
        argument=f'id: "{LI}", ',
    ),
    # Grids, councils, venues: the unit, or the area a new one is made in.
    "createGrid": Probe(
        "createGrid",
        "CreateGridInput",
        {"code": f"{K}-050", "name": "g", "communityCode": K},
        "370302001001",
        "370302001999",
    ),
    "updateGrid": Probe(
        "updateGrid", "UpdateGridInput", {"name": "g"}, BANYANG_GRID, "NO-GRID", f'code: "{K}", '
    ),
    "createCouncil": Probe(
        "createCouncil",
        "CreateCouncilInput",
        {"communityCode": K, "name": "c"},
        "370302001001",
        "370302001999",
    ),
    "updateCouncil": Probe(
        "updateCouncil",
        "UpdateCouncilInput",
        {"name": "c"},
        ZC_COUNCIL,
        "WC-NONE",
        f'code: "{K}", ',
    ),
    "createVenue": Probe(
        "createVenue",
        "CreateVenueInput",
        {"code": "V-SCOPE", "name": "v", "kind": "MEDIATION_ROOM", "areaCode": K},
        ZICHUAN,
        "370399",
    ),
    "updateVenue": Probe(
        "updateVenue", "UpdateVenueInput", {"name": "v"}, "V-REG-370302", "V-NONE", f'code: "{K}", '
    ),
}


@pytest.fixture(scope="module")
def scope_slice(graph: Driver, settings: Settings) -> Iterator[None]:
    """Cases, a council and an appointment of this module's own, created and removed here."""
    db = settings.neo4j_database
    graph.execute_query(DELETE_SCOPE_SLICE, SLICE, database_=db)
    graph.execute_query(CREATE_SCOPE_SLICE, SLICE, database_=db)
    yield
    graph.execute_query(DELETE_SCOPE_SLICE, SLICE, database_=db)


def _respond(app: TestClient, probe: Probe, key: str, role: str, area: str) -> dict[str, Any]:
    """The whole response, status included, with `key` written as the placeholder."""
    response = app.post(
        "/graphql",
        json={"query": probe.document(key), "variables": probe.variables(key)},
        headers=caller(role, area),
    )
    whole = {"status": response.status_code, "body": response.json()}
    return json.loads(json.dumps(whole, ensure_ascii=False).replace(key, K))


def test_every_mutation_is_probed() -> None:
    mutations = {name for name in PERMISSIONS if name != "auditLog"}
    assert {probe.mutation for probe in PROBES.values()} == mutations


@pytest.mark.parametrize("name", list(PROBES))
def test_outside_the_area_answers_as_nowhere(
    name: str, app: TestClient, scope_slice: None, unchanged: Callable[[], Any]
) -> None:
    probe = PROBES[name]
    with unchanged():
        outside = _respond(app, probe, probe.outside, "editor", ZHANGDIAN)
        missing = _respond(app, probe, probe.missing, "editor", ZHANGDIAN)
    assert outside == missing
    result = outside["body"]["data"][probe.mutation]
    assert result["__typename"] == "NotFound", outside
    assert result["key"] == K, outside
    assert "errors" not in outside["body"] and outside["status"] == 200


def test_the_outside_keys_exist_outside(
    graph: Driver, settings: Settings, scope_slice: None
) -> None:
    """Each probe's outside key names a node (or the appointment) in 淄川区 and none is
    missing, or the comparison above would prove nothing."""
    for name, probe in PROBES.items():
        records, _, _ = graph.execute_query(
            EXISTS_IN_ZICHUAN, key=probe.outside, database_=settings.neo4j_database
        )
        assert records[0]["found"], name
        records, _, _ = graph.execute_query(
            EXISTS_IN_ZICHUAN, key=probe.missing, database_=settings.neo4j_database
        )
        assert not records[0]["found"], name


@pytest.mark.parametrize(
    ("name", "role"), [("classifyFamily", "caseworker"), ("recordVisit", "viewer")]
)
def test_a_role_too_low_is_forbidden_wherever_the_target_lies(
    name: str, role: str, app: TestClient, scope_slice: None, unchanged: Callable[[], Any]
) -> None:
    probe = PROBES[name]
    with unchanged():
        answers = [_respond(app, probe, key, role, ZHANGDIAN) for key in ("F-M2", "F-NONE", "F-M1")]
    assert answers[0] == answers[1] == answers[2]
    result = answers[0]["body"]["data"][name]
    assert result["__typename"] == "Forbidden"
    assert result["requiredRole"] == ("EDITOR" if role == "caseworker" else "CASEWORKER")
    assert result["areaCode"] is None
