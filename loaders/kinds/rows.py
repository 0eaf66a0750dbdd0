"""How one row of a roster becomes a record for the graph: `Record` and `RowContext`.

A kind's parser reads cells through a `RowContext`, which normalises values, runs the validators
of `core.validation` and collects every problem of the row (it never stops at the first).
References (a grid, a community, a federation ...) are checked against the `Registry`, which
holds the graph plus what earlier files of the same load declare; references to rows later in
the same file are checked when the whole file has been read.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property
from hashlib import blake2b
from typing import Any

from core import validation as v
from core.model import AreaLevel, Label, Role
from loaders.errors import Problem
from loaders.headers import Header
from loaders.registry import Registry

# --- records ------------------------------------------------------------------------------

HASH_VERSION = 1
"""Part of every row hash: bump it when parsing changes what a row writes, so old hashes no
longer match and the next load compares those rows in full."""


@dataclass
class Appointment:
    role: Role
    unit: str
    since: date | None
    building: str | None = None
    field: str = "grid_role"
    """The row's field that gave the role, to name the column of a refusal."""


@dataclass
class Record:
    """What one row writes: a keyed node, its links and (people) its appointments."""

    kind: str
    row: int
    key: str
    label: Label
    props: dict[str, Any]
    links: dict[str, list[str]] = field(default_factory=dict)
    appointments: list[Appointment] = field(default_factory=list)
    extra: dict[str, Any] = field(default_factory=dict)

    @cached_property
    def hash(self) -> str:
        """The row's content hash (`rowHash` in the graph): a re-load compares this one string
        instead of every property, link and appointment."""
        content = (
            HASH_VERSION,
            self.kind,
            sorted(self.props.items()),
            sorted((name, sorted(targets)) for name, targets in self.links.items()),
            [(a.role.value, a.unit, a.since, a.building) for a in self.appointments],
            sorted(self.extra.items()),
        )
        return blake2b(repr(content).encode(), digest_size=16).hexdigest()


@dataclass
class Deferred:
    """A reference to be checked once the whole file is read (it may be declared further down)."""

    row: int
    field: str
    value: str
    label: str


# --- reading one row ------------------------------------------------------------------------

MEMO_VALUES = 4096
"""Distinct values remembered per column: low-cardinality columns (dates, roles, codes) hit the
memo; unique ones (ID numbers, phones) stop being added once it is full, so memory stays flat."""
_MISSING = object()


@dataclass
class Memo:
    """Parsed values of one sheet, per (field, parser): value -> result or `InvalidValue`."""

    values: dict[tuple[str, Callable[[Any], Any]], dict[Any, Any]] = field(default_factory=dict)


class RowContext:
    """One data row of a sheet and the problems found in it.

    Each cell is normalised once (`texts`); `memo` (one per sheet) remembers what a parser made
    of a value, so the few distinct dates, codes and roles of a roster are parsed once each.
    """

    def __init__(
        self,
        file: str,
        sheet: str,
        header: Header,
        number: int,
        cells: list[Any],
        registry: Registry,
        texts: list[str] | None = None,
        memo: Memo | None = None,
    ) -> None:
        self.file, self.sheet, self.header, self.number = file, sheet, header, number
        self.cells, self.registry = cells, registry
        self.texts = texts if texts is not None else [v.normalise_text(c) for c in cells]
        self.columns = header.columns
        self.memo = memo if memo is not None else Memo()
        self.problems: list[Problem] = []
        self.deferred: list[Deferred] = []

    def raw(self, name: str) -> Any:
        index = self.columns.get(name)
        if index is None or index >= len(self.cells):
            return None
        return self.cells[index]

    def _text(self, name: str) -> str:
        index = self.columns.get(name)
        if index is None or index >= len(self.texts):
            return ""
        return self.texts[index]

    def has(self, name: str) -> bool:
        return self._text(name) != ""

    def text(self, name: str, required: bool = False) -> str | None:
        value = self._text(name)
        if not value:
            if required:
                self.fail(name, "", "REQUIRED", "必填项为空", "a required value is missing")
            return None
        return value

    def parse(self, name: str, parser: Callable[[Any], Any], required: bool = False) -> Any:
        index = self.columns.get(name)  # `_text` and `raw` inlined: ~12 calls a row
        if index is None or index >= len(self.texts) or not self.texts[index]:
            if required:
                self.fail(name, "", "REQUIRED", "必填项为空", "a required value is missing")
            return None
        value = self.cells[index]
        cache = self.memo.values.get((name, parser))
        if cache is None:
            cache = self.memo.values[(name, parser)] = {}
        key = (value.__class__, value)
        outcome = cache.get(key, _MISSING)
        if outcome is _MISSING:
            try:
                outcome = parser(value)
            except v.InvalidValue as error:
                outcome = error
            if len(cache) < MEMO_VALUES:
                cache[key] = outcome
        if isinstance(outcome, v.InvalidValue):
            self.fail(name, value, outcome.code, outcome.zh, outcome.en)
            return None
        return outcome

    def fail(self, name: str, value: Any, code: str, zh: str, en: str) -> None:
        column = self.header.heading(name) if name in self.header.columns else name
        shown = "" if value is None else str(value)
        self.problems.append(
            Problem(self.file, self.sheet, self.number, column, shown, code, zh, en)
        )

    def unit(self, name: str, label: Label, ref: str, defer_same_kind: bool = False) -> str | None:
        """Check a unit key (a federation, council, brand ...) exists; None when it does not."""
        if self.registry.has_unit(label.value, ref):
            return ref
        if defer_same_kind:
            self.deferred.append(Deferred(self.number, name, ref, label.value))
            return ref
        self.fail(
            name,
            ref,
            "UNKNOWN_REFERENCE",
            f"图中和本次导入中都没有这个{label.zh}",
            f"no such {label.value} in the graph or in this load",
        )
        return None

    def community(self, name: str = "community") -> str | None:
        ref = self.text(name)
        if ref is None:
            return None
        hints = [self.text("township") or "", self.text("district") or ""]
        return self._area(name, ref, AreaLevel.COMMUNITY, hints)

    def area(self, name: str, level: str | None = None) -> str | None:
        ref = self.text(name, required=True)
        if ref is None:
            return None
        if level is None:
            if ref in self.registry.areas:
                return ref
            self.fail(name, ref, "UNKNOWN_AREA", "没有这个区划代码", "no area with this code")
            return None
        return self._area(name, ref, level, [])

    def _area(self, name: str, ref: str, level: str, hints: list[str]) -> str | None:
        found = self.registry.find_area(ref, level, hints)
        if len(found) == 1:
            return found[0]
        if found:
            self.fail(
                name,
                ref,
                "AMBIGUOUS_AREA",
                "有多个同名地区，请填写区划代码或所属街道/镇",
                "several areas have this name; give the code or the township",
            )
        else:
            self.fail(name, ref, "UNKNOWN_AREA", "没有这个地区", "no such area")
        return None

    def grid(self, name: str, community: str | None) -> str | None:
        ref = self.text(name)
        if ref is None:
            return None
        found = self.registry.find_grid(ref, community)
        if len(found) == 1:
            return found[0]
        if found:
            self.fail(
                name,
                ref,
                "AMBIGUOUS_GRID",
                "有多个同名网格，请填写网格编码或所属社区",
                "several grids have this name; give the grid code or the community",
            )
            return None
        self.fail(
            name,
            ref,
            "UNKNOWN_GRID",
            "图中和本次导入中都没有这个网格",
            "no such grid in the graph or in this load",
        )
        return None
