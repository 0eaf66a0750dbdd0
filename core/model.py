"""The graph's vocabulary: labels, relationship types, keys, roles and the values of its kinds.

One place for the names that Cypher in `resolvers/`, `loaders/` and `core/migrations.py` share,
so a label or relationship type that varies in a query comes from here, never from a request.
The enums of domain values are `core.vocabulary.Vocabulary` tables: each value with its Chinese
term, English words and roster aliases, from which the GraphQL enums, the loaders' parsers, the
Browser guide and the docs take their words. `docs/data-model.md` explains each of them.
"""

from __future__ import annotations

from enum import StrEnum
from typing import LiteralString

from core.vocabulary import Term, Vocabulary


class Label(Vocabulary):
    """Node labels. Every node also has a `name` (or `title`) caption for Neo4j Browser."""

    AREA = "Area", Term("地区", "area")
    CITY = "City", Term("市", "city")
    DISTRICT = "District", Term("区/县", "district or county")
    TOWNSHIP = "Township", Term("街道/镇", "subdistrict or town")
    COMMUNITY = "Community", Term("社区/村", "community or village")
    GRID = "Grid", Term("网格", "grid")
    BUILDING = "Building", Term("楼栋", "building")
    PERSON = "Person", Term("人员", "person")
    FEDERATION = "Federation", Term("妇联", "women's federation")
    SISTERS_GROUP = "SistersGroup", Term("姊妹团", "sisters group", note='巾帼网格"姊妹团"')
    COUNCIL = "Council", Term("妇女议事会", "women's council")
    DEPARTMENT = "Department", Term("联动部门", "department of the joint mechanism")
    MECHANISM = "Mechanism", Term("联防联动机制", "joint mechanism", note="常态化联防联动工作机制")
    VENUE = "Venue", Term("阵地", "venue")
    SERVICE_BRAND = "ServiceBrand", Term("服务品牌", "service or mediation brand")
    PROJECT = "Project", Term("公益项目", "public-service project")
    ACTIVITY = "Activity", Term("活动", "activity")
    FAMILY = "Family", Term("家庭", "family")
    SCHEME = "ClassificationScheme", Term("分类方法", "classification scheme", note="五色家庭")
    CATEGORY = "Category", Term("类别", "category", note="a colour of a classification scheme")
    CASE = "Case", Term("矛盾纠纷", "dispute case")
    CASE_STEP = "CaseStep", Term("流程节点", "case step", note="one workflow transition")
    LOAD = "Load", Term("导入记录", "roster load", note="one file of `gridgraph load`")
    MIGRATION = "Migration", Term("迁移", "migration", note="one applied graph-schema migration")


# The natural key of each keyed label: a unique, stable string property.
NATURAL_KEYS: dict[Label, str] = {
    Label.AREA: "code",
    Label.GRID: "code",
    Label.BUILDING: "code",
    Label.PERSON: "id",
    Label.FEDERATION: "code",
    Label.SISTERS_GROUP: "code",
    Label.COUNCIL: "code",
    Label.DEPARTMENT: "code",
    Label.MECHANISM: "code",
    Label.VENUE: "code",
    Label.SERVICE_BRAND: "code",
    Label.PROJECT: "code",
    Label.ACTIVITY: "code",
    Label.FAMILY: "code",
    Label.SCHEME: "code",
    Label.CATEGORY: "code",
    Label.CASE: "id",
    Label.CASE_STEP: "id",
    Label.LOAD: "id",
    Label.MIGRATION: "id",
}


