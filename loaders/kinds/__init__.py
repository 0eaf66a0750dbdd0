"""The kinds of roster, one module each, and `KINDS` in load order.

Each module declares its `RosterKind` (`loaders.kinds.base`): the fields, the parser of a row,
the relationships it sets and owns, how a record is registered, and what it writes beyond its
nodes. `loaders.pipeline`, `loaders.writer`, `loaders.cypher` and `loaders.undo` iterate over
`KINDS`; a new kind is one more module here.
"""

from __future__ import annotations

from loaders.kinds import (
    areas,
    cases,
    councils,
    families,
    federations,
    grids,
    groups,
    people,
    steps,
    venues,
    visits,
)
from loaders.kinds.base import RosterKind

KINDS: dict[str, RosterKind] = {
    kind.name: kind
    for kind in (
        areas.KIND,
        grids.KIND,
        federations.KIND,
        groups.KIND,
        councils.KIND,
        venues.KIND,
        people.KIND,
        families.KIND,
        cases.KIND,
        steps.KIND,
        visits.KIND,
    )
}
"""Kinds in load order: a file may refer to what the files of earlier kinds declare."""

REQUIRED_FIELDS = {name: kind.required for name, kind in KINDS.items()}

NODE_KINDS: tuple[RosterKind, ...] = tuple(kind for kind in KINDS.values() if kind.writes_nodes)
"""The kinds whose rows are nodes (every kind but visits)."""
