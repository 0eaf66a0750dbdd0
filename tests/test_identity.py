"""Person keys are HMACs under the deployment's identity key: not invertible, kept idempotent,
and graphs of earlier versions are keyed in place (docs/security.md, "Identity key")."""

from __future__ import annotations

import base64
import hashlib
import json
import re
import stat
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import pytest
from neo4j import Driver
from starlette.testclient import TestClient

from commands.demo import run_demo
from core.identity import (
    IdentityKey,
    IdentityKeyError,
    identity_key,
    key_file,
    unkeyed_person_id,
)
from core.migrations import prepare_graph
from core.settings import Settings
from tests.conftest import gql, make_test_settings, wipe_graph
from tests.loaders.rosters import PEOPLE_HEADER, people_rows, person_id_number, write_base
from tests.loaders.rosters import write_csv as write_roster

SCALE = 0.02


@dataclass(frozen=True)
class UnkeyedIdentity(IdentityKey):
    """Derives keys as earlier versions did: what a graph of before the migration holds."""

    def keyed(self, unkeyed: str) -> str:
        return unkeyed

    def id_number_hash(self, id_number: str) -> str:
        return hashlib.sha256(id_number.encode()).hexdigest()


UNKEYED = UnkeyedIdentity(b"\0" * 32)


def test_keys_depend_on_the_secret_and_nothing_else() -> None:
    one, other = IdentityKey(b"1" * 32), IdentityKey(b"2" * 32)
    number = person_id_number(1)
    assert one.person_id(number) == one.person_id(number, "另一个名字", date(1990, 1, 1), "x")
    assert one.person_id(number) != other.person_id(number)
    assert one.person_id(number) != unkeyed_person_id(number)
    assert re.fullmatch(r"P-[0-9a-f]{16}", one.person_id(number))
    by_name = one.person_id(None, "孟 丹阳", None, "370303006001")
    assert by_name == one.person_id(None, "孟丹阳", None, "370303006001")
    assert by_name != one.person_id(None, "孟丹阳", date(1980, 1, 1), "370303006001")
    assert one.keyed(unkeyed_person_id(number)) == one.person_id(number)
    assert one.id_number_hash(number) != hashlib.sha256(number.encode()).hexdigest()
    assert one.check_value != other.check_value
    assert IdentityKey.decode(one.encoded(), "test") == one
    with pytest.raises(IdentityKeyError, match="needs 32"):
        IdentityKey.decode(base64.urlsafe_b64encode(b"short").decode(), "test")


def _recover(person_id: str, masked: str, derive: Callable[[str], str]) -> str | None:
    """The attack: the masked ID hides 8 birth-date digits; try every date since 1900."""
    prefix, suffix = masked[:6], masked[-4:]
    day = date(1900, 1, 1)
    while day <= date.today():
        candidate = f"{prefix}{day:%Y%m%d}{suffix}"
        if derive(candidate) == person_id:
            return candidate
        day += timedelta(days=1)
    return None


PEOPLE_PAGE = """
{ people(first: 50) { nodes { id personId idNumber
    appointments { id } } } }
"""


def test_a_viewer_cannot_recover_id_numbers_from_person_ids(
    tmp_path: Path, empty_graph: Driver, settings: Settings, client_as: Callable[..., TestClient]
) -> None:
    """On earlier versions the brute force below recovered every ID number of a page."""
    from core.identity import identity_key as key_of
    from loaders.pipeline import LoadOptions, load_files

    people = write_roster(tmp_path / "p.csv", [PEOPLE_HEADER, *people_rows()], "gbk")
    files = [*write_base(tmp_path), people]
    options = LoadOptions(as_of=date(2025, 1, 1), by="test")
    load_files(
        empty_graph, settings.neo4j_database, files, options, identity=key_of(settings, empty_graph)
    )
    body = gql(client_as("viewer"), PEOPLE_PAGE)
    people = body["data"]["people"]["nodes"]
    assert len(people) == 3
    for person in people:
        masked = person["idNumber"]
        assert "*" in masked
        # The same attack does recover the number from a key of earlier versions ...
        full = _recover(unkeyed_person_id(_number_of(masked)), masked, unkeyed_person_id)
        assert full is not None and full.endswith(masked[-4:])
        # ... and nothing from the key, the global id or the appointment ids the API shows.
        assert _recover(person["personId"], masked, unkeyed_person_id) is None
        decoded = base64.urlsafe_b64decode(person["id"] + "==").decode()
        assert unkeyed_person_id(_number_of(masked)) not in decoded
        for appointment in person["appointments"]:
            assert unkeyed_person_id(_number_of(masked)) not in appointment["id"]


