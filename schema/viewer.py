"""`viewer`: who the service takes the caller to be (role, area), for front ends and debugging."""

from __future__ import annotations

import strawberry
from strawberry.types import Info

from schema.context import Context
from schema.enums import ViewerRole


@strawberry.type(description="The authenticated caller of this request.")
class CurrentViewer:
    name: str = strawberry.field(description="Name of the token, or the JWT's `name`/`sub`.")
    role: ViewerRole = strawberry.field(description="What the caller may do.")
    area_code: str | None = strawberry.field(
        description="Area whose subtree the caller is limited to; null: all areas."
    )
    sees_personal_data: bool = strawberry.field(
        description="Whether phone and ID numbers reach this caller unmasked."
    )
    sees_family_categories: bool = strawberry.field(
        description="Whether family classification categories reach this caller."
    )


@strawberry.type
class ViewerQuery:
    @strawberry.field(description="Who the service takes the caller to be.")
    def viewer(self, info: Info[Context, None]) -> CurrentViewer:
        viewer = info.context.viewer
        return CurrentViewer(
            name=viewer.name,
            role=viewer.role,
            area_code=viewer.area_code,
            sees_personal_data=viewer.sees_personal_data,
            sees_family_categories=viewer.sees_family_categories,
        )
