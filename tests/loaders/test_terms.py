"""Rosters write the domain's terms; the loader reads them as the API and the docs spell them
(`core.vocabulary`): 土地承包 is LAND_CONTRACTING (山林土地 too, as the Ministry's forms write
it), 不予受理 is a rejected case, 退回 is a step and never a status, and a step is stored as the
action the API's workflow writes."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from neo4j import Driver

from core.identity import identity_key
from core.settings import Settings
from loaders.errors import LoadRefused
from loaders.pipeline import LoadOptions, LoadResult, load_files
from tests.loaders.rosters import write_base, write_csv

CASES_HEADER = ["案件编号", "纠纷名称", "纠纷类型", "状态", "上报时间", "所属网格"]
STEPS_HEADER = ["案件编号", "步骤序号", "环节", "原状态", "新状态", "办理时间"]

CASES = """
MATCH (c:Case) RETURN c.id AS id, c.category AS category, c.status AS status ORDER BY id
"""
STEPS = """
MATCH (s:CaseStep)
RETURN s.id AS id, s.action AS action, s.title AS title, s.toStatus AS to ORDER BY id
"""


def _load(driver: Driver, settings: Settings, paths: list[Path]) -> LoadResult:
    options = LoadOptions(as_of=date(2025, 1, 1), by="test")
    identity = identity_key(settings, driver)
    return load_files(driver, settings.neo4j_database, paths, options, identity=identity)


def _case(case_id: str, category: str, status: str) -> list[object]:
    return [case_id, "纠纷（示例）", category, status, "2025-03-12", "柳毅第一网格"]


def test_categories_and_statuses_are_read_by_their_terms(
    tmp_path: Path, empty_graph: Driver, settings: Settings
) -> None:
    cases = [
        CASES_HEADER,
        _case("C2025-000201", "土地承包", "不予受理"),
        _case("C2025-000202", "山林土地", "受理"),
        _case("C2025-000203", "marriage & family", "REJECTED"),
    ]
    steps = [
        STEPS_HEADER,
        ["C2025-000201", 1, "上报", "", "上报", "2025-03-12"],
        ["C2025-000201", 2, "不予受理", "上报", "不予受理", "2025-03-13"],
        ["C2025-000202", 1, "受理", "上报", "受理", "2025-03-13"],
        ["C2025-000202", 2, "退回", "分派", "受理", "2025-03-14"],
    ]
    _load(
        empty_graph,
        settings,
        [
            *write_base(tmp_path),
            write_csv(tmp_path / "cases.csv", cases, "gbk"),
            write_csv(tmp_path / "steps.csv", steps, "utf-8-sig"),
        ],
    )
    db = settings.neo4j_database
    assert [r.data() for r in empty_graph.execute_query(CASES, database_=db)[0]] == [
        {"id": "C2025-000201", "category": "LAND_CONTRACTING", "status": "REJECTED"},
        {"id": "C2025-000202", "category": "LAND_CONTRACTING", "status": "ACCEPTED"},
        {"id": "C2025-000203", "category": "MARRIAGE_FAMILY", "status": "REJECTED"},
    ]
    assert [r.data() for r in empty_graph.execute_query(STEPS, database_=db)[0]] == [
        {"id": "C2025-000201#1", "action": "REPORT", "title": "上报", "to": "REPORTED"},
        {"id": "C2025-000201#2", "action": "REJECT", "title": "不予受理", "to": "REJECTED"},
        {"id": "C2025-000202#1", "action": "ACCEPT", "title": "受理", "to": "ACCEPTED"},
        {"id": "C2025-000202#2", "action": "RETURN", "title": "退回", "to": "ACCEPTED"},
    ]


@pytest.mark.parametrize(
    ("header", "row", "column", "listed"),
    [
        (CASES_HEADER, _case("C2025-000301", "婚姻家庭", "退回"), "状态", ["受理", "不予受理"]),
        (STEPS_HEADER, ["C2025-000302", 1, "审批", "", "", "2025-03-12"], "环节", ["退回"]),
    ],
    ids=["returned-is-no-status", "unknown-step"],
)
def test_a_word_of_no_vocabulary_is_refused_naming_the_terms(
    tmp_path: Path,
    empty_graph: Driver,
    settings: Settings,
    header: list[str],
    row: list[object],
    column: str,
    listed: list[str],
) -> None:
    files = write_base(tmp_path)
    if header is STEPS_HEADER:
        cases = [CASES_HEADER, _case("C2025-000302", "邻里", "上报")]
        files.append(write_csv(tmp_path / "cases.csv", cases, "utf-8"))
    files.append(write_csv(tmp_path / "rows.csv", [header, row], "utf-8"))
    with pytest.raises(LoadRefused) as refused:
        _load(empty_graph, settings, files)
    [problem] = refused.value.problems
    assert problem.column.startswith(column) and problem.code == "CHOICE"
    terms = problem.zh.split("应为 ")[1].replace(" 或 ", "、").split("、")
    assert set(listed) <= set(terms)
    assert problem.value not in terms  # 退回 is no status; 审批 no step
