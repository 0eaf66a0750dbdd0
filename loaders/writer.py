"""Compare a batch of records with the graph and write only what changed.

`apply_batch` reads the current state of the batch's keys (one query per kind, plus
appointments or classifications), sorts every record into created / updated / unchanged, and —
unless it is a dry run — writes the created and updated ones with `UNWIND $rows` statements on
constrained keys. An unchanged roster therefore costs reads only.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

from neo4j import ManagedTransaction

from core.model import ROLE_RELATIONSHIP, AreaLevel, Rel
from core.rules import Held, Refusal, appointment_overlap, classification_order
from core.validation import appointment_id
from loaders import cypher, undo
from loaders.errors import RowRefusal, RulesBroken
from loaders.kinds import Appointment, Record


@dataclass
class Counts:
    """Created / updated / unchanged / ended, per kind of thing written."""

    by_kind: dict[str, Counter[str]] = field(default_factory=lambda: defaultdict(Counter))

    def add(self, kind: str, outcome: str, n: int = 1) -> None:
        self.by_kind[kind][outcome] += n

    def merge(self, other: Counts) -> None:
        for kind, counter in other.by_kind.items():
            self.by_kind[kind].update(counter)

    def total(self, outcome: str) -> int:
        return sum(c[outcome] for c in self.by_kind.values())

    def as_rows(self) -> list[tuple[str, int, int, int, int]]:
        return [
            (kind, c["created"], c["updated"], c["unchanged"], c["ended"])
            for kind, c in sorted(self.by_kind.items())
        ]


@dataclass
class WriteOptions:
    load_id: str
    as_of: date
    dry_run: bool = False
    complete_roster: bool = False
    skip_refused: bool = False
    """Skip what a rule refuses (and report it) instead of refusing the whole file."""
    running: frozenset[str] = frozenset()
    """Other loads RUNNING when this one began (batched loads that may yet be rolled back)."""
    at: datetime = field(default_factory=lambda: datetime.now(UTC))
    """When the load began (its `(:Load).at`)."""


def _native(value: Any) -> Any:
    if hasattr(value, "to_native"):
        return value.to_native()
    return value


def _same_props(existing: dict[str, Any], new: dict[str, Any]) -> bool:
    return all(_native(existing.get(k)) == v for k, v in new.items())


SUMMARY_NAMES = {
    "areas": "Area",
    "grids": "Grid",
    "federations": "Federation",
    "groups": "SistersGroup",
    "councils": "Council",
    "venues": "Venue",
    "families": "Family",
    "cases": "Case",
    "steps": "CaseStep",
    "people": "Person",
    "visits": "VISITED",
}


def apply_batch(
    tx: ManagedTransaction,
    kind: str,
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
    counts = Counts()
    if kind == "visits":
        return _apply_visits(tx, records, options, counts, journal)
    stored_by = {
        key: (stored, source)
        for key, stored, source in tx.run(
            cypher.READ_HASHES[kind], keys=[r.key for r in records]
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
    links = cypher.LINKS[kind]
    current: dict[str, Any] = {}
    if suspects:
        current = {
            row["key"]: row
            for row in tx.run(cypher.READ_NODES[kind], keys=[r.key for r in suspects]).data()
        }
    updated = [
        r
        for r in suspects
        if not _same_props(current[r.key]["props"], r.props)
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
    name = SUMMARY_NAMES[kind]
    counts.add(name, "created", len(created))
    counts.add(name, "updated", len(updated))
    counts.add(name, "unchanged", len(same) + len(suspects) - len(updated))

    classify: list[dict[str, Any]] = []
    refused: list[RowRefusal] = []
    if kind == "families":
        classify = _classification_changes(tx, created, same, suspects, options, counts, refused)
    appointments: dict[tuple[Rel, Any], list[dict[str, Any]]] = {}
    new_rows: list[list[Any]] = []
    if kind == "people":
        new_rows = new_people(created, options, counts, roster)
        appointments = _appointment_changes(tx, same, suspects, options, counts, roster, refused)
    if refused:
        if not options.skip_refused:
            raise RulesBroken(refused)
        roster.refused += refused
    if options.dry_run:
        return counts
    if journal:
        if suspects:
            undo.snapshot_nodes(tx, kind, [r.key for r in suspects], options.load_id)
        undo.record_created(tx, kind, [r.key for r in created], options.load_id)

    if new_rows:
        tx.run(cypher.CREATE_PEOPLE, rows=new_rows, load=options.load_id).consume()
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
                    cypher.ADD_LINKS[(kind, link.rel)], rows=added, load=options.load_id
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
                    cypher.SET_LINKS[(kind, link.rel)], rows=replaced, load=options.load_id
                ).consume()
    if rehash:
        tx.run(cypher.SET_HASHES[kind], rows=rehash, load=options.load_id).consume()
    changed = created + updated
    if changed and kind in cypher.FEDERATION_RUNS:
        derived = [
            {"key": r.key, "area": r.extra["area"], "since": r.props.get("founded")}
            for r in changed
        ]
        tx.run(cypher.FEDERATION_RUNS[kind], rows=derived, load=options.load_id).consume()
        if kind == "groups":
            tx.run(cypher.COVER_COMMUNITY_GRIDS, rows=derived, load=options.load_id).consume()
            tx.run(cypher.COVER_DISTRICT_GRIDS, rows=derived, load=options.load_id).consume()
    if classify:
        tx.run(cypher.CLASSIFY_FAMILIES, rows=classify, load=options.load_id).consume()
    for pair, rows in appointments.items():
        fresh = [row for row in rows if row["new"]]
        if fresh:
            tx.run(cypher.CREATE_APPOINTMENTS[pair], rows=fresh, load=options.load_id).consume()
        known = [row for row in rows if not row["new"]]
        if known:
            tx.run(cypher.MERGE_APPOINTMENTS[pair], rows=known, load=options.load_id).consume()
    return counts


_ABSENT = object()


def _write_nodes(
    tx: ManagedTransaction,
    kind: str,
    records: list[Record],
    options: WriteOptions,
    create: bool,
) -> None:
    """`CREATE` (new keys: no property is null, so none is sent) or `MERGE` + `SET +=` (blank
    cells remove properties), with the row hash and the load as `source`."""
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
    if kind == "areas":
        statements = cypher.CREATE_AREAS if create else cypher.MERGE_AREAS
        for level in AreaLevel:
            level_rows = [
                row for row, r in zip(rows, records, strict=True) if r.props["level"] == level
            ]
            if level_rows:
                tx.run(statements[level], rows=level_rows, load=options.load_id).consume()
        return
    statement = cypher.CREATE_NODES[kind] if create else cypher.MERGE_NODES[kind]
    tx.run(statement, rows=rows, load=options.load_id).consume()


def _refusal(record: Record, field: str, value: Any, refusal: Refusal) -> RowRefusal:
    shown = "" if value is None else str(value)
    return RowRefusal(record.row, field, shown, refusal.code, refusal.zh, refusal.en)


def _classification_changes(
    tx: ManagedTransaction,
    created: list[Record],
    same: list[Record],
    suspects: list[Record],
    options: WriteOptions,
    counts: Counts,
    refused: list[RowRefusal],
) -> list[dict[str, Any]]:
    """Families: a new category ends the open classification and starts one, unless it would
    start before the current one did (`core.rules.classification_order`). Rows of new families
    and rows whose hash is unchanged need no look-up; the others' families are locked first."""
    counts.add("CLASSIFIED_AS", "unchanged", sum(1 for r in same if r.extra.get("category")))
    wanted = [r for r in suspects if r.extra.get("category")]
    current: dict[str, tuple[str, Any]] = {}
    if wanted:
        keys = sorted(r.key for r in wanted)
        if not options.dry_run:
            tx.run(cypher.LOCK_NODES["families"], keys=keys).consume()
        current = {
            row["key"]: (row["category"], _native(row["since"]))
            for row in tx.run(cypher.READ_CLASSIFICATIONS, keys=keys)
        }
    rows = []
    for r in [*[c for c in created if c.extra.get("category")], *wanted]:
        category, current_since = current.get(r.key, (None, None))
        if category == r.extra["category"]:
            counts.add("CLASSIFIED_AS", "unchanged")
            continue
        since = r.extra.get("since") or options.as_of
        refusal = classification_order(current_since, since)
        if refusal is not None:
            refused.append(_refusal(r, "classified_since", since, refusal))
            continue
        counts.add("CLASSIFIED_AS", "updated" if r.key in current else "created")
        rows.append(
            {"key": r.key, "category": r.extra["category"], "since": since, "by": r.extra.get("by")}
        )
    return rows


