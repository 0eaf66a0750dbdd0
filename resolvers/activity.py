"""Activities (e.g. the legal-outreach event 巾帼普法乡村行) with venue and participants."""

from __future__ import annotations

from datetime import date

from core.database import Database
from core.model import Label
from resolvers.dataloaders import EACH_KEY, Related
from resolvers.pagination import Page, PageRequest, fetch_list_page, list_queries
from resolvers.rows import ROW
from resolvers.scope import in_scope

LIST_ACTIVITIES, LIST_ACTIVITIES_IN_AREA = list_queries(
    Label.ACTIVITY,
    """($kind IS NULL OR n.kind = $kind)
  AND ($date_from IS NULL OR n.date >= $date_from)
  AND ($date_to IS NULL OR n.date <= $date_to)""",
    "[coalesce(toString(n.date), ''), n.code]",
    descending=True,
)
"""Activities, newest first: all of them, and those of the subtree of `$root`."""

ACTIVITY_PARTICIPANTS = Related(
    "activity_participants",
    EACH_KEY
    + "MATCH (:Activity {code: key})<-[t:TOOK_PART]-(n:Person)\nWHERE "
    + in_scope("n")
    + "\nWITH i, t, n ORDER BY t.role, n.name\nRETURN i, collect({role: t.role, person: "
    + ROW[Label.PERSON]
    + "}) AS rows",
)
"""Who took part in each activity, with their role."""


async def list_activities(
    db: Database,
    scope: str | None,
    page: PageRequest,
    *,
    area_code: str | None = None,
    kind: str | None = None,
    date_from: date | None = None,
    date_to: date | None = None,
) -> Page:
    """Activities, newest first, by area subtree, kind and date range."""
    return await fetch_list_page(
        db,
        (LIST_ACTIVITIES, LIST_ACTIVITIES_IN_AREA),
        page,
        scope=scope,
        area_code=area_code,
        kind=kind,
        date_from=date_from,
        date_to=date_to,
    )
