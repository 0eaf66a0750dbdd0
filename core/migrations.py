"""Graph-schema migrations: constraints and indexes, applied idempotently and recorded.

Each migration has a stable id, a list of schema statements (all `IF NOT EXISTS`) and perhaps a
data step. Applying runs every migration whose id has no `(:Migration {id})` node yet, then
records it, so `gridgraph db migrate`, loads and service start-up can all call
`prepare_graph` safely, and an analyst can see in the graph which migrations ran and when. A
data step runs in one transaction with the record of its migration, after taking that record's
lock: it happens exactly once, entirely or not at all, however many processes start at once.
Migrations are append-only: change the graph by adding one, never by editing one that has
shipped.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import LiteralString

from neo4j import Driver, ManagedTransaction

from core.audit import place_existing_entries
from core.identity import IdentityKey, identity_key, key_people, record_key
from core.model import NATURAL_KEYS
from core.settings import Settings
from core.workflow import CaseAction


@dataclass(frozen=True)
class Migration:
    id: str
    description: str
    statements: tuple[LiteralString, ...]
    data: Callable[[ManagedTransaction, IdentityKey], None] | None = None
    """A change of the data, run once in the transaction that records the migration."""


STEP_ACTIONS_AS_VALUES: LiteralString = """
MATCH (s:CaseStep)
WHERE s.action IN keys($values)
SET s.action = $values[s.action]
"""


def step_actions_as_values(tx: ManagedTransaction, key: IdentityKey) -> None:
    """Steps loaded from rosters before the loader read 环节 against `CaseAction` kept the
    roster's word (受理) as their `action`; the API writes the value (ACCEPT)."""
    values = {word: action.value for action in CaseAction for word in (action.zh, *action.aliases)}
    tx.run(STEP_ACTIONS_AS_VALUES, values=values).consume()


def _unique(label: str, key: str) -> LiteralString:
    # Labels and keys come from core.model (a fixed vocabulary), never from input.
    name = f"{label.lower()}_{key}_unique"
    return f"CREATE CONSTRAINT {name} IF NOT EXISTS FOR (n:{label}) REQUIRE n.{key} IS UNIQUE"  # type: ignore[return-value]


