"""Nested fields batch through DataLoaders: depth d over many parents is at most d round trips.

The trace header `X-Gridgraph-Trace: 1` makes the response carry `extensions.trace.roundTrips`.
"""

from __future__ import annotations

from starlette.testclient import TestClient

from tests.conftest import gql

TRACE = {"X-Gridgraph-Trace": "1"}


def _round_trips(api: TestClient, document: str) -> int:
    body = gql(api, document, **TRACE)
    assert "errors" not in body, body["errors"]
    return body["extensions"]["trace"]["roundTrips"]


def test_tracing_is_off_unless_asked(api: TestClient) -> None:
    body = gql(api, "{ departments { totalCount } }")
    assert "trace" not in (body.get("extensions") or {})
    assert _round_trips(api, "{ departments { totalCount } }") == 1


def test_area_tree_depth_five(api: TestClient) -> None:
    # 1 areas, 2 children (4 townships from 3 districts), 3 children (5 communities),
    # 4 grids (9), 5 their community and their appointments' holders... one level each.
    document = """{
      areas(level: DISTRICT) {
        nodes {
          name
          children {
            name
            children {
              name
              grids { code community { name } }
            }
          }
        }
      }
    }"""
    assert _round_trips(api, document) == 5


def test_grid_appointments_people_and_their_units(api: TestClient) -> None:
    document = """{
      areas(level: COMMUNITY) {
        nodes {
          grids {
            appointments(asOf: "2025-06-01") {
              role
              person { name appointments { role unit { __typename } } }
            }
          }
        }
      }
    }"""
    # areas 1, grids 2, appointments 3, person 4, person.appointments 5, unit 6
    assert _round_trips(api, document) == 6


def test_cases_timeline_actor_appointments(api: TestClient) -> None:
    document = """{
      cases(first: 100) {
        nodes {
          title
          mediators { name }
          referrals { department { name } }
          timeline { seq actorPerson { name appointments { role } } }
        }
      }
    }"""
    # cases 1; links (mediators + referrals share one loader) 2 and timeline 2 -> 3 trips at
    # depth 2 at most; actorPerson 3; appointments 4: 5 in all.
    assert _round_trips(api, document) == 5


def test_dual_role_members_with_units(api: TestClient) -> None:
    document = """{
      dualRoleMembers(asOf: "2025-06-01") {
        nodes {
          person { name }
          firstAppointments { unit { ... on Federation { area { name } } } }
          secondAppointments { unit { ... on Grid { community { name } } } }
        }
      }
    }"""
    # list 1; both appointment kinds share one loader 2; units 3; area/community 4
    assert _round_trips(api, document) == 4
