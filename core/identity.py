"""The deployment's identity key: person keys that nobody without it can compute or invert.

A person's key (`Person.id`) is derived from personal data: the resident ID number, or
`name|birthDate|community code`. An unkeyed digest of either can be inverted by trying every
candidate, because a masked ID number shows all but its 8 birth-date digits. So every key is an
HMAC-SHA256 under a secret of the deployment, the *identity key*, which lives outside the graph:

    Person.id     = "P-" + hex(HMAC(key, "person" ␟ unkeyed digest))[:16]
    idNumberHash  = hex(HMAC(key, "id-number" ␟ ID number))

The unkeyed digest is the key of earlier versions (`"P-"` + 16 hex of its sha256), so existing
graphs migrate by keying the ids they hold (`core.migrations`, `0008_keyed_person_ids`), reading
no personal data, and a re-load of any roster finds the same people as before. The graph keeps
only a check value (`(:KeyCheck {id: "identity"})`, an HMAC of a fixed text), so a host with
another key or none is refused before it can write people under different keys.
docs/security.md explains backups and deployments on several hosts.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import os
import re
import secrets
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import LiteralString

from neo4j import Driver, ManagedTransaction

from core.errors import AppError
from core.settings import PROJECT_ROOT, Settings
from core.validation import normalise_name

KEY_BYTES = 32
CHECK_TEXT = "gridgraph identity key check"

GET_KEY_CHECK: LiteralString = """
MATCH (k:KeyCheck {id: 'identity'})
RETURN k.checkValue AS checkValue
"""

VERIFY_KEY_CHECK: LiteralString = """
MERGE (k:KeyCheck {id: 'identity'})
ON CREATE SET k.name = 'identity key check', k.checkValue = $check, k.recordedAt = datetime()
RETURN k.checkValue = $check AS same
"""
"""Records the check value in a graph that has none; says whether the graph's is this one."""


class IdentityKeyError(AppError):
    """The identity key is missing, malformed, or not the one the graph was keyed with."""

    code = "IDENTITY_KEY_MISMATCH"


def unkeyed_person_id(
    id_number: str | None,
    name: str = "",
    birth_date: date | None = None,
    community_code: str = "",
) -> str:
    """The person key of earlier versions, kept only as the input of the keyed one.

    From the normalised ID number when there is one, otherwise from `name|birthDate|community
    code` (missing parts empty). Never store or show it: it can be inverted.
    """
    if id_number:
        material = id_number
    else:
        born = birth_date.isoformat() if birth_date else ""
        material = f"{normalise_name(name)}|{born}|{community_code}"
    return "P-" + hashlib.sha256(material.encode("utf-8")).hexdigest()[:16]


@dataclass(frozen=True)
class IdentityKey:
    """HMAC-SHA256 under the deployment's secret, for every key derived from personal data."""

    secret: bytes = field(repr=False)

    def _mac(self, purpose: str, text: str) -> str:
        message = f"{purpose}\x1f{text}".encode()
        return hmac.new(self.secret, message, hashlib.sha256).hexdigest()

    def person_id(
        self,
        id_number: str | None,
        name: str = "",
        birth_date: date | None = None,
        community_code: str = "",
    ) -> str:
        """`Person.id` per docs/data-model.md."""
        return self.keyed(unkeyed_person_id(id_number, name, birth_date, community_code))

    def keyed(self, unkeyed: str) -> str:
        """The key of a person whose unkeyed key was `unkeyed` (what the migration applies)."""
        return "P-" + self._mac("person", unkeyed)[:16]

    def id_number_hash(self, id_number: str) -> str:
        """`Person.idNumberHash`: finds a person by ID number without storing it in an index."""
        return self._mac("id-number", id_number)

    @property
    def check_value(self) -> str:
        """What the graph records to recognise this key; reveals nothing about it."""
        return self._mac("check", CHECK_TEXT)[:32]

    @classmethod
    def generate(cls) -> IdentityKey:
        return cls(secrets.token_bytes(KEY_BYTES))

    def encoded(self) -> str:
        """The key as the one line of a key file or `GRIDGRAPH_IDENTITY_KEY`."""
        return base64.urlsafe_b64encode(self.secret).decode("ascii").rstrip("=")

    @classmethod
    def decode(cls, text: str, source: str) -> IdentityKey:
        value = text.strip()
        try:
            secret = base64.urlsafe_b64decode(value + "=" * (-len(value) % 4))
        except (binascii.Error, ValueError) as error:
            raise IdentityKeyError(f"The identity key in {source} is not base64url.") from error
        if len(secret) < KEY_BYTES:
            raise IdentityKeyError(
                f"The identity key in {source} has {len(secret)} bytes; it needs {KEY_BYTES}."
            )
        return cls(secret)


def key_file(settings: Settings) -> Path:
    """Where this host keeps the identity key (`GRIDGRAPH_IDENTITY_KEY_FILE`)."""
    return settings.identity_key_file or PROJECT_ROOT / ".data" / "identity.key"


def local_key(settings: Settings) -> IdentityKey | None:
    """The key this host has: `GRIDGRAPH_IDENTITY_KEY`, else the key file (None: neither)."""
    if settings.identity_key is not None:
        return IdentityKey.decode(
            settings.identity_key.get_secret_value(), "GRIDGRAPH_IDENTITY_KEY"
        )
    path = key_file(settings)
    if not path.exists():
        return None
    return IdentityKey.decode(path.read_text(encoding="ascii"), str(path))


