"""Family writes: `classifyFamily` (history kept: the current classification gets `until`, a new
one starts) and `recordVisit` (a `VISITED` relationship keyed like the loaders' visits)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any, LiteralString

from neo4j import AsyncManagedTransaction

from core import audit
from core.database import Database
from core.errors import Conflict
from core.model import Label
from core.rules import classification_order
from resolvers.mutations.common import Checks, Write, fetch_row, locate, target, write_tx
from resolvers.rows import ROW, native

CATEGORY_CONFIGURED: LiteralString = """
MATCH (f:Family {code: $family})-[:IN]->(:Grid)-[:IN]->(:Area)-[:PART_OF*0..]->(:Area)
      -[:USES_SCHEME]->(:ClassificationScheme)<-[:IN_SCHEME]-(:Category {code: $category})
RETURN count(*) > 0 AS configured
"""

CURRENT_CLASSIFICATION: LiteralString = """
MATCH (:Family {code: $family})-[c:CLASSIFIED_AS]->(k:Category)
WHERE c.until IS NULL
RETURN k.code AS category, c.since AS since, c.reason AS reason
"""

CLASSIFY_FAMILY: LiteralString = """
MATCH (f:Family {code: $family}), (k:Category {code: $category})
CALL (f) {
  MATCH (f)-[c:CLASSIFIED_AS]->(:Category)
  WHERE c.until IS NULL
  SET c.until = $since, c.source = $source
}
CREATE (f)-[:CLASSIFIED_AS {since: $since, by: $by, reason: $reason}]->(k)
REMOVE f._lock
"""

VISIT_EXISTS: LiteralString = """
MATCH (:Person {id: $person})-[r:VISITED {id: $id}]->(:Family)
RETURN r.id AS id
"""

RECORD_VISIT: LiteralString = (
    """MATCH (n:Person {id: $person}), (f:Family {code: $family})
CREATE (n)-[v:VISITED {id: $id, date: $date, note: $note}]->(f)
REMOVE f._lock
RETURN v.id AS id, v.date AS date, v.note AS note, """
    + ROW[Label.PERSON]
    + " AS visitor"
)


@dataclass(frozen=True)
class NewClassification:
    family_code: str
    category_code: str
    reason: str
    since: date | None = None
    """None: today."""


async def classify_family(db: Database, write: Write, new: NewClassification) -> dict[str, Any]:
    """Classify a family into a category of the scheme its area uses; the family's row."""
    write.require("classifyFamily")
    checks = Checks()
    reason = checks.text("reason", new.reason, required=True)
    since = new.since or date.today()
    if since > date.today():
        checks.fail("since", "FUTURE_DATE", "`since` is in the future", "日期不能晚于今天")
    checks.done()

    async def work(tx: AsyncManagedTransaction) -> dict[str, Any]:
        await locate(tx, write, Label.FAMILY, new.family_code, lock=True, field="familyCode")
        await locate(tx, write, Label.CATEGORY, new.category_code, field="categoryCode")
        params = {"family": new.family_code, "category": new.category_code}
        configured = await (await tx.run(CATEGORY_CONFIGURED, params)).single(strict=True)
        if not configured["configured"]:
            checks.fail(
                "categoryCode",
                "CATEGORY_NOT_CONFIGURED",
                "the category belongs to no classification scheme configured for the family's area",
                "该类别不属于家庭所在地区采用的分类方法",
            )
            checks.done()
        current = await (await tx.run(CURRENT_CLASSIFICATION, params)).single()
        if current is not None:
            if current["category"] == new.category_code:
                raise Conflict(
                    f"The family is already classified as {new.category_code} "
                    f"(since {native(current['since'])}).",
                    existingId=new.category_code,
                )
            refusal = classification_order(native(current["since"]), since)
            if refusal is not None:
                checks.fail("since", refusal.code, refusal.en, refusal.zh)
                checks.done()
        await (
            await tx.run(
                CLASSIFY_FAMILY,
                params
                | {
                    "since": since,
                    "by": write.viewer.name,
                    "reason": reason,
                    "source": write.source,
                },
            )
        ).consume()
        await audit.record(
            tx,
            write.viewer,
            "classifyFamily",
            target(Label.FAMILY, new.family_code),
            before={"category": current["category"] if current else None},
            after={"category": new.category_code, "reason": reason, "since": since},
            request_id=write.request_id,
        )
        return await fetch_row(tx, Label.FAMILY, new.family_code)

    return await write_tx(db, work)


@dataclass(frozen=True)
class NewVisit:
    family_code: str
    visitor_id: str
    date: date
    note: str | None = None


async def record_visit(db: Database, write: Write, new: NewVisit) -> dict[str, Any]:
    """Record a home visit (走访); the visit as `{id, date, note, visitor}`."""
    write.require("recordVisit")
    checks = Checks()
    note = checks.text("note", new.note)
    if new.date > date.today():
        checks.fail(
            "date", "FUTURE_DATE", "the visit date is in the future", "走访日期不能晚于今天"
        )
    checks.done()
    ident = f"{new.visitor_id}|{new.family_code}|{new.date.isoformat()}"

    async def work(tx: AsyncManagedTransaction) -> dict[str, Any]:
        await locate(tx, write, Label.FAMILY, new.family_code, lock=True, field="familyCode")
        await locate(tx, write, Label.PERSON, new.visitor_id, field="visitorId")
        if await (await tx.run(VISIT_EXISTS, person=new.visitor_id, id=ident)).single():
            raise Conflict(
                "This visitor's visit to this family on that day is already recorded.",
                existingId=ident,
            )
        params = {
            "person": new.visitor_id,
            "family": new.family_code,
            "id": ident,
            "date": new.date,
            "note": note,
        }
        row = native((await (await tx.run(RECORD_VISIT, params)).single(strict=True)).data())
        await audit.record(
            tx,
            write.viewer,
            "recordVisit",
            target(Label.FAMILY, new.family_code),
            after={"visit": ident, "visitor": new.visitor_id, "date": new.date, "note": note},
            request_id=write.request_id,
        )
        return row

    return await write_tx(db, work)
