"""The project's own Neo4j: a real server process that tests talk to."""

from __future__ import annotations

import pytest
from neo4j import Driver
from neo4j.exceptions import ConstraintError

from core.errors import LocalServerError
from core.local_neo4j import LocalNeo4j
from core.settings import Settings
from tests.conftest import make_test_settings

pytestmark = pytest.mark.usefixtures("empty_graph")


def test_writes_and_reads_back_nodes(driver: Driver, settings: Settings) -> None:
    driver.execute_query(
        "UNWIND $names AS name CREATE (:Person {id: name, name: name})",
        names=["测试甲", "测试乙"],
        database_=settings.neo4j_database,
    )
    records, _, _ = driver.execute_query(
        "MATCH (p:Person) RETURN p.name AS name ORDER BY name",
        database_=settings.neo4j_database,
    )
    assert {r["name"] for r in records} == {"测试甲", "测试乙"}


def test_server_enforces_uniqueness_constraints(driver: Driver, settings: Settings) -> None:
    driver.execute_query("CREATE (:Grid {code: 'G-1'})", database_=settings.neo4j_database)
    with pytest.raises(ConstraintError):
        driver.execute_query("CREATE (:Grid {code: 'G-1'})", database_=settings.neo4j_database)


def test_status_reports_the_running_server(local_server: LocalNeo4j | None) -> None:
    if local_server is None:
        pytest.skip("testing against an external Neo4j")
    status = local_server.status()
    assert status.running and status.pid
    assert status.version == LocalNeo4j.version_from_pom()
    assert status.bolt.endswith(f":{local_server.settings.neo4j_bolt_port}")
    assert status.store_bytes > 0


def test_starting_a_running_server_is_a_no_op(local_server: LocalNeo4j | None) -> None:
    if local_server is None:
        pytest.skip("testing against an external Neo4j")
    pid_before = local_server.pid()
    pid, started_now = local_server.start()
    assert (pid, started_now) == (pid_before, False)


def test_config_turns_authentication_on_and_binds_loopback(settings: Settings) -> None:
    text = LocalNeo4j(settings).config_text()
    assert "dbms.security.auth_enabled=true" in text
    assert f"server.bolt.listen_address=127.0.0.1:{settings.neo4j_bolt_port}" in text
    assert f"server.http.listen_address=127.0.0.1:{settings.neo4j_http_port}" in text
    assert f"server.memory.heap.max_size={settings.neo4j_heap}" in text


def test_missing_jdk_is_a_one_line_error(monkeypatch: pytest.MonkeyPatch, tmp_path) -> None:
    monkeypatch.setenv("JAVA_HOME", str(tmp_path / "no-jdk"))
    server = LocalNeo4j(make_test_settings(neo4j_home=tmp_path / "home"))
    with pytest.raises(LocalServerError) as caught:
        server.start()
    assert "install a JDK 17+" in str(caught.value)
    assert "\n" not in str(caught.value)


def test_missing_maven_is_a_one_line_error(monkeypatch: pytest.MonkeyPatch, tmp_path) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    server = LocalNeo4j(make_test_settings(neo4j_home=tmp_path / "h", neo4j_lib=tmp_path / "lib"))
    with pytest.raises(LocalServerError) as caught:
        server.provision()
    assert "install Maven" in str(caught.value)
    assert "\n" not in str(caught.value)
