"""JWTs from an identity provider: key, algorithm, audience, issuer, expiry, lifetime, claims.

Every JWT that is malformed or unacceptable, in any part, is a 401 with `WWW-Authenticate` and
`UNAUTHENTICATED`, and counts against the failed-login limit; none reaches a 500.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
from collections.abc import Iterator
from typing import Any

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa
from starlette.testclient import TestClient

from tests.conftest import TEST_JWT_SECRET, bearer, gql, make_jwt, make_test_settings

QUERY = {"query": "{ viewer { name role areaCode } }"}

DAY = 86400


def _claims(**overrides: Any) -> dict[str, Any]:
    claims = {
        "sub": "u-1",
        "name": "王芳",
        "role": "editor",
        "area": "*",
        "exp": int(time.time()) + 600,
    }
    claims.update(overrides)
    return {k: v for k, v in claims.items() if v is not None}


def _client(**overrides: object) -> TestClient:
    from main import create_app

    return TestClient(create_app(make_test_settings(**overrides)))


def _assert_refused(response: Any, reason: str = "") -> None:
    assert response.status_code == 401, response.text
    error = response.json()["errors"][0]
    assert error["extensions"]["code"] == "UNAUTHENTICATED"
    assert response.headers["www-authenticate"].startswith('Bearer realm="gridgraph"')
    assert reason in error["message"], error["message"]


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
    good = _claims(role=None, area=None, gg_role="viewer", gg_area="370303", aud="gridgraph")
    good["iss"] = "https://id.example.org"
    with _client(**settings) as client:
        body = gql(client, QUERY["query"], **bearer(jwt.encode(good, TEST_JWT_SECRET)))
        assert body["data"]["viewer"] == {"name": "王芳", "role": "VIEWER", "areaCode": "370303"}
        for changed, reason in (
            ({"aud": "other"}, "another audience"),
            ({"iss": "https://evil.example.org"}, "unknown issuer"),
            ({"gg_role": "superuser"}, "claim 'gg_role' must be one of viewer, caseworker"),
            ({"gg_area": ""}, "claim 'gg_area'"),
        ):
            token = jwt.encode({**good, **changed}, TEST_JWT_SECRET)
            _assert_refused(client.post("/graphql", json=QUERY, headers=bearer(token)), reason)


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
    _assert_refused(response, reason)


def test_without_a_configured_key_jwts_are_refused() -> None:
    token = jwt.encode(_claims(), TEST_JWT_SECRET)
    with _client(jwt_secret=None) as client:
        response = client.post("/graphql", json=QUERY, headers=bearer(token))
    _assert_refused(response, "does not accept JWTs")


# --- Keys and algorithm families ----------------------------------------------------------------

RSA_KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)
OTHER_RSA_KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)
EC_KEY = ec.generate_private_key(ec.SECP256R1())
EC384_KEY = ec.generate_private_key(ec.SECP384R1())
ED_KEY = ed25519.Ed25519PrivateKey.generate()

EVERY_ALGORITHM = [
    *("HS256", "HS384", "HS512", "RS256", "RS384", "RS512", "PS256", "PS384", "PS512"),
    *("ES256", "ES384", "ES512", "EdDSA"),
]


def _public_pem(key: Any) -> str:
    return (
        key.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )


RSA_PEM = _public_pem(RSA_KEY)

KEYS: dict[str, dict[str, object]] = {
    # Only an RSA key, as an identity provider's deployment would configure it.
    "rsa": {"jwt_secret": None, "jwt_public_key": RSA_PEM},
    # Every algorithm allowed, so that the key alone decides what can verify.
    "rsa-all": {
        "jwt_secret": None,
        "jwt_public_key": RSA_PEM,
        "jwt_algorithms": EVERY_ALGORITHM,
    },
    "ec-all": {
        "jwt_secret": None,
        "jwt_public_key": _public_pem(EC_KEY),
        "jwt_algorithms": EVERY_ALGORITHM,
    },
    "ed-all": {
        "jwt_secret": None,
        "jwt_public_key": _public_pem(ED_KEY),
        "jwt_algorithms": EVERY_ALGORITHM,
    },
    # The test secret and an RSA key at once.
    "hs+rsa": {"jwt_public_key": RSA_PEM, "jwt_algorithms": EVERY_ALGORITHM},
}


@pytest.fixture(scope="module")
def apps(driver: Any) -> Iterator[dict[str, TestClient]]:
    """One app per key configuration, with limits high enough for the whole corpus."""
    from main import create_app

    with_limits = {"rate_limit_burst": 100_000, "rate_limit_per_minute": 1e9}
    clients = {
        name: TestClient(create_app(make_test_settings(**overrides, **with_limits)))
        for name, overrides in KEYS.items()
    }
    for client in clients.values():
        client.__enter__()
    yield clients
    for client in clients.values():
        client.__exit__(None, None, None)


def _b64(data: bytes | str) -> str:
    raw = data.encode() if isinstance(data, str) else data
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def _json(value: Any) -> str:
    return value if isinstance(value, str) else json.dumps(value)


def _unsigned(header: Any, payload: Any, signature: str = "c2ln") -> str:
    """Header and payload as given (a str is sent as is), with a made-up signature."""
    return f"{_b64(_json(header))}.{_b64(_json(payload))}.{signature}"


def _signed(key: Any, algorithm: str, payload: Any, **header: Any) -> str:
    """Correctly signed with `key`, whatever `payload` and the header are (a str is sent as is)."""
    signing_input = f"{_b64(json.dumps({'alg': algorithm, **header}))}.{_b64(_json(payload))}"
    if algorithm.startswith("HS"):  # PyJWT will not take a PEM as an HMAC key: sign by hand
        digest = getattr(hashlib, f"sha{algorithm[2:]}")
        signature = hmac.new(key, signing_input.encode(), digest).digest()
    else:
        signer = jwt.get_algorithm_by_name(algorithm)
        signature = signer.sign(signing_input.encode(), signer.prepare_key(key))
    return f"{signing_input}.{_b64(signature)}"


def _good(**overrides: Any) -> dict[str, Any]:
    return _claims(**{"iat": int(time.time()), **overrides})


NOW = int(time.time())

# (key configuration, credential): each must be a 401 with a challenge, never a 500.
MALFORMED: dict[str, tuple[str, str]] = {
    # Structure and encoding.
    "dots-only": ("rsa", ".."),
    "not-base64-header": ("rsa", "!!!.e30.c2ln"),
    "header-not-json": ("rsa", f"{_b64('{not json')}.e30.c2ln"),
    "header-a-list": ("rsa", _unsigned([1, 2], {})),
    "header-a-string": ("rsa", _unsigned('"RS256"', {})),
    "header-without-alg": ("rsa", _unsigned({"typ": "JWT"}, _good())),
    "header-nested-deep": ("rsa", _unsigned('{"a":' * 50_000 + "1" + "}" * 50_000, {})),
    "payload-not-base64": ("rsa", f"{_b64(json.dumps({'alg': 'RS256'}))}.@@@.c2ln"),
    "signature-not-base64": ("rsa", _signed(RSA_KEY, "RS256", _good())[:-4] + "!!!!"),
    "very-long": ("rsa", _unsigned({"alg": "RS256"}, {"x": "y" * 100_000})),
    # Algorithms that are not allowed, or that the configured key cannot verify.
    "alg-none": ("rsa-all", _unsigned({"alg": "none"}, _good(), signature="")),
    "alg-None": ("rsa-all", _unsigned({"alg": "None"}, _good(), signature="")),
    "alg-a-list": ("rsa-all", _unsigned({"alg": ["RS256"]}, _good())),
    "alg-null": ("rsa-all", _unsigned({"alg": None}, _good())),
    "alg-a-number": ("rsa-all", _unsigned({"alg": 256}, _good())),
    "alg-unknown": ("rsa-all", _unsigned({"alg": "XS999"}, _good())),
    "es256-with-rsa-key": ("rsa", _signed(EC_KEY, "ES256", _good())),
    "es256-with-rsa-key-all": ("rsa-all", _signed(EC_KEY, "ES256", _good())),
    "es512-with-rsa-key": ("rsa-all", _unsigned({"alg": "ES512"}, _good())),
    "ps256-with-ec-key": ("ec-all", _signed(RSA_KEY, "PS256", _good())),
    "eddsa-with-rsa-key": ("rsa-all", _signed(ED_KEY, "EdDSA", _good())),
    "rs256-with-ec-key": ("ec-all", _signed(RSA_KEY, "RS256", _good())),
    "rs256-with-ed-key": ("ed-all", _signed(RSA_KEY, "RS256", _good())),
    "es256-with-ed-key": ("ed-all", _signed(EC_KEY, "ES256", _good())),
    "es384-with-p256-key": ("ec-all", _signed(EC384_KEY, "ES384", _good())),
    "es256-short-signature": ("ec-all", _signed(EC_KEY, "ES256", _good())[:-20]),
    "hs256-signed-with-the-pem": ("rsa-all", _signed(RSA_PEM.encode(), "HS256", _good())),
    "hs256-signed-with-the-pem-beside-a-secret": (
        "hs+rsa",
        _signed(RSA_PEM.encode(), "HS256", _good()),
    ),
    "rs256-signed-with-another-key": ("rsa", _signed(OTHER_RSA_KEY, "RS256", _good())),
    # Header tricks: keys named or embedded in the header are never used.
    "kid-not-a-string": ("rsa", _signed(RSA_KEY, "RS256", _good(), kid=5)),
    "kid-path": ("rsa", _signed(OTHER_RSA_KEY, "RS256", _good(), kid="../../../dev/null")),
    "jku": ("rsa", _signed(OTHER_RSA_KEY, "RS256", _good(), jku="https://evil.example/jwks")),
    "x5u": ("rsa", _signed(OTHER_RSA_KEY, "RS256", _good(), x5u="https://evil.example/cert")),
    "jwk-embedded": (
        "rsa",
        _signed(
            OTHER_RSA_KEY,
            "RS256",
            _good(),
            jwk=json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(OTHER_RSA_KEY.public_key())),
        ),
    ),
    "crit-unknown": ("rsa", _signed(RSA_KEY, "RS256", _good(), crit=["exp"])),
    "crit-not-a-list": ("rsa", _signed(RSA_KEY, "RS256", _good(), crit="b64")),
    "b64-false": (
        "rsa",
        _unsigned({"alg": "RS256", "b64": False, "crit": ["b64"]}, _good()),
    ),
    # Payloads, correctly signed, that are not a claim set.
    "payload-not-json": ("rsa", _signed(RSA_KEY, "RS256", "{not json")),
    "payload-a-list": ("rsa", _signed(RSA_KEY, "RS256", [_good()])),
    "payload-a-string": ("rsa", _signed(RSA_KEY, "RS256", '"admin"')),
    "payload-a-number": ("rsa", _signed(RSA_KEY, "RS256", "12")),
    "payload-null": ("rsa", _signed(RSA_KEY, "RS256", "null")),
    # Times that are not numbers, or absurd ones.
    "exp-a-string": ("rsa", _signed(RSA_KEY, "RS256", _good(exp="tomorrow"))),
    "exp-a-numeric-string": ("rsa", _signed(RSA_KEY, "RS256", _good(exp=str(NOW + 600)))),
    "exp-a-list": ("rsa", _signed(RSA_KEY, "RS256", _good(exp=[NOW + 600]))),
    "exp-true": ("rsa", _signed(RSA_KEY, "RS256", _good(exp=True))),
    "exp-infinite": (
        "rsa",
        _signed(RSA_KEY, "RS256", json.dumps(_good(exp=0)).replace('"exp": 0', '"exp": 1e999')),
    ),
    "exp-nan": (
        "rsa",
        _signed(RSA_KEY, "RS256", json.dumps(_good(exp=0)).replace('"exp": 0', '"exp": NaN')),
    ),
    "exp-5000-digits": (
        "rsa",
        _signed(
            RSA_KEY, "RS256", json.dumps(_good(exp=0)).replace('"exp": 0', '"exp": 1' + "0" * 5000)
        ),
    ),
    "exp-in-100-years": ("rsa", _signed(RSA_KEY, "RS256", _good(exp=NOW + 100 * 365 * DAY))),
    "exp-huge": ("rsa", _signed(RSA_KEY, "RS256", _good(exp=10**30))),
    "exp-negative-huge": ("rsa", _signed(RSA_KEY, "RS256", _good(exp=-(10**30)))),
    "nbf-a-string": ("rsa", _signed(RSA_KEY, "RS256", _good(nbf="now"))),
    "nbf-in-the-future": ("rsa", _signed(RSA_KEY, "RS256", _good(nbf=NOW + 3600))),
    "iat-a-string": ("rsa", _signed(RSA_KEY, "RS256", _good(iat="today"))),
    "iat-in-the-future": ("rsa", _signed(RSA_KEY, "RS256", _good(iat=NOW + 3600))),
    "iat-long-ago": ("rsa", _signed(RSA_KEY, "RS256", _good(iat=0))),
    "iat-far-ahead-with-exp": (
        "rsa",
        _signed(RSA_KEY, "RS256", _good(iat=NOW + 50 * 365 * DAY, exp=NOW + 50 * 365 * DAY + 60)),
    ),
    # Claims of the wrong type.
    "sub-a-number": ("rsa", _signed(RSA_KEY, "RS256", _good(sub=17))),
    "sub-empty": ("rsa", _signed(RSA_KEY, "RS256", _good(sub=""))),
    "sub-an-object": ("rsa", _signed(RSA_KEY, "RS256", _good(sub={"id": 1}))),
    "role-missing": ("rsa", _signed(RSA_KEY, "RS256", _good(role=None))),
    "role-a-list": ("rsa", _signed(RSA_KEY, "RS256", _good(role=["admin"]))),
    "role-an-object": ("rsa", _signed(RSA_KEY, "RS256", _good(role={"admin": True}))),
    "role-upper-case": ("rsa", _signed(RSA_KEY, "RS256", _good(role="ADMIN"))),
    "aud-an-object": ("rsa", _signed(RSA_KEY, "RS256", _good(aud={"x": 1}))),
    "iss-a-list": ("rsa", _signed(RSA_KEY, "RS256", _good(iss=["a"]))),
    "jti-a-number": ("rsa", _signed(RSA_KEY, "RS256", _good(jti=5))),
    "area-empty": ("rsa", _signed(RSA_KEY, "RS256", _good(area=""))),
    "area-a-list": ("rsa", _signed(RSA_KEY, "RS256", _good(area=["370303"]))),
}


@pytest.mark.parametrize(("config", "token"), MALFORMED.values(), ids=MALFORMED.keys())
def test_every_malformed_or_unacceptable_jwt_is_a_401(
    apps: dict[str, TestClient], config: str, token: str
) -> None:
    response = apps[config].post("/graphql", json=QUERY, headers=bearer(token))
    _assert_refused(response)
    assert 'error="invalid_token"' in response.headers["www-authenticate"]


@pytest.mark.parametrize(
    ("config", "token"),
    [
        ("rsa", _signed(RSA_KEY, "RS256", _good())),
        ("rsa-all", _signed(RSA_KEY, "PS256", _good())),
        ("ec-all", _signed(EC_KEY, "ES256", _good())),
        ("ed-all", _signed(ED_KEY, "EdDSA", _good())),
        ("hs+rsa", jwt.encode(_good(), TEST_JWT_SECRET, algorithm="HS256")),
        ("hs+rsa", _signed(RSA_KEY, "RS384", _good())),
    ],
    ids=["rs256", "ps256", "es256", "eddsa", "hs256-beside-rsa", "rs384-beside-hs"],
)
def test_each_key_verifies_the_algorithms_of_its_family(
    apps: dict[str, TestClient], config: str, token: str
) -> None:
    body = gql(apps[config], QUERY["query"], **bearer(token))
    assert body == {"data": {"viewer": {"name": "王芳", "role": "EDITOR", "areaCode": None}}}


def test_a_jwt_of_another_key_family_names_the_mismatch(apps: dict[str, TestClient]) -> None:
    response = apps["rsa"].post(
        "/graphql", json=QUERY, headers=bearer(_signed(EC_KEY, "ES256", _good()))
    )
    _assert_refused(response, "'ES256' JWTs cannot be verified with the configured RSA key")


@pytest.mark.parametrize("config", KEYS)
def test_every_refused_jwt_counts_as_a_failed_login(config: str) -> None:
    tokens = [token for name, token in MALFORMED.values() if name == config]
    with _client(**KEYS[config], rate_limit_burst=len(tokens), rate_limit_per_minute=1) as client:
        for token in tokens:
            assert client.post("/graphql", json=QUERY, headers=bearer(token)).status_code == 401
        # Had any of them not counted, this would be one more 401.
        limited = client.post("/graphql", json=QUERY, headers=bearer(tokens[0]))
    assert limited.status_code == 429
    assert 50 <= int(limited.headers["retry-after"]) <= 60
    assert limited.json()["errors"][0]["extensions"]["code"] == "RATE_LIMITED"


def test_an_rsa_key_refuses_es256_200_times_then_429() -> None:
    """The issue's own reproduction: 200 ES256 tokens against an RSA key."""
    token = _signed(EC_KEY, "ES256", _good())
    with _client(**KEYS["rsa"], rate_limit_burst=120, rate_limit_per_minute=1) as client:
        statuses = [
            client.post("/graphql", json=QUERY, headers=bearer(token)).status_code
            for _ in range(200)
        ]
    assert statuses == [401] * 120 + [429] * 80


