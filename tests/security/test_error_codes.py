"""Every error a client can get carries `extensions.code`; strings that are not Unicode text are
refused as BAD_USER_INPUT; with introspection off, no error suggests names of the schema."""

from __future__ import annotations

import json
import random
import re
from collections.abc import Iterator
from typing import Any

import pytest
from starlette.testclient import TestClient

from tests.conftest import bearer, make_jwt, make_test_settings

CODE = re.compile(r"^[A-Z][A-Z_]+$")


def gql(client: TestClient, document: str, variables: dict[str, Any] | None = None) -> Any:
    """POST a document as ASCII-escaped JSON (which can carry a lone surrogate, as `\\ud800`)."""
    response = client.post(
        "/graphql",
        content=json.dumps({"query": document, "variables": variables or {}}),
        headers={"content-type": "application/json"},
    )
    assert response.headers["content-type"].startswith("application/json"), response.text
    return response.json()


def _errors(body: dict[str, Any]) -> list[dict[str, Any]]:
    errors = body.get("errors") or []
    for error in errors:
        code = (error.get("extensions") or {}).get("code")
        assert isinstance(code, str) and CODE.match(code), error
    return errors


def _codes(body: dict[str, Any]) -> set[str]:
    return {error["extensions"]["code"] for error in _errors(body)}


# --- Parse and validation errors ------------------------------------------------------------

PARSE_FAILURES = [
    "{",
    "{ viewer { name }",
    "query {",
    "{ viewer { name } } }",
    '{ search(text: "unterminated) { score } }',
    '{ search(text: "\\ud800") { score } }',  # an escaped lone surrogate
    '{ search(text: "\ud800") { score } }',  # a raw one
    '{ search(text: """\ud800""") { score } }',
    "{ viewer { name } } \ud800",
    "fragment on on on",
    "{ viewer(: 1) { name } }",
    "$",
]

VALIDATION_FAILURES = [
    "{ nope }",
    "{ viewer { nope } }",
    "{ viewer }",
    "{ serverInfo { database { x } } }",
    "query($x: NoSuchType) { __typename }",
    "query($x: Int) { __typename }",  # unused variable
    "{ areas(first: $undefined) { totalCount } }",
    "{ ...Missing }",
    "fragment F on NoSuchType { x } { ...F }",
    "fragment F on Query { __typename } { __typename }",  # unused fragment
    "query A { __typename } query A { __typename }",
    "{ __typename } { __typename }",
    "{ viewer @nosuch { name } }",
    "{ viewer @skip { name } }",
    "{ areas(first: 1, first: 2) { totalCount } }",
    "subscription { __typename }",
    "{ a: viewer { name } a: serverInfo { database } }",
    "{ nodes { id } }",  # a required argument missing
    "{ areas { nodes { children { } } } }",  # an empty selection set
    "{ areas { nodes { ... on Area { } } } }",
    "fragment E on Area { } { areas { nodes { ...E } } }",
]

INPUT_FAILURES = [
    "{ areas(level: TOWN) { totalCount } }",
    '{ areas(level: "CITY") { totalCount } }',
    '{ areas(first: "1") { totalCount } }',
    "{ areas(first: 1.5) { totalCount } }",
    "{ areas(first: 99999999999) { totalCount } }",
    "{ areas(first: " + "1" * 4401 + ") { totalCount } }",
    '{ people(filter: {asOf: "2025-13-01"}) { totalCount } }',
    '{ people(filter: {nope: "x"}) { totalCount } }',
    "{ nodes(ids: null) { id } }",
]


@pytest.mark.parametrize("document", PARSE_FAILURES)
def test_parse_failures_are_graphql_parse_failed(client: TestClient, document: str) -> None:
    body = gql(client, document)
    assert "data" not in body
    assert _codes(body) == {"GRAPHQL_PARSE_FAILED"}, body


@pytest.mark.parametrize("document", VALIDATION_FAILURES)
def test_validation_failures_are_graphql_validation_failed(
    client: TestClient, document: str
) -> None:
    body = gql(client, document)
    assert "data" not in body
    assert _codes(body) == {"GRAPHQL_VALIDATION_FAILED"}, body


@pytest.mark.parametrize("document", INPUT_FAILURES)
def test_bad_argument_values_are_bad_user_input(client: TestClient, document: str) -> None:
    body = gql(client, document)
    assert "data" not in body
    assert _codes(body) == {"BAD_USER_INPUT"}, body


def test_a_limit_keeps_its_own_code() -> None:
    from main import create_app

    for overrides, document, code in (
        ({"max_tokens": 5}, "{ viewer { name } serverInfo { database } }", "TOO_MANY_TOKENS"),
        ({"max_query_depth": 1}, "{ areas { nodes { children { name } } } }", "QUERY_TOO_DEEP"),
    ):
        settings = make_test_settings(**overrides)
        with TestClient(create_app(settings), headers=bearer(make_jwt())) as client:
            assert _codes(gql(client, document)) == {code}