def _create_key_file(path: Path) -> IdentityKey:
    """Write a new key to `path`, readable by its owner only; another process may win the race,
    and then its key is the one."""
    path.parent.mkdir(parents=True, exist_ok=True)
    key = IdentityKey.generate()
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return IdentityKey.decode(path.read_text(encoding="ascii"), str(path))
    with os.fdopen(descriptor, "w", encoding="ascii") as handle:
        handle.write(key.encoded() + "\n")
    return key


def graph_check_value(driver: Driver, database: str) -> str | None:
    records, _, _ = driver.execute_query(GET_KEY_CHECK, database_=database)
    return records[0]["checkValue"] if records else None


def _mismatch(settings: Settings) -> IdentityKeyError:
    return IdentityKeyError(
        f"The identity key of this host ({key_file(settings)}) is not the one this graph's "
        "person keys were made with. Use the key of the host that made them "
        "(docs/security.md, 'Identity key')."
    )


def identity_key(settings: Settings, driver: Driver) -> IdentityKey:
    """This deployment's key, checked against the graph; created on a deployment's first start.

    A new key is made only when neither this host nor the graph has one. A graph keyed before
    (it holds a check value) with no key here, or with another key, is refused: writing people
    under a second key would duplicate every one of them on the next roster load. The graph
    records the check value when the key is first applied to it (`key_people`, `record_key`).
    """
    recorded = graph_check_value(driver, settings.neo4j_database)
    key = local_key(settings)
    if key is None:
        if recorded is not None:
            raise IdentityKeyError(
                f"This graph's person keys were made with an identity key this host does not "
                f"have. Copy the key file of the host that made them to {key_file(settings)}, or "
                "set GRIDGRAPH_IDENTITY_KEY (docs/security.md, 'Identity key')."
            )
        key = _create_key_file(key_file(settings))
    if recorded is not None and recorded != key.check_value:
        raise _mismatch(settings)
    return key


def record_key(settings: Settings, driver: Driver, key: IdentityKey) -> None:
    """Record `key`'s check value in a graph that has none; refuse a graph keyed otherwise."""
    records, _, _ = driver.execute_query(
        VERIFY_KEY_CHECK, check=key.check_value, database_=settings.neo4j_database
    )
    if not records[0]["same"]:
        raise _mismatch(settings)


# --- keying a graph of earlier versions (migration 0008_keyed_person_ids) -------------------

UNKEYED_ID = re.compile(r"P-[0-9a-f]{16}")
"""A person key as earlier versions wrote it, inside any text (ids, audit targets, JSON)."""

GET_PERSON_KEYS: LiteralString = """
MATCH (p:Person)
RETURN p.id AS id, p.idNumber AS idNumber
"""

REKEY_PEOPLE: LiteralString = """
UNWIND $people AS row
MATCH (p:Person {id: row.old})
SET p.id = row.new, p.idNumberHash = row.idNumberHash
WITH p, row
MATCH (p)-[r]->()
WHERE r.id STARTS WITH row.old + '|'
SET r.id = row.new + substring(r.id, size(row.old))
"""
"""People and the ids that start with a person's key: appointments and visits."""

GET_TEXTS_WITH_KEYS: LiteralString = """
MATCH (n)
WHERE n:AuditEntry OR n:LoadUndo
WITH n, [key IN keys(n) WHERE n[key] IS :: STRING AND n[key] CONTAINS 'P-'] AS names
WHERE names <> []
RETURN elementId(n) AS node, [key IN names | [key, n[key]]] AS texts
"""
"""Audit entries (target, before, after) and undo journals of batched loads: any text."""

SET_TEXTS: LiteralString = """
UNWIND $changes AS change
MATCH (n)
WHERE elementId(n) = change.node
SET n += change.props
"""


def key_people(tx: ManagedTransaction, key: IdentityKey) -> None:
    """Replace every unkeyed person key in the graph by its keyed one, in one transaction.

    The keyed id is a function of the unkeyed one, so texts that name people who are gone (an
    audit entry of a rolled-back load) are keyed too, and no personal data is read but the ID
    numbers that `idNumberHash` is made from.
    """
    same = tx.run(VERIFY_KEY_CHECK, check=key.check_value).single(strict=True)["same"]
    if not same:
        raise IdentityKeyError(
            "This graph was keyed with another identity key; it cannot be keyed again."
        )
    people = [
        {
            "old": record["id"],
            "new": key.keyed(record["id"]),
            "idNumberHash": key.id_number_hash(record["idNumber"]) if record["idNumber"] else None,
        }
        for record in tx.run(GET_PERSON_KEYS)
        if UNKEYED_ID.fullmatch(record["id"] or "")
    ]
    for start in range(0, len(people), 10_000):
        tx.run(REKEY_PEOPLE, people=people[start : start + 10_000]).consume()
    changes = []
    for record in tx.run(GET_TEXTS_WITH_KEYS):
        props = {
            name: UNKEYED_ID.sub(lambda match: key.keyed(match.group(0)), text)
            for name, text in record["texts"]
        }
        changes.append({"node": record["node"], "props": props})
    for start in range(0, len(changes), 10_000):
        tx.run(SET_TEXTS, changes=changes[start : start + 10_000]).consume()
