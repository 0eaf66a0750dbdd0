"""The write side of the schema: one mixin per aggregate, assembled into `Mutation`."""

from __future__ import annotations

import strawberry

from schema.mutations.appointment import AppointmentMutation
from schema.mutations.audit import AuditQuery
from schema.mutations.case import CaseMutation
from schema.mutations.family import FamilyMutation
from schema.mutations.person import PersonMutation
from schema.mutations.unit import UnitMutation

__all__ = ["AuditQuery", "Mutation"]


@strawberry.type(
    description="Change the governance network. Every mutation returns a result union: what it "
    "made, or a typed refusal (`ValidationError`, `NotFound`, `Forbidden`, `Conflict`, and "
    "`InvalidTransition` for the case workflow) after which nothing has changed."
)
class Mutation(CaseMutation, AppointmentMutation, FamilyMutation, PersonMutation, UnitMutation):
    pass
