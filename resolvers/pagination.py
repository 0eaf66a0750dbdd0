"""Keyset pagination: opaque cursors, the page-size cap, and the shared Cypher tail.

A cursor is base64url of the JSON `[list kind, sort key]` of the last row seen; the next page
is the rows whose sort key is greater (or smaller, for lists sorted newest first). Cursors
therefore stay valid when rows are added before them, unlike offsets.
"""

from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass, field
from typing import Any, LiteralString

from core.database import Database
from core.errors import BadUserInput
from core.model import Label
from resolvers.rows import ROW, Row, native

MAX_PAGE_SIZE = 100
DEFAULT_PAGE_SIZE = 20


def encode_cursor(kind: str, key: Any) -> str:
    """The opaque cursor of a row with sort key `key` in a list of `kind`."""
    raw = json.dumps([kind, key], ensure_ascii=False, separators=(",", ":"))
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def decode_cursor(kind: str, cursor: str) -> Any:
    """The sort key inside `cursor`; BAD_USER_INPUT when it is not a cursor of this list."""
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        cursor_kind, key = json.loads(base64.urlsafe_b64decode(padded.encode()).decode())
    except (binascii.Error, ValueError, TypeError, UnicodeDecodeError) as error:
        raise BadUserInput("`after` is not a cursor returned by this API.", argument="after") from (
            error
        )
    if cursor_kind != kind:
        raise BadUserInput(
            f"`after` is a cursor of another list ({cursor_kind}, expected {kind}).",
            argument="after",
        )
    return key


@dataclass(frozen=True)
class PageRequest:
    """A validated `first`/`after` pair for a list of `kind`."""

    kind: str
    first: int = DEFAULT_PAGE_SIZE
    after: Any = None

    @classmethod
    def of(cls, kind: str, first: int | None, after: str | None) -> PageRequest:
        """Validate `first` (1..100) and decode `after`."""
        size = DEFAULT_PAGE_SIZE if first is None else first
        if size < 0 or size > MAX_PAGE_SIZE:
            raise BadUserInput(
                f"`first` must be between 0 and {MAX_PAGE_SIZE}.",
                argument="first",
                max=MAX_PAGE_SIZE,
            )
        return cls(kind, size, None if after is None else decode_cursor(kind, after))

    @property
    def params(self) -> dict[str, Any]:
        """The Cypher parameters of the page tail (`$after`, `$limit`: one extra row)."""
        return {"after": self.after, "limit": self.first + 1}


@dataclass
class Page:
    """One page of a list: rows with their cursors, and the size of the whole list."""

    rows: list[Row]
    cursors: list[str]
    total: int
    has_next: bool
    has_previous: bool
    extra: dict[str, Any] = field(default_factory=dict)


def page_tail(label: Label, descending: bool = False) -> LiteralString:
    """Cypher that turns `WITH n, key` rows into one row `total`, `page` ([{key, row}]).

    All matching rows are counted (`totalCount`); only the page is projected.
    """
    order = "DESC" if descending else ""
    compare = "<" if descending else ">"
    return (
        f"WITH n, key\nORDER BY key {order}\n"
        "WITH collect({key: key, n: n}) AS everything\n"
        "WITH size(everything) AS total,\n"
        f"  [x IN everything WHERE $after IS NULL OR x.key {compare} $after][..$limit] AS slice\n"
        "CALL (slice) {\n"
        "  UNWIND slice AS x\n"
        "  WITH x.key AS key, x.n AS n\n"
        f"  RETURN collect({{key: key, row: {ROW[label]}}}) AS page\n"
        "}\n"
        "RETURN total, page"
    )  # type: ignore[return-value]


async def fetch_page(
    db: Database, query: LiteralString, request: PageRequest, **params: Any
) -> Page:
    """Run a query ending in `page_tail` and cut the page."""
    rows = await db.read(query, **request.params, **params)
    result = rows[0] if rows else {"total": 0, "page": []}
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
