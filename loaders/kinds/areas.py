"""Areas (区划): the administrative tree, `PART_OF` the parent area.

The level comes from the area's kind (类型: 市, 区, 县, 街道 ...: `core.model.AreaLevel`), or
from the end of its name; each level's node also has the level's label (`City` ...).
"""

from __future__ import annotations

import re

from core import validation as v
from core.model import AREA_KINDS, AREA_LEVEL_LABEL, AreaLevel, Label, Rel
from loaders.kinds import values
from loaders.kinds.base import Link, RosterKind
from loaders.kinds.rows import Deferred, Record, RowContext
from loaders.registry import Area, Registry

SUFFIXES = sorted(AREA_KINDS, key=len, reverse=True)
"""Kinds to read off the end of a name, longest first (体育场街道 is a 街道, not a 道)."""


class Areas(RosterKind):
    name = "areas"
    label = Label.AREA
    required = ("code", "name")
    links = (Link(Rel.PART_OF, Label.AREA),)
    extra_labels = tuple(AREA_LEVEL_LABEL.values())

    def parse(self, c: RowContext) -> Record | None:
        code = c.text("code", required=True)
        name = c.text("name", required=True)
        kind = c.text("kind")
        if code and not re.fullmatch(r"\d{6}|\d{9}|\d{12}", code):
            c.fail(
                "code",
                code,
                "AREA_CODE",
                "区划代码应为 6、9 或 12 位数字",
                "an area code has 6, 9 or 12 digits",
            )
            code = None
        if kind is None and name:
            kind = next((k for k in SUFFIXES if name.endswith(k)), None)
        if kind not in AREA_KINDS:
            c.fail(
                "kind",
                kind,
                "AREA_KIND",
                f"区划类型应为 {'、'.join(AREA_KINDS)}",
                f"area kind must be {', '.join(AREA_KINDS)}",
            )
            return None
        parent = c.text("parent")
        level = AREA_KINDS[kind]
        if parent and parent not in c.registry.areas:
            c.deferred.append(Deferred(c.number, "parent", parent, Label.AREA.value))
        if not code or not name:
            return None
        props = {
            "name": name,
            "level": level.value,
            "kind": kind,
            "validFrom": c.parse("valid_from", v.parse_date),
            "synthetic": c.parse("synthetic", values.parse_bool) or None,
        }
        return self.record(c, code, props, {"PART_OF": [parent] if parent else []})

    def register(self, record: Record, registry: Registry) -> None:
        parent = (record.links.get("PART_OF") or [None])[0]
        registry.add_area(Area(record.key, record.props["name"], record.props["level"], parent))

    def extra_label(self, record: Record) -> Label:
        return AREA_LEVEL_LABEL[AreaLevel(record.props["level"])]


KIND = Areas()
