"""Families (家庭) of a grid, and their classification (`CLASSIFIED_AS` a category of a scheme).

A new category ends the family's open classification and starts one, dated by the row (分类日期)
or the as-of date, unless it would start before the current one did
(`core.rules.classification_order`); the history is kept. Classifications are sensitive (PIPL
art. 28).
"""

from __future__ import annotations

from typing import Any, LiteralString

from neo4j import ManagedTransaction

from core import validation as v
from core.model import Label, Rel
from core.rules import classification_order
from loaders.kinds import values
from loaders.kinds.base import (
    Batch,
    Link,
    Plan,
    RosterKind,
    Step,
    lock_nodes,
    native,
    refusal_of,
)
from loaders.kinds.rows import Record, RowContext

LOCK_FAMILIES = lock_nodes(Label.FAMILY)

READ_CLASSIFICATIONS: LiteralString = """
UNWIND $keys AS key
MATCH (f:Family {code: key})-[r:CLASSIFIED_AS]->(c:Category)
WHERE r.until IS NULL
RETURN key, c.code AS category, r.since AS since
"""

CLASSIFY_FAMILIES: LiteralString = """
UNWIND $rows AS row
MATCH (f:Family {code: row.key})
OPTIONAL MATCH (f)-[old:CLASSIFIED_AS]->(:Category)
WHERE old.until IS NULL
SET old.until = row.since, old.source = $load
WITH DISTINCT f, row
MATCH (c:Category {code: row.category})
CREATE (f)-[:CLASSIFIED_AS {since: row.since, by: row.by, source: $load}]->(c)
"""


class Families(RosterKind):
    name = "families"
    label = Label.FAMILY
    required = ("code", "name", "grid")
    links = (Link(Rel.IN, Label.GRID),)
    owns = (Link(Rel.CLASSIFIED_AS, Label.CATEGORY),)

    def parse(self, c: RowContext) -> Record | None:
        code = c.text("code", required=True)
        name = c.text("name", required=True)
        grid = c.grid("grid", None) if c.has("grid") else c.text("grid", required=True)
        category = c.text("category")
        if category:
            c.unit("category", Label.CATEGORY, category)
        props = {
            "name": name,
            "members": c.parse("members", values.parse_int),
            "address": c.text("address"),
        }
        extra = {
            "category": category,
            "since": c.parse("classified_since", v.parse_date),
            "by": c.text("classified_by"),
        }
        if not code or not name or not grid:
            return None
        return self.record(c, code, props, {"IN": [grid]}, extra=extra)

    def plan(self, tx: ManagedTransaction, batch: Batch) -> Plan:
        """The classifications to write. Rows of new families and rows whose hash is unchanged
        need no look-up; the others' families are locked first."""
        plan, options, counts = Plan(), batch.options, batch.counts
        counts.add(
            "CLASSIFIED_AS", "unchanged", sum(1 for r in batch.same if r.extra.get("category"))
        )
        wanted = [r for r in batch.suspects if r.extra.get("category")]
        current: dict[str, tuple[str, Any]] = {}
        if wanted:
            keys = sorted(r.key for r in wanted)
            if not options.dry_run:
                tx.run(LOCK_FAMILIES, keys=keys).consume()
            current = {
                row["key"]: (row["category"], native(row["since"]))
                for row in tx.run(READ_CLASSIFICATIONS, keys=keys)
            }
        rows = []
        for r in [*[c for c in batch.created if c.extra.get("category")], *wanted]:
            category, current_since = current.get(r.key, (None, None))
            if category == r.extra["category"]:
                counts.add("CLASSIFIED_AS", "unchanged")
                continue
            since = r.extra.get("since") or options.as_of
            refusal = classification_order(current_since, since)
            if refusal is not None:
                plan.refused.append(refusal_of(r, "classified_since", since, refusal))
                continue
            counts.add("CLASSIFIED_AS", "updated" if r.key in current else "created")
            rows.append(
                {
                    "key": r.key,
                    "category": r.extra["category"],
                    "since": since,
                    "by": r.extra.get("by"),
                }
            )
        plan.after.append(Step(CLASSIFY_FAMILIES, rows))
        return plan


KIND = Families()
