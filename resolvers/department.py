"""The 8 departments of the joint mechanism (常态化联防联动工作机制)."""

from __future__ import annotations

from typing import LiteralString

from core.database import Database
from core.model import Label
from resolvers.dataloaders import Related, collect_rows
from resolvers.pagination import Page, PageRequest, fetch_page, page_query
from resolvers.scope import in_scope

LIST_DEPARTMENTS: LiteralString = page_query(
    ("MATCH (n:Department)\nWHERE " + in_scope("n")),
    Label.DEPARTMENT,
    "n.code",
)

MECHANISM_DEPARTMENTS = Related(
    "mechanism_departments",
    collect_rows("MATCH (:Mechanism {code: key})<-[:JOINED]-(n:Department)", Label.DEPARTMENT),
)
"""The departments that joined each mechanism."""


async def list_departments(db: Database, scope: str | None, page: PageRequest) -> Page:
    """Departments by code (city-wide: the same for every viewer)."""
    return await fetch_page(db, LIST_DEPARTMENTS, page, scope=scope)
