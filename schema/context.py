"""The per-request context every resolver receives as `info.context`."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from core.auth import ANONYMOUS_VIEWER, Viewer
from core.database import Database
from core.identity import IdentityKey, IdentityKeyError
from core.settings import Settings
from resolvers.dataloaders import Loaders
from resolvers.scope import scope_of


@dataclass
class Context:
    request: Request
    response: Response | None
    settings: Settings
    db: Database
    request_id: str
    viewer: Viewer = ANONYMOUS_VIEWER
    identity: IdentityKey | None = None
    """The deployment's identity key, once checked against the graph (see `identity_key`)."""
    extras: dict[str, Any] = field(default_factory=dict)
    loaders: Loaders = field(default=None)  # type: ignore[assignment]
    """The request's DataLoaders, bound to `db` and the viewer's area scope."""

    def __post_init__(self) -> None:
        # Built here rather than by each caller, so it always matches the viewer passed in.
        if self.loaders is None:
            self.loaders = Loaders(self.db, scope_of(self.viewer))

    @property
    def identity_key(self) -> IdentityKey:
        """The key people are keyed with; refused until the service has checked it."""
        if self.identity is None:
            raise IdentityKeyError(
                "The service has not checked its identity key against the graph yet (Neo4j "
                "was unreachable, or the key does not match; see the service log)."
            )
        return self.identity
