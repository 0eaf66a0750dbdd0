"""Women's federations (妇联) at every level."""

from __future__ import annotations

from typing import LiteralString

from core.database import Database
from core.model import Label
from resolvers.pagination import Page, PageRequest, fetch_page, page_tail
from resolvers.scope import in_scope, within

LIST_FEDERATIONS: LiteralString = (
    """MATCH (n:Federation)
WHERE ($level IS NULL OR n.level = $level)
  AND ($area_code IS NULL OR """
    + within("n", "area_code")
    + ")\n  AND "
    + in_scope("n")
    + "\nWITH n, n.code AS key\n"
    + page_tail(Label.FEDERATION)
)


async def list_federations(
    db: Database,
    scope: str | None,
    page: PageRequest,
    *,
    area_code: str | None = None,
    level: str | None = None,
) -> Page:
    """Federations by code, in an area's subtree and/or of one level."""
    return await fetch_page(
        db, LIST_FEDERATIONS, page, scope=scope, area_code=area_code, level=level
    )
