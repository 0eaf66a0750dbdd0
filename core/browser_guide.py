"""Neo4j Browser for analysts: a guide (`:play <service>/browser/guide`) and a style sheet.

The service serves both; Neo4j Browser fetches them with scripts of its own page (served by
Neo4j's http port), so cross-origin: the responses grant CORS to that origin only, the local
Neo4j's Browser (`http://localhost:<http port>`, `http://127.0.0.1:<http port>`) and those of
`Settings.browser_origins`, never `*`, and say `Vary: Origin`. The local Neo4j allow-lists the
service's host (`browser.remote_content_hostname_whitelist`) and applies the style sheet after
each login (`browser.post_connect_cmd`), see `core/local_neo4j.py`.

Links in the guide point at the service's configured address (`Settings.public_url`, else
`http://host:port`), never at the request's `Host` header, which any client can forge.

`GUIDE_QUERIES` are the ready Cypher queries of the guide, one or more per question of the domain
brief; `tests/test_browser_guide.py` runs every one of them on a small fixture graph. Their
values and the Chinese terms of their titles come from the vocabularies (`core.vocabulary`), so
the guide spells no term of its own (`tests/test_vocabulary.py`).
"""

from __future__ import annotations

import base64
import html
from dataclasses import dataclass

from starlette.requests import Request
from starlette.responses import FileResponse, Response
from starlette.routing import BaseRoute, Route

from core.model import (
    FEDERATION_EXECUTIVE_ROLES,
    GRID_WORKER_ROLES,
    CaseCategory,
    CaseStatus,
    Label,
    Role,
    VenueKind,
)
from core.settings import PROJECT_ROOT, Settings
from core.vocabulary import cypher_list
from core.workflow import FINAL_STATUSES, CaseAction

IMG_DIR = PROJECT_ROOT / "docs" / "img"

NO_CACHE = {"Cache-Control": "no-cache"}

PREFLIGHT = {
    "Access-Control-Allow-Methods": "GET, HEAD, OPTIONS",
    "Access-Control-Allow-Headers": "*",
    "Access-Control-Max-Age": "600",
}

_WILDCARD_HOSTS = ("0.0.0.0", "::", "[::]")


def public_base(settings: Settings) -> str:
    """The service's address for links, from the settings alone (a wildcard host: loopback)."""
    if settings.public_url:
        return settings.public_url.rstrip("/")
    host = "127.0.0.1" if settings.host in _WILDCARD_HOSTS else settings.host
    return f"http://{host}:{settings.port}"


def browser_origins(settings: Settings) -> frozenset[str]:
    """The origins of the Neo4j Browsers that may fetch the guide and the style sheet."""
    port = settings.neo4j_http_port
    local = {f"http://localhost:{port}", f"http://127.0.0.1:{port}"}
    return frozenset(local | {origin.rstrip("/") for origin in settings.browser_origins})


def cors_headers(request: Request, allowed: frozenset[str]) -> dict[str, str]:
    """`Access-Control-Allow-Origin` for an allowed `Origin` (echoed), nothing for others."""
    headers = {"Vary": "Origin"}
    origin = request.headers.get("origin")
    if origin in allowed:
        headers["Access-Control-Allow-Origin"] = origin
        if request.method == "OPTIONS":
            headers |= PREFLIGHT
    return headers


@dataclass(frozen=True)
class GuideQuery:
    """One runnable query of the guide."""

    question: int
    """The number of the question in the domain brief (0: the model itself)."""
    title: str
    cypher: str


_GRID_WORKER = cypher_list(GRID_WORKER_ROLES)
_FED_EXEC = cypher_list(FEDERATION_EXECUTIVE_ROLES)

