"""Questions about the network as a whole: dual roles, coverage, statistics, paths."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any, LiteralString

from core.database import Database
from core.model import FEDERATION_EXECUTIVE_ROLES, GRID_WORKER_ROLES, Label
from core.vocabulary import cypher_list
from core.workflow import FINAL_STATUSES
from resolvers.dataloaders import EACH_KEY, Related
from resolvers.pagination import Page, PageRequest, fetch_page, page_query
from resolvers.rows import APPOINTMENT_TYPES, RELATIONSHIP_ROW, ROW, native, primary_label
from resolvers.scope import in_scope

MAX_PATH_HOPS = 8
"""Upper bound of `path(maxHops:)`; Cypher needs it as a literal."""

DEFAULT_FIRST_ROLES: tuple[str, ...] = tuple(sorted(FEDERATION_EXECUTIVE_ROLES))
DEFAULT_SECOND_ROLES: tuple[str, ...] = tuple(sorted(GRID_WORKER_ROLES))

_IN_FORCE_R: LiteralString = (
    "(r.since IS NULL OR r.since <= $as_of) AND (r.until IS NULL OR r.until >= $as_of)"
)

_HOLDS_FIRST_ROLE: LiteralString = (
    "CALL () {\n"
    + "\n  UNION\n".join(
        f"  MATCH (n:Person)-[r:{kind}]->()\n  USING INDEX r:{kind}(role)\n"
        f"  WHERE r.role IN $first_roles AND {_IN_FORCE_R}"
        "\n  RETURN n"
        for kind in APPOINTMENT_TYPES.split("|")
    )
    + "\n}"
)  # type: ignore[assignment]
"""Binds each person holding one of `$first_roles` on `$as_of`, once: one branch per
appointment type, each reading the relationship index on `role` (the hint: without it the
planner scans every person and expands all their relationships)."""

_HOLDS_SECOND_ROLE: LiteralString = (
    "EXISTS {\n  MATCH (n)-[r:"
    + APPOINTMENT_TYPES
    + "]->()\n  WHERE r.role IN $second_roles AND "
    + _IN_FORCE_R
    + "\n}"
)

DUAL_ROLE_MEMBERS: LiteralString = page_query(
    _HOLDS_FIRST_ROLE + "\nWITH n\nWHERE " + _HOLDS_SECOND_ROLE + "\n  AND " + in_scope("n"),
    Label.PERSON,
    "[n.name, n.id]",
)
"""People holding, on `$as_of`, one of `$first_roles` and one of `$second_roles`."""

DUAL_ROLE_MEMBERS_IN_AREA: LiteralString = page_query(
    "MATCH (:Area {code: $area_code})<-[:PART_OF*0..]-(:Area)<-[:IN]-()<-[r:"
    + APPOINTMENT_TYPES
    + """]-(n:Person)
WHERE (r.role IN $first_roles OR r.role IN $second_roles) AND """
    + _IN_FORCE_R
    + """
