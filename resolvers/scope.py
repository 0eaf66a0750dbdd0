"""Area scoping: a viewer limited to an area sees only what lies in that area's subtree.

Every resolver takes a `scope` (an area code or None) and every Cypher constant that returns
nodes filters them with the fragment built here, so a scoped token cannot reach outside its area
through a list, a lookup, a nested field, a search or a path.

Where a node "lies" follows its outgoing relationships up to an area: an area itself; a grid
`IN` its community; a building, family or case `IN` a grid; a federation, sisters group, council
or venue `IN` its area; an activity `HELD_AT` a venue; a person through `LIVES_IN` or any
appointment (`SERVES_GRID`, `HOLDS_POST`, `MEMBER_OF`, `VOLUNTEERS_AT`); a case step through its
case. City-wide things with no area (departments, the joint mechanism, service brands,
projects, classification schemes and their categories) are visible to every viewer.
"""

from __future__ import annotations

from typing import LiteralString

from core.auth import Viewer
from core.model import PLACED_IN, Label

UNSCOPED_LABELS: tuple[str, ...] = (
    "Department",
    "Mechanism",
    "ServiceBrand",
    "Project",
    "ClassificationScheme",
    "Category",
)
"""Labels of city-wide nodes that every viewer sees, scoped or not."""


def scope_of(viewer: Viewer) -> str | None:
    """The area code a viewer is limited to (None: the whole city)."""
    return viewer.area_code


def within(var: LiteralString, param: LiteralString) -> LiteralString:
    """Cypher predicate: node `var` lies in the subtree of the area whose code is `$param`.

    Walks up from `var`: a few relationships to the areas it lies in, then `PART_OF` to the
    city, comparing the codes met with `$param` (a handful of hops per row). A pattern ending
    in `(:Area {code: $param})` instead lets the planner start at that area and expand its
    whole subtree for every row. `EXISTS` (not `COLLECT`) outside, so that `$x IS NULL OR ...`
    skips the walk when `$x` is null. Both arguments are fixed identifiers chosen in resolver
    modules, never request input.
    """
    up = f"${param} IN COLLECT {{ MATCH (home_)-[:PART_OF*0..]->(up_:Area) RETURN up_.code }}"
    return (
        f"(EXISTS {{ MATCH ({var}){PLACED_IN}(home_:Area) WHERE {up} }}"
        f" OR ({var}:CaseStep AND EXISTS {{ MATCH ({var})<-[:HAS_STEP]-(:Case)-[:IN]->(:Grid)"
        f"-[:IN]->(home_:Area) WHERE {up} }}))"
    )  # type: ignore[return-value]


def in_scope(var: LiteralString) -> LiteralString:
    """Cypher predicate: node `var` is visible under `$scope` (null `$scope`: everything)."""
    global_labels = " OR ".join(f"{var}:{label}" for label in UNSCOPED_LABELS)
    return f"($scope IS NULL OR {global_labels} OR {within(var, 'scope')})"  # type: ignore[return-value]


_BELOW: dict[Label, LiteralString] = {
    Label.AREA: "WITH a AS n",
    Label.GRID: "MATCH (n:Grid)-[:IN]->(a)",
    Label.BUILDING: "MATCH (n:Building)-[:IN]->(:Grid)-[:IN]->(a)",
    Label.FAMILY: "MATCH (n:Family)-[:IN]->(:Grid)-[:IN]->(a)",
    Label.CASE: "MATCH (n:Case)-[:IN]->(:Grid)-[:IN]->(a)",
    Label.FEDERATION: "MATCH (n:Federation)-[:IN]->(a)",
    Label.SISTERS_GROUP: "MATCH (n:SistersGroup)-[:IN]->(a)",
    Label.COUNCIL: "MATCH (n:Council)-[:IN]->(a)",
    Label.VENUE: "MATCH (n:Venue)-[:IN]->(a)",
    Label.ACTIVITY: "MATCH (n:Activity)-[:HELD_AT]->(:Venue)-[:IN]->(a)",
    Label.PERSON: """CALL (a) {
  MATCH (n:Person)-[:LIVES_IN]->(a)
  RETURN n
  UNION
  MATCH (n:Person)-[:SERVES_GRID|HOLDS_POST|MEMBER_OF|VOLUNTEERS_AT]->()-[:IN]->(a)
  RETURN n
}""",
}
"""How a node of each label reaches an area it lies in, written from the area's side (the same
paths `within` walks up, per the data model)."""


def in_area(label: Label) -> LiteralString:
    """Cypher that binds each node `n` of `label` lying in the subtree of area `$root`, once.

    Expands the subtree once from its root (a district has a few hundred areas) and joins
    through the relationships that place a node of `label`; `within(n, 'root')` is the same
    set row by row (a test checks it for every label).
    """
    return (
        "MATCH (:Area {code: $root})<-[:PART_OF*0..]-(a:Area)\n"
        + _BELOW[label]
        + "\nWITH DISTINCT n"
    )  # type: ignore[return-value]


AREA_LABELS: tuple[Label, ...] = tuple(_BELOW)
"""Labels `in_area` can list."""


def also_in_scope(var: LiteralString) -> LiteralString:
    """Cypher predicate for rows of `in_area` rooted at `$area_code`: also visible under `$scope`.

    With only one of the two set, `$root` is that one and every row qualifies already.
    """
    return f"($scope IS NULL OR $area_code IS NULL OR {within(var, 'scope')})"  # type: ignore[return-value]


def root_of(scope: str | None, area_code: str | None) -> str | None:
    """The area `in_area` starts from: the filter's area, else the viewer's (None: no root)."""
    return area_code if area_code is not None else scope
