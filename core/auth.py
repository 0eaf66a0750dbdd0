"""Who is asking: the viewer of a request, its role and the area it is limited to.

`Authenticator` turns the bearer credential of a request into a `Viewer`: an API token issued by
`gridgraph token create` (looked up by hash in the graph, see `core.tokens`), or a JWT signed
with the configured key of an identity provider. docs/security.md describes both.
"""

from __future__ import annotations

import asyncio
import json
import logging
import math
import re
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

import jwt
from cryptography.exceptions import UnsupportedAlgorithm
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed448, ed25519, rsa
from cryptography.hazmat.primitives.asymmetric.types import PublicKeyTypes

from core.errors import Unauthenticated
from core.vocabulary import Term, Vocabulary

if TYPE_CHECKING:
    from core.admission import Admission
    from core.database import Database
    from core.settings import Settings

log = logging.getLogger("gridgraph.auth")


class AccessRole(Vocabulary):
    """What a token may do. Each role includes the ones before it."""

    VIEWER = (
        "viewer",
        Term(
            "查看者", "viewer", note="read; phone and ID numbers masked, family categories hidden"
        ),
    )
    CASEWORKER = (
        "caseworker",
        Term("办案人员", "caseworker", note="viewer + case workflow and visits, within its area"),
    )
    EDITOR = "editor", Term("编辑", "editor", note="all writes within its area")
    ADMIN = "admin", Term("管理员", "admin", note="everything, unmasked; audit log and tokens")


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


# --- Area scope of a credential -----------------------------------------------------------------

CITY_WIDE = "*"
"""The one way a credential says "the whole city": the JWT area claim `"*"`, `--area '*'`."""

_AREA_CODE = re.compile(r"[0-9]{6}|[0-9]{9}|[0-9]{12}")


def is_area_code(value: object) -> bool:
    """The shape of an area code: 6, 9 or 12 ASCII digits (370303, 370303001, 370303001001)."""
    return isinstance(value, str) and _AREA_CODE.fullmatch(value) is not None


def area_scope(value: object) -> str | None:
    """The area a credential's area value limits it to; None for `*`, the whole city.

    Raises `ValueError` for anything else: an empty string, `0`, `false`, a number, a list...
    never mean the whole city, and an area code must have the shape of one.
    """
    if isinstance(value, str) and value == CITY_WIDE:
        return None
    if is_area_code(value):
        return value  # type: ignore[return-value]
    raise ValueError(f"must be '{CITY_WIDE}' (the whole city) or an area code of 6, 9 or 12 digits")


# --- Authentication ----------------------------------------------------------------------------

_B64TOKEN = re.compile(r"[A-Za-z0-9\-._~+/]+=*")
"""RFC 6750's b64token: what may follow `Bearer ` (no spaces, no commas)."""


def bearer_credential(authorization: str | None) -> str | None:
    """The credential of an `Authorization: Bearer <credential>` header (None: no header).

    Raises `Unauthenticated` for a header that is present but not one bearer credential (another
    scheme, or two credentials joined by a comma).
    """
    if authorization is None or not authorization.strip():
        return None
    scheme, _, credential = authorization.strip().partition(" ")
    credential = credential.strip()
    if scheme.lower() != "bearer" or not _B64TOKEN.fullmatch(credential):
        raise Unauthenticated(
            "The Authorization header must be 'Bearer <token>'.", reason="MALFORMED_HEADER"
        )
    return credential


def _looks_like_jwt(credential: str) -> bool:
    return credential.count(".") == 2


JWT_LEEWAY = 30
"""Seconds of clock skew allowed between the identity provider and this service."""

_SECRET = "secret"

_KEY_FOR: dict[str, frozenset[str]] = {
    **dict.fromkeys(("HS256", "HS384", "HS512"), frozenset({_SECRET})),
    **dict.fromkeys(("RS256", "RS384", "RS512", "PS256", "PS384", "PS512"), frozenset({"RSA"})),
    "ES256": frozenset({"EC P-256"}),
    "ES384": frozenset({"EC P-384"}),
    "ES512": frozenset({"EC P-521"}),
    "ES256K": frozenset({"EC secp256k1"}),
    "EdDSA": frozenset({"Ed25519", "Ed448"}),
}
"""Each algorithm this service can verify, and the kinds of key that verify it."""

