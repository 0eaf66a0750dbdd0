"""API tokens: issued by the CLI, stored in the graph only as hashes, checked on each request.

A token is `gg_` followed by 43 URL-safe characters (32 random bytes from `secrets`). The graph
keeps only its SHA-256 as `(:ApiToken {hash})`. A fast hash is right here, unlike for passwords:
the secret has 256 bits of entropy, so nobody can guess it from the hash however fast they
hash, and an unsalted digest lets the service find a token by an indexed, unique property in one
look-up. The `gg_` prefix lets secret scanners and people recognise a leaked token.

A token's `areaCode` is null (the whole city) or an area code; anything else that a graph may
hold there (an empty string, say) is refused when the token is presented, never taken for the
whole city.
"""

from __future__ import annotations

import hashlib
import secrets
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, LiteralString

from neo4j import Driver

from core.auth import AccessRole, Viewer, area_scope, is_area_code
from core.database import Database

TOKEN_PREFIX = "gg_"

CREATE_TOKEN: LiteralString = """
CREATE (t:ApiToken {
  id: $id,
  name: $name,
  role: $role,
  areaCode: $area_code,
  hash: $hash,
  createdAt: datetime(),
  expiresAt: CASE WHEN $expires_days IS NULL THEN null
                  ELSE datetime() + duration({days: $expires_days}) END
})
RETURN t.id AS id, t.name AS name, t.role AS role, t.areaCode AS areaCode,
       t.createdAt AS createdAt, t.expiresAt AS expiresAt, t.revokedAt AS revokedAt,
       t.lastUsedAt AS lastUsedAt
"""

LIST_TOKENS: LiteralString = """
MATCH (t:ApiToken)
RETURN t.id AS id, t.name AS name, t.role AS role, t.areaCode AS areaCode,
       t.createdAt AS createdAt, t.expiresAt AS expiresAt, t.revokedAt AS revokedAt,
       t.lastUsedAt AS lastUsedAt
ORDER BY t.createdAt, t.id
"""

REVOKE_TOKEN: LiteralString = """
MATCH (t:ApiToken {id: $id})
SET t.revokedAt = coalesce(t.revokedAt, datetime())
RETURN t.id AS id, t.name AS name, t.role AS role, t.areaCode AS areaCode,
       t.createdAt AS createdAt, t.expiresAt AS expiresAt, t.revokedAt AS revokedAt,
       t.lastUsedAt AS lastUsedAt
"""

DELETE_TOKEN: LiteralString = """
MATCH (t:ApiToken {id: $id})
DETACH DELETE t
"""

FIND_AREA: LiteralString = """
MATCH (a:Area {code: $code})
RETURN a.code AS code
"""

# A read: the request path never writes (`lastUsedAt` is written by `TokenUsage.flush`).
FIND_TOKEN: LiteralString = """
MATCH (t:ApiToken {hash: $hash})
RETURN t.id AS id, t.name AS name, t.role AS role, t.areaCode AS areaCode,
       t.revokedAt IS NOT NULL AS revoked,
       t.expiresAt IS NOT NULL AND t.expiresAt <= datetime() AS expired
"""

# One batch for every token used since the last flush; never moves `lastUsedAt` back, and
# leaves revoked and expired tokens as they were.
RECORD_LAST_USED: LiteralString = """
UNWIND $rows AS row
MATCH (t:ApiToken {id: row.id})
WHERE t.revokedAt IS NULL
  AND (t.expiresAt IS NULL OR t.expiresAt > row.at)
  AND (t.lastUsedAt IS NULL OR t.lastUsedAt < row.at)
SET t.lastUsedAt = row.at
"""


@dataclass(frozen=True)
class TokenRecord:
    """A token as `token list` shows it (never the secret, never the hash)."""

    id: str
    name: str
    role: AccessRole
    area_code: str | None
    created_at: datetime
    expires_at: datetime | None
    revoked_at: datetime | None
    last_used_at: datetime | None

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> TokenRecord:
        return cls(
            id=row["id"],
            name=row["name"],
            role=AccessRole(row["role"]),
            area_code=row["areaCode"],
            created_at=_native(row["createdAt"]),  # type: ignore[arg-type]
            expires_at=_native(row["expiresAt"]),
            revoked_at=_native(row["revokedAt"]),
            last_used_at=_native(row["lastUsedAt"]),
        )

    @property
    def status(self) -> str:
        """`active`, `revoked`, `expired` or `malformed area` (refused: see `check_token`)."""
        if self.revoked_at is not None:
            return "revoked"
        if self.expires_at is not None and self.expires_at <= datetime.now(UTC):
            return "expired"
        if self.area_code is not None and not is_area_code(self.area_code):
            return "malformed area"
        return "active"


@dataclass(frozen=True)
class IssuedToken:
    """A freshly created token: `secret` is shown once and never stored."""

    secret: str
    record: TokenRecord


def _native(value: Any) -> datetime | None:
    return value.to_native() if value is not None else None


def hash_token(secret: str) -> str:
    """Hex SHA-256 of the whole token string (what the graph stores and looks up)."""
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def new_secret() -> str:
    return TOKEN_PREFIX + secrets.token_urlsafe(32)


def looks_like_api_token(value: str) -> bool:
    return value.startswith(TOKEN_PREFIX)


def stored_area(area: str | None) -> str | None:
    """What `areaCode` holds for a token limited to `area`: null for None or `*` (the whole
    city), else the area code. Raises `ValueError` for anything else (`""` included)."""
    if area is None:
        return None
    try:
        return area_scope(area)
    except ValueError as error:
        raise ValueError(f"a token's area {error}, not {area!r}") from error


