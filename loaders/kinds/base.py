"""What a kind of roster is to the loader: `RosterKind`, and what writing one batch shares.

A `RosterKind` declares, for one kind of roster (people, families, cases ...): the node each
row writes, the fields it needs, how a row is parsed, the relationships a row sets (`links`,
written and compared generically by `loaders.writer`) and those its own steps write on its nodes
(`owns`: appointments, classifications, coverage; a roll-back restores them, `loaders.undo`),
how a valid row is made known to the rows and files after it (`register`), and what it writes
beyond nodes and links (`plan`: decided before anything is written, run after the nodes). The
pipeline, the writer and the undo journal iterate over `loaders.kinds.KINDS` and ask each kind;
none of them names a kind.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any, ClassVar, LiteralString, cast

from neo4j import ManagedTransaction

from core.model import AREA_LEVEL_LABEL, NATURAL_KEYS, Label, Rel
from core.rules import Refusal
from core.vocabulary import Term
from loaders.errors import RowRefusal
from loaders.kinds.rows import Record, RowContext
from loaders.registry import Registry

# --- statements ------------------------------------------------------------------------------


def statement(text: str) -> LiteralString:
    """A statement built at import from the fixed tables of `core.model` (labels, relationship
    types, keys), never from input."""
    return cast(LiteralString, text)


def key_of(label: Label) -> str:
    """The natural key of a label; area level labels (`Community` ...) share `Area.code`."""
    return NATURAL_KEYS.get(label, "code")


def match_label(label: Label) -> str:
    """Labels to MATCH a target by key: area levels add `Area`, whose code is constrained (and
    so indexed); `Community` alone would scan every community."""
    return f"{Label.AREA}:{label}" if label in AREA_LEVEL_LABEL.values() else str(label)


def lock_nodes(label: Label) -> LiteralString:
    """Take the write locks of a batch's nodes before reading what a rule checks (their
    appointments, their classification): the API's writers lock them the same way, so the
    check and the write see no concurrent change (`core.rules`)."""
    return statement(
        f"UNWIND $keys AS key\nMATCH (n:{label} {{{NATURAL_KEYS[label]}: key}})\n"
        "SET n._lock = true\nREMOVE n._lock"
    )


@dataclass(frozen=True)
class Link:
    """A relationship a row sets: `out` from the row's node to the target, else the reverse."""

    rel: Rel
    target: Label
    out: bool = True

    @property
    def name(self) -> str:
        return self.rel.value


def native(value: Any) -> Any:
    """A driver value as Python (a `neo4j.time.Date` as a `date`)."""
    if hasattr(value, "to_native"):
        return value.to_native()
    return value


def same_props(existing: dict[str, Any], new: dict[str, Any]) -> bool:
    """Whether the graph holds every property of `new` as it is."""
    return all(native(existing.get(k)) == v for k, v in new.items())


# --- writing one batch ---------------------------------------------------------------------------


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


@dataclass
class Roster:
    """What the writing of one file gathers over its batches: what a people file said about
    each unit (complete-roster mode: unit → kept ids), and the rows rules refused (skipped
    with `skip_refused`)."""

    keep: dict[tuple[Rel, Any], dict[str, list[str]]] = field(
        default_factory=lambda: defaultdict(lambda: defaultdict(list))
    )
    refused: list[RowRefusal] = field(default_factory=list)


@dataclass(frozen=True)
class Batch:
    """One batch's records as the writer sorted them against the graph, and what the writing
    of its file has in hand."""

    options: WriteOptions
    counts: Counts
    """This batch's counts: a kind adds what its plan creates, updates or leaves."""
    roster: Roster
    created: list[Record]
    """Keys the graph does not hold."""
    same: list[Record]
    """Rows whose stored hash is the row's: nothing of them changed."""
    suspects: list[Record]
    """Rows whose hash differs: compared in full."""
    updated: list[Record]
    """The suspects whose node or links differ from the row."""


@dataclass(frozen=True)
class Step:
    """One statement over rows (`$rows`, `$load`); nothing is run for no rows."""

    statement: LiteralString
    rows: list[Any]

    def run(self, tx: ManagedTransaction, load: str) -> None:
        if self.rows:
            tx.run(self.statement, rows=self.rows, load=load).consume()


@dataclass
class Plan:
    """What a kind writes beyond its nodes and links, decided before anything is written."""

    create: Step | None = None
    """The kind creates its new nodes itself (people: one statement with their appointments)."""
    after: list[Step] = field(default_factory=list)
    """Run after the nodes and links are written, in this order."""
    refused: list[RowRefusal] = field(default_factory=list)
    """Rows a rule of the graph refuses (`core.rules`)."""


