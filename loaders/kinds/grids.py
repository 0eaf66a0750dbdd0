"""Grids (网格), each `IN` its community (given, or read off the grid code)."""

from __future__ import annotations

from core import validation as v
from core.model import GridKind, Label, Rel
from loaders.kinds import values
from loaders.kinds.base import Link, RosterKind
from loaders.kinds.rows import Record, RowContext
from loaders.registry import Registry

GRID_KIND = values.value_of(GridKind, "网格类型", "grid kind")


class Grids(RosterKind):
    name = "grids"
    label = Label.GRID
    required = ("code", "name")
    links = (Link(Rel.IN, Label.COMMUNITY),)

    def parse(self, c: RowContext) -> Record | None:
        code = c.text("code", required=True)
        name = c.text("name", required=True)
        if "community" not in c.header.columns and code:
            community = code.split("-")[0]
            community = community if community in c.registry.areas else c.community("community")
        else:
            community = c.community()
            if community is None and not c.has("community"):
                c.text("community", required=True)
        if code and v.grid_code_community(code) is None:
            c.fail(
                "code",
                code,
                "GRID_CODE",
                "网格编码应为 社区代码-三位序号，如 370303006001-007",
                "a grid code is the community code, a dash and 3 digits, e.g. 370303006001-007",
            )
            return None
        props = {
            "name": name,
            "kind": c.parse("kind", GRID_KIND) or "COMPREHENSIVE",
            "households": c.parse("households", values.parse_int),
        }
        if not code or not name or not community:
            return None
        return self.record(c, code, props, {"IN": [community]})

    def register(self, record: Record, registry: Registry) -> None:
        registry.add_grid(record.key, record.props["name"], record.links["IN"][0])


KIND = Grids()
