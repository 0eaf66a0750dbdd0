"""Graph-schema migrations: applied once, recorded in the graph, safe to repeat."""

from __future__ import annotations

from neo4j import Driver

from core.identity import IdentityKey
from core.migrations import MIGRATIONS, apply_migrations, step_actions_as_values
from core.model import NATURAL_KEYS
from core.settings import Settings


def test_every_migration_is_recorded(driver: Driver, settings: Settings) -> None:
    records, _, _ = driver.execute_query(
        "MATCH (m:Migration) RETURN m.id AS id, m.appliedAt AS at ORDER BY id",
        database_=settings.neo4j_database,
    )
    assert [r["id"] for r in records] == [m.id for m in MIGRATIONS]
    assert all(r["at"] is not None for r in records)


def test_applying_again_changes_nothing(
    driver: Driver, settings: Settings, identity: IdentityKey
) -> None:
    assert apply_migrations(driver, settings.neo4j_database, identity) == []


def test_every_natural_key_has_a_uniqueness_constraint(driver: Driver, settings: Settings) -> None:
    records, _, _ = driver.execute_query(
        "SHOW CONSTRAINTS YIELD labelsOrTypes, properties, type "
        "WHERE type = 'UNIQUENESS' RETURN labelsOrTypes[0] AS label, properties[0] AS key",
        database_=settings.neo4j_database,
    )
    constrained = {(r["label"], r["key"]) for r in records}
    for label, key in NATURAL_KEYS.items():
        assert (label.value, key) in constrained


def test_fulltext_index_uses_the_cjk_analyzer(driver: Driver, settings: Settings) -> None:
    records, _, _ = driver.execute_query(
        "SHOW FULLTEXT INDEXES YIELD name, options WHERE name = 'names_fulltext' "
        "RETURN options.indexConfig['fulltext.analyzer'] AS analyzer",
        database_=settings.neo4j_database,
    )
    assert records[0]["analyzer"] == "cjk"


def test_loaded_step_actions_become_values(
    empty_graph: Driver, settings: Settings, identity: IdentityKey
) -> None:
    """Steps an earlier loader stored with the roster's word (受理, 驳回) read as the API's."""
    db = settings.neo4j_database
    empty_graph.execute_query(
        "UNWIND [['C#1', '受理'], ['C#2', '驳回'], ['C#3', 'CLOSE'], ['C#4', '其他']] AS s "
        "CREATE (:CaseStep {id: s[0], action: s[1]})",
        database_=db,
    )
    with empty_graph.session(database=db) as session:
        session.execute_write(step_actions_as_values, identity)
    records, _, _ = empty_graph.execute_query(
        "MATCH (s:CaseStep) RETURN s.id AS id, s.action AS action ORDER BY id", database_=db
    )
    assert [r["action"] for r in records] == ["ACCEPT", "REJECT", "CLOSE", "其他"]
