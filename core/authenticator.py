"""From a request's bearer credential to its `Viewer`: an API token of `gridgraph token create`
(looked up by hash in the graph, `core.tokens`) or a JWT of an identity provider
(`core.jwt_verifier`), with the look-ups cached and shared per process."""

from __future__ import annotations

import asyncio
import time
from typing import TYPE_CHECKING, Any

from core.auth import Viewer
from core.errors import Unauthenticated
from core.jwt_verifier import JwtVerifier

if TYPE_CHECKING:
    from core.admission import Admission
    from core.database import Database
    from core.settings import Settings


def _looks_like_jwt(credential: str) -> bool:
    return credential.count(".") == 2


class Authenticator:
    """Resolves bearer credentials to viewers for one process, caching token look-ups briefly.

    A look-up result (a viewer or the reason for refusing) is kept for `token_cache_seconds`, so
    a busy client costs one graph query per period, and a revocation takes effect within it.
    Concurrent requests with the same token share one look-up. A look-up is a read: when each
    token was last used is noted in `usage` and written in batches off the request path. With
    `admission`, a look-up takes a slot like any other work toward Neo4j. A look-up that fails
    (`DatabaseUnavailable`, `DatabaseBusy`, `Overloaded`) is not cached, and fails fast.
    """

    MAX_CACHED = 10_000

    def __init__(
        self, settings: Settings, clock: Any = time.monotonic, admission: Admission | None = None
    ) -> None:
        from core.tokens import TokenUsage

        self.settings = settings
        self.clock = clock
        self.admission = admission
        self.jwt = JwtVerifier(settings)
        self.usage = TokenUsage()
        self._cache: dict[str, tuple[float, Viewer | None, str | None]] = {}
        self._lookups: dict[str, asyncio.Future[tuple[float, Viewer | None, str | None]]] = {}

    async def authenticate(self, credential: str, db: Database) -> Viewer:
        """The viewer for `credential`, or `Unauthenticated` saying why not."""
        from core.tokens import hash_token, looks_like_api_token

        if looks_like_api_token(credential):
            key = hash_token(credential)
            cached = self._cache.get(key)
            if cached is None or cached[0] <= self.clock():
                cached = await self._look_up(key, credential, db)
            _, viewer, reason = cached
            if viewer is None:
                raise Unauthenticated(reason or "The token is not valid.", reason="INVALID")
            if viewer.token_id:
                self.usage.note(viewer.token_id)
            return viewer
        if _looks_like_jwt(credential):
            if not self.jwt.enabled:
                raise Unauthenticated(
                    "This service does not accept JWTs; use a token from `gridgraph token create`.",
                    reason="INVALID",
                )
            return self.jwt.verify(credential)
        raise Unauthenticated(
            "The bearer token is neither a gridgraph token nor a JWT.", reason="INVALID"
        )

    async def _look_up(
        self, key: str, credential: str, db: Database
    ) -> tuple[float, Viewer | None, str | None]:
        """One look-up per token at a time, in a task of its own: concurrent requests with the
        token await the one under way, and a caller that goes away does not cancel it for the
        others."""
        task = self._lookups.get(key)
        if task is None:
            task = asyncio.ensure_future(self._check(key, credential, db))
            self._lookups[key] = task
            task.add_done_callback(lambda done: self._finished(key, done))
        return await asyncio.shield(task)

    def _finished(self, key: str, task: asyncio.Future[Any]) -> None:
        if self._lookups.get(key) is task:
            del self._lookups[key]
        if not task.cancelled():
            task.exception()  # retrieved here, so an unawaited failure is not reported twice

    async def _check(
        self, key: str, credential: str, db: Database
    ) -> tuple[float, Viewer | None, str | None]:
        from core.tokens import check_token

        if self.admission is None:
            check = await check_token(db, credential)
        else:
            async with self.admission.slot():
                check = await check_token(db, credential)
        now = self.clock()
        entry = (now + self.settings.token_cache_seconds, check.viewer, check.reason)
        self._remember(key, entry, now)
        return entry

    def forget(self) -> None:
        """Drop every cached look-up (e.g. after revoking in-process)."""
        self._cache.clear()

    def _remember(
        self, key: str, entry: tuple[float, Viewer | None, str | None], now: float
    ) -> None:
        if len(self._cache) >= self.MAX_CACHED:
            self._cache = {k: v for k, v in self._cache.items() if v[0] > now}
            if len(self._cache) >= self.MAX_CACHED:
                self._cache.clear()
        self._cache[key] = entry
