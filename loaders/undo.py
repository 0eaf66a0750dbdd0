"""The undo journal of batched (big-file) loads, and the roll-back that uses it.

A file above `LoadOptions.tx_rows` is written in batches of separate transactions, so other
writers (the API, other loads) may change what a batch wrote before the load ends. Each batch
journals, in its own transaction, what a roll-back needs to undo exactly its own writes:

- before it overwrites an existing node: the node's properties and every relationship the kind
  writes on it (`OWNED`: its `links` and what it `owns`, with their element ids) as
  `(:LoadUndo)` copies; before it ends an
  appointment or rewrites a visit: the relationship's properties;
- the keys of the nodes (and visits) it creates.

Everything a load writes carries `source` = its id; whoever writes after it leaves another
`source` (`api:<request id>`, another load's id). A roll-back therefore undoes only what still
carries the load's `source`:

- a copied node is restored (properties, and the relationships the load replaced or deleted)
  only while it is as the load left it; one changed since is kept as it is;
- a created node is deleted only while it is as the load left it *and* nothing links to it but
  what the load itself wrote (a case reporting her, an appointment the API gave her);
- an ended appointment or rewritten visit is restored only while the load's change stands.

What it could not undo, and why, is its report (`UndoReport`), kept on the `(:Load)`. The
statements are built once, at import, for each kind of `loaders.kinds.NODE_KINDS`; what the
writers journal is in `loaders.journal`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, LiteralString

from neo4j import Driver, ManagedTransaction

from core.model import NATURAL_KEYS, Label, Rel
from loaders.journal import JOURNAL, META
from loaders.kinds import NODE_KINDS
from loaders.kinds.base import Link, key_of, match_label, statement
from loaders.kinds.people import APPOINTMENT_TARGETS
from loaders.registry import quiet_session

CHUNK = 2000
"""Created nodes checked and deleted per transaction."""

DETAILS_KEPT = 200
"""Reasons kept on the `(:Load)` record (the count is always complete)."""


NODE_LABELS: dict[str, Label] = {kind.name: kind.label for kind in NODE_KINDS}
OWNED: dict[str, tuple[Link, ...]] = {kind.name: kind.links + kind.owns for kind in NODE_KINDS}
"""Every relationship a row of a kind may create, replace or delete on its node."""


def _arrow(link: Link, rel: str = "r") -> str:
    return f"-[{rel}:{link.rel}]->" if link.out else f"<-[{rel}:{link.rel}]-"


def _remove_meta(var: str) -> str:
    return "REMOVE " + ", ".join(f"{var}.{m}" for m in META)


# --- journaling, in each batch's transaction ---------------------------------------------------


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
            f"      x._other = t.{key_of(link.target)}, x._eid = elementId(r)",
            "}",
        ]
    return statement("\n".join(lines))


def snapshot_nodes(tx: ManagedTransaction, kind: str, keys: list[str], load: str) -> None:
    """Copy existing nodes of a batch, and the relationships the kind writes, to the journal."""
    tx.run(SNAPSHOT_NODES[kind], keys=keys, load=load).consume()


# --- rolling back ------------------------------------------------------------------------------


def _lock_copied(kind: str) -> LiteralString:
    """Lock each node the load copied before changing it, then say what became of it."""
    label = NODE_LABELS[kind]
    return statement(
        f"MATCH (u:{JOURNAL} {{_load: $load, _op: 'node', _kind: '{kind}'}})\n"
        f"OPTIONAL MATCH (n:{label} {{{NATURAL_KEYS[label]}: u._key}})\n"
        "CALL (n) { WITH n WHERE n IS NOT NULL SET n._lock = true REMOVE n._lock }\n"
        "RETURN u._key AS key, n IS NULL AS gone, n.source AS source"
    )


def _restore_nodes(kind: str) -> LiteralString:
    """Copied nodes still as the load left them: drop what the load wrote on them, put the
    copy back (the relationships come back in `RESTORE_RELS`)."""
    label = NODE_LABELS[kind]
    return statement(
        f"UNWIND $keys AS key\nMATCH (u:{JOURNAL} {{_load: $load, _op: 'node', _kind: '{kind}', "
        f"_key: key}})\nMATCH (n:{label} {{{NATURAL_KEYS[label]}: key}})\n"
        "CALL (n) { MATCH (n)-[r]-() WHERE r.source = $load DELETE r }\n"
        f"SET n = properties(u)\n{_remove_meta('n')}"
    )


def _restore_rels(kind: str, link: Link) -> LiteralString:
    """Copied relationships of restored nodes that no longer stand as they were (the load
    replaced, changed or deleted them) are made again from their copies."""
    label = NODE_LABELS[kind]
    new = f"(n)-[r:{link.rel}]->(t)" if link.out else f"(t)-[r:{link.rel}]->(n)"
    still = f"(n){_arrow(link, 'same')}(t)"
    return statement(
        "\n".join(
            [
                "UNWIND $keys AS key",
                f"MATCH (u:{JOURNAL} {{_load: $load, _op: 'rel', _kind: '{kind}', _key: key,"
                f" _rel: '{link.rel}', _otherLabel: '{link.target}'}})",
                f"MATCH (n:{label} {{{NATURAL_KEYS[label]}: key}})",
                f"MATCH (t:{match_label(link.target)} {{{key_of(link.target)}: u._other}})",
                f"WITH n, t, u WHERE NOT EXISTS {{ MATCH {still} WHERE elementId(same) = u._eid }}",
                f"CREATE {new}",
                "SET r = properties(u)",
                _remove_meta("r"),
            ]
        )
    )


def _restore_rel_props(rel: Rel) -> LiteralString:
    """Ended appointments and rewritten visits whose change by the load still stands."""
    return statement(
        f"MATCH (u:{JOURNAL} {{_load: $load, _op: 'relprops', _rel: '{rel}'}})\n"
        f"MATCH (p:Person {{id: u._key}})-[r:{rel} {{id: u.id}}]->(other)\n"
        "SET p._lock = true\nREMOVE p._lock\n"
        "WITH u, r, r.source = $load AS mine, r.source AS source\n"
        "CALL (u, r, mine) { WITH * WHERE mine SET r = properties(u) " + _remove_meta("r") + " }\n"
        "RETURN u.id AS key, mine AS restored, source"
    )


def _created_keys(kind: str) -> LiteralString:
    """The nodes the load created: journaled, or (journals of earlier versions) found by
    `source`. Nodes it copied are restored first, so they no longer carry its `source`."""
    label = NODE_LABELS[kind]
    return statement(
        f"CALL () {{\n  MATCH (x:{JOURNAL} {{_load: $load, _op: 'created', _kind: '{kind}'}})\n"
        "  UNWIND x.keys AS key\n  RETURN key\n"
        f"  UNION\n  MATCH (n:{label})\n  WHERE n.source = $load\n"
        f"  RETURN n.{NATURAL_KEYS[label]} AS key\n}}\nRETURN collect(key) AS keys"
    )


def _delete_created(kind: str) -> LiteralString:
    """Created nodes still as the load left them, with nothing linking to them but the load's
    own relationships: deleted. The others are kept, with the reason."""
    label = NODE_LABELS[kind]
    return statement(
        f"UNWIND $keys AS key\nMATCH (n:{label} {{{NATURAL_KEYS[label]}: key}})\n"
        "SET n._lock = true\n"
        "WITH n, key, n.source = $load AS mine,\n"
        "     COLLECT { MATCH (n)-[r]-(o) WHERE coalesce(r.source, '') <> $load\n"
        "               RETURN type(r) + ' ' + coalesce(o.id, o.code, o.name, '?')\n"
        "               + ' (' + coalesce(r.source, 'no source') + ')' LIMIT 3 } AS links\n"
        "CALL (n, mine, links) { WITH * WHERE mine AND links = [] DETACH DELETE n }\n"
        "WITH key, mine, links, n\n"
        "WHERE NOT mine OR links <> []\n"
        "REMOVE n._lock\n"
        "RETURN key, CASE WHEN mine THEN null ELSE n.source END AS source, links"
    )


LOCK_COPIED: dict[str, LiteralString] = {kind: _lock_copied(kind) for kind in NODE_LABELS}
RESTORE_NODES: dict[str, LiteralString] = {kind: _restore_nodes(kind) for kind in NODE_LABELS}
RESTORE_RELS: dict[tuple[str, Rel, Label], LiteralString] = {
    (kind, link.rel, link.target): _restore_rels(kind, link)
    for kind in NODE_LABELS
    for link in OWNED[kind]
}
SNAPSHOT_NODES: dict[str, LiteralString] = {kind: _snapshot_nodes(kind) for kind in NODE_LABELS}
RESTORE_REL_PROPS: dict[Rel, LiteralString] = {
    rel: _restore_rel_props(rel)
    for rel in sorted({*(r for r, _ in APPOINTMENT_TARGETS), Rel.VISITED})
}
CREATED_KEYS: dict[str, LiteralString] = {kind: _created_keys(kind) for kind in NODE_LABELS}
DELETE_CREATED: dict[str, LiteralString] = {kind: _delete_created(kind) for kind in NODE_LABELS}

CREATED_VISITS: LiteralString = f"""
CALL () {{
  MATCH (x:{JOURNAL} {{_load: $load, _op: 'created', _kind: 'visits'}})
  UNWIND x.keys AS key
  RETURN key
  UNION
  MATCH ()-[r:VISITED]->()
  WHERE r.source = $load
  RETURN r.id AS key
}}
RETURN collect(key) AS keys
"""

DELETE_CREATED_VISITS: LiteralString = """
UNWIND $keys AS key
MATCH (p:Person)-[r:VISITED {id: key}]->()
SET p._lock = true
REMOVE p._lock
WITH key, r, r.source = $load AS mine, r.source AS source
CALL (r, mine) { WITH * WHERE mine DELETE r }
WITH key, mine, source WHERE NOT mine
RETURN key, source, [] AS links
"""

DELETE_JOURNAL: LiteralString = f"""
MATCH (u:{JOURNAL})
WHERE u._load = $load
CALL (u) {{ DELETE u }} IN TRANSACTIONS OF 5000 ROWS
"""

DELETE_COPIES: LiteralString = f"""
MATCH (u:{JOURNAL})
WHERE u._load = $load AND u._op IN ['node', 'rel', 'relprops']
DELETE u
"""

START_LOAD: LiteralString = """
CREATE (l:Load {id: $id})
SET l += $props, l.status = 'RUNNING'
"""

FINISH_LOAD: LiteralString = """
MATCH (l:Load {id: $id})
SET l += $props, l.status = $status
"""


@dataclass(frozen=True)
class Kept:
    """Something the load wrote that a roll-back left as it is, and why."""

    kind: str
    key: str
    reason: str

    def __str__(self) -> str:
        return f"{self.kind} {self.key}: {self.reason}"


@dataclass
class UndoReport:
    """What a roll-back undid and what it kept."""

    restored: int = 0
    deleted: int = 0
    kept: list[Kept] = field(default_factory=list)

    def record(self) -> dict[str, Any]:
        """Properties of the `(:Load)` that keep this report."""
        return {
            "undoneRestored": self.restored,
            "undoneDeleted": self.deleted,
            "notUndone": len(self.kept),
            "notUndoneDetails": [str(k) for k in self.kept[:DETAILS_KEPT]],
        }


def _changed(source: str | None) -> str:
    return f"changed since by {source}" if source else "changed since (no source)"


def _restore(tx: ManagedTransaction, load: str) -> UndoReport:
    """Every copy the journal holds, in one transaction; the copies go with it."""
    report = UndoReport()
    for kind in NODE_LABELS:
        keys = []
        for row in tx.run(LOCK_COPIED[kind], load=load):
            if row["gone"]:
                report.kept.append(Kept(kind, row["key"], "deleted since by another writer"))
            elif row["source"] != load:
                report.kept.append(Kept(kind, row["key"], _changed(row["source"])))
            else:
                keys.append(row["key"])
        if keys:
            tx.run(RESTORE_NODES[kind], keys=keys, load=load).consume()
            for (rel_kind, _, _), statement in RESTORE_RELS.items():
                if rel_kind == kind:
                    tx.run(statement, keys=keys, load=load).consume()
            report.restored += len(keys)
    for rel, statement in RESTORE_REL_PROPS.items():
        for row in tx.run(statement, load=load):
            if row["restored"]:
                report.restored += 1
            else:
                report.kept.append(Kept(str(rel), row["key"], _changed(row["source"])))
    tx.run(DELETE_COPIES, load=load).consume()
    return report


def _delete(
    session: Any, statement: LiteralString, kind: str, keys: list[str], load: str
) -> UndoReport:
    report = UndoReport()
    for start in range(0, len(keys), CHUNK):
        chunk = keys[start : start + CHUNK]

        def work(tx: ManagedTransaction, chunk: list[str] = chunk) -> list[dict[str, Any]]:
            return tx.run(statement, keys=chunk, load=load).data()

        kept = session.execute_write(work)
        for row in kept:
            if row["source"] is not None:
                reason = _changed(row["source"])
            else:
                reason = "linked to by others: " + "; ".join(row["links"])
            report.kept.append(Kept(kind, row["key"], reason))
        report.deleted += len(chunk) - len(kept)
    return report


def roll_back(driver: Driver, database: str, load: str, error: str) -> UndoReport:
    """Undo what the batched load `load` wrote and nobody changed since (the module docstring
    says exactly what); mark it FAILED with `error` and the report, and return the report.

    Safe to run again after an interruption: each step takes only what is left."""
    with quiet_session(driver, database) as session:
        report = session.execute_write(_restore, load)
        for kind in NODE_LABELS:
            keys = session.execute_read(
                lambda tx, kind=kind: tx.run(CREATED_KEYS[kind], load=load).single()["keys"]
            )
            found = _delete(session, DELETE_CREATED[kind], kind, keys, load)
            report.deleted += found.deleted
            report.kept += found.kept
        visits = session.execute_read(lambda tx: tx.run(CREATED_VISITS, load=load).single()["keys"])
        found = _delete(session, DELETE_CREATED_VISITS, "visits", visits, load)
        report.deleted += found.deleted
        report.kept += found.kept
        session.run(DELETE_JOURNAL, load=load).consume()  # CALL IN TRANSACTIONS: implicit
        props = {"error": error[:2000], "rolledBack": True, **report.record()}
        session.run(FINISH_LOAD, id=load, props=props, status="FAILED").consume()
    return report


def finish(driver: Driver, database: str, load: str, props: dict[str, object]) -> None:
    """Mark a batched load COMPLETE, then drop its journal."""
    with quiet_session(driver, database) as session:
        session.execute_write(
            lambda tx: tx.run(FINISH_LOAD, id=load, props=props, status="COMPLETE").consume()
        )
        session.run(DELETE_JOURNAL, load=load).consume()
