"""The case workflow's writes: report a case, then move it through `core.workflow`.

Every transition runs in one write transaction that first takes the case node's write lock
(`SET c._lock = true`, removed before commit), then reads the status, asks
`core.workflow.next_status`, appends a `CaseStep` (`<case id>#<seq>`) and writes the audit entry.
Two concurrent transitions on one case therefore serialise on the lock: the second one reads the
status the first one committed and is refused (`InvalidTransition`) when it no longer applies.

A new case is numbered `C<year>-<seq>` from the year's `(:CaseCounter {year})` (unique per year,
migration 0010), whose write lock the report takes before reading it: concurrent reports take
their numbers one after the other, each in the transaction that creates its case, so a report
that fails gives its number back and no two reports ever draw the same one. A counter that does
not exist yet starts from the highest number the year's cases already have.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, LiteralString

from neo4j import AsyncManagedTransaction

from core import audit
from core.database import Database
from core.errors import Conflict
from core.model import CaseStatus, Label
from core.workflow import MUTATION, CaseAction, next_status
from resolvers.mutations.common import Checks, Write, fetch_row, locate, target, write_tx

NOTE_REQUIRED = frozenset({CaseAction.REJECT, CaseAction.RETURN})
"""Actions that must say why."""

CASE_ID = re.compile(r"C(\d{4})-(\d{6})")

LAST_CASE_ID_OF_YEAR: LiteralString = """
MATCH (c:Case)
WHERE c.id STARTS WITH $prefix
RETURN max(c.id) AS last
"""

# The lock comes before the read, so `last` is the latest committed number (a plain
# `SET k.last = k.last + 1` would read it before waiting for the lock).
LOCK_CASE_COUNTER: LiteralString = """
MERGE (k:CaseCounter {year: $year})
SET k._lock = true
RETURN k.last AS last
"""

SET_CASE_COUNTER: LiteralString = """
MATCH (k:CaseCounter {year: $year})
SET k.last = $last
REMOVE k._lock
"""

CREATE_CASE: LiteralString = """
MATCH (g:Grid {code: $grid_code})
CREATE (c:Case {id: $id, title: $title, name: $title, category: $category,
                status: 'REPORTED', reportedAt: datetime(), summary: $summary})-[:IN]->(g)
WITH c
CALL (c) {
  UNWIND $reporters AS pid
  MATCH (p:Person {id: pid})
  CREATE (p)-[:REPORTED]->(c)
}
CALL (c) {
  UNWIND $people AS pid
  MATCH (p:Person {id: pid})
  CREATE (c)-[:INVOLVES]->(p)
}
CALL (c) {
  UNWIND $families AS code
  MATCH (f:Family {code: code})
  CREATE (c)-[:INVOLVES]->(f)
}
RETURN c {.*} AS props
"""

LAST_STEP_SEQ: LiteralString = """
MATCH (c:Case {id: $id})
OPTIONAL MATCH (c)-[:HAS_STEP]->(s:CaseStep)
RETURN coalesce(max(s.seq), 0) AS last
"""

APPEND_STEP: LiteralString = """
MATCH (c:Case {id: $id})
SET c.status = $to_status, c += $props
REMOVE c._lock
CREATE (c)-[:HAS_STEP]->(s:CaseStep {id: $step_id, seq: $seq, title: $title, action: $action,
                                     fromStatus: $from_status, toStatus: $to_status,
                                     at: datetime(), actor: $actor, note: $note})
