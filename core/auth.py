"""Who is asking: the viewer of a request, its role and the area it is limited to.

`Authenticator` turns the bearer credential of a request into a `Viewer`: an API token issued by
`gridgraph token create` (looked up by hash in the graph, see `core.tokens`), or a JWT signed
with the configured key of an identity provider. docs/security.md describes both.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Any

import jwt

from core.errors import Unauthenticated

if TYPE_CHECKING:
    from core.database import Database
    from core.settings import Settings


class AccessRole(StrEnum):
    """What a token may do. Each role includes the ones before it."""

    VIEWER = "viewer"  # read; phone and ID numbers masked; family categories hidden
    CASEWORKER = "caseworker"  # + case workflow and visits, within its area
    EDITOR = "editor"  # + all writes within its area
    ADMIN = "admin"  # everything, unmasked, audit log, tokens


_RANK = {AccessRole.VIEWER: 0, AccessRole.CASEWORKER: 1, AccessRole.EDITOR: 2, AccessRole.ADMIN: 3}


@dataclass(frozen=True)
class Viewer:
    """The authenticated caller. `area_code` limits it to that area's subtree (None: all)."""

    name: str
    role: AccessRole
    area_code: str | None = None
    token_id: str | None = None
    subject: str | None = None
    """The `sub` claim of a JWT viewer."""

    def at_least(self, role: AccessRole) -> bool:
        return _RANK[self.role] >= _RANK[role]

    @property
    def sees_personal_data(self) -> bool:
        """Unmasked phone and ID numbers."""
        return self.role is AccessRole.ADMIN

    @property
    def sees_family_categories(self) -> bool:
        """Family classification tags are sensitive (PIPL art. 28)."""
        return self.at_least(AccessRole.CASEWORKER)

    @property
    def actor(self) -> str:
        """Stable name of the caller for audit records and rate limits."""
        if self.token_id:
            return f"token:{self.token_id}"
        if self.subject:
            return f"jwt:{self.subject}"
        return self.name


DEVELOPMENT_VIEWER = Viewer(name="development", role=AccessRole.ADMIN)
"""Acts for requests without a token when the server runs with GRIDGRAPH_DEV_MODE=true."""

ANONYMOUS_VIEWER = Viewer(name="anonymous", role=AccessRole.VIEWER)
"""The least privileged reader: the context default where no HTTP request authenticated (e.g. a
schema executed directly). HTTP requests without a token are refused before they get here."""


# --- Authentication ----------------------------------------------------------------------------


def bearer_credential(authorization: str | None) -> str | None:
    """The credential of an `Authorization: Bearer <credential>` header (None: no header).

    Raises `Unauthenticated` for a header that is present but not a bearer credential.
    """
    if authorization is None or not authorization.strip():
        return None
    scheme, _, credential = authorization.strip().partition(" ")
    if scheme.lower() != "bearer" or not credential.strip():
        raise Unauthenticated(
            "The Authorization header must be 'Bearer <token>'.", reason="MALFORMED_HEADER"
        )
    return credential.strip()


def _looks_like_jwt(credential: str) -> bool:
    return credential.count(".") == 2


def _public_key(value: str) -> str:
    if value.lstrip().startswith("-----BEGIN"):
        return value
    return Path(value).expanduser().read_text()


