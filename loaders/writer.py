"""Compare a batch of records with the graph and write only what changed.

`apply_batch` reads the current state of the batch's keys (one query per kind, plus
appointments or classifications), sorts every record into created / updated / unchanged, and —
unless it is a dry run — writes the created and updated ones with `UNWIND $rows` statements on
constrained keys. An unchanged roster therefore costs reads only.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from neo4j import ManagedTransaction

from core.model import ROLE_RELATIONSHIP, AreaLevel, Rel
from core.validation import appointment_id
from loaders import cypher
from loaders.kinds import Record


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
    tx: ManagedTransaction, kind: str, records: list[Record], options: WriteOptions, roster: Roster
) -> Counts:
    """Diff one batch against the graph and write what changed; return the counts."""
    counts = Counts()
    if kind == "visits":
        return _apply_visits(tx, records, options, counts)
    keys = [r.key for r in records]
    current = {row["key"]: row for row in tx.run(cypher.READ_NODES[kind], keys=keys).data()}
    links = cypher.LINKS[kind]
    changed: list[Record] = []
    created_keys: set[str] = set()
    for record in records:
        now = current.get(record.key)
        if now is None:
            changed.append(record)
            created_keys.add(record.key)
        elif not _same_props(now["props"], record.props) or any(
            set(now[link.name]) != set(record.links.get(link.name, [])) for link in links
        ):
            changed.append(record)
        else:
            continue
    name = SUMMARY_NAMES[kind]
    counts.add(name, "created", len(created_keys))
    counts.add(name, "updated", len(changed) - len(created_keys))
    counts.add(name, "unchanged", len(records) - len(changed))

    classify: list[dict[str, Any]] = []
    if kind == "families":
        classify = _classification_changes(tx, records, options, counts)
    appointments: dict[tuple[Rel, Any], list[dict[str, Any]]] = {}
    if kind == "people":
        appointments = _appointment_changes(tx, records, options, counts, roster)
    if options.dry_run:
        return counts

    if changed:
        rows = [{"key": r.key, "props": r.props} for r in changed]
        if kind == "areas":
            for level in AreaLevel:
                level_rows = [
                    row for row, r in zip(rows, changed, strict=True) if r.props["level"] == level
                ]
                if level_rows:
                    tx.run(
                        cypher.MERGE_AREAS[level], rows=level_rows, load=options.load_id
                    ).consume()
        else:
            tx.run(cypher.MERGE_NODES[kind], rows=rows, load=options.load_id).consume()
        for link in links:
            added = [
                {"key": r.key, "targets": r.links.get(link.name, [])}
                for r in changed
                if r.key in created_keys and r.links.get(link.name)
            ]
            if added:
                tx.run(cypher.ADD_LINKS[(kind, link.rel)], rows=added).consume()
            replaced = [
                {"key": r.key, "targets": r.links.get(link.name, [])}
                for r in changed
                if r.key not in created_keys
                and set(current[r.key][link.name]) != set(r.links.get(link.name, []))
            ]
            if replaced:
                tx.run(cypher.SET_LINKS[(kind, link.rel)], rows=replaced).consume()
        if kind in cypher.FEDERATION_RUNS:
            derived = [
                {"key": r.key, "area": r.extra["area"], "since": r.props.get("founded")}
                for r in changed
            ]
            tx.run(cypher.FEDERATION_RUNS[kind], rows=derived).consume()
            if kind == "groups":
                tx.run(cypher.COVER_COMMUNITY_GRIDS, rows=derived).consume()
                tx.run(cypher.COVER_DISTRICT_GRIDS, rows=derived).consume()
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


def _classification_changes(
    tx: ManagedTransaction, records: list[Record], options: WriteOptions, counts: Counts
) -> list[dict[str, Any]]:
    wanted = [r for r in records if r.extra.get("category")]
    current = {
        row["key"]: row["category"]
        for row in tx.run(cypher.READ_CLASSIFICATIONS, keys=[r.key for r in wanted]).data()
    }
    rows = []
    for r in wanted:
        if current.get(r.key) == r.extra["category"]:
            counts.add("CLASSIFIED_AS", "unchanged")
            continue
        counts.add("CLASSIFIED_AS", "updated" if r.key in current else "created")
        rows.append(
            {
                "key": r.key,
                "category": r.extra["category"],
                "since": r.extra.get("since") or options.as_of,
                "by": r.extra.get("by"),
            }
        )
    return rows


@dataclass
class Roster:
    """What a people file said about each unit, for complete-roster mode: unit → kept ids."""

    keep: dict[tuple[Rel, Any], dict[str, list[str]]] = field(
        default_factory=lambda: defaultdict(lambda: defaultdict(list))
    )


def _appointment_changes(
    tx: ManagedTransaction,
    records: list[Record],
    options: WriteOptions,
    counts: Counts,
    roster: Roster,
) -> dict[tuple[Rel, Any], list[dict[str, Any]]]:
    ids = [r.key for r in records if r.appointments]
    existing: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in tx.run(cypher.READ_APPOINTMENTS, ids=ids).data():
        existing[row["person"]].append(row)
    out: dict[tuple[Rel, Any], list[dict[str, Any]]] = defaultdict(list)
    for record in records:
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
            since = (
                _native(match["since"]) if match and a.since is None else (a.since or options.as_of)
            )
            roster.keep[pair][a.unit].append(aid)
            if match is not None and match["until"] is None and match["building"] == a.building:
                counts.add("appointments", "unchanged")
                continue
            counts.add("appointments", "updated" if match else "created")
            out[pair].append(
                {
                    "person": record.key,
                    "unit": a.unit,
                    "id": aid,
                    "role": a.role.value,
                    "since": since,
                    "building": a.building,
                    "new": match is None,
                }
            )
    return out


def end_missing_appointments(
    tx: ManagedTransaction, roster: Roster, options: WriteOptions
) -> Counts:
    """Complete-roster mode: end (`until` = as-of date) open appointments of the units in the
    file that the file no longer lists. They are kept, never deleted."""
    counts = Counts()
    for pair, units in roster.keep.items():
        rows = [{"code": code, "keep": keep} for code, keep in units.items()]
        query = (
            cypher.COUNT_ENDING_APPOINTMENTS[pair]
            if options.dry_run
            else cypher.END_APPOINTMENTS[pair]
        )
        for start in range(0, len(rows), 1000):
            result = tx.run(
                query, units=rows[start : start + 1000], until=options.as_of, load=options.load_id
            ).single()
            counts.add("appointments", "ended", result["ended"] if result else 0)
    return counts


def _apply_visits(
    tx: ManagedTransaction, records: list[Record], options: WriteOptions, counts: Counts
) -> Counts:
    rows = [
        {"key": r.key, "person": r.extra["person"], "family": r.extra["family"], "props": r.props}
        for r in records
    ]
    current = {row["key"]: row["props"] for row in tx.run(cypher.READ_VISITS, rows=rows).data()}
    changed = [
        row
        for row in rows
        if row["key"] not in current or not _same_props(current[row["key"]], row["props"])
    ]
    created = sum(1 for row in changed if row["key"] not in current)
    counts.add("VISITED", "created", created)
    counts.add("VISITED", "updated", len(changed) - created)
    counts.add("VISITED", "unchanged", len(rows) - len(changed))
    if changed and not options.dry_run:
        tx.run(cypher.MERGE_VISITS, rows=changed, load=options.load_id).consume()
    return counts
