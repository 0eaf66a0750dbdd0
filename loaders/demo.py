"""A deterministic synthetic Zibo network, written as roster files and loaded like any roster.

`write_rosters(out, scale)` writes the areas, grids, federations, sisters groups, councils,
venues, people, families, visits, cases and case steps as real files (xlsx with a merged title
row, and GBK CSV); `run_demo` seeds the organisations (`demo_seed`) and loads the files through
`loaders.pipeline.load_files`. At scale 1 the counts of what is current equal the article's
figures (`FIGURES`).

History comes the way a federation gets it, from roster editions: for a quarter of the
communities the demo also writes an earlier edition of their people roster and of their
families roster. Their current people roster is loaded after the earlier one as a complete
roster, so the loader ends (`until`) the appointments of the people who left in between; their
current families roster gives the families reclassified since a new category and its date.

Synthetic markers: every generated person's name ends in `（示例）` and carries
`synthetic: true`; their ID numbers are checksum-valid but use the area code 370399, which
GB/T 2260 never assigned, and their mobiles are 19905xxxxxx. Generated township and community
names carry `synthetic: true` too. The real people of the article get no phone or ID number.
"""

from __future__ import annotations

import csv
import random
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from pathlib import Path
from typing import Any, LiteralString

from openpyxl import Workbook

from core.identity import IdentityKey
from core.model import CaseCategory, CaseStatus
from core.validation import make_id_number
from core.workflow import PATH, CaseAction

SEED = 20250422
MARK = "（示例）"
SYNTHETIC_AREA = "370399"
ARTICLE_DATE = date(2025, 4, 22)

FIGURES = {
    "members": 12749,
    "legalSavvy": 3374,
    "councils": 2926,
    "zhangdianGrids": 1466,
    "pilotCommunities": 10,
    "departments": 8,
    "districts": 8,
    "townships": 88,
}
"""The article's figures (and the brief's 88 townships) at scale 1."""

DISTRICTS = [
    ("370302", "淄川区", "区"),
    ("370303", "张店区", "区"),
    ("370304", "博山区", "区"),
    ("370305", "临淄区", "区"),
    ("370306", "周村区", "区"),
    ("370321", "桓台县", "县"),
    ("370322", "高青县", "县"),
    ("370323", "沂源县", "县"),
]
REAL_TOWNSHIPS = {
    "370303": "车站:001:街道 公园:002:街道 湖田:003:街道 和平:004:街道 科苑:005:街道 "
    "体育场:006:街道 四宝山:008:街道 马尚:009:街道 南定:101:镇 沣水:102:镇 傅家:104:镇 "
    "中埠:105:镇 房镇:107:镇",
    "370302": "般阳路:001:街道 松龄路:002:街道 钟楼:004:街道 将军路:005:街道 昆仑:102:镇 "
    "岭子:104:镇 西河:111:镇 龙泉:112:镇 寨里:113:镇 罗村:114:镇 洪山:115:镇 双杨:116:镇 "
    "太河:117:镇",
    "370323": "历山:001:街道 南麻:002:街道 鲁村:102:镇 东里:103:镇 悦庄:104:镇 西里:105:镇 "
    "大张庄:106:镇 中庄:107:镇 张家坡:108:镇 燕崖:109:镇 石桥:110:镇 南鲁山:111:镇",
}
SYNTHETIC_TOWNSHIPS = {"370304": 9, "370305": 12, "370306": 10, "370321": 9, "370322": 10}
PLACE_CHARS = "东西南北安和丰泰兴华清河山泉岭峪桥柳槐杨松阳光明新盛宁祥瑞"
SURNAMES = (
    "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐"
    "冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎"
)
GIVEN = "秀英桂兰玉梅丽娟红艳芳敏静霞燕萍华琴云凤洁玲淑珍慧丹婷雪颖晓春海明建国军伟强磊"

ZHANGDIAN, ZICHUAN, YIYUAN = "370303", "370302", "370323"
TIYUCHANG = "370303006"
LIUYI = "370303006001"
NANMA = "370323002"
FANZIYU = "370323002201"
REGISTRY = "VEN-370302-HYDJC"
OUTREACH = "VEN-370323002201-XJWZ"
ZHANGDIAN_FOUNDED = date(2024, 11, 1)

EDITIONS = (
    ("a", date(2024, 6, 30), date(2024, 12, 31)),
    ("b", date(2024, 9, 30), date(2025, 2, 28)),
    ("c", date(2024, 11, 30), date(2025, 3, 31)),
)
"""Roster editions (label, earlier as-of date, current as-of date): each re-submitted community
sends its people roster as of both dates (Zhangdian's groups, founded in November 2024, only
the last pair)."""
RESUBMITTED = 0.25
"""Share of the communities with two roster editions."""
LEFT = {"chair": 0.05, "executive": 0.08, "grid": 0.10, "other": 0.14}
"""Chance, by her senior post, that a person took up her posts between the two editions, her
predecessor having left them: the predecessor's appointments end at the current edition."""
STEPPED_DOWN = 0.1
"""Chance that a person who stayed held one more post in the earlier edition (法律明白人, a
sisters-group or a council seat) and gave it up."""
FIRST_CLASSIFIED = date(2024, 9, 1)
"""When families were first classified (the date of the earlier families roster)."""
RECLASSIFIED = 0.2
"""Share of the re-submitted communities' families classified differently since then."""


