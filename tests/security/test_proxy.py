"""Behind a reverse proxy, or in front of one: whose address the limits and the access log use.

Without GRIDGRAPH_TRUSTED_PROXIES no `X-Forwarded-For` is believed, so rotating it earns no new
tries; with it, each client behind the proxy has its own bucket, and a chain the client forged
to the left of what the proxy appended changes nothing.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from pydantic import ValidationError
from starlette.requests import Request
from starlette.responses import PlainTextResponse
from starlette.testclient import TestClient

from core.proxy import ProxyHeadersMiddleware
from tests.conftest import bearer, make_jwt, make_test_settings
from tests.live import in_thread

QUERY = {"query": "{ viewer { name } }"}

BAD = bearer("gg_not-a-real-token")

PROXY = ("10.0.0.2", 44123)
"""The socket peer when the request comes through the proxy."""


def _client(client: tuple[str, int], **overrides: object) -> TestClient:
    from main import create_app

    settings = make_test_settings(rate_limit_burst=2, rate_limit_per_minute=1, **overrides)
    return TestClient(create_app(settings), client=client)


def _statuses(client: TestClient, *forwarded_for: str, headers: Any = BAD) -> list[int]:
    return [
        client.post("/graphql", json=QUERY, headers={**headers, "X-Forwarded-For": xff}).status_code
        for xff in forwarded_for
    ]


class _AccessLog(logging.Handler):
    def __init__(self) -> None:
        super().__init__()
        self.clients: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.clients.append(record.fields["client"])  # type: ignore[attr-defined]


@pytest.fixture
def access_log() -> Iterator[_AccessLog]:
    handler = _AccessLog()
    logger = logging.getLogger("gridgraph.access")
    level = logger.level
    logger.setLevel(logging.INFO)  # the test apps log at warning
    logger.addHandler(handler)
    yield handler
    logger.removeHandler(handler)
    logger.setLevel(level)


# --- In front of a proxy: the default trusts none -----------------------------------------------


@pytest.fixture
def live_service(settings: Any, driver: Any) -> Iterator[str]:
    """The real app under uvicorn, run with the options `gridgraph serve` uses."""
    with in_thread(make_test_settings(rate_limit_burst=3, rate_limit_per_minute=1)) as url:
        yield url


def test_under_gridgraph_serve_a_rotated_forwarded_for_does_not_escape_the_limit(
    live_service: str,
) -> None:
    # The request comes from 127.0.0.1, which uvicorn trusts by default.
    with httpx.Client(base_url=live_service) as client:
        statuses = [
            client.post(
                "/graphql", json=QUERY, headers={**BAD, "X-Forwarded-For": f"198.51.100.{n}"}
            ).status_code
            for n in range(1, 6)
        ]
    assert statuses == [401, 401, 401, 429, 429]


def test_an_untrusted_peer_rotating_forwarded_for_stays_one_bucket(
    access_log: _AccessLog,
) -> None:
    with _client(("203.0.113.7", 50123)) as client:
        statuses = _statuses(client, "198.51.100.1", "198.51.100.2", "198.51.100.3, 10.0.0.1")
    assert statuses == [401, 401, 429]
    assert access_log.clients == ["203.0.113.7"] * 3


def test_a_loopback_peer_is_not_a_proxy_either_unless_listed() -> None:
    with _client(("127.0.0.1", 50123)) as client:
        assert _statuses(client, "198.51.100.1", "198.51.100.2", "198.51.100.3") == [401, 401, 429]


def test_forwarded_for_from_a_private_peer_is_reported_once_when_no_proxy_is_trusted(
    caplog: pytest.LogCaptureFixture,
) -> None:
    logger = logging.getLogger("gridgraph.proxy")
    logger.addHandler(caplog.handler)
    try:
        with _client(PROXY) as client:
            _statuses(client, "198.51.100.1", "198.51.100.2")
    finally:
        logger.removeHandler(caplog.handler)
    warnings = [r.getMessage() for r in caplog.records if r.name == "gridgraph.proxy"]
    assert len(warnings) == 1
    assert "GRIDGRAPH_TRUSTED_PROXIES" in warnings[0] and "10.0.0.2" in warnings[0]


# --- Behind a trusted proxy ---------------------------------------------------------------------


def test_behind_a_trusted_proxy_each_client_has_its_own_bucket(access_log: _AccessLog) -> None:
    with _client(PROXY, trusted_proxies=["10.0.0.0/8"]) as client:
        first = _statuses(client, "198.51.100.1", "198.51.100.1", "198.51.100.1")
        second = _statuses(client, "198.51.100.2", "198.51.100.2", "198.51.100.2")
        good = client.post(
            "/graphql",
            json=QUERY,
            headers={**bearer(make_jwt()), "X-Forwarded-For": "198.51.100.3"},
        )
    assert first == [401, 401, 429]
    assert second == [401, 401, 429]
    assert good.status_code == 200
    assert access_log.clients == ["198.51.100.1"] * 3 + ["198.51.100.2"] * 3 + ["198.51.100.3"]


def test_a_chain_forged_left_of_what_the_proxy_appended_changes_nothing(
    access_log: _AccessLog,
) -> None:
    with _client(PROXY, trusted_proxies=["10.0.0.2"]) as client:
        statuses = _statuses(
            client,
            "1.1.1.1, 198.51.100.7",
            "10.0.0.9, 198.51.100.7",  # a "trusted" address forged by the client
            "2.2.2.2, 3.3.3.3, 198.51.100.7",
        )
    assert statuses == [401, 401, 429]
    assert access_log.clients == ["198.51.100.7"] * 3


def test_a_chain_of_trusted_proxies_is_walked_from_the_right(access_log: _AccessLog) -> None:
    with _client(PROXY, trusted_proxies=["10.0.0.0/8", "fd00::/8"]) as client:
        _statuses(
            client,
            "203.0.113.1, 198.51.100.8, 10.0.0.3",  # client, then an inner proxy
            "198.51.100.8:5123, [fd00::1]:443",  # ports are dropped
            "10.0.0.4, 10.0.0.3",  # every hop trusted: the leftmost
            "198.51.100.1, not-an-address, 10.0.0.3",  # garbage from a proxy: that proxy
            "",  # empty: the peer
        )
    assert access_log.clients == [
        "198.51.100.8",
        "198.51.100.8",
        "10.0.0.4",
        "10.0.0.3",
        "10.0.0.2",
    ]


def test_several_forwarded_for_headers_read_as_one_list(access_log: _AccessLog) -> None:
    with _client(PROXY, trusted_proxies=["10.0.0.0/8"]) as client:
        headers = [
            (b"authorization", b"Bearer gg_nope"),
            (b"x-forwarded-for", b"198.51.100.1"),
            (b"x-forwarded-for", b"198.51.100.2, 10.0.0.3"),
        ]
        client.post("/graphql", json=QUERY, headers=headers)
    assert access_log.clients == ["198.51.100.2"]


def test_ipv6_clients_count_by_their_slash_64() -> None:
    with _client(PROXY, trusted_proxies=["10.0.0.2"]) as client:
        same_site = _statuses(client, "2001:db8:1:2::1", "2001:db8:1:2::ffff", "2001:db8:1:2:a::1")
        other_site = _statuses(client, "2001:db8:1:3::1")
        mapped = _statuses(client, "::ffff:198.51.100.5", "198.51.100.5", "198.51.100.5")
    assert same_site == [401, 401, 429]
    assert other_site == [401]
    assert mapped == [401, 401, 429]


def test_the_scheme_comes_from_a_trusted_proxy_only() -> None:
    # No route of the app echoes the request's URL (the guide links to GRIDGRAPH_PUBLIC_URL),
    # so the middleware is checked in front of an app that answers the URL it is given.
    async def url(scope: Any, receive: Any, send: Any) -> None:
        await PlainTextResponse(str(Request(scope).url))(scope, receive, send)

    def seen(client: tuple[str, int], proto: str, trusted: list[str]) -> str:
        test = TestClient(ProxyHeadersMiddleware(url, trusted=trusted), client=client)
        return test.get("/graphql", headers={"X-Forwarded-Proto": proto}).text  # no lifespan

    assert seen(PROXY, "https", ["10.0.0.2"]) == "https://testserver/graphql"
    assert seen(PROXY, "gopher", ["10.0.0.2"]) == "http://testserver/graphql"
    assert seen(("203.0.113.7", 50123), "https", []) == "http://testserver/graphql"


def test_trusted_proxies_must_be_addresses_or_networks() -> None:
    assert make_test_settings(trusted_proxies=[" 10.0.0.1", "fd00::/8"]).trusted_proxies == [
        "10.0.0.1",
        "fd00::/8",
    ]
    with pytest.raises(ValidationError, match=r"'proxy\.internal' is not an IP address or network"):
        make_test_settings(trusted_proxies=["proxy.internal"])


def test_the_middleware_leaves_lifespan_and_unknown_peers_alone() -> None:
    from core.proxy import ProxyHeadersMiddleware

    seen: list[dict[str, Any]] = []

    async def app(scope: Any, receive: Any, send: Any) -> None:
        seen.append(scope)

    middleware = ProxyHeadersMiddleware(app, trusted=["10.0.0.0/8"])
    asyncio.run(middleware({"type": "lifespan"}, None, None))  # type: ignore[arg-type]
    scope = {"type": "http", "headers": [(b"x-forwarded-for", b"1.2.3.4")]}
    asyncio.run(middleware(scope, None, None))  # type: ignore[arg-type]
    assert seen[0] == {"type": "lifespan"}
    assert "client" not in seen[1]


@pytest.mark.parametrize(
    ("client", "key"),
    [
        (("198.51.100.1", 1), "addr:198.51.100.1"),
        (("::ffff:198.51.100.1", 1), "addr:198.51.100.1"),
        (("2001:db8:1:2:3:4:5:6", 1), "addr:2001:db8:1:2::/64"),
        (("fe80::1%eth0", 1), "addr:fe80::/64"),
        (("testclient", 50000), "addr:testclient"),
        (None, "addr:-"),
    ],
)
def test_client_keys(client: tuple[str, int] | None, key: str) -> None:
    from core.ratelimit import client_key

    assert client_key({"client": client}) == key
