"""The undo journal of batched (big-file) loads, and the roll-back that uses it.

A file above `LoadOptions.tx_rows` is written in batches of separate transactions. Before a
batch overwrites an existing node, it copies the node's properties and every relationship the
kind writes (`OWNED`) to `(:LoadUndo)` nodes in the same transaction; complete-roster endings and
updated visits copy the relationships they change. Nodes and relationships the load creates need
no copy: they carry `source` = the load id. If a batch fails, `roll_back` restores the copies,
deletes what the load created, and marks the `(:Load)` FAILED; once the load is COMPLETE its
journal is deleted. The statements are built once, at import, from the fixed tables below.
"""

from __future__ import annotations

from typing import LiteralString, cast

from neo4j import Driver, ManagedTransaction

from core.model import AREA_LEVEL_LABEL, NATURAL_KEYS, ROLE_RELATIONSHIP, Label, Rel
from loaders.cypher import LINKS, NODE_LABELS, Link
from loaders.registry import quiet_session

JOURNAL = "LoadUndo"
META = ("_load", "_op", "_kind", "_key", "_rel", "_other", "_otherLabel")
"""Journal properties that are not copies of graph properties (graph properties never start
with an underscore)."""


def _q(text: str) -> LiteralString:
    return cast(LiteralString, text)


def _owned(kind: str) -> tuple[Link, ...]:
    """Every relationship a row of `kind` may create, replace or delete on its node."""
    links = LINKS.get(kind, ())
    extra: tuple[Link, ...] = ()
    if kind == "people":
        extra = tuple(Link(rel, label) for rel, label in sorted(set(ROLE_RELATIONSHIP.values())))
    elif kind == "families":
        extra = (Link(Rel.CLASSIFIED_AS, Label.CATEGORY),)
    elif kind == "groups":
        extra = (Link(Rel.COVERS, Label.GRID), Link(Rel.RUNS, Label.FEDERATION, out=False))
    elif kind == "councils":
        extra = (Link(Rel.RUNS, Label.FEDERATION, out=False),)
    return links + extra


OWNED: dict[str, tuple[Link, ...]] = {kind: _owned(kind) for kind in NODE_LABELS}


def _key(label: Label) -> str:
    return NATURAL_KEYS.get(label, "code")


def _match(label: Label) -> str:
    return f"{Label.AREA}:{label}" if label in AREA_LEVEL_LABEL.values() else str(label)


def _arrow(link: Link, rel: str = "r") -> str:
    return f"-[{rel}:{link.rel}]->" if link.out else f"<-[{rel}:{link.rel}]-"


def _snapshot_nodes(kind: str) -> LiteralString:
    label = NODE_LABELS[kind]
    lines = [
        "UNWIND $keys AS key",
        f"MATCH (n:{label} {{{NATURAL_KEYS[label]}: key}})",
        f"CREATE (u:{JOURNAL})",
        f"SET u = properties(n), u._load = $load, u._op = 'node', u._kind = '{kind}', u._key = key",
        "WITH n, key",
    ]
    for link in OWNED[kind]:
        lines += [
            "CALL (n, key) {",
            f"  MATCH (n){_arrow(link)}(t:{link.target})",
            f"  CREATE (x:{JOURNAL})",
            f"  SET x = properties(r), x._load = $load, x._op = 'rel', x._kind = '{kind}',",
            f"      x._key = key, x._rel = '{link.rel}', x._otherLabel = '{link.target}',",
            f"      x._other = t.{_key(link.target)}",
            "}",
        ]
    return _q("\n".join(lines))


def _restore_nodes(kind: str) -> LiteralString:
    label = NODE_LABELS[kind]
    lines = [
        f"MATCH (u:{JOURNAL} {{_load: $load, _op: 'node', _kind: '{kind}'}})",
        f"MATCH (n:{label} {{{NATURAL_KEYS[label]}: u._key}})",
    ]
    for link in OWNED[kind]:
        lines.append(f"CALL (n) {{ MATCH (n){_arrow(link)}(:{link.target}) DELETE r }}")
    lines += ["SET n = properties(u)", "REMOVE " + ", ".join(f"n.{m}" for m in META)]
    return _q("\n".join(lines))


def _restore_rels(kind: str, link: Link) -> LiteralString:
    label = NODE_LABELS[kind]
    new = f"(n)-[r:{link.rel}]->(t)" if link.out else f"(t)-[r:{link.rel}]->(n)"
    return _q(
        "\n".join(
            [
                f"MATCH (u:{JOURNAL} {{_load: $load, _op: 'rel', _kind: '{kind}',"
                f" _rel: '{link.rel}', _otherLabel: '{link.target}'}})",
                f"MATCH (n:{label} {{{NATURAL_KEYS[label]}: u._key}})",
                f"MATCH (t:{_match(link.target)} {{{_key(link.target)}: u._other}})",
                f"CREATE {new}",
                "SET r = properties(u)",
                "REMOVE " + ", ".join(f"r.{m}" for m in META),
            ]
        )
    )


