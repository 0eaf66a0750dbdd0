"""The undo journal of batched loads, as the writers fill it (`loaders.undo` explains it and
rolls a load back from it).

What any kind journals lives here; what a kind's own steps journal lives with the kind (the
appointments a complete roster ends: `loaders.kinds.people`), and the copies of the nodes a
batch overwrites are built per kind in `loaders.undo`.
"""

from __future__ import annotations

from typing import LiteralString

from neo4j import ManagedTransaction

JOURNAL = "LoadUndo"
META = ("_load", "_op", "_kind", "_key", "_rel", "_other", "_otherLabel", "_eid", "_lock")
"""Journal properties that are not copies of graph properties (graph properties never start
with an underscore)."""

RECORD_CREATED: LiteralString = f"""
CREATE (x:{JOURNAL} {{_load: $load, _op: 'created', _kind: $kind, keys: $keys}})
"""

SNAPSHOT_VISITS: LiteralString = f"""
UNWIND $keys AS key
MATCH (p:Person)-[r:VISITED {{id: key}}]->(:Family)
CREATE (x:{JOURNAL})
SET x = properties(r), x._load = $load, x._op = 'relprops', x._rel = 'VISITED', x._key = p.id
"""


def record_created(tx: ManagedTransaction, kind: str, keys: list[str], load: str) -> None:
    """Journal the keys of the nodes (for visits: the visits) a batch creates."""
    if keys:
        tx.run(RECORD_CREATED, kind=kind, keys=keys, load=load).consume()
