"""Keyset pagination: opaque cursors, the page-size cap, and the shared Cypher tail.

A cursor is base64url of the JSON `[list kind, sort key]` of the last row seen; the next page
is the rows whose sort key is greater (or smaller, for lists sorted newest first). Cursors
therefore stay valid when rows are added before them, unlike offsets. A cursor is checked
strictly against the list it is used with (`decode_cursor`), so a forged one is BAD_USER_INPUT
and never reaches Cypher with a key of another type.
"""

from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass, field
from typing import Any, LiteralString

from core.database import Database
from core.errors import BadUserInput
from core.http import loads
from core.model import Label
from resolvers.rows import ROW, Row, native
from resolvers.scope import also_in_scope, in_area, in_scope, root_of

MAX_PAGE_SIZE = 100
DEFAULT_PAGE_SIZE = 20


def instant_key(var: LiteralString) -> LiteralString:
    """Cypher: the datetime `var` as a string that sorts as the instants do (20 digits of
    epoch nanoseconds). `toString` would not: its fractional seconds vary in width."""
    nanos = f"{var}.epochSeconds * 1000000000 + {var}.nanosecond"
    return f"right('00000000000000000000' + toString({nanos}), 20)"  # type: ignore[return-value]


KEY_PARTS: dict[str, int] = {
    **dict.fromkeys(
        (
            "Area",
            "ClassificationScheme",
            "Council",
            "Department",
            "Family",
            "Federation",
            "Grid",
            "Project",
            "ServiceBrand",
            "SistersGroup",
            "Venue",
        ),
        1,
    ),
    **dict.fromkeys(("Activity", "AuditEntry", "Case", "DualRoleMember", "Person"), 2),
}
"""The sort key of each list kind: 1, a string (`n.code`); 2, a pair of strings (`[n.name,
n.id]`, `[toString(n.date), n.code]`). A cursor's key must have its list's shape."""

MAX_CURSOR_LENGTH = 1000
"""Longer than any cursor this API hands out (a kind and at most two names, ids or dates)."""


def encode_cursor(kind: str, key: Any) -> str:
    """The opaque cursor of a row with sort key `key` in a list of `kind`."""
    raw = json.dumps([kind, key], ensure_ascii=False, separators=(",", ":"))
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def _is_key(kind: str, key: Any) -> bool:
    parts = KEY_PARTS[kind]
    if parts == 1:
        return isinstance(key, str)
    return isinstance(key, list) and len(key) == parts and all(isinstance(k, str) for k in key)


def decode_cursor(kind: str, cursor: str) -> Any:
    """The sort key inside `cursor`; BAD_USER_INPUT unless it is a cursor of this list: strict
    base64url of the JSON `[kind, key]`, `key` of the shape `KEY_PARTS` gives the list."""
    decoded: Any = None
    if len(cursor) <= MAX_CURSOR_LENGTH:
        try:
            padded = cursor + "=" * (-len(cursor) % 4)
            decoded = loads(base64.b64decode(padded, altchars=b"-_", validate=True))
        except (binascii.Error, ValueError):
            decoded = None
    if not (isinstance(decoded, list) and len(decoded) == 2 and isinstance(decoded[0], str)):
        raise BadUserInput("`after` is not a cursor returned by this API.", argument="after")
    cursor_kind, key = decoded
    if cursor_kind != kind and cursor_kind in KEY_PARTS:
        raise BadUserInput(
            f"`after` is a cursor of another list ({cursor_kind}, expected {kind}).",
            argument="after",
        )
    if cursor_kind != kind or not _is_key(kind, key):
        raise BadUserInput(f"`after` is not a cursor of this list ({kind}).", argument="after")
    return key


@dataclass(frozen=True)
class PageRequest:
    """A validated `first`/`after` pair for a list of `kind`; `count`: compute `totalCount`."""

    kind: str
    first: int = DEFAULT_PAGE_SIZE
    after: Any = None
    count: bool = True

    @classmethod
    def of(
        cls, kind: str, first: int | None, after: str | None, *, count: bool = True
    ) -> PageRequest:
        """Validate `first` (1..100) and decode `after`."""
        if kind not in KEY_PARTS:
            raise ValueError(f"list kind {kind!r} is missing from KEY_PARTS")
        size = DEFAULT_PAGE_SIZE if first is None else first
        if size < 0 or size > MAX_PAGE_SIZE:
            raise BadUserInput(
                f"`first` must be between 0 and {MAX_PAGE_SIZE}.",
                argument="first",
                max=MAX_PAGE_SIZE,
            )
        return cls(kind, size, None if after is None else decode_cursor(kind, after), count)

    @property
    def params(self) -> dict[str, Any]:
        """Parameters of `page_query` (`$limit`: one extra row, to see if more follow)."""
        return {"after": self.after, "limit": self.first + 1, "count": self.count}


