"""Lazy references between the aggregate modules (an area has grids, a grid has an area...).

Each alias resolves when the schema is built, so the modules can refer to each other without
import cycles.
"""

from __future__ import annotations

# The quoted names are resolved lazily by Strawberry from the modules named beside them.
# ruff: noqa: F821
from typing import Annotated

import strawberry

AreaRef = Annotated["Area", strawberry.lazy("schema.area")]
GridRef = Annotated["Grid", strawberry.lazy("schema.grid")]
BuildingRef = Annotated["Building", strawberry.lazy("schema.grid")]
PersonRef = Annotated["Person", strawberry.lazy("schema.person")]
AppointmentRef = Annotated["Appointment", strawberry.lazy("schema.person")]
FederationRef = Annotated["Federation", strawberry.lazy("schema.federation")]
SistersGroupRef = Annotated["SistersGroup", strawberry.lazy("schema.sisters_group")]
CouncilRef = Annotated["Council", strawberry.lazy("schema.council")]
DepartmentRef = Annotated["Department", strawberry.lazy("schema.department")]
MechanismRef = Annotated["Mechanism", strawberry.lazy("schema.department")]
VenueRef = Annotated["Venue", strawberry.lazy("schema.venue")]
ServiceBrandRef = Annotated["ServiceBrand", strawberry.lazy("schema.brand")]
ProjectRef = Annotated["Project", strawberry.lazy("schema.project")]
ActivityRef = Annotated["Activity", strawberry.lazy("schema.activity")]
FamilyRef = Annotated["Family", strawberry.lazy("schema.family")]
CategoryRef = Annotated["Category", strawberry.lazy("schema.family")]
SchemeRef = Annotated["ClassificationScheme", strawberry.lazy("schema.family")]
CaseRef = Annotated["Case", strawberry.lazy("schema.case")]
CaseStepRef = Annotated["CaseStep", strawberry.lazy("schema.case")]
StatsRef = Annotated["Stats", strawberry.lazy("schema.network")]
