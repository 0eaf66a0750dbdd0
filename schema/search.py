"""`search(text:)`: one box for people, places, venues, brands and organisations."""

from __future__ import annotations

from typing import Annotated

import strawberry
from strawberry.types import Info

from resolvers import search as resolvers
from schema.common import scope
from schema.context import Context
from schema.enums import SearchKind
from schema.node import Node, load_node, to_global_id


@strawberry.type(description="One search result.")
class SearchHit:
    id: strawberry.ID = strawberry.field(description="Global ID of the node found.")
    type: str = strawberry.field(description="GraphQL type of the node, e.g. Area.")
    name: str = strawberry.field(description="Its name or title.")
    score: float = strawberry.field(
        description="Rank: 3 exact name, 2 prefix, 1 substring, below 1 full-text only."
    )
    key: strawberry.Private[str]

    @strawberry.field(description="The node found.")
    async def node(self, info: Info[Context, None]) -> Node | None:
        return await load_node(info, self.type, self.key)


@strawberry.type
class SearchQuery:
    @strawberry.field(
        description="Find people, places, grids, venues, brands and organisations by a name "
        "fragment (one character is enough: 秀, 柳毅), best first. Names only: never ID or "
        "phone numbers."
    )
    async def search(
        self,
        info: Info[Context, None],
        text: Annotated[
            str,
            strawberry.argument(
                description=f"Name fragment, 1 to {resolvers.MAX_TEXT_LENGTH} characters (spaces "
                "trimmed and collapsed); empty or longer text is BAD_USER_INPUT."
            ),
        ],
        kinds: Annotated[
            list[SearchKind] | None,
            strawberry.argument(description="Only nodes of these kinds; omitted or empty: all."),
        ] = None,
        first: Annotated[
            int,
            strawberry.argument(
                description=f"Most results to return, 1 to {resolvers.MAX_RESULTS} (default "
                "20); other values are BAD_USER_INPUT."
            ),
        ] = 20,
    ) -> list[SearchHit]:
        hits = await resolvers.search(
            info.context.db,
            scope(info),
            text,
            labels=[k.value for k in kinds] if kinds else None,
            limit=first,
        )
        return [
            SearchHit(
                id=to_global_id(h.label, h.key), type=h.label, name=h.name, score=h.score, key=h.key
            )
            for h in hits
        ]
