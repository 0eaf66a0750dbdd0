"""A deterministic synthetic Zibo network in Zibo's real areas, written as roster files and
loaded like any roster.

The places are real: the area registry (`loaders.area_registry`, NBS codes of the city, its 8
districts and counties, 88 townships and 2,931 villages and communities) is loaded first, and
every grid, person, federation, sisters group, council, venue and family is placed in one of its
communities (柳毅社区 at 370303006012, 范子峪村 at 370323002238); at scale 1 all of them, at a
smaller scale the 10 pilots, 范子峪村 and a share of the others spread over the townships.
Everything else is synthetic. `write_rosters(out, scale)` writes the grids, federations,
sisters groups, councils, venues, people, families, visits, cases and case steps as real files
(xlsx with a merged title row, and GBK CSV); `run_demo` seeds the organisations (`demo_seed`)
and loads the files through `loaders.pipeline.load_files`. At scale 1 the counts of what is
current equal the article's figures (`FIGURES`).

History comes the way a federation gets it, from roster editions: for a quarter of the
communities the demo also writes an earlier edition of their people roster and of their
families roster. Their current people roster is loaded after the earlier one as a complete
roster, so the loader ends (`until`) the appointments of the people who left in between; their
current families roster gives the families reclassified since a new category and its date.

Synthetic markers: every generated person's name ends in `（示例）` and carries
`synthetic: true`; their ID numbers are checksum-valid but use the area code 370399, which
GB/T 2260 never assigned, and their mobiles are 19905xxxxxx; family names end in `（示例）` too.
Real places get no invented person's details but the demo's synthetic residents and post
holders. The real people of the article get no phone or ID number.
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
from core.model import AreaLevel, CaseCategory, CaseStatus
from core.validation import make_id_number
from core.workflow import PATH, CaseAction
from loaders.area_registry import AreaRegistry, RegistryArea, is_like_committee, read_registry

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
}
"""The article's figures at scale 1. Above 1, every community of the registry is used (councils
stay one per community) and the other figures grow."""

SURNAMES = (
    "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐"
    "冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎"
)
GIVEN = "秀英桂兰玉梅丽娟红艳芳敏静霞燕萍华琴云凤洁玲淑珍慧丹婷雪颖晓春海明建国军伟强磊"

CITY, ZHANGDIAN, ZICHUAN, YIYUAN = "370300", "370303", "370302", "370323"
LIUYI = "370303006012"
"""柳毅社区 (柳毅社区居委会), 体育场街道, 张店区: the community of 孟丹阳 and 魏素理."""
FANZIYU = "370323002238"
"""范子峪村 (范子峪村委会), 南麻街道, 沂源县: the village of the outreach station and event."""
REGISTRY_VENUE = "VEN-370302-HYDJC"
OUTREACH = f"VEN-{FANZIYU}-XJWZ"
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
    registry: AreaRegistry
    areas: list[RegistryArea] = field(default_factory=list)
    """The city, districts, townships and the communities the demo uses, by code."""
    communities: list[tuple[str, str, str]] = field(default_factory=list)  # code, name, district
    councils: set[str] = field(default_factory=set)
    """The communities with a women's council (all but NBS's units like a committee)."""
    pilots: list[str] = field(default_factory=list)
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


def _weighted(total: int, weights: list[int]) -> list[int]:
    """`total` shared in proportion to `weights`, at least 1 each (largest remainders)."""
    spare = max(total - len(weights), 0)
    shares = [spare * w / sum(weights) for w in weights]
    counts = [int(x) for x in shares]
    by_remainder = sorted(range(len(weights)), key=lambda i: (counts[i] - shares[i], i))
    for i in by_remainder[: spare - sum(counts)]:
        counts[i] += 1
    return [c + 1 for c in counts]


def _spread(communities: list[RegistryArea], count: int, first: list[str]) -> list[RegistryArea]:
    """`count` of `communities`: those named in `first`, then one of each township in turn (in
    code order), so that a small demo still spans the townships."""
    by_township: dict[str, list[RegistryArea]] = {}
    for area in sorted(communities, key=lambda a: a.code):
        by_township.setdefault(area.parent or "", []).append(area)
    wanted = {a.code: a for a in communities}
    order = [wanted[code] for code in first if code in wanted]
    rounds = max((len(v) for v in by_township.values()), default=0)
    order += [
        areas[i]
        for i in range(rounds)
        for _, areas in sorted(by_township.items())
        if i < len(areas) and areas[i].code not in first
    ]
    return order[:count]


def pilot_communities(registry: AreaRegistry) -> list[str]:
    """Zhangdian's 10 pilot communities: 柳毅社区, then the first residents' community (by
    code) of each of the district's other townships in code order. The article names none but
    柳毅社区's group; which the other nine are is the demo's assumption."""
    pilots = [LIUYI]
    townships = [
        a.code
        for a in registry.areas
        if a.level == AreaLevel.TOWNSHIP and a.parent == ZHANGDIAN and a.code != LIUYI[:9]
    ]
    for township in sorted(townships):
        first = next(
            (
                a.code
                for a in sorted(registry.areas, key=lambda a: a.code)
                if a.parent == township and a.kind == "社区" and not is_like_committee(a.code)
            ),
            None,
        )
        if first and len(pilots) < FIGURES["pilotCommunities"]:
            pilots.append(first)
    return pilots


class Generator:
    def __init__(self, scale: float, registry: AreaRegistry | None = None) -> None:
        self.scale = scale
        self.rng = random.Random(SEED)
        self.net = Network(scale, registry or read_registry())
        self.serial = 0

    def n(self, figure: int) -> int:
        return max(1, round(figure * self.scale))

    # --- names and identities -------------------------------------------------------------

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

    def councils(self) -> int:
        """Women's councils at this scale: one per community, so at most the registry's."""
        ordinary = [
            a
            for a in self.net.registry.areas
            if a.level == AreaLevel.COMMUNITY and not is_like_committee(a.code)
        ]
        return min(self.n(FIGURES["councils"]), len(ordinary))

    def build_areas(self) -> None:
        """Choose the registry's communities the demo uses: at scale 1 all 2,931 (2,926 with a
        council; NBS's 5 units like a residents' committee, a prison's, companies', a park's,
        have none); at a smaller scale the 10 pilots, 范子峪村 and a share of the others spread
        over the townships."""
        registry = self.net.registry
        communities = [a for a in registry.areas if a.level == AreaLevel.COMMUNITY]
        ordinary = [a for a in communities if not is_like_committee(a.code)]
        like = [a for a in communities if is_like_committee(a.code)]
        total = self.councils()
        zd = [a for a in ordinary if a.code.startswith(ZHANGDIAN)]
        rest = [a for a in ordinary if not a.code.startswith(ZHANGDIAN)]
        share = round(len(zd) * min(self.scale, 1.0))
        zd_count = min(max(share, FIGURES["pilotCommunities"]), total - 1, len(zd))
        self.net.pilots = pilot_communities(registry)
        chosen = _spread(zd, zd_count, self.net.pilots) + _spread(rest, total - zd_count, [FANZIYU])
        self.net.councils = {a.code for a in chosen}
        chosen += like[: round(len(like) * min(self.scale, 1.0))]
        codes = {a.code for a in chosen}
        self.net.areas = sorted(
            (a for a in registry.areas if a.level != AreaLevel.COMMUNITY or a.code in codes),
            key=lambda a: a.code,
        )
        self.net.communities = [
            (a.code, a.name, a.code[:6]) for a in self.net.areas if a.level == AreaLevel.COMMUNITY
        ]

    def zhangdian_grids(self) -> int:
        """Zhangdian's grids at this scale (at least one a community)."""
        communities = sum(1 for c in self.net.communities if c[2] == ZHANGDIAN)
        return max(self.n(FIGURES["zhangdianGrids"]), communities)

    def build_grids(self) -> None:
        """Zhangdian's grids shared among its communities (a residents' community has three
        times a village's share); elsewhere 1 to 3 a community."""
        kinds = {a.code: a.kind for a in self.net.areas}
        zd = [c[0] for c in self.net.communities if c[2] == ZHANGDIAN]
        weights = [3 if kinds[code] == "社区" else 1 for code in zd]
        counts = dict(zip(zd, _weighted(self.zhangdian_grids(), weights), strict=True))
        for code, name, _ in self.net.communities:
            count = counts.get(code) or self.rng.choice((1, 2, 2, 3))
            self.net.grids_of[code] = []
            for i in range(count):
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
            seat = "成员" if code in self.net.councils else None
            convener = "召集人" if seat else None
            chair = self.person(code, fed_roles=["主席"], council_role=convener, since=since)
            executives = [chair] + [
                self.person(code, fed_roles=["执委"], council_role=seat, since=since)
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
                staff.append(self.person(code, council_role=seat, since=since))
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
        for area in self.net.areas:
            code = area.code
            if area.level == AreaLevel.COMMUNITY:
                continue
            prefix = code[:4] if code == CITY else code
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
                "马明",
                "",
                venue=REGISTRY_VENUE,
                since=date(2024, 1, 1),
                synthetic=False,
                political="",
            ),
        ]
        zichuan = next(c[0] for c in self.net.communities if c[2] == ZICHUAN)
        for _ in range(2):
            self.person(zichuan, venue=REGISTRY_VENUE, since=date(2024, 1, 1))

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
            if person.council_role is None and person.community in self.net.councils:
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