@dataclass
class Roster:
    """What the writing of one file gathers over its batches: what a people file said about
    each unit (complete-roster mode: unit → kept ids), and the rows rules refused (skipped
    with `skip_refused`)."""

    keep: dict[tuple[Rel, Any], dict[str, list[str]]] = field(
        default_factory=lambda: defaultdict(lambda: defaultdict(list))
    )
    refused: list[RowRefusal] = field(default_factory=list)


_TARGET_SLOT = {pair: i for i, pair in enumerate(cypher.APPOINTMENT_TARGETS)}


def new_people(
    created: list[Record], options: WriteOptions, counts: Counts, roster: Roster
) -> list[list[Any]]:
    """`CREATE_PEOPLE` rows of people new to the graph: all their appointments are new."""
    if created and tuple(created[0].props) != cypher.PERSON_FIELDS:
        raise AssertionError(f"people rows set {tuple(created[0].props)}, not PERSON_FIELDS")
    rows = []
    slots = len(cypher.APPOINTMENT_TARGETS)
    keep = roster.keep if options.complete_roster else None
    for record in created:
        targets: list[list[list[Any]]] = [[] for _ in range(slots)]
        for a in record.appointments:
            pair = ROLE_RELATIONSHIP[a.role]
            since = a.since or options.as_of
            aid = appointment_id(record.key, a.role, a.unit, since)
            if keep is not None:
                keep[pair][a.unit].append(aid)
            targets[_TARGET_SLOT[pair]].append([a.unit, aid, a.role.value, since, a.building])
        counts.add("appointments", "created", len(record.appointments))
        rows.append(
            [record.key, record.hash, *record.props.values(), record.links["LIVES_IN"], *targets]
        )
    return rows


