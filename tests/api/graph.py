# ruff: noqa: E501
"""The fixture graph of the API tests: a small, hand-checked slice of Zibo.

Numbers the tests rely on (on 2025-06-01 unless said otherwise):
- 淄博市 370300 → 张店区 370303, 淄川区 370302, 沂源县 370323; 9 grids, 6 of them in 张店区
  (柳毅社区 3, 体育场社区 2, 车站社区 1), 2 in 淄川区 (般阳社区), 1 in 范子峪村.
- Sisters groups cover 柳毅 -001, -002 and 般阳 -001.
- Dual-role members: 王秀英 (张店 executive + 柳毅-001 worker), 刘芳 (city executive + 车站 worker
  since 2025-03-01), 张红 (淄川 vice chair + 般阳-001 worker). On 2024-06-01: 王秀英, 李秀兰
  (executive until 2024-12-31), 张红.
- Cases: C2025-000001 (淄川, marriage/family, closed in 10 days), C2025-000002 (柳毅, marriage/
  family, handling, referred to 市委政法委), C2025-000003 (柳毅, neighbours, closed in 4 days,
  referred to 市公安局), C2024-000004 (车站, rejected).
"""

from __future__ import annotations

from typing import LiteralString

CREATE_FIXTURE_GRAPH: LiteralString = """
UNWIND [
  {code: '370300', name: '淄博市', level: 'CITY', kind: '市', labels: 'City', parent: null},
  {code: '370303', name: '张店区', level: 'DISTRICT', kind: '区', parent: '370300'},
  {code: '370302', name: '淄川区', level: 'DISTRICT', kind: '区', parent: '370300'},
  {code: '370323', name: '沂源县', level: 'DISTRICT', kind: '县', parent: '370300'},
  {code: '370303006', name: '体育场街道', level: 'TOWNSHIP', kind: '街道', parent: '370303'},
  {code: '370303001', name: '车站街道', level: 'TOWNSHIP', kind: '街道', parent: '370303'},
  {code: '370302001', name: '般阳路街道', level: 'TOWNSHIP', kind: '街道', parent: '370302'},
  {code: '370323002', name: '南麻街道', level: 'TOWNSHIP', kind: '街道', parent: '370323'},
  {code: '370303006001', name: '柳毅社区', level: 'COMMUNITY', kind: '社区', parent: '370303006'},
  {code: '370303006002', name: '体育场社区', level: 'COMMUNITY', kind: '社区',
   parent: '370303006'},
  {code: '370303001001', name: '车站社区', level: 'COMMUNITY', kind: '社区', parent: '370303001'},
  {code: '370302001001', name: '般阳社区', level: 'COMMUNITY', kind: '社区', parent: '370302001'},
  {code: '370323002001', name: '范子峪村', level: 'COMMUNITY', kind: '村', parent: '370323002'}
] AS row
CREATE (a:Area {code: row.code, name: row.name, level: row.level, kind: row.kind,
                validFrom: date('2022-01-01'), source: 'fixture'})
WITH a, row
CALL (a, row) {
  WITH a, row WHERE row.level = 'CITY' SET a:City
  UNION
  WITH a, row WHERE row.level = 'DISTRICT' SET a:District
  UNION
  WITH a, row WHERE row.level = 'TOWNSHIP' SET a:Township
  UNION
  WITH a, row WHERE row.level = 'COMMUNITY' SET a:Community
}
WITH collect(row) AS rows
UNWIND rows AS row
MATCH (child:Area {code: row.code}), (parent:Area {code: row.parent})
CREATE (child)-[:PART_OF]->(parent)
WITH count(*) AS linked
UNWIND [
  ['370303006001-001', '柳毅社区第一网格', 'COMPREHENSIVE', 420],
  ['370303006001-002', '柳毅社区第二网格', 'COMPREHENSIVE', 380],
  ['370303006001-003', '柳毅社区第三网格', 'DEDICATED', 50],
  ['370303006002-001', '体育场社区第一网格', 'COMPREHENSIVE', 360],
  ['370303006002-002', '体育场社区第二网格', 'COMPREHENSIVE', 300],
  ['370303001001-001', '车站社区第一网格', 'COMPREHENSIVE', 410],
  ['370302001001-001', '般阳社区第一网格', 'COMPREHENSIVE', 350],
  ['370302001001-002', '般阳社区第二网格', 'COMPREHENSIVE', 330],
  ['370323002001-001', '范子峪村网格', 'COMPREHENSIVE', 200]
] AS g
MATCH (c:Area {code: split(g[0], '-')[0]})
CREATE (:Grid {code: g[0], name: g[1], kind: g[2], households: g[3]})-[:IN]->(c)
WITH count(*) AS grids
UNWIND [
  ['FED-370300', '淄博市妇联', 'CITY', '370300'],
  ['FED-370303', '张店区妇联', 'DISTRICT', '370303'],
  ['FED-370302', '淄川区妇联', 'DISTRICT', '370302'],
  ['FED-370323', '沂源县妇联', 'DISTRICT', '370323'],
  ['FED-370303006', '体育场街道妇联', 'TOWNSHIP', '370303006']
] AS f
MATCH (a:Area {code: f[3]})
CREATE (:Federation {code: f[0], name: f[1], level: f[2]})-[:IN]->(a)
WITH count(*) AS federations
MATCH (zd:Area {code: '370303'}), (ly:Area {code: '370303006001'}), (by:Area {code: '370302001001'})
MATCH (fedzd:Federation {code: 'FED-370303'}), (fedzc:Federation {code: 'FED-370302'})
CREATE (sg:SistersGroup {code: 'SG-370303', name: '张店区巾帼网格姊妹团', founded: date('2024-11-01'),
                         pilot: true})-[:IN]->(zd)
CREATE (sgly:SistersGroup {code: 'SG-370303006001', name: '柳毅社区姊妹团',
                           founded: date('2024-11-15'), pilot: true})-[:IN]->(ly)
CREATE (sgby:SistersGroup {code: 'SG-370302001001', name: '般阳社区姊妹团',
                           founded: date('2025-01-10'), pilot: false})-[:IN]->(by)
CREATE (sgly)-[:PART_OF]->(sg), (fedzd)-[:RUNS]->(sg), (fedzd)-[:RUNS]->(sgly),
       (fedzc)-[:RUNS]->(sgby)
WITH sgly, sgby
MATCH (g1:Grid {code: '370303006001-001'}), (g2:Grid {code: '370303006001-002'}),
      (g3:Grid {code: '370302001001-001'})
CREATE (sgly)-[:COVERS {since: date('2024-11-15')}]->(g1),
       (sgly)-[:COVERS {since: date('2024-11-15')}]->(g2),
       (sgby)-[:COVERS {since: date('2025-01-10')}]->(g3)
WITH count(*) AS covers
MATCH (ly:Area {code: '370303006001'}), (fz:Area {code: '370323002001'}),
      (tyc:Area {code: '370303006'}), (city:Area {code: '370300'}), (zc:Area {code: '370302'}),
      (fedcity:Federation {code: 'FED-370300'})
CREATE (brwc:ServiceBrand {code: 'BR-WC', name: '妇女解忧议事会', kind: 'COUNCIL'}),
       (brmm:ServiceBrand {code: 'BR-MM', name: '马明调解室', kind: 'MEDIATION'}),
       (:ServiceBrand {code: 'BR-XXJA', name: '孝乡家安', kind: 'SERVICE'}),
       (:ServiceBrand {code: 'BR-XFZQ', name: '幸福周全', kind: 'SERVICE'}),
       (brws:ServiceBrand {code: 'BR-WSWY', name: '网事无忧', kind: 'SERVICE'})
CREATE (fedcity)-[:RUNS]->(brws)
CREATE (wc1:Council {code: 'WC-370303006001', name: '柳毅社区妇女解忧议事会',
                     founded: date('2023-03-08')})-[:IN]->(ly)
CREATE (wc2:Council {code: 'WC-370323002001', name: '范子峪村妇女解忧议事会',
                     founded: date('2023-05-01')})-[:IN]->(fz)
CREATE (wc1)-[:BRANDED_AS]->(brwc), (wc2)-[:BRANDED_AS]->(brwc)
CREATE (mech:Mechanism {code: 'MECH-370300', name: '常态化联防联动工作机制'}),
       (fedcity)-[:LEADS]->(mech),
       (:Department {code: 'DEPT-ZFW', name: '市委政法委',
                     nameEn: 'Political-Legal Affairs Commission'})
         -[:JOINED {since: date('2024-03-01')}]->(mech),
       (:Department {code: 'DEPT-GAJ', name: '市公安局', nameEn: 'Public Security Bureau'})
         -[:JOINED {since: date('2024-03-01')}]->(mech)
CREATE (:Venue {code: 'V-GC-370303006', name: '体育场街道综治中心', kind: 'GOVERNANCE_CENTRE',
                address: '体育场街道'})-[:IN]->(tyc),
       (:Venue {code: 'V-12338-370300', name: '12338妇联维权服务中心', kind: 'RIGHTS_CENTRE_12338',
                location: point({latitude: 36.81, longitude: 118.05})})-[:IN]->(city),
       (:Venue {code: 'V-REG-370302', name: '淄川区婚姻登记处', kind: 'MARRIAGE_REGISTRY'})-[:IN]->(zc),
       (:Venue {code: 'V-MR-370302', name: '马明调解室', kind: 'MEDIATION_ROOM'})-[:IN]->(zc),
       (:Venue {code: 'V-OS-370323002001', name: '巾帼宣讲微站', kind: 'OUTREACH_STATION'})-[:IN]->(fz)
WITH brmm, fedcity
MATCH (mr:Venue {code: 'V-MR-370302'})
CREATE (mr)-[:BRANDED_AS]->(brmm)
CREATE (fedcity)-[:RUNS]->(:Project {code: 'PRJ-LJJ', name: '莲姐姐', description: '公益服务项目'}),
       (fedcity)-[:RUNS]->(:Project {code: 'PRJ-RXDJ', name: '热线大姐', description: '热线服务'})
WITH count(*) AS done
UNWIND [
  {id: 'P-0000000000000001', name: '孟丹阳', gender: 'F', home: '370303006001'},
  {id: 'P-0000000000000002', name: '魏素理', gender: 'F', home: '370303006001'},
  {id: 'P-0000000000000003', name: '王秀英', gender: 'F', home: '370303006001',
   phone: '13812348000', idNumber: '370303198503121234', birthDate: date('1985-03-12'),
   politicalStatus: '中共党员', partyMember: true},
  {id: 'P-0000000000000004', name: '李秀兰', gender: 'F', home: '370303006001'},
  {id: 'P-0000000000000005', name: '张红', gender: 'F', home: '370302001001'},
  {id: 'P-0000000000000006', name: '刘芳', gender: 'F', home: '370303001001'},
  {id: 'P-0000000000000007', name: '赵敏', gender: 'F', home: '370303006002'},
  {id: 'P-0000000000000008', name: '马明', gender: 'F', home: '370302001001'},
  {id: 'P-0000000000000009', name: '陈静', gender: 'F', home: null},
  {id: 'P-0000000000000010', name: '周丽', gender: 'F', home: '370323002001'},
  {id: 'P-0000000000000011', name: '孙秀', gender: 'F', home: '370303006001'},
  {id: 'P-0000000000000012', name: '李小军', gender: 'M', home: '370302001001'}
] AS p
CREATE (n:Person {id: p.id, name: p.name, gender: p.gender, phone: p.phone,
                  idNumber: p.idNumber, birthDate: p.birthDate, synthetic: true,
                  politicalStatus: p.politicalStatus, partyMember: p.partyMember})
WITH n, p
OPTIONAL MATCH (home:Area {code: p.home})
FOREACH (_ IN CASE WHEN home IS NULL THEN [] ELSE [1] END | CREATE (n)-[:LIVES_IN]->(home))
WITH count(*) AS people
UNWIND [
  ['P-0000000000000001', 'MEMBER_OF', 'SG-370303006001', 'SISTERS_GROUP_MEMBER', '2024-11-15', null, null],
  ['P-0000000000000002', 'MEMBER_OF', 'SG-370303006001', 'SISTERS_GROUP_LEADER', '2024-11-15', null, null],
  ['P-0000000000000002', 'SERVES_GRID', '370303006001-001', 'BUILDING_HEAD', '2023-01-01', null, '3号楼'],
  ['P-0000000000000003', 'HOLDS_POST', 'FED-370303', 'FEDERATION_EXECUTIVE', '2023-01-01', null, null],
  ['P-0000000000000003', 'SERVES_GRID', '370303006001-001', 'FULL_TIME_GRID_WORKER', '2022-01-01', null, null],
  ['P-0000000000000004', 'HOLDS_POST', 'FED-370303006', 'FEDERATION_EXECUTIVE', '2023-01-01', '2024-12-31', null],
  ['P-0000000000000004', 'SERVES_GRID', '370303006001-002', 'GRID_HEAD', '2022-01-01', null, null],
  ['P-0000000000000005', 'HOLDS_POST', 'FED-370302', 'FEDERATION_VICE_CHAIR', '2024-01-01', null, null],
  ['P-0000000000000005', 'SERVES_GRID', '370302001001-001', 'PART_TIME_GRID_WORKER', '2024-03-01', null, null],
  ['P-0000000000000006', 'HOLDS_POST', 'FED-370300', 'FEDERATION_EXECUTIVE', '2023-01-01', null, null],
  ['P-0000000000000006', 'SERVES_GRID', '370303001001-001', 'PART_TIME_GRID_WORKER', '2025-03-01', null, null],
  ['P-0000000000000007', 'SERVES_GRID', '370303006002-001', 'FULL_TIME_GRID_WORKER', '2022-01-01', null, null],
  ['P-0000000000000007', 'HOLDS_POST', 'FED-370303', 'LEGAL_SAVVY_PERSON', '2023-01-01', null, null],
  ['P-0000000000000008', 'VOLUNTEERS_AT', 'V-REG-370302', 'MEDIATION_VOLUNTEER', '2020-01-01', null, null],
  ['P-0000000000000010', 'HOLDS_POST', 'FED-370323', 'LEGAL_SAVVY_PERSON', '2023-01-01', null, null],
  ['P-0000000000000011', 'MEMBER_OF', 'WC-370303006001', 'COUNCIL_MEMBER', '2024-01-01', null, null]
] AS a
MATCH (p:Person {id: a[0]})
MATCH (u {code: a[2]}) WHERE u:Grid OR u:Federation OR u:SistersGroup OR u:Council OR u:Venue
CALL (p, u, a) {
  WITH p, u, a WHERE a[1] = 'SERVES_GRID' CREATE (p)-[r:SERVES_GRID]->(u) RETURN r
  UNION
  WITH p, u, a WHERE a[1] = 'HOLDS_POST' CREATE (p)-[r:HOLDS_POST]->(u) RETURN r
  UNION
  WITH p, u, a WHERE a[1] = 'MEMBER_OF' CREATE (p)-[r:MEMBER_OF]->(u) RETURN r
  UNION
  WITH p, u, a WHERE a[1] = 'VOLUNTEERS_AT' CREATE (p)-[r:VOLUNTEERS_AT]->(u) RETURN r
}
SET r.id = a[0] + '|' + a[3] + '|' + a[2] + '|' + a[4], r.role = a[3], r.since = date(a[4]),
    r.until = CASE WHEN a[5] IS NULL THEN null ELSE date(a[5]) END, r.building = a[6]
WITH count(*) AS appointments
MATCH (os:Venue {code: 'V-OS-370323002001'}), (lawyer:Person {id: 'P-0000000000000009'}),
      (zl:Person {id: 'P-0000000000000010'}), (fed:Federation {code: 'FED-370323'})
CREATE (act:Activity {code: 'ACT-2024-001', title: '巾帼普法乡村行', name: '巾帼普法乡村行',
                      date: date('2024-06-15'), kind: 'LEGAL_OUTREACH',
                      description: '律师以案说法'})-[:HELD_AT]->(os),
       (lawyer)-[:TOOK_PART {role: 'SPEAKER'}]->(act),
       (zl)-[:TOOK_PART {role: 'ORGANISER'}]->(act),
       (fed)-[:ORGANISED]->(act)
WITH count(*) AS activities
MATCH (zd:Area {code: '370303'})
CREATE (s:ClassificationScheme {code: 'SCH-WUSE', name: '五色家庭', description: '五色分类'}),
       (zd)-[:USES_SCHEME]->(s),
       (:Category {code: 'SCH-WUSE:red', name: '红色', colour: 'red', meaning: '重点风险',
                   visitEveryDays: 7, rank: 1})-[:IN_SCHEME]->(s),
       (:Category {code: 'SCH-WUSE:orange', name: '橙色', colour: 'orange', meaning: '矛盾风险',
                   visitEveryDays: 14, rank: 2})-[:IN_SCHEME]->(s),
       (:Category {code: 'SCH-WUSE:blue', name: '蓝色', colour: 'blue', meaning: '和谐家庭',
                   visitEveryDays: 90, rank: 4})-[:IN_SCHEME]->(s)
WITH count(*) AS schemes
UNWIND [
  ['F-1', '李某某家', '370302001001-001', 3],
  ['F-2', '张某某家', '370303006001-001', 4],
  ['F-3', '王某某家', '370303006001-001', 2]
] AS f
MATCH (g:Grid {code: f[2]})
CREATE (:Family {code: f[0], name: f[1], members: f[3]})-[:IN]->(g)
WITH count(*) AS families
MATCH (f1:Family {code: 'F-1'}), (f2:Family {code: 'F-2'}), (f3:Family {code: 'F-3'}),
      (red:Category {code: 'SCH-WUSE:red'}), (orange:Category {code: 'SCH-WUSE:orange'}),
      (blue:Category {code: 'SCH-WUSE:blue'}), (wxy:Person {id: 'P-0000000000000003'}),
      (son:Person {id: 'P-0000000000000012'})
CREATE (f2)-[:CLASSIFIED_AS {since: date('2024-01-01'), until: date('2024-12-31'), by: '王秀英'}]->(orange),
       (f2)-[:CLASSIFIED_AS {since: date('2025-01-01'), by: '王秀英', reason: '家暴风险'}]->(red),
       (f3)-[:CLASSIFIED_AS {since: date('2024-06-01'), by: '王秀英'}]->(orange),
       (f1)-[:CLASSIFIED_AS {since: date('2024-01-01'), by: '张红'}]->(blue),
       (wxy)-[:VISITED {id: 'VIS-1', date: date('2025-05-01'), note: '走访'}]->(f2),
       (wxy)-[:VISITED {id: 'VIS-2', date: date('2025-06-20'), note: '走访'}]->(f3),
       (son)-[:BELONGS_TO]->(f1)
WITH count(*) AS classified
UNWIND [
  {id: 'C2025-000001', title: '老夫妻家庭琐事纠纷', category: 'MARRIAGE_FAMILY', status: 'CLOSED',
   reported: '2025-03-03T09:00:00+08:00', closed: '2025-03-13T17:00:00+08:00',
   grid: '370302001001-001', steps: 7},
  {id: 'C2025-000002', title: '夫妻矛盾', category: 'MARRIAGE_FAMILY', status: 'HANDLING',
   reported: '2025-05-10T10:00:00+08:00', closed: null, grid: '370303006001-001', steps: 4},
  {id: 'C2025-000003', title: '邻里噪音纠纷', category: 'NEIGHBOUR', status: 'CLOSED',
   reported: '2025-04-01T08:30:00+08:00', closed: '2025-04-05T16:00:00+08:00',
   grid: '370303006001-002', steps: 7},
  {id: 'C2024-000004', title: '车位纠纷', category: 'NEIGHBOUR', status: 'REJECTED',
   reported: '2024-12-01T08:00:00+08:00', closed: null, grid: '370303001001-001', steps: 0}
] AS c
MATCH (g:Grid {code: c.grid})
CREATE (k:Case {id: c.id, title: c.title, name: c.title, category: c.category, status: c.status,
                reportedAt: datetime(c.reported),
                closedAt: CASE WHEN c.closed IS NULL THEN null ELSE datetime(c.closed) END})
       -[:IN]->(g)
WITH k, c
UNWIND range(1, c.steps) AS seq
WITH k, seq, ['REPORT', 'ACCEPT', 'DISPATCH', 'HANDLE', 'FEED_BACK', 'VERIFY', 'CLOSE'] AS actions,
     ['REPORTED', 'ACCEPTED', 'DISPATCHED', 'HANDLING', 'FED_BACK', 'VERIFIED', 'CLOSED'] AS states
CREATE (k)-[:HAS_STEP]->(:CaseStep {id: k.id + '#' + seq, seq: seq, title: actions[seq - 1],
  action: actions[seq - 1], toStatus: states[seq - 1],
  fromStatus: CASE WHEN seq = 1 THEN null ELSE states[seq - 2] END,
  at: k.reportedAt + duration({days: seq - 1}), actor: '网格员'})
WITH count(*) AS steps
MATCH (c1:Case {id: 'C2025-000001'}), (c2:Case {id: 'C2025-000002'}),
      (c3:Case {id: 'C2025-000003'}), (mm:Person {id: 'P-0000000000000008'}),
      (wxy:Person {id: 'P-0000000000000003'}), (son:Person {id: 'P-0000000000000012'}),
      (f1:Family {code: 'F-1'}), (f2:Family {code: 'F-2'}),
      (reg:Venue {code: 'V-REG-370302'}), (gc:Venue {code: 'V-GC-370303006'}),
      (zfw:Department {code: 'DEPT-ZFW'}), (gaj:Department {code: 'DEPT-GAJ'}),
      (step:CaseStep {id: 'C2025-000001#4'})
CREATE (son)-[:REPORTED]->(c1), (c1)-[:INVOLVES]->(f1), (mm)-[:MEDIATED]->(c1),
       (c1)-[:HANDLED_AT]->(reg), (step)-[:BY]->(mm),
       (c2)-[:INVOLVES]->(f2), (wxy)-[:MEDIATED]->(c2), (c2)-[:HANDLED_AT]->(gc),
       (c2)-[:REFERRED_TO {at: datetime('2025-05-11T09:00:00+08:00')}]->(zfw),
       (wxy)-[:MEDIATED]->(c3), (c3)-[:HANDLED_AT]->(gc),
       (c3)-[:REFERRED_TO {at: datetime('2025-04-02T09:00:00+08:00')}]->(gaj)
"""
