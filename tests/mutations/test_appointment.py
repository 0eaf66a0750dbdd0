"""`appoint` / `endAppointment` for every role; overlaps refused; dual roles follow."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from core.model import ROLE_RELATIONSHIP, Label, Role
from tests.mutations.conftest import LI, LIUYI_GRID, LIUYI_GRID_2, MA, WANG, ZICHUAN

RESULT = """
  __typename
  ... on Appointment { id role since until building inForce(asOf: "2025-06-01")
    person { personId } unit { __typename } }
  ... on MutationError { message }
  ... on ValidationError { fields { field code } }
  ... on NotFound { type key field }
  ... on Forbidden { requiredRole areaCode }
  ... on Conflict { existingId }
"""
APPOINT = "mutation($i: AppointInput!) { appoint(input: $i) {" + RESULT + "} }"
END = "mutation($i: EndAppointmentInput!) { endAppointment(input: $i) {" + RESULT + "} }"

UNIT = {
    Label.GRID: LIUYI_GRID,
    Label.FEDERATION: "FED-370303",
    Label.SISTERS_GROUP: "SG-370303006001",
    Label.COUNCIL: "WC-370303006001",
    Label.VENUE: "V-MED-370303",
}


@pytest.mark.parametrize("role", list(Role), ids=lambda r: r.value)
def test_appoint_and_end_every_role(role: Role, run: Callable[..., dict]) -> None:
    label = ROLE_RELATIONSHIP[role][1]
    given: dict[str, Any] = {
        "personId": LI,
        "role": role.value,
        "unitCode": UNIT[label],
        "since": "2025-01-01",
    }
    if role is Role.BUILDING_HEAD:
        given["building"] = "3号楼"
    made = run(APPOINT, {"i": given}, role="editor", area="370303")["appoint"]
    assert made["__typename"] == "Appointment", made
    assert made["id"] == f"{LI}|{role.value}|{UNIT[label]}|2025-01-01"
    assert made["unit"]["__typename"] == label.value
    assert made["inForce"] is True
    assert made["building"] == ("3号楼" if role is Role.BUILDING_HEAD else None)
    ended = run(END, {"i": {"id": made["id"], "until": "2025-05-31"}}, role="editor")
    assert ended["endAppointment"]["until"] == "2025-05-31"
    assert ended["endAppointment"]["inForce"] is False
    again = run(END, {"i": {"id": made["id"], "until": "2025-05-31"}})["endAppointment"]
    assert again["__typename"] == "Conflict"


def test_overlapping_duplicates_are_refused(
    run: Callable[..., dict], unchanged: Callable[[], Any]
) -> None:
    base = {"personId": WANG, "role": "PART_TIME_GRID_WORKER", "unitCode": LIUYI_GRID_2}
    first = run(APPOINT, {"i": base | {"since": "2023-01-01", "until": "2023-12-31"}})["appoint"]
    assert first["__typename"] == "Appointment"
    with unchanged():
        for since, until in (
            ("2023-06-01", None),
            ("2022-01-01", "2023-01-01"),
            ("2023-12-31", "2024-02-01"),
        ):
            clash = run(APPOINT, {"i": base | {"since": since, "until": until}})["appoint"]
            assert clash["__typename"] == "Conflict", (since, until)
            assert clash["existingId"] == first["id"]
    later = run(APPOINT, {"i": base | {"since": "2024-01-01"}})["appoint"]
    assert later["__typename"] == "Appointment"
    with unchanged():
        open_clash = run(APPOINT, {"i": base | {"since": "2030-01-01"}})["appoint"]
        assert open_clash["__typename"] == "Conflict"
        assert open_clash["existingId"] == later["id"]
    # Another role or another unit is no duplicate.
    other = run(APPOINT, {"i": base | {"role": "BUILDING_HEAD", "since": "2024-01-01"}})
    assert other["appoint"]["__typename"] == "Appointment"


def test_dual_role_status_follows_the_appointments(run: Callable[..., dict]) -> None:
    query = """query($d: Date!) { dualRoleMembers(asOf: $d) { nodes { person { personId } } } }"""

    def dual(day: str) -> set[str]:
        rows = run(query, {"d": day})["dualRoleMembers"]["nodes"]
        return {row["person"]["personId"] for row in rows}

    assert MA not in dual("2025-03-01")
    grid = {"personId": MA, "role": "FULL_TIME_GRID_WORKER", "unitCode": "370302001001-001"}
    post = {"personId": MA, "role": "FEDERATION_EXECUTIVE", "unitCode": "FED-370302"}
    assert run(APPOINT, {"i": grid | {"since": "2025-01-01"}})["appoint"]["__typename"] == (
        "Appointment"
    )
    assert MA not in dual("2025-03-01")
    made = run(APPOINT, {"i": post | {"since": "2025-02-01"}})["appoint"]
    assert MA in dual("2025-03-01")
    run(END, {"i": {"id": made["id"], "until": "2025-04-30"}})
    assert MA in dual("2025-04-30")
    assert MA not in dual("2025-05-01")


def test_appointment_refusals(run: Callable[..., dict], unchanged: Callable[[], Any]) -> None:
    base = {"personId": LI, "role": "GRID_HEAD", "unitCode": LIUYI_GRID, "since": "2020-01-01"}
    with unchanged():
        bad = run(APPOINT, {"i": base | {"until": "2019-01-01", "building": "1号楼"}})["appoint"]
        assert bad["__typename"] == "ValidationError"
        assert {f["field"] for f in bad["fields"]} == {"until", "building"}
        wrong_kind = run(APPOINT, {"i": base | {"unitCode": "FED-370303"}})["appoint"]
        assert (wrong_kind["__typename"], wrong_kind["type"]) == ("NotFound", "Grid")
        nobody = run(APPOINT, {"i": base | {"personId": "P-ffffffffffffffff"}})["appoint"]
        assert (nobody["__typename"], nobody["field"]) == ("NotFound", "personId")
        caseworker = run(APPOINT, {"i": base}, role="caseworker")["appoint"]
        assert caseworker["__typename"] == "Forbidden"
        # A unit or a person of another area answers as an unknown one does.
        elsewhere = run(APPOINT, {"i": base | {"personId": MA}}, role="editor", area=ZICHUAN)
        assert elsewhere["appoint"] == {"__typename": "NotFound", "type": "Grid",
                                        "key": LIUYI_GRID, "field": "unitCode",
                                        "message": f"No Grid with key {LIUYI_GRID!r}."}  # fmt: skip
        stranger = run(APPOINT, {"i": base}, role="editor", area=ZICHUAN)["appoint"]
        assert (stranger["__typename"], stranger["field"]) == ("NotFound", "personId")
        malformed = run(END, {"i": {"id": "nonsense", "until": "2025-01-01"}})["endAppointment"]
        assert malformed["__typename"] == "ValidationError"
        unknown = run(END, {"i": {"id": f"{LI}|GRID_HEAD|{LIUYI_GRID}|1999-01-01",
                                  "until": "2025-01-01"}})["endAppointment"]  # fmt: skip
        assert (unknown["__typename"], unknown["type"]) == ("NotFound", "Appointment")