MIGRATIONS: tuple[Migration, ...] = (
    Migration(
        id="0001_natural_keys",
        description="Uniqueness constraints on every natural key",
        statements=tuple(_unique(label.value, key) for label, key in NATURAL_KEYS.items()),
    ),
    Migration(
        id="0002_lookup_indexes",
        description="Indexes for the lookups the API and the loaders make",
        statements=(
            "CREATE INDEX area_level IF NOT EXISTS FOR (n:Area) ON (n.level)",
            "CREATE TEXT INDEX area_name_text IF NOT EXISTS FOR (n:Area) ON (n.name)",
            "CREATE TEXT INDEX person_name_text IF NOT EXISTS FOR (n:Person) ON (n.name)",
            "CREATE INDEX person_name IF NOT EXISTS FOR (n:Person) ON (n.name)",
            "CREATE INDEX person_id_number_hash IF NOT EXISTS FOR (n:Person) ON (n.idNumberHash)",
            "CREATE TEXT INDEX grid_name_text IF NOT EXISTS FOR (n:Grid) ON (n.name)",
            "CREATE INDEX grid_kind IF NOT EXISTS FOR (n:Grid) ON (n.kind)",
            "CREATE INDEX venue_kind IF NOT EXISTS FOR (n:Venue) ON (n.kind)",
            "CREATE TEXT INDEX venue_name_text IF NOT EXISTS FOR (n:Venue) ON (n.name)",
            "CREATE INDEX case_status IF NOT EXISTS FOR (n:Case) ON (n.status)",
            "CREATE INDEX case_category IF NOT EXISTS FOR (n:Case) ON (n.category)",
            "CREATE INDEX case_reported_at IF NOT EXISTS FOR (n:Case) ON (n.reportedAt)",
            "CREATE INDEX serves_grid_role IF NOT EXISTS FOR ()-[r:SERVES_GRID]-() ON (r.role)",
            "CREATE INDEX holds_post_role IF NOT EXISTS FOR ()-[r:HOLDS_POST]-() ON (r.role)",
            "CREATE INDEX member_of_role IF NOT EXISTS FOR ()-[r:MEMBER_OF]-() ON (r.role)",
            "CREATE INDEX volunteers_at_role IF NOT EXISTS FOR ()-[r:VOLUNTEERS_AT]-() ON (r.role)",
            "CREATE CONSTRAINT serves_grid_id_unique IF NOT EXISTS "
            "FOR ()-[r:SERVES_GRID]-() REQUIRE r.id IS UNIQUE",
            "CREATE CONSTRAINT holds_post_id_unique IF NOT EXISTS "
            "FOR ()-[r:HOLDS_POST]-() REQUIRE r.id IS UNIQUE",
            "CREATE CONSTRAINT member_of_id_unique IF NOT EXISTS "
            "FOR ()-[r:MEMBER_OF]-() REQUIRE r.id IS UNIQUE",
            "CREATE CONSTRAINT volunteers_at_id_unique IF NOT EXISTS "
            "FOR ()-[r:VOLUNTEERS_AT]-() REQUIRE r.id IS UNIQUE",
        ),
    ),
    Migration(
        id="0003_fulltext_names",
        description="Full-text index (cjk analyzer) over names of people, places, venues, brands",
        statements=(
            "CREATE FULLTEXT INDEX names_fulltext IF NOT EXISTS "
            "FOR (n:Person|Area|Grid|Venue|ServiceBrand|Project|SistersGroup|Council|Federation"
            "|Department|Activity) ON EACH [n.name, n.title] "
            "OPTIONS {indexConfig: {`fulltext.analyzer`: 'cjk'}}",
        ),
    ),
    Migration(
        id="0004_api_tokens",
        description="API tokens: unique ids and unique hashes (the per-request look-up)",
        statements=(
            "CREATE CONSTRAINT apitoken_id_unique IF NOT EXISTS "
            "FOR (n:ApiToken) REQUIRE n.id IS UNIQUE",
            "CREATE CONSTRAINT apitoken_hash_unique IF NOT EXISTS "
            "FOR (n:ApiToken) REQUIRE n.hash IS UNIQUE",
        ),
    ),
    Migration(
        id="0005_loader_lookups",
        description="Keys and indexes the roster loaders need: visit ids, load provenance",
        statements=(
            "CREATE CONSTRAINT visited_id_unique IF NOT EXISTS "
            "FOR ()-[r:VISITED]-() REQUIRE r.id IS UNIQUE",
            "CREATE INDEX person_source IF NOT EXISTS FOR (n:Person) ON (n.source)",
            "CREATE INDEX load_at IF NOT EXISTS FOR (n:Load) ON (n.at)",
        ),
    ),
    Migration(
        id="0006_audit_entries",
        description="Audit log: unique entry ids; look-ups by time, target and actor",
        statements=(
            "CREATE CONSTRAINT auditentry_id_unique IF NOT EXISTS "
            "FOR (n:AuditEntry) REQUIRE n.id IS UNIQUE",
            "CREATE INDEX auditentry_at IF NOT EXISTS FOR (n:AuditEntry) ON (n.at)",
            "CREATE INDEX auditentry_target IF NOT EXISTS FOR (n:AuditEntry) ON (n.target)",
            "CREATE INDEX auditentry_actor IF NOT EXISTS FOR (n:AuditEntry) ON (n.actor)",
        ),
    ),
    Migration(
        id="0007_load_journal",
        description="Batched loads: find a load's undo journal and the nodes it wrote quickly",
        statements=(
            "CREATE INDEX loadundo_load IF NOT EXISTS FOR (n:LoadUndo) ON (n._load)",
            "CREATE INDEX load_status IF NOT EXISTS FOR (n:Load) ON (n.status)",
        ),
    ),
    Migration(
        id="0008_keyed_person_ids",
        description="Person keys and ids that embed them become HMACs under the identity key",
        statements=(
            "CREATE CONSTRAINT keycheck_id_unique IF NOT EXISTS "
            "FOR (n:KeyCheck) REQUIRE n.id IS UNIQUE",
        ),
        data=key_people,
    ),
    Migration(
        id="0009_audit_entry_areas",
        description="Audit entries: place existing ones in the areas their target lies in",
        statements=(),
        data=place_existing_entries,
    ),
    Migration(
        id="0010_case_counters",
        description="One case-number counter per year (reportCase numbers cases atomically)",
        statements=(
            "CREATE CONSTRAINT casecounter_year_unique IF NOT EXISTS "
            "FOR (n:CaseCounter) REQUIRE n.year IS UNIQUE",
        ),
    ),
    Migration(
        id="0011_case_step_actions",
        description="Case steps loaded from rosters: `action` is the CaseAction value",
        statements=(),
        data=step_actions_as_values,
    ),
)

