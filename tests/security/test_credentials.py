"""The Authorization header, however it is malformed or repeated, is a 400 or 401: never a 500,
never "the last one wins", and always counted by the failed-login limit."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from neo4j import Driver
from starlette.testclient import TestClient

from core.settings import Settings
from tests.conftest import make_jwt, make_test_settings

QUERY = {"query": "{ viewer { name role } }"}

GOOD = f"Bearer {make_jwt()}".encode()


@pytest.fixture(scope="module")
def app(driver: Any) -> Iterator[TestClient]:
    from main import create_app

    settings = make_test_settings(rate_limit_burst=100_000, rate_limit_per_minute=1e9)
    with TestClient(create_app(settings)) as client:
        yield client


def _post(client: TestClient, *authorization: bytes) -> Any:
    headers = [(b"authorization", value) for value in authorization]
    return client.post("/graphql", json=QUERY, headers=headers)


def _assert_refused(response: Any, status: int = 401) -> dict[str, Any]:
    assert response.status_code == status, response.text
    error = response.json()["errors"][0]
    assert error["extensions"]["code"] == "UNAUTHENTICATED"
    assert response.headers["www-authenticate"].startswith('Bearer realm="gridgraph"')
    return error


MALFORMED: dict[str, bytes] = {
    "scheme-only": b"Bearer",
    "scheme-and-space": b"Bearer ",
    "basic": b"Basic dXNlcjpwYXNz",
    "other-scheme": b"Token gg_abc",
    "two-words": b"Bearer gg_abc gg_def",
    "comma-joined": b"Bearer gg_abc, Bearer gg_def",
    "comma-joined-good-first": GOOD + b", Bearer gg_def",
    "comma-joined-good-last": b"Bearer gg_def, " + GOOD,
    "comma-inside": b"Bearer gg_abc,gg_def",
    "tab": b"Bearer\tgg_abc",
    "latin-1": b"Bearer gg_\xe9\xe8",
    "latin-1-jwt": b"Bearer eyJ\xe9.e30.c2ln",
    "control-character": b"Bearer gg_\x7f",
    "unknown-token": b"Bearer gg_not-a-real-token",
    "lower-case-scheme-unknown-token": b"bearer gg_nope",
    "very-long-token": b"Bearer gg_" + b"x" * 100_000,
    "one-dot": b"Bearer a.b",
    "four-dots": b"Bearer a.b.c.d.e",
    "dots-only": b"Bearer ..",
    "equals-only": b"Bearer =",
    "neither": b"Bearer something-else",
}


@pytest.mark.parametrize("authorization", MALFORMED.values(), ids=MALFORMED.keys())
def test_a_malformed_authorization_header_is_a_401(app: TestClient, authorization: bytes) -> None:
    _assert_refused(_post(app, authorization))


@pytest.mark.parametrize(
    "headers",
    [
        (GOOD, b"Bearer gg_not-a-real-token"),
        (b"Bearer gg_not-a-real-token", GOOD),
        (GOOD, GOOD),
        (GOOD, b""),
        (b"", GOOD),
        (GOOD, b"Basic dXNlcjpwYXNz"),
    ],
    ids=["good-then-bad", "bad-then-good", "good-twice", "good-then-empty", "empty-then-good",
         "bearer-and-basic"],
)  # fmt: skip
def test_two_authorization_headers_are_refused_whichever_comes_last(
    app: TestClient, headers: tuple[bytes, bytes]
) -> None:
    response = _post(app, *headers)
    error = _assert_refused(response, status=400)
    assert error["extensions"]["reason"] == "DUPLICATE_HEADER"
    assert 'error="invalid_request"' in response.headers["www-authenticate"]
    assert "one Authorization header" in error["message"]
    by_get = app.get(
        "/graphql",
        params={"query": "{ viewer { name } }"},
        headers=[(b"authorization", value) for value in headers],
    )
    assert by_get.status_code == 400


def test_one_good_header_still_authenticates(app: TestClient) -> None:
    response = _post(app, GOOD)
    assert response.json() == {"data": {"viewer": {"name": "test admin", "role": "ADMIN"}}}


def test_jwts_without_a_configured_key_are_a_401() -> None:
    from main import create_app

    with TestClient(create_app(make_test_settings(jwt_secret=None))) as client:
        error = _assert_refused(_post(client, GOOD))
    assert "does not accept JWTs" in error["message"]


def test_every_malformed_header_counts_as_a_failed_login() -> None:
    from main import create_app

    corpus = [*([value] for value in MALFORMED.values()), [GOOD, GOOD]]
    settings = make_test_settings(rate_limit_burst=len(corpus), rate_limit_per_minute=1)
    with TestClient(create_app(settings)) as client:
        for authorization in corpus:
            assert _post(client, *authorization).status_code in (400, 401)
        # Had any of them not counted, the address would have one more try; it has none left,
        # not even for a good token.
        limited = _post(client, GOOD)
    assert limited.status_code == 429
    assert 50 <= int(limited.headers["retry-after"]) <= 60
    assert limited.json()["errors"][0]["extensions"]["code"] == "RATE_LIMITED"


def test_an_empty_query_parameter_is_an_operation_that_needs_a_token(
    settings: Settings, driver: Driver
) -> None:
    """`GET /graphql?query=` is not the GraphiQL page: it is authenticated like any operation."""
    from main import create_app

    with TestClient(create_app(settings)) as client:
        response = client.get("/graphql?query=", headers={"Accept": "application/json"})
    assert response.status_code == 401
    assert response.json()["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
