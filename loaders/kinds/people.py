"""People (人员) and their appointments: the people roster (花名册).

A row is a person, where she lives (`LIVES_IN` her community) and the roles she holds: grid
roles in her grid (网格职务), federation posts (妇联职务), sisters-group and council seats
(姊妹团职务, 议事会职务) and volunteering at a venue (志愿服务), each a term or alias of
`core.model.Role` for the unit of its column. Appointments are relationships (`SERVES_GRID`,
`HOLDS_POST`, `MEMBER_OF`, `VOLUNTEERS_AT`) with an id, `since` and `until`; a person already
in the graph keeps hers, and one that would overlap another of the same role and unit is refused
(`core.rules.appointment_overlap`). A complete roster (`--complete-roster`) ends, never deletes,
the open appointments of its units that it no longer lists.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from typing import Any, LiteralString

from neo4j import ManagedTransaction

from core import validation as v
from core.model import ROLE_RELATIONSHIP, Label, Rel, Role
from core.rules import Held, appointment_overlap
from core.validation import appointment_id
from loaders.errors import RowRefusal
from loaders.journal import JOURNAL
from loaders.kinds import values
from loaders.kinds.base import (
    Batch,
    Counts,
    Link,
    Plan,
    Roster,
    RosterKind,
    Step,
    WriteOptions,
    lock_nodes,
    native,
    refusal_of,
    statement,
)
from loaders.kinds.rows import Appointment, Record, RowContext
from loaders.registry import Registry

GRID_ROLES = values.roles_of(Label.GRID, "网格职务", "grid role")
FEDERATION_ROLES = values.roles_of(Label.FEDERATION, "妇联职务", "federation role")
GROUP_ROLES = values.roles_of(Label.SISTERS_GROUP, "姊妹团职务", "sisters-group role")
COUNCIL_ROLES = values.roles_of(Label.COUNCIL, "议事会职务", "council role")
VENUE_ROLES = values.roles_of(Label.VENUE, "志愿服务", "volunteer role")

LOCK_PEOPLE = lock_nodes(Label.PERSON)


READ_APPOINTMENTS: LiteralString = """
UNWIND $ids AS id
MATCH (p:Person {id: id})-[r:SERVES_GRID|HOLDS_POST|MEMBER_OF|VOLUNTEERS_AT]->(u)
RETURN id AS person, r.id AS id, r.role AS role, coalesce(u.code, u.id) AS unit,
       r.since AS since, r.until AS until, r.building AS building
