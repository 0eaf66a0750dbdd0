"""Round-trip tracing: `extensions.trace.roundTrips` on request.

Send the header `X-Gridgraph-Trace: 1` and the response's `extensions` carry the number of
Cypher round trips (managed transactions) the request made, so clients and tests can check
that nested fields batch through DataLoaders.
"""

from __future__ import annotations

from typing import Any

from strawberry.extensions import SchemaExtension

TRACE_HEADER = "x-gridgraph-trace"


class RoundTripTrace(SchemaExtension):
    """Adds `{"trace": {"roundTrips": n}}` to the response when the request asks for it."""

    def get_results(self) -> dict[str, Any]:
        context = self.execution_context.context
        request = getattr(context, "request", None)
        asked = request is not None and request.headers.get(TRACE_HEADER, "") in ("1", "true")
        asked = asked or bool(getattr(context, "extras", {}).get("trace"))
        if not asked:
            return {}
        return {"trace": {"roundTrips": context.db.round_trips}}