class Rel(StrEnum):
    """Relationship types."""

    PART_OF = "PART_OF"  # Area->Area (child to parent); SistersGroup->SistersGroup
    IN = "IN"  # Grid->Community, Building->Grid, Family->Grid, Venue/Council/... ->Area, Case->Grid
    SERVES_GRID = "SERVES_GRID"  # Person->Grid {id, role, since, until}
    HOLDS_POST = "HOLDS_POST"  # Person->Federation {id, role, since, until}
    MEMBER_OF = "MEMBER_OF"  # Person->SistersGroup|Council {id, role, since, until}
    VOLUNTEERS_AT = "VOLUNTEERS_AT"  # Person->Venue {id, role, since, until}
    LIVES_IN = "LIVES_IN"  # Person->Community
    BELONGS_TO = "BELONGS_TO"  # Person->Family
    COVERS = "COVERS"  # SistersGroup->Grid {since}
    RUNS = "RUNS"  # Federation->SistersGroup|Council|ServiceBrand|Project|Venue
    JOINED = "JOINED"  # Department->Mechanism {since}
    LEADS = "LEADS"  # Federation->Mechanism
    BRANDED_AS = "BRANDED_AS"  # Venue|Council->ServiceBrand
    HELD_AT = "HELD_AT"  # Activity->Venue
    ORGANISED = "ORGANISED"  # SistersGroup|Federation->Activity
    TOOK_PART = "TOOK_PART"  # Person->Activity {role}
    CLASSIFIED_AS = "CLASSIFIED_AS"  # Family->Category {since, until, by, reason}
    IN_SCHEME = "IN_SCHEME"  # Category->ClassificationScheme
    USES_SCHEME = "USES_SCHEME"  # Area->ClassificationScheme
    VISITED = "VISITED"  # Person->Family {id, date, note}
    REPORTED = "REPORTED"  # Person->Case
    INVOLVES = "INVOLVES"  # Case->Family|Person
    MEDIATED = "MEDIATED"  # Person->Case
    REFERRED_TO = "REFERRED_TO"  # Case->Department
    HANDLED_AT = "HANDLED_AT"  # Case->Venue
    HAS_STEP = "HAS_STEP"  # Case->CaseStep
    BY = "BY"  # CaseStep->Person (when the actor is a person of the graph)


PLACED_IN: LiteralString = (
    "-[:IN|HELD_AT|LIVES_IN|SERVES_GRID|HOLDS_POST|MEMBER_OF|VOLUNTEERS_AT*0..3]->"
)
"""Cypher path from a node to the areas it lies in directly (`(n)` + this + `(:Area)`): an area
itself, a grid's community, a building's, family's or case's grid's community, the area of a
federation, sisters group, council or venue, an activity's venue's area, a person's residence
and the units of her appointments. Area scoping (`resolvers/scope.py`) and the placement of
audit entries (`core/audit.py`) both follow it, then `PART_OF` up the area tree."""


class Role(Vocabulary):
    """Appointment roles. Each lives on exactly one relationship type (see `ROLE_RELATIONSHIP`);
    a roster names them in the column of their unit (网格职务, 妇联职务 ...)."""

    GRID_HEAD = "GRID_HEAD", Term("网格长", "grid head")
    FULL_TIME_GRID_WORKER = (
        "FULL_TIME_GRID_WORKER",
        Term("专职网格员", "full-time grid worker", aliases=("网格员",)),
    )
    PART_TIME_GRID_WORKER = "PART_TIME_GRID_WORKER", Term("兼职网格员", "part-time grid worker")
    BUILDING_HEAD = "BUILDING_HEAD", Term("楼长", "building head", aliases=("楼栋长",))
    GRID_INSTRUCTOR = "GRID_INSTRUCTOR", Term("网格指导员", "grid instructor")
    FEDERATION_CHAIR = "FEDERATION_CHAIR", Term("妇联主席", "federation chair", aliases=("主席",))
    FEDERATION_VICE_CHAIR = (
        "FEDERATION_VICE_CHAIR",
        Term("妇联副主席", "federation vice chair", aliases=("副主席",)),
    )
    FEDERATION_EXECUTIVE = (
        "FEDERATION_EXECUTIVE",
        Term("妇联执委", "federation executive committee member", aliases=("执委",)),
    )
    LEGAL_SAVVY_PERSON = (
        "LEGAL_SAVVY_PERSON",
        Term("法律明白人", "the federation's legal-savvy person", aliases=("妇联法律明白人",)),
    )
    SISTERS_GROUP_LEADER = (
        "SISTERS_GROUP_LEADER",
        Term("姊妹团团长", "sisters-group leader", aliases=("团长",)),
    )
    SISTERS_GROUP_MEMBER = (
        "SISTERS_GROUP_MEMBER",
        Term("姊妹团成员", "sisters-group member", aliases=("成员", "团员")),
    )
    COUNCIL_CONVENER = (
        "COUNCIL_CONVENER",
        Term("议事会召集人", "women's-council convener", aliases=("召集人",)),
    )
    COUNCIL_MEMBER = (
        "COUNCIL_MEMBER",
        Term("议事会成员", "women's-council member", aliases=("成员", "议事员")),
    )
    MEDIATION_VOLUNTEER = (
        "MEDIATION_VOLUNTEER",
        Term("婚姻调解志愿者", "marriage-mediation volunteer", aliases=("调解志愿者", "志愿者")),
    )


