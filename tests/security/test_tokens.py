"""API tokens: the CLI commands, the graph records, and the tokens at work over HTTP."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator

import pytest
from neo4j import Driver
from starlette.testclient import TestClient

from core.auth import AccessRole
from core.settings import Settings
from core.tokens import create_token, delete_token, hash_token, list_tokens, revoke_token
from tests.conftest import bearer, gql, make_test_settings

VIEWER_QUERY = "{ viewer { name role areaCode seesPersonalData seesFamilyCategories } }"

GET_TOKEN_NODE = """
MATCH (t:ApiToken {id: $id})
RETURN properties(t) AS props
"""

DELETE_TOKENS_NAMED = """
MATCH (t:ApiToken)
WHERE t.name STARTS WITH 'cli test'
DETACH DELETE t
"""


@pytest.fixture
def cli(cli: Callable, settings: Settings, driver: Driver) -> Iterator[Callable]:
    """`tests.conftest.cli`; the tokens it creates are deleted afterwards."""
    yield cli
    driver.execute_query(DELETE_TOKENS_NAMED, database_=settings.neo4j_database)


@pytest.fixture
def tokens(settings: Settings, driver: Driver) -> Iterator[Callable]:
    """Create tokens directly; deleted afterwards."""
    created: list[str] = []

    def make(role: str = "viewer", **kwargs):  # type: ignore[no-untyped-def]
        issued = create_token(
            driver,
            settings.neo4j_database,
            name=kwargs.pop("name", f"test {role}"),
            role=AccessRole(role),
            **kwargs,
        )
        created.append(issued.record.id)
        return issued

    yield make
    for token_id in created:
        delete_token(driver, settings.neo4j_database, token_id)


def _app_client(**overrides: object) -> TestClient:
    from main import create_app

    return TestClient(create_app(make_test_settings(**overrides)))


# --- CLI ----------------------------------------------------------------------------------------


def test_token_create_prints_the_secret_once_and_stores_only_its_hash(
    cli: Callable, driver: Driver, settings: Settings
) -> None:
    result = cli("token", "create", "--role", "editor", "--name", "cli test editor")
    assert result.exit_code == 0, result.output
    secret = result.stdout.strip().splitlines()[-1]
    assert secret.startswith("gg_") and len(secret) >= 40
    record = next(t for t in list_tokens(driver, "neo4j") if t.name == "cli test editor")
    assert record.role is AccessRole.EDITOR and record.area_code is None
    props = driver.execute_query(GET_TOKEN_NODE, id=record.id, database_="neo4j").records[0][
        "props"
    ]
    assert props["hash"] == hash_token(secret)
    assert secret not in {str(value) for value in props.values()}
    assert set(props) >= {"id", "name", "role", "hash", "createdAt"}

    listing = cli("token", "list")
    assert listing.exit_code == 0
    assert record.id in listing.stdout and "cli test editor" in listing.stdout
    assert secret not in listing.stdout and props["hash"] not in listing.stdout


TEST_AREA = "979801"

MERGE_TEST_AREA = """
MERGE (a:Area {code: $code})
ON CREATE SET a.name = 'token test area', a.level = 'DISTRICT', a.tokenTest = true
"""

DELETE_TEST_AREA = """
MATCH (a:Area {code: $code, tokenTest: true})
DETACH DELETE a
"""


@pytest.fixture
def test_area(driver: Driver, settings: Settings) -> Iterator[str]:
    """An area that exists in the graph for the test (removed after, if the test made it)."""
    driver.execute_query(MERGE_TEST_AREA, code=TEST_AREA, database_=settings.neo4j_database)
    yield TEST_AREA
    driver.execute_query(DELETE_TEST_AREA, code=TEST_AREA, database_=settings.neo4j_database)


def test_token_create_with_area_and_expiry(cli: Callable, driver: Driver, test_area: str) -> None:
    result = cli(
        "token", "create", "--role", "caseworker", "--name", "cli test area",
        "--area", test_area, "--expires", "7",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert f"(caseworker, area {test_area}, expires" in result.stderr
    record = next(t for t in list_tokens(driver, "neo4j") if t.name == "cli test area")
    assert record.area_code == test_area
    assert record.expires_at is not None
    days = (record.expires_at - record.created_at).total_seconds() / 86400
    assert days == pytest.approx(7, abs=0.01)
    assert record.status == "active"


@pytest.mark.parametrize(
    "area",
    ["", " ", "3703", "3703031", "370303 ", "37030a", "３７０３０３", "**", "all", "370303,370302"],
)
def test_token_create_refuses_an_empty_or_malformed_area(
    cli: Callable, driver: Driver, area: str
) -> None:
    result = cli(
        "token", "create", "--role", "viewer", "--name", "cli test bad area", "--area", area
    )
    assert result.exit_code == 2, result.output
    assert "error: --area must be '*' (the whole city) or an area code" in result.stderr
    assert "all areas" not in result.output
    assert result.stdout == ""  # no secret
    assert not [t for t in list_tokens(driver, "neo4j") if t.name == "cli test bad area"]


def test_token_create_refuses_an_area_that_is_not_in_the_graph(
    cli: Callable, driver: Driver
) -> None:
    result = cli(
        "token", "create", "--role", "viewer", "--name", "cli test nowhere", "--area", "979899"
    )
    assert result.exit_code == 2, result.output
    assert "error: no area with code 979899 in the graph" in result.stderr
    assert result.stdout == ""
    assert not [t for t in list_tokens(driver, "neo4j") if t.name == "cli test nowhere"]


@pytest.mark.parametrize("args", [[], ["--area", "*"]], ids=["no-area", "star"])
def test_all_areas_is_what_the_token_sees(cli: Callable, driver: Driver, args: list[str]) -> None:
    result = cli("token", "create", "--role", "viewer", "--name", "cli test city", *args)
    assert result.exit_code == 0, result.output
    assert "(viewer, all areas)" in result.stderr
    secret = result.stdout.strip().splitlines()[-1]
    record = next(t for t in list_tokens(driver, "neo4j") if t.name == "cli test city")
    assert record.area_code is None
    with _app_client() as client:
        body = gql(client, VIEWER_QUERY, **bearer(secret))
    assert body["data"]["viewer"]["areaCode"] is None


def test_create_token_itself_refuses_a_malformed_area(settings: Settings, driver: Driver) -> None:
    for area in ("", "0", "37030"):
        with pytest.raises(ValueError, match="area"):
            create_token(
                driver,
                settings.neo4j_database,
                name="test x",
                role=AccessRole.VIEWER,
                area_code=area,
            )


@pytest.mark.parametrize("stored", ["", " ", "*", "3703", "not a code"])
def test_a_token_stored_with_a_malformed_area_is_refused_never_city_wide(
    tokens: Callable, driver: Driver, stored: str
) -> None:
    issued = tokens("admin", name="test bad stored area")
    driver.execute_query(
        "MATCH (t:ApiToken {id: $id}) SET t.areaCode = $area",
        id=issued.record.id,
        area=stored,
        database_="neo4j",
    )
    with _app_client() as client:
        response = client.post(
            "/graphql", json={"query": VIEWER_QUERY}, headers=bearer(issued.secret)
        )
    assert response.status_code == 401, response.text
    assert "'test bad stored area' has a malformed area" in response.json()["errors"][0]["message"]
    record = next(t for t in list_tokens(driver, "neo4j") if t.id == issued.record.id)
    assert record.status == "malformed area"


def test_token_create_refuses_bad_input(cli: Callable) -> None:
    assert cli("token", "create", "--role", "root", "--name", "cli test x").exit_code != 0
    bad_days = cli("token", "create", "--role", "viewer", "--name", "cli test x", "--expires", "0")
    assert bad_days.exit_code == 1
    assert "positive number of days" in bad_days.stderr


def test_token_revoke_marks_the_token_and_list_shows_it(cli: Callable, driver: Driver) -> None:
    cli("token", "create", "--role", "viewer", "--name", "cli test revoke")
    record = next(t for t in list_tokens(driver, "neo4j") if t.name == "cli test revoke")
    result = cli("token", "revoke", record.id)
    assert result.exit_code == 0 and f"Revoked token {record.id}" in result.stdout
    revoked = next(t for t in list_tokens(driver, "neo4j") if t.id == record.id)
    assert revoked.status == "revoked" and revoked.revoked_at is not None
    again = cli("token", "revoke", record.id)  # idempotent: the first time is kept
    assert again.exit_code == 0
    assert next(t for t in list_tokens(driver, "neo4j") if t.id == record.id).revoked_at == (
        revoked.revoked_at
    )
    assert "revoked" in cli("token", "list").stdout


def test_token_revoke_of_an_unknown_id_fails(cli: Callable) -> None:
    result = cli("token", "revoke", "no-such-token")
    assert result.exit_code == 1
    assert "no token with id no-such-token" in result.stderr


# --- HTTP ---------------------------------------------------------------------------------------


def test_without_a_token_graphql_answers_401_with_a_clear_message(settings: Settings) -> None:
    with _app_client() as client:
        response = client.post("/graphql", json={"query": "{ serverInfo { database } }"})
    assert response.status_code == 401
    error = response.json()["errors"][0]
    assert error["extensions"] == {"code": "UNAUTHENTICATED", "reason": "MISSING"}
    assert "Authorization: Bearer" in error["message"]
    assert "gridgraph token create" in error["message"]
    assert response.headers["www-authenticate"] == 'Bearer realm="gridgraph"'


def test_get_with_a_query_needs_a_token_but_graphiql_and_health_stay_open() -> None:
    with _app_client() as client:
        assert client.get("/graphql", params={"query": "{ viewer { name } }"}).status_code == 401
        page = client.get("/graphql", headers={"accept": "text/html"})
        assert page.status_code == 200 and "graphiql" in page.text.lower()
        assert client.get("/healthz").status_code == 200
        assert client.get("/readyz").status_code == 200


def test_a_token_authenticates_and_maps_to_its_role_and_area(tokens: Callable) -> None:
    issued = tokens("caseworker", area_code="370303001")
    with _app_client() as client:
        body = gql(client, VIEWER_QUERY, **bearer(issued.secret))
        by_get = client.get(
            "/graphql", params={"query": "{ viewer { role } }"}, headers=bearer(issued.secret)
        )
    assert body == {
        "data": {
            "viewer": {
                "name": "test caseworker",
                "role": "CASEWORKER",
                "areaCode": "370303001",
                "seesPersonalData": False,
                "seesFamilyCategories": True,
            }
        }
    }
    assert by_get.json() == {"data": {"viewer": {"role": "CASEWORKER"}}}


def test_each_role_reads_with_its_own_permissions(client_as: Callable) -> None:
    expected = {
        "viewer": (False, False),
        "caseworker": (False, True),
        "editor": (False, True),
        "admin": (True, True),
    }
    for role, (personal, families) in expected.items():
        client = client_as(role)
        body = gql(client, VIEWER_QUERY)
        viewer = body["data"]["viewer"]
        assert viewer["role"] == role.upper()
        assert (viewer["seesPersonalData"], viewer["seesFamilyCategories"]) == (personal, families)
        reads = gql(client, "{ serverInfo { database } }")
        assert reads == {"data": {"serverInfo": {"database": "neo4j"}}}


def test_the_default_client_fixture_is_admin(client: TestClient) -> None:
    assert gql(client, "{ viewer { role name } }")["data"]["viewer"] == {
        "role": "ADMIN",
        "name": "test admin",
    }


def test_unknown_malformed_and_expired_tokens_are_refused_naming_why(
    tokens: Callable, driver: Driver
) -> None:
    expired = tokens("viewer", name="test expired")
    driver.execute_query(
        "MATCH (t:ApiToken {id: $id}) SET t.expiresAt = datetime() - duration('PT1M')",
        id=expired.record.id,
        database_="neo4j",
    )
    cases = {
        "Bearer gg_not-a-real-token": "not known",
        "Basic dXNlcjpwYXNz": "must be 'Bearer <token>'",
        "Bearer something-else": "neither a gridgraph token nor a JWT",
        "Bearer a.b.c": "not a well-formed JWT",
        f"Bearer {expired.secret}": "'test expired' has expired",
    }
    with _app_client() as client:
        for header, reason in cases.items():
            response = client.post(
                "/graphql", json={"query": "{ viewer { name } }"}, headers={"Authorization": header}
            )
            assert response.status_code == 401, header
            assert reason in response.json()["errors"][0]["message"], header
            assert 'error="invalid_token"' in response.headers["www-authenticate"]


def test_revocation_takes_effect_within_the_cache_period(tokens: Callable, driver: Driver) -> None:
    issued = tokens("viewer", name="test revoked")
    with _app_client(token_cache_seconds=1.0) as client:
        assert gql(client, "{ viewer { name } }", **bearer(issued.secret))["data"]
        revoke_token(driver, "neo4j", issued.record.id)
        # Within the cache period the process may still accept it ...
        cached = client.post(
            "/graphql", json={"query": "{ viewer { name } }"}, headers=bearer(issued.secret)
        )
        assert cached.status_code == 200
        time.sleep(1.2)
        # ... after it, never.
        refused = client.post(
            "/graphql", json={"query": "{ viewer { name } }"}, headers=bearer(issued.secret)
        )
    assert refused.status_code == 401
    assert "'test revoked' has been revoked" in refused.json()["errors"][0]["message"]


def test_a_used_token_records_when_it_was_last_used(tokens: Callable, driver: Driver) -> None:
    issued = tokens("viewer")
    with _app_client() as client:
        gql(client, "{ viewer { name } }", **bearer(issued.secret))
    record = next(t for t in list_tokens(driver, "neo4j") if t.id == issued.record.id)
    assert record.last_used_at is not None and record.last_used_at >= record.created_at


def test_dev_mode_acts_as_admin_without_a_token_but_still_checks_tokens_sent(
    tokens: Callable,
) -> None:
    viewer = tokens("viewer")
    with _app_client(dev_mode=True) as client:
        assert gql(client, "{ viewer { name role } }") == {
            "data": {"viewer": {"name": "development", "role": "ADMIN"}}
        }
        as_viewer = gql(client, "{ viewer { role } }", **bearer(viewer.secret))
        assert as_viewer == {"data": {"viewer": {"role": "VIEWER"}}}
        bad = client.post(
            "/graphql", json={"query": "{ viewer { role } }"}, headers=bearer("gg_nope")
        )
        assert bad.status_code == 401
