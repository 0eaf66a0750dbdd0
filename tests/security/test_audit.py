"""Audit entries: written in the mutation's transaction, diffs only, never without the change."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import pytest
from neo4j import AsyncManagedTransaction, Driver

from core.audit import changes, entries, record
from core.auth import AccessRole, Viewer
from core.database import Database, create_async_driver
from core.settings import Settings

TARGET = "AuditTest:1"
EDITOR = Viewer(name="test editor", role=AccessRole.EDITOR, area_code="3703", token_id="t-42")

DELETE_TEST_ENTRIES = """
MATCH (e:AuditEntry)
WHERE e.target STARTS WITH 'AuditTest:'
DETACH DELETE e
"""


@pytest.fixture
def clean(driver: Driver, settings: Settings) -> Iterator[None]:
    driver.execute_query(DELETE_TEST_ENTRIES, database_=settings.neo4j_database)
    yield
    driver.execute_query(DELETE_TEST_ENTRIES, database_=settings.neo4j_database)


def test_changes_keep_only_what_differs() -> None:
    assert changes({"name": "甲", "phone": "1"}, {"name": "甲", "phone": "2"}) == (
        {"phone": "1"},
        {"phone": "2"},
    )
    assert changes(None, {"name": "乙"}) == (None, {"name": "乙"})
    assert changes({"name": "丙"}, None) == ({"name": "丙"}, None)
    assert changes({"a": 1}, {"b": 2}) == ({"a": 1, "b": None}, {"a": None, "b": 2})


def test_an_entry_is_written_with_the_change_and_read_back(clean: None, settings: Settings) -> None:
    async def run() -> None:
        driver = create_async_driver(settings)
        try:
            db = Database(driver, settings)

            async def work(tx: AsyncManagedTransaction) -> str:
                return await record(
                    tx, EDITOR, "updatePerson", TARGET,
                    before={"name": "王芳", "phone": "13812348000"},
                    after={"name": "王芳", "phone": "13912348000"},
                    request_id="req-audit-1",
                )  # fmt: skip

            entry_id = await db.write_tx(work)
            [entry] = await entries(db, target=TARGET)
            assert entry.id == entry_id
            assert (entry.actor, entry.actor_role) == ("token:t-42", "editor")
            assert (entry.action, entry.target) == ("updatePerson", TARGET)
            assert entry.before == {"phone": "13812348000"}
            assert entry.after == {"phone": "13912348000"}
            assert entry.request_id == "req-audit-1"
            assert [e.id for e in await entries(db, actor="token:t-42")][:1] == [entry_id]
        finally:
            await driver.close()

    asyncio.run(run())


def test_a_failed_mutation_leaves_no_entry(clean: None, settings: Settings) -> None:
    class Refused(Exception):
        pass

    async def run() -> None:
        driver = create_async_driver(settings)
        try:
            db = Database(driver, settings)

            async def work(tx: AsyncManagedTransaction) -> None:
                await record(tx, EDITOR, "closeCase", "AuditTest:2", after={"status": "CLOSED"})
                raise Refused

            with pytest.raises(Refused):
                await db.write_tx(work)
            assert await entries(db, target="AuditTest:2") == []
        finally:
            await driver.close()

    asyncio.run(run())
