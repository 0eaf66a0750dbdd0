"""Sisters groups (姊妹团): `SG-<area code>` unless given, `PART_OF` a parent group.

After its nodes, a batch derives what the roster does not say: the federation of the group's
area `RUNS` it, and the group `COVERS` every grid of its community (a community group) or of its
district (a district group).
"""

from __future__ import annotations

from typing import LiteralString

from neo4j import ManagedTransaction

from core import validation as v
from core.model import Label, Rel
from loaders.kinds import values
from loaders.kinds.base import (
    Batch,
    Link,
    Plan,
    RosterKind,
    Step,
    federation_runs,
    unit_areas,
)
from loaders.kinds.rows import Record, RowContext

RUNS_GROUPS = federation_runs(Label.SISTERS_GROUP)

COVER_COMMUNITY_GRIDS: LiteralString = """
UNWIND $rows AS row
MATCH (sg:SistersGroup {code: row.key})-[:IN]->(c:Community)
MATCH (g:Grid)-[:IN]->(c)
MERGE (sg)-[r:COVERS]->(g)
ON CREATE SET r.since = row.since, r.source = $load
"""

COVER_DISTRICT_GRIDS: LiteralString = """
UNWIND $rows AS row
MATCH (sg:SistersGroup {code: row.key})-[:IN]->(d:District)
MATCH (g:Grid)-[:IN]->(:Community)-[:PART_OF]->(:Township)-[:PART_OF]->(d)
MERGE (sg)-[r:COVERS]->(g)
ON CREATE SET r.since = row.since, r.source = $load
"""


class Groups(RosterKind):
    name = "groups"
    label = Label.SISTERS_GROUP
    required = ("name", "area")
    links = (Link(Rel.IN, Label.AREA), Link(Rel.PART_OF, Label.SISTERS_GROUP))
    owns = (Link(Rel.COVERS, Label.GRID), Link(Rel.RUNS, Label.FEDERATION, out=False))

    def parse(self, c: RowContext) -> Record | None:
        area = c.area("area")
        code = c.text("code") or (f"SG-{area}" if area else None)
        name = c.text("name", required=True)
        parent = c.text("parent")
        if parent:
            c.unit("parent", Label.SISTERS_GROUP, parent, defer_same_kind=True)
        props = {
            "name": name,
            "founded": c.parse("founded", v.parse_date),
            "pilot": bool(c.parse("pilot", values.parse_bool)),
        }
        if not code or not name or not area:
            return None
        return self.record(
            c,
            code,
            props,
            {"IN": [area], "PART_OF": [parent] if parent else []},
            extra={"area": area},
        )

    def plan(self, tx: ManagedTransaction, batch: Batch) -> Plan:
        """The area's federation runs each new or changed group; it covers its area's grids."""
        rows = unit_areas(batch)
        return Plan(
            after=[
                Step(RUNS_GROUPS, rows),
                Step(COVER_COMMUNITY_GRIDS, rows),
                Step(COVER_DISTRICT_GRIDS, rows),
            ]
        )


KIND = Groups()
