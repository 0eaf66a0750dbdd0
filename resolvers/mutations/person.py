"""People: `createPerson` and `updatePerson`, validated with `core.validation` like the loaders.

The key follows docs/data-model.md (`core.validation.person_id`) and never changes afterwards.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any, LiteralString

from neo4j import AsyncManagedTransaction

from core import audit
from core import validation as v
from core.database import Database
from core.errors import Conflict
from core.identity import IdentityKey
from core.model import Label
from resolvers.mutations.common import Checks, Write, fetch_row, locate, plain, target, write_tx

PERSON_EXISTS: LiteralString = """
MATCH (n:Person {id: $id})
RETURN n.id AS id
"""

CREATE_PERSON: LiteralString = """
CREATE (n:Person {id: $id})
SET n += $props
WITH n
CALL (n) {
  MATCH (a:Area {code: $residence})
  CREATE (n)-[:LIVES_IN]->(a)
}
"""

UPDATE_PERSON: LiteralString = """
MATCH (n:Person {id: $id})
SET n += $props
REMOVE n._lock, n.rowHash
WITH n
CALL (n) {
  MATCH (a:Area {code: $residence})
  OPTIONAL MATCH (n)-[old:LIVES_IN]->(:Area)
  DELETE old
  CREATE (n)-[:LIVES_IN]->(a)
}
"""

RESIDENCE_OF: LiteralString = """
MATCH (:Person {id: $id})-[:LIVES_IN]->(a:Area)
RETURN a.code AS code
"""


@dataclass(frozen=True)
class PersonFields:
    """Fields of a person as a form sends them; None: not given (left unchanged on update)."""

    name: str | None = None
    gender: str | None = None
    ethnicity: str | None = None
    birth_date: date | None = None
    id_number: str | None = None
    phone: str | None = None
    political_status: str | None = None
    education: str | None = None
    employer: str | None = None
    residence_code: str | None = None


def _validated(fields: PersonFields, checks: Checks, identity: IdentityKey) -> dict[str, Any]:
    """The graph properties of the fields given, each validated; problems go to `checks`."""
    props: dict[str, Any] = {}
    if fields.name is not None:
        name = checks.parse("name", v.parse_name, fields.name)
        if name == "":
            checks.fail("name", "REQUIRED", "this field is required", "此项必填")
        props["name"] = name
    resident = checks.parse("idNumber", v.parse_id_number, fields.id_number)
    gender = checks.parse("gender", v.parse_gender, fields.gender)
    if resident is not None:
        props |= {
            "idNumber": resident.number,
            "idNumberHash": identity.id_number_hash(resident.number),
        }
        if gender is not None and gender != resident.gender:
            checks.fail(
                "gender",
                "GENDER_MISMATCH",
                "the gender does not match the ID number",
                "性别与身份证号不一致",
            )
        if fields.birth_date is not None and fields.birth_date != resident.birth_date:
            checks.fail(
                "birthDate",
                "BIRTH_DATE_MISMATCH",
                "the birth date does not match the ID number",
                "出生日期与身份证号不一致",
            )
        props["gender"] = gender or resident.gender
        props["birthDate"] = resident.birth_date
    elif gender is not None:
        props["gender"] = gender
    if fields.birth_date is not None and resident is None:
        if fields.birth_date > date.today() or fields.birth_date.year < 1900:
            checks.fail(
                "birthDate", "DATE_RANGE", "the birth date is out of range", "出生日期不合理"
            )
        props["birthDate"] = fields.birth_date
    if fields.phone is not None:
        props["phone"] = checks.parse("phone", v.parse_phone, fields.phone)
    if fields.political_status is not None:
        status = checks.parse("politicalStatus", v.parse_political_status, fields.political_status)
        props |= {"politicalStatus": status, "partyMember": status in v.PARTY_MEMBER_STATUSES}
    for key, value in (
        ("ethnicity", fields.ethnicity),
        ("education", fields.education),
        ("employer", fields.employer),
    ):
        if value is not None:
            props[key] = checks.text(key, value)
    return props


async def _residence(tx: AsyncManagedTransaction, write: Write, code: str, checks: Checks) -> None:
    area = await locate(tx, write, Label.AREA, code, field="residenceCode")
    if area.get("level") != "COMMUNITY":
        checks.fail(
            "residenceCode",
            "NOT_A_COMMUNITY",
            "a residence is a community or village",
            "居住地应为社区或村",
        )
        checks.done()


def _audited(props: dict[str, Any]) -> dict[str, Any]:
    return {k: val for k, val in props.items() if k != "idNumberHash"}


async def create_person(
    db: Database, write: Write, fields: PersonFields, identity: IdentityKey
) -> dict[str, Any]:
    """Create a person, keyed under the deployment's `identity` key; the new person's row."""
    write.require("createPerson")
    checks = Checks()
    if fields.name is None:
        checks.fail("name", "REQUIRED", "this field is required", "此项必填")
    props = _validated(fields, checks, identity)
    if write.scope is not None and fields.residence_code is None:
        checks.fail(
            "residenceCode",
            "REQUIRED",
            "a token limited to an area must say where the person lives",
            "限定地区的令牌须填写居住地",
        )
    checks.done()
    key = identity.person_id(
        props.get("idNumber"), props["name"], props.get("birthDate"), fields.residence_code or ""
    )

    async def work(tx: AsyncManagedTransaction) -> dict[str, Any]:
        if fields.residence_code is not None:
            await _residence(tx, write, fields.residence_code, checks)
        if await (await tx.run(PERSON_EXISTS, id=key)).single():
            raise Conflict(
                "This person is already in the graph (same ID number, or same name, birth date "
                "and community).",
                existingId=key,
            )
        await (
            await tx.run(CREATE_PERSON, id=key, props=props, residence=fields.residence_code)
        ).consume()
        await audit.record(
            tx,
            write.viewer,
            "createPerson",
            target(Label.PERSON, key),
            after=_audited(props) | {"residence": fields.residence_code},
            request_id=write.request_id,
        )
        return await fetch_row(tx, Label.PERSON, key)

    return await write_tx(db, work)


async def update_person(
    db: Database, write: Write, person_id: str, fields: PersonFields, identity: IdentityKey
) -> dict[str, Any]:
    """Change the given fields of a person (its key stays); the person's row afterwards."""
    write.require("updatePerson")
    checks = Checks()
    props = _validated(fields, checks, identity)
    checks.done()

    async def work(tx: AsyncManagedTransaction) -> dict[str, Any]:
        before = await locate(tx, write, Label.PERSON, person_id, lock=True, field="id")
        old_residence = None
        placed_before: list[str] = []
        if fields.residence_code is not None:
            await _residence(tx, write, fields.residence_code, checks)
            found = await (await tx.run(RESIDENCE_OF, id=person_id)).single()
            old_residence = found["code"] if found else None
            # A move: the entry belongs to the area she leaves as well as to the one she joins.
            placed_before = await audit.placement(tx, target(Label.PERSON, person_id))
        await (
            await tx.run(UPDATE_PERSON, id=person_id, props=props, residence=fields.residence_code)
        ).consume()
        after = _audited(props)
        old = {k: plain(before).get(k) for k in after}
        if fields.residence_code is not None:
            after["residence"], old["residence"] = fields.residence_code, old_residence
        await audit.record(
            tx,
            write.viewer,
            "updatePerson",
            target(Label.PERSON, person_id),
            before=old,
            after=after,
            request_id=write.request_id,
            placed_before=placed_before,
        )
        return await fetch_row(tx, Label.PERSON, person_id)

    return await write_tx(db, work)
