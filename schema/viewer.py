"""`viewer`: who the service takes the caller to be (role, area), for front ends and debugging."""

from __future__ import annotations

from enum import Enum

import strawberry
from strawberry.types import Info

from core.auth import AccessRole
from schema.context import Context


@strawberry.enum(description="What a token may do; each role includes the ones before it.")
class ViewerRole(Enum):
    VIEWER = strawberry.enum_value(
        AccessRole.VIEWER.value,
        description="查看者: read; phone and ID numbers masked, family categories hidden.",
    )
    CASEWORKER = strawberry.enum_value(
        AccessRole.CASEWORKER.value,
        description="办案人员: viewer + case workflow and visits, within its area.",
    )
    EDITOR = strawberry.enum_value(
        AccessRole.EDITOR.value, description="编辑: all writes within its area."
    )
    ADMIN = strawberry.enum_value(
        AccessRole.ADMIN.value, description="管理员: everything, unmasked; audit log and tokens."
    )


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
            role=ViewerRole(viewer.role.value),
            area_code=viewer.area_code,
            sees_personal_data=viewer.sees_personal_data,
            sees_family_categories=viewer.sees_family_categories,
        )