def _number_of(masked: str) -> str:
    """The full test ID number behind a masked one (the test knows its own rosters)."""
    for n, born in ((1, date(1985, 3, 12)), (2, date(1990, 5, 2)), (3, date(1990, 1, 1))):
        number = person_id_number(n, born)
        if number[:6] == masked[:6] and number[-4:] == masked[-4:].upper():
            return number
    raise AssertionError(masked)


def test_a_key_is_made_once_and_kept_owner_only(tmp_path: Path, driver: Driver) -> None:
    settings = make_test_settings(identity_key_file=tmp_path / "keys" / "identity.key")
    graph_has_the_test_key = identity_key(make_test_settings(), driver)
    with pytest.raises(IdentityKeyError, match="does not have"):
        identity_key(settings, driver)  # the graph is keyed already: never a second key
    assert not key_file(settings).exists()

    path = key_file(settings)
    path.parent.mkdir()
    path.write_text(IdentityKey.generate().encoded() + "\n")
    with pytest.raises(IdentityKeyError, match="not the one"):
        identity_key(settings, driver)
    path.write_text(graph_has_the_test_key.encoded() + "\n")
    assert identity_key(settings, driver) == graph_has_the_test_key
    from_env = make_test_settings(identity_key=graph_has_the_test_key.encoded())
    assert identity_key(from_env, driver) == graph_has_the_test_key


def test_a_new_deployment_creates_its_key_file(tmp_path: Path) -> None:
    from core.identity import _create_key_file

    path = tmp_path / "identity.key"
    made = _create_key_file(path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert _create_key_file(path) == made  # a second process finds the first one's key


LEGACY_AUDIT = """
UNWIND $people AS id
CREATE (:AuditEntry {id: 'legacy-' + id, at: datetime(), actor: 'development',
  actorRole: 'admin', action: 'updatePerson', target: 'Person:' + id,
  after: $after_prefix + id + '"}', name: 'updatePerson Person:' + id})
WITH id LIMIT 1
CREATE (:LoadUndo {_load: 'L-legacy', _op: 'node', _kind: 'people', _key: id,
  id: id + '|GRID_HEAD|370303006001-001|2024-11-01'})
"""

STRINGS = """
CALL () {
  MATCH (n) UNWIND keys(n) AS key WITH n[key] AS value WHERE value IS :: STRING RETURN value
  UNION ALL
  MATCH ()-[r]->() UNWIND keys(r) AS key WITH r[key] AS value WHERE value IS :: STRING
  RETURN value
}
RETURN value
"""


def _person_ids(driver: Driver, database: str) -> set[str]:
    records = driver.execute_query("MATCH (p:Person) RETURN p.id AS id", database_=database)[0]
    return {r["id"] for r in records}


def test_a_graph_of_earlier_versions_is_keyed_in_place_once(
    tmp_path: Path, driver: Driver, settings: Settings, identity: IdentityKey
) -> None:
    db = settings.neo4j_database
    wipe_graph(driver, db)
    try:
        run_demo(driver, db, UNKEYED, SCALE, tmp_path)
        legacy = _person_ids(driver, db)
        driver.execute_query(
            LEGACY_AUDIT, people=sorted(legacy), after_prefix='{"reporter": "', database_=db
        )
        # The graph as the upgrade finds it: no key check, migration 0008 not applied.
        driver.execute_query(
            "MATCH (n) WHERE n:KeyCheck OR n:Migration AND n.id = '0008_keyed_person_ids' DELETE n",
            database_=db,
        )
        errors: list[BaseException] = []

        def start() -> None:  # two processes start at once: the ids are keyed once
            try:
                prepare_graph(settings, driver)
            except BaseException as error:  # pragma: no cover - reported below
                errors.append(error)

        threads = [threading.Thread(target=start) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(120)
        assert not errors

        keyed = _person_ids(driver, db)
        assert keyed == {identity.keyed(old) for old in legacy}
        texts = [r["value"] for r in driver.execute_query(STRINGS, database_=db)[0]]
        left = {token for text in texts for token in re.findall(r"P-[0-9a-f]{16}", text)}
        assert left and not left & legacy  # every id, target, journal and JSON text keyed
        entry = driver.execute_query(
            "MATCH (e:AuditEntry) RETURN e.target AS target, e.after AS after LIMIT 1",
            database_=db,
        )[0][0]
        assert entry["target"].removeprefix("Person:") == json.loads(entry["after"])["reporter"]
        hashes = driver.execute_query(
            "MATCH (p:Person) WHERE p.idNumber IS NOT NULL "
            "RETURN p.idNumber AS number, p.idNumberHash AS hash",
            database_=db,
        )[0]
        assert hashes and all(r["hash"] == identity.id_number_hash(r["number"]) for r in hashes)

        again = run_demo(driver, db, identity, SCALE, tmp_path)  # the same rosters, re-loaded
        assert again.counts.total("created") == 0 and again.counts.total("updated") == 0
    finally:
        wipe_graph(driver, db)
        prepare_graph(settings, driver)
