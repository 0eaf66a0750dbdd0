"""Appointments (任职): `appoint` and `endAppointment` for every role of `core.model.Role`.

The relationship type and unit label of a role come from `ROLE_RELATIONSHIP`, never from the
request. An appointment may not overlap another of the same person, role and unit
(`core.rules.appointment_overlap`, the rule roster loads obey too); an overlap is refused with
`Conflict`. The person node is locked first, so two concurrent identical appointments (or an
appointment and a roster load) cannot both pass the check. Dual-role status is never stored:
the read API derives it from these relationships.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any, LiteralString

from neo4j import AsyncManagedTransaction

from core import audit
from core.database import Database
from core.errors import Conflict, NotFound
from core.model import ROLE_RELATIONSHIP, Label, Rel, Role
from core.rules import Held, appointment_overlap, period_order
from core.validation import appointment_id
from resolvers.mutations.common import Checks, Write, locate, not_found, target, write_tx
from resolvers.rows import APPOINTMENT_ROW, native

KINDS: frozenset[tuple[Rel, Label]] = frozenset(ROLE_RELATIONSHIP.values())


def _held(rel: Rel, label: Label) -> LiteralString:
    return (
        f"MATCH (:Person {{id: $person}})-[r:{rel.value}]->(:{label.value} {{code: $unit}})\n"
        "WHERE r.role = $role\n"
        "RETURN r.id AS id, r.since AS since, r.until AS until"
    )  # type: ignore[return-value]


def _create(rel: Rel, label: Label) -> LiteralString:
    return (
        f"MATCH (p:Person {{id: $person}}), (u:{label.value} {{code: $unit}})\n"
        f"CREATE (p)-[r:{rel.value} {{id: $id, role: $role, since: $since, until: $until,"
        " building: $building}]->(u)\n"
        "REMOVE p._lock, p.rowHash\n"
        f"RETURN {APPOINTMENT_ROW} AS row"
    )  # type: ignore[return-value]


def _find(rel: Rel, label: Label) -> LiteralString:
    return (
        f"MATCH (p:Person {{id: $person}})-[r:{rel.value} {{id: $id}}]->(u:{label.value})\n"
        f"RETURN {APPOINTMENT_ROW} AS row"
    )  # type: ignore[return-value]


def _end(rel: Rel, label: Label) -> LiteralString:
    return (
        f"MATCH (p:Person {{id: $person}})-[r:{rel.value} {{id: $id}}]->(u:{label.value})\n"
        "SET r.until = $until, r.source = $source\n"
        "REMOVE p._lock, p.rowHash\n"
        f"RETURN {APPOINTMENT_ROW} AS row"
    )  # type: ignore[return-value]


HELD: dict[tuple[Rel, Label], LiteralString] = {k: _held(*k) for k in KINDS}
"""The appointments a person holds (or held) in one role of one unit."""
CREATE_APPOINTMENT: dict[tuple[Rel, Label], LiteralString] = {k: _create(*k) for k in KINDS}
FIND_APPOINTMENT: dict[tuple[Rel, Label], LiteralString] = {k: _find(*k) for k in KINDS}
END_APPOINTMENT: dict[tuple[Rel, Label], LiteralString] = {k: _end(*k) for k in KINDS}


@dataclass(frozen=True)
class NewAppointment:
    person_id: str
    role: Role
    unit_code: str
    since: date
    until: date | None = None
    building: str | None = None


async def appoint(db: Database, write: Write, new: NewAppointment) -> dict[str, Any]:
    """Create an appointment; the row of the new appointment."""
    write.require("appoint")
    checks = Checks()
    building = checks.text("building", new.building)
    if building and new.role is not Role.BUILDING_HEAD:
        checks.fail(
            "building", "NOT_APPLICABLE", "only building heads name a building", "仅楼长填写楼栋"
        )
    if (refusal := period_order(new.since, new.until)) is not None:
        checks.fail("until", refusal.code, refusal.en, refusal.zh)
    checks.done()
    kind = ROLE_RELATIONSHIP[new.role]
    label = kind[1]
    ident = appointment_id(new.person_id, new.role.value, new.unit_code, new.since)

    async def work(tx: AsyncManagedTransaction) -> dict[str, Any]:
        await locate(tx, write, Label.PERSON, new.person_id, lock=True, field="personId")
        await locate(tx, write, label, new.unit_code, field="unitCode")
        params = {
            "person": new.person_id,
            "unit": new.unit_code,
            "role": new.role.value,
            "since": new.since,
            "until": new.until,
        }
        held = [
            Held(row["id"], native(row["since"]), native(row["until"]))
            async for row in await tx.run(HELD[kind], params)
        ]
        refusal = appointment_overlap(held, new.since, new.until, new_id="")
        if refusal is not None:
            raise Conflict(
                f"{new.person_id} {refusal.en} ({new.role.value} in {new.unit_code}).",
                existingId=refusal.existing,
            )
        result = await tx.run(
            CREATE_APPOINTMENT[kind], params | {"id": ident, "building": building}
        )
        row = native((await result.single(strict=True))["row"])
        await audit.record(
            tx,
            write.viewer,
            "appoint",
            target(Label.PERSON, new.person_id),
            after={
                "appointment": ident,
                "role": new.role.value,
                "unit": f"{label.value}:{new.unit_code}",
                "since": new.since,
                "until": new.until,
                "building": building,
            },
            request_id=write.request_id,
        )
        return row

    return await write_tx(db, work)


def parse_appointment_id(value: str) -> tuple[str, Role, str, date] | None:
    """`(person id, role, unit code, since)` of an appointment id, None when malformed."""
    parts = value.split("|")
    if len(parts) != 4 or parts[1] not in Role._value2member_map_:
        return None
    try:
        return parts[0], Role(parts[1]), parts[2], date.fromisoformat(parts[3])
    except ValueError:
        return None


async def end_appointment(
    db: Database, write: Write, appointment: str, until: date
) -> dict[str, Any]:
    """Set `until` on an appointment in force; the appointment's row afterwards."""
    write.require("endAppointment")
    checks = Checks()
    parsed = parse_appointment_id(appointment)
    if parsed is None:
        checks.fail(
            "id",
            "APPOINTMENT_ID",
            "an appointment id is `<person id>|<role>|<unit code>|<since>`",
            "任职编号格式应为 人员编号|角色|单位编码|开始日期",
        )
    checks.done()
    assert parsed is not None
    person, role, unit, since = parsed
    kind = ROLE_RELATIONSHIP[role]

    async def work(tx: AsyncManagedTransaction) -> dict[str, Any]:
        # An appointment lies where its unit lies. A missing person, a missing appointment and
        # a unit outside the caller's area all answer the same `NotFound` of the appointment,
        # so that the id cannot be used to ask whether a person exists.
        gone = not_found("Appointment", appointment, "id")
        params = {"person": person, "id": appointment}
        try:
            await locate(tx, write, kind[1], unit, field="id")
            await locate(tx, write, Label.PERSON, person, lock=True, field="id")
        except NotFound:
            raise gone from None
        found = await (await tx.run(FIND_APPOINTMENT[kind], params)).single()
        if found is None:
            raise gone
        current = native(found["row"])
        if current.get("until") is not None:
            raise Conflict(
                f"The appointment already ended on {current['until']}.", existingId=appointment
            )
        if (refusal := period_order(since, until)) is not None:
            checks.fail("until", refusal.code, refusal.en, refusal.zh)
            checks.done()
        result = await tx.run(
            END_APPOINTMENT[kind], params | {"until": until, "source": write.source}
        )
        row = native((await result.single(strict=True))["row"])
        await audit.record(
            tx,
            write.viewer,
            "endAppointment",
            target(Label.PERSON, person),
            before={"appointment": appointment, "until": None},
            after={"appointment": appointment, "until": until},
            request_id=write.request_id,
        )
        return row

    return await write_tx(db, work)
