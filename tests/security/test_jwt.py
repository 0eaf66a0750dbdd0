"""JWTs from an identity provider: key, algorithm, audience, issuer, expiry, claims."""

from __future__ import annotations

import time
from typing import Any

import jwt
import pytest
from starlette.testclient import TestClient

from tests.conftest import TEST_JWT_SECRET, bearer, gql, make_test_settings

QUERY = {"query": "{ viewer { name role areaCode } }"}


def _claims(**overrides: Any) -> dict[str, Any]:
    claims = {"sub": "u-1", "name": "王芳", "role": "editor", "exp": int(time.time()) + 600}
    claims.update(overrides)
    return {k: v for k, v in claims.items() if v is not None}


def _client(**overrides: object) -> TestClient:
    from main import create_app

    return TestClient(create_app(make_test_settings(**overrides)))


def test_a_signed_jwt_maps_its_claims_to_the_viewer() -> None:
    token = jwt.encode(_claims(area="370303001"), TEST_JWT_SECRET, algorithm="HS256")
    with _client() as client:
        body = gql(client, QUERY["query"], **bearer(token))
    assert body == {"data": {"viewer": {"name": "王芳", "role": "EDITOR", "areaCode": "370303001"}}}


def test_claim_names_audience_and_issuer_are_configurable() -> None:
    settings = {
        "jwt_audience": "gridgraph",
        "jwt_issuer": "https://id.example.org",
        "jwt_role_claim": "gg_role",
        "jwt_area_claim": "gg_area",
    }
    good = _claims(role=None, gg_role="viewer", gg_area="3703", aud="gridgraph")
    good["iss"] = "https://id.example.org"
    with _client(**settings) as client:
        body = gql(client, QUERY["query"], **bearer(jwt.encode(good, TEST_JWT_SECRET)))
        assert body["data"]["viewer"] == {"name": "王芳", "role": "VIEWER", "areaCode": "3703"}
        for changed, reason in (
            ({"aud": "other"}, "another audience"),
            ({"iss": "https://evil.example.org"}, "unknown issuer"),
            ({"gg_role": "superuser"}, "claim 'gg_role' must be one of viewer, caseworker"),
        ):
            token = jwt.encode({**good, **changed}, TEST_JWT_SECRET)
            response = client.post("/graphql", json=QUERY, headers=bearer(token))
            assert response.status_code == 401
            assert reason in response.json()["errors"][0]["message"]


@pytest.mark.parametrize(
    ("token", "reason"),
    [
        (jwt.encode(_claims(exp=int(time.time()) - 120), TEST_JWT_SECRET), "has expired"),
        (jwt.encode(_claims(), "another-key-of-enough-length-32b"), "signature does not verify"),
        (jwt.encode(_claims(exp=None), TEST_JWT_SECRET), "lacks the 'exp' claim"),
        (jwt.encode(_claims(sub=None), TEST_JWT_SECRET), "lacks the 'sub' claim"),
        (jwt.encode(_claims(), TEST_JWT_SECRET, algorithm="HS512"), "'HS512' are not accepted"),
        (jwt.encode(_claims(), None, algorithm="none"), "'none' are not accepted"),
    ],
    ids=["expired", "bad-signature", "no-exp", "no-sub", "algorithm", "unsigned"],
)
def test_bad_jwts_are_refused_naming_why(token: str, reason: str) -> None:
    with _client() as client:
        response = client.post("/graphql", json=QUERY, headers=bearer(token))
    assert response.status_code == 401
    assert reason in response.json()["errors"][0]["message"]
    assert response.json()["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


def test_without_a_configured_key_jwts_are_refused() -> None:
    token = jwt.encode(_claims(), TEST_JWT_SECRET)
    with _client(jwt_secret=None) as client:
        response = client.post("/graphql", json=QUERY, headers=bearer(token))
    assert response.status_code == 401
    assert "does not accept JWTs" in response.json()["errors"][0]["message"]


def test_rs256_jwts_verify_with_the_public_key_and_it_is_never_an_hmac_secret(
    tmp_path: Any,
) -> None:
    pytest.importorskip("cryptography")
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    public_pem = key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    key_file = tmp_path / "idp.pem"
    key_file.write_bytes(public_pem)
    token = jwt.encode(_claims(role="admin"), key, algorithm="RS256")
    # Algorithm confusion: an HS256 token "signed" with the public key must fail.
    forged = jwt.encode(_claims(role="admin"), "x" * 32, algorithm="HS256")
    with _client(jwt_secret=None, jwt_public_key=str(key_file)) as client:
        body = gql(client, QUERY["query"], **bearer(token))
        refused = client.post("/graphql", json=QUERY, headers=bearer(forged))
    assert body["data"]["viewer"]["role"] == "ADMIN"
    assert refused.status_code == 401
    assert "no key configured for 'HS256'" in refused.json()["errors"][0]["message"]
