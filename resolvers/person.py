"""People and their appointments (grid roles, federation posts, memberships, volunteering)."""

from __future__ import annotations

from datetime import date
from typing import Any, LiteralString

from core.database import Database
from core.model import Label
from resolvers.dataloaders import EACH_KEY, Related
from resolvers.pagination import Page, PageRequest, fetch_list_page, list_queries
from resolvers.rows import APPOINTMENT_ROW, APPOINTMENT_TYPES
from resolvers.scope import in_scope

LIST_PEOPLE, LIST_PEOPLE_IN_AREA = list_queries(
    Label.PERSON,
    """($name_contains IS NULL OR n.name CONTAINS $name_contains)
  AND ($party_member IS NULL OR coalesce(n.partyMember, false) = $party_member)
  AND ($role IS NULL OR EXISTS {
    MATCH (n)-[r:"""
    + APPOINTMENT_TYPES
    + """]->(u)-[:IN]->(x:Area)
    WHERE r.role = $role
      AND (r.since IS NULL OR r.since <= $as_of) AND (r.until IS NULL OR r.until >= $as_of)
      AND ($area_code IS NULL
        OR $area_code IN COLLECT { MATCH (x)-[:PART_OF*0..]->(up_:Area) RETURN up_.code })
  })""",
    "[n.name, n.id]",
    seek="n.name >= coalesce($after[0], '')",
    order="n.name, n.id",
)
"""People by name: all of them, and those of the subtree of `$root`. With `$role` and
`$area_code`, the appointment with the role lies in the area; such people lie in the area, so
the rows rooted there include them all."""


def _appointment_key(key: tuple[str, date | None, tuple[str, ...] | None]) -> dict[str, Any]:
    ident, as_of, roles = key
    return {"id": ident, "asOf": as_of, "roles": list(roles) if roles else None}


_APPOINTMENT_FILTER: LiteralString = """
  (key.asOf IS NULL OR ((r.since IS NULL OR r.since <= key.asOf)
    AND (r.until IS NULL OR r.until >= key.asOf)))
  AND (key.roles IS NULL OR r.role IN key.roles)"""

PERSON_APPOINTMENTS = Related(
    "person_appointments",
    EACH_KEY
    + "MATCH (p:Person {id: key.id})-[r:"
    + APPOINTMENT_TYPES
    + "]->(u)\nWHERE "
    + _APPOINTMENT_FILTER
    + " AND "
    + in_scope("u")
    + "\nWITH i, p, r, u ORDER BY r.since, r.id\nRETURN i, collect("
    + APPOINTMENT_ROW
    + ") AS rows",
    param=_appointment_key,
)
"""Keys `(person id, as-of date or None for all, roles or None)`: appointments by start date."""

_UNIT_BY_LABEL: LiteralString = """CALL (key) {
  MATCH (u:Grid {code: key.id}) WHERE key.label = 'Grid' RETURN u
  UNION
  MATCH (u:Federation {code: key.id}) WHERE key.label = 'Federation' RETURN u
  UNION
  MATCH (u:SistersGroup {code: key.id}) WHERE key.label = 'SistersGroup' RETURN u
  UNION
  MATCH (u:Council {code: key.id}) WHERE key.label = 'Council' RETURN u
  UNION
  MATCH (u:Venue {code: key.id}) WHERE key.label = 'Venue' RETURN u
}
"""


def _unit_key(key: tuple[str, str, date | None, tuple[str, ...] | None]) -> dict[str, Any]:
    label, code, as_of, roles = key
    return {"label": label, "id": code, "asOf": as_of, "roles": list(roles) if roles else None}


UNIT_APPOINTMENTS = Related(
    "unit_appointments",
    EACH_KEY
    + _UNIT_BY_LABEL
    + "MATCH (p:Person)-[r:"
    + APPOINTMENT_TYPES
    + "]->(u)\nWHERE "
    + _APPOINTMENT_FILTER
    + " AND "
    + in_scope("p")
    + "\nWITH i, p, r, u ORDER BY r.role, p.name, r.id\nRETURN i, collect("
    + APPOINTMENT_ROW
    + ") AS rows",
    param=_unit_key,
)
"""Keys `(unit label, unit code, as-of date or None, roles or None)`: who holds posts there."""


async def list_people(
    db: Database,
    scope: str | None,
    page: PageRequest,
    *,
    as_of: date,
    role: str | None = None,
    area_code: str | None = None,
    name_contains: str | None = None,
    party_member: bool | None = None,
) -> Page:
    """People by name; `role` (+ `area_code`) means an appointment in force on `as_of` there."""
    return await fetch_list_page(
        db,
        (LIST_PEOPLE, LIST_PEOPLE_IN_AREA),
        page,
        scope=scope,
        as_of=as_of,
        role=role,
        area_code=area_code,
        name_contains=name_contains,
        party_member=party_member,
    )
