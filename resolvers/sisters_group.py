"""Sisters groups (巾帼网格"姊妹团") and the grids they cover."""

from __future__ import annotations

from core.database import Database
from core.model import Label
from resolvers.dataloaders import Related, collect_rows
from resolvers.pagination import CODE_SEEK, Page, PageRequest, fetch_list_page, list_queries

LIST_SISTERS_GROUPS, LIST_SISTERS_GROUPS_IN_AREA = list_queries(
    Label.SISTERS_GROUP,
    """$pilot IS NULL OR coalesce(n.pilot, false) = $pilot""",
    "n.code",
    seek=CODE_SEEK,
)
"""Sisters groups of the whole city, and of the subtree of `$root`."""

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
    return await fetch_list_page(
        db,
        (LIST_SISTERS_GROUPS, LIST_SISTERS_GROUPS_IN_AREA),
        page,
        scope=scope,
        area_code=area_code,
        pilot=pilot,
    )
