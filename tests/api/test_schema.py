"""The committed SDL matches the code; every type, field and enum value is described."""

from __future__ import annotations

from graphql import GraphQLEnumType, GraphQLInputObjectType, GraphQLInterfaceType, GraphQLObjectType

from core.settings import PROJECT_ROOT
from schema.export import sdl


def test_schema_graphql_is_up_to_date() -> None:
    committed = (PROJECT_ROOT / "schema.graphql").read_text(encoding="utf-8")
    assert committed == sdl(), "schema.graphql drifted from the code: run `make schema`"


def test_every_type_field_and_enum_value_has_a_description() -> None:
    from schema import schema

    missing = []
    for name, kind in schema._schema.type_map.items():
        if name.startswith("__") or name in {"String", "Int", "Float", "Boolean", "ID"}:
            continue
        if isinstance(kind, GraphQLObjectType | GraphQLInterfaceType | GraphQLInputObjectType):
            if not kind.description:
                missing.append(name)
            for field_name, field in kind.fields.items():
                if not field.description:
                    missing.append(f"{name}.{field_name}")
        if isinstance(kind, GraphQLEnumType):
            if not kind.description:
                missing.append(name)
            missing += [f"{name}.{v}" for v, value in kind.values.items() if not value.description]
    assert missing == []


def test_role_enum_values_carry_their_chinese_term() -> None:
    from schema import schema

    role = schema._schema.type_map["Role"]
    assert isinstance(role, GraphQLEnumType)
    assert role.values["FEDERATION_EXECUTIVE"].description.startswith("妇联执委")
    assert role.values["FULL_TIME_GRID_WORKER"].description.startswith("专职网格员")
