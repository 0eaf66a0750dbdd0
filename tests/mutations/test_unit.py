"""Create and update grids, councils and venues."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from tests.mutations.conftest import LIUYI_GRID, ZHANGDIAN, ZICHUAN

RESULT = """
  __typename
  ... on Grid { code name kind households community { code } }
  ... on Council { code name founded area { code } }
  ... on Venue { code name kind address area { code } }
  ... on MutationError { message }
  ... on ValidationError { fields { field code } }
  ... on NotFound { type key field }
  ... on Forbidden { requiredRole areaCode }
  ... on Conflict { existingId }
"""


def doc(name: str, kind: str, key: str = "") -> str:
    args = f"{key}input: $i" if key else "input: $i"
    lines = [line for line in RESULT.splitlines() if "... on" not in line or "Mutation" in line
             or "Error" in line or "NotFound" in line or "Forbidden" in line
             or "Conflict" in line or f"on {kind} " in line]  # fmt: skip
    head = "mutation($i: " + name[0].upper() + name[1:] + "Input!) { " + name
    return head + "(" + args + ") {" + "\n".join(lines) + "} }"


def test_grids(run: Callable[..., dict], unchanged: Callable[[], Any]) -> None:
    new = {"code": "370303006001-009", "name": "柳毅社区第九网格", "communityCode": "370303006001",
           "kind": "DEDICATED", "households": 60}  # fmt: skip
    made = run(doc("createGrid", "Grid"), {"i": new}, role="editor", area=ZHANGDIAN)["createGrid"]
    assert made == {"__typename": "Grid", "code": "370303006001-009", "name": "柳毅社区第九网格",
                    "kind": "DEDICATED", "households": 60,
                    "community": {"code": "370303006001"}}  # fmt: skip
    update = doc("updateGrid", "Grid", 'code: "370303006001-009", ')
    changed = run(update, {"i": {"households": 75}}, role="editor")["updateGrid"]
    assert (changed["households"], changed["name"]) == (75, "柳毅社区第九网格")
    with unchanged():
        create = doc("createGrid", "Grid")
        assert run(create, {"i": new})["createGrid"]["__typename"] == "Conflict"
        bad = run(create, {"i": new | {"code": "370302001001-010", "households": -1}})
        assert {f["field"] for f in bad["createGrid"]["fields"]} == {"code", "households"}
        township = new | {"code": "370303006-001", "communityCode": "370303006"}
        assert run(create, {"i": township})["createGrid"]["fields"][0]["code"] in {
            "GRID_CODE", "NOT_A_COMMUNITY"}  # fmt: skip
        elsewhere = run(create, {"i": new | {"code": "370303006001-010"}}, role="editor",
                        area=ZICHUAN)["createGrid"]  # fmt: skip
        assert (elsewhere["__typename"], elsewhere["field"]) == ("NotFound", "communityCode")
        outside = run(update, {"i": {"name": "x"}}, role="editor", area=ZICHUAN)["updateGrid"]
        assert (outside["__typename"], outside["field"]) == ("NotFound", "code")


def test_councils_and_venues(run: Callable[..., dict], unchanged: Callable[[], Any]) -> None:
    council = {"communityCode": "370302001001", "name": "般阳社区妇女解忧议事会",
               "founded": "2025-02-01"}  # fmt: skip
    made = run(doc("createCouncil", "Council"), {"i": council}, role="editor", area=ZICHUAN)
    assert made["createCouncil"]["code"] == "WC-370302001001"
    with unchanged():
        again = run(doc("createCouncil", "Council"), {"i": council})["createCouncil"]
        assert again["__typename"] == "Conflict"
    renamed = run(doc("updateCouncil", "Council", 'code: "WC-370302001001", '),
                  {"i": {"name": "般阳议事会"}})["updateCouncil"]  # fmt: skip
    assert (renamed["name"], renamed["founded"]) == ("般阳议事会", "2025-02-01")

    venue = {"code": "V-COUNSEL-370303", "name": "张店区婚姻家庭辅导中心",
             "kind": "COUNSELLING_CENTRE", "areaCode": ZHANGDIAN}  # fmt: skip
    made_venue = run(doc("createVenue", "Venue"), {"i": venue}, role="editor", area=ZHANGDIAN)
    assert made_venue["createVenue"]["area"] == {"code": ZHANGDIAN}
    moved = run(doc("updateVenue", "Venue", 'code: "V-COUNSEL-370303", '),
                {"i": {"address": "人民西路 1 号"}})["updateVenue"]  # fmt: skip
    assert (moved["address"], moved["kind"]) == ("人民西路 1 号", "COUNSELLING_CENTRE")
    with unchanged():
        nameless = run(doc("createVenue", "Venue"), {"i": venue | {"code": "V-2", "name": ""}})
        assert nameless["createVenue"]["fields"] == [{"field": "name", "code": "REQUIRED"}]
        nowhere = run(doc("createVenue", "Venue"), {"i": venue | {"areaCode": "999"}})
        assert nowhere["createVenue"]["__typename"] == "NotFound"
        assert nowhere["createVenue"]["field"] == "areaCode"


def test_the_role_comes_first_then_every_invalid_field(
    run: Callable[..., dict], unchanged: Callable[[], Any]
) -> None:
    """One layer checks an update: a viewer is Forbidden whatever it sends, and an editor who
    sends a blank name and negative households hears of both at once."""
    update = doc("updateGrid", "Grid", f'code: "{LIUYI_GRID}", ')
    with unchanged():
        viewer = run(update, {"i": {"households": -1}}, role="viewer")["updateGrid"]
        assert (viewer["__typename"], viewer["requiredRole"]) == ("Forbidden", "EDITOR")
        both = run(update, {"i": {"name": " ", "households": -1}}, role="editor")["updateGrid"]
        assert sorted((f["field"], f["code"]) for f in both["fields"]) == [
            ("households", "NEGATIVE"),
            ("name", "REQUIRED"),
        ]
