"""Venues (阵地): `IN` an area, `BRANDED_AS` a brand, `RUNS` from the federation that hosts them."""

from __future__ import annotations

from core.model import VENUE_KINDS, Label, Rel
from loaders.kinds import values
from loaders.kinds.base import Link, RosterKind
from loaders.kinds.rows import Record, RowContext

VENUE_KIND = values.value_of(VENUE_KINDS, "阵地类型", "venue kind")


class Venues(RosterKind):
    name = "venues"
    label = Label.VENUE
    required = ("code", "name", "kind")
    links = (
        Link(Rel.IN, Label.AREA),
        Link(Rel.BRANDED_AS, Label.SERVICE_BRAND),
        Link(Rel.RUNS, Label.FEDERATION, out=False),
    )

    def parse(self, c: RowContext) -> Record | None:
        code = c.text("code", required=True)
        name = c.text("name", required=True)
        area = c.area("area")
        brand = c.text("brand")
        if brand:
            c.unit("brand", Label.SERVICE_BRAND, brand)
        federation = c.text("federation")
        if federation:
            c.unit("federation", Label.FEDERATION, federation)
        props = {
            "name": name,
            "kind": c.parse("kind", VENUE_KIND, required=True),
            "address": c.text("address"),
        }
        if not code or not name or not area:
            return None
        return self.record(
            c,
            code,
            props,
            {
                "IN": [area],
                "BRANDED_AS": [brand] if brand else [],
                "RUNS": [federation] if federation else [],
            },
        )


KIND = Venues()
