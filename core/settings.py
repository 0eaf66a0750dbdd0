"""Settings, read from the environment and `.env` (pydantic-settings).

Neo4j's own variable names are used for the connection (`NEO4J_URI`, `NEO4J_USERNAME`,
`NEO4J_PASSWORD`, `NEO4J_DATABASE`); everything that belongs to gridgraph is prefixed
`GRIDGRAPH_`. When `NEO4J_URI` is unset, the project's own local Neo4j is used.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr
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

    # The HTTP service.
    host: str = "127.0.0.1"
    port: int = 8000
    workers: int = 1
    log_level: Literal["debug", "info", "warning", "error"] = "info"
    dev_mode: bool = False
    """Development mode: requests without a token act as admin. Never in production."""
    public_url: str | None = None
    """Where browsers reach this service; defaults to http://host:port."""

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
    """Claim holding the area code a token is limited to (absent: all areas)."""

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