GUIDE_QUERIES: tuple[GuideQuery, ...] = (
    GuideQuery(
        0,
        "The model, as the database sees it",
        "CALL db.schema.visualization()",
    ),
    GuideQuery(
        0,
        "Everything within two steps of 柳毅社区 (Liuyi community)",
        """MATCH path = (:Community {name: '柳毅社区'})-[*1..2]-()
RETURN path
LIMIT 150""",
    ),
    GuideQuery(
        1,
        "Dual-role members (双向任职) in Zhangdian today, with their grids and federations",
        f"""WITH date() AS today
MATCH (:District {{code: '370303'}})<-[:PART_OF*]-(:Community)<-[:IN]-(g:Grid)
MATCH (g)<-[s:SERVES_GRID]-(p:Person)-[h:HOLDS_POST]->(f:Federation)
WHERE s.role IN {_GRID_WORKER}
  AND h.role IN {_FED_EXEC}
  AND s.since <= today AND (s.until IS NULL OR today <= s.until)
  AND h.since <= today AND (h.until IS NULL OR today <= h.until)
RETURN p, s, g, h, f""",
    ),
    GuideQuery(
        1,
        "Share of Zhangdian's grids with at least one dual-role member",
        f"""WITH date() AS today
MATCH (:District {{code: '370303'}})<-[:PART_OF*]-(:Community)<-[:IN]-(g:Grid)
OPTIONAL MATCH (g)<-[s:SERVES_GRID]-(p:Person)-[h:HOLDS_POST]->(:Federation)
  WHERE s.role IN {_GRID_WORKER}
    AND h.role IN {_FED_EXEC}
    AND s.since <= today AND (s.until IS NULL OR today <= s.until)
    AND h.since <= today AND (h.until IS NULL OR today <= h.until)
WITH g, count(p) > 0 AS hasDualRole
RETURN count(g) AS grids,
       sum(CASE WHEN hasDualRole THEN 1 ELSE 0 END) AS gridsWithDualRole,
       round(100.0 * sum(CASE WHEN hasDualRole THEN 1 ELSE 0 END) / count(g), 1) AS percent""",
    ),
    GuideQuery(
        2,
        f"Sisters-group members ({Role.SISTERS_GROUP_MEMBER.zh}) per district and township",
        """MATCH (t:Township)-[:PART_OF]->(d:District)
OPTIONAL MATCH (p:Person)-[m:MEMBER_OF]->(:SistersGroup)-[:IN]->(:Area)-[:PART_OF*0..]->(t)
  WHERE m.until IS NULL OR m.until >= date()
RETURN d.name AS district, t.name AS township, count(DISTINCT p) AS members
ORDER BY district, township""",
    ),
    GuideQuery(
        2,
        "Grids that no sisters group covers",
        """MATCH (g:Grid)-[:IN]->(c:Community)-[:PART_OF]->(t:Township)-[:PART_OF]->(d:District)
WHERE NOT EXISTS { (:SistersGroup)-[:COVERS]->(g) }
RETURN d.name AS district, t.name AS township, c.name AS community,
       g.code AS grid, g.name AS gridName
ORDER BY grid
LIMIT 200""",
    ),
    GuideQuery(
        3,
        f"Zhangdian's pilot communities (试点), their grids and grid heads ({Role.GRID_HEAD.zh})",
        f"""MATCH (:SistersGroup {{pilot: true}})-[:IN]->(c:Community)
      -[:PART_OF*]->(:District {{code: '370303'}})
MATCH (g:Grid)-[:IN]->(c)
OPTIONAL MATCH (head:Person)-[s:SERVES_GRID {{role: '{Role.GRID_HEAD}'}}]->(g)
  WHERE s.until IS NULL OR s.until >= date()
RETURN c.name AS community, g.code AS grid, g.name AS gridName,
       collect(head.name) AS gridHeads
ORDER BY community, grid""",
    ),
    GuideQuery(
        4,
        f"Open marriage and family cases ({CaseCategory.MARRIAGE_FAMILY.zh}纠纷) in a township, "
        "and their last step",
        f"""MATCH (k:Case {{category: '{CaseCategory.MARRIAGE_FAMILY}'}})
      -[:IN]->(:Grid)-[:IN]->(:Community)-[:PART_OF*0..]->(:Area {{code: '370303006'}})
WHERE NOT k.status IN {cypher_list(FINAL_STATUSES)}
OPTIONAL MATCH (k)-[:HAS_STEP]->(step:CaseStep)
WITH k, step
ORDER BY step.seq DESC
WITH k, collect(step)[0] AS last
RETURN k.id AS case, k.title AS title, k.status AS status, k.reportedAt AS reported,
       last.action AS lastStep, last.at AS lastStepAt
ORDER BY reported""",
    ),
    GuideQuery(
        4,
        f"Median days from report to close ({CaseAction.CLOSE.zh}), per township",
        f"""MATCH (k:Case {{status: '{CaseStatus.CLOSED}'}})-[:IN]->(:Grid)-[:IN]->(:Community)
      -[:PART_OF]->(t:Township)
WHERE k.closedAt IS NOT NULL
WITH t, k.category AS category, duration.inDays(k.reportedAt, k.closedAt).days AS days
RETURN t.name AS township, category, count(*) AS closedCases,
       percentileCont(days, 0.5) AS medianDays
ORDER BY township, category""",
    ),
    GuideQuery(
        5,
        f"Venues ({Label.VENUE.zh}) that resolved the most cases",
        f"""MATCH (k:Case {{status: '{CaseStatus.CLOSED}'}})-[:HANDLED_AT]->(v:Venue)
RETURN v.name AS venue, v.kind AS kind, count(k) AS closedCases
ORDER BY closedCases DESC, venue
LIMIT 10""",
    ),
    GuideQuery(
        5,
        "Mediators who resolved the most cases",
        f"""MATCH (p:Person)-[:MEDIATED]->(k:Case {{status: '{CaseStatus.CLOSED}'}})
OPTIONAL MATCH (p)-[:VOLUNTEERS_AT]->(v:Venue)
RETURN p.name AS mediator, count(DISTINCT k) AS closedCases, collect(DISTINCT v.name) AS venues
ORDER BY closedCases DESC, mediator
LIMIT 10""",
    ),
    GuideQuery(
        5,
        f"Departments ({Label.DEPARTMENT.zh}) that received referrals",
        """MATCH (d:Department)
OPTIONAL MATCH (k:Case)-[:REFERRED_TO]->(d)
RETURN d.name AS department, count(k) AS referrals, collect(DISTINCT k.category) AS categories
ORDER BY referrals DESC, department""",
    ),
    GuideQuery(
        6,
        f"Legal-savvy persons ({Role.LEGAL_SAVVY_PERSON.zh}) and women's councils "
        f"({Label.COUNCIL.zh}) per county",
        f"""MATCH (d:District)-[:PART_OF]->(:City)
CALL (d) {{
  MATCH (c:Community)-[:PART_OF*]->(d)
  OPTIONAL MATCH (w:Council)-[:IN]->(c)
  RETURN count(DISTINCT c) AS villages, count(DISTINCT w) AS councils,
         count(DISTINCT CASE WHEN w IS NULL THEN c END) AS villagesWithoutCouncil
}}
CALL (d) {{
  OPTIONAL MATCH (p:Person)-[h:HOLDS_POST {{role: '{Role.LEGAL_SAVVY_PERSON}'}}]->(:Federation)
        -[:IN]->(:Area)-[:PART_OF*0..]->(d)
    WHERE h.until IS NULL OR h.until >= date()
  RETURN count(DISTINCT p) AS legalSavvyPersons
}}
RETURN d.name AS county, villages, councils, villagesWithoutCouncil, legalSavvyPersons,
       round(1.0 * legalSavvyPersons / CASE villages WHEN 0 THEN 1 ELSE villages END, 2)
         AS legalSavvyPerVillage
ORDER BY villagesWithoutCouncil DESC, county""",
    ),
    GuideQuery(
        7,
        "(Privileged) red and orange families not visited in the last 30 days",
        """MATCH (f:Family)-[c:CLASSIFIED_AS]->(cat:Category)
WHERE c.until IS NULL
  AND any(colour IN ['red', 'orange'] WHERE cat.code ENDS WITH ':' + colour)
OPTIONAL MATCH (:Person)-[v:VISITED]->(f)
WITH f, cat, max(v.date) AS lastVisit
WHERE lastVisit IS NULL OR lastVisit < date() - duration('P30D')
MATCH (f)-[:IN]->(g:Grid)
RETURN g.code AS grid, f.name AS family, cat.name AS category, lastVisit
ORDER BY lastVisit, grid""",
    ),
    GuideQuery(
        8,
        "Find people and places by a name fragment (one or more characters)",
        """MATCH (n)
WHERE (n:Person OR n:Area OR n:Grid OR n:Venue) AND n.name CONTAINS '柳毅'
RETURN labels(n) AS labels, n.name AS name, coalesce(n.code, n.id) AS key
ORDER BY name
LIMIT 50""",
    ),
    GuideQuery(
        8,
        "Full-text search over all names (cjk analyzer: two characters or more)",
        """CALL db.index.fulltext.queryNodes('names_fulltext', '秀英')
YIELD node, score
RETURN labels(node) AS labels, coalesce(node.name, node.title) AS name, score
ORDER BY score DESC
LIMIT 20""",
    ),
    GuideQuery(
        9,
        "From 范子峪村 up to 淄博市",
        """MATCH path = (:Community {name: '范子峪村'})-[:PART_OF*]->(:City)
RETURN path""",
    ),
    GuideQuery(
        9,
        f"The nearest governance centre ({VenueKind.GOVERNANCE_CENTRE.zh}) or 12338 centre, "
        "going up the areas",
        f"""MATCH (c:Community {{name: '范子峪村'}})
MATCH up = (c)-[:PART_OF*0..]->(a:Area)<-[:IN]-(v:Venue)
WHERE v.kind IN {cypher_list((VenueKind.GOVERNANCE_CENTRE, VenueKind.RIGHTS_CENTRE_12338))}
RETURN v.name AS venue, v.kind AS kind, a.name AS area, length(up) - 1 AS levelsUp
ORDER BY levelsUp, venue
LIMIT 5""",
    ),
    GuideQuery(
        10,
        "How is a person connected to a department? (shortest path)",
        """MATCH (p:Person {name: '马明'})
MATCH (d:Department {code: 'DEPT-ZFW'})
MATCH path = shortestPath((p)-[*..10]-(d))
RETURN path""",
    ),
)

