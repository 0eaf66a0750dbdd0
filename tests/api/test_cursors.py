"""Forged cursors on every connection field: BAD_USER_INPUT naming `after`, never a masked
internal error, a Neo4j type error or an empty page; the cursors the API hands out still work.

The fields are found by introspection (every root field with an `after` argument), so a new
connection is covered without being listed here.
"""

from __future__ import annotations

import base64
import json
from typing import Any

import pytest
from starlette.testclient import TestClient

from resolvers.pagination import KEY_PARTS
from tests.api.conftest import query
from tests.conftest import gql

REQUIRED: dict[str, str] = {}
"""Values for required arguments of connection fields (none today), by `field.argument`."""


def _connection_fields() -> list[str]:
    from schema import schema

    fields = schema._schema.query_type.fields  # type: ignore[union-attr]
    return sorted(name for name, field in fields.items() if "after" in field.args)


CONNECTIONS = _connection_fields()


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _forged(value: Any) -> str:
    return _b64(json.dumps(value, ensure_ascii=False).encode())


def _document(field: str) -> str:
    arguments = "".join(
        f", {name.split('.')[1]}: {value}"
        for name, value in REQUIRED.items()
        if name.startswith(f"{field}.")
    )
    return (
        f"query ($after: String) {{ {field}(first: 2, after: $after{arguments}) {{"
        " nodes { __typename } pageInfo { endCursor hasNextPage } } }"
    )


FORGED_SHAPES: list[tuple[str, Any]] = [
    ("a number key", ["{kind}", 5]),
    ("a float key", ["{kind}", 1.5]),
    ("a boolean key", ["{kind}", True]),
    ("a null key", ["{kind}", None]),
    ("a map key", ["{kind}", {"a": 1}]),
    ("an empty list key", ["{kind}", []]),
    ("a list of one", ["{kind}", ["a"]]),
    ("a list of three", ["{kind}", ["a", "b", "c"]]),
    ("a list of numbers", ["{kind}", [1, 2]]),
    ("a list holding null", ["{kind}", [None, "P-1"]]),
    ("a nested list", ["{kind}", [["a"], "b"]]),
    ("the other shape", "other"),
    ("a missing key", ["{kind}"]),
    ("an extra element", ["{kind}", "a", "b"]),
    ("a map cursor", {"kind": "{kind}", "key": "a"}),
    ("a bare string", "{kind}"),
    ("a number kind", [5, "a"]),
    ("an unknown kind", ["Nothing", "a"]),
    ("a foreign kind", "foreign"),
]

RAW: list[tuple[str, str]] = [
    ("garbage", "not-a-cursor!"),
    ("base64 of garbage", _b64(b"nope")),
    ("base64 of invalid UTF-8", _b64(b'["Grid", "\xff"]')),
    ("base64 of NaN", _b64(b'["Grid", NaN]')),
    ("deep nesting", _b64(b'["Grid", ' + b"[" * 300 + b"]" * 300 + b"]")),
    ("a huge integer", _b64(b'["Grid", ' + b"9" * 4401 + b"]")),
    ("duplicate keys", _b64(b'{"a": 1, "a": 2}')),
    ("very long", "A" * 5000),
    ("non-ASCII", "游标"),
    ("padding inside", "WyJH=cmlkIl0"),
    ("empty", ""),
]


def _cursors_for(field: str, kind: str) -> list[tuple[str, str]]:
    other = "a" if KEY_PARTS[kind] == 2 else ["a", "b"]
    foreign = next(k for k in sorted(KEY_PARTS) if k != kind)
    cursors = []
    for name, shape in FORGED_SHAPES:
        if shape == "other":
            value: Any = [kind, other]
        elif shape == "foreign":
            value = [foreign, "a" if KEY_PARTS[foreign] == 1 else ["a", "b"]]
        else:
            value = json.loads(json.dumps(shape).replace("{kind}", kind))
        cursors.append((name, _forged(value)))
    return [*cursors, *RAW]


def _well_formed(kind: str) -> str:
    return _forged([kind, "a" if KEY_PARTS[kind] == 1 else ["a", "b"]])


def _kind_of(api: TestClient, field: str) -> str:
    """The list kind of `field`: the one kind whose well-formed cursor it accepts."""
    accepted = [
        kind
        for kind in sorted(KEY_PARTS)
        if "errors" not in gql(api, _document(field), {"after": _well_formed(kind)})
    ]
    assert len(accepted) == 1, (field, accepted)
    return accepted[0]


def test_every_connection_field_is_covered() -> None:
    assert len(CONNECTIONS) >= 16, CONNECTIONS
    assert "auditLog" in CONNECTIONS and "dualRoleMembers" in CONNECTIONS


@pytest.mark.parametrize("field", CONNECTIONS)
def test_forged_cursors_are_bad_user_input_naming_after(api: TestClient, field: str) -> None:
    kind = _kind_of(api, field)
    for name, cursor in _cursors_for(field, kind):
        body = gql(api, _document(field), {"after": cursor})
        assert body.get("data") is None, (field, name, body)  # no page, empty or not
        (error,) = body["errors"]
        assert error["extensions"]["code"] == "BAD_USER_INPUT", (field, name, error)
        assert error["extensions"]["argument"] == "after", (field, name, error)
        assert "`after`" in error["message"], (field, name, error)


@pytest.mark.parametrize("field", CONNECTIONS)
def test_the_cursors_the_api_hands_out_still_work(api: TestClient, field: str) -> None:
    first = query(api, _document(field), {"after": None})[field]
    cursor = first["pageInfo"]["endCursor"]
    if cursor is None:  # no rows in the fixture graph (the audit log)
        assert first["nodes"] == [], field
        return
    assert json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))[0] == (
        _kind_of(api, field)
    )
    second = query(api, _document(field), {"after": cursor})[field]
    assert bool(second["nodes"]) is first["pageInfo"]["hasNextPage"], field
