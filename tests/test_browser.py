"""Headless Chromium (Debian's /usr/bin/chromium, driven by Playwright) against the real things.

GraphiQL on the service (served by uvicorn on the test port) runs a query and shows the result;
Neo4j Browser on the test Neo4j logs in, applies the style sheet (its post-connect command),
draws styled nodes, and plays the gridgraph guide. Screenshots go to .data/screenshots/, or to
docs/img/ with GRIDGRAPH_UPDATE_SCREENSHOTS=1.
`scripts/ensure-chromium` (run by `make test`) installs Chromium and the CJK fonts.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from neo4j import Driver

from core.model import Label
from core.settings import PROJECT_ROOT, Settings
from tests.analyst_graph import CREATE_ANALYST_GRAPH
from tests.conftest import graph_of
from tests.live import in_thread

pytestmark = pytest.mark.browser

CHROMIUM = os.environ.get("GRIDGRAPH_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
# Screenshots go to .data/screenshots; GRIDGRAPH_UPDATE_SCREENSHOTS=1 refreshes docs/img.
SCREENSHOTS = (
    PROJECT_ROOT / "docs" / "img"
    if os.environ.get("GRIDGRAPH_UPDATE_SCREENSHOTS") == "1"
    else PROJECT_ROOT / ".data" / "screenshots"
)
TIMEOUT_MS = 60_000

GRAPHIQL_QUERY = "{\n  serverInfo {\n    database\n    version\n    edition\n  }\n}\n"


@pytest.fixture(scope="module")
def chromium() -> Iterator[object]:
    """A Playwright Chromium (Debian's binary; Playwright never downloads one here)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    if not Path(CHROMIUM).exists():
        message = f"{CHROMIUM} is missing: run scripts/ensure-chromium (make test does)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as playwright:
        # launch() gives every run a fresh, temporary user-data-dir.
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=[*CHROMIUM_FLAGS]
        )
        yield browser
        browser.close()


@pytest.fixture(scope="module")
def live_service(settings: Settings, driver: Driver) -> Iterator[str]:
    """The real app under uvicorn on the test port, in development mode (as `make serve`)."""
    with in_thread(settings.model_copy(update={"dev_mode": True})) as url:
        yield url


@pytest.fixture(scope="module")
def analyst_graph(driver: Driver, settings: Settings) -> Iterator[Driver]:
    with graph_of(driver, settings, CREATE_ANALYST_GRAPH):
        yield driver


def _new_page(chromium: object, width: int = 1400, height: int = 900) -> object:
    context = chromium.new_context(viewport={"width": width, "height": height})  # type: ignore[attr-defined]
    context.set_default_timeout(TIMEOUT_MS)
    return context.new_page()


def test_graphiql_renders_and_runs_a_query(chromium: object, live_service: str) -> None:
    page = _new_page(chromium, height=700)
    failed: list[str] = []
    page.on("requestfailed", lambda request: failed.append(request.url))
    page.goto(f"{live_service}/graphql")
    page.wait_for_selector(".graphiql-query-editor .CodeMirror")
    page.evaluate(
        "q => document.querySelector('.graphiql-query-editor .CodeMirror').CodeMirror.setValue(q)",
        GRAPHIQL_QUERY,
    )
    page.click(".graphiql-execute-button")
    page.wait_for_function(
        "() => (document.querySelector('.graphiql-response .CodeMirror')"
        "?.CodeMirror.getValue() || '').trim().length > 0"
    )
    result = page.evaluate(
        "() => document.querySelector('.graphiql-response .CodeMirror').CodeMirror.getValue()"
    )
    assert '"edition": "community"' in result, result
    assert '"database": "neo4j"' in result
    assert not failed, f"GraphiQL could not load: {failed}"
    page.screenshot(path=str(SCREENSHOTS / "graphiql.png"))
    page.context.close()