def test_rs256_jwts_verify_with_the_public_key_and_it_is_never_an_hmac_secret(
    tmp_path: Any,
) -> None:
    key_file = tmp_path / "idp.pem"
    key_file.write_text(_public_pem(RSA_KEY))
    token = jwt.encode(_claims(role="admin"), RSA_KEY, algorithm="RS256")
    # Algorithm confusion: an HS256 token "signed" with the public key must fail.
    forged = jwt.encode(_claims(role="admin"), "x" * 32, algorithm="HS256")
    with _client(jwt_secret=None, jwt_public_key=str(key_file)) as client:
        body = gql(client, QUERY["query"], **bearer(token))
        refused = client.post("/graphql", json=QUERY, headers=bearer(forged))
    assert body["data"]["viewer"]["role"] == "ADMIN"
    _assert_refused(refused, "no key configured for 'HS256'")


def test_a_key_that_cannot_be_read_stops_the_app_at_start(tmp_path: Any) -> None:
    from main import create_app

    with pytest.raises(ValueError, match="GRIDGRAPH_JWT_PUBLIC_KEY"):
        create_app(make_test_settings(jwt_public_key=str(tmp_path / "missing.pem")))
    with pytest.raises(ValueError, match="GRIDGRAPH_JWT_PUBLIC_KEY"):
        create_app(make_test_settings(jwt_public_key="-----BEGIN PUBLIC KEY-----\nxx\n"))
    with pytest.raises(ValueError, match="GRIDGRAPH_JWT_SECRET"):
        create_app(make_test_settings(jwt_secret=RSA_PEM))
    with pytest.raises(ValueError, match="GRIDGRAPH_JWT_ALGORITHMS"):
        create_app(make_test_settings(jwt_algorithms=["HS256", "none"]))


