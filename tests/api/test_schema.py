"""The committed SDL matches the code; enum values carry their Chinese terms (that everything
is described is tests/api/test_schema_docs.py)."""

from __future__ import annotations

from graphql import GraphQLEnumType

from core.settings import PROJECT_ROOT
from schema.export import sdl


def test_schema_graphql_is_up_to_date() -> None:
    committed = (PROJECT_ROOT / "schema.graphql").read_text(encoding="utf-8")
    assert committed == sdl(), "schema.graphql drifted from the code: run `make schema`"


def test_role_enum_values_carry_their_chinese_term() -> None:
    from schema import schema

    role = schema._schema.type_map["Role"]
    assert isinstance(role, GraphQLEnumType)
    assert role.values["FEDERATION_EXECUTIVE"].description.startswith("妇联执委")
    assert role.values["FULL_TIME_GRID_WORKER"].description.startswith("专职网格员")