@dataclass
class Person:
    name: str
    community: str
    gender: str = "F"
    born: date | None = None
    id_number: str | None = None
    phone: str | None = None
    political: str = "群众"
    grid: str | None = None
    grid_role: str | None = None
    building: str | None = None
    fed_roles: list[str] = field(default_factory=list)
    federation: str | None = None
    group_role: str | None = None
    council_role: str | None = None
    venue: str | None = None
    since: date | None = None
    synthetic: bool = True
    township: str = ""

    def key(self, identity: IdentityKey) -> str:
        """`Person.id` as the loader derives it, for rosters that name this person."""
        return identity.person_id(
            self.id_number, self.name, self.born if not self.id_number else None, self.community
        )


@dataclass
class Edition:
    """The people rosters of some communities in two editions: `before` as of `earlier`,
    `after` (their current people) as of `current`, loaded as a complete roster."""

    label: str
    earlier: date
    current: date
    communities: list[str] = field(default_factory=list)
    before: list[Person] = field(default_factory=list)
    after: list[Person] = field(default_factory=list)


@dataclass
class Network:
    """Everything the rosters hold, in memory (the demo is small enough: ~20k people at 1)."""

    scale: float
    areas: list[list[Any]] = field(default_factory=list)
    communities: list[tuple[str, str, str]] = field(default_factory=list)  # code, name, district
    grids: list[list[Any]] = field(default_factory=list)
    grids_of: dict[str, list[str]] = field(default_factory=dict)
    people: list[Person] = field(default_factory=list)
    worker_of: dict[str, Person] = field(default_factory=dict)
    editions: list[Edition] = field(default_factory=list)
    handover: dict[str, tuple[Person, date]] = field(default_factory=dict)
    """grid -> (the grid worker who left, the date her successor's appointment began)."""

    def worker_at(self, grid: str, day: date) -> Person:
        """The grid's worker on `day` (her predecessor before a handover)."""
        former = self.handover.get(grid)
        return former[0] if former and day < former[1] else self.worker_of[grid]

    @property
    def resubmitted(self) -> set[str]:
        return {c for e in self.editions for c in e.communities}


def _allocate(total: int, buckets: int) -> list[int]:
    base, extra = divmod(total, buckets)
    return [base + (1 if i < extra else 0) for i in range(buckets)]


