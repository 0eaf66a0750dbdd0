"""The GraphQL over HTTP audit suite (npm `graphql-http`, `serverAudits`) against the real service.

The suite is installed with npm into `.data/node/graphql-http` (git-ignored), at the versions
pinned in `tests/security/http_audit/package.json`, once; `http_audit/audit.mjs` runs every audit
against uvicorn on the test port, with a JWT in each request, and prints the results. Every MUST
and every SHOULD must pass.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from neo4j import Driver

from core.settings import PROJECT_ROOT, Settings
from tests.conftest import make_jwt
from tests.live import in_thread

AUDIT = Path(__file__).parent / "http_audit"
INSTALL = PROJECT_ROOT / ".data" / "node" / "graphql-http"


def _installed(folder: Path) -> bool:
    """Whether `folder` holds exactly the versions `package.json` pins."""
    pinned = json.loads((AUDIT / "package.json").read_text())["dependencies"]
    for name, version in pinned.items():
        manifest = folder / "node_modules" / name / "package.json"
        if not manifest.is_file() or json.loads(manifest.read_text())["version"] != version:
            return False
    return True


@pytest.fixture(scope="module")
def audit_suite() -> Path:
    if shutil.which("node") is None or shutil.which("npm") is None:
        pytest.skip("node and npm are needed to run the GraphQL over HTTP audit")
    if not _installed(INSTALL):
        INSTALL.mkdir(parents=True, exist_ok=True)
        shutil.copy(AUDIT / "package.json", INSTALL / "package.json")
        subprocess.run(
            ["npm", "install", "--prefix", str(INSTALL), "--no-audit", "--no-fund"],
            check=True,
            capture_output=True,
            timeout=300,
        )
        assert _installed(INSTALL), "npm did not install the pinned versions"
    return INSTALL


@pytest.fixture(scope="module")
def live_service(settings: Settings, driver: Driver) -> Iterator[str]:
    """The real app (authentication on) under uvicorn on the test port."""
    with in_thread(settings) as url:
        yield url + "/graphql"


def test_the_service_passes_every_must_and_should_of_the_graphql_over_http_audit(
    audit_suite: Path, live_service: str
) -> None:
    run = subprocess.run(
        ["node", str(AUDIT / "audit.mjs"), str(audit_suite), live_service],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "GRIDGRAPH_AUDIT_TOKEN": make_jwt()},
    )
    assert run.returncode == 0, run.stderr
    results = json.loads(run.stdout)
    assert len(results) > 50, results  # the whole suite ran
    failed = [
        f"{r['id']} {r['name']}: {r['reason']} (HTTP {r['httpStatus']})"
        for r in results
        if r["status"] != "ok" and r["name"].startswith(("MUST", "SHOULD"))
    ]
    assert not failed, "\n".join(failed)
    optional = [f"{r['id']} {r['name']}: {r['reason']}" for r in results if r["status"] != "ok"]
    print("\n".join(["MAY audits not passed:", *optional] if optional else ["all audits ok"]))
