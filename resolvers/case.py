"""Dispute cases (矛盾纠纷): parties, mediators, referrals and the workflow timeline."""

from __future__ import annotations

from datetime import date
from typing import LiteralString

from core.database import Database
from core.model import Label
from core.vocabulary import cypher_list
from core.workflow import FINAL_STATUSES
from resolvers.dataloaders import EACH_KEY, Related, collect_rows
from resolvers.pagination import Page, PageRequest, fetch_list_page, instant_key, list_queries
from resolvers.rows import ROW
from resolvers.scope import in_scope

LIST_CASES, LIST_CASES_IN_AREA = list_queries(
    Label.CASE,
    """($statuses IS NULL OR n.status IN $statuses)
  AND ($categories IS NULL OR n.category IN $categories)
  AND ($open IS NULL OR $open = (NOT n.status IN """
    + cypher_list(FINAL_STATUSES)
    + """))
  AND ($reported_from IS NULL OR date(n.reportedAt) >= $reported_from)
  AND ($reported_to IS NULL OR date(n.reportedAt) <= $reported_to)
  AND ($grid_code IS NULL OR EXISTS { MATCH (n)-[:IN]->(:Grid {code: $grid_code}) })""",
    "[coalesce(" + instant_key("n.reportedAt") + ", ''), n.id]",
    descending=True,
)
"""Cases, newest report first: all of them, and those of the subtree of `$root`."""

CASE_TIMELINE = Related(
    "case_timeline",
    collect_rows(
        "MATCH (:Case {id: key})-[:HAS_STEP]->(n:CaseStep)", Label.CASE_STEP, order="n.seq"
    ),
)
"""The workflow steps of each case, in order."""

_PERSON: LiteralString = ROW[Label.PERSON]

CASE_LINKS = Related(
    "case_links",
    EACH_KEY
    + "MATCH (c:Case {id: key})\nRETURN i, {\n"
    + "  reporters: COLLECT { MATCH (n:Person)-[:REPORTED]->(c) WHERE "
    + in_scope("n")
    + " RETURN "
    + _PERSON
    + " },\n"
    + "  mediators: COLLECT { MATCH (n:Person)-[:MEDIATED]->(c) WHERE "
    + in_scope("n")
    + " RETURN "
    + _PERSON
    + " },\n"
    + "  people: COLLECT { MATCH (c)-[:INVOLVES]->(n:Person) WHERE "
    + in_scope("n")
    + " RETURN "
    + _PERSON
    + " },\n"
    + "  families: COLLECT { MATCH (c)-[:INVOLVES]->(n:Family) WHERE "
    + in_scope("n")
    + " RETURN "
    + ROW[Label.FAMILY]
    + " },\n"
    + "  venues: COLLECT { MATCH (c)-[:HANDLED_AT]->(n:Venue) WHERE "
    + in_scope("n")
    + " RETURN "
    + ROW[Label.VENUE]
    + " },\n"
    + "  referrals: COLLECT { MATCH (c)-[r:REFERRED_TO]->(n:Department)"
    + " RETURN {at: r.at, department: "
    + ROW[Label.DEPARTMENT]
    + "} }\n} AS row",
    many=False,
)
"""Everything a case links to, one map per case (one round trip for all of them)."""


async def list_cases(
    db: Database,
    scope: str | None,
    page: PageRequest,
    *,
    statuses: list[str] | None = None,
    categories: list[str] | None = None,
    open_only: bool | None = None,
    area_code: str | None = None,
    grid_code: str | None = None,
    reported_from: date | None = None,
    reported_to: date | None = None,
) -> Page:
    """Cases, newest report first, by status, category, area subtree, grid and report date."""
    return await fetch_list_page(
        db,
        (LIST_CASES, LIST_CASES_IN_AREA),
        page,
        scope=scope,
        statuses=statuses,
        categories=categories,
        open=open_only,
        area_code=area_code,
        grid_code=grid_code,
        reported_from=reported_from,
        reported_to=reported_to,
    )
