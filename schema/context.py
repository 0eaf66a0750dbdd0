"""The per-request context every resolver receives as `info.context`."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from core.auth import ANONYMOUS_VIEWER, Viewer
from core.database import Database
from core.settings import Settings


@dataclass
class Context:
    request: Request
    response: Response | None
    settings: Settings
    db: Database
    request_id: str
    viewer: Viewer = ANONYMOUS_VIEWER
    extras: dict[str, Any] = field(default_factory=dict)