def _snapshot_ending(rel: Rel, label: Label) -> LiteralString:
    return _q(
        f"UNWIND $units AS unit\nMATCH (u:{label} {{code: unit.code}})<-[r:{rel}]-(p:Person)\n"
        "WHERE r.until IS NULL AND NOT r.id IN unit.keep\n"
        f"CREATE (x:{JOURNAL})\n"
        f"SET x = properties(r), x._load = $load, x._op = 'relprops', x._rel = '{rel}',\n"
        "    x._key = p.id, x._other = p.rowHash"
    )


def _restore_rel_props(rel: Rel) -> LiteralString:
    """Ended appointments and updated visits, found by their unique `id`; an ended person's
    `rowHash` comes back too (node copies, restored after, win for people in the file)."""
    return _q(
        f"MATCH (u:{JOURNAL} {{_load: $load, _op: 'relprops', _rel: '{rel}'}})\n"
        f"MATCH (p:Person {{id: u._key}})-[r:{rel} {{id: u.id}}]->()\n"
        "SET r = properties(u), p.rowHash = u._other\n"
        "REMOVE " + ", ".join(f"r.{m}" for m in META)
    )


def _delete_created(label: Label) -> LiteralString:
    return _q(
        f"MATCH (n:{label})\nWHERE n.source = $load\n"
        "CALL (n) { DETACH DELETE n } IN TRANSACTIONS OF 2000 ROWS"
    )


APPOINTMENT_PAIRS = sorted(set(ROLE_RELATIONSHIP.values()))
SNAPSHOT_NODES: dict[str, LiteralString] = {kind: _snapshot_nodes(kind) for kind in NODE_LABELS}
RESTORE_NODES: dict[str, LiteralString] = {kind: _restore_nodes(kind) for kind in NODE_LABELS}
RESTORE_RELS: dict[tuple[str, Rel, Label], LiteralString] = {
    (kind, link.rel, link.target): _restore_rels(kind, link)
    for kind in NODE_LABELS
    for link in OWNED[kind]
}
SNAPSHOT_ENDING: dict[tuple[Rel, Label], LiteralString] = {
    pair: _snapshot_ending(*pair) for pair in APPOINTMENT_PAIRS
}
RESTORE_REL_PROPS: dict[Rel, LiteralString] = {
    rel: _restore_rel_props(rel)
    for rel in sorted({*(r for r, _ in APPOINTMENT_PAIRS), Rel.VISITED})
}
DELETE_CREATED: dict[Label, LiteralString] = {
    label: _delete_created(label) for label in dict.fromkeys(NODE_LABELS.values())
}

SNAPSHOT_VISITS: LiteralString = f"""
UNWIND $keys AS key
MATCH (p:Person)-[r:VISITED {{id: key}}]->(:Family)
CREATE (x:{JOURNAL})
SET x = properties(r), x._load = $load, x._op = 'relprops', x._rel = 'VISITED',
    x._key = p.id, x._other = p.rowHash
"""

DELETE_CREATED_VISITS: LiteralString = """
MATCH ()-[r:VISITED]->()
WHERE r.source = $load
CALL (r) { DELETE r } IN TRANSACTIONS OF 2000 ROWS
"""

DELETE_JOURNAL: LiteralString = f"""
MATCH (u:{JOURNAL})
WHERE u._load = $load
CALL (u) {{ DELETE u }} IN TRANSACTIONS OF 5000 ROWS
"""

START_LOAD: LiteralString = """
CREATE (l:Load {id: $id})
SET l += $props, l.status = 'RUNNING'
"""

FINISH_LOAD: LiteralString = """
MATCH (l:Load {id: $id})
SET l += $props, l.status = $status
"""


def snapshot_nodes(tx: ManagedTransaction, kind: str, keys: list[str], load: str) -> None:
    """Copy existing nodes of a batch, and the relationships the kind writes, to the journal."""
    tx.run(SNAPSHOT_NODES[kind], keys=keys, load=load).consume()


def roll_back(driver: Driver, database: str, load: str, error: str) -> None:
    """Undo what the batched load `load` wrote: restore the journal's copies, delete what it
    created, delete the journal and mark the load FAILED (with `error`)."""

    def restore(tx: ManagedTransaction) -> None:
        for rel in RESTORE_REL_PROPS:
            tx.run(RESTORE_REL_PROPS[rel], load=load).consume()
        for kind in NODE_LABELS:
            tx.run(RESTORE_NODES[kind], load=load).consume()
        for statement in RESTORE_RELS.values():
            tx.run(statement, load=load).consume()

    with quiet_session(driver, database) as session:
        session.execute_write(restore)
        for statement in (*DELETE_CREATED.values(), DELETE_CREATED_VISITS, DELETE_JOURNAL):
            session.run(statement, load=load).consume()  # CALL IN TRANSACTIONS: implicit
        session.run(
            FINISH_LOAD, id=load, props={"error": error[:2000], "rolledBack": True}, status="FAILED"
        ).consume()


def finish(driver: Driver, database: str, load: str, props: dict[str, object]) -> None:
    """Mark a batched load COMPLETE, then drop its journal."""
    with quiet_session(driver, database) as session:
        session.execute_write(
            lambda tx: tx.run(FINISH_LOAD, id=load, props=props, status="COMPLETE").consume()
        )
        session.run(DELETE_JOURNAL, load=load).consume()
