"""Parsers of roster cells that several kinds share: yes/no, counts, instants, people named by
id or ID number, and the values of the domain's vocabularies (`core.vocabulary.choice`).

Each parser raises `core.validation.InvalidValue`; `RowContext.parse` turns that into the row's
problem, naming the column.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

from core import validation as v
from core.model import Label, Role, roles_at
from core.vocabulary import Vocabulary, choice
from loaders.kinds.rows import RowContext

_YES = {"是", "y", "yes", "true", "1", "√", "试点"}
_NO = {"否", "n", "no", "false", "0", ""}


def parse_bool(value: Any) -> bool:
    text = v.normalise_text(value).lower()
    if text in _YES:
        return True
    if text in _NO:
        return False
    raise v.InvalidValue("BOOLEAN", "应填 是 或 否", "write 是 (yes) or 否 (no)")


def parse_int(value: Any) -> int:
    text = v.normalise_text(value).replace(",", "")
    try:
        number = float(text)
    except ValueError:
        raise v.InvalidValue("NUMBER", "应为整数", "must be a whole number") from None
    if not number.is_integer() or number < 0:
        raise v.InvalidValue("NUMBER", "应为非负整数", "must be a whole number, 0 or more")
    return int(number)


LOCAL_ZONE = timezone(timedelta(hours=8), "Asia/Shanghai")
"""Instants without a zone are local time in Zibo: Asia/Shanghai, +08:00 all year (no daylight
saving since 1991), stored as that fixed offset. (A `zoneinfo` zone would be stored by name, but
the driver's temporal code crashes on it.)"""
_INSTANT = re.compile(
    r"^(?P<day>.+?)[T ](?P<h>\d{1,2}):(?P<m>\d{2})(?::(?P<s>\d{2})(?:\.(?P<f>\d{1,6}))?)?"
    r"(?P<zone>Z|[+-]\d{2}:?\d{2})?$"
)


def parse_instant(value: Any) -> datetime:
    """An instant (Neo4j `datetime`): a date alone is that day 00:00 in Asia/Shanghai; a time
    is kept (with its offset when one is written, else Asia/Shanghai)."""
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=LOCAL_ZONE)
    if isinstance(value, str):
        text = v.half_width(v.normalise_text(value), punctuation=True)
        match = _INSTANT.match(text)
        if match and match["h"] is not None:
            day = v.parse_date(match["day"])
            try:
                moment = datetime(
                    day.year,
                    day.month,
                    day.day,
                    int(match["h"]),
                    int(match["m"]),
                    int(match["s"] or 0),
                    int((match["f"] or "0").ljust(6, "0")),
                )
            except ValueError:
                raise v.InvalidValue(
                    "TIME",
                    "时间无法识别（如 2025-03-12 14:30）",
                    "not a time (e.g. 2025-03-12 14:30)",
                ) from None
            zone = match["zone"]
            if zone is None:
                return moment.replace(tzinfo=LOCAL_ZONE)
            if zone == "Z":
                return moment.replace(tzinfo=UTC)
            sign = -1 if zone[0] == "-" else 1
            digits = zone[1:].replace(":", "")
            offset = timedelta(hours=int(digits[:2]), minutes=int(digits[2:]))
            return moment.replace(tzinfo=timezone(sign * offset))
    day = v.parse_date(value)
    return datetime(day.year, day.month, day.day, tzinfo=LOCAL_ZONE)


def value_of(members: Iterable[Vocabulary], zh: str, en: str) -> Callable[[Any], str]:
    """A cell that names one value of a vocabulary (a term, an alias, the English words or the
    value): the stored value, a plain string."""
    one = choice(members, zh, en)

    def parse(value: Any) -> str:
        return one(value).value

    return parse


def roles_of(unit: Label, zh: str, en: str) -> Callable[[Any], list[Role]]:
    """A cell of one or more roles held in units of `unit` (`、`, `,`, `;` or `/` between
    them): 网格职务 names grid roles only, so 成员 is a sisters-group member in 姊妹团职务 and a
    council member in 议事会职务."""
    one = choice(roles_at(unit), zh, en)

    def parse(value: Any) -> list[Role]:
        parts = [p for p in re.split(r"[、,，;；/]", v.normalise_text(value)) if p.strip()]
        return list(dict.fromkeys(one(p) for p in parts))

    return parse


def split(text: str | None) -> list[str]:
    return [p.strip() for p in re.split(r"[、,，;；]", text or "") if p.strip()]


def person_ref(c: RowContext, name: str, value: str) -> str | None:
    """A person given by `Person.id` (P-...) or by resident ID number."""
    ref = value
    if not value.startswith("P-"):
        try:
            ref = c.registry.identity.person_id(v.parse_id_number(value).number)
        except v.InvalidValue as error:
            c.fail(name, value, error.code, error.zh, error.en)
            return None
    if ref in c.registry.persons:
        return ref
    c.fail(name, value, "UNKNOWN_PERSON", "图中没有这个人员", "no such person in the graph")
    return None