WITH DISTINCT n
WHERE EXISTS {
    MATCH (n)-[r:"""
    + APPOINTMENT_TYPES
    + """]->()
    WHERE r.role IN $first_roles AND """
    + _IN_FORCE_R
    + "\n  }\n  AND "
    + _HOLDS_SECOND_ROLE
    + "\n  AND "
    + in_scope("n"),
    Label.PERSON,
    "[n.name, n.id]",
)
"""The same, at least one of the two in `$area_code`'s subtree: people found from the
subtree's units (expanded once from the area) through the appointments of either kind."""

COVERAGE: LiteralString = (
    "MATCH (root:Area {code: $area_code})\nWHERE "
    + in_scope("root")
    + """
CALL (root) {
  OPTIONAL MATCH (child:Area)-[:PART_OF]->(root)
  WITH child ORDER BY child.code
  RETURN collect(child) AS children
}
UNWIND [root] + children AS n
CALL (n) {
  OPTIONAL MATCH (g:Grid)-[:IN]->(:Area)-[:PART_OF*0..]->(n)
  WITH DISTINCT g
  RETURN count(g) AS grids,
    count(CASE WHEN EXISTS {
      MATCH (g)<-[c:COVERS]-(:SistersGroup) WHERE c.since IS NULL OR c.since <= $as_of
    } THEN 1 END) AS covered,
    count(CASE WHEN EXISTS {
      MATCH (g)<-[r:SERVES_GRID]-(:Person)-[q:HOLDS_POST]->(:Federation)
      WHERE r.role IN $grid_roles AND q.role IN $federation_roles
        AND (r.since IS NULL OR r.since <= $as_of) AND (r.until IS NULL OR r.until >= $as_of)
        AND (q.since IS NULL OR q.since <= $as_of) AND (q.until IS NULL OR q.until >= $as_of)
    } THEN 1 END) AS dual
}
RETURN n = root AS isRoot, """
    + ROW[Label.AREA]
    + " AS area, grids, covered, dual"
)
"""Grids, grids covered by a sisters group, grids with a dual-role grid worker: the area first,
then each child area."""

AREA_STATS = Related(
    "area_stats",
    EACH_KEY
    + "MATCH (a:Area {code: key.code})\nWHERE "
    + in_scope("a")
    + """
WITH i, a, key.asOf AS asOf
CALL (a) {
  MATCH (x:Area)-[:PART_OF*0..]->(a)
  RETURN collect(x) AS areas
}
CALL (areas, asOf) {
  UNWIND areas AS x
  MATCH (p:Person)-[r:"""
    + APPOINTMENT_TYPES
    + """]->()-[:IN]->(x)
  WHERE (r.since IS NULL OR r.since <= asOf) AND (r.until IS NULL OR r.until >= asOf)
  WITH r.role AS role, count(DISTINCT p) AS people
  ORDER BY role
  RETURN collect({key: role, count: people}) AS membersByRole
}
CALL (areas, asOf) {
  UNWIND areas AS x
  MATCH (p:Person)-[r:MEMBER_OF]->(:SistersGroup)-[:IN]->(x)
  WHERE (r.since IS NULL OR r.since <= asOf) AND (r.until IS NULL OR r.until >= asOf)
  RETURN count(DISTINCT p) AS sistersGroupMembers
}
CALL (areas, asOf) {
  UNWIND areas AS x
  MATCH (p:Person)-[r:HOLDS_POST {role: 'LEGAL_SAVVY_PERSON'}]->(:Federation)-[:IN]->(x)
  WHERE (r.since IS NULL OR r.since <= asOf) AND (r.until IS NULL OR r.until >= asOf)
  RETURN count(DISTINCT p) AS legalSavvyPersons
}
CALL (areas) {
  UNWIND areas AS x
  RETURN count(CASE WHEN x:Community THEN 1 END) AS communities,
    count(CASE WHEN x.kind = '村' THEN 1 END) AS villages,
    sum(COUNT { MATCH (:Council)-[:IN]->(x) }) AS councils,
    sum(COUNT { MATCH (:Grid)-[:IN]->(x) }) AS grids
}
CALL (areas) {
  UNWIND areas AS x
  MATCH (v:Venue)-[:IN]->(x)
  WITH v.kind AS kind, count(v) AS venues
  ORDER BY kind
  RETURN collect({key: kind, count: venues}) AS venuesByKind, sum(venues) AS venues
}
CALL (areas) {
  UNWIND areas AS x
  MATCH (c:Case)-[:IN]->(:Grid)-[:IN]->(x)
  RETURN collect(c) AS cases
}
CALL (cases) {
  UNWIND cases AS c
  WITH c.status AS status, count(*) AS total
  ORDER BY status
  RETURN collect({key: status, count: total}) AS casesByStatus
}
CALL (cases) {
  UNWIND cases AS c
  WITH c.category AS category, count(*) AS total,
    count(CASE WHEN NOT c.status IN """
    + cypher_list(FINAL_STATUSES)
    + """ THEN 1 END) AS open,
    percentileCont(CASE WHEN c.closedAt IS NOT NULL
      THEN duration.inDays(date(c.reportedAt), date(c.closedAt)).days END, 0.5) AS median
  ORDER BY category
  RETURN collect({key: category, count: total, open: open, medianDaysToClose: median})
    AS casesByCategory
}
CALL (cases) {
  UNWIND cases AS c
  WITH c WHERE c.closedAt IS NOT NULL
  RETURN percentileCont(duration.inDays(date(c.reportedAt), date(c.closedAt)).days, 0.5)
    AS medianDaysToClose
}
CALL (cases) {
  UNWIND cases AS c
  MATCH (c)-[:HANDLED_AT]->(v:Venue)
  WHERE c.status = 'CLOSED'
  WITH v.code AS code, count(c) AS closed
  ORDER BY closed DESC, code
  LIMIT 10
  RETURN collect({key: code, count: closed}) AS topVenues
}
CALL (cases) {
  UNWIND cases AS c
  MATCH (p:Person)-[:MEDIATED]->(c)
  WHERE c.status = 'CLOSED'
  WITH p.id AS id, count(c) AS closed
  ORDER BY closed DESC, id
  LIMIT 10
  RETURN collect({key: id, count: closed}) AS topMediators
}
CALL (cases) {
  UNWIND cases AS c
  MATCH (c)-[:REFERRED_TO]->(d:Department)
  WITH d.code AS code, count(c) AS referred
  ORDER BY referred DESC, code
  RETURN collect({key: code, count: referred}) AS referrals
}
RETURN i, {code: a.code, membersByRole: membersByRole, sistersGroupMembers: sistersGroupMembers,
  legalSavvyPersons: legalSavvyPersons, communities: communities, villages: villages,
  councils: councils, grids: grids, venues: venues, venuesByKind: venuesByKind,
  cases: size(cases), casesByStatus: casesByStatus, casesByCategory: casesByCategory,
  medianDaysToClose: medianDaysToClose, topVenues: topVenues, topMediators: topMediators,
  referrals: referrals} AS row""",
    many=False,
    param=lambda key: {"code": key[0], "asOf": key[1]},
)
"""Keys `(area code, as-of date)`: counts over the area's whole subtree."""


FIND_PATH: LiteralString = (
    """MATCH (a), (b)
WHERE elementId(a) = $from_element AND elementId(b) = $to_element
"""
    + f"""MATCH p = shortestPath((a)-[*..{MAX_PATH_HOPS}]-(b))
WHERE all(r IN relationships(p) WHERE $categories OR NOT type(r) IN ['CLASSIFIED_AS', 'VISITED'])
  AND all(x IN nodes(p) WHERE NOT x:Load AND NOT x:Migration AND """
    + in_scope("x")
    + """)
RETURN [x IN nodes(p) | {element: elementId(x), labels: labels(x),
    key: coalesce(x.code, x.id), caption: coalesce(x.name, x.title)}] AS nodes,
  [r IN relationships(p) | {type: type(r), start: elementId(startNode(r)),
    end: elementId(endNode(r)), properties: """
    + RELATIONSHIP_ROW
    + "}] AS relationships"
)  # type: ignore[assignment]
"""The shortest connection (≤ 8 hops) between two nodes given by element id; family
classifications and visits are skipped unless `$categories`; nodes outside `$scope` are
avoided. Relationships carry their domain properties only (`RELATIONSHIP_PROPERTIES`)."""


async def dual_role_members(
    db: Database,
    scope: str | None,
    page: PageRequest,
    *,
    as_of: date,
    area_code: str | None = None,
    first_roles: tuple[str, ...] = DEFAULT_FIRST_ROLES,
    second_roles: tuple[str, ...] = DEFAULT_SECOND_ROLES,
) -> Page:
    """People with both kinds of appointment in force on `as_of` (双向任职), by name."""
    return await fetch_page(
        db,
        DUAL_ROLE_MEMBERS if area_code is None else DUAL_ROLE_MEMBERS_IN_AREA,
        page,
        scope=scope,
        as_of=as_of,
        area_code=area_code,
        first_roles=list(first_roles),
        second_roles=list(second_roles),
    )


@dataclass
class CoverageRow:
    """Coverage numbers of one area."""

    area: dict[str, Any]
    grids: int
    covered: int
    dual: int


async def coverage(
    db: Database, scope: str | None, *, area_code: str, as_of: date
) -> tuple[CoverageRow, list[CoverageRow]] | None:
    """Coverage of the area and of each child area; None when the area is not visible."""
    rows = await db.read(
        COVERAGE,
        scope=scope,
        area_code=area_code,
        as_of=as_of,
        grid_roles=list(DEFAULT_SECOND_ROLES),
        federation_roles=list(DEFAULT_FIRST_ROLES),
    )
    if not rows:
        return None
    built = [
        (row["isRoot"], CoverageRow(native(row["area"]), row["grids"], row["covered"], row["dual"]))
        for row in rows
    ]
    root = next(item for is_root, item in built if is_root)
    return root, [item for is_root, item in built if not is_root]


@dataclass
class PathResult:
    """A path as (label, key, caption) nodes and relationships between node positions."""

    nodes: list[dict[str, Any]]
    relationships: list[dict[str, Any]]


async def find_path(
    db: Database,
    scope: str | None,
    *,
    source: str,
    target: str,
    categories: bool,
) -> PathResult | None:
    """The shortest path between two nodes (element ids of this request's node rows), or None
    when there is none within 8 hops."""
    rows = await db.read(
        FIND_PATH,
        scope=scope,
        from_element=source,
        to_element=target,
        categories=categories,
    )
    if not rows:
        return None
    row = rows[0]
    position = {node["element"]: index for index, node in enumerate(row["nodes"])}
    nodes = [
        {"label": primary_label(node["labels"]), "key": node["key"], "caption": node["caption"]}
        for node in row["nodes"]
    ]
    relationships = [
        {
            "type": rel["type"],
            "start": position[rel["start"]],
            "end": position[rel["end"]],
            "properties": native(rel["properties"]),
        }
        for rel in row["relationships"]
    ]
    return PathResult(nodes, relationships)
