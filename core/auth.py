"""Who is asking: the viewer of a request, its role and the area it is limited to.

The roles, the `Viewer` every request acts as, the one form of a credential's area scope, and
the bearer header's syntax. `core.authenticator` turns a credential into a viewer (an API token,
or a JWT checked by `core.jwt_verifier`); docs/security.md describes both.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from core.errors import Unauthenticated
from core.vocabulary import Term, Vocabulary


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