class Generator:
    def __init__(self, scale: float) -> None:
        self.scale = scale
        self.rng = random.Random(SEED)
        self.net = Network(scale)
        self.serial = 0

    def n(self, figure: int) -> int:
        return max(1, round(figure * self.scale))

    # --- names and identities -------------------------------------------------------------

    def place_name(self, used: set[str]) -> str:
        while True:
            name = self.rng.choice(PLACE_CHARS) + self.rng.choice(PLACE_CHARS)
            if name not in used:
                used.add(name)
                return name

    def person(self, community: str, gender: str = "F", **kwargs: Any) -> Person:
        """A new synthetic person on the current rosters."""
        person = self.new_person(self.rng, community, gender, **kwargs)
        self.net.people.append(person)
        return person

    def new_person(
        self, rng: random.Random, community: str, gender: str = "F", **kwargs: Any
    ) -> Person:
        self.serial += 1
        n = self.serial
        born = date(1955, 1, 1) + timedelta(days=(n * 7919) % 15000)
        name = rng.choice(SURNAMES) + "".join(rng.sample(GIVEN, rng.choice((1, 2))))
        return Person(
            name=name + MARK,
            community=community,
            gender=gender,
            born=born,
            id_number=make_id_number(SYNTHETIC_AREA, born, n // 15000, gender),
            phone=f"19905{n:06d}",
            political=rng.choices(["中共党员", "群众", "共青团员"], [35, 60, 5])[0],
            **kwargs,
        )

    # --- areas and grids ----------------------------------------------------------------------

    def build_areas(self) -> None:
        areas = self.net.areas
        areas.append(["370300", "淄博市", "市", "", "否"])
        townships: list[tuple[str, str, str, str]] = []  # code, name, kind, district
        for code, name, kind in DISTRICTS:
            areas.append([code, name, kind, "370300", "否"])
            if code in REAL_TOWNSHIPS:
                for item in REAL_TOWNSHIPS[code].split():
                    short, suffix, tkind = item.split(":")
                    townships.append((code + suffix, short + tkind, tkind, code))
            else:
                used: set[str] = set()
                count = SYNTHETIC_TOWNSHIPS[code]
                for i in range(count):
                    tkind = "街道" if i < count // 3 else "镇"
                    suffix = f"{i + 1:03d}" if tkind == "街道" else f"{100 + i:03d}"
                    townships.append((code + suffix, self.place_name(used) + tkind, tkind, code))
        for code, name, kind, district in townships:
            real = district in REAL_TOWNSHIPS
            areas.append([code, name, kind, district, "否" if real else "是"])
        zd = [t for t in townships if t[3] == ZHANGDIAN]
        rest = [t for t in townships if t[3] != ZHANGDIAN]
        total = self.n(FIGURES["councils"])
        zd_count = min(max(len(zd) and round(300 * self.scale), 10), total - 1)
        self._communities(zd, zd_count)
        self._communities(rest, total - zd_count)

    def _communities(self, townships: list[tuple[str, str, str, str]], total: int) -> None:
        order = sorted(townships, key=lambda t: (t[0] not in (TIYUCHANG, NANMA), t[0]))
        for (code, _, kind, district), count in zip(
            order, _allocate(total, len(order)), strict=True
        ):
            used: set[str] = {"柳毅", "范子峪"}
            for i in range(count):
                village = kind == "镇" or code == NANMA
                ccode = f"{code}{(201 if village else 1) + i:03d}"
                if ccode == LIUYI:
                    name, synthetic = "柳毅社区", "否"
                elif ccode == FANZIYU:
                    name, synthetic = "范子峪村", "否"
                else:
                    name, synthetic = self.place_name(used) + ("村" if village else "社区"), "是"
                self.net.areas.append([ccode, name, "村" if village else "社区", code, synthetic])
                self.net.communities.append((ccode, name, district))

    def build_grids(self) -> None:
        zd = [c for c in self.net.communities if c[2] == ZHANGDIAN]
        zd_grids = _allocate(self.n(FIGURES["zhangdianGrids"]), len(zd))
        counts = dict(zip((c[0] for c in zd), zd_grids, strict=True))
        for code, name, _ in self.net.communities:
            count = counts.get(code) or self.rng.choice((1, 2, 2, 3))
            self.net.grids_of[code] = []
            for i in range(max(count, 1)):
                gcode = f"{code}-{i + 1:03d}"
                kind = "专属" if i and self.rng.random() < 0.08 else "综合"
                households = (
                    self.rng.randint(280, 520) if kind == "综合" else self.rng.randint(20, 120)
                )
                self.net.grids.append([gcode, f"{name}第{i + 1}网格", code, kind, households])
                self.net.grids_of[code].append(gcode)

    # --- people -----------------------------------------------------------------------------

    def build_people(self) -> None:
        communities = [c[0] for c in self.net.communities]
        member_quota = _allocate(self.n(FIGURES["members"]) - 2, len(communities))  # + 2 real
        legal_quota = _allocate(self.n(FIGURES["legalSavvy"]), len(communities))
        for code, members, legal in zip(communities, member_quota, legal_quota, strict=True):
            since = date(2024, 11, 1) if code.startswith(ZHANGDIAN) else date(2024, 6, 1)
            chair = self.person(code, fed_roles=["主席"], council_role="召集人", since=since)
            executives = [chair] + [
                self.person(code, fed_roles=["执委"], council_role="成员", since=since)
                for _ in range(2)
            ]
            staff: list[Person] = []
            for index, grid in enumerate(self.net.grids_of[code]):
                dual = next(
                    (e for e in executives if e.grid is None and self.rng.random() < 0.35), None
                )
                worker = dual or self.person(code, self.rng.choice("FFM"), since=since)
                worker.grid, worker.grid_role = grid, ("网格长" if index == 0 else "专职网格员")
                self.net.worker_of[grid] = worker
                staff.append(worker)
            for _ in range(2):
                staff.append(self.person(code, council_role="成员", since=since))
            pool = list({id(p): p for p in executives + staff if p.gender == "F"}.values())
            self.rng.shuffle(pool)
            for i in range(legal):
                target = (
                    pool[i]
                    if i < len(pool) and self.rng.random() < 0.3
                    else self.person(code, since=since)
                )
                target.fed_roles = [*target.fed_roles, "法律明白人"]
            for i in range(members):
                target = pool[i] if i < len(pool) else self.person(code, since=since)
                target.group_role = "团长" if i == 0 else "成员"
        self._township_and_district_posts()
        self._real_people()

    def _township_and_district_posts(self) -> None:
        for row in self.net.areas:
            code, level_kind = row[0], row[2]
            if level_kind in ("社区", "村"):
                continue
            prefix = code[:4] if code == "370300" else code
            first = next((c for c in self.net.communities if c[0].startswith(prefix)), None)
            if first is None:
                continue
            for role in ("主席", "副主席", "执委"):
                self.person(
                    first[0], fed_roles=[role], federation=f"FED-{code}", since=date(2023, 3, 8)
                )

    def _real_people(self) -> None:
        grid = self.net.grids_of[LIUYI][0]
        self.net.people += [
            Person(
                "孟丹阳",
                LIUYI,
                group_role="成员",
                since=date(2024, 11, 1),
                synthetic=False,
                political="",
            ),
            Person(
                "魏素理",
                LIUYI,
                grid=grid,
                grid_role="楼长",
                group_role="成员",
                since=date(2024, 11, 1),
                synthetic=False,
                political="",
            ),
            Person(
                "马明", "", venue=REGISTRY, since=date(2024, 1, 1), synthetic=False, political=""
            ),
        ]
        zichuan = next(c[0] for c in self.net.communities if c[2] == ZICHUAN)
        for _ in range(2):
            self.person(zichuan, venue=REGISTRY, since=date(2024, 1, 1))

    # --- history: earlier roster editions ------------------------------------------------------

    def build_history(self) -> None:
        """Pick the re-submitted communities, share them among the `EDITIONS` and make up
        their earlier people rosters.

        Draws from its own random stream, so the current network is the same with or without
        history; only the `since` of the posts taken up between two editions moves to the
        current edition's date. The article's places (柳毅社区, 范子峪村) and the Zichuan
        community of the named case and its volunteers are left out."""
        rng = random.Random(SEED + 2)
        net = self.net
        zichuan = next(c[0] for c in net.communities if c[2] == ZICHUAN)
        candidates = [c[0] for c in net.communities if c[0] not in (LIUYI, FANZIYU, zichuan)]
        chosen = sorted(rng.sample(candidates, round(len(candidates) * RESUBMITTED)))
        net.editions = [Edition(label, earlier, current) for label, earlier, current in EDITIONS]
        for code in chosen:
            eligible = [
                e
                for e in net.editions
                if not code.startswith(ZHANGDIAN) or e.earlier >= ZHANGDIAN_FOUNDED
            ]
            rng.choice(eligible).communities.append(code)
        wave = {c: e for e in net.editions for c in e.communities}
        for person in net.people:
            edition = wave.get(person.community)
            if edition is None or person.federation or person.venue or not person.synthetic:
                continue
            edition.after.append(person)
            edition.before.append(self._earlier_self(rng, person, edition))

    def _earlier_self(self, rng: random.Random, person: Person, edition: Edition) -> Person:
        """Who held `person`'s posts in the earlier edition: her predecessor (who then left),
        herself with one more post (given up since), or herself."""
        if "主席" in person.fed_roles:
            senior = "chair"
        elif "执委" in person.fed_roles:
            senior = "executive"
        else:
            senior = "grid" if person.grid else "other"
        if rng.random() < LEFT[senior]:
            predecessor = self.new_person(
                rng,
                person.community,
                person.gender,
                grid=person.grid,
                grid_role=person.grid_role,
                building=person.building,
                fed_roles=list(person.fed_roles),
                group_role=person.group_role,
                council_role=person.council_role,
                since=person.since,
            )
            person.since = edition.current
            if person.grid:
                self.net.handover[person.grid] = (predecessor, edition.current)
            return predecessor
        if rng.random() < STEPPED_DOWN:
            posts: list[dict[str, Any]] = []
            if person.gender == "F" and "法律明白人" not in person.fed_roles:
                posts.append({"fed_roles": [*person.fed_roles, "法律明白人"]})
            if person.group_role is None:
                posts.append({"group_role": "成员"})
            if person.council_role is None:
                posts.append({"council_role": "成员"})
            if posts:
                return replace(person, **rng.choice(posts))
        return person


# --- files ------------------------------------------------------------------------------------


def _xlsx(
    path: Path, title: str, header: list[str], rows: Iterator[list[Any]] | list[list[Any]]
) -> Path:
    """An xlsx roster as offices keep them: a merged title row above the header."""
    rows = list(rows)
    big = len(rows) > 100_000
    book = Workbook(write_only=big)
    sheet = book.create_sheet("花名册") if big else book.active
    if not big:
        sheet.title = "花名册"
    sheet.append([title])
    if not big:
        sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(header))
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    book.save(path)
    return path