# --- The area claim -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("area", "expected"),
    [("*", None), ("370300", "370300"), ("370303", "370303"), ("370303001", "370303001"),
     ("370303001002", "370303001002")],
    ids=["city-wide", "the-city", "district", "street", "community"],
)  # fmt: skip
def test_the_area_claim_is_star_or_an_area_code(area: str, expected: str | None) -> None:
    token = jwt.encode(_claims(area=area), TEST_JWT_SECRET, algorithm="HS256")
    with _client() as client:
        body = gql(client, QUERY["query"], **bearer(token))
    assert body["data"]["viewer"]["areaCode"] == expected


BAD_AREAS: dict[str, Any] = {
    "empty": "",
    "zero": 0,
    "false": False,
    "null": None,
    "a-number": 370303,
    "a-list": ["370303"],
    "an-object": {"code": "370303"},
    "too-short": "3703",
    "seven-digits": "3703031",
    "padded": " 370303",
    "newline": "370303\n",
    "letters": "37030a",
    "fullwidth-digits": "３７０３０３",
    "arabic-indic-digits": "٣٧٠٣٠٣",
    "two-stars": "**",
    "all": "all",
    "cypher": "370303' OR 1=1 //",
}


@pytest.mark.parametrize("area", BAD_AREAS.values(), ids=BAD_AREAS.keys())
def test_any_other_area_claim_is_refused_naming_the_claim(area: Any) -> None:
    claims = _claims()
    claims["area"] = area
    token = jwt.encode(claims, TEST_JWT_SECRET, algorithm="HS256")
    with _client() as client:
        response = client.post("/graphql", json=QUERY, headers=bearer(token))
    _assert_refused(response, "claim 'area'")


