"""Graph-schema migrations: applied once, recorded in the graph, safe to repeat."""

from __future__ import annotations

from neo4j import Driver

from core.identity import IdentityKey
from core.migrations import MIGRATIONS, apply_migrations
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