QUESTIONS: dict[int, str] = {
    0: "The model",
    1: "Who holds dual appointments in a district, and what share of its grids has one?",
    2: "Sisters-group members per district and township; which grids have none?",
    3: "Which of Zhangdian's grids lie in the pilot communities, and who heads them?",
    4: "Open marriage/family cases in a township, their current step, median time to close",
    5: "Which venues and mediators resolved the most cases; which departments got referrals?",
    6: "Legal-savvy persons and women's councils per county against villages: where are gaps?",
    7: "(Privileged) which red/orange families were not visited in the last 30 days?",
    8: "Find a person or community by a name fragment (柳毅, 秀英)",
    9: "The path from 范子峪村 up to 淄博市; the nearest governance or 12338 centre",
    10: "How is person X connected to department Y?",
}

# Colours per label (Neo4j Browser style sheet); captions: `title` where a node has one.
LABEL_STYLE: dict[Label, tuple[str, str, int]] = {
    # label: (colour, caption property, diameter in px)
    Label.AREA: ("#A5ABB6", "name", 55),
    Label.CITY: ("#4C8EDA", "name", 80),
    Label.DISTRICT: ("#57C7E3", "name", 70),
    Label.TOWNSHIP: ("#8DCC93", "name", 60),
    Label.COMMUNITY: ("#C7E9C0", "name", 55),
    Label.GRID: ("#F79767", "name", 50),
    Label.BUILDING: ("#FFD8B1", "name", 40),
    Label.PERSON: ("#DA7194", "name", 50),
    Label.FEDERATION: ("#C990C0", "name", 65),
    Label.SISTERS_GROUP: ("#F16667", "name", 65),
    Label.COUNCIL: ("#FFC454", "name", 55),
    Label.DEPARTMENT: ("#569480", "name", 60),
    Label.MECHANISM: ("#2F6F5E", "name", 70),
    Label.VENUE: ("#D9C8AE", "name", 55),
    Label.SERVICE_BRAND: ("#ECB5C9", "name", 55),
    Label.PROJECT: ("#E6C3F2", "name", 55),
    Label.ACTIVITY: ("#FFE081", "title", 50),
    Label.FAMILY: ("#B3B3B3", "name", 45),
    Label.SCHEME: ("#7F7F7F", "name", 55),
    Label.CATEGORY: ("#CCCCCC", "name", 45),
    Label.CASE: ("#E0474C", "title", 55),
    Label.CASE_STEP: ("#F2B5B7", "title", 35),
    Label.LOAD: ("#E0E0E0", "name", 35),
    Label.MIGRATION: ("#E0E0E0", "name", 35),
}


