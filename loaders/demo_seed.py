"""The demo's organisations that no roster carries: the joint mechanism and its 8 departments,
the brands, projects, family-classification schemes, and the article's outreach event.

Written with parameterised Cypher before the rosters (brands, departments and categories are
referred to by them) and after (links to federations, areas and venues). Every node written
carries `source` = the seed's load id.
"""

from __future__ import annotations

from datetime import date
from typing import Any, LiteralString

DEPARTMENTS: list[dict[str, Any]] = [
    # The article names two; the other six are assumed (plausible members of such mechanisms).
    {
        "code": "DEPT-ZFW",
        "name": "市委政法委",
        "nameEn": "Political-Legal Affairs Commission",
        "assumed": False,
    },
    {"code": "DEPT-GAJ", "name": "市公安局", "nameEn": "Public Security Bureau", "assumed": False},
    {"code": "DEPT-SFJ", "name": "市司法局", "nameEn": "Justice Bureau", "assumed": True},
    {"code": "DEPT-MZJ", "name": "市民政局", "nameEn": "Civil Affairs Bureau", "assumed": True},
    {
        "code": "DEPT-FY",
        "name": "市中级人民法院",
        "nameEn": "Intermediate People's Court",
        "assumed": True,
    },
    {
        "code": "DEPT-JCY",
        "name": "市人民检察院",
        "nameEn": "People's Procuratorate",
        "assumed": True,
    },
    {"code": "DEPT-WJW", "name": "市卫生健康委", "nameEn": "Health Commission", "assumed": True},
    {"code": "DEPT-JYJ", "name": "市教育局", "nameEn": "Education Bureau", "assumed": True},
]

BRANDS: list[dict[str, Any]] = [
    {"code": "BR-XXJA", "name": "孝乡家安", "kind": "SERVICE"},
    {"code": "BR-XFZQ", "name": "幸福周全", "kind": "SERVICE"},
    {"code": "BR-WSWY", "name": "网事无忧", "kind": "SERVICE"},
    {"code": "BR-MMTJS", "name": "马明调解室", "kind": "MEDIATION"},
    {"code": "BR-SPJSTJS", "name": "宋聘家事调解室", "kind": "MEDIATION"},
    {"code": "BR-FNJYYSH", "name": "妇女解忧议事会", "kind": "COUNCIL"},
]

PROJECTS: list[dict[str, Any]] = [
    {"code": "PRJ-LJJ", "name": "莲姐姐", "description": "公益服务项目“莲姐姐”"},
    {"code": "PRJ-RXDJ", "name": "热线大姐", "description": "公益服务项目“热线大姐”"},
]

SCHEMES: list[dict[str, Any]] = [
    {"code": "SCH-WUSE", "name": "五色家庭", "description": "五色家庭分类管理（沂源县示例配色）"},
    {"code": "SCH-QICAI", "name": "七彩家庭图谱", "description": "七彩家庭图谱（配色为示例假设）"},
]

CATEGORIES: list[dict[str, Any]] = [
    *(
        {"scheme": "SCH-WUSE", "colour": c, "name": n, "meaning": m, "visitEveryDays": d, "rank": i}
        for i, (c, n, m, d) in enumerate(
            [
                ("red", "红色", "家暴或其他重点风险", 7),
                ("orange", "橙色", "矛盾风险", 15),
                ("pink", "粉色", "单亲或留守", 30),
                ("blue", "蓝色", "和谐家庭", 90),
                ("green", "绿色", "模范家庭", 180),
            ]
        )
    ),
    *(
        {
            "scheme": "SCH-QICAI",
            "colour": c,
            "name": n,
            "meaning": m,
            "visitEveryDays": d,
            "rank": i,
        }
        for i, (c, n, m, d) in enumerate(
            [
                ("red", "红色", "家暴或重大风险", 7),
                ("orange", "橙色", "婚姻家庭矛盾", 15),
                ("yellow", "黄色", "生活困难", 30),
                ("pink", "粉色", "单亲或留守", 30),
                ("purple", "紫色", "需心理关爱", 30),
                ("blue", "蓝色", "和谐家庭", 90),
                ("green", "绿色", "最美家庭", 180),
            ]
        )
    ),
]

