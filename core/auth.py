"""Who is asking: the viewer of a request, its role and the area it is limited to."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


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


DEVELOPMENT_VIEWER = Viewer(name="development", role=AccessRole.ADMIN)
"""Acts for requests without a token when the server runs with GRIDGRAPH_DEV_MODE=true."""

ANONYMOUS_VIEWER = Viewer(name="anonymous", role=AccessRole.VIEWER)
"""Until token checks are enforced: the least privileged reader."""