def refusal_of(record: Record, field: str, value: Any, refusal: Refusal) -> RowRefusal:
    """A row a rule refused, naming its field and value."""
    shown = "" if value is None else str(value)
    return RowRefusal(record.row, field, shown, refusal.code, refusal.zh, refusal.en)


def unit_areas(batch: Batch) -> list[dict[str, Any]]:
    """The new and changed units of a batch with their areas (`Record.extra["area"]`), for the
    steps that derive relationships from the area."""
    return [
        {"key": r.key, "area": r.extra["area"], "since": r.props.get("founded")}
        for r in [*batch.created, *batch.updated]
    ]


def federation_runs(label: Label) -> LiteralString:
    """The federation of a unit's area (`FED-<area>`) RUNS it: sisters groups and councils."""
    return statement(
        "UNWIND $rows AS row\nMATCH (f:Federation {code: 'FED-' + row.area})\n"
        f"MATCH (u:{label} {{code: row.key}})\nMERGE (f)-[r:RUNS]->(u)\n"
        "ON CREATE SET r.source = $load"
    )


# --- the kind -------------------------------------------------------------------------------


class RosterKind:
    """One kind of roster. Subclasses declare the class attributes and a `parse`; the methods
    below are what most kinds do, and a kind that does more says so where it is defined."""

    name: ClassVar[str]
    """As in `--kind` and headers.toml (`people`)."""
    label: ClassVar[Label]
    """The node a row writes, keyed by `NATURAL_KEYS[label]`."""
    required: ClassVar[tuple[str, ...]]
    """Fields a header must have for a sheet to be of this kind."""
    links: ClassVar[tuple[Link, ...]] = ()
    """Relationships a row sets on its node: `Record.links[link.name]` are the targets' keys."""
    owns: ClassVar[tuple[Link, ...]] = ()
    """Further relationships the kind's own steps write on its nodes (undo restores them)."""
    extra_labels: ClassVar[tuple[Label, ...]] = ()
    """Labels a node may have besides `label`, one per node (`extra_label`)."""
    summary: ClassVar[str | None] = None
    """What the counts call what it writes (default: the label)."""
    needs_persons: ClassVar[bool] = False
    """Rows name people, so the registry reads every person id."""
    writes_nodes: ClassVar[bool] = True
    """False for a kind of relationships (visits): the writer hands it `write_relationships`."""
    complete_rosters: ClassVar[bool] = False
    """A file may be a complete roster (`--complete-roster`): `end_missing` ends what it no
    longer lists."""
    row_noun: ClassVar[Term] = Term("记录", "record")
    """What a row is, for the refusal of one given twice."""
    duplicate_field: ClassVar[str | None] = None
    """The field that refusal names (default: the first column)."""

    @property
    def counted_as(self) -> str:
        return self.summary or self.label.value

    def parse(self, c: RowContext) -> Record | None:
        """The record of one row, or None; the row's problems go to `c`."""
        raise NotImplementedError

    def record(
        self,
        c: RowContext,
        key: str,
        props: dict[str, Any],
        links: dict[str, list[str]] | None = None,
        **more: Any,
    ) -> Record:
        """The record of row `c` of this kind (`more`: its appointments, its extra)."""
        return Record(self.name, c.number, key, self.label, props, links or {}, **more)

    def register(self, record: Record, registry: Registry) -> None:
        """Make a valid record visible to the rows and files that come after it."""
        registry.add_unit(record.label.value, record.key)

    def extra_label(self, record: Record) -> Label | None:
        """The one of `extra_labels` the record's node has."""
        return None

    def plan(self, tx: ManagedTransaction, batch: Batch) -> Plan:
        """Read and decide what the batch writes beyond nodes and links (and count it): called
        before anything is written, also in a dry run."""
        return Plan()

    def end_missing(
        self, tx: ManagedTransaction, roster: Roster, options: WriteOptions, journal: bool
    ) -> Counts:
        """After a complete roster's last batch: end what it no longer lists."""
        return Counts()

    def write_relationships(
        self, tx: ManagedTransaction, records: list[Record], options: WriteOptions, journal: bool
    ) -> Counts:
        """A kind that writes no nodes writes its batch here."""
        raise NotImplementedError

    def __repr__(self) -> str:
        return f"<RosterKind {self.name}>"