def _appointment_changes(
    tx: ManagedTransaction,
    same: list[Record],
    suspects: list[Record],
    options: WriteOptions,
    counts: Counts,
    roster: Roster,
    refused: list[RowRefusal],
) -> dict[tuple[Rel, Any], list[dict[str, Any]]]:
    """People already in the graph: which appointments to create or re-open. An unchanged
    row's are all unchanged (read only when a complete roster needs the id of an open
    appointment given without 任职时间); changed rows are compared with the graph, their
    people locked first, and an appointment that would overlap another of the same role and
    unit is refused (`core.rules.appointment_overlap`)."""
    out: dict[tuple[Rel, Any], list[dict[str, Any]]] = defaultdict(list)
    compare = list(suspects)
    for record in same:
        counts.add("appointments", "unchanged", len(record.appointments))
        if not options.complete_roster:
            continue
        if any(a.since is None for a in record.appointments):
            compare.append(record)
            continue
        for a in record.appointments:
            aid = appointment_id(record.key, a.role, a.unit, a.since)  # type: ignore[arg-type]
            roster.keep[ROLE_RELATIONSHIP[a.role]][a.unit].append(aid)
    ids = [r.key for r in compare if r.appointments]
    if not ids:
        return out
    if not options.dry_run:
        tx.run(cypher.LOCK_NODES["people"], keys=sorted(ids)).consume()
    existing: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in tx.run(cypher.READ_APPOINTMENTS, ids=ids).data():
        existing[row["person"]].append(row)
    unchanged_rows = {id(r) for r in same}
    for record in compare:
        known_same = id(record) in unchanged_rows
        for a in record.appointments:
            pair = ROLE_RELATIONSHIP[a.role]
            mine = [
                e
                for e in existing.get(record.key, [])
                if e["role"] == a.role and e["unit"] == a.unit
            ]
            match = None
            if a.since is not None:
                aid = appointment_id(record.key, a.role, a.unit, a.since)
                match = next((e for e in mine if e["id"] == aid), None)
            else:
                match = next((e for e in mine if e["until"] is None), None)
                aid = (
                    match["id"]
                    if match
                    else appointment_id(record.key, a.role, a.unit, options.as_of)
                )
            if options.complete_roster:
                roster.keep[pair][a.unit].append(aid)
            if known_same:
                continue  # counted above; read only for its id
            since = (
                _native(match["since"]) if match and a.since is None else (a.since or options.as_of)
            )
            if match is not None and match["until"] is None and match["building"] == a.building:
                counts.add("appointments", "unchanged")
                continue
            others = [Held(e["id"], _native(e["since"]), _native(e["until"])) for e in mine]
            refusal = appointment_overlap(others, since, None, aid)
            if refusal is not None:
                refused.append(_refusal(record, a.field, a.role.value, refusal))
                continue
            counts.add("appointments", "updated" if match else "created")
            out[pair].append(_appointment_row(record.key, a, aid, since, new=match is None))
    return out