_CURVES = {"secp256r1": "P-256", "secp384r1": "P-384", "secp521r1": "P-521"}


def _key_kind(key: object) -> str:
    if isinstance(key, rsa.RSAPublicKey):
        return "RSA"
    if isinstance(key, ec.EllipticCurvePublicKey):
        return f"EC {_CURVES.get(key.curve.name, key.curve.name)}"
    if isinstance(key, ed25519.Ed25519PublicKey):
        return "Ed25519"
    if isinstance(key, ed448.Ed448PublicKey):
        return "Ed448"
    raise ValueError(
        f"GRIDGRAPH_JWT_PUBLIC_KEY is a {type(key).__name__}; use an RSA, EC or Ed25519 key"
    )


def _load_public_key(value: str) -> PublicKeyTypes:
    """The configured public key: PEM text, or the path of a file holding it."""
    if value.lstrip().startswith("-----BEGIN"):
        text = value
    else:
        try:
            text = Path(value).expanduser().read_text()
        except OSError as error:
            raise ValueError(f"GRIDGRAPH_JWT_PUBLIC_KEY: cannot read {value}: {error}") from error
    try:
        return serialization.load_pem_public_key(text.encode())
    except (ValueError, UnsupportedAlgorithm) as error:
        raise ValueError(f"GRIDGRAPH_JWT_PUBLIC_KEY is not a PEM public key: {error}") from error


def _quoted(value: object) -> str:
    """A client-sent value for a message: short, and not mistaken for text of ours."""
    text = value if isinstance(value, str) else json.dumps(value, default=str)
    return repr(text if len(text) <= 40 else text[:40] + "...")


def _refuse(message: str, reason: str = "INVALID") -> NoReturn:
    raise Unauthenticated(message, reason=reason)