def create_token(
    driver: Driver,
    database: str,
    *,
    name: str,
    role: AccessRole,
    area_code: str | None = None,
    expires_days: int | None = None,
    secret: str | None = None,
    token_id: str | None = None,
) -> IssuedToken:
    """Create a token; return its secret (shown once) and record.

    `area_code`: None or `*` for the whole city, else an area code (`ValueError` otherwise).
    `secret` and `token_id` are for test set-ups that need a stable token; the CLI never passes
    them.
    """
    area_code = stored_area(area_code)
    if not name.strip():
        raise ValueError("a token needs a name that says who or what uses it")
    if expires_days is not None and expires_days <= 0:
        raise ValueError("--expires must be a positive number of days")
    secret = secret or new_secret()
    records, _, _ = driver.execute_query(
        CREATE_TOKEN,
        id=token_id or uuid.uuid4().hex[:12],
        name=name.strip(),
        role=AccessRole(role).value,
        area_code=area_code,
        hash=hash_token(secret),
        expires_days=expires_days,
        database_=database,
    )
    return IssuedToken(secret=secret, record=TokenRecord.from_row(records[0].data()))


def list_tokens(driver: Driver, database: str) -> list[TokenRecord]:
    """Every token, oldest first, revoked and expired ones included."""
    records, _, _ = driver.execute_query(LIST_TOKENS, database_=database)
    return [TokenRecord.from_row(record.data()) for record in records]


def revoke_token(driver: Driver, database: str, token_id: str) -> TokenRecord | None:
    """Revoke a token (idempotent; the first revocation time is kept). None: no such token."""
    records, _, _ = driver.execute_query(REVOKE_TOKEN, id=token_id, database_=database)
    return TokenRecord.from_row(records[0].data()) if records else None


def delete_token(driver: Driver, database: str, token_id: str) -> None:
    """Remove a token node (tests clean up with this; operators revoke instead)."""
    driver.execute_query(DELETE_TOKEN, id=token_id, database_=database)


def area_exists(driver: Driver, database: str, code: str) -> bool:
    records, _, _ = driver.execute_query(FIND_AREA, code=code, database_=database)
    return bool(records)


@dataclass(frozen=True)
class TokenCheck:
    """Outcome of looking a presented token up: a viewer, or why there is none."""

    viewer: Viewer | None
    reason: str | None = None


async def check_token(db: Database, secret: str) -> TokenCheck:
    """Find the token whose hash matches `secret`; refuse unknown, revoked and expired ones."""
    rows = await db.read(FIND_TOKEN, hash=hash_token(secret))
    if not rows:
        return TokenCheck(None, "The token is not known to this service.")
    row = rows[0]
    if row["revoked"]:
        return TokenCheck(None, f"The token '{row['name']}' has been revoked.")
    if row["expired"]:
        return TokenCheck(None, f"The token '{row['name']}' has expired.")
    if row["areaCode"] is not None and not is_area_code(row["areaCode"]):
        return TokenCheck(
            None,
            f"The token '{row['name']}' has a malformed area and is refused; ask an "
            "administrator for a new one.",
        )
    return TokenCheck(
        Viewer(
            name=row["name"],
            role=AccessRole(row["role"]),
            area_code=row["areaCode"],
            token_id=row["id"],
        )
    )


class TokenUsage:
    """When each token was last used in this process, written to the graph in batches.

    `note` is a dictionary update on the request path; `flush` (every
    `token_last_used_flush_seconds`, from the ASGI lifespan, and once at shutdown) writes them
    all in one transaction. Best effort: a failed flush keeps the times for the next one, and a
    request never waits for it nor fails because of it.
    """

    def __init__(self) -> None:
        self._pending: dict[str, datetime] = {}

    def note(self, token_id: str) -> None:
        self._pending[token_id] = datetime.now(UTC)

    @property
    def pending(self) -> int:
        return len(self._pending)

    async def flush(self, db: Database) -> int:
        """Write the times noted since the last flush; how many tokens they were."""
        if not self._pending:
            return 0
        taken, self._pending = self._pending, {}
        rows = [{"id": token_id, "at": at} for token_id, at in taken.items()]
        try:
            await db.write(RECORD_LAST_USED, rows=rows)
        except BaseException:
            for token_id, at in taken.items():
                self._pending.setdefault(token_id, at)  # a newer use noted meanwhile wins
            raise
        return len(rows)


def expiry_after(days: int | None) -> datetime | None:
    """When a token created now with `--expires days` stops working (for messages)."""
    return datetime.now(UTC) + timedelta(days=days) if days else None


ENSURE_TOKEN: LiteralString = """
MERGE (t:ApiToken {id: $id})
ON CREATE SET t.createdAt = datetime()
SET t.name = $name, t.role = $role, t.areaCode = $area_code, t.hash = $hash,
    t.revokedAt = null, t.expiresAt = null
"""


def ensure_token(
    driver: Driver,
    database: str,
    *,
    token_id: str,
    secret: str,
    name: str,
    role: AccessRole,
    area_code: str | None = None,
) -> None:
    """Make a token with a known id and secret exist and work (idempotent; test set-ups)."""
    driver.execute_query(
        ENSURE_TOKEN,
        id=token_id,
        name=name,
        role=AccessRole(role).value,
        area_code=stored_area(area_code),
        hash=hash_token(secret),
        database_=database,
    )
