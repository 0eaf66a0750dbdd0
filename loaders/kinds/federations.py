"""Women's federations (妇联), one per area: `FED-<area code>` unless the roster gives a code."""

from __future__ import annotations

from core.model import Label, Rel
from loaders.kinds.base import Link, RosterKind
from loaders.kinds.rows import Record, RowContext


class Federations(RosterKind):
    name = "federations"
    label = Label.FEDERATION
    required = ("name", "area")
    links = (Link(Rel.IN, Label.AREA),)

    def parse(self, c: RowContext) -> Record | None:
        area = c.area("area")
        code = c.text("code") or (f"FED-{area}" if area else None)
        name = c.text("name", required=True)
        if not code or not name or not area:
            return None
        level = c.registry.areas[area].level
        return self.record(
            c,
            code,
            {"name": name, "level": level},
            {"IN": [area]},
        )


KIND = Federations()
