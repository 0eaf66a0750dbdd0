"""`classifyFamily` keeps the history; `recordVisit` records home visits."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from tests.mutations.conftest import WANG, ZHANGDIAN, ZICHUAN

RESULT = """
  __typename
  ... on Family { code category { code } classifications { category { code } since until by reason } }
  ... on Visit { id date note visitor { personId } }
  ... on MutationError { message }
  ... on ValidationError { fields { field code } }
  ... on NotFound { type key field }
  ... on Forbidden { requiredRole areaCode }
  ... on Conflict { existingId }
"""  # noqa: E501
CLASSIFY = (
    "mutation($i: ClassifyFamilyInput!) { classifyFamily(input: $i) {"
    + RESULT.replace("... on Visit { id date note visitor { personId } }", "")
    + "} }"
)
VISIT = (
    "mutation($i: RecordVisitInput!) { recordVisit(input: $i) {"
    + RESULT.replace(RESULT.splitlines()[2], "")
    + "} }"
)


def test_classification_history_is_kept(
    run: Callable[..., dict], unchanged: Callable[[], Any]
) -> None:
    red = {
        "familyCode": "F-M1",
        "categoryCode": "SCH-M:red",
        "reason": "家暴风险",
        "since": "2025-01-01",
    }
    first = run(CLASSIFY, {"i": red}, role="editor", area=ZHANGDIAN)["classifyFamily"]
    assert first["__typename"] == "Family"
    assert first["category"] == {"code": "SCH-M:red"}
    blue = red | {"categoryCode": "SCH-M:blue", "reason": "矛盾化解", "since": "2025-03-01"}
    second = run(CLASSIFY, {"i": blue}, role="editor", area=ZHANGDIAN)["classifyFamily"]
    assert second["category"] == {"code": "SCH-M:blue"}
    history = second["classifications"]
    assert [(h["category"]["code"], h["since"], h["until"]) for h in history] == [
        ("SCH-M:blue", "2025-03-01", None),
        ("SCH-M:red", "2025-01-01", "2025-03-01"),
    ]
    assert history[0]["by"] == "editor 370303" and history[0]["reason"] == "矛盾化解"
    with unchanged():
        same = run(CLASSIFY, {"i": blue | {"since": "2025-04-01"}})["classifyFamily"]
        assert same["__typename"] == "Conflict"
        earlier = run(CLASSIFY, {"i": red | {"since": "2025-02-01"}})["classifyFamily"]
        assert earlier["__typename"] == "ValidationError"
        assert earlier["fields"][0] == {"field": "since", "code": "DATE_ORDER"}
        other_scheme = run(CLASSIFY, {"i": red | {"categoryCode": "SCH-X:green"}})
        assert other_scheme["classifyFamily"]["fields"][0]["code"] == "CATEGORY_NOT_CONFIGURED"
        no_reason = run(CLASSIFY, {"i": red | {"reason": " "}})["classifyFamily"]
        assert no_reason["fields"] == [{"field": "reason", "code": "REQUIRED"}]
        unknown = run(CLASSIFY, {"i": red | {"familyCode": "F-NONE"}})["classifyFamily"]
        assert (unknown["__typename"], unknown["field"]) == ("NotFound", "familyCode")
        caseworker = run(CLASSIFY, {"i": red}, role="caseworker")["classifyFamily"]
        assert (caseworker["__typename"], caseworker["requiredRole"]) == ("Forbidden", "EDITOR")
        elsewhere = run(CLASSIFY, {"i": red}, role="editor", area=ZICHUAN)["classifyFamily"]
        assert (elsewhere["__typename"], elsewhere["field"]) == ("NotFound", "familyCode")


def test_record_visit(run: Callable[..., dict], unchanged: Callable[[], Any]) -> None:
    visit = {"familyCode": "F-M1", "visitorId": WANG, "date": "2025-05-20", "note": "入户走访"}
    made = run(VISIT, {"i": visit}, role="caseworker", area=ZHANGDIAN)["recordVisit"]
    assert made == {
        "__typename": "Visit",
        "id": f"{WANG}|F-M1|2025-05-20",
        "date": "2025-05-20",
        "note": "入户走访",
        "visitor": {"personId": WANG},
    }
    family = run('{ families(gridCode: "370303006001-001") { nodes { visits { id } } } }')
    assert family["families"]["nodes"][0]["visits"] == [{"id": made["id"]}]
    with unchanged():
        again = run(VISIT, {"i": visit}, role="caseworker")["recordVisit"]
        assert (again["__typename"], again["existingId"]) == ("Conflict", made["id"])
        future = run(VISIT, {"i": visit | {"date": "2999-01-01"}})["recordVisit"]
        assert future["fields"] == [{"field": "date", "code": "FUTURE_DATE"}]
        viewer = run(VISIT, {"i": visit | {"date": "2025-05-21"}}, role="viewer")["recordVisit"]
        assert viewer["__typename"] == "Forbidden"
        elsewhere = run(VISIT, {"i": visit | {"familyCode": "F-M2"}}, role="caseworker",
                        area=ZHANGDIAN)["recordVisit"]  # fmt: skip
        assert (elsewhere["__typename"], elsewhere["field"]) == ("NotFound", "familyCode")
        nobody = run(VISIT, {"i": visit | {"visitorId": "P-ffffffffffffffff"}})["recordVisit"]
        assert (nobody["__typename"], nobody["field"]) == ("NotFound", "visitorId")