def _appointment_row(
    person: str, a: Appointment, aid: str, since: date, new: bool
) -> dict[str, Any]:
    return {
        "person": person,
        "unit": a.unit,
        "id": aid,
        "role": a.role.value,
        "since": since,
        "building": a.building,
        "new": new,
    }


def end_missing_appointments(
    tx: ManagedTransaction, roster: Roster, options: WriteOptions, journal: bool = False
) -> Counts:
    """Complete-roster mode: end (`until` = as-of date) open appointments of the units in the
    file that the file no longer lists. They are kept, never deleted; the person's `rowHash` is
    removed, so a roster that lists her again re-opens the appointment."""
    counts = Counts()
    for pair, units in roster.keep.items():
        rows = [{"code": code, "keep": keep} for code, keep in units.items()]
        query = (
            cypher.COUNT_ENDING_APPOINTMENTS[pair]
            if options.dry_run
            else cypher.END_APPOINTMENTS[pair]
        )
        for start in range(0, len(rows), 1000):
            chunk = rows[start : start + 1000]
            if journal and not options.dry_run:
                tx.run(
                    undo.SNAPSHOT_ENDING[pair],
                    units=chunk,
                    until=options.as_of,
                    load=options.load_id,
                ).consume()
            result = tx.run(query, units=chunk, until=options.as_of, load=options.load_id).single()
            counts.add("appointments", "ended", result["ended"] if result else 0)
    return counts


def _apply_visits(
    tx: ManagedTransaction,
    records: list[Record],
    options: WriteOptions,
    counts: Counts,
    journal: bool,
) -> Counts:
    """Visits are relationships keyed by `person|family|date`; their `rowHash` decides too."""
    rows = [
        {
            "key": r.key,
            "hash": r.hash,
            "person": r.extra["person"],
            "family": r.extra["family"],
            "props": r.props,
        }
        for r in records
    ]
    current = {row["key"]: row for row in tx.run(cypher.READ_VISITS, rows=rows).data()}
    changed = []
    for row in rows:
        now = current.get(row["key"])
        if now is None or (
            now["hash"] != row["hash"] and not _same_props(now["props"], row["props"])
        ):
            changed.append(row)
    created = sum(1 for row in changed if row["key"] not in current)
    counts.add("VISITED", "created", created)
    counts.add("VISITED", "updated", len(changed) - created)
    counts.add("VISITED", "unchanged", len(rows) - len(changed))
    if changed and not options.dry_run:
        known = [row["key"] for row in changed if row["key"] in current]
        if journal and known:
            tx.run(undo.SNAPSHOT_VISITS, keys=known, load=options.load_id).consume()
        if journal:
            fresh = [row["key"] for row in changed if row["key"] not in current]
            undo.record_created(tx, "visits", fresh, options.load_id)
        tx.run(cypher.MERGE_VISITS, rows=changed, load=options.load_id).consume()
    return counts