ROLE_RELATIONSHIP: dict[Role, tuple[Rel, Label]] = {
    Role.GRID_HEAD: (Rel.SERVES_GRID, Label.GRID),
    Role.FULL_TIME_GRID_WORKER: (Rel.SERVES_GRID, Label.GRID),
    Role.PART_TIME_GRID_WORKER: (Rel.SERVES_GRID, Label.GRID),
    Role.BUILDING_HEAD: (Rel.SERVES_GRID, Label.GRID),
    Role.GRID_INSTRUCTOR: (Rel.SERVES_GRID, Label.GRID),
    Role.FEDERATION_CHAIR: (Rel.HOLDS_POST, Label.FEDERATION),
    Role.FEDERATION_VICE_CHAIR: (Rel.HOLDS_POST, Label.FEDERATION),
    Role.FEDERATION_EXECUTIVE: (Rel.HOLDS_POST, Label.FEDERATION),
    Role.LEGAL_SAVVY_PERSON: (Rel.HOLDS_POST, Label.FEDERATION),
    Role.SISTERS_GROUP_LEADER: (Rel.MEMBER_OF, Label.SISTERS_GROUP),
    Role.SISTERS_GROUP_MEMBER: (Rel.MEMBER_OF, Label.SISTERS_GROUP),
    Role.COUNCIL_CONVENER: (Rel.MEMBER_OF, Label.COUNCIL),
    Role.COUNCIL_MEMBER: (Rel.MEMBER_OF, Label.COUNCIL),
    Role.MEDIATION_VOLUNTEER: (Rel.VOLUNTEERS_AT, Label.VENUE),
}


def roles_at(label: Label) -> tuple[Role, ...]:
    """The roles held in units of `label` (a grid, a federation ...), in vocabulary order."""
    return tuple(role for role, (_, unit) in ROLE_RELATIONSHIP.items() if unit is label)


GRID_WORKER_ROLES = frozenset(
    {Role.GRID_HEAD, Role.FULL_TIME_GRID_WORKER, Role.PART_TIME_GRID_WORKER}
)
"""Roles that count as "grid worker" (网格员) for dual-role appointments (双向任职)."""

FEDERATION_EXECUTIVE_ROLES = frozenset(
    {Role.FEDERATION_CHAIR, Role.FEDERATION_VICE_CHAIR, Role.FEDERATION_EXECUTIVE}
)
"""Posts that sit on a federation's executive committee (妇联执委): chairs are executives too."""


class AreaLevel(Vocabulary):
    """Level of an administrative area. The aliases are the kinds of area (`Area.kind`) a roster
    writes, or a name ends with: 张店区, 体育场街道."""

    CITY = "CITY", Term("市", "city", note="淄博市")
    DISTRICT = "DISTRICT", Term("区/县", "district or county", aliases=("区", "县"))
    TOWNSHIP = "TOWNSHIP", Term("街道/镇", "subdistrict or town", aliases=("街道", "镇", "乡"))
    COMMUNITY = "COMMUNITY", Term("社区/村", "community or village", aliases=("社区", "村"))

    @property
    def kinds(self) -> tuple[str, ...]:
        """The kinds of area of this level: 区 and 县 for a district, 市 for the city."""
        return self.aliases or (self.zh,)


AREA_KINDS: dict[str, AreaLevel] = {kind: level for level in AreaLevel for kind in level.kinds}
"""The kinds of area (`Area.kind`: 市, 区, 县, 街道 ...) and their levels."""

AREA_LEVEL_LABEL: dict[AreaLevel, Label] = {
    AreaLevel.CITY: Label.CITY,
    AreaLevel.DISTRICT: Label.DISTRICT,
    AreaLevel.TOWNSHIP: Label.TOWNSHIP,
    AreaLevel.COMMUNITY: Label.COMMUNITY,
}