def _darker(colour: str, factor: float = 0.85) -> str:
    rgb = [int(colour[i : i + 2], 16) for i in (1, 3, 5)]
    return "#" + "".join(f"{int(c * factor):02X}" for c in rgb)


def _text_colour(colour: str) -> str:
    r, g, b = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    return "#000000" if 0.299 * r + 0.587 * g + 0.114 * b > 150 else "#FFFFFF"


def style_sheet() -> str:
    """The GraSS style sheet: a colour, size and caption per label."""
    blocks = [
        "node {\n  diameter: 50px;\n  color: #A5ABB6;\n  border-color: #9AA1AC;\n"
        "  border-width: 2px;\n  text-color-internal: #FFFFFF;\n  font-size: 10px;\n"
        "  caption: '{name}';\n}",
        "relationship {\n  color: #A5ABB6;\n  shaft-width: 1px;\n  font-size: 8px;\n"
        "  padding: 3px;\n  text-color-external: #000000;\n  text-color-internal: #FFFFFF;\n"
        "  caption: '<type>';\n}",
    ]
    for label, (colour, caption, diameter) in LABEL_STYLE.items():
        blocks.append(
            f"node.{label.value} {{\n  color: {colour};\n  border-color: {_darker(colour)};\n"
            f"  text-color-internal: {_text_colour(colour)};\n  diameter: {diameter}px;\n"
            f"  caption: '{{{caption}}}';\n}}"
        )
    return "\n\n".join(blocks) + "\n"


