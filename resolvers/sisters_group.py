"""Sisters groups (巾帼网格"姊妹团") and the grids they cover."""

from __future__ import annotations

from typing import LiteralString

from core.database import Database
from core.model import Label
from resolvers.dataloaders import Related, collect_rows
from resolvers.pagination import Page, PageRequest, fetch_page, page_tail
from resolvers.scope import in_scope, within

LIST_SISTERS_GROUPS: LiteralString = (
    """MATCH (n:SistersGroup)
WHERE ($pilot IS NULL OR coalesce(n.pilot, false) = $pilot)
  AND ($area_code IS NULL OR """
    + within("n", "area_code")
    + ")\n  AND "
    + in_scope("n")
    + "\nWITH n, n.code AS key\n"
    + page_tail(Label.SISTERS_GROUP)
)

SISTERS_GROUP_GRIDS = Related(
    "sisters_group_grids",
    collect_rows("MATCH (:SistersGroup {code: key})-[:COVERS]->(n:Grid)", Label.GRID),
)
"""The grids each sisters group covers."""

SISTERS_GROUP_CHILDREN = Related(
    "sisters_group_children",
    collect_rows(
        "MATCH (:SistersGroup {code: key})<-[:PART_OF]-(n:SistersGroup)", Label.SISTERS_GROUP
    ),
)
"""Community groups under each district group."""


async def list_sisters_groups(
    db: Database,
    scope: str | None,
    page: PageRequest,
    *,
    area_code: str | None = None,
    pilot: bool | None = None,
) -> Page:
    """Sisters groups by code, in an area's subtree, optionally pilots only."""
    return await fetch_page(
        db, LIST_SISTERS_GROUPS, page, scope=scope, area_code=area_code, pilot=pilot
    )