VARIABLE_FAILURES = [
    ("query($id: ID!) { node(id: $id) { id } }", {"id": None}),
    ("query($id: ID!) { node(id: $id) { id } }", {}),
    ("query($id: ID!) { node(id: $id) { id } }", {"id": 5.5}),
    ("query($id: ID!) { node(id: $id) { id } }", {"id": {"a": 1}}),
    ("query($n: Int) { areas(first: $n) { totalCount } }", {"n": "5"}),
    # (Negative: the cost estimate would refuse a large page before its type does.)
    ("query($n: Int) { areas(first: $n) { totalCount } }", {"n": -(2**31) - 1}),
    ("query($n: Int) { areas(first: $n) { totalCount } }", {"n": -int("9" * 99)}),
    ("query($n: Int) { areas(first: $n) { totalCount } }", {"n": [1]}),
    ("query($l: AreaLevel) { areas(level: $l) { totalCount } }", {"l": "TOWN"}),
    ("query($f: PeopleFilter) { people(filter: $f) { totalCount } }", {"f": {"nope": 1}}),
    ("query($f: PeopleFilter) { people(filter: $f) { totalCount } }", {"f": "x"}),
    ("query($f: PeopleFilter) { people(filter: $f) { totalCount } }", {"f": {"asOf": "x"}}),
    ("query($ids: [ID!]!) { nodes(ids: $ids) { id } }", {"ids": [None]}),
]


@pytest.mark.parametrize(("document", "variables"), VARIABLE_FAILURES)
def test_variable_coercion_failures_are_bad_user_input(
    client: TestClient, document: str, variables: dict[str, Any]
) -> None:
    body = gql(client, document, variables)
    assert "data" not in body
    assert _codes(body) == {"BAD_USER_INPUT"}, body


def test_a_masked_internal_error_says_internal_server_error() -> None:
    from main import create_app

    with TestClient(
        create_app(make_test_settings(neo4j_database="nosuchdb", dev_mode=True))
    ) as client:
        body = gql(client, "{ serverInfo { database version } }")
    (error,) = body["errors"]
    assert error["message"] == "Internal server error; quote the request id when reporting it."
    assert error["extensions"] == {"code": "INTERNAL_SERVER_ERROR"}


# --- Strings that are not Unicode text ------------------------------------------------------

LONE_SURROGATES = [
    # (document, variables, the variable named)
    (
        "query($s: String) { people(filter: {nameContains: $s}) { totalCount } }",
        {"s": "\ud800"},
        "s",
    ),
    (
        "query($f: PeopleFilter) { people(filter: $f) { totalCount } }",
        {"f": {"nameContains": "王\udfff芳"}},
        "f",
    ),
    ("query($t: String!) { search(text: $t) { score } }", {"t": "a\udc00"}, "t"),
    ("query($id: ID!) { node(id: $id) { id } }", {"id": "\ud83d"}, "id"),
    ("query($ids: [ID!]!) { nodes(ids: $ids) { id } }", {"ids": ["P-1", "\ud800"]}, "ids"),
    (
        "query($c: [String!]) { families(category: $c) { totalCount } }",
        {"c": ["red", "x\ud800"]},
        "c",
    ),
]


@pytest.mark.parametrize(("document", "variables", "variable"), LONE_SURROGATES)
def test_a_lone_surrogate_in_a_variable_is_bad_user_input_naming_it(
    client: TestClient, document: str, variables: dict[str, Any], variable: str
) -> None:
    body = gql(client, document, variables)
    assert "data" not in body, body
    (error,) = body["errors"]
    assert error["extensions"]["code"] == "BAD_USER_INPUT", error
    assert error["extensions"]["variable"] == variable
    assert f"${variable}" in error["message"]


def test_a_lone_surrogate_in_a_literal_is_a_parse_failure(client: TestClient) -> None:
    body = gql(client, '{ people(filter: {nameContains: "\\udfff"}) { totalCount } }')
    assert _codes(body) == {"GRAPHQL_PARSE_FAILED"}


# --- Suggestions with introspection off -----------------------------------------------------