def _slide(heading: str, lead: str, body: str) -> str:
    return (
        '<slide class="row-fluid">\n'
        '  <div class="col-sm-3">\n'
        f"    <h3>{html.escape(heading)}</h3>\n"
        f'    <p class="lead">{html.escape(lead)}</p>\n'
        "  </div>\n"
        f'  <div class="col-sm-9">\n{body}\n  </div>\n'
        "</slide>"
    )


def _runnable(query: GuideQuery) -> str:
    return (
        f"<p>{html.escape(query.title)}</p>\n"
        f'<pre mode="cypher" class="pre-scrollable code runnable">'
        f"{html.escape(query.cypher)}</pre>"
    )


def model_picture_data_uri() -> str:
    """docs/img/data-model.svg as a data: URI.

    Neo4j Browser's Content-Security-Policy allows images only from itself, a Neo4j host and
    `data:`, so the picture travels inside the guide.
    """
    path = IMG_DIR / "data-model.svg"
    if not path.is_file():
        return ""
    return "data:image/svg+xml;base64," + base64.b64encode(path.read_bytes()).decode()


def guide_html(base_url: str) -> str:
    """The guide: the model picture, then one slide per question with its ready queries."""
    picture = model_picture_data_uri()
    intro = (
        "<p>The governance network of Zibo's women's grid sisters groups (巾帼网格“姊妹团”): "
        "areas, grids, people and their appointments, federations, sisters groups, councils, "
        "departments, venues, families and dispute cases. Bold red arrows are appointments "
        "(<code>role</code>, <code>since</code>, <code>until</code>).</p>\n"
        f'<p><img src="{html.escape(picture)}" alt="The data model" '
        'height="330"></p>\n'
        f'<p><a href="{html.escape(base_url)}/browser/data-model.svg" target="_blank">'
        "The picture at full size</a></p>"
    )
    explore = (
        "<p>Every node has a <code>name</code> (activities, cases and steps: a "
        "<code>title</code>), shown as its caption; the colours come from the gridgraph style "
        "sheet, applied on connect. Click a query to put it in the editor, then run it.</p>\n"
        + "\n".join(_runnable(q) for q in GUIDE_QUERIES if q.question == 0)
    )
    slides = [
        _slide("gridgraph", "The women's grid sisters-group network", intro),
        _slide("Explore", "The model in the database", explore),
    ]
    for number in sorted(QUESTIONS):
        if number == 0:
            continue
        queries = [q for q in GUIDE_QUERIES if q.question == number]
        body = "\n".join(_runnable(q) for q in queries)
        slides.append(_slide(f"Question {number}", QUESTIONS[number], body))
    slides.append(
        _slide(
            "More",
            "Beyond the guide",
            "<p>The GraphQL API answers the same questions for applications: "
            f'<a href="{html.escape(base_url)}/graphql" target="_blank">GraphiQL</a>. '
            "Re-apply the style sheet at any time:</p>\n"
            f'<pre mode="cypher" class="pre-scrollable code runnable">:style '
            f"{html.escape(base_url)}/browser/style.grass</pre>",
        )
    )
    return (
        '<article class="guide">\n<carousel class="deck container-fluid">\n'
        + "\n".join(slides)
        + "\n</carousel>\n</article>\n"
    )


def routes(settings: Settings) -> list[BaseRoute]:
    """`/browser/guide`, `/browser/style.grass` and the model picture, with CORS headers."""
    base = public_base(settings)
    allowed = browser_origins(settings)

    async def guide(request: Request) -> Response:
        headers = cors_headers(request, allowed)
        if request.method == "OPTIONS":
            return Response(status_code=204, headers=headers)
        return Response(guide_html(base), media_type="text/html", headers=headers | NO_CACHE)

    async def style(request: Request) -> Response:
        headers = cors_headers(request, allowed)
        if request.method == "OPTIONS":
            return Response(status_code=204, headers=headers)
        return Response(style_sheet(), media_type="text/plain", headers=headers | NO_CACHE)

    async def picture(request: Request) -> Response:
        headers = cors_headers(request, allowed) | NO_CACHE
        path = IMG_DIR / request.url.path.rsplit("/", 1)[-1]
        if not path.is_file():
            return Response(status_code=404, headers=headers)
        return FileResponse(path, headers=headers)

    methods = ["GET", "HEAD", "OPTIONS"]
    return [
        Route("/browser/guide", guide, methods=methods),
        Route("/browser/style.grass", style, methods=methods),
        Route("/browser/data-model.png", picture, methods=["GET", "HEAD"]),
        Route("/browser/data-model.svg", picture, methods=["GET", "HEAD"]),
    ]
