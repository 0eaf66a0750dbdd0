"""Families of a grid and their classification (五色 / 七彩: sensitive, PIPL art. 28).

The schema only calls the category functions for viewers allowed to see classifications.
"""

from __future__ import annotations

from datetime import date
from typing import LiteralString

from core.database import Database
from core.model import Label
from resolvers.dataloaders import EACH_KEY, Related, collect_rows
from resolvers.pagination import (
    CODE_SEEK,
    Page,
    PageRequest,
    fetch_list_page,
    fetch_page,
    list_queries,
    page_query,
)
from resolvers.rows import ROW
from resolvers.scope import in_scope

LIST_FAMILIES, LIST_FAMILIES_IN_AREA = list_queries(
    Label.FAMILY,
    """($grid_code IS NULL OR EXISTS { MATCH (n)-[:IN]->(:Grid {code: $grid_code}) })
  AND ($categories IS NULL OR EXISTS {
    MATCH (n)-[c:CLASSIFIED_AS]->(k:Category)
    WHERE c.until IS NULL
      AND (k.code IN $categories OR k.colour IN $categories OR k.name IN $categories)
  })
  AND ($not_visited_since IS NULL
    OR NOT EXISTS { MATCH (n)<-[v:VISITED]-(:Person) WHERE v.date >= $not_visited_since })""",
    "n.code",
    seek=CODE_SEEK,
)
"""Families of the whole city, and of the subtree of `$root`."""

FAMILY_CLASSIFICATIONS = Related(
    "family_classifications",
    EACH_KEY
    + "MATCH (:Family {code: key})-[c:CLASSIFIED_AS]->(n:Category)\n"
    + "WITH i, c, n ORDER BY c.since DESC\n"
    + "RETURN i, collect({since: c.since, until: c.until, by: c.by, reason: c.reason, category: "
    + ROW[Label.CATEGORY]
    + "}) AS rows",
)
"""Classification history of each family, the current one (no `until`) first."""

FAMILY_VISITS = Related(
    "family_visits",
    EACH_KEY
    + "MATCH (:Family {code: key})<-[v:VISITED]-(n:Person)\nWHERE "
    + in_scope("n")
    + "\nWITH i, v, n ORDER BY v.date DESC, v.id\n"
    + "RETURN i, collect({id: v.id, date: v.date, note: v.note, visitor: "
    + ROW[Label.PERSON]
    + "}) AS rows",
)
"""Home visits to each family, newest first."""

FAMILY_MEMBERS = Related(
    "family_members",
    collect_rows(
        "MATCH (:Family {code: key})<-[:BELONGS_TO]-(n:Person)", Label.PERSON, order="n.name"
    ),
)
"""The people of each household."""

LIST_SCHEMES: LiteralString = page_query(
    ("MATCH (n:ClassificationScheme)\nWHERE " + in_scope("n")),
    Label.SCHEME,
    "n.code",
)

SCHEME_CATEGORIES = Related(
    "scheme_categories",
    collect_rows(
        "MATCH (:ClassificationScheme {code: key})<-[:IN_SCHEME]-(n:Category)",
        Label.CATEGORY,
        order="n.rank, n.code",
    ),
)
"""The categories of each scheme, by rank."""


async def list_families(
    db: Database,
    scope: str | None,
    page: PageRequest,
    *,
    grid_code: str | None = None,
    area_code: str | None = None,
    categories: list[str] | None = None,
    not_visited_since: date | None = None,
) -> Page:
    """Families by code; `categories` (codes, colours or names) match the current category."""
    return await fetch_list_page(
        db,
        (LIST_FAMILIES, LIST_FAMILIES_IN_AREA),
        page,
        scope=scope,
        grid_code=grid_code,
        area_code=area_code,
        categories=categories,
        not_visited_since=not_visited_since,
    )


async def list_schemes(db: Database, scope: str | None, page: PageRequest) -> Page:
    """Classification schemes by code (their definitions are not sensitive)."""
    return await fetch_page(db, LIST_SCHEMES, page, scope=scope)