class JwtVerifier:
    """Verifies JWTs of an identity provider and maps their claims to a Viewer.

    Built once per app from the settings, so that a key that cannot be read, or an algorithm
    that cannot be verified, stops the start instead of failing requests. HS* tokens are
    checked with `jwt_secret` only, every other algorithm with `jwt_public_key` only, and only
    when the key is of the algorithm's kind (an RSA key for RS*/PS*, an EC key of the right
    curve for ES*, an Ed25519/Ed448 key for EdDSA): a public key is never an HMAC secret and a
    header cannot pick the key (`kid`, `jku`, `x5u`, `jwk` are ignored).

    Whatever a token holds, `verify` returns a Viewer or raises `Unauthenticated`: no other
    error can come out of a bearer credential.
    """

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        unknown = [a for a in settings.jwt_algorithms if a not in _KEY_FOR]
        if unknown:
            raise ValueError(
                f"GRIDGRAPH_JWT_ALGORITHMS: {', '.join(map(repr, unknown))} cannot be verified "
                f"here; choose from {', '.join(_KEY_FOR)}"
            )
        self.secret: bytes | None = None
        if settings.jwt_secret is not None and settings.jwt_secret.get_secret_value():
            self.secret = settings.jwt_secret.get_secret_value().encode()
            if b"-----BEGIN" in self.secret or self.secret.startswith(b"ssh-"):
                raise ValueError(
                    "GRIDGRAPH_JWT_SECRET holds a key, not a shared secret; put a public key "
                    "in GRIDGRAPH_JWT_PUBLIC_KEY"
                )
        self.public_key: PublicKeyTypes | None = None
        self.public_kind: str | None = None
        if settings.jwt_public_key:
            self.public_key = _load_public_key(settings.jwt_public_key)
            self.public_kind = _key_kind(self.public_key)

    @property
    def enabled(self) -> bool:
        """True when some key is configured, i.e. JWTs are accepted at all."""
        return self.secret is not None or self.public_key is not None

    def verify(self, credential: str) -> Viewer:
        """The viewer a JWT stands for, or `Unauthenticated` saying why not."""
        try:
            return self._verify(credential)
        except Unauthenticated:
            raise
        except Exception as error:  # a token the JWT library chokes on is still just bad
            log.warning("a JWT could not be checked: %r", error, exc_info=True)
            _refuse("The JWT is not valid.")

    def _verify(self, credential: str) -> Viewer:
        algorithm = self._algorithm(credential)
        key = self._key_for(algorithm)
        settings = self.settings
        try:
            claims = jwt.decode(
                credential,
                key,
                algorithms=[algorithm],
                audience=settings.jwt_audience,
                issuer=settings.jwt_issuer,
                leeway=JWT_LEEWAY,
                options={
                    "require": ["exp", "sub"],
                    "verify_aud": settings.jwt_audience is not None,
                },
            )
        except jwt.ExpiredSignatureError as error:
            raise Unauthenticated("The JWT has expired.", reason="EXPIRED") from error
        except jwt.ImmatureSignatureError:
            _refuse("The JWT is not valid yet: its 'nbf' or 'iat' lies in the future.")
        except jwt.InvalidAudienceError:
            _refuse("The JWT is meant for another audience.")
        except jwt.InvalidIssuerError:
            _refuse("The JWT comes from an unknown issuer.")
        except jwt.MissingRequiredClaimError as error:
            _refuse(f"The JWT lacks the '{error.claim}' claim.")
        except jwt.InvalidSignatureError:
            _refuse("The JWT signature does not verify.")
        except jwt.DecodeError as error:
            if str(error).startswith("Invalid payload"):
                _refuse("The JWT payload is not a JSON object of claims.")
            _refuse(f"The JWT is not valid: {str(error)[:100].rstrip('.')}.")
        except jwt.PyJWTError as error:
            _refuse(f"The JWT is not valid: {str(error)[:100].rstrip('.')}.")
        return self._viewer(claims)

    def _algorithm(self, credential: str) -> str:
        try:
            header = jwt.get_unverified_header(credential)
        except jwt.PyJWTError:
            _refuse("The bearer token is not a well-formed JWT.")
        algorithm = header.get("alg")
        if algorithm is None:
            _refuse("The JWT header names no signing algorithm ('alg').")
        if not isinstance(algorithm, str) or algorithm not in self.settings.jwt_algorithms:
            _refuse(f"JWTs signed with {_quoted(algorithm)} are not accepted here.")
        return algorithm

    def _key_for(self, algorithm: str) -> Any:
        kinds = _KEY_FOR[algorithm]
        key: Any = self.secret if _SECRET in kinds else self.public_key
        if key is None:
            _refuse(f"This service has no key configured for '{algorithm}' JWTs.")
        if _SECRET not in kinds and self.public_kind not in kinds:
            _refuse(
                f"'{algorithm}' JWTs cannot be verified with the configured {self.public_kind} key."
            )
        return key

    def _viewer(self, claims: dict[str, Any]) -> Viewer:
        settings = self.settings
        for name in ("exp", "nbf", "iat"):
            value = claims.get(name)
            if name in claims and not (
                isinstance(value, int | float)
                and not isinstance(value, bool)
                and math.isfinite(value)
            ):
                _refuse(f"The JWT claim '{name}' must be a number of seconds since 1970.")
        now = time.time()
        lifetime = claims["exp"] - min(claims.get("iat", now), now)
        if lifetime > settings.jwt_max_lifetime:
            _refuse(
                f"The JWT lives longer than the {settings.jwt_max_lifetime} s this service "
                f"accepts (from {'iat' if 'iat' in claims else 'now'} to exp: {lifetime:.0f} s)."
            )
        subject = claims["sub"]
        if not isinstance(subject, str) or not subject.strip():
            _refuse("The JWT claim 'sub' must be a non-empty string.")
        if "iss" in claims and not isinstance(claims["iss"], str):
            _refuse("The JWT claim 'iss' must be a string.")
        audience = claims.get("aud")
        if "aud" in claims and not (
            isinstance(audience, str)
            or (isinstance(audience, list) and all(isinstance(a, str) for a in audience))
        ):
            _refuse("The JWT claim 'aud' must be a string or a list of strings.")
        role_value = claims.get(settings.jwt_role_claim)
        try:
            role = AccessRole(role_value)
        except ValueError:
            allowed = ", ".join(role.value for role in AccessRole)
            _refuse(f"The JWT claim '{settings.jwt_role_claim}' must be one of {allowed}.")
        area_claim = settings.jwt_area_claim
        if area_claim not in claims:
            if not settings.jwt_area_optional:
                _refuse(
                    f"The JWT lacks the '{area_claim}' claim; send '{CITY_WIDE}' for the whole "
                    "city or an area code."
                )
            area = None
        else:
            try:
                area = area_scope(claims[area_claim])
            except ValueError as error:
                _refuse(f"The JWT claim '{area_claim}' {error}, not {_quoted(claims[area_claim])}.")
        name = claims.get("name")
        return Viewer(
            name=name if isinstance(name, str) and name.strip() else subject,
            role=role,
            area_code=area,
            subject=subject,
        )


