"""The kinds of roster and how one row of each becomes a record for the graph.

A row parser reads cells through a `RowContext`, which normalises values, runs the validators of
`core.validation` and collects every problem of the row (it never stops at the first). References
(a grid, a community, a federation ...) are checked against the `Registry`, which holds the graph
plus what earlier files of the same load declare; references to rows later in the same file are
checked when the whole file has been read.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta, timezone
from functools import cached_property
from hashlib import blake2b
from typing import Any

from core import validation as v
from core.model import AreaLevel, CaseStatus, Label, Role
from loaders.errors import Problem
from loaders.headers import Header
from loaders.registry import Area, Registry

# --- records ------------------------------------------------------------------------------

HASH_VERSION = 1
"""Part of every row hash: bump it when parsing changes what a row writes, so old hashes no
longer match and the next load compares those rows in full."""


@dataclass
class Appointment:
    role: Role
    unit: str
    since: date | None
    building: str | None = None
    field: str = "grid_role"
    """The row's field that gave the role, to name the column of a refusal."""


@dataclass
class Record:
    """What one row writes: a keyed node, its links and (people) its appointments."""

    kind: str
    row: int
    key: str
    label: Label
    props: dict[str, Any]
    links: dict[str, list[str]] = field(default_factory=dict)
    appointments: list[Appointment] = field(default_factory=list)
    extra: dict[str, Any] = field(default_factory=dict)

    @cached_property
    def hash(self) -> str:
        """The row's content hash (`rowHash` in the graph): a re-load compares this one string
        instead of every property, link and appointment."""
        content = (
            HASH_VERSION,
            self.kind,
            sorted(self.props.items()),
            sorted((name, sorted(targets)) for name, targets in self.links.items()),
            [(a.role.value, a.unit, a.since, a.building) for a in self.appointments],
            sorted(self.extra.items()),
        )
        return blake2b(repr(content).encode(), digest_size=16).hexdigest()


@dataclass
class Deferred:
    """A reference to be checked once the whole file is read (it may be declared further down)."""

    row: int
    field: str
    value: str
    label: str


# --- reading one row ------------------------------------------------------------------------

MEMO_VALUES = 4096
"""Distinct values remembered per column: low-cardinality columns (dates, roles, codes) hit the
memo; unique ones (ID numbers, phones) stop being added once it is full, so memory stays flat."""
_MISSING = object()


@dataclass
class Memo:
    """Parsed values of one sheet, per (field, parser): value -> result or `InvalidValue`."""

    values: dict[tuple[str, Callable[[Any], Any]], dict[Any, Any]] = field(default_factory=dict)


