"""The graph's vocabulary: labels, relationship types, keys and role names.

One place for the names that Cypher in `resolvers/`, `loaders/` and `core/migrations.py` share,
so a label or relationship type that varies in a query comes from here, never from a request.
`docs/data-model.md` explains each of them.
"""

from __future__ import annotations

from enum import StrEnum
from typing import LiteralString


class Label(StrEnum):
    """Node labels. Every node also has a `name` (or `title`) caption for Neo4j Browser."""

    AREA = "Area"  # every administrative area; plus one of the level labels below
    CITY = "City"  # 市
    DISTRICT = "District"  # 区/县
    TOWNSHIP = "Township"  # 街道/镇
    COMMUNITY = "Community"  # 社区/村
    GRID = "Grid"  # 网格
    BUILDING = "Building"  # 楼栋
    PERSON = "Person"
    FEDERATION = "Federation"  # 妇联
    SISTERS_GROUP = "SistersGroup"  # 巾帼网格"姊妹团"
    COUNCIL = "Council"  # 妇女议事会
    DEPARTMENT = "Department"  # 联动部门
    MECHANISM = "Mechanism"  # 联防联动工作机制
    VENUE = "Venue"  # 阵地
    SERVICE_BRAND = "ServiceBrand"  # 服务品牌 / 调解品牌
    PROJECT = "Project"  # 公益服务项目
    ACTIVITY = "Activity"  # 活动
    FAMILY = "Family"  # 家庭
    SCHEME = "ClassificationScheme"  # 五色家庭 / 七彩家庭图谱
    CATEGORY = "Category"  # a colour of a scheme
    CASE = "Case"  # 矛盾纠纷
    CASE_STEP = "CaseStep"  # one workflow transition of a case
    LOAD = "Load"  # one roster file ingested by `gridgraph load`
    MIGRATION = "Migration"  # one applied graph-schema migration


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


class Role(StrEnum):
    """Appointment roles. Each lives on exactly one relationship type (see `ROLE_RELATIONSHIP`)."""

    GRID_HEAD = "GRID_HEAD"  # 网格长
    FULL_TIME_GRID_WORKER = "FULL_TIME_GRID_WORKER"  # 专职网格员
    PART_TIME_GRID_WORKER = "PART_TIME_GRID_WORKER"  # 兼职网格员
    BUILDING_HEAD = "BUILDING_HEAD"  # 楼长
    GRID_INSTRUCTOR = "GRID_INSTRUCTOR"  # 网格指导员
    FEDERATION_CHAIR = "FEDERATION_CHAIR"  # 妇联主席
    FEDERATION_VICE_CHAIR = "FEDERATION_VICE_CHAIR"  # 妇联副主席
    FEDERATION_EXECUTIVE = "FEDERATION_EXECUTIVE"  # 妇联执委
    LEGAL_SAVVY_PERSON = "LEGAL_SAVVY_PERSON"  # 妇联"法律明白人"
    SISTERS_GROUP_LEADER = "SISTERS_GROUP_LEADER"  # 姊妹团团长
    SISTERS_GROUP_MEMBER = "SISTERS_GROUP_MEMBER"  # 姊妹团成员
    COUNCIL_CONVENER = "COUNCIL_CONVENER"  # 议事会召集人
    COUNCIL_MEMBER = "COUNCIL_MEMBER"  # 议事会成员
    MEDIATION_VOLUNTEER = "MEDIATION_VOLUNTEER"  # 婚姻调解志愿者


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

GRID_WORKER_ROLES = frozenset(
    {Role.GRID_HEAD, Role.FULL_TIME_GRID_WORKER, Role.PART_TIME_GRID_WORKER}
)
"""Roles that count as "grid worker" (网格员) for dual-role appointments (双向任职)."""

FEDERATION_EXECUTIVE_ROLES = frozenset(
    {Role.FEDERATION_CHAIR, Role.FEDERATION_VICE_CHAIR, Role.FEDERATION_EXECUTIVE}
)
"""Posts that sit on a federation's executive committee (妇联执委): chairs are executives too."""


class AreaLevel(StrEnum):
    CITY = "CITY"
    DISTRICT = "DISTRICT"
    TOWNSHIP = "TOWNSHIP"
    COMMUNITY = "COMMUNITY"


AREA_LEVEL_LABEL: dict[AreaLevel, Label] = {
    AreaLevel.CITY: Label.CITY,
    AreaLevel.DISTRICT: Label.DISTRICT,
    AreaLevel.TOWNSHIP: Label.TOWNSHIP,
    AreaLevel.COMMUNITY: Label.COMMUNITY,
}


class CaseStatus(StrEnum):
    """Where a dispute case stands in its workflow (上报→受理→分派→处置→反馈→核查→结案)."""

    REPORTED = "REPORTED"
    ACCEPTED = "ACCEPTED"
    DISPATCHED = "DISPATCHED"
    HANDLING = "HANDLING"
    FED_BACK = "FED_BACK"
    VERIFIED = "VERIFIED"
    CLOSED = "CLOSED"
    REJECTED = "REJECTED"
