"""Arguments that take one of a fixed set of values are GraphQL enums: GraphiQL offers the
values, and a value outside the set is refused before any resolver runs, as BAD_USER_INPUT."""

from __future__ import annotations

import pytest
from starlette.testclient import TestClient

from tests.api.conftest import query
from tests.conftest import gql

FEDERATIONS = (
    "query($level: AreaLevel) { federations(level: $level) { totalCount nodes { code } } }"
)


@pytest.mark.parametrize(
    ("level", "codes"),
    [
        ("CITY", ["FED-370300"]),
        ("DISTRICT", ["FED-370302", "FED-370303", "FED-370323"]),
        ("TOWNSHIP", ["FED-370303006"]),
        ("COMMUNITY", []),
    ],
)
def test_federations_by_level(api: TestClient, level: str, codes: list[str]) -> None:
    data = query(api, FEDERATIONS, {"level": level})["federations"]
    assert [n["code"] for n in data["nodes"]] == codes
    assert data["totalCount"] == len(codes)
    literal = query(api, f"{{ federations(level: {level}) {{ nodes {{ code }} }} }}")
    assert [n["code"] for n in literal["federations"]["nodes"]] == codes


def test_a_federation_reports_its_level_as_an_area_level(api: TestClient) -> None:
    data = query(api, "{ federations { nodes { code level } } }")["federations"]["nodes"]
    levels = {n["code"]: n["level"] for n in data}
    assert levels["FED-370300"] == "CITY" and levels["FED-370303006"] == "TOWNSHIP"
    fields = query(api, '{ __type(name: "Federation") { fields { name type { name } } } }')
    types = {f["name"]: f["type"]["name"] for f in fields["__type"]["fields"]}
    assert types["level"] == "AreaLevel"


def test_federations_level_is_an_area_level(api: TestClient) -> None:
    data = query(
        api,
        '{ __type(name: "Query") { fields { name args { name type { name } } } } }',
    )
    args = {f["name"]: f["args"] for f in data["__type"]["fields"]}
    assert {"name": "level", "type": {"name": "AreaLevel"}} in args["federations"]
    assert {"name": "level", "type": {"name": "AreaLevel"}} in args["areas"]


@pytest.mark.parametrize(
    ("document", "variables", "message"),
    [
        (
            "{ federations(level: TOWN) { totalCount } }",
            None,
            "Value 'TOWN' does not exist in 'AreaLevel' enum.",
        ),
        (
            '{ federations(level: "CITY") { totalCount } }',
            None,
            "Enum 'AreaLevel' cannot represent non-enum value: \"CITY\".",
        ),
        (
            FEDERATIONS,
            {"level": "district"},
            "Variable '$level' has invalid value: Value 'district' does not exist in "
            "'AreaLevel' enum.",
        ),
        (
            "{ venues(kind: CAFE) { totalCount } }",
            None,
            "Value 'CAFE' does not exist in 'VenueKind' enum.",
        ),
    ],
    ids=["unknown-literal", "string-literal", "unknown-variable", "venue-kind"],
)
def test_a_value_outside_the_enum_is_bad_user_input(
    api: TestClient, document: str, variables: dict | None, message: str
) -> None:
    body = gql(api, document, variables)
    assert body.get("data") is None
    [error] = body["errors"]
    assert error["message"].startswith(message)
    assert error["extensions"]["code"] == "BAD_USER_INPUT"


def test_an_unknown_field_is_a_validation_error_not_an_input_error(api: TestClient) -> None:
    body = gql(api, "{ federations { nope } }")
    assert body["errors"][0]["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"


def test_activity_kinds_are_free_text(api: TestClient) -> None:
    data = query(
        api,
        '{ legal: activities(kind: "LEGAL_OUTREACH") { totalCount }'
        ' other: activities(kind: "NO_SUCH_KIND") { totalCount nodes { code } } }',
    )
    assert data["legal"]["totalCount"] == 1
    assert data["other"] == {"totalCount": 0, "nodes": []}