class RowContext:
    """One data row of a sheet and the problems found in it.

    Each cell is normalised once (`texts`); `memo` (one per sheet) remembers what a parser made
    of a value, so the few distinct dates, codes and roles of a roster are parsed once each.
    """

    def __init__(
        self,
        file: str,
        sheet: str,
        header: Header,
        number: int,
        cells: list[Any],
        registry: Registry,
        texts: list[str] | None = None,
        memo: Memo | None = None,
    ) -> None:
        self.file, self.sheet, self.header, self.number = file, sheet, header, number
        self.cells, self.registry = cells, registry
        self.texts = texts if texts is not None else [v.normalise_text(c) for c in cells]
        self.columns = header.columns
        self.memo = memo if memo is not None else Memo()
        self.problems: list[Problem] = []
        self.deferred: list[Deferred] = []

    def raw(self, name: str) -> Any:
        index = self.columns.get(name)
        if index is None or index >= len(self.cells):
            return None
        return self.cells[index]

    def _text(self, name: str) -> str:
        index = self.columns.get(name)
        if index is None or index >= len(self.texts):
            return ""
        return self.texts[index]

    def has(self, name: str) -> bool:
        return self._text(name) != ""

    def text(self, name: str, required: bool = False) -> str | None:
        value = self._text(name)
        if not value:
            if required:
                self.fail(name, "", "REQUIRED", "必填项为空", "a required value is missing")
            return None
        return value

    def parse(self, name: str, parser: Callable[[Any], Any], required: bool = False) -> Any:
        index = self.columns.get(name)  # `_text` and `raw` inlined: ~12 calls a row
        if index is None or index >= len(self.texts) or not self.texts[index]:
            if required:
                self.fail(name, "", "REQUIRED", "必填项为空", "a required value is missing")
            return None
        value = self.cells[index]
        cache = self.memo.values.get((name, parser))
        if cache is None:
            cache = self.memo.values[(name, parser)] = {}
        key = (value.__class__, value)
        outcome = cache.get(key, _MISSING)
        if outcome is _MISSING:
            try:
                outcome = parser(value)
            except v.InvalidValue as error:
                outcome = error
            if len(cache) < MEMO_VALUES:
                cache[key] = outcome
        if isinstance(outcome, v.InvalidValue):
            self.fail(name, value, outcome.code, outcome.zh, outcome.en)
            return None
        return outcome

    def fail(self, name: str, value: Any, code: str, zh: str, en: str) -> None:
        column = self.header.heading(name) if name in self.header.columns else name
        shown = "" if value is None else str(value)
        self.problems.append(
            Problem(self.file, self.sheet, self.number, column, shown, code, zh, en)
        )

    def unit(self, name: str, label: Label, ref: str, defer_same_kind: bool = False) -> str | None:
        """Check a unit key (a federation, council, brand ...) exists; None when it does not."""
        if self.registry.has_unit(label.value, ref):
            return ref
        if defer_same_kind:
            self.deferred.append(Deferred(self.number, name, ref, label.value))
            return ref
        self.fail(
            name,
            ref,
            "UNKNOWN_REFERENCE",
            f"图中和本次导入中都没有这个{_LABEL_ZH.get(label, label.value)}",
            f"no such {label.value} in the graph or in this load",
        )
        return None

    def community(self, name: str = "community") -> str | None:
        ref = self.text(name)
        if ref is None:
            return None
        hints = [self.text("township") or "", self.text("district") or ""]
        return self._area(name, ref, AreaLevel.COMMUNITY, hints)

    def area(self, name: str, level: str | None = None) -> str | None:
        ref = self.text(name, required=True)
        if ref is None:
            return None
        if level is None:
            if ref in self.registry.areas:
                return ref
            self.fail(name, ref, "UNKNOWN_AREA", "没有这个区划代码", "no area with this code")
            return None
        return self._area(name, ref, level, [])

    def _area(self, name: str, ref: str, level: str, hints: list[str]) -> str | None:
        found = self.registry.find_area(ref, level, hints)
        if len(found) == 1:
            return found[0]
        if found:
            self.fail(
                name,
                ref,
                "AMBIGUOUS_AREA",
                "有多个同名地区，请填写区划代码或所属街道/镇",
                "several areas have this name; give the code or the township",
            )
        else:
            self.fail(name, ref, "UNKNOWN_AREA", "没有这个地区", "no such area")
        return None

    def grid(self, name: str, community: str | None) -> str | None:
        ref = self.text(name)
        if ref is None:
            return None
        found = self.registry.find_grid(ref, community)
        if len(found) == 1:
            return found[0]
        if found:
            self.fail(
                name,
                ref,
                "AMBIGUOUS_GRID",
                "有多个同名网格，请填写网格编码或所属社区",
                "several grids have this name; give the grid code or the community",
            )
            return None
        self.fail(
            name,
            ref,
            "UNKNOWN_GRID",
            "图中和本次导入中都没有这个网格",
            "no such grid in the graph or in this load",
        )
        return None


_LABEL_ZH = {
    Label.FEDERATION: "妇联",
    Label.SISTERS_GROUP: "姊妹团",
    Label.COUNCIL: "妇女议事会",
    Label.VENUE: "阵地",
    Label.SERVICE_BRAND: "品牌",
    Label.DEPARTMENT: "部门",
    Label.CATEGORY: "家庭分类",
    Label.FAMILY: "家庭",
    Label.CASE: "案件",
    Label.PERSON: "人员",
}

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


def _choice(table: dict[str, str], zh: str, en: str) -> Callable[[Any], str]:
    keyed = {v.normalise_text(k).lower(): value for k, value in table.items()}

    def parse(value: Any) -> str:
        text = v.normalise_text(value).replace(" ", "").lower()
        if text in keyed:
            return keyed[text]
        raise v.InvalidValue("CHOICE", zh, en)

    return parse


