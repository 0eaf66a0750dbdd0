"""Rules every writer of the graph obeys, the mutations and the roster loaders alike.

A rule here is a pure function of what the graph holds and what a writer asks for; it answers
None (allowed) or a `Refusal` naming a stable code and the reason in Chinese and English. The
API turns a refusal into its typed result (`Conflict`, `ValidationError`); a roster load reports
it as a problem of the row, so the same appointment or classification is refused either way.
Both read the state they check with the node locked first, so no concurrent writer can slip an
overlap or an earlier date in between the check and the write.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class Refusal:
    """Why a write is refused: a stable code, the reason in Chinese and English, and the id of
    what it clashes with (an appointment) when there is one."""

    code: str
    zh: str
    en: str
    existing: str | None = None


@dataclass(frozen=True)
class Held:
    """An appointment held: its id and dates (`until` None: open)."""

    id: str
    since: date | None
    until: date | None


def _span(held: Held) -> str:
    return f"{held.since or ''}..{held.until or ''}"


def appointment_overlap(
    held: Iterable[Held], since: date, until: date | None, new_id: str
) -> Refusal | None:
    """A person may not hold one role in one unit twice on any day.

    `held` are the person's appointments of that role in that unit. Two overlap when they share
    a day (an open end counts as for ever, a missing start as since always). The appointment
    `new_id` itself (the same id, written again) is not an overlap.
    """
    for other in sorted(held, key=lambda h: (h.since or date.min, h.id)):
        if other.id == new_id:
            continue
        starts_before_end = other.since is None or until is None or other.since <= until
        ends_after_start = other.until is None or other.until >= since
        if starts_before_end and ends_after_start:
            return Refusal(
                "APPOINTMENT_OVERLAP",
                f"此人已在同一单位担任该职务（{_span(other)}），与所填日期重叠；请先结束原任职",
                f"already holds this role in this unit ({_span(other)}), overlapping the "
                "dates given; end that appointment first",
                existing=other.id,
            )
    return None


def period_order(since: date | None, until: date | None) -> Refusal | None:
    """An appointment (or classification) never ends before it began. A complete roster as of
    a date therefore leaves alone what began after that date (`loaders.cypher`)."""
    if since is not None and until is not None and until < since:
        return Refusal("DATE_ORDER", "结束日期早于开始日期", "`until` is before `since`")
    return None


def classification_order(current_since: date | None, since: date) -> Refusal | None:
    """A new classification of a family may not start before the current one did: it ends the
    current one, and a classification never ends before it began."""
    if current_since is not None and since < current_since:
        return Refusal(
            "DATE_ORDER",
            f"当前分类自 {current_since} 起，晚于此日期",
            f"the current classification started later ({current_since})",
        )
    return None