def decode_jwt(credential: str, settings: Settings) -> Viewer:
    """Verify a JWT against the configured key, audience and issuer; map its claims to a Viewer.

    HS* tokens are checked with `jwt_secret`, every other algorithm with `jwt_public_key`, so a
    public key can never be used as an HMAC secret (algorithm confusion).
    """
    try:
        header = jwt.get_unverified_header(credential)
    except jwt.InvalidTokenError as error:
        raise Unauthenticated("The bearer token is not a well-formed JWT.", reason="INVALID") from (
            error
        )
    algorithm = str(header.get("alg", ""))
    if algorithm not in settings.jwt_algorithms:
        raise Unauthenticated(
            f"JWTs signed with '{algorithm}' are not accepted here.", reason="INVALID"
        )
    key: Any
    if algorithm.startswith("HS"):
        key = settings.jwt_secret.get_secret_value() if settings.jwt_secret else None
    else:
        key = _public_key(settings.jwt_public_key) if settings.jwt_public_key else None
    if not key:
        raise Unauthenticated(
            f"This service has no key configured for '{algorithm}' JWTs.", reason="INVALID"
        )
    try:
        claims = jwt.decode(
            credential,
            key,
            algorithms=[algorithm],
            audience=settings.jwt_audience,
            issuer=settings.jwt_issuer,
            leeway=30,
            options={
                "require": ["exp", "sub"],
                "verify_aud": settings.jwt_audience is not None,
            },
        )
    except jwt.ExpiredSignatureError as error:
        raise Unauthenticated("The JWT has expired.", reason="EXPIRED") from error
    except jwt.InvalidAudienceError as error:
        raise Unauthenticated("The JWT is meant for another audience.", reason="INVALID") from (
            error
        )
    except jwt.InvalidIssuerError as error:
        raise Unauthenticated("The JWT comes from an unknown issuer.", reason="INVALID") from error
    except jwt.MissingRequiredClaimError as error:
        raise Unauthenticated(
            f"The JWT lacks the '{error.claim}' claim.", reason="INVALID"
        ) from error
    except jwt.InvalidSignatureError as error:
        raise Unauthenticated("The JWT signature does not verify.", reason="INVALID") from error
    except jwt.InvalidTokenError as error:
        raise Unauthenticated("The JWT is not valid.", reason="INVALID") from error
    role_value = claims.get(settings.jwt_role_claim)
    try:
        role = AccessRole(role_value)
    except ValueError as error:
        allowed = ", ".join(role.value for role in AccessRole)
        raise Unauthenticated(
            f"The JWT claim '{settings.jwt_role_claim}' must be one of {allowed}.",
            reason="INVALID",
        ) from error
    area = claims.get(settings.jwt_area_claim)
    subject = str(claims["sub"])
    return Viewer(
        name=str(claims.get("name") or subject),
        role=role,
        area_code=str(area) if area else None,
        subject=subject,
    )


class Authenticator:
    """Resolves bearer credentials to viewers for one process, caching token look-ups briefly.

    A look-up result (a viewer or the reason for refusing) is kept for `token_cache_seconds`, so
    a busy client costs one graph query per period, and a revocation takes effect within it.
    """

    MAX_CACHED = 10_000

    def __init__(self, settings: Settings, clock: Any = time.monotonic) -> None:
        self.settings = settings
        self.clock = clock
        self._cache: dict[str, tuple[float, Viewer | None, str | None]] = {}

    async def authenticate(self, credential: str, db: Database) -> Viewer:
        """The viewer for `credential`, or `Unauthenticated` saying why not."""
        from core.tokens import check_token, hash_token, looks_like_api_token

        if looks_like_api_token(credential):
            key = hash_token(credential)
            now = self.clock()
            cached = self._cache.get(key)
            if cached is None or cached[0] <= now:
                check = await check_token(db, credential)
                cached = (now + self.settings.token_cache_seconds, check.viewer, check.reason)
                self._remember(key, cached, now)
            _, viewer, reason = cached
            if viewer is None:
                raise Unauthenticated(reason or "The token is not valid.", reason="INVALID")
            return viewer
        if _looks_like_jwt(credential):
            if not (self.settings.jwt_secret or self.settings.jwt_public_key):
                raise Unauthenticated(
                    "This service does not accept JWTs; use a token from `gridgraph token create`.",
                    reason="INVALID",
                )
            return decode_jwt(credential, self.settings)
        raise Unauthenticated(
            "The bearer token is neither a gridgraph token nor a JWT.", reason="INVALID"
        )

    def forget(self) -> None:
        """Drop every cached look-up (e.g. after revoking in-process)."""
        self._cache.clear()

    def _remember(
        self, key: str, entry: tuple[float, Viewer | None, str | None], now: float
    ) -> None:
        if len(self._cache) >= self.MAX_CACHED:
            self._cache = {k: v for k, v in self._cache.items() if v[0] > now}
            if len(self._cache) >= self.MAX_CACHED:
                self._cache.clear()
        self._cache[key] = entry