def _roles(table: dict[str, Role], zh: str, en: str) -> Callable[[Any], list[Role]]:
    one = _choice(
        {**{k: r.value for k, r in table.items()}, **{r.value: r.value for r in table.values()}},
        zh,
        en,
    )

    def parse(value: Any) -> list[Role]:
        parts = [p for p in re.split(r"[、,，;；/]", v.normalise_text(value)) if p.strip()]
        return list(dict.fromkeys(Role(one(p)) for p in parts))

    return parse


GRID_ROLES = _roles(
    {
        "网格长": Role.GRID_HEAD,
        "专职网格员": Role.FULL_TIME_GRID_WORKER,
        "网格员": Role.FULL_TIME_GRID_WORKER,
        "兼职网格员": Role.PART_TIME_GRID_WORKER,
        "楼长": Role.BUILDING_HEAD,
        "楼栋长": Role.BUILDING_HEAD,
        "网格指导员": Role.GRID_INSTRUCTOR,
    },
    "网格职务应为 网格长、专职网格员、兼职网格员、楼长 或 网格指导员",
    "grid role must be 网格长, 专职网格员, 兼职网格员, 楼长 or 网格指导员",
)
FEDERATION_ROLES = _roles(
    {
        "主席": Role.FEDERATION_CHAIR,
        "妇联主席": Role.FEDERATION_CHAIR,
        "副主席": Role.FEDERATION_VICE_CHAIR,
        "妇联副主席": Role.FEDERATION_VICE_CHAIR,
        "执委": Role.FEDERATION_EXECUTIVE,
        "妇联执委": Role.FEDERATION_EXECUTIVE,
        "法律明白人": Role.LEGAL_SAVVY_PERSON,
        "妇联法律明白人": Role.LEGAL_SAVVY_PERSON,
    },
    "妇联职务应为 主席、副主席、执委 或 法律明白人",
    "federation role must be 主席, 副主席, 执委 or 法律明白人",
)
GROUP_ROLES = _roles(
    {
        "团长": Role.SISTERS_GROUP_LEADER,
        "成员": Role.SISTERS_GROUP_MEMBER,
        "团员": Role.SISTERS_GROUP_MEMBER,
    },
    "姊妹团职务应为 团长 或 成员",
    "sisters-group role must be 团长 (leader) or 成员 (member)",
)
COUNCIL_ROLES = _roles(
    {"召集人": Role.COUNCIL_CONVENER, "成员": Role.COUNCIL_MEMBER, "议事员": Role.COUNCIL_MEMBER},
    "议事会职务应为 召集人 或 成员",
    "council role must be 召集人 (convener) or 成员 (member)",
)
VENUE_ROLES = _roles(
    {
        "婚姻调解志愿者": Role.MEDIATION_VOLUNTEER,
        "调解志愿者": Role.MEDIATION_VOLUNTEER,
        "志愿者": Role.MEDIATION_VOLUNTEER,
    },
    "志愿服务应为 婚姻调解志愿者",
    "volunteer role must be 婚姻调解志愿者 (marriage-mediation volunteer)",
)

