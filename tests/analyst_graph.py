"""A small graph on which every query of the Neo4j Browser guide finds something.

Real places (GB/T 2260 codes), fictional people except 马明, the mediator named by the article;
invented community and grid codes. Used by the guide tests and the headless-Chromium checks.
"""

from __future__ import annotations

from typing import LiteralString

CREATE_ANALYST_GRAPH: LiteralString = """
CREATE (zibo:Area:City {code: '370300', name: '淄博市', level: 'CITY', kind: '市'})
CREATE (zhangdian:Area:District {code: '370303', name: '张店区', level: 'DISTRICT', kind: '区'})
CREATE (zichuan:Area:District {code: '370302', name: '淄川区', level: 'DISTRICT', kind: '区'})
CREATE (yiyuan:Area:District {code: '370323', name: '沂源县', level: 'DISTRICT', kind: '县'})
CREATE (tiyuchang:Area:Township {code: '370303006', name: '体育场街道', level: 'TOWNSHIP',
        kind: '街道'})
CREATE (nanma:Area:Township {code: '370323002', name: '南麻街道', level: 'TOWNSHIP',
        kind: '街道'})
CREATE (liuyi:Area:Community {code: '370303006001', name: '柳毅社区', level: 'COMMUNITY',
        kind: '社区'})
CREATE (fanziyu:Area:Community {code: '370323002201', name: '范子峪村', level: 'COMMUNITY',
        kind: '村'})
CREATE (zhangdian)-[:PART_OF]->(zibo), (zichuan)-[:PART_OF]->(zibo), (yiyuan)-[:PART_OF]->(zibo)
CREATE (tiyuchang)-[:PART_OF]->(zhangdian), (nanma)-[:PART_OF]->(yiyuan)
CREATE (liuyi)-[:PART_OF]->(tiyuchang), (fanziyu)-[:PART_OF]->(nanma)

CREATE (g1:Grid {code: '370303006001-001', name: '柳毅社区第一网格', kind: 'COMPREHENSIVE'})
CREATE (g2:Grid {code: '370303006001-002', name: '柳毅社区第二网格', kind: 'COMPREHENSIVE'})
CREATE (g3:Grid {code: '370323002201-001', name: '范子峪村网格', kind: 'COMPREHENSIVE'})
CREATE (g1)-[:IN]->(liuyi), (g2)-[:IN]->(liuyi), (g3)-[:IN]->(fanziyu)
CREATE (b1:Building {code: '370303006001-001/3号楼', name: '3号楼'})-[:IN]->(g1)

CREATE (fedCity:Federation {code: 'FED-370300', name: '淄博市妇联', level: 'CITY'})-[:IN]->(zibo)
CREATE (fedZd:Federation {code: 'FED-370303', name: '张店区妇联', level: 'DISTRICT'})
       -[:IN]->(zhangdian)
CREATE (fedYy:Federation {code: 'FED-370323', name: '沂源县妇联', level: 'DISTRICT'})
       -[:IN]->(yiyuan)
CREATE (sgZd:SistersGroup {code: 'SG-370303', name: '张店区巾帼网格姊妹团',
        founded: date('2024-11-01'), pilot: false})-[:IN]->(zhangdian)
CREATE (sg:SistersGroup {code: 'SG-370303006001', name: '柳毅社区姊妹团',
        founded: date('2024-06-01'), pilot: true})-[:IN]->(liuyi)
CREATE (sg)-[:PART_OF]->(sgZd), (sg)-[:COVERS {since: date('2024-06-01')}]->(g1)
CREATE (fedZd)-[:RUNS]->(sgZd)
CREATE (council:Council {code: 'WC-370303006001', name: '柳毅社区妇女解忧议事会',
        founded: date('2023-03-08')})-[:IN]->(liuyi)
CREATE (brand:ServiceBrand {code: 'BR-WOMEN-COUNCIL', name: '妇女解忧议事会', kind: 'COUNCIL'})
CREATE (council)-[:BRANDED_AS]->(brand), (fedCity)-[:RUNS]->(brand)
CREATE (project:Project {code: 'PRJ-LIANJIEJIE', name: '莲姐姐'})<-[:RUNS]-(fedCity)

CREATE (mech:Mechanism {code: 'MECH-370300', name: '常态化联防联动工作机制'})<-[:LEADS]-(fedCity)
CREATE (zfw:Department {code: 'DEPT-ZFW', name: '市委政法委', nameEn: 'Political-Legal Affairs'})
CREATE (gab:Department {code: 'DEPT-GAJ', name: '市公安局', nameEn: 'Public Security Bureau'})
CREATE (zfw)-[:JOINED {since: date('2024-01-01')}]->(mech)
CREATE (gab)-[:JOINED {since: date('2024-01-01')}]->(mech)

CREATE (centre:Venue {code: 'V-GC-370323002', name: '南麻街道综治中心', kind: 'GOVERNANCE_CENTRE'})
       -[:IN]->(nanma)
CREATE (station:Venue {code: 'V-OS-370323002201', name: '范子峪村巾帼宣讲微站',
        kind: 'OUTREACH_STATION'})-[:IN]->(fanziyu)
CREATE (registry:Venue {code: 'V-MR-370302', name: '淄川区婚姻登记处', kind: 'MARRIAGE_REGISTRY'})
       -[:IN]->(zichuan)
CREATE (fedYy)-[:RUNS]->(station)
CREATE (activity:Activity {code: 'ACT-2025-PUFA', title: '巾帼普法乡村行', name: '巾帼普法乡村行',
        kind: 'LEGAL_OUTREACH', date: date('2025-04-10')})-[:HELD_AT]->(station)
CREATE (fedYy)-[:ORGANISED]->(activity)

CREATE (wang:Person {id: 'P-guide-0001', name: '王秀英', gender: 'F', synthetic: true})
CREATE (li:Person {id: 'P-guide-0002', name: '李红梅', gender: 'F', synthetic: true})
CREATE (zhang:Person {id: 'P-guide-0003', name: '张丽', gender: 'F', synthetic: true})
CREATE (ma:Person {id: 'P-guide-0004', name: '马明', synthetic: true})
CREATE (wang)-[:SERVES_GRID {id: 'P-guide-0001|FULL_TIME_GRID_WORKER|370303006001-001|2024-01-01',
        role: 'FULL_TIME_GRID_WORKER', since: date('2024-01-01')}]->(g1)
CREATE (wang)-[:HOLDS_POST {id: 'P-guide-0001|FEDERATION_EXECUTIVE|FED-370303|2024-03-08',
        role: 'FEDERATION_EXECUTIVE', since: date('2024-03-08')}]->(fedZd)
CREATE (wang)-[:MEMBER_OF {id: 'P-guide-0001|SISTERS_GROUP_MEMBER|SG-370303006001|2024-06-01',
        role: 'SISTERS_GROUP_MEMBER', since: date('2024-06-01')}]->(sg)
CREATE (wang)-[:MEMBER_OF {id: 'P-guide-0001|COUNCIL_MEMBER|WC-370303006001|2023-03-08',
        role: 'COUNCIL_MEMBER', since: date('2023-03-08')}]->(council)
CREATE (wang)-[:LIVES_IN]->(liuyi)
CREATE (li)-[:SERVES_GRID {id: 'P-guide-0002|GRID_HEAD|370303006001-001|2022-01-01',
        role: 'GRID_HEAD', since: date('2022-01-01')}]->(g1)
CREATE (li)-[:SERVES_GRID {id: 'P-guide-0002|GRID_HEAD|370303006001-002|2022-01-01',
        role: 'GRID_HEAD', since: date('2022-01-01')}]->(g2)
CREATE (zhang)-[:HOLDS_POST {id: 'P-guide-0003|LEGAL_SAVVY_PERSON|FED-370323|2024-05-01',
        role: 'LEGAL_SAVVY_PERSON', since: date('2024-05-01')}]->(fedYy)
CREATE (zhang)-[:TOOK_PART {role: 'SPEAKER'}]->(activity)
CREATE (ma)-[:VOLUNTEERS_AT {id: 'P-guide-0004|MEDIATION_VOLUNTEER|V-MR-370302|2023-01-01',
        role: 'MEDIATION_VOLUNTEER', since: date('2023-01-01')}]->(registry)

CREATE (scheme:ClassificationScheme {code: 'WUSE', name: '五色家庭'})<-[:USES_SCHEME]-(zhangdian)
CREATE (red:Category {code: 'WUSE:red', name: '红色', colour: '#E53935', rank: 1,
        meaning: '家暴或其他重点风险', visitEveryDays: 7})-[:IN_SCHEME]->(scheme)
CREATE (family:Family {code: 'F-370303006001-001-0001', name: '赵某某家'})-[:IN]->(g1)
CREATE (family)-[:CLASSIFIED_AS {since: date('2025-01-05'), by: 'P-guide-0001'}]->(red)
CREATE (wang)-[:VISITED {id: 'V-guide-0001', date: date('2025-01-06')}]->(family)

CREATE (closed:Case {id: 'C2025-000001', title: '老人夫妻生活琐事纠纷',
        name: '老人夫妻生活琐事纠纷',
        category: 'MARRIAGE_FAMILY', status: 'CLOSED',
        reportedAt: datetime('2025-03-03T09:00:00+08:00'),
        closedAt: datetime('2025-03-10T17:00:00+08:00')})-[:IN]->(g1)
CREATE (open:Case {id: 'C2025-000002', title: '婚后财产纠纷', name: '婚后财产纠纷',
        category: 'MARRIAGE_FAMILY', status: 'HANDLING',
        reportedAt: datetime('2025-04-01T10:00:00+08:00')})-[:IN]->(g1)
CREATE (wang)-[:REPORTED]->(closed), (wang)-[:REPORTED]->(open)
CREATE (closed)-[:INVOLVES]->(family), (ma)-[:MEDIATED]->(closed)
CREATE (closed)-[:HANDLED_AT]->(registry), (closed)-[:REFERRED_TO {at: date('2025-03-04')}]->(zfw)
CREATE (closed)-[:HAS_STEP]->(:CaseStep {id: 'C2025-000001#1', title: '上报', action: 'REPORT',
        toStatus: 'REPORTED', at: datetime('2025-03-03T09:00:00+08:00'), seq: 1})
CREATE (closed)-[:HAS_STEP]->(:CaseStep {id: 'C2025-000001#2', title: '结案', action: 'CLOSE',
        fromStatus: 'VERIFIED', toStatus: 'CLOSED', at: datetime('2025-03-10T17:00:00+08:00'),
        seq: 2})
CREATE (open)-[:HAS_STEP]->(:CaseStep {id: 'C2025-000002#1', title: '上报', action: 'REPORT',
        toStatus: 'REPORTED', at: datetime('2025-04-01T10:00:00+08:00'), seq: 1})
CREATE (open)-[:HAS_STEP]->(s2:CaseStep {id: 'C2025-000002#2', title: '处置', action: 'HANDLE',
        fromStatus: 'DISPATCHED', toStatus: 'HANDLING', at: datetime('2025-04-02T15:00:00+08:00'),
        seq: 2})-[:BY]->(wang)
"""