@pytest.fixture(scope="module")
def neo4j_browser(
    chromium: object, live_service: str, analyst_graph: Driver, settings: Settings
) -> Iterator[object]:
    """Neo4j Browser of the test Neo4j, logged in over Bolt with the development password."""
    if not settings.uses_local_neo4j:
        pytest.skip("Neo4j Browser is checked on the project's own test Neo4j")
    page = _new_page(chromium, height=1000)
    page.goto(f"http://127.0.0.1:{settings.neo4j_http_port}/browser/")
    page.wait_for_selector("[data-testid=connect]")
    page.select_option("[data-testid=bolt-scheme-select]", "bolt://")
    page.fill("[data-testid=boltaddress]", f"127.0.0.1:{settings.neo4j_bolt_port}")
    page.fill("[data-testid=username]", settings.neo4j_username)
    page.fill("[data-testid=password]", settings.neo4j_password.get_secret_value())
    page.click("[data-testid=connect]")
    # Connected: Browser has run the post-connect command of neo4j.conf (`:style <service>/...`).
    page.wait_for_selector(f"text=:style {settings.base_url}/browser/style.grass")
    yield page
    page.context.close()


def _run(page: object, command: str) -> None:
    """Type a command into Browser's main editor and run it."""
    page.click("[data-testid=activeEditor]")  # type: ignore[attr-defined]
    page.keyboard.insert_text(command)  # type: ignore[attr-defined]
    page.click("[data-testid=editor-Run]")  # type: ignore[attr-defined]


def _close_frames(page: object) -> None:
    page.evaluate(  # type: ignore[attr-defined]
        "() => document.querySelectorAll('[data-testid=frame] button[title=Close]')"
        ".forEach(b => b.click())"
    )


def test_neo4j_browser_logs_in_and_applies_the_style_sheet(
    neo4j_browser: object, live_service: str, settings: Settings
) -> None:
    page = neo4j_browser
    # The post-connect command fetched the style sheet from the service.
    page.wait_for_function("() => (localStorage.getItem('neo4j.grass') || '').includes('Grid')")
    grass = page.evaluate("() => JSON.parse(localStorage.getItem('neo4j.grass'))")
    from core.browser_guide import LABEL_STYLE

    for label in (Label.PERSON, Label.GRID, Label.SISTERS_GROUP, Label.CASE):
        assert grass[f"node.{label.value}"]["color"] == LABEL_STYLE[label][0]
    _close_frames(page)
    _run(page, "MATCH path = (:Community {name: '柳毅社区'})-[*1..2]-() RETURN path LIMIT 150")
    page.wait_for_selector("svg g.node", state="attached")
    page.wait_for_timeout(3_000)  # let the force layout settle
    fills = page.evaluate(
        "() => [...document.querySelectorAll('svg g.node circle.b-outline')]"
        ".map(c => (c.getAttribute('fill') || '').toUpperCase())"
    )
    assert LABEL_STYLE[Label.GRID][0] in fills
    assert LABEL_STYLE[Label.PERSON][0] in fills
    page.screenshot(path=str(SCREENSHOTS / "neo4j-browser.png"))


def test_neo4j_browser_plays_the_guide(
    neo4j_browser: object, live_service: str, settings: Settings
) -> None:
    page = neo4j_browser
    page.wait_for_selector("[data-testid=activeEditor]")
    _close_frames(page)
    _run(page, f":play {live_service}/browser/guide")
    frame = page.locator("[data-testid=frame]").filter(has_text=":play").first
    frame.locator("text=The women's grid sisters-group network").wait_for()
    picture = frame.locator('img[alt="The data model"]')
    picture.wait_for()
    assert picture.evaluate("img => img.complete && img.naturalWidth > 0")
    frame.screenshot(path=str(SCREENSHOTS / "browser-guide.png"))
    frame.locator("button.next-slide").first.click()
    frame.locator("text=The model in the database").wait_for()
    assert frame.locator("pre.runnable").count() == 2
    # Question 1: clicking a ready query puts it into the editor, running it draws the answer.
    frame.locator("button.next-slide").first.click()
    frame.locator("text=Who holds dual appointments").wait_for()
    frame.locator("pre.runnable", has_text="RETURN p, s, g, h, f").click()
    editor = page.locator("[data-testid=activeEditor]")
    page.wait_for_function(
        "() => document.querySelector('[data-testid=activeEditor]')"
        ".innerText.includes('HOLDS_POST')"
    )
    frame.screenshot(path=str(SCREENSHOTS / "browser-guide-question.png"))
    editor.locator("xpath=..").locator("[data-testid=editor-Run]").click()
    answer = page.locator("[data-testid=frame]").filter(has_text="RETURN p, s, g, h, f").first
    answer.locator("svg g.node").first.wait_for(state="attached")
    names = answer.locator("svg g.node").evaluate_all("nodes => nodes.map(n => n.textContent)")
    assert any("王秀英" in name for name in names)