def write_rosters(
    out: Path, scale: float, identity: IdentityKey, registry: AreaRegistry | None = None
) -> Rosters:
    """Generate the network at `scale` in the registry's areas and write its rosters into `out`,
    in load order: the units, the earlier people editions and the city's people roster; each
    current edition (a complete roster as of its date); the earlier families edition, the
    families, visits, cases and steps. The areas themselves are the registry's
    (`loaders.area_registry`), loaded before these files."""
    out.mkdir(parents=True, exist_ok=True)
    g = Generator(scale, registry)
    g.build_areas()
    g.build_grids()
    g.build_people()
    g.build_history()
    net = g.net
    rng = random.Random(SEED + 1)
    files = [
        _xlsx(
            out / "02-grids.xlsx",
            "淄博市网格台账",
            ["网格编码", "网格名称", "所属社区", "网格类型", "户数"],
            net.grids,
        ),
    ]
    fed_rows = [[f"FED-{a.code}", a.name + "妇联", a.code] for a in net.areas]
    files.append(
        _gbk_csv(out / "03-federations.csv", ["妇联编码", "妇联名称", "所在区划"], fed_rows)
    )
    districts = [a for a in net.areas if a.level == AreaLevel.DISTRICT]
    group_rows = [[f"SG-{CITY}", "淄博市巾帼网格姊妹团", CITY, "", "2024-06-01", "否"]]
    for area in districts:
        founded = "2024-11" if area.code == ZHANGDIAN else "2024-06-01"
        group_rows.append(
            [
                f"SG-{area.code}",
                f"{area.name}巾帼网格姊妹团",
                area.code,
                f"SG-{CITY}",
                founded,
                "否",
            ]
        )
    for code, name, district in net.communities:
        group_rows.append(
            [
                f"SG-{code}",
                f"{name}姊妹团",
                code,
                f"SG-{district}",
                "2024-11-01" if district == ZHANGDIAN else "2024-06-01",
                "是" if code in net.pilots else "否",
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
        if c in net.councils
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
            f"VEN-{CITY}-12338",
            "淄博市12338妇联维权服务中心",
            "RIGHTS_CENTRE_12338",
            CITY,
            "",
            "",
            "FED-370300",
        ],
        [REGISTRY_VENUE, "淄川区婚姻登记处", "MARRIAGE_REGISTRY", ZICHUAN, "", "", "FED-370302"],
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
    for area in districts:
        venue_rows.append(
            [
                f"VEN-{area.code}-HYJT",
                f"{area.name}婚姻家庭辅导中心",
                "COUNSELLING_CENTRE",
                area.code,
                "",
                "",
                f"FED-{area.code}",
            ]
        )
    for area in net.areas:
        if area.level == AreaLevel.TOWNSHIP:
            venue_rows.append(
                [
                    f"VEN-{area.code}-ZZ",
                    f"{area.name}综治中心",
                    "GOVERNANCE_CENTRE",
                    area.code,
                    "",
                    "",
                    "",
                ]
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
    volunteers = [p for p in net.people if p.venue == REGISTRY_VENUE]
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
            REGISTRY_VENUE,
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
  MATCH (c:Community)
  WHERE EXISTS { (:SistersGroup)-[:IN]->(c) }
  RETURN count(c) AS communities
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
RETURN members, legalSavvy, councils, communities, zhangdianGrids, zhangdianCovered,
       pilotCommunities, departments
"""
"""The article's figures in the graph (the registry's, 8 districts and counties, 88 townships and
2,931 villages and communities, are `loaders.area_registry.CHECK_REGISTRY`)."""

CHECK_NAMED: LiteralString = """
RETURN
  EXISTS { MATCH (:Person {name: '孟丹阳'})-[r:MEMBER_OF]->(:SistersGroup {code: 'SG-370303006012'})
                 -[:IN]->(:Community {code: '370303006012', name: '柳毅社区'})
           WHERE r.until IS NULL }
    AS mengDanyang,
  EXISTS { MATCH (:Person {name: '魏素理'})-[r:SERVES_GRID {role: 'BUILDING_HEAD'}]->(:Grid)
                 -[:IN]->(:Community {code: '370303006012', name: '柳毅社区'})
                 -[:PART_OF]->(:Township {code: '370303006', name: '体育场街道'})
           WHERE r.until IS NULL }
    AS weiSuli,
  EXISTS { (:Person {name: '马明'})-[:MEDIATED]->(:Case {id: 'C2025-000001', status: 'CLOSED'}) }
    AS maMingCase,
  COUNT { (:Person)-[:MEDIATED]->(:Case {id: 'C2025-000001'}) } AS caseMediators,
  EXISTS { (:Activity {name: '巾帼普法乡村行'})-[:HELD_AT]->(:Venue {kind: 'OUTREACH_STATION'})
           -[:IN]->(:Community {code: '370323002238', name: '范子峪村'})
           -[:PART_OF]->(:Township {code: '370323002', name: '南麻街道'}) }
    AS outreach,
  EXISTS { (:SistersGroup {code: 'SG-370303', founded: date('2024-11-01')}) } AS zhangdianGroup,
  COUNT { (p:Person) WHERE p.synthetic IS NULL AND (p.phone IS NOT NULL OR p.idNumber IS NOT NULL) }
    AS realPeopleWithContacts,
  COUNT { (b:ServiceBrand) } AS brands,
  COUNT { (p:Project) } AS projects,
  COUNT { (n)-[:IN|LIVES_IN]->(a:Area) WHERE a.edition IS NULL } AS outsideRegistry
"""
"""The article's people and places (at their registry codes), the case, the real people's
lack of contact details, and what lies in an area the registry does not list (none)."""

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


def expected_figures(scale: float, registry: AreaRegistry | None = None) -> dict[str, int]:
    """The figures a demo at `scale` should show (the article's at scale 1); `communities` are
    those with a sisters group: every council's, and at scale 1 NBS's 5 units like a
    residents' committee, which have no council (2,926 councils in 2,931 communities)."""
    g = Generator(scale, registry)
    g.build_areas()
    return {
        "members": g.n(FIGURES["members"]),
        "legalSavvy": g.n(FIGURES["legalSavvy"]),
        "councils": len(g.net.councils),
        "communities": len(g.net.communities),
        "zhangdianGrids": g.zhangdian_grids(),
        "zhangdianCovered": g.zhangdian_grids(),
        "pilotCommunities": FIGURES["pilotCommunities"],
        "departments": FIGURES["departments"],
    }
