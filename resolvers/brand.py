"""Service and mediation brands (孝乡家安, 马明调解室, 妇女解忧议事会 ...)."""

from __future__ import annotations

from typing import LiteralString

from core.database import Database
from core.model import Label
from resolvers.dataloaders import Related, collect_rows
from resolvers.pagination import Page, PageRequest, fetch_page, page_query
from resolvers.scope import in_scope

LIST_SERVICE_BRANDS: LiteralString = page_query(
    ("MATCH (n:ServiceBrand)\nWHERE ($kind IS NULL OR n.kind = $kind) AND " + in_scope("n")),
    Label.SERVICE_BRAND,
    "n.code",
)

BRAND_VENUES = Related(
    "brand_venues",
    collect_rows("MATCH (:ServiceBrand {code: key})<-[:BRANDED_AS]-(n:Venue)", Label.VENUE),
)
"""The venues working under each brand (in the viewer's scope)."""


async def list_service_brands(
    db: Database, scope: str | None, page: PageRequest, *, kind: str | None = None
) -> Page:
    """Brands by code, optionally of one kind."""
    return await fetch_page(db, LIST_SERVICE_BRANDS, page, scope=scope, kind=kind)
