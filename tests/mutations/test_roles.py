"""Each role's allowed and forbidden mutations, and area scoping of writes across two areas.

Every mutation is called with a key that does not exist: a role that may run it gets `NotFound`
(the permission check passed, nothing was written), a role that may not gets `Forbidden`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from core.auth import AccessRole
from resolvers.mutations.common import PERMISSIONS

REFUSED = "... on MutationError { __typename message } ... on Forbidden { requiredRole }"

CALLS: dict[str, tuple[str, dict[str, Any]]] = {
    "reportCase": (
        "mutation($i: ReportCaseInput!) { reportCase(input: $i) { %s } }",
        {"title": "t", "category": "OTHER", "gridCode": "NO-GRID"},
    ),
    **{
        name: (
            "mutation($i: CaseStepInput!) { " + name + "(input: $i) { %s } }",
            {"caseId": "C1900-000001", "note": "why"},
        )
        for name in (
            "acceptCase",
            "recordHandling",
            "feedBack",
            "verifyCase",
            "rejectCase",
            "returnCase",
        )
    },
    "dispatchCase": (
        "mutation($i: DispatchCaseInput!) { dispatchCase(input: $i) { %s } }",
        {"caseId": "C1900-000001", "venueCode": "V-NONE"},
    ),
    "closeCase": (
        "mutation($i: CloseCaseInput!) { closeCase(input: $i) { %s } }",
        {"caseId": "C1900-000001"},
    ),
    "recordVisit": (
        "mutation($i: RecordVisitInput!) { recordVisit(input: $i) { %s } }",
        {"familyCode": "F-NONE", "visitorId": "P-NONE", "date": "2025-01-01"},
    ),
    "classifyFamily": (
        "mutation($i: ClassifyFamilyInput!) { classifyFamily(input: $i) { %s } }",
        {"familyCode": "F-NONE", "categoryCode": "SCH-M:red", "reason": "r"},
    ),
    "appoint": (
        "mutation($i: AppointInput!) { appoint(input: $i) { %s } }",
        {"personId": "P-NONE", "role": "GRID_HEAD", "unitCode": "G", "since": "2025-01-01"},
    ),
    "endAppointment": (
        "mutation($i: EndAppointmentInput!) { endAppointment(input: $i) { %s } }",
        {"id": "P-NONE|GRID_HEAD|G|2025-01-01", "until": "2025-02-01"},
    ),
    "createPerson": (
        "mutation($i: PersonInput!) { createPerson(input: $i) { %s } }",
        {"name": "某某", "residenceCode": "NO-AREA"},
    ),
    "updatePerson": (
        'mutation($i: PersonInput!) { updatePerson(id: "P-NONE", input: $i) { %s } }',
        {"employer": "x"},
    ),
    "createGrid": (
        "mutation($i: CreateGridInput!) { createGrid(input: $i) { %s } }",
        {"code": "999999999999-001", "name": "g", "communityCode": "999999999999"},
    ),
    "updateGrid": (
        'mutation($i: UpdateGridInput!) { updateGrid(code: "NO-GRID", input: $i) { %s } }',
        {"name": "g"},
    ),
    "createCouncil": (
        "mutation($i: CreateCouncilInput!) { createCouncil(input: $i) { %s } }",
        {"communityCode": "999999999999", "name": "c"},
    ),
    "updateCouncil": (
        'mutation($i: UpdateCouncilInput!) { updateCouncil(code: "WC-NONE", input: $i) { %s } }',
        {"name": "c"},
    ),
    "createVenue": (
        "mutation($i: CreateVenueInput!) { createVenue(input: $i) { %s } }",
        {"code": "V-NEW", "name": "v", "kind": "MEDIATION_ROOM", "areaCode": "NO-AREA"},
    ),
    "updateVenue": (
        'mutation($i: UpdateVenueInput!) { updateVenue(code: "V-NONE", input: $i) { %s } }',
        {"name": "v"},
    ),
}

MUTATIONS = sorted(name for name in PERMISSIONS if name != "auditLog")
CASES = [(name, role) for name in MUTATIONS for role in AccessRole]


def test_every_mutation_is_covered() -> None:
    from schema import schema

    assert set(CALLS) == set(MUTATIONS)
    assert set(schema._schema.mutation_type.fields) == set(MUTATIONS)


@pytest.mark.parametrize(("name", "role"), CASES, ids=[f"{n}-{r.value}" for n, r in CASES])
def test_role_may_or_may_not_run_mutation(
    name: str, role: AccessRole, run: Callable[..., dict], unchanged: Callable[[], Any]
) -> None:
    document, variables = CALLS[name]
    with unchanged():
        result = run(document % REFUSED, {"i": variables}, role=role.value)[name]
    allowed = role.value in {r.value for r in AccessRole if _rank(r) >= _rank(PERMISSIONS[name])}
    if allowed:
        assert result["__typename"] == "NotFound", result
    else:
        assert result["__typename"] == "Forbidden", result
        assert result["requiredRole"] == PERMISSIONS[name].name


def _rank(role: AccessRole) -> int:
    return list(AccessRole).index(role)


def test_viewer_can_write_nothing() -> None:
    assert all(role is not AccessRole.VIEWER for role in PERMISSIONS.values())


def test_caseworker_runs_the_workflow_and_visits_only() -> None:
    assert {n for n, r in PERMISSIONS.items() if r is AccessRole.CASEWORKER} == {
        "reportCase", "acceptCase", "dispatchCase", "recordHandling", "feedBack",
        "verifyCase", "closeCase", "rejectCase", "returnCase", "recordVisit",
    }  # fmt: skip