AREA_KINDS = {
    "市": AreaLevel.CITY,
    "区": AreaLevel.DISTRICT,
    "县": AreaLevel.DISTRICT,
    "街道": AreaLevel.TOWNSHIP,
    "镇": AreaLevel.TOWNSHIP,
    "乡": AreaLevel.TOWNSHIP,
    "社区": AreaLevel.COMMUNITY,
    "村": AreaLevel.COMMUNITY,
}
GRID_KINDS = _choice(
    {
        "综合": "COMPREHENSIVE",
        "综合网格": "COMPREHENSIVE",
        "comprehensive": "COMPREHENSIVE",
        "专属": "DEDICATED",
        "专属网格": "DEDICATED",
        "dedicated": "DEDICATED",
    },
    "网格类型应为 综合 或 专属",
    "grid kind must be 综合 (comprehensive) or 专属 (dedicated)",
)
VENUE_KINDS = _choice(
    {
        "综治中心": "GOVERNANCE_CENTRE",
        "婚姻家庭辅导中心": "COUNSELLING_CENTRE",
        "12338妇联维权服务中心": "RIGHTS_CENTRE_12338",
        "调解室": "MEDIATION_ROOM",
        "婚姻登记处": "MARRIAGE_REGISTRY",
        "宣讲微站": "OUTREACH_STATION",
        "议事室": "COUNCIL_ROOM",
        **{
            k: k
            for k in (
                "GOVERNANCE_CENTRE",
                "COUNSELLING_CENTRE",
                "RIGHTS_CENTRE_12338",
                "MEDIATION_ROOM",
                "MARRIAGE_REGISTRY",
                "OUTREACH_STATION",
                "COUNCIL_ROOM",
            )
        },
    },
    "阵地类型无法识别",
    "unknown venue kind",
)
CASE_CATEGORIES = {
    "婚姻家庭": "MARRIAGE_FAMILY",
    "邻里": "NEIGHBOUR",
    "房屋宅基地": "HOUSING_LAND",
    "损害赔偿": "DAMAGES",
    "合同": "CONTRACT",
    "山林土地": "LAND_CONTRACTING",
    "征地拆迁": "DEMOLITION",
    "劳动争议": "LABOUR",
    "村务管理": "VILLAGE_AFFAIRS",
    "环境污染": "ENVIRONMENT",
    "道路交通": "TRAFFIC",
    "医疗纠纷": "MEDICAL",
    "物业纠纷": "PROPERTY_MANAGEMENT",
    "其他": "OTHER",
}
CASE_CATEGORY = _choice(
    {**CASE_CATEGORIES, **{x: x for x in CASE_CATEGORIES.values()}},
    "纠纷类型无法识别",
    "unknown dispute category",
)
CASE_STATUS_ZH = {
    "上报": "REPORTED",
    "受理": "ACCEPTED",
    "分派": "DISPATCHED",
    "处置": "HANDLING",
    "反馈": "FED_BACK",
    "核查": "VERIFIED",
    "结案": "CLOSED",
    "退回": "REJECTED",
}
CASE_STATUS = _choice(
    {**CASE_STATUS_ZH, **{s.value: s.value for s in CaseStatus}},
    "状态无法识别",
    "unknown case status",
)


def _split(text: str | None) -> list[str]:
    return [p.strip() for p in re.split(r"[、,，;；]", text or "") if p.strip()]


# --- kinds ----------------------------------------------------------------------------------


def parse_area(c: RowContext) -> Record | None:
    code = c.text("code", required=True)
    name = c.text("name", required=True)
    kind = c.text("kind")
    if code and not re.fullmatch(r"\d{6}|\d{9}|\d{12}", code):
        c.fail(
            "code",
            code,
            "AREA_CODE",
            "区划代码应为 6、9 或 12 位数字",
            "an area code has 6, 9 or 12 digits",
        )
        code = None
    if kind is None and name:
        kind = next(
            (k for k in ("街道", "社区", "市", "区", "县", "镇", "乡", "村") if name.endswith(k)),
            None,
        )
    if kind not in AREA_KINDS:
        c.fail(
            "kind",
            kind,
            "AREA_KIND",
            "区划类型应为 市、区、县、街道、镇、社区 或 村",
            "area kind must be 市, 区, 县, 街道, 镇, 社区 or 村",
        )
        return None
    parent = c.text("parent")
    level = AREA_KINDS[kind]
    if parent and parent not in c.registry.areas:
        c.deferred.append(Deferred(c.number, "parent", parent, Label.AREA.value))
    if not code or not name:
        return None
    props = {
        "name": name,
        "level": level.value,
        "kind": kind,
        "validFrom": c.parse("valid_from", v.parse_date),
        "synthetic": c.parse("synthetic", parse_bool) or None,
    }
    return Record(
        "areas", c.number, code, Label.AREA, props, {"PART_OF": [parent] if parent else []}
    )