CREATE_MIGRATION_CONSTRAINT: LiteralString = (
    "CREATE CONSTRAINT migration_id_unique IF NOT EXISTS FOR (n:Migration) REQUIRE n.id IS UNIQUE"
)

GET_APPLIED_MIGRATIONS: LiteralString = """
MATCH (m:Migration)
RETURN m.id AS id
"""

RECORD_MIGRATION: LiteralString = """
MERGE (m:Migration {id: $id})
ON CREATE SET m.name = $id, m.description = $description, m.appliedAt = datetime()
"""

LOCK_MIGRATION: LiteralString = """
MERGE (m:Migration {id: $id})
SET m._lock = true
RETURN m.appliedAt IS NOT NULL AS applied
"""
"""Taken before a data step: a second process waits here, then finds the migration applied."""

FINISH_MIGRATION: LiteralString = """
MATCH (m:Migration {id: $id})
SET m.name = $id, m.description = $description, m.appliedAt = datetime()
REMOVE m._lock
"""


def _run_data_step(tx: ManagedTransaction, migration: Migration, key: IdentityKey) -> bool:
    if tx.run(LOCK_MIGRATION, id=migration.id).single(strict=True)["applied"]:
        return False
    assert migration.data is not None
    migration.data(tx, key)
    tx.run(FINISH_MIGRATION, id=migration.id, description=migration.description).consume()
    return True


def apply_migrations(driver: Driver, database: str, key: IdentityKey) -> list[str]:
    """Apply every migration not yet recorded in `database`; return the ids applied now."""
    driver.execute_query(CREATE_MIGRATION_CONSTRAINT, database_=database)
    records, _, _ = driver.execute_query(GET_APPLIED_MIGRATIONS, database_=database)
    done = {record["id"] for record in records}
    applied: list[str] = []
    for migration in MIGRATIONS:
        if migration.id in done:
            continue
        for statement in migration.statements:
            driver.execute_query(statement, database_=database)
        if migration.data is None:
            driver.execute_query(
                RECORD_MIGRATION,
                id=migration.id,
                description=migration.description,
                database_=database,
            )
        else:
            with driver.session(database=database) as session:
                if not session.execute_write(_run_data_step, migration, key):
                    continue  # another process applied it meanwhile
        applied.append(migration.id)
    driver.execute_query("CALL db.awaitIndexes(300)", database_=database)
    return applied


def prepare_graph(settings: Settings, driver: Driver) -> tuple[IdentityKey, list[str]]:
    """What every process does before it reads or writes people: find (or, on a deployment's
    first start, create) the identity key, check it against the graph, apply the migrations.

    Returns the key and the ids of the migrations applied now.
    """
    key = identity_key(settings, driver)
    applied = apply_migrations(driver, settings.neo4j_database, key)
    record_key(settings, driver, key)
    return key, applied