class Authenticator:
    """Resolves bearer credentials to viewers for one process, caching token look-ups briefly.

    A look-up result (a viewer or the reason for refusing) is kept for `token_cache_seconds`, so
    a busy client costs one graph query per period, and a revocation takes effect within it.
    Concurrent requests with the same token share one look-up. A look-up is a read: when each
    token was last used is noted in `usage` and written in batches off the request path. With
    `admission`, a look-up takes a slot like any other work toward Neo4j. A look-up that fails
    (`DatabaseUnavailable`, `DatabaseBusy`, `Overloaded`) is not cached, and fails fast.
    """

    MAX_CACHED = 10_000

    def __init__(
        self, settings: Settings, clock: Any = time.monotonic, admission: Admission | None = None
    ) -> None:
        from core.tokens import TokenUsage

        self.settings = settings
        self.clock = clock
        self.admission = admission
        self.jwt = JwtVerifier(settings)
        self.usage = TokenUsage()
        self._cache: dict[str, tuple[float, Viewer | None, str | None]] = {}
        self._lookups: dict[str, asyncio.Future[tuple[float, Viewer | None, str | None]]] = {}

    async def authenticate(self, credential: str, db: Database) -> Viewer:
        """The viewer for `credential`, or `Unauthenticated` saying why not."""
        from core.tokens import hash_token, looks_like_api_token

        if looks_like_api_token(credential):
            key = hash_token(credential)
            cached = self._cache.get(key)
            if cached is None or cached[0] <= self.clock():
                cached = await self._look_up(key, credential, db)
            _, viewer, reason = cached
            if viewer is None:
                raise Unauthenticated(reason or "The token is not valid.", reason="INVALID")
            if viewer.token_id:
                self.usage.note(viewer.token_id)
            return viewer
        if _looks_like_jwt(credential):
            if not self.jwt.enabled:
                raise Unauthenticated(
                    "This service does not accept JWTs; use a token from `gridgraph token create`.",
                    reason="INVALID",
                )
            return self.jwt.verify(credential)
        raise Unauthenticated(
            "The bearer token is neither a gridgraph token nor a JWT.", reason="INVALID"
        )

    async def _look_up(
        self, key: str, credential: str, db: Database
    ) -> tuple[float, Viewer | None, str | None]:
        """One look-up per token at a time, in a task of its own: concurrent requests with the
        token await the one under way, and a caller that goes away does not cancel it for the
        others."""
        task = self._lookups.get(key)
        if task is None:
            task = asyncio.ensure_future(self._check(key, credential, db))
            self._lookups[key] = task
            task.add_done_callback(lambda done: self._finished(key, done))
        return await asyncio.shield(task)

    def _finished(self, key: str, task: asyncio.Future[Any]) -> None:
        if self._lookups.get(key) is task:
            del self._lookups[key]
        if not task.cancelled():
            task.exception()  # retrieved here, so an unawaited failure is not reported twice

    async def _check(
        self, key: str, credential: str, db: Database
    ) -> tuple[float, Viewer | None, str | None]:
        from core.tokens import check_token

        if self.admission is None:
            check = await check_token(db, credential)
        else:
            async with self.admission.slot():
                check = await check_token(db, credential)
        now = self.clock()
        entry = (now + self.settings.token_cache_seconds, check.viewer, check.reason)
        self._remember(key, entry, now)
        return entry

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