def test_a_missing_area_claim_is_refused_unless_the_deployment_allows_it() -> None:
    token = jwt.encode(_claims(area=None), TEST_JWT_SECRET, algorithm="HS256")
    with _client() as client:
        _assert_refused(
            client.post("/graphql", json=QUERY, headers=bearer(token)), "lacks the 'area' claim"
        )
    with _client(jwt_area_optional=True) as client:
        body = gql(client, QUERY["query"], **bearer(token))
        assert body["data"]["viewer"]["areaCode"] is None
        empty = jwt.encode(_claims(area=""), TEST_JWT_SECRET, algorithm="HS256")
        _assert_refused(client.post("/graphql", json=QUERY, headers=bearer(empty)), "claim 'area'")


def test_make_jwt_sends_the_city_wide_form() -> None:
    assert jwt.decode(make_jwt(), TEST_JWT_SECRET, algorithms=["HS256"])["area"] == "*"
    assert jwt.decode(make_jwt(area="370303"), TEST_JWT_SECRET, algorithms=["HS256"])["area"] == (
        "370303"
    )


# --- Lifetime -----------------------------------------------------------------------------------


def test_a_jwt_may_live_at_most_the_configured_lifetime() -> None:
    now = int(time.time())
    with _client() as client:
        for claims in (
            _claims(exp=now + 100 * 365 * DAY),  # no iat: exp - now
            _claims(iat=now, exp=now + DAY + 60),
            _claims(iat=now - 2 * DAY, exp=now + 60),  # issued long ago
        ):
            token = jwt.encode(claims, TEST_JWT_SECRET, algorithm="HS256")
            _assert_refused(
                client.post("/graphql", json=QUERY, headers=bearer(token)),
                "lives longer than the 86400 s this service accepts",
            )
        within = jwt.encode(_claims(iat=now, exp=now + DAY), TEST_JWT_SECRET, algorithm="HS256")
        assert gql(client, QUERY["query"], **bearer(within))["data"]["viewer"]["name"] == "王芳"
    with _client(jwt_max_lifetime=300) as client:
        token = jwt.encode(_claims(exp=now + 600), TEST_JWT_SECRET, algorithm="HS256")
        _assert_refused(
            client.post("/graphql", json=QUERY, headers=bearer(token)), "longer than the 300 s"
        )
        short = jwt.encode(_claims(exp=now + 240), TEST_JWT_SECRET, algorithm="HS256")
        assert "data" in gql(client, QUERY["query"], **bearer(short))
