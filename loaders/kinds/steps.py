"""Steps of a case's timeline (`CaseStep`, `<case id>#<seq>`), `BY` the person who acted.

The step (环节) is a `core.workflow.CaseAction` (受理, 分派 ... 不予受理, 退回): stored as the
action's value with its term as the caption, as the API's workflow mutations write it.
"""

from __future__ import annotations

from core.model import Label, Rel
from core.vocabulary import choice
from core.workflow import CaseAction
from loaders.kinds import cases, values
from loaders.kinds.base import Link, RosterKind
from loaders.kinds.rows import Record, RowContext

ACTION = choice(CaseAction, "环节", "step")


class Steps(RosterKind):
    name = "steps"
    label = Label.CASE_STEP
    required = ("case", "seq", "action")
    needs_persons = True
    links = (Link(Rel.HAS_STEP, Label.CASE, out=False), Link(Rel.BY, Label.PERSON))

    def parse(self, c: RowContext) -> Record | None:
        case = c.text("case", required=True)
        seq = c.parse("seq", values.parse_int, required=True)
        if case:
            c.unit("case", Label.CASE, case)
        action = c.parse("action", ACTION, required=True)
        actor_id = c.text("actor_id")
        actor = values.person_ref(c, "actor_id", actor_id) if actor_id else None
        props = {
            "title": action.zh if action else None,
            "action": action.value if action else None,
            "seq": seq,
            "fromStatus": c.parse("from_status", cases.STATUS),
            "toStatus": c.parse("to_status", cases.STATUS),
            "at": c.parse("at", values.parse_instant, required=True),
            "actor": c.text("actor"),
            "note": c.text("note"),
        }
        if not case or seq is None or not action:
            return None
        return self.record(
            c,
            f"{case}#{seq}",
            props,
            {"HAS_STEP": [case], "BY": [actor] if actor else []},
        )


KIND = Steps()