WITH c, s
CALL (s) {
  MATCH (p:Person {id: $actor_person})
  CREATE (s)-[:BY]->(p)
}
RETURN c {.*} AS props
"""

DISPATCH_TARGETS: LiteralString = """
MATCH (c:Case {id: $id})
CALL (c) {
  UNWIND $mediators AS pid
  MATCH (p:Person {id: pid})
  MERGE (p)-[:MEDIATED]->(c)
}
CALL (c) {
  UNWIND $venues AS code
  MATCH (v:Venue {code: code})
  MERGE (c)-[:HANDLED_AT]->(v)
}
CALL (c) {
  UNWIND $departments AS code
  MATCH (d:Department {code: code})
  MERGE (c)-[r:REFERRED_TO]->(d)
  ON CREATE SET r.at = datetime()
}
"""

CLOSE_CASE: LiteralString = """
MATCH (c:Case {id: $id})
SET c.closedAt = datetime()
"""


@dataclass(frozen=True)
class Step:
    """What a caller sends with a transition."""

    case_id: str
    note: str | None = None
    actor_person_id: str | None = None
    outcome: str | None = None
    mediator_ids: list[str] = field(default_factory=list)
    venue_code: str | None = None
    department_codes: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class NewCase:
    title: str
    category: str
    grid_code: str
    summary: str | None = None
    note: str | None = None
    reporter_ids: list[str] = field(default_factory=list)
    person_ids: list[str] = field(default_factory=list)
    family_codes: list[str] = field(default_factory=list)
    actor_person_id: str | None = None


def _case_number(case_id: str | None) -> int:
    match = CASE_ID.fullmatch(case_id or "")
    return int(match.group(2)) if match else 0


async def _allocate_case_id(tx: AsyncManagedTransaction, year: int, resync: bool) -> str:
    """The next `C<year>-<seq>`, taken from the year's counter under its write lock (held until
    the transaction ends). A new counter, or one `resync` distrusts (a case id clashed, e.g. a
    case created by other means), starts after the year's highest existing number."""
    result = await tx.run(LOCK_CASE_COUNTER, year=year)
    last = (await result.single(strict=True))["last"]
    if last is None or resync:
        result = await tx.run(LAST_CASE_ID_OF_YEAR, prefix=f"C{year}-")
        existing = _case_number((await result.single(strict=True))["last"])
        last = max(int(last or 0), existing)
    number = int(last) + 1
    await (await tx.run(SET_CASE_COUNTER, year=year, last=number)).consume()
    return f"C{year}-{number:06d}"


async def _references(
    tx: AsyncManagedTransaction, write: Write, refs: Mapping[str, tuple[Label, list[str]]]
) -> None:
    """Each node the input names must be one the caller may see: in its area, or city-wide
    (departments). Otherwise `NotFound` naming the field, as for a key that does not exist."""
    for name, (label, keys) in refs.items():
        for key in keys:
            await locate(tx, write, label, key, field=name)