def parse_grid(c: RowContext) -> Record | None:
    code = c.text("code", required=True)
    name = c.text("name", required=True)
    if "community" not in c.header.columns and code:
        community = code.split("-")[0]
        community = community if community in c.registry.areas else c.community("community")
    else:
        community = c.community()
        if community is None and not c.has("community"):
            c.text("community", required=True)
    if code and v.grid_code_community(code) is None:
        c.fail(
            "code",
            code,
            "GRID_CODE",
            "网格编码应为 社区代码-三位序号，如 370303006001-007",
            "a grid code is the community code, a dash and 3 digits, e.g. 370303006001-007",
        )
        return None
    props = {
        "name": name,
        "kind": c.parse("kind", GRID_KINDS) or "COMPREHENSIVE",
        "households": c.parse("households", parse_int),
    }
    if not code or not name or not community:
        return None
    return Record("grids", c.number, code, Label.GRID, props, {"IN": [community]})


def parse_federation(c: RowContext) -> Record | None:
    area = c.area("area")
    code = c.text("code") or (f"FED-{area}" if area else None)
    name = c.text("name", required=True)
    if not code or not name or not area:
        return None
    level = c.registry.areas[area].level
    return Record(
        "federations",
        c.number,
        code,
        Label.FEDERATION,
        {"name": name, "level": level},
        {"IN": [area]},
    )


def parse_group(c: RowContext) -> Record | None:
    area = c.area("area")
    code = c.text("code") or (f"SG-{area}" if area else None)
    name = c.text("name", required=True)
    parent = c.text("parent")
    if parent:
        c.unit("parent", Label.SISTERS_GROUP, parent, defer_same_kind=True)
    props = {
        "name": name,
        "founded": c.parse("founded", v.parse_date),
        "pilot": bool(c.parse("pilot", parse_bool)),
    }
    if not code or not name or not area:
        return None
    return Record(
        "groups",
        c.number,
        code,
        Label.SISTERS_GROUP,
        props,
        {"IN": [area], "PART_OF": [parent] if parent else []},
        extra={"area": area},
    )


def parse_council(c: RowContext) -> Record | None:
    community = c.community()
    if community is None and not c.has("community"):
        c.text("community", required=True)
    code = c.text("code") or (f"WC-{community}" if community else None)
    name = c.text("name", required=True)
    brand = c.text("brand")
    if brand:
        c.unit("brand", Label.SERVICE_BRAND, brand)
    props = {"name": name, "founded": c.parse("founded", v.parse_date)}
    if not code or not name or not community:
        return None
    return Record(
        "councils",
        c.number,
        code,
        Label.COUNCIL,
        props,
        {"IN": [community], "BRANDED_AS": [brand] if brand else []},
        extra={"area": community},
    )


def parse_venue(c: RowContext) -> Record | None:
    code = c.text("code", required=True)
    name = c.text("name", required=True)
    area = c.area("area")
    brand = c.text("brand")
    if brand:
        c.unit("brand", Label.SERVICE_BRAND, brand)
    federation = c.text("federation")
    if federation:
        c.unit("federation", Label.FEDERATION, federation)
    props = {
        "name": name,
        "kind": c.parse("kind", VENUE_KINDS, required=True),
        "address": c.text("address"),
    }
    if not code or not name or not area:
        return None
    return Record(
        "venues",
        c.number,
        code,
        Label.VENUE,
        props,
        {
            "IN": [area],
            "BRANDED_AS": [brand] if brand else [],
            "RUNS": [federation] if federation else [],
        },
    )


def parse_family(c: RowContext) -> Record | None:
    code = c.text("code", required=True)
    name = c.text("name", required=True)
    grid = c.grid("grid", None) if c.has("grid") else c.text("grid", required=True)
    category = c.text("category")
    if category:
        c.unit("category", Label.CATEGORY, category)
    props = {"name": name, "members": c.parse("members", parse_int), "address": c.text("address")}
    extra = {
        "category": category,
        "since": c.parse("classified_since", v.parse_date),
        "by": c.text("classified_by"),
    }
    if not code or not name or not grid:
        return None
    return Record("families", c.number, code, Label.FAMILY, props, {"IN": [grid]}, extra=extra)


def _person_ref(c: RowContext, name: str, value: str) -> str | None:
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


