"""One `Loaders` object per request: every nested field of the schema loads through it.

`node` hydrates nodes by `(label, key)` for every many-to-one field (a grid's community, a
case's grid, an appointment's unit), all labels in one round trip. `related(spec)` gives one
DataLoader per one-to-many relationship (`AREA_CHILDREN`, `PERSON_APPOINTMENTS`, ...): its Cypher
takes `$keys` and returns `i` (the key's position) with `rows` (or `row`), so results come back
in key order whatever the key's shape. Both apply the viewer's `scope`.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from typing import Any, LiteralString

from strawberry.dataloader import DataLoader

from core.database import Database
from core.model import Label
from resolvers.rows import GET_NODES_BY_KEYS, ROW, Row, native
from resolvers.scope import in_scope

NodeKey = tuple[str, str]


@dataclass(frozen=True)
class Related:
    """A one-to-many (or one-to-one, `many=False`) relationship loaded in batches.

    `query` receives `$keys` (each key passed through `param`) and `$scope`, and returns
    `i` (index into `$keys`) and `rows` (a list) or `row` (a map or null).
    """

    name: str
    query: LiteralString
    many: bool = True
    param: Callable[[Any], Any] | None = None


def _plain(key: Any) -> Any:
    """Tuples (hashable DataLoader keys) to lists (Cypher parameters)."""
    if isinstance(key, tuple):
        return [_plain(part) for part in key]
    return key


class Loaders:
    """The DataLoaders of one request, bound to its database gateway and scope."""

    def __init__(self, db: Database, scope: str | None) -> None:
        self.db = db
        self.scope = scope
        self.node: DataLoader[NodeKey, Row | None] = DataLoader(self._load_nodes)
        self._related: dict[str, DataLoader[Hashable, Any]] = {}

    async def _load_nodes(self, keys: list[NodeKey]) -> list[Row | None]:
        by_label: dict[str, list[str]] = defaultdict(list)
        for label, key in keys:
            by_label[label].append(key)
        rows = await self.db.read(GET_NODES_BY_KEYS, keys=dict(by_label), scope=self.scope)
        found = {
            (row["label"], row["key"]): {**native(row["row"]), "_element": row["element"]}
            for row in rows
        }
        return [found.get(key) for key in keys]

    def related(self, spec: Related) -> DataLoader[Hashable, Any]:
        """The DataLoader of `spec` for this request (created on first use)."""
        loader = self._related.get(spec.name)
        if loader is None:

            async def load(keys: list[Hashable]) -> list[Any]:
                convert = spec.param or _plain
                rows = await self.db.read(
                    spec.query, keys=[convert(key) for key in keys], scope=self.scope
                )
                empty: Any = [] if spec.many else None
                found = {row["i"]: native(row["rows" if spec.many else "row"]) for row in rows}
                return [found.get(i, empty) for i in range(len(keys))]

            loader = self._related[spec.name] = DataLoader(load)
        return loader


EACH_KEY: LiteralString = "UNWIND range(0, size($keys) - 1) AS i\nWITH i, $keys[i] AS key\n"
"""Opening of every batched query: `i` (position in `$keys`) and `key`."""


def collect_rows(
    match: LiteralString,
    label: Label,
    where: LiteralString = "true",
    order: LiteralString = "n.code",
) -> LiteralString:
    """Cypher of a one-to-many loader: `match` binds `n` (of `label`) for each `key`."""
    return (
        EACH_KEY
        + match
        + "\nWHERE "
        + where
        + " AND "
        + in_scope("n")
        + "\nWITH i, n ORDER BY "
        + order
        + "\nRETURN i, collect("
        + ROW[label]
        + ") AS rows"
    )
