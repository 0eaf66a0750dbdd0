"""Women's councils (妇女议事会), one per community: `WC-<community code>` unless given; the
community's federation `RUNS` each (derived after the nodes are written)."""

from __future__ import annotations

from neo4j import ManagedTransaction

from core import validation as v
from core.model import Label, Rel
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

RUNS_COUNCILS = federation_runs(Label.COUNCIL)


class Councils(RosterKind):
    name = "councils"
    label = Label.COUNCIL
    required = ("name", "community")
    links = (Link(Rel.IN, Label.COMMUNITY), Link(Rel.BRANDED_AS, Label.SERVICE_BRAND))
    owns = (Link(Rel.RUNS, Label.FEDERATION, out=False),)

    def parse(self, c: RowContext) -> Record | None:
        community = c.community()
        if community is None and not c.has("community"):
            c.text("community", required=True)
        code = c.text("code") or (f"WC-{community}" if community else None)
        name = c.text("name", required=True)
        brand = c.text("brand")
        if brand:
            c.unit("brand", Label.SERVICE_BRAND, brand)
        props = {"name": name, "founded": c.parse("founded", v.parse_date)}
        if not code or not name or not community:
            return None
        return self.record(
            c,
            code,
            props,
            {"IN": [community], "BRANDED_AS": [brand] if brand else []},
            extra={"area": community},
        )

    def plan(self, tx: ManagedTransaction, batch: Batch) -> Plan:
        """The community's federation runs each new or changed council."""
        return Plan(after=[Step(RUNS_COUNCILS, unit_areas(batch))])


KIND = Councils()
