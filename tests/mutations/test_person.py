"""`createPerson` / `updatePerson`: shared validation, keys, masking, scope and the audit diff."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from core.identity import IdentityKey
from core.validation import make_id_number
from tests.mutations.conftest import LI, MA, ZHANGDIAN

RESULT = """
  __typename
  ... on Person { personId name gender birthDate phone idNumber partyMember residence { code } }
  ... on MutationError { message }
  ... on ValidationError { fields { field code message messageZh } }
  ... on NotFound { type key field }
  ... on Forbidden { requiredRole areaCode }
  ... on Conflict { existingId }
"""
CREATE = "mutation($i: PersonInput!) { createPerson(input: $i) {" + RESULT + "} }"
UPDATE = (
    "mutation($id: ID!, $i: PersonInput!) { updatePerson(id: $id, input: $i) {" + RESULT + "} }"
)
ID_NUMBER = make_id_number("370303", date(1985, 3, 12), 7, "F")
AUDIT = """query($t: String) { auditLog(target: $t, first: 5) { totalCount
  nodes { action actor actorRole target before after } } }"""


def test_create_and_update_a_person(
    run: Callable[..., dict], unchanged: Callable[[], Any], identity: IdentityKey
) -> None:
    given = {
        "name": "孟 丹阳",
        "idNumber": ID_NUMBER.lower(),
        "phone": "+86 139-1234-8000",
        "politicalStatus": "党员",
        "residenceCode": "370303006001",
    }
    made = run(CREATE, {"i": given}, role="editor", area=ZHANGDIAN)["createPerson"]
    key = identity.person_id(ID_NUMBER)
    assert made["__typename"] == "Person", made
    assert (made["personId"], made["name"], made["gender"]) == (key, "孟丹阳", "F")
    assert made["phone"] == "139****8000" and made["idNumber"].startswith("370303****")
    assert made["partyMember"] is True and made["residence"] == {"code": "370303006001"}
    admin = run("query($id: ID!) { person(id: $id) { phone idNumber birthDate } }", {"id": key})
    assert admin["person"] == {"phone": "13912348000", "idNumber": ID_NUMBER,
                               "birthDate": "1985-03-12"}  # fmt: skip
    with unchanged():
        again = run(CREATE, {"i": given})["createPerson"]
        assert (again["__typename"], again["existingId"]) == ("Conflict", key)

    changed = run(UPDATE, {"id": key, "i": {"phone": "0533-2345678"}}, role="editor",
                  area=ZHANGDIAN)["updatePerson"]  # fmt: skip
    assert changed["__typename"] == "Person"
    log = run(AUDIT, {"t": f"Person:{key}"})["auditLog"]
    assert log["totalCount"] == 2
    update, create = log["nodes"]
    assert (update["action"], update["actorRole"]) == ("updatePerson", "editor")
    assert update["before"] == {"phone": "13912348000"}
    assert update["after"] == {"phone": "0533-2345678"}
    assert create["before"] is None and create["after"]["name"] == "孟丹阳"
    assert "idNumberHash" not in create["after"]


def test_person_refusals(run: Callable[..., dict], unchanged: Callable[[], Any]) -> None:
    with unchanged():
        bad = run(CREATE, {"i": {"name": "某", "idNumber": ID_NUMBER[:-1] + "0" if
                                 ID_NUMBER[-1] != "0" else ID_NUMBER[:-1] + "1",
                                 "phone": "12345", "gender": "x",
                                 "politicalStatus": "unknown"}})["createPerson"]  # fmt: skip
        assert bad["__typename"] == "ValidationError"
        codes = {f["field"]: f["code"] for f in bad["fields"]}
        assert codes == {"idNumber": "ID_CHECKSUM", "phone": "PHONE_FORMAT",
                         "gender": "GENDER", "politicalStatus": "POLITICAL_STATUS"}  # fmt: skip
        assert all(f["messageZh"] for f in bad["fields"])
        mismatch = run(CREATE, {"i": {"name": "某", "idNumber": ID_NUMBER, "gender": "男"}})
        assert mismatch["createPerson"]["fields"][0]["code"] == "GENDER_MISMATCH"
        nameless = run(CREATE, {"i": {"phone": "13912348000"}})["createPerson"]
        assert nameless["fields"][0] == {"field": "name", "code": "REQUIRED",
                                         "message": "this field is required",
                                         "messageZh": "此项必填"}  # fmt: skip
        not_community = run(CREATE, {"i": {"name": "某", "residenceCode": "370303"}})
        assert not_community["createPerson"]["fields"][0]["code"] == "NOT_A_COMMUNITY"
        homeless = run(CREATE, {"i": {"name": "某"}}, role="editor", area=ZHANGDIAN)
        assert homeless["createPerson"]["fields"][0]["field"] == "residenceCode"
        elsewhere = run(CREATE, {"i": {"name": "某", "residenceCode": "370302001001"}},
                        role="editor", area=ZHANGDIAN)["createPerson"]  # fmt: skip
        assert (elsewhere["__typename"], elsewhere["field"]) == ("NotFound", "residenceCode")
        other = run(UPDATE, {"id": MA, "i": {"employer": "x"}}, role="editor", area=ZHANGDIAN)
        assert (other["updatePerson"]["__typename"], other["updatePerson"]["field"]) == (
            "NotFound", "id")  # fmt: skip
        moved = run(UPDATE, {"id": LI, "i": {"residenceCode": "370302001001"}}, role="editor",
                    area=ZHANGDIAN)["updatePerson"]  # fmt: skip
        assert (moved["__typename"], moved["field"]) == ("NotFound", "residenceCode")
        missing = run(UPDATE, {"id": "P-ffffffffffffffff", "i": {"employer": "x"}})
        assert missing["updatePerson"]["__typename"] == "NotFound"
        blank = run(UPDATE, {"id": LI, "i": {"name": " "}})["updatePerson"]
        assert blank["fields"][0]["code"] == "REQUIRED"
        wrong_type = run(UPDATE, {"id": "Q2FzZTpDMjAyNS0wMDAwMDE", "i": {"employer": "x"}})
        assert wrong_type["updatePerson"]["fields"][0]["code"] == "WRONG_ID_TYPE"