@dataclass
class Page:
    """One page of a list: rows with their cursors, and the size of the whole list (None when
    it was not asked for)."""

    rows: list[Row]
    cursors: list[str]
    total: int | None
    has_next: bool
    has_previous: bool
    extra: dict[str, Any] = field(default_factory=dict)


def page_query(
    match: LiteralString,
    label: Label,
    key: LiteralString,
    descending: bool = False,
    order: LiteralString | None = None,
    seek: LiteralString | None = None,
) -> LiteralString:
    """Cypher returning one row `total`, `page` ([{key, row}]) of the rows `match` binds as `n`.

    `key` (an expression of `n`) is the sort key. The page is real keyset pagination: rows after
    `$after` in key order, `$limit` of them, and only those are projected. `total` is counted in
    a subquery of its own that runs only when `$count` (null otherwise). `order` sorts like
    `key` but by plain properties (`n.name, n.id` for the key `[n.name, n.id]`), so that an
    index on the first of them can deliver the rows in order (ascending lists only). `seek`
    (a predicate implied by `key > $after`, added to the page's `match`, which then ends in a
    WHERE clause) lets the planner start reading that index at the cursor.
    """
    by = f"key{' DESC' if descending else ''}" if order is None else order
    compare = "<" if descending else ">"
    page_match = match if seek is None else f"{match}\n  AND {seek}"
    return (
        "CALL () {\n"
        "WITH 1 AS counted_\n"
        "WHERE $count\n"
        f"{match}\n"
        "RETURN count(n) AS total\n"
        "}\n"
        "CALL () {\n"
        f"{page_match}\n"
        f"WITH n, {key} AS key\n"
        f"WHERE $after IS NULL OR key {compare} $after\n"
        f"WITH n, key\nORDER BY {by}\nLIMIT $limit\n"
        f"RETURN collect({{key: key, row: {ROW[label]}}}) AS page\n"
        "}\n"
        "RETURN CASE WHEN $count THEN total END AS total, page"
    )  # type: ignore[return-value]


def list_queries(
    label: Label,
    where: LiteralString,
    key: LiteralString,
    descending: bool = False,
    *,
    seek: LiteralString | None = None,
    order: LiteralString | None = None,
) -> tuple[LiteralString, LiteralString]:
    """The two `page_query`s of a list with an area filter: the whole label (no area, no scope)
    and the subtree of `$root` (`in_area`), both filtered by `where` (a predicate of `n`).

    `seek` (whole label, page only: never in the count) is a range predicate implied by
    `key > $after`, such as `n.code > coalesce($after, '')`, that lets the planner read the
    label's index from the cursor on, in key order, and stop after `$limit` rows instead of
    sorting the whole label.
    """
    whole = f"MATCH (n:{label.value})\nWHERE ({where})\n  AND {in_scope('n')}"
    rooted = f"{in_area(label)}\nWHERE ({where})\n  AND {also_in_scope('n')}"
    return (
        page_query(whole, label, key, descending, order, seek),  # type: ignore[arg-type]
        page_query(rooted, label, key, descending, order),  # type: ignore[arg-type]
    )


CODE_SEEK: LiteralString = "n.code > coalesce($after, '')"
"""The `seek` of lists sorted by `n.code` (codes are never empty)."""


async def fetch_list_page(
    db: Database,
    queries: tuple[LiteralString, LiteralString],
    request: PageRequest,
    *,
    scope: str | None,
    area_code: str | None,
    **params: Any,
) -> Page:
    """Run the query of `list_queries` that fits: rooted at the area filter or the viewer's
    area when there is one, else over the whole label."""
    root = root_of(scope, area_code)
    query = queries[0] if root is None else queries[1]
    return await fetch_page(
        db, query, request, root=root, scope=scope, area_code=area_code, **params
    )


async def fetch_page(
    db: Database, query: LiteralString, request: PageRequest, **params: Any
) -> Page:
    """Run a `page_query` and cut the page."""
    rows = await db.read(query, **request.params, **params)
    result = rows[0] if rows else {"total": 0 if request.count else None, "page": []}
    items = result["page"]
    has_next = len(items) > request.first
    items = items[: request.first]
    return Page(
        rows=[native(item["row"]) for item in items],
        cursors=[encode_cursor(request.kind, item["key"]) for item in items],
        total=result["total"],
        has_next=has_next,
        has_previous=request.after is not None,
    )
