"""`createPerson` / `updatePerson` refuse names, phones and ID numbers that a spreadsheet would
take for formulas, with the same reason as the roster loader; `+86` still opens a mobile."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from neo4j import Driver
from starlette.testclient import TestClient

from core.settings import Settings
from tests.conftest import gql, make_test_settings, wipe_graph
from tests.mutations.conftest import CREATE_MUTATION_GRAPH, WANG, caller

RESULT = """__typename
  ... on Person { personId name phone }
  ... on ValidationError { fields { field code message messageZh } }"""
CREATE = "mutation($i: PersonInput!) { createPerson(input: $i) { " + RESULT + " } }"
UPDATE = (
    "mutation($id: ID!, $i: PersonInput!) { updatePerson(id: $id, input: $i) { " + RESULT + " } }"
)


@pytest.fixture(scope="module")
def app(driver: Driver, settings: Settings) -> Iterator[TestClient]:
    from main import create_app

    wipe_graph(driver, settings.neo4j_database)
    driver.execute_query(CREATE_MUTATION_GRAPH, database_=settings.neo4j_database)
    with TestClient(create_app(make_test_settings())) as client:
        yield client
    wipe_graph(driver, settings.neo4j_database)


def _run(app: TestClient, document: str, variables: dict[str, Any]) -> dict[str, Any]:
    body = gql(app, document, variables, **caller("admin"))
    assert "errors" not in body, body["errors"]
    (result,) = body["data"].values()
    return result


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("name", '=HYPERLINK("http://evil.example","王芳")'),
        ("name", "@王芳"),
        ("phone", "-13912348000"),
        ("phone", "=13912348000"),
        ("idNumber", "+370303198503121234"),
    ],
)
def test_formula_values_are_refused(app: TestClient, field: str, value: str) -> None:
    given = {"name": "王芳", "residenceCode": "370303006001", field: value}
    for result in (_run(app, CREATE, {"i": given}), _run(app, UPDATE, {"id": WANG, "i": given})):
        assert result["__typename"] == "ValidationError", result
        (problem,) = result["fields"]
        assert (problem["field"], problem["code"]) == (field, "FORMULA")
        assert "formula" in problem["message"] and "公式" in problem["messageZh"]


def test_a_country_code_is_a_phone_not_a_formula(app: TestClient) -> None:
    result = _run(app, UPDATE, {"id": WANG, "i": {"phone": "+86 139-1234-8000"}})
    assert (result["__typename"], result["phone"]) == ("Person", "13912348000")