SUGGESTING = [
    # (what, document, variables)
    ("field", "{ people { nodes { idNumbr } } }", None),
    ("root field", "{ peple { totalCount } }", None),
    ("argument", "{ areas(frist: 1) { totalCount } }", None),
    ("type", "query($f: PeopleFiltr) { people(filter: $f) { totalCount } }", None),
    ("enum value", "{ areas(level: CIT) { totalCount } }", None),
    (
        "enum value in a variable",
        "query($l: AreaLevel) { areas(level: $l) { totalCount } }",
        {"l": "CIT"},
    ),
    ("input field", '{ people(filter: {nameContain: "x"}) { totalCount } }', None),
    (
        "input field in a variable",
        "query($f: PeopleFilter) { people(filter: $f) { totalCount } }",
        {"f": {"nameContain": "x"}},
    ),
    ("mutation", "mutation { creatPerson { __typename } }", None),
    ("mutation argument", 'mutation { acceptCase(inptu: {caseId: "x"}) { __typename } }', None),
    ("inline fragment", '{ node(id: "x") { name } }', None),
    ("sub-selection", "{ viewer }", None),
    ("directive argument", "{ viewer @include(iff: true) { name } }", None),
]


@pytest.fixture(scope="module")
def introspection_on_and_off(driver: Any) -> Iterator[tuple[TestClient, TestClient]]:
    from main import create_app

    with (
        TestClient(create_app(make_test_settings()), headers=bearer(make_jwt())) as on,
        TestClient(
            create_app(make_test_settings(introspection=False)), headers=bearer(make_jwt())
        ) as off,
    ):
        yield on, off


@pytest.mark.parametrize(("what", "document", "variables"), SUGGESTING)
def test_without_introspection_no_error_suggests_a_name(
    introspection_on_and_off: tuple[TestClient, TestClient],
    what: str,
    document: str,
    variables: dict[str, Any] | None,
) -> None:
    on, off = introspection_on_and_off
    suggested = gql(on, document, variables)
    assert any("Did you mean" in e["message"] for e in _errors(suggested)), suggested
    hidden = gql(off, document, variables)
    assert _errors(hidden), hidden
    for error in hidden["errors"]:
        assert "Did you mean" not in error["message"], (what, error)
        assert "idNumber'" not in error["message"] and "createPerson" not in error["message"]
    # The same errors, codes and places, only without the suggestion.
    assert [e["extensions"] for e in hidden["errors"]] == [
        e["extensions"] for e in suggested["errors"]
    ]
    assert [e.get("locations") for e in hidden["errors"]] == [
        e.get("locations") for e in suggested["errors"]
    ]


# --- A small fuzzer: every answer to a mangled document is coded ----------------------------

SEEDS = [
    "{ areas(first: 2, level: DISTRICT) { totalCount nodes { code name children { name } } } }",
    "query Q($f: PeopleFilter, $n: Int = 3) { people(filter: $f, first: $n) { nodes { name } } }",
    'mutation { acceptCase(input: {caseId: "C1999-999999", note: "x"}) { __typename } }',
    '{ search(text: "张店", first: 3) { score node { id ... on Area { code } } } }',
    'fragment A on Area { code } { area(code: "370303") { ...A parent { ...A } } }',
]
PIECES = ["{", "}", "(", ")", ":", "$f", "...", "@skip", '"\\u0000"', "1e999", "-0", "null", "["]


def _mangled(seed: str, rng: random.Random) -> Iterator[str]:
    tokens = re.findall(r'"[^"]*"|\.\.\.|[A-Za-z_$][\w]*|-?\d+|\S', seed)
    for index in range(len(tokens)):
        yield " ".join(tokens[:index] + tokens[index + 1 :])  # one token dropped
        yield " ".join([*tokens[:index], rng.choice(PIECES), *tokens[index + 1 :]])
        yield " ".join([*tokens[: index + 1], *tokens[index:]])  # one token doubled


def test_every_error_of_a_mangled_document_carries_a_code(driver: Any) -> None:
    from main import create_app

    settings = make_test_settings(rate_limit_per_minute=1e9, rate_limit_burst=1_000_000)
    with TestClient(create_app(settings), headers=bearer(make_jwt())) as client:
        _fuzz(client)


def _fuzz(client: TestClient) -> None:
    rng = random.Random(20260101)
    seen: dict[str, int] = {}
    internal: list[str] = []
    count = 0
    for seed in SEEDS:
        for document in _mangled(seed, rng):
            response = client.post(
                "/graphql", json={"query": document, "variables": {"f": {"nameContains": "x"}}}
            )
            assert response.status_code < 500, (document, response.text)
            body = response.json()
            for code in _codes(body):
                seen[code] = seen.get(code, 0) + 1
                if code == "INTERNAL_SERVER_ERROR":
                    internal.append(document)
            count += 1
    print(f"{count} mangled documents, errors by code: {seen}")
    assert count > 300
    assert not internal, (seen, internal)
    assert {"GRAPHQL_PARSE_FAILED", "GRAPHQL_VALIDATION_FAILED", "BAD_USER_INPUT"} <= set(seen)
