"""Cursor connections (`first`/`after`, page size ≤ 100, keyset cursors, `totalCount`) and the
described `first`/`after` arguments every connection field takes."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Annotated, Any, Generic, TypeVar

import strawberry
from strawberry.types import Info
from strawberry.types.nodes import FragmentSpread, InlineFragment, SelectedField, Selection

from resolvers.pagination import DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, Page
from resolvers.rows import Row

T = TypeVar("T")

FirstArg = Annotated[
    int | None,
    strawberry.argument(
        description=f"Rows in the page, 0 to {MAX_PAGE_SIZE} (default {DEFAULT_PAGE_SIZE}); "
        "other values are BAD_USER_INPUT."
    ),
]
"""`first` of every connection field."""

AfterArg = Annotated[
    str | None,
    strawberry.argument(
        description="Start after this cursor: `pageInfo.endCursor` (or an edge's `cursor`) of "
        "a page of the same list; omitted: the first page. A cursor of another list, or "
        "garbage, is BAD_USER_INPUT."
    ),
]
"""`after` of every connection field."""


@strawberry.type(description="Where this page sits in the list.")
class PageInfo:
    has_next_page: bool = strawberry.field(description="True when rows follow this page.")
    has_previous_page: bool = strawberry.field(
        description="True when this page was asked for with `after` (rows precede it)."
    )
    start_cursor: str | None = strawberry.field(description="Cursor of the first row.")
    end_cursor: str | None = strawberry.field(
        description="Cursor of the last row: pass it as `after` for the next page."
    )


@strawberry.type(description="One row of a list and its cursor.")
class Edge(Generic[T]):
    cursor: str = strawberry.field(description="Opaque keyset cursor of this row.")
    node: T = strawberry.field(description="The row.")


@strawberry.type(
    description="A page of a list: `first` rows (default 20, at most 100) after the cursor "
    "`after`, and the size of the whole list."
)
class Connection(Generic[T]):
    edges: list[Edge[T]] = strawberry.field(description="The rows of this page with cursors.")
    nodes: list[T] = strawberry.field(description="The rows of this page, without cursors.")
    page_info: PageInfo = strawberry.field(description="Cursors and whether more rows follow.")
    total_count: int = strawberry.field(description="Number of rows in the whole list.")


def _asks_total(selections: Iterable[Selection]) -> bool:
    for selection in selections:
        if isinstance(selection, SelectedField) and selection.name == "totalCount":
            return True
        if isinstance(selection, FragmentSpread | InlineFragment) and _asks_total(
            selection.selections
        ):
            return True
    return False


def wants_total(info: Info[Any, Any]) -> bool:
    """Whether the connection being resolved has `totalCount` selected (directly or through a
    fragment), so the list query counts the whole list only when a client reads the count."""
    return any(_asks_total(field.selections) for field in info.selected_fields)


def connection(page: Page, build: Callable[[Row], T]) -> Connection[T]:
    """A connection from a resolver page, building each row with `build`."""
    nodes = [build(row) for row in page.rows]
    return Connection(
        edges=[Edge(cursor=c, node=n) for c, n in zip(page.cursors, nodes, strict=True)],
        nodes=nodes,
        page_info=PageInfo(
            has_next_page=page.has_next,
            has_previous_page=page.has_previous,
            start_cursor=page.cursors[0] if page.cursors else None,
            end_cursor=page.cursors[-1] if page.cursors else None,
        ),
        total_count=page.total or 0,  # None: not counted because not selected
    )