"""


def _merge_appointment(rel: Rel, label: Label) -> LiteralString:
    return statement(
        f"UNWIND $rows AS row\nMATCH (p:Person {{id: row.person}})\n"
        f"MATCH (u:{label} {{code: row.unit}})\n"
        f"MERGE (p)-[r:{rel} {{id: row.id}}]->(u)\n"
        "SET r.role = row.role, r.since = row.since, r.until = null, "
        "r.building = row.building, r.source = $load"
    )


ENDING: LiteralString = """WHERE r.until IS NULL AND NOT r.id IN unit.keep
  AND (r.since IS NULL OR r.since <= $until)"""
"""The open appointments `r` of a unit that a complete roster as of `$until` ends: those it
does not list, less those that began after its date (`core.rules.period_order`)."""


def _end_appointments(rel: Rel, label: Label, write: bool) -> LiteralString:
    action = (
        "SET r.until = $until, r.endedBy = $load, r.source = $load\nREMOVE p.rowHash\n"
        if write
        else ""
    )
    return statement(
        f"UNWIND $units AS unit\nMATCH (u:{label} {{code: unit.code}})<-[r:{rel}]-(p:Person)\n"
        f"{ENDING}\n{action}RETURN count(r) AS ended"
    )


def _create_appointment(rel: Rel, label: Label) -> LiteralString:
    return statement(
        f"UNWIND $rows AS row\nMATCH (p:Person {{id: row.person}})\n"
        f"MATCH (u:{label} {{code: row.unit}})\n"
        f"CREATE (p)-[:{rel} {{id: row.id, role: row.role, since: row.since, "
        "building: row.building, source: $load}]->(u)"
    )


APPOINTMENT_TARGETS = sorted(set(ROLE_RELATIONSHIP.values()))

PERSON_FIELDS = (
    "name",
    "gender",
    "ethnicity",
    "birthDate",
    "idNumber",
    "idNumberHash",
    "phone",
    "politicalStatus",
    "partyMember",
    "education",
    "employer",
    "synthetic",
)
"""The properties a people roster sets, in the order of a `CREATE_PEOPLE` row."""


def _create_people() -> LiteralString:
    """New people with where they live and every appointment, one positional row each:
    `[id, rowHash, *PERSON_FIELDS, [community], *[[unit, id, role, since, building]] per
    APPOINTMENT_TARGETS]`. One statement (one index seek per person and per target) and
    positional rows (no map keys to send and read) make this the fast path of a first load."""
    fields = len(PERSON_FIELDS)
    sets = ", ".join(f"n.{name} = row[{i + 2}]" for i, name in enumerate(PERSON_FIELDS))
    lives = fields + 2
    calls = "".join(
        f"CALL (n, row) {{\n  UNWIND row[{lives + 1 + i}] AS a\n"
        f"  MATCH (u:{label} {{code: a[0]}})\n"
        f"  CREATE (n)-[:{rel} {{id: a[1], role: a[2], since: a[3], building: a[4], "
        "source: $load}]->(u)\n}\n"
        for i, (rel, label) in enumerate(APPOINTMENT_TARGETS)
    )
    return statement(
        "UNWIND $rows AS row\nCREATE (n:Person {id: row[0]})\n"
        f"SET {sets}, n.source = $load, n.rowHash = row[1]\n"
        f"WITH n, row\nCALL (n, row) {{\n  UNWIND row[{lives}] AS code\n"
        f"  MATCH (c:{Label.AREA}:{Label.COMMUNITY} {{code: code}})\n"
        f"  CREATE (n)-[:{Rel.LIVES_IN} {{source: $load}}]->(c)\n}}\n{calls}"
    )


CREATE_PEOPLE: LiteralString = _create_people()
CREATE_APPOINTMENTS: dict[tuple[Rel, Label], LiteralString] = {
    pair: _create_appointment(*pair) for pair in APPOINTMENT_TARGETS
}
MERGE_APPOINTMENTS: dict[tuple[Rel, Label], LiteralString] = {
    pair: _merge_appointment(*pair) for pair in APPOINTMENT_TARGETS
}
END_APPOINTMENTS: dict[tuple[Rel, Label], LiteralString] = {
    pair: _end_appointments(*pair, write=True) for pair in APPOINTMENT_TARGETS
}
COUNT_ENDING_APPOINTMENTS: dict[tuple[Rel, Label], LiteralString] = {
    pair: _end_appointments(*pair, write=False) for pair in APPOINTMENT_TARGETS
}


def _snapshot_ending(rel: Rel, label: Label) -> LiteralString:
    """Journal the appointments a complete roster is about to end (batched loads)."""
    return statement(
        f"UNWIND $units AS unit\nMATCH (u:{label} {{code: unit.code}})<-[r:{rel}]-(p:Person)\n"
        f"{ENDING}\n"
        f"CREATE (x:{JOURNAL})\n"
        f"SET x = properties(r), x._load = $load, x._op = 'relprops', x._rel = '{rel}',\n"
        "    x._key = p.id"
    )


SNAPSHOT_ENDING: dict[tuple[Rel, Label], LiteralString] = {
    pair: _snapshot_ending(*pair) for pair in APPOINTMENT_TARGETS
}


class People(RosterKind):
    name = "people"
    label = Label.PERSON
    required = ("name",)
    links = (Link(Rel.LIVES_IN, Label.COMMUNITY),)
    owns = tuple(Link(rel, label) for rel, label in APPOINTMENT_TARGETS)
    complete_rosters = True
    row_noun = Label.PERSON.term
    duplicate_field = "name"

    def parse(self, c: RowContext) -> Record | None:
        name = c.parse("name", v.parse_name, required=True) or None
        resident = c.parse("id_number", v.parse_id_number)
        birth = c.parse("birth_date", v.parse_date)
        gender = c.parse("gender", v.parse_gender)
        if resident is not None:
            if birth is not None and (birth.year, birth.month) != (
                resident.birth_date.year,
                resident.birth_date.month,
            ):
                c.fail(
                    "birth_date",
                    c.raw("birth_date"),
                    "BIRTH_DATE_MISMATCH",
                    "出生日期与身份证号不一致",
                    "the birth date does not match the ID number",
                )
            if gender is not None and gender != resident.gender:
                c.fail(
                    "gender",
                    c.raw("gender"),
                    "GENDER_MISMATCH",
                    "性别与身份证号不一致",
                    "the gender does not match the ID number",
                )
            birth = birth if birth and birth.day != 1 else resident.birth_date
            gender = gender or resident.gender
        political = c.parse("political_status", v.parse_political_status)
        community = c.community() if c.has("community") else None
        grid = c.grid("grid", community) if c.has("grid") else None
        if community is None and grid is not None:
            community = c.registry.grids[grid][1]
        since = c.parse("since", v.parse_date)
        appointments: list[Appointment] = []
        grid_roles = c.parse("grid_role", GRID_ROLES) or []
        if grid_roles and grid is None and not c.has("grid"):
            c.text("grid", required=True)
        building = c.text("building")
        appointments += [
            Appointment(r, grid, since, building if r == Role.BUILDING_HEAD else None, "grid_role")
            for r in grid_roles
            if grid
        ]
        for role_field, unit_field, parser, label, prefix in (
            ("federation_role", "federation", FEDERATION_ROLES, Label.FEDERATION, "FED-"),
            ("group_role", "group", GROUP_ROLES, Label.SISTERS_GROUP, "SG-"),
            ("council_role", "council", COUNCIL_ROLES, Label.COUNCIL, "WC-"),
            ("venue_role", "venue", VENUE_ROLES, Label.VENUE, None),
        ):
            roles = c.parse(role_field, parser) or []
            if not roles:
                continue
            ref = c.text(unit_field) or (f"{prefix}{community}" if prefix and community else None)
            if ref is None:
                c.text(unit_field, required=True)
                continue
            if c.unit(unit_field if c.has(unit_field) else role_field, label, ref):
                appointments += [Appointment(r, ref, since, None, role_field) for r in roles]
        if name is None:
            return None
        number = resident.number if resident else None
        identity = c.registry.identity
        key = identity.person_id(number, name, birth, community or "")
        props = {
            "name": name,
            "gender": gender,
            "ethnicity": c.text("ethnicity"),
            "birthDate": birth,
            "idNumber": number,
            "idNumberHash": identity.id_number_hash(number) if number else None,
            "phone": c.parse("phone", v.parse_phone),
            "politicalStatus": political,
            "partyMember": (political in v.PARTY_MEMBER_STATUSES) if political else None,
            "education": c.text("education"),
            "employer": c.text("employer"),
            "synthetic": c.parse("synthetic", values.parse_bool) or None,
        }
        return self.record(
            c,
            key,
            props,
            {"LIVES_IN": [community] if community else []},
            appointments=appointments,
        )

    def register(self, record: Record, registry: Registry) -> None:
        registry.persons.add(record.key)

    def plan(self, tx: ManagedTransaction, batch: Batch) -> Plan:
        """New people are created with all their appointments in one statement; the
        appointments of people already in the graph are compared with it and written after."""
        options, counts, roster = batch.options, batch.counts, batch.roster
        plan = Plan(create=Step(CREATE_PEOPLE, new_people(batch.created, options, counts, roster)))
        changes = appointment_changes(
            tx, batch.same, batch.suspects, options, counts, roster, plan.refused
        )
        for pair, rows in changes.items():
            plan.after.append(Step(CREATE_APPOINTMENTS[pair], [r for r in rows if r["new"]]))
            plan.after.append(Step(MERGE_APPOINTMENTS[pair], [r for r in rows if not r["new"]]))
        return plan

    def end_missing(
        self, tx: ManagedTransaction, roster: Roster, options: WriteOptions, journal: bool
    ) -> Counts:
        return end_missing_appointments(tx, roster, options, journal)


KIND = People()


_TARGET_SLOT = {pair: i for i, pair in enumerate(APPOINTMENT_TARGETS)}


def new_people(
    created: list[Record], options: WriteOptions, counts: Counts, roster: Roster
) -> list[list[Any]]:
    """`CREATE_PEOPLE` rows of people new to the graph: all their appointments are new."""
    if created and tuple(created[0].props) != PERSON_FIELDS:
        raise AssertionError(f"people rows set {tuple(created[0].props)}, not PERSON_FIELDS")
    rows = []
    slots = len(APPOINTMENT_TARGETS)
    keep = roster.keep if options.complete_roster else None
    for record in created:
        targets: list[list[list[Any]]] = [[] for _ in range(slots)]
        for a in record.appointments:
            pair = ROLE_RELATIONSHIP[a.role]
            since = a.since or options.as_of
            aid = appointment_id(record.key, a.role, a.unit, since)
            if keep is not None:
                keep[pair][a.unit].append(aid)
            targets[_TARGET_SLOT[pair]].append([a.unit, aid, a.role.value, since, a.building])
        counts.add("appointments", "created", len(record.appointments))
        rows.append(
            [record.key, record.hash, *record.props.values(), record.links["LIVES_IN"], *targets]
        )
    return rows


def appointment_changes(
    tx: ManagedTransaction,
    same: list[Record],
    suspects: list[Record],
    options: WriteOptions,
    counts: Counts,
    roster: Roster,
    refused: list[RowRefusal],
) -> dict[tuple[Rel, Any], list[dict[str, Any]]]:
    """People already in the graph: which appointments to create or re-open. An unchanged
    row's are all unchanged (read only when a complete roster needs the id of an open
    appointment given without 任职时间); changed rows are compared with the graph, their
    people locked first, and an appointment that would overlap another of the same role and
    unit is refused (`core.rules.appointment_overlap`)."""
    out: dict[tuple[Rel, Any], list[dict[str, Any]]] = defaultdict(list)
    compare = list(suspects)
    for record in same:
        counts.add("appointments", "unchanged", len(record.appointments))
        if not options.complete_roster:
            continue
        if any(a.since is None for a in record.appointments):
            compare.append(record)
            continue
        for a in record.appointments:
            aid = appointment_id(record.key, a.role, a.unit, a.since)  # type: ignore[arg-type]
            roster.keep[ROLE_RELATIONSHIP[a.role]][a.unit].append(aid)
    ids = [r.key for r in compare if r.appointments]
    if not ids:
        return out
    if not options.dry_run:
        tx.run(LOCK_PEOPLE, keys=sorted(ids)).consume()
    existing: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in tx.run(READ_APPOINTMENTS, ids=ids).data():
        existing[row["person"]].append(row)
    unchanged_rows = {id(r) for r in same}
    for record in compare:
        known_same = id(record) in unchanged_rows
        for a in record.appointments:
            pair = ROLE_RELATIONSHIP[a.role]
            mine = [
                e
                for e in existing.get(record.key, [])
                if e["role"] == a.role and e["unit"] == a.unit
            ]
            match = None
            if a.since is not None:
                aid = appointment_id(record.key, a.role, a.unit, a.since)
                match = next((e for e in mine if e["id"] == aid), None)
            else:
                match = next((e for e in mine if e["until"] is None), None)
                aid = (
                    match["id"]
                    if match
                    else appointment_id(record.key, a.role, a.unit, options.as_of)
                )
            if options.complete_roster:
                roster.keep[pair][a.unit].append(aid)
            if known_same:
                continue  # counted above; read only for its id
            since = (
                native(match["since"]) if match and a.since is None else (a.since or options.as_of)
            )
            if match is not None and match["until"] is None and match["building"] == a.building:
                counts.add("appointments", "unchanged")
                continue
            others = [Held(e["id"], native(e["since"]), native(e["until"])) for e in mine]
            refusal = appointment_overlap(others, since, None, aid)
            if refusal is not None:
                refused.append(refusal_of(record, a.field, a.role.value, refusal))
                continue
            counts.add("appointments", "updated" if match else "created")
            out[pair].append(_appointment_row(record.key, a, aid, since, new=match is None))
    return out


def _appointment_row(
    person: str, a: Appointment, aid: str, since: date, new: bool
) -> dict[str, Any]:
    return {
        "person": person,
        "unit": a.unit,
        "id": aid,
        "role": a.role.value,
        "since": since,
        "building": a.building,
        "new": new,
    }


def end_missing_appointments(
    tx: ManagedTransaction, roster: Roster, options: WriteOptions, journal: bool = False
) -> Counts:
    """Complete-roster mode: end (`until` = as-of date) open appointments of the units in the
    file that the file no longer lists. They are kept, never deleted; the person's `rowHash` is
    removed, so a roster that lists her again re-opens the appointment."""
    counts = Counts()
    for pair, units in roster.keep.items():
        rows = [{"code": code, "keep": keep} for code, keep in units.items()]
        query = COUNT_ENDING_APPOINTMENTS[pair] if options.dry_run else END_APPOINTMENTS[pair]
        for start in range(0, len(rows), 1000):
            chunk = rows[start : start + 1000]
            if journal and not options.dry_run:
                tx.run(
                    SNAPSHOT_ENDING[pair],
                    units=chunk,
                    until=options.as_of,
                    load=options.load_id,
                ).consume()
            result = tx.run(query, units=chunk, until=options.as_of, load=options.load_id).single()
            counts.add("appointments", "ended", result["ended"] if result else 0)
    return counts
