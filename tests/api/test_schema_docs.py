"""Everything a front-end developer reads in GraphiQL is described: types, fields, arguments,
input fields, enum values and directives, as the schema's own introspection reports them."""

from __future__ import annotations

from typing import Any

from graphql import get_introspection_query


def _introspection() -> dict[str, Any]:
    from schema import schema

    result = schema.execute_sync(
        get_introspection_query(descriptions=True, input_value_deprecation=True)
    )
    assert result.errors is None, result.errors
    assert result.data is not None
    return result.data["__schema"]


def _described(item: dict[str, Any]) -> bool:
    return bool((item.get("description") or "").strip())


def undocumented(introspection: dict[str, Any]) -> list[str]:
    """Every type, field, argument, input field, enum value and directive (with its arguments)
    of an introspection result that has no description, as `Type.field(argument)` paths.

    The introspection types themselves (`__Type` ...) come from graphql-core and are skipped.
    """
    missing: list[str] = []
    for kind in introspection["types"]:
        name = kind["name"]
        if name.startswith("__"):
            continue
        if not _described(kind):
            missing.append(f"type {name}")
        for field in kind.get("fields") or []:
            path = f"{name}.{field['name']}"
            if not _described(field):
                missing.append(f"field {path}")
            missing += [
                f"argument {path}({arg['name']})" for arg in field["args"] if not _described(arg)
            ]
        missing += [
            f"input field {name}.{field['name']}"
            for field in kind.get("inputFields") or []
            if not _described(field)
        ]
        missing += [
            f"enum value {name}.{value['name']}"
            for value in kind.get("enumValues") or []
            if not _described(value)
        ]
    for directive in introspection["directives"]:
        path = f"@{directive['name']}"
        if not _described(directive):
            missing.append(f"directive {path}")
        missing += [
            f"argument {path}({arg['name']})" for arg in directive["args"] if not _described(arg)
        ]
    return missing


def test_everything_in_the_schema_is_described() -> None:
    missing = undocumented(_introspection())
    assert missing == [], "described nowhere:\n" + "\n".join(missing)


def test_the_check_sees_every_kind_of_member() -> None:
    """The walk reaches arguments, input fields and enum values (an empty walk would pass)."""
    introspection = _introspection()
    query = next(t for t in introspection["types"] if t["name"] == "Query")
    area = next(f for f in query["fields"] if f["name"] == "area")
    area["args"][0]["description"] = None
    filter_ = next(t for t in introspection["types"] if t["name"] == "PeopleFilter")
    filter_["inputFields"][0]["description"] = ""
    level = next(t for t in introspection["types"] if t["name"] == "AreaLevel")
    level["enumValues"][0]["description"] = " "

    assert sorted(undocumented(introspection)) == [
        "argument Query.area(code)",
        f"enum value AreaLevel.{level['enumValues'][0]['name']}",
        f"input field PeopleFilter.{filter_['inputFields'][0]['name']}",
    ]


def test_shared_arguments_say_their_limits() -> None:
    """Pagination arguments state the real page-size limits wherever they appear."""
    from resolvers.pagination import DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE

    introspection = _introspection()
    firsts = [
        arg["description"]
        for kind in introspection["types"]
        if not kind["name"].startswith("__")
        for field in kind.get("fields") or []
        if field["type"]["ofType"] and str(field["type"]["ofType"]["name"]).endswith("Connection")
        for arg in field["args"]
        if arg["name"] == "first"
    ]
    assert len(firsts) >= 10
    assert all(
        f"0 to {MAX_PAGE_SIZE}" in text and f"default {DEFAULT_PAGE_SIZE}" in text
        for text in firsts
    )