def _gbk_csv(path: Path, header: list[str], rows: Iterator[list[Any]] | list[list[Any]]) -> Path:
    with path.open("w", encoding="gbk", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    return path


PEOPLE_HEADER = [
    "序号",
    "姓名",
    "性别",
    "出生年月",
    "身份证号",
    "政治面貌",
    "联系电话",
    "所属村(社区)",
    "所属网格",
    "网格职务",
    "楼栋",
    "妇联职务",
    "所属妇联",
    "姊妹团职务",
    "议事会职务",
    "志愿服务",
    "志愿服务阵地",
    "任职时间",
    "示例数据",
]


@dataclass
class LoadStep:
    """Files loaded together, with the as-of date of the load (as complete rosters or not)."""

    files: list[Path]
    as_of: date
    complete_roster: bool = False


@dataclass
class Rosters:
    """The demo's roster files: `steps` are loaded one after the other; `earlier`, the earlier
    editions among them, need loading only once."""

    steps: list[LoadStep]
    earlier: list[Path]

    @property
    def files(self) -> list[Path]:
        return [f for step in self.steps for f in step.files]


def write_rosters(out: Path, scale: float, identity: IdentityKey) -> Rosters:
    """Generate the network at `scale` and write its rosters into `out`, in load order: the
    units, the earlier people editions and the city's people roster; each current edition (a
    complete roster as of its date); the earlier families edition, the families, visits, cases
    and steps."""
    out.mkdir(parents=True, exist_ok=True)
    g = Generator(scale)
    g.build_areas()
    g.build_grids()
    g.build_people()
    g.build_history()
    net = g.net
    rng = random.Random(SEED + 1)
    files = [
        _gbk_csv(
            out / "01-areas.csv", ["区划代码", "名称", "类型", "上级代码", "示例数据"], net.areas
        ),
        _xlsx(
            out / "02-grids.xlsx",
            "淄博市网格台账",
            ["网格编码", "网格名称", "所属社区", "网格类型", "户数"],
            net.grids,
        ),
    ]
    fed_rows = [[f"FED-{a[0]}", a[1] + "妇联", a[0]] for a in net.areas]
    files.append(
        _gbk_csv(out / "03-federations.csv", ["妇联编码", "妇联名称", "所在区划"], fed_rows)
    )
    pilots = {c[0] for c in net.communities if c[2] == ZHANGDIAN and c[0] != LIUYI}
    pilots = {LIUYI, *sorted(pilots)[: FIGURES["pilotCommunities"] - 1]}
    group_rows = [["SG-370300", "淄博市巾帼网格姊妹团", "370300", "", "2024-06-01", "否"]]
    for code, name, _ in DISTRICTS:
        founded = "2024-11" if code == ZHANGDIAN else "2024-06-01"
        group_rows.append([f"SG-{code}", f"{name}巾帼网格姊妹团", code, "SG-370300", founded, "否"])
    for code, name, district in net.communities:
        group_rows.append(
            [
                f"SG-{code}",
                f"{name}姊妹团",
                code,
                f"SG-{district}",
                "2024-11-01" if district == ZHANGDIAN else "2024-06-01",
                "是" if code in pilots else "否",
            ]
        )
    files.append(
        _gbk_csv(
            out / "04-groups.csv",
            ["姊妹团编码", "姊妹团名称", "所在区划", "上级姊妹团", "成立时间", "试点"],
            group_rows,
        )
    )
    council_rows = [
        [f"WC-{c}", f"{n}妇女解忧议事会", c, "2024-03-08", "BR-FNJYYSH"]
        for c, n, _ in net.communities
    ]
    files.append(
        _gbk_csv(
            out / "05-councils.csv",
            ["议事会编码", "议事会名称", "所属社区", "成立时间", "品牌"],
            council_rows,
        )
    )
    venue_rows = [
        [
            "VEN-370300-12338",
            "淄博市12338妇联维权服务中心",
            "RIGHTS_CENTRE_12338",
            "370300",
            "",
            "",
            "FED-370300",
        ],
        [REGISTRY, "淄川区婚姻登记处", "MARRIAGE_REGISTRY", ZICHUAN, "", "", "FED-370302"],
        ["VEN-370302-MMTJS", "马明调解室", "MEDIATION_ROOM", ZICHUAN, "", "BR-MMTJS", "FED-370302"],
        [
            "VEN-370300-SPJSTJS",
            "宋聘家事调解室",
            "MEDIATION_ROOM",
            "370300",
            "",
            "BR-SPJSTJS",
            "FED-370300",
        ],
        [
            OUTREACH,
            "范子峪村巾帼宣讲微站",
            "OUTREACH_STATION",
            FANZIYU,
            "范子峪村梧桐树下",
            "",
            f"FED-{FANZIYU}",
        ],
    ]
    for code, name, _ in DISTRICTS:
        venue_rows.append(
            [
                f"VEN-{code}-HYJT",
                f"{name}婚姻家庭辅导中心",
                "COUNSELLING_CENTRE",
                code,
                "",
                "",
                f"FED-{code}",
            ]
        )
    for row in net.areas:
        if row[2] in ("街道", "镇"):
            venue_rows.append(
                [f"VEN-{row[0]}-ZZ", f"{row[1]}综治中心", "GOVERNANCE_CENTRE", row[0], "", "", ""]
            )
    files.append(
        _gbk_csv(
            out / "06-venues.csv",
            ["阵地编码", "阵地名称", "阵地类型", "所在区划", "地址", "品牌", "主办妇联"],
            venue_rows,
        )
    )
    earlier = [
        _gbk_csv(out / f"07{e.label}-people-{e.earlier}.csv", PEOPLE_HEADER, _people_rows(e.before))
        for e in net.editions
    ]
    files += earlier
    resubmitted = {id(p) for e in net.editions for p in e.after}
    files.append(
        _xlsx(
            out / "07-people.xlsx",
            "淄博市巾帼网格“姊妹团”人员花名册（示例数据）",
            PEOPLE_HEADER,
            _people_rows(p for p in net.people if id(p) not in resubmitted),
        )
    )
    steps = [LoadStep(files, ARTICLE_DATE)]
    for e in net.editions:
        name = f"07{e.label}-people-{e.current}.csv"
        current = _gbk_csv(out / name, PEOPLE_HEADER, _people_rows(e.after))
        steps.append(LoadStep([current], e.current, complete_roster=True))
    earlier_families, last = _families_cases(out, net, rng, identity)
    steps.append(LoadStep([earlier_families, *last], ARTICLE_DATE))
    return Rosters(steps, [*earlier, earlier_families])


def _people_rows(people: Iterable[Person]) -> list[list[Any]]:
    return [
        [
            i + 1,
            p.name,
            "女" if p.gender == "F" else "男",
            p.born.strftime("%Y.%m") if p.born else "",
            p.id_number or "",
            p.political,
            p.phone or "",
            p.community,
            p.grid or "",
            p.grid_role or "",
            p.building or "",
            "、".join(p.fed_roles),
            p.federation or "",
            p.group_role or "",
            p.council_role or "",
            "婚姻调解志愿者" if p.venue else "",
            p.venue or "",
            p.since.isoformat() if p.since else "",
            "是" if p.synthetic else "否",
        ]
        for i, p in enumerate(people)
    ]


def _families_cases(
    out: Path, net: Network, rng: random.Random, identity: IdentityKey
) -> tuple[Path, list[Path]]:
    """The earlier families roster (`FIRST_CLASSIFIED`) of the re-submitted communities, and
    the current families, visits, cases and steps."""
    families, visits = [], []
    colours = {
        "SCH-WUSE": (["red", "orange", "pink", "blue", "green"], [3, 7, 10, 60, 20]),
        "SCH-QICAI": (
            ["red", "orange", "yellow", "pink", "purple", "blue", "green"],
            [2, 6, 6, 8, 3, 55, 20],
        ),
    }
    visits_for = {"red": 4, "orange": 2}
    for gcode, *_ in net.grids:
        scheme = "SCH-WUSE" if gcode.startswith(YIYUAN) else "SCH-QICAI"
        for i in range(3):
            fcode = f"F-{gcode}-{i + 1:03d}"
            colour = rng.choices(*colours[scheme])[0]
            families.append(
                [
                    fcode,
                    rng.choice(SURNAMES) + f"某某家{MARK}",
                    rng.randint(1, 6),
                    gcode,
                    f"{scheme}:{colour}",
                    FIRST_CLASSIFIED.isoformat(),
                ]
            )
            for k in range(visits_for.get(colour, 1)):
                day = date(2025, 4, 20) - timedelta(days=k * 30 + rng.randint(0, 5))
                visits.append(
                    [net.worker_at(gcode, day).key(identity), fcode, day.isoformat(), "入户走访"]
                )
    earlier_families = _reclassify(net, families, colours)
    cases, steps = [], []
    statuses = [s.value for s in CaseStatus if s is not CaseStatus.REJECTED]
    actions = PATH.split("→")
    categories = [c.value for c in CaseCategory]
    weights = [30, 20, 8, 6, 5, 4, 2, 6, 4, 3, 3, 2, 5, 2]
    depts = [
        "DEPT-ZFW",
        "DEPT-GAJ",
        "DEPT-SFJ",
        "DEPT-MZJ",
        "DEPT-FY",
        "DEPT-JCY",
        "DEPT-WJW",
        "DEPT-JYJ",
    ]
    family_codes = [f[0] for f in families]
    count = max(3, round(2400 * net.scale))
    zichuan_grid = next(g[0] for g in net.grids if g[0].startswith(ZICHUAN))
    zichuan_worker = net.worker_of[zichuan_grid]
    volunteers = [p for p in net.people if p.venue == REGISTRY]
    old_couple = f"F-{zichuan_grid}-001"
    cases.append(
        [
            "C2025-000001",
            "老夫妻生活琐事矛盾调解",
            "MARRIAGE_FAMILY",
            "CLOSED",
            "2025-03-03",
            "2025-03-10",
            zichuan_grid,
            "一对老夫妻因生活琐事产生矛盾，儿子通过社区联系淄川区婚姻登记处志愿者，马明等3名志愿者上门调解",
            "老夫妻打开心结，重归于好",
            REGISTRY,
            "、".join(p.key(identity) for p in volunteers),
            "",
            "",
            old_couple,
        ]
    )
    for seq, (status, action) in enumerate(zip(statuses, actions, strict=True), start=1):
        steps.append(
            [
                "C2025-000001",
                seq,
                action,
                statuses[seq - 2] if seq > 1 else "",
                status,
                f"2025-03-{2 + seq:02d}",
                "马明" if seq == 4 else zichuan_worker.name,
                volunteers[0].key(identity) if seq == 4 else zichuan_worker.key(identity),
                "上门调解" if seq == 4 else "",
            ]
        )
    for n in range(2, count + 1):
        grid = rng.choice(net.grids)[0]
        reported = date(2024, 4, 23) + timedelta(days=rng.randint(0, 360))
        worker = net.worker_at(grid, reported)
        last = rng.choices(range(7), [5, 5, 5, 10, 5, 5, 65])[0]
        rejected = rng.random() < 0.03
        status = "REJECTED" if rejected else statuses[last]
        category = rng.choices(categories, weights)[0]
        closed = reported + timedelta(days=rng.randint(2, 40)) if status == "CLOSED" else None
        dept = rng.choice(depts) if rng.random() < 0.15 else ""
        township = grid[:9]
        cid = f"C{reported.year}-{n:06d}"
        cases.append(
            [
                cid,
                f"{CaseCategory(category).zh}纠纷{MARK}",
                category,
                status,
                reported.isoformat(),
                closed.isoformat() if closed else "",
                grid,
                "",
                "调解成功" if closed else "",
                f"VEN-{township}-ZZ",
                worker.key(identity),
                worker.key(identity),
                dept,
                rng.choice(family_codes) if category == "MARRIAGE_FAMILY" else "",
            ]
        )
        path = (
            [("REPORTED", CaseAction.REPORT.zh), ("REJECTED", CaseAction.REJECT.zh)]
            if rejected
            else list(zip(statuses, actions, strict=True))[: last + 1]
        )
        for seq, (st, action) in enumerate(path, start=1):
            at = reported + timedelta(days=seq - 1)
            if closed and st == "CLOSED":
                at = closed
            actor = net.worker_at(grid, at)
            steps.append(
                [
                    cid,
                    seq,
                    action,
                    path[seq - 2][0] if seq > 1 else "",
                    st,
                    at.isoformat(),
                    actor.name,
                    actor.key(identity),
                    "",
                ]
            )
    family_header = ["家庭编码", "家庭名称", "家庭人口", "所属网格", "家庭分类", "分类日期"]
    earlier = _gbk_csv(out / f"08-families-{FIRST_CLASSIFIED}.csv", family_header, earlier_families)
    return earlier, [
        _gbk_csv(out / "08-families.csv", family_header, families),
        _gbk_csv(out / "09-visits.csv", ["走访人", "走访家庭", "走访日期", "走访情况"], visits),
        _gbk_csv(
            out / "10-cases.csv",
            [
                "案件编号",
                "纠纷名称",
                "纠纷类型",
                "状态",
                "上报时间",
                "结案时间",
                "所属网格",
                "简要情况",
                "处理结果",
                "调解地点",
                "调解人",
                "上报人",
                "转办部门",
                "涉及家庭",
            ],
            cases,
        ),
        _gbk_csv(
            out / "11-steps.csv",
            [
                "案件编号",
                "步骤序号",
                "环节",
                "原状态",
                "新状态",
                "办理时间",
                "办理人",
                "办理人编号",
                "办理意见",
            ],
            steps,
        ),
    ]


def _reclassify(
    net: Network, families: list[list[Any]], colours: dict[str, tuple[list[str], list[int]]]
) -> list[list[Any]]:
    """The families of the re-submitted communities as first classified; a share of them was
    classified differently since: their current row gets the new category's date."""
    rng = random.Random(SEED + 3)
    communities = net.resubmitted
    earlier = []
    for row in families:
        if row[3].split("-")[0] not in communities:
            continue
        first = row
        if rng.random() < RECLASSIFIED:
            scheme, colour = row[4].split(":")
            names, weights = colours[scheme]
            others = [(n, w) for n, w in zip(names, weights, strict=True) if n != colour]
            before = rng.choices([n for n, _ in others], [w for _, w in others])[0]
            first = [*row[:4], f"{scheme}:{before}", row[5]]
            row[5] = (FIRST_CLASSIFIED + timedelta(days=rng.randint(37, 226))).isoformat()
        earlier.append(first)
    return earlier


# --- the figures -------------------------------------------------------------------------------

CHECK_FIGURES: LiteralString = """
CALL () {
  MATCH (p:Person)-[r:MEMBER_OF]->(:SistersGroup)
  WHERE r.until IS NULL
  RETURN count(DISTINCT p) AS members
}
CALL () {
  MATCH (p:Person)-[r:HOLDS_POST {role: 'LEGAL_SAVVY_PERSON'}]->(:Federation)
  WHERE r.until IS NULL
  RETURN count(DISTINCT p) AS legalSavvy
}
CALL () {
  MATCH (c:Council)
  RETURN count(c) AS councils
}
CALL () {
  MATCH (g:Grid)-[:IN]->(:Community)-[:PART_OF]->(:Township)
        -[:PART_OF]->(:District {code: '370303'})
  RETURN count(g) AS zhangdianGrids,
         count(CASE WHEN EXISTS { (:SistersGroup)-[:COVERS]->(g) } THEN 1 END) AS zhangdianCovered
}
CALL () {
  MATCH (sg:SistersGroup {pilot: true})-[:IN]->(:Community)-[:PART_OF]->(:Township)
        -[:PART_OF]->(:District {code: '370303'})
  RETURN count(sg) AS pilotCommunities
}
CALL () {
  MATCH (d:Department)-[:JOINED]->(:Mechanism {code: 'MECH-370300'})
  RETURN count(d) AS departments
}
CALL () {
  MATCH (d:District)
  RETURN count(d) AS districts
}
CALL () {
  MATCH (t:Township)
  RETURN count(t) AS townships
}
RETURN members, legalSavvy, councils, zhangdianGrids, zhangdianCovered, pilotCommunities,
       departments, districts, townships
"""

CHECK_NAMED: LiteralString = """
RETURN
  EXISTS { MATCH (:Person {name: '孟丹阳'})-[r:MEMBER_OF]->(:SistersGroup {code: 'SG-370303006001'})
           WHERE r.until IS NULL }
    AS mengDanyang,
  EXISTS { MATCH (:Person {name: '魏素理'})-[r:SERVES_GRID {role: 'BUILDING_HEAD'}]->(:Grid)
                 -[:IN]->(:Community {name: '柳毅社区'})
                 -[:PART_OF]->(:Township {name: '体育场街道'})
           WHERE r.until IS NULL }
    AS weiSuli,
  EXISTS { (:Person {name: '马明'})-[:MEDIATED]->(:Case {id: 'C2025-000001', status: 'CLOSED'}) }
    AS maMingCase,
  COUNT { (:Person)-[:MEDIATED]->(:Case {id: 'C2025-000001'}) } AS caseMediators,
  EXISTS { (:Activity {name: '巾帼普法乡村行'})-[:HELD_AT]->(:Venue {kind: 'OUTREACH_STATION'})
           -[:IN]->(:Community {name: '范子峪村'})-[:PART_OF]->(:Township {name: '南麻街道'}) }
    AS outreach,
  EXISTS { (:SistersGroup {code: 'SG-370303', founded: date('2024-11-01')}) } AS zhangdianGroup,
  COUNT { (p:Person) WHERE p.synthetic IS NULL AND (p.phone IS NOT NULL OR p.idNumber IS NOT NULL) }
    AS realPeopleWithContacts,
  COUNT { (b:ServiceBrand) } AS brands,
  COUNT { (p:Project) } AS projects
"""

CHECK_HISTORY: LiteralString = """
CALL () {
  MATCH (p:Person)-[r:SERVES_GRID|HOLDS_POST|MEMBER_OF|VOLUNTEERS_AT]->()
  RETURN count(r) AS appointments,
         count(r.until) AS ended,
         count(DISTINCT CASE WHEN r.until IS NOT NULL THEN r.role END) AS endedRoles,
         count(CASE WHEN r.until < r.since THEN 1 END) AS endedBeforeStart,
         count(CASE WHEN r.until IS NOT NULL AND p.synthetic IS NULL THEN 1 END) AS realPeopleEnded
}
CALL () {
  MATCH (f:Family)-[c:CLASSIFIED_AS]->(:Category)
  WITH f, count(c) AS classifications, count(CASE WHEN c.until IS NULL THEN 1 END) AS current
  RETURN count(f) AS families,
         count(CASE WHEN classifications > 1 THEN 1 END) AS reclassified,
         count(CASE WHEN current <> 1 THEN 1 END) AS familiesNotOneCurrent
}
RETURN appointments, ended, endedRoles, endedBeforeStart, realPeopleEnded, families, reclassified,
       familiesNotOneCurrent
"""
"""History from the roster editions: appointments ended (and how many roles they span; none
may end before it began, none of the article's real people lost a post) and families with
more than one classification (each with exactly one current)."""


def expected_figures(scale: float) -> dict[str, int]:
    """The figures a demo at `scale` should show (the article's at scale 1)."""
    g = Generator(scale)
    return {
        "members": g.n(FIGURES["members"]),
        "legalSavvy": g.n(FIGURES["legalSavvy"]),
        "councils": g.n(FIGURES["councils"]),
        "zhangdianGrids": g.n(FIGURES["zhangdianGrids"]),
        "zhangdianCovered": g.n(FIGURES["zhangdianGrids"]),
        "pilotCommunities": FIGURES["pilotCommunities"],
        "departments": 8,
        "districts": 8,
        "townships": 88,
    }
