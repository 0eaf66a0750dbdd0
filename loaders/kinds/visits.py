"""Home visits (走访): `VISITED` relationships from a person to a family, keyed by
`<person id>|<family code>|<date>`; no nodes of their own."""

from __future__ import annotations

from typing import LiteralString

from neo4j import ManagedTransaction

from core import validation as v
from core.model import Label
from loaders.journal import SNAPSHOT_VISITS, record_created
from loaders.kinds import values
from loaders.kinds.base import Counts, RosterKind, WriteOptions, same_props
from loaders.kinds.rows import Record, RowContext
from loaders.registry import Registry

READ_VISITS: LiteralString = """
UNWIND $rows AS row
MATCH (:Person {id: row.person})-[r:VISITED {id: row.key}]->(:Family)
RETURN row.key AS key, r.rowHash AS hash, r {.date, .note} AS props
"""

MERGE_VISITS: LiteralString = """
UNWIND $rows AS row
MATCH (p:Person {id: row.person})
MATCH (f:Family {code: row.family})
MERGE (p)-[r:VISITED {id: row.key}]->(f)
SET r += row.props, r.source = $load, r.rowHash = row.hash
"""


class Visits(RosterKind):
    name = "visits"
    label = Label.PERSON
    required = ("visitor", "family", "date")
    needs_persons = True
    writes_nodes = False
    summary = "VISITED"

    def parse(self, c: RowContext) -> Record | None:
        visitor = c.text("visitor", required=True)
        family = c.text("family", required=True)
        when = c.parse("date", v.parse_date, required=True)
        person = values.person_ref(c, "visitor", visitor) if visitor else None
        if family:
            c.unit("family", Label.FAMILY, family)
        if not person or not family or not when:
            return None
        key = f"{person}|{family}|{when.isoformat()}"
        return self.record(
            c,
            key,
            {"date": when, "note": c.text("note")},
            extra={"person": person, "family": family},
        )

    def register(self, record: Record, registry: Registry) -> None:
        """Nothing refers to a visit."""

    def write_relationships(
        self, tx: ManagedTransaction, records: list[Record], options: WriteOptions, journal: bool
    ) -> Counts:
        """Visits are relationships keyed by `person|family|date`; their `rowHash` decides too."""
        counts = Counts()
        rows = [
            {
                "key": r.key,
                "hash": r.hash,
                "person": r.extra["person"],
                "family": r.extra["family"],
                "props": r.props,
            }
            for r in records
        ]
        current = {row["key"]: row for row in tx.run(READ_VISITS, rows=rows).data()}
        changed = []
        for row in rows:
            now = current.get(row["key"])
            if now is None or (
                now["hash"] != row["hash"] and not same_props(now["props"], row["props"])
            ):
                changed.append(row)
        created = sum(1 for row in changed if row["key"] not in current)
        counts.add(self.counted_as, "created", created)
        counts.add(self.counted_as, "updated", len(changed) - created)
        counts.add(self.counted_as, "unchanged", len(rows) - len(changed))
        if changed and not options.dry_run:
            known = [row["key"] for row in changed if row["key"] in current]
            if journal and known:
                tx.run(SNAPSHOT_VISITS, keys=known, load=options.load_id).consume()
            if journal:
                fresh = [row["key"] for row in changed if row["key"] not in current]
                record_created(tx, self.name, fresh, options.load_id)
            tx.run(MERGE_VISITS, rows=changed, load=options.load_id).consume()
        return counts


KIND = Visits()