def parse_visit(c: RowContext) -> Record | None:
    visitor = c.text("visitor", required=True)
    family = c.text("family", required=True)
    when = c.parse("date", v.parse_date, required=True)
    person = _person_ref(c, "visitor", visitor) if visitor else None
    if family:
        c.unit("family", Label.FAMILY, family)
    if not person or not family or not when:
        return None
    key = f"{person}|{family}|{when.isoformat()}"
    return Record(
        "visits",
        c.number,
        key,
        Label.PERSON,
        {"date": when, "note": c.text("note")},
        extra={"person": person, "family": family},
    )


def parse_case(c: RowContext) -> Record | None:
    key = c.text("id", required=True)
    if key and not re.fullmatch(r"C\d{4}-\d{6}", key):
        c.fail(
            "id",
            key,
            "CASE_ID",
            "案件编号应为 C年份-6位数字，如 C2025-000123",
            "a case id is C, the year, a dash and 6 digits, e.g. C2025-000123",
        )
        key = None
    title = c.text("title", required=True)
    grid = c.grid("grid", None)
    links: dict[str, list[str]] = {"IN": [grid] if grid else []}
    venue = c.text("venue")
    links["HANDLED_AT"] = [venue] if venue and c.unit("venue", Label.VENUE, venue) else []
    links["REFERRED_TO"] = [
        d for d in _split(c.text("departments")) if c.unit("departments", Label.DEPARTMENT, d)
    ]
    links["INVOLVES"] = [
        f for f in _split(c.text("families")) if c.unit("families", Label.FAMILY, f)
    ]
    links["MEDIATED"] = [
        p for m in _split(c.text("mediators")) if (p := _person_ref(c, "mediators", m))
    ]
    reporter = c.text("reporter")
    links["REPORTED"] = [p] if reporter and (p := _person_ref(c, "reporter", reporter)) else []
    props = {
        "title": title,
        "name": title,
        "category": c.parse("category", CASE_CATEGORY, required=True),
        "status": c.parse("status", CASE_STATUS, required=True),
        "reportedAt": c.parse("reported_at", parse_instant, required=True),
        "closedAt": c.parse("closed_at", parse_instant),
        "summary": c.text("summary"),
        "outcome": c.text("outcome"),
    }
    if not key or not title:
        return None
    return Record("cases", c.number, key, Label.CASE, props, links)


def parse_step(c: RowContext) -> Record | None:
    case = c.text("case", required=True)
    seq = c.parse("seq", parse_int, required=True)
    if case:
        c.unit("case", Label.CASE, case)
    action = c.text("action", required=True)
    actor_id = c.text("actor_id")
    actor = _person_ref(c, "actor_id", actor_id) if actor_id else None
    props = {
        "title": action,
        "action": action,
        "seq": seq,
        "fromStatus": c.parse("from_status", CASE_STATUS),
        "toStatus": c.parse("to_status", CASE_STATUS),
        "at": c.parse("at", parse_instant, required=True),
        "actor": c.text("actor"),
        "note": c.text("note"),
    }
    if not case or seq is None or not action:
        return None
    return Record(
        "steps",
        c.number,
        f"{case}#{seq}",
        Label.CASE_STEP,
        props,
        {"HAS_STEP": [case], "BY": [actor] if actor else []},
    )