SEED_DEPARTMENTS: LiteralString = """
MERGE (m:Mechanism {code: 'MECH-370300'})
SET m.name = '常态化联防联动工作机制', m.source = $load
WITH m
UNWIND $rows AS row
MERGE (d:Department {code: row.code})
SET d.name = row.name, d.nameEn = row.nameEn, d.assumed = row.assumed, d.source = $load
MERGE (d)-[j:JOINED]->(m)
SET j.since = $since
"""

SEED_BRANDS: LiteralString = """
UNWIND $rows AS row
MERGE (b:ServiceBrand {code: row.code})
SET b.name = row.name, b.kind = row.kind, b.source = $load
"""

SEED_PROJECTS: LiteralString = """
UNWIND $rows AS row
MERGE (p:Project {code: row.code})
SET p.name = row.name, p.description = row.description, p.source = $load
"""

SEED_SCHEMES: LiteralString = """
UNWIND $schemes AS row
MERGE (s:ClassificationScheme {code: row.code})
SET s.name = row.name, s.description = row.description, s.source = $load
WITH count(*) AS done
UNWIND $categories AS row
MATCH (s:ClassificationScheme {code: row.scheme})
MERGE (c:Category {code: row.scheme + ':' + row.colour})
SET c.name = row.name, c.colour = row.colour, c.meaning = row.meaning,
    c.visitEveryDays = row.visitEveryDays, c.rank = row.rank, c.source = $load
MERGE (c)-[:IN_SCHEME]->(s)
"""

LINK_ORGANISATIONS: LiteralString = """
MATCH (city:Federation {code: 'FED-370300'})
MATCH (m:Mechanism {code: 'MECH-370300'})
MERGE (city)-[:LEADS]->(m)
WITH city
MATCH (x)
WHERE x:ServiceBrand OR x:Project
MERGE (city)-[:RUNS]->(x)
"""

USE_SCHEMES: LiteralString = """
UNWIND $rows AS row
MATCH (a:Area {code: row.area})
MATCH (s:ClassificationScheme {code: row.scheme})
MERGE (a)-[:USES_SCHEME]->(s)
"""

SEED_ACTIVITY: LiteralString = """
MATCH (v:Venue {code: $venue})
MATCH (sg:SistersGroup {code: $group})
MERGE (a:Activity {code: 'ACT-JGPFXCX-FZY'})
SET a.title = '巾帼普法乡村行', a.name = '巾帼普法乡村行', a.date = $date,
    a.kind = 'LEGAL_OUTREACH', a.source = $load,
    a.description = '范子峪村梧桐树下巾帼宣讲微站，专业律师以案释法'
MERGE (a)-[:HELD_AT]->(v)
MERGE (sg)-[:ORGANISED]->(a)
"""

RECORD_SEED_LOAD: LiteralString = """
MERGE (l:Load {id: $load})
SET l.name = 'demo organisations', l.file = '(gridgraph demo)', l.kind = 'demo-seed',
    l.at = datetime(), l.by = $by, l.checksum = '', l.rows = $rows, l.scale = $scale,
    l.demoFinished = coalesce(l.demoFinished, false)
"""
"""The demo's first write: its organisations' load, `demoFinished` false until the last step
(`FINISH_DEMO`), so `gridgraph demo --if-empty` can tell an unfinished demo from data."""

FINISH_DEMO: LiteralString = """
MATCH (l:Load {id: $load})
SET l.demoFinished = true
"""

UNFINISHED_DEMO: LiteralString = """
MATCH (l:Load {kind: 'demo-seed'})
WHERE l.demoFinished = false
RETURN l.scale AS scale
ORDER BY l.at DESC
LIMIT 1
"""

MECHANISM_SINCE = date(2024, 6, 1)
