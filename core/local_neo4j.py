"""The project's own Neo4j Community server: provision its jars, configure, start, stop, status.

The jars come from Maven Central through `neo4j-server/pom.xml` (the Community DBMS, its web
server and Neo4j Browser) and are copied once into `settings.neo4j_lib`. The server runs as a
real process, the way the official tarball's launcher runs it:
`java -cp 'lib/*' org.neo4j.server.CommunityEntryPoint --home-dir H --config-dir H/conf`,
with a `neo4j.conf` generated from the settings. Data and logs live under `settings.neo4j_home`.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import socket
import subprocess
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from core.errors import LocalServerError
from core.settings import PROJECT_ROOT, Settings

ENTRY_POINT = "org.neo4j.server.CommunityEntryPoint"
ADMIN_TOOL = "org.neo4j.cli.AdminTool"
POM = PROJECT_ROOT / "neo4j-server" / "pom.xml"
MIN_JAVA = 17

# The JVM flags of the official launcher that matter for a small server.
JVM_FLAGS = (
    "-XX:+UseG1GC",
    "-XX:-OmitStackTraceInFastThrow",
    "-XX:+UnlockExperimentalVMOptions",
    "-XX:+TrustFinalNonStaticFields",
    "-XX:+DisableExplicitGC",
    "-Djdk.nio.maxCachedBufferSize=1024",
    "-Dio.netty.tryReflectionSetAccessible=true",
    "-Djdk.tls.ephemeralDHKeySize=2048",
    "-Djdk.tls.rejectClientInitiatedRenegotiation=true",
    "-Dlog4j2.disable.jmx=true",
    "-Dfile.encoding=UTF-8",
    "--add-opens=java.base/java.nio=ALL-UNNAMED",
    "--add-opens=java.base/java.io=ALL-UNNAMED",
    "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
)


@dataclass(frozen=True)
class ServerStatus:
    running: bool
    pid: int | None
    bolt: str
    http: str
    version: str | None
    store_bytes: int
    home: Path

    def lines(self) -> list[str]:
        state = f"running (pid {self.pid})" if self.running else "stopped"
        return [
            f"Neo4j       {state}",
            f"version     {self.version or 'unknown'}",
            f"bolt        {self.bolt}",
            f"http        {self.http}/browser/",
            f"home        {self.home}",
            f"store size  {self.store_bytes / 1024 / 1024:.1f} MiB",
        ]


class LocalNeo4j:
    """One local Neo4j home: its jars, config, process and data."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.home = settings.neo4j_home.resolve()
        self.lib = settings.neo4j_lib.resolve()
        self.conf_dir = self.home / "conf"
        self.data_dir = self.home / "data"
        self.logs_dir = self.home / "logs"
        self.run_dir = self.home / "run"
        self.pid_file = self.run_dir / "neo4j.pid"
        self.console_log = self.logs_dir / "console.log"
        self.neo4j_log = self.logs_dir / "neo4j.log"

    # -- provisioning -------------------------------------------------------------------

    @property
    def provisioned(self) -> bool:
        return (self.lib / ".complete").exists()

    def provision(self) -> bool:
        """Copy the server's jars into `lib` once; return True if it downloaded now."""
        if self.provisioned:
            return False
        mvn = shutil.which("mvn")
        if mvn is None:
            raise LocalServerError(
                "Maven (mvn) is not installed: install Maven 3.6+ (Debian: apt-get install maven)."
            )
        self._java()  # fail early, with the one-line message, when there is no JDK
        staging = self.lib.with_name(self.lib.name + ".partial")
        shutil.rmtree(staging, ignore_errors=True)
        command = [
            mvn,
            "-q",
            "-B",
            "-f",
            str(POM),
            "dependency:copy-dependencies",
            f"-DoutputDirectory={staging}",
        ]
        done = subprocess.run(command, capture_output=True, text=True, check=False)
        if done.returncode != 0:
            tail = (done.stdout + done.stderr).strip().splitlines()[-5:]
            raise LocalServerError(
                "Maven could not resolve the Neo4j jars:\n  " + "\n  ".join(tail)
            )
        (staging / ".complete").write_text(self.version_from_pom() + "\n")
        shutil.rmtree(self.lib, ignore_errors=True)
        self.lib.parent.mkdir(parents=True, exist_ok=True)
        staging.rename(self.lib)
        return True

    @staticmethod
    def version_from_pom() -> str:
        match = re.search(r"<neo4j.version>([^<]+)</neo4j.version>", POM.read_text())
        return match.group(1) if match else "unknown"

    def lib_bytes(self) -> int:
        return sum(f.stat().st_size for f in self.lib.glob("*.jar"))

    # -- configuration ------------------------------------------------------------------

    def config_text(self) -> str:
        s = self.settings
        guide_host = s.host if s.host not in ("0.0.0.0", "::") else "127.0.0.1"
        lines = {
            "server.directories.data": self.data_dir,
            "server.directories.logs": self.logs_dir,
            "server.directories.run": self.run_dir,
            "server.directories.import": self.home / "import",
            "server.directories.plugins": self.home / "plugins",
            "server.directories.lib": self.lib,
            "server.default_listen_address": "127.0.0.1",
            "server.bolt.enabled": "true",
            "server.bolt.listen_address": f"127.0.0.1:{s.neo4j_bolt_port}",
            "server.bolt.advertised_address": f"127.0.0.1:{s.neo4j_bolt_port}",
            "server.http.enabled": "true",
            "server.http.listen_address": f"127.0.0.1:{s.neo4j_http_port}",
            "server.http.advertised_address": f"127.0.0.1:{s.neo4j_http_port}",
            "server.https.enabled": "false",
            "dbms.security.auth_enabled": "true",
            "server.memory.heap.initial_size": s.neo4j_heap,
            "server.memory.heap.max_size": s.neo4j_heap,
            "server.memory.pagecache.size": s.neo4j_pagecache,
            "db.transaction.timeout": f"{int(max(s.neo4j_query_timeout, 1) * 4)}s",
            "db.tx_log.rotation.retention_policy": "2 days 1G",
            "db.tx_log.preallocate": "false",
            # Neo4j Browser: the guide and the style sheet are served by the gridgraph service.
            "browser.remote_content_hostname_whitelist": f"{guide_host},localhost,127.0.0.1",
            "browser.post_connect_cmd": (
                f"style {s.base_url.replace('0.0.0.0', '127.0.0.1')}/browser/style.grass"
            ),
        }
        body = "\n".join(f"{key}={value}" for key, value in lines.items())
        return "# Generated by gridgraph from its settings; edits are overwritten.\n" + body + "\n"

    def write_config(self) -> Path:
        self.conf_dir.mkdir(parents=True, exist_ok=True)
        path = self.conf_dir / "neo4j.conf"
        path.write_text(self.config_text())
        return path

    # -- process ------------------------------------------------------------------------

    def _java(self) -> str:
        java_home = os.environ.get("JAVA_HOME")
        java = str(Path(java_home) / "bin" / "java") if java_home else shutil.which("java")
        if not java or not Path(java).exists():
            raise LocalServerError(
                "No Java runtime found: install a JDK 17+ (Debian: apt-get install openjdk-17-jdk)."
            )
        probe = subprocess.run([java, "-version"], capture_output=True, text=True, check=False)
        match = re.search(r'version "(\d+)', probe.stderr + probe.stdout)
        if not match or int(match.group(1)) < MIN_JAVA:
            raise LocalServerError(
                f"Java {MIN_JAVA}+ is needed, found: {probe.stderr.splitlines()[:1]}; "
                "install a JDK 17+ or set JAVA_HOME to one."
            )
        return java

    def _env(self) -> dict[str, str]:
        return {**os.environ, "NEO4J_HOME": str(self.home), "NEO4J_CONF": str(self.conf_dir)}

    def pid(self) -> int | None:
        """The pid of this home's running server, or None (a stale pid file is removed)."""
        try:
            pid = int(self.pid_file.read_text().strip())
        except (OSError, ValueError):
            return None
        try:
            cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().decode(errors="replace")
        except OSError:
            cmdline = ""
        if ENTRY_POINT in cmdline and str(self.home) in cmdline:
            return pid
        self.pid_file.unlink(missing_ok=True)
        return None

    def _set_initial_password(self, java: str) -> None:
        if (self.data_dir / "databases" / "system").exists():
            return
        command = [
            java,
            "-cp",
            f"{self.lib}/*",
            ADMIN_TOOL,
            "dbms",
            "set-initial-password",
            self.settings.neo4j_password.get_secret_value(),
        ]
        done = subprocess.run(command, capture_output=True, text=True, env=self._env(), check=False)
        if done.returncode != 0:
            raise LocalServerError(
                f"Could not set the initial password: {done.stdout}{done.stderr}".strip()
            )

    def start(self) -> tuple[int, bool]:
        """Start the server and wait until Bolt answers; return (pid, started_now)."""
        running = self.pid()
        if running is not None:
            return running, False
        self.provision()
        java = self._java()
        for port in (self.settings.neo4j_bolt_port, self.settings.neo4j_http_port):
            if _port_open(port):
                raise LocalServerError(
                    f"Port {port} is already in use by another program; stop it or set "
                    "GRIDGRAPH_NEO4J_BOLT_PORT / GRIDGRAPH_NEO4J_HTTP_PORT."
                )
        for folder in (self.data_dir, self.logs_dir, self.run_dir, self.home / "import"):
            folder.mkdir(parents=True, exist_ok=True)
        (self.home / "plugins").mkdir(exist_ok=True)
        self.write_config()
        self._set_initial_password(java)
        command = [
            java,
            f"-Xms{self.settings.neo4j_heap}",
            f"-Xmx{self.settings.neo4j_heap}",
            *JVM_FLAGS,
            "-cp",
            f"{self.lib}/*",
            ENTRY_POINT,
            f"--home-dir={self.home}",
            f"--config-dir={self.conf_dir}",
        ]
        with self.console_log.open("ab") as console:
            process = subprocess.Popen(
                command,
                stdout=console,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                env=self._env(),
                cwd=self.home,
                start_new_session=True,
            )
        self.pid_file.write_text(f"{process.pid}\n")
        self._wait_for_bolt(process)
        return process.pid, True

    def _wait_for_bolt(self, process: subprocess.Popen[bytes]) -> None:
        deadline = time.monotonic() + self.settings.neo4j_start_timeout
        while time.monotonic() < deadline:
            if process.poll() is not None:
                self.pid_file.unlink(missing_ok=True)
                raise LocalServerError(
                    f"Neo4j exited with code {process.returncode} while starting; "
                    f"see {self.neo4j_log} and {self.console_log}."
                )
            if _port_open(self.settings.neo4j_bolt_port) and self._database_answers():
                return
            time.sleep(0.5)
        raise LocalServerError(
            f"Neo4j did not answer on Bolt port {self.settings.neo4j_bolt_port} within "
            f"{self.settings.neo4j_start_timeout:.0f}s; see {self.neo4j_log}."
        )

    def _database_answers(self) -> bool:
        """True once the database runs a query over Bolt (a listening port is not enough)."""
        from neo4j import GraphDatabase
        from neo4j.exceptions import AuthError, Neo4jError

        from core.database import UNAVAILABLE

        uri = f"bolt://127.0.0.1:{self.settings.neo4j_bolt_port}"
        auth = (self.settings.neo4j_username, self.settings.neo4j_password.get_secret_value())
        try:
            with GraphDatabase.driver(
                uri, auth=auth, connection_timeout=2, max_transaction_retry_time=0
            ) as driver:
                driver.execute_query(
                    "RETURN 1", database_=self.settings.neo4j_database, routing_="r"
                )
        except AuthError as error:
            raise LocalServerError(
                f"Neo4j refused the configured credentials ({error.message}); the store under "
                f"{self.data_dir} was created with another password: set NEO4J_PASSWORD to it "
                "or reset the data (make reset)."
            ) from error
        except (*UNAVAILABLE, Neo4jError):
            return False
        return True

    def discovery(self) -> dict[str, str] | None:
        """The HTTP discovery document (version, edition), or None when not answering."""
        url = f"http://127.0.0.1:{self.settings.neo4j_http_port}/"
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                return json.loads(response.read())
        except (OSError, ValueError):
            return None

    def stop(self, timeout: float = 60.0) -> int | None:
        """Stop the server cleanly (SIGTERM, wait, SIGKILL as a last resort); return its pid."""
        pid = self.pid()
        if pid is None:
            return None
        os.kill(pid, signal.SIGTERM)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if not _alive(pid):
                break
            time.sleep(0.2)
        else:
            os.kill(pid, signal.SIGKILL)
            while _alive(pid):
                time.sleep(0.1)
        self.pid_file.unlink(missing_ok=True)
        return pid

    def status(self) -> ServerStatus:
        pid = self.pid()
        info = self.discovery() if pid else None
        version = info.get("neo4j_version") if info else None
        if version is None and self.provisioned:
            version = (self.lib / ".complete").read_text().strip() + " (not running)"
        store = sum(f.stat().st_size for f in self.data_dir.rglob("*") if f.is_file())
        return ServerStatus(
            running=pid is not None,
            pid=pid,
            bolt=f"bolt://127.0.0.1:{self.settings.neo4j_bolt_port}",
            http=f"http://127.0.0.1:{self.settings.neo4j_http_port}",
            version=version,
            store_bytes=store if self.data_dir.exists() else 0,
            home=self.home,
        )


def _port_open(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.settimeout(0.5)
        return sock.connect_ex(("127.0.0.1", port)) == 0


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # A zombie child still "exists"; treat it as gone.
    try:
        state = Path(f"/proc/{pid}/stat").read_text().split()[2]
    except OSError:
        return False
    return state != "Z"
