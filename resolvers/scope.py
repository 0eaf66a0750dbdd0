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

_UP: LiteralString = "IN|HELD_AT|LIVES_IN|SERVES_GRID|HOLDS_POST|MEMBER_OF|VOLUNTEERS_AT"

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

    Both arguments are fixed identifiers chosen in resolver modules, never request input.
    """
    return (
        f"(EXISTS {{ MATCH ({var})-[:{_UP}*0..3]->(:Area)-[:PART_OF*0..]->(:Area {{code: ${param}}}) }}"  # noqa: E501
        f" OR ({var}:CaseStep AND EXISTS {{ MATCH ({var})<-[:HAS_STEP]-(:Case)-[:IN]->(:Grid)"
        f"-[:IN]->(:Area)-[:PART_OF*0..]->(:Area {{code: ${param}}}) }}))"
    )  # type: ignore[return-value]


def in_scope(var: LiteralString) -> LiteralString:
    """Cypher predicate: node `var` is visible under `$scope` (null `$scope`: everything)."""
    global_labels = " OR ".join(f"{var}:{label}" for label in UNSCOPED_LABELS)
    return f"($scope IS NULL OR {global_labels} OR {within(var, 'scope')})"  # type: ignore[return-value]