async def _append_step(
    tx: AsyncManagedTransaction,
    write: Write,
    case_id: str,
    action: CaseAction,
    from_status: CaseStatus | None,
    to_status: CaseStatus,
    note: str | None,
    actor_person_id: str | None,
    props: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    result = await tx.run(LAST_STEP_SEQ, id=case_id)
    seq = int((await result.single(strict=True))["last"]) + 1
    result = await tx.run(
        APPEND_STEP,
        id=case_id,
        step_id=f"{case_id}#{seq}",
        seq=seq,
        title=action.zh,
        action=action.value,
        from_status=from_status.value if from_status else None,
        to_status=to_status.value,
        actor=write.viewer.name,
        actor_person=actor_person_id,
        note=note,
        props=dict(props or {}),
    )
    await result.consume()
    return await fetch_row(tx, Label.CASE, case_id)


async def report_case(db: Database, write: Write, new: NewCase) -> dict[str, Any]:
    """Create a case in status REPORTED with its first step; the row of the new case."""
    write.require("reportCase")
    checks = Checks()
    title = checks.text("title", new.title, required=True)
    summary = checks.text("summary", new.summary)
    note = checks.text("note", new.note)
    checks.done()

    resync = False

    async def work(tx: AsyncManagedTransaction) -> dict[str, Any]:
        await locate(tx, write, Label.GRID, new.grid_code, field="gridCode")
        await _references(
            tx,
            write,
            {
                "reporterIds": (Label.PERSON, new.reporter_ids),
                "personIds": (Label.PERSON, new.person_ids),
                "familyCodes": (Label.FAMILY, new.family_codes),
                "actorPersonId": (
                    Label.PERSON,
                    [new.actor_person_id] if new.actor_person_id else [],
                ),
            },
        )
        case_id = await _allocate_case_id(tx, datetime.now(UTC).year, resync)
        status = next_status(None, CaseAction.REPORT)
        result = await tx.run(
            CREATE_CASE,
            id=case_id,
            title=title,
            category=new.category,
            summary=summary,
            grid_code=new.grid_code,
            reporters=new.reporter_ids,
            people=new.person_ids,
            families=new.family_codes,
        )
        created = (await result.single(strict=True))["props"]
        row = await _append_step(
            tx, write, case_id, CaseAction.REPORT, None, status, note, new.actor_person_id
        )
        await audit.record(
            tx,
            write.viewer,
            MUTATION[CaseAction.REPORT],
            target(Label.CASE, case_id),
            after={
                "title": created["title"],
                "category": created["category"],
                "status": status.value,
                "grid": new.grid_code,
                "summary": created.get("summary"),
                "note": note,
            },
            request_id=write.request_id,
        )
        return row

    for attempt in range(3):
        try:
            return await write_tx(db, work)
        except Conflict:
            # The number was taken by a case the counter did not know of: count anew from the
            # cases themselves.
            if attempt == 2:
                raise
            resync = True
    raise AssertionError("unreachable")


async def transition(db: Database, write: Write, action: CaseAction, step: Step) -> dict[str, Any]:
    """Apply `action` to a case (not REPORT); the case's row afterwards."""
    name = MUTATION[action]
    write.require(name)
    checks = Checks()
    note = checks.text("note", step.note, required=action in NOTE_REQUIRED)
    outcome = checks.text("outcome", step.outcome)
    if action is CaseAction.DISPATCH and not (
        step.mediator_ids or step.venue_code or step.department_codes
    ):
        checks.fail(
            "mediatorIds",
            "REQUIRED",
            "dispatch to mediators, a venue or a department of the joint mechanism",
            "请指定调解员、阵地或联动部门",
        )
    checks.done()

    async def work(tx: AsyncManagedTransaction) -> dict[str, Any]:
        # The lock comes first: the status read below is the latest committed one.
        before = await locate(tx, write, Label.CASE, step.case_id, lock=True, field="caseId")
        current = CaseStatus(before["status"]) if before.get("status") else None
        status = next_status(current, action)
        refs: dict[str, tuple[Label, list[str]]] = {
            "actorPersonId": (Label.PERSON, [step.actor_person_id] if step.actor_person_id else [])
        }
        if action is CaseAction.DISPATCH:
            refs |= {
                "mediatorIds": (Label.PERSON, step.mediator_ids),
                "venueCode": (Label.VENUE, [step.venue_code] if step.venue_code else []),
                "departmentCodes": (Label.DEPARTMENT, step.department_codes),
            }
        await _references(tx, write, refs)
        if action is CaseAction.DISPATCH:
            result = await tx.run(
                DISPATCH_TARGETS,
                id=step.case_id,
                mediators=step.mediator_ids,
                venues=[step.venue_code] if step.venue_code else [],
                departments=step.department_codes,
            )
            await result.consume()
        props: dict[str, Any] = {}
        if outcome is not None:
            props["outcome"] = outcome
        if action is CaseAction.CLOSE:
            await (await tx.run(CLOSE_CASE, id=step.case_id)).consume()
        row = await _append_step(
            tx, write, step.case_id, action, current, status, note, step.actor_person_id, props
        )
        after: dict[str, Any] = {"status": status.value, **props}
        if action is CaseAction.CLOSE:
            after["closedAt"] = row.get("closedAt")
        if action is CaseAction.DISPATCH:
            after |= {
                "mediators": step.mediator_ids or None,
                "venue": step.venue_code,
                "departments": step.department_codes or None,
            }
        if note is not None:
            after["note"] = note
        await audit.record(
            tx,
            write.viewer,
            name,
            target(Label.CASE, step.case_id),
            before={k: before.get(k) for k in after},
            after=after,
            request_id=write.request_id,
        )
        return row

    return await write_tx(db, work)
