"""Dispute cases (矛盾纠纷): `IN` a grid, with where they were handled, the departments they
were referred to, the families involved, and the people who mediated and reported them.

Category and status are terms of `core.model.CaseCategory` and `CaseStatus` (婚姻家庭, 受理 ...;
不予受理 is a rejected case; 退回 is a step, never a status)."""

from __future__ import annotations

import re

from core.model import CaseCategory, CaseStatus, Label, Rel
from loaders.kinds import values
from loaders.kinds.base import Link, RosterKind
from loaders.kinds.rows import Record, RowContext

CATEGORY = values.value_of(CaseCategory, "纠纷类型", "dispute category")
STATUS = values.value_of(CaseStatus, "状态", "case status")


class Cases(RosterKind):
    name = "cases"
    label = Label.CASE
    required = ("id", "title", "category")
    needs_persons = True
    links = (
        Link(Rel.IN, Label.GRID),
        Link(Rel.HANDLED_AT, Label.VENUE),
        Link(Rel.REFERRED_TO, Label.DEPARTMENT),
        Link(Rel.INVOLVES, Label.FAMILY),
        Link(Rel.MEDIATED, Label.PERSON, out=False),
        Link(Rel.REPORTED, Label.PERSON, out=False),
    )

    def parse(self, c: RowContext) -> Record | None:
        key = c.text("id", required=True)
        if key and not re.fullmatch(r"C\d{4}-\d{6}", key):
            c.fail(
                "id",
                key,
                "CASE_ID",
                "案件编号应为 C年份-6位数字，如 C2025-000123",
                "a case id is C, the year, a dash and 6 digits, e.g. C2025-000123",
            )
            key = None
        title = c.text("title", required=True)
        grid = c.grid("grid", None)
        links: dict[str, list[str]] = {"IN": [grid] if grid else []}
        venue = c.text("venue")
        links["HANDLED_AT"] = [venue] if venue and c.unit("venue", Label.VENUE, venue) else []
        links["REFERRED_TO"] = [
            d
            for d in values.split(c.text("departments"))
            if c.unit("departments", Label.DEPARTMENT, d)
        ]
        links["INVOLVES"] = [
            f for f in values.split(c.text("families")) if c.unit("families", Label.FAMILY, f)
        ]
        links["MEDIATED"] = [
            p
            for m in values.split(c.text("mediators"))
            if (p := values.person_ref(c, "mediators", m))
        ]
        reporter = c.text("reporter")
        links["REPORTED"] = (
            [p] if reporter and (p := values.person_ref(c, "reporter", reporter)) else []
        )
        props = {
            "title": title,
            "name": title,
            "category": c.parse("category", CATEGORY, required=True),
            "status": c.parse("status", STATUS, required=True),
            "reportedAt": c.parse("reported_at", values.parse_instant, required=True),
            "closedAt": c.parse("closed_at", values.parse_instant),
            "summary": c.text("summary"),
            "outcome": c.text("outcome"),
        }
        if not key or not title:
            return None
        return self.record(c, key, props, links)


KIND = Cases()