class GridKind(Vocabulary):
    """Kind of grid."""

    COMPREHENSIVE = (
        "COMPREHENSIVE",
        Term("综合网格", "comprehensive grid", aliases=("综合",), note="~300–500 households"),
    )
    DEDICATED = (
        "DEDICATED",
        Term(
            "专属网格",
            "dedicated grid",
            aliases=("专属",),
            note="school, hospital, enterprise, park",
        ),
    )


class VenueKind(Vocabulary):
    """What a venue (阵地) is. `OTHER` is not written: it is how the API reads a stored kind it
    does not know."""

    GOVERNANCE_CENTRE = "GOVERNANCE_CENTRE", Term("综治中心", "comprehensive governance centre")
    COUNSELLING_CENTRE = (
        "COUNSELLING_CENTRE",
        Term("婚姻家庭辅导中心", "marriage & family counselling centre"),
    )
    RIGHTS_CENTRE_12338 = (
        "RIGHTS_CENTRE_12338",
        Term("12338妇联维权服务中心", "women's-rights service centre"),
    )
    MEDIATION_ROOM = "MEDIATION_ROOM", Term("调解室", "mediation room")
    MARRIAGE_REGISTRY = "MARRIAGE_REGISTRY", Term("婚姻登记处", "marriage registry")
    OUTREACH_STATION = "OUTREACH_STATION", Term("宣讲微站", "outreach micro-station")
    COUNCIL_ROOM = "COUNCIL_ROOM", Term("议事室", "council room")
    OTHER = "OTHER", Term("其他", "other", note="a kind this API does not know yet")


VENUE_KINDS = tuple(kind for kind in VenueKind if kind is not VenueKind.OTHER)
"""The kinds a venue is created with; `OTHER` is how the API reads a stored kind it does not
know."""


class BrandKind(Vocabulary):
    """What a brand names."""

    SERVICE = "SERVICE", Term("服务品牌", "service brand", note="孝乡家安")
    MEDIATION = "MEDIATION", Term("调解品牌", "mediation brand", note="马明调解室")
    COUNCIL = "COUNCIL", Term("议事会品牌", "council brand")


class CaseCategory(Vocabulary):
    """Dispute category (Ministry of Justice mediation statistics)."""

    MARRIAGE_FAMILY = "MARRIAGE_FAMILY", Term("婚姻家庭", "marriage & family")
    NEIGHBOUR = "NEIGHBOUR", Term("邻里", "neighbours")
    HOUSING_LAND = "HOUSING_LAND", Term("房屋宅基地", "housing & land")
    DAMAGES = "DAMAGES", Term("损害赔偿", "damages")
    CONTRACT = "CONTRACT", Term("合同", "contracts")
    LAND_CONTRACTING = (
        "LAND_CONTRACTING",
        Term("土地承包", "land contracting", aliases=("山林土地",)),
    )
    DEMOLITION = "DEMOLITION", Term("征地拆迁", "requisition & demolition")
    LABOUR = "LABOUR", Term("劳动争议", "labour")
    VILLAGE_AFFAIRS = "VILLAGE_AFFAIRS", Term("村务管理", "village affairs")
    ENVIRONMENT = "ENVIRONMENT", Term("环境污染", "environment")
    TRAFFIC = "TRAFFIC", Term("道路交通", "traffic")
    MEDICAL = "MEDICAL", Term("医疗纠纷", "medical")
    PROPERTY_MANAGEMENT = "PROPERTY_MANAGEMENT", Term("物业纠纷", "property management")
    OTHER = "OTHER", Term("其他", "other")


class CaseStatus(Vocabulary):
    """Where a dispute case stands in its workflow (`core.workflow`): each status is named after
    the step that leads to it; `REJECTED` (不予受理) is the exit of a case not taken up. 退回 is
    a step (`CaseAction.RETURN`), never a status."""

    REPORTED = "REPORTED", Term("上报", "reported")
    ACCEPTED = "ACCEPTED", Term("受理", "accepted")
    DISPATCHED = "DISPATCHED", Term("分派", "dispatched")
    HANDLING = "HANDLING", Term("处置", "being handled")
    FED_BACK = "FED_BACK", Term("反馈", "fed back")
    VERIFIED = "VERIFIED", Term("核查", "verified")
    CLOSED = "CLOSED", Term("结案", "closed")
    REJECTED = "REJECTED", Term("不予受理", "rejected", aliases=("驳回",))
