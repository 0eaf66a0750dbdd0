"""Compare a batch of records with the graph and write only what changed.

`apply_batch` reads the current state of the batch's keys (one query per kind), sorts every
record into created / updated / unchanged, asks the kind what it writes beyond its nodes and
links (`RosterKind.plan`: appointments, classifications, coverage), and — unless it is a dry run
— writes the created and updated ones with `UNWIND $rows` statements on constrained keys, then
the kind's plan. An unchanged roster therefore costs reads only.
"""

from __future__ import annotations

from typing import Any

from neo4j import ManagedTransaction

from loaders import cypher, undo
from loaders.errors import RulesBroken
from loaders.journal import record_created
from loaders.kinds.base import (
    Batch,
    Counts,
    Roster,
    RosterKind,
    WriteOptions,
    same_props,
)
from loaders.kinds.rows import Record


def apply_batch(
    tx: ManagedTransaction,
    kind: RosterKind,
    records: list[Record],
    options: WriteOptions,
    roster: Roster,
    journal: bool = False,
) -> Counts:
    """Sort one batch into created / updated / unchanged and write what changed.

    One look-up of the stored `rowHash` of the batch's keys decides most rows: a missing key is
    created, an equal hash is unchanged (nothing read, nothing written). Only rows whose hash
    differs are compared in full with the graph. With `journal` (batched big-file mode), what
    those rows are about to overwrite is first copied to `(:LoadUndo)` nodes so a failed load
    can be rolled back (`loaders.undo`).
    """
    if not kind.writes_nodes:
        return kind.write_relationships(tx, records, options, journal)
    counts = Counts()
    stored_by = {
        key: (stored, source)
        for key, stored, source in tx.run(
            cypher.READ_HASHES[kind.name], keys=[r.key for r in records]
        ).values()
    }
    created: list[Record] = []
    same: list[Record] = []
    suspects: list[Record] = []
    confirmed: list[Record] = []
    for record in records:
        stored, source = stored_by.get(record.key, (_ABSENT, None))
        if stored is _ABSENT:
            created.append(record)
        elif stored == record.hash:
            same.append(record)
            if source in options.running:
                confirmed.append(record)
        else:
            suspects.append(record)
    links = kind.links
    current: dict[str, Any] = {}
    if suspects:
        current = {
            row["key"]: row
            for row in tx.run(cypher.READ_NODES[kind.name], keys=[r.key for r in suspects]).data()
        }
    updated = [
        r
        for r in suspects
        if not same_props(current[r.key]["props"], r.props)
        or any(set(current[r.key][link.name]) != set(r.links.get(link.name, [])) for link in links)
    ]
    # A row whose hash differs while its node is as the row says: what differs is written
    # below (a classification, appointments) or is nothing (no hash stored yet, the same values
    # written another way), so the node takes the row's hash.
    # A row found as a load that is still running left it is written again (its hash, with
    # this load as `source`), so rolling that load back leaves this one's roster in place.
    changed_keys = {r.key for r in updated}
    rehash = [
        {"key": r.key, "hash": r.hash} for r in [*suspects, *confirmed] if r.key not in changed_keys
    ]
    name = kind.counted_as
    counts.add(name, "created", len(created))
    counts.add(name, "updated", len(updated))
    counts.add(name, "unchanged", len(same) + len(suspects) - len(updated))

    plan = kind.plan(tx, Batch(options, counts, roster, created, same, suspects, updated))
    if plan.refused:
        if not options.skip_refused:
            raise RulesBroken(plan.refused)
        roster.refused += plan.refused
    if options.dry_run:
        return counts
    if journal:
        if suspects:
            undo.snapshot_nodes(tx, kind.name, [r.key for r in suspects], options.load_id)
        record_created(tx, kind.name, [r.key for r in created], options.load_id)

    if plan.create is not None:
        plan.create.run(tx, options.load_id)
    elif created:
        _write_nodes(tx, kind, created, options, create=True)
        for link in links:
            added = [
                {"key": r.key, "targets": r.links[link.name]}
                for r in created
                if r.links.get(link.name)
            ]
            if added:
                tx.run(
                    cypher.ADD_LINKS[(kind.name, link.rel)], rows=added, load=options.load_id
                ).consume()
    if updated:
        _write_nodes(tx, kind, updated, options, create=False)
        for link in links:
            replaced = [
                {"key": r.key, "targets": r.links.get(link.name, [])}
                for r in updated
                if set(current[r.key][link.name]) != set(r.links.get(link.name, []))
            ]
            if replaced:
                tx.run(
                    cypher.SET_LINKS[(kind.name, link.rel)], rows=replaced, load=options.load_id
                ).consume()
    if rehash:
        tx.run(cypher.SET_HASHES[kind.name], rows=rehash, load=options.load_id).consume()
    for step in plan.after:
        step.run(tx, options.load_id)
    return counts


_ABSENT = object()


def _write_nodes(
    tx: ManagedTransaction,
    kind: RosterKind,
    records: list[Record],
    options: WriteOptions,
    create: bool,
) -> None:
    """`CREATE` (new keys: no property is null, so none is sent) or `MERGE` + `SET +=` (blank
    cells remove properties), with the row hash and the load as `source`; one statement per
    further label the nodes have (an area's level)."""
    if create:
        rows = [
            {
                "key": r.key,
                "hash": r.hash,
                "props": {k: v for k, v in r.props.items() if v is not None},
            }
            for r in records
        ]
    else:
        rows = [{"key": r.key, "hash": r.hash, "props": r.props} for r in records]
    statements = cypher.CREATE_NODES if create else cypher.MERGE_NODES
    for extra in kind.extra_labels or (None,):
        part = [row for row, r in zip(rows, records, strict=True) if kind.extra_label(r) == extra]
        if part:
            tx.run(statements[(kind.name, extra)], rows=part, load=options.load_id).consume()
