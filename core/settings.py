"""Settings, read from the environment and `.env` (pydantic-settings).

Neo4j's own variable names are used for the connection (`NEO4J_URI`, `NEO4J_USERNAME`,
`NEO4J_PASSWORD`, `NEO4J_DATABASE`); everything that belongs to gridgraph is prefixed
`GRIDGRAPH_`. When `NEO4J_URI` is unset, the project's own local Neo4j is used.
"""

from __future__ import annotations

from ipaddress import ip_network
from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parent.parent

DEV_PASSWORD = "gridgraph-dev"
"""Documented development password of the local Neo4j; set before its first start."""


class Settings(BaseSettings):
    """Everything configurable about one gridgraph process."""

    model_config = SettingsConfigDict(
        env_prefix="GRIDGRAPH_", env_file=".env", extra="ignore", populate_by_name=True
    )

    # Connection: Neo4j's own names.
    neo4j_uri: str | None = Field(default=None, validation_alias="NEO4J_URI")
    neo4j_username: str = Field(default="neo4j", validation_alias="NEO4J_USERNAME")
    neo4j_password: SecretStr = Field(
        default=SecretStr(DEV_PASSWORD), validation_alias="NEO4J_PASSWORD"
    )
    neo4j_database: str = Field(default="neo4j", validation_alias="NEO4J_DATABASE")

    # Driver behaviour.
    neo4j_connection_timeout: float = 5.0
    """Seconds to open a connection or get one from the pool before giving up."""
    neo4j_max_retry_time: float = 10.0
    """Seconds a managed transaction keeps retrying transient errors (cluster fail-over)."""
    neo4j_notifications: Literal["OFF", "WARNING", "INFORMATION"] = "OFF"
    """Lowest severity of server notifications the driver asks for and logs."""
    neo4j_query_timeout: float = 30.0
    """Server-side timeout of each Cypher transaction issued by the service, in seconds."""
    neo4j_max_connection_pool_size: int = Field(default=100, gt=0)
    """Most Bolt connections the service's driver keeps open (per process)."""
    neo4j_liveness_check_timeout: float | None = 2.0
    """A pooled connection idle for longer than this many seconds is checked (one round trip)
    before use, so that connections left dead by a Neo4j restart are dropped, not used; None:
    never checked."""
    neo4j_max_connection_lifetime: float = 3600.0
    """Seconds after which a pooled connection is closed and replaced."""

    # The HTTP service.
    host: str = "127.0.0.1"
    port: int = 8000
    workers: int = 1
    keep_alive_seconds: float = Field(default=75.0, gt=0)
    """How long an idle client connection is kept open. Longer than the idle timeout of the
    clients and proxies in front (5 s for httpx, 60 s for nginx and most load balancers), so
    that they close first: a connection the server closes just as a client sends on it is a
    request dropped without an answer."""
    log_level: Literal["debug", "info", "warning", "error"] = "info"
    dev_mode: bool = False
    """Development mode: requests without a token act as admin. Never in production."""
    public_url: str | None = None
    """Where browsers reach this service; defaults to http://host:port."""
    browser_origins: list[str] = []
    """Origins of a remote Neo4j Browser that may fetch the guide and style sheet (CORS), e.g.
    `["https://neo4j.example.org:7473"]`; the local Neo4j's own are always allowed."""

    # Authentication (docs/security.md).
    token_cache_seconds: float = 5.0
    """How long a token look-up is cached per process; a revocation takes effect within this."""
    jwt_secret: SecretStr | None = None
    """Shared key for HS256/384/512 JWTs from an identity provider (GRIDGRAPH_JWT_SECRET)."""
    jwt_public_key: str | None = None
    """PEM public key (or a path to one) for RS*/ES*/EdDSA JWTs (GRIDGRAPH_JWT_PUBLIC_KEY)."""
    jwt_algorithms: list[str] = ["HS256", "RS256", "ES256"]
    """Algorithms a JWT may be signed with; each must fit the configured key."""
    jwt_audience: str | None = None
    """Required `aud` claim, when set."""
    jwt_issuer: str | None = None
    """Required `iss` claim, when set."""
    jwt_role_claim: str = "role"
    """Claim holding the gridgraph role (viewer, caseworker, editor, admin)."""
    jwt_area_claim: str = "area"
    """Claim holding the area a token is limited to: an area code, or `*` for the whole city."""
    jwt_area_optional: bool = False
    """Accept JWTs without the area claim as city-wide; by default they are refused."""
    jwt_max_lifetime: int = Field(default=86400, gt=0)
    """Longest a JWT may live, in seconds: `exp - iat` (or `exp - now` without `iat`)."""
    trusted_proxies: list[str] = []
    """Reverse proxies whose `X-Forwarded-For`/`-Proto` are believed: IPs or CIDRs, JSON list."""

    # The identity key (docs/security.md, "Identity key"): person keys are HMACs under it.
    identity_key: SecretStr | None = None
    """The key itself, base64url of 32 bytes (GRIDGRAPH_IDENTITY_KEY); wins over the key file."""
    identity_key_file: Path | None = None
    """Where the key is kept (GRIDGRAPH_IDENTITY_KEY_FILE; default `.data/identity.key`). Made
    on a deployment's first start; back it up, and give every host of a deployment the same."""

    # Limits that keep the service up (docs/security.md).
    max_query_depth: int = 15
    """Deepest selection nesting a GraphQL operation may have."""
    max_aliases: int = 30
    """Most field aliases a GraphQL document may use."""
    max_tokens: int = 2000
    """Most lexical tokens a GraphQL document may have."""
    max_expanded_fields: int = 2000
    """Most field selections a GraphQL document may expand to once its fragments are inlined."""
    max_query_cost: int = 50000
    """Most nodes an operation may ask for: `first` arguments multiplied down the tree, summed."""
    default_page_size: int = 20
    """Page size the cost estimate assumes for a connection queried without `first`."""
    cost_list_size: int = 10
    """Nodes the cost estimate assumes per parent for a nested list without `first`."""
    max_body_bytes: int = 100_000
    """Largest request body accepted on /graphql (413 beyond)."""
    rate_limit_per_minute: float = 600.0
    """Sustained requests per minute per token (or per client address without one); 0: off."""
    rate_limit_burst: int = 120
    """Requests a token may make at once before the per-minute rate applies."""
    max_in_flight: int = Field(default=32, gt=0)
    """Most GraphQL operations one process runs against Neo4j at once (keep it below the
    connection pool size); more wait up to `admission_wait`, then get 503 OVERLOADED."""
    admission_wait: float = Field(default=1.0, ge=0)
    """Seconds a request beyond `max_in_flight` waits for its turn before it is refused."""
    max_queued: int = Field(default=200, ge=0)
    """Most requests waiting for a turn at once; beyond that, refused at once."""
    health_check_interval: float = Field(default=1.0, gt=0)
    """Seconds between the background checks that Neo4j answers (readiness, fast refusals)."""
    token_last_used_flush_seconds: float = Field(default=30.0, gt=0)
    """How often the tokens' `lastUsedAt` is written, in one batch, off the request path."""
    introspection: bool = True
    """Answer schema introspection; turn off in production with GRIDGRAPH_INTROSPECTION=false."""

    # The local Neo4j server (used only when NEO4J_URI is unset).
    neo4j_home: Path = PROJECT_ROOT / ".data" / "neo4j"
    neo4j_lib: Path = PROJECT_ROOT / ".data" / "neo4j" / "lib"
    neo4j_bolt_port: int = 7687
    neo4j_http_port: int = 7474
    neo4j_heap: str = "1g"
    neo4j_pagecache: str = "512m"
    neo4j_start_timeout: float = 120.0

    @field_validator("trusted_proxies")
    @classmethod
    def _networks(cls, entries: list[str]) -> list[str]:
        for entry in entries:
            try:
                ip_network(entry.strip(), strict=False)
            except ValueError as error:
                raise ValueError(f"{entry!r} is not an IP address or network") from error
        return [entry.strip() for entry in entries]

    @property
    def uses_local_neo4j(self) -> bool:
        """True when the project's own Neo4j serves this process."""
        return not self.neo4j_uri

    @property
    def effective_neo4j_uri(self) -> str:
        """The URI the driver connects to."""
        return self.neo4j_uri or f"bolt://127.0.0.1:{self.neo4j_bolt_port}"

    @property
    def base_url(self) -> str:
        """The service's own address as a browser sees it."""
        return self.public_url or f"http://{self.host}:{self.port}"
