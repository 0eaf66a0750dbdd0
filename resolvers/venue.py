"""Venues (阵地): governance centres, counselling centres, the 12338 centre, mediation rooms..."""

from __future__ import annotations

from typing import LiteralString

from core.database import Database
from core.model import Label
from resolvers.pagination import Page, PageRequest, fetch_page, page_tail
from resolvers.scope import in_scope, within

LIST_VENUES: LiteralString = (
    """MATCH (n:Venue)
WHERE ($kind IS NULL OR n.kind = $kind)
  AND ($name_contains IS NULL OR n.name CONTAINS $name_contains)
  AND ($area_code IS NULL OR """
    + within("n", "area_code")
    + ")\n  AND "
    + in_scope("n")
    + "\nWITH n, n.code AS key\n"
    + page_tail(Label.VENUE)
)


async def list_venues(
    db: Database,
    scope: str | None,
    page: PageRequest,
    *,
    area_code: str | None = None,
    kind: str | None = None,
    name_contains: str | None = None,
) -> Page:
    """Venues by code, in an area's subtree, of one kind, or by name fragment."""
    return await fetch_page(
        db,
        LIST_VENUES,
        page,
        scope=scope,
        area_code=area_code,
        kind=kind,
        name_contains=name_contains,
    )