def parse_person(c: RowContext) -> Record | None:
    name = c.parse("name", v.parse_name, required=True) or None
    resident = c.parse("id_number", v.parse_id_number)
    birth = c.parse("birth_date", v.parse_date)
    gender = c.parse("gender", v.parse_gender)
    if resident is not None:
        if birth is not None and (birth.year, birth.month) != (
            resident.birth_date.year,
            resident.birth_date.month,
        ):
            c.fail(
                "birth_date",
                c.raw("birth_date"),
                "BIRTH_DATE_MISMATCH",
                "出生日期与身份证号不一致",
                "the birth date does not match the ID number",
            )
        if gender is not None and gender != resident.gender:
            c.fail(
                "gender",
                c.raw("gender"),
                "GENDER_MISMATCH",
                "性别与身份证号不一致",
                "the gender does not match the ID number",
            )
        birth = birth if birth and birth.day != 1 else resident.birth_date
        gender = gender or resident.gender
    political = c.parse("political_status", v.parse_political_status)
    community = c.community() if c.has("community") else None
    grid = c.grid("grid", community) if c.has("grid") else None
    if community is None and grid is not None:
        community = c.registry.grids[grid][1]
    since = c.parse("since", v.parse_date)
    appointments: list[Appointment] = []
    grid_roles = c.parse("grid_role", GRID_ROLES) or []
    if grid_roles and grid is None and not c.has("grid"):
        c.text("grid", required=True)
    building = c.text("building")
    appointments += [
        Appointment(r, grid, since, building if r == Role.BUILDING_HEAD else None, "grid_role")
        for r in grid_roles
        if grid
    ]
    for role_field, unit_field, parser, label, prefix in (
        ("federation_role", "federation", FEDERATION_ROLES, Label.FEDERATION, "FED-"),
        ("group_role", "group", GROUP_ROLES, Label.SISTERS_GROUP, "SG-"),
        ("council_role", "council", COUNCIL_ROLES, Label.COUNCIL, "WC-"),
        ("venue_role", "venue", VENUE_ROLES, Label.VENUE, None),
    ):
        roles = c.parse(role_field, parser) or []
        if not roles:
            continue
        ref = c.text(unit_field) or (f"{prefix}{community}" if prefix and community else None)
        if ref is None:
            c.text(unit_field, required=True)
            continue
        if c.unit(unit_field if c.has(unit_field) else role_field, label, ref):
            appointments += [Appointment(r, ref, since, None, role_field) for r in roles]
    if name is None:
        return None
    number = resident.number if resident else None
    identity = c.registry.identity
    key = identity.person_id(number, name, birth, community or "")
    props = {
        "name": name,
        "gender": gender,
        "ethnicity": c.text("ethnicity"),
        "birthDate": birth,
        "idNumber": number,
        "idNumberHash": identity.id_number_hash(number) if number else None,
        "phone": c.parse("phone", v.parse_phone),
        "politicalStatus": political,
        "partyMember": (political in v.PARTY_MEMBER_STATUSES) if political else None,
        "education": c.text("education"),
        "employer": c.text("employer"),
        "synthetic": c.parse("synthetic", parse_bool) or None,
    }
    return Record(
        "people",
        c.number,
        key,
        Label.PERSON,
        props,
        {"LIVES_IN": [community] if community else []},
        appointments,
    )


@dataclass(frozen=True)
class Kind:
    name: str
    label: Label
    parse: Callable[[RowContext], Record | None]
    required: tuple[str, ...]
    needs_persons: bool = False


KINDS: dict[str, Kind] = {
    k.name: k
    for k in (
        Kind("areas", Label.AREA, parse_area, ("code", "name")),
        Kind("grids", Label.GRID, parse_grid, ("code", "name")),
        Kind("federations", Label.FEDERATION, parse_federation, ("name", "area")),
        Kind("groups", Label.SISTERS_GROUP, parse_group, ("name", "area")),
        Kind("councils", Label.COUNCIL, parse_council, ("name", "community")),
        Kind("venues", Label.VENUE, parse_venue, ("code", "name", "kind")),
        Kind("people", Label.PERSON, parse_person, ("name",)),
        Kind("families", Label.FAMILY, parse_family, ("code", "name", "grid")),
        Kind("cases", Label.CASE, parse_case, ("id", "title", "category"), needs_persons=True),
        Kind("steps", Label.CASE_STEP, parse_step, ("case", "seq", "action"), needs_persons=True),
        Kind(
            "visits", Label.PERSON, parse_visit, ("visitor", "family", "date"), needs_persons=True
        ),
    )
}
"""Kinds in load order: a file may refer to what the files of earlier kinds declare."""

REQUIRED_FIELDS = {name: kind.required for name, kind in KINDS.items()}


def register(record: Record, registry: Registry) -> None:
    """Make a valid record visible to the rows and files that come after it."""
    if record.kind == "areas":
        parent = (record.links.get("PART_OF") or [None])[0]
        registry.add_area(Area(record.key, record.props["name"], record.props["level"], parent))
    elif record.kind == "grids":
        registry.add_grid(record.key, record.props["name"], record.links["IN"][0])
    elif record.kind == "people":
        registry.persons.add(record.key)
    elif record.kind != "visits":
        registry.add_unit(record.label.value, record.key)
