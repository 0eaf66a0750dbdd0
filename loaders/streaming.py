"""Batches written in a background thread on one open transaction, while the caller goes on
reading and checking the rows of the next batch: the server works on batch n while Python
validates batch n+1, so a load takes about as long as the slower of the two, not their sum."""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Generic, TypeVar

from loaders.writer import Counts

Batch = TypeVar("Batch")

IN_FLIGHT = 2
"""Batches queued or being written at once: enough to keep the server busy, few enough that
memory stays flat on a roster the server is slower to write than Python is to read."""


class BatchWriter(Generic[Batch]):
    """Runs `write(batch)` for each submitted batch, in order, in one worker thread.

    After a failed batch the later ones are dropped; `wait` returns the first error (or None)
    once everything submitted has finished."""

    def __init__(self, write: Callable[[Batch], Counts], in_flight: int = IN_FLIGHT) -> None:
        self._write = write
        self._in_flight = in_flight
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="roster-writer")
        self._pending: deque[Future[Counts]] = deque()
        self.counts = Counts()
        self.error: BaseException | None = None
        self._failed = False

    def submit(self, batch: Batch) -> None:
        if self.error is not None:
            return
        while len(self._pending) >= self._in_flight:
            self._collect(self._pending.popleft())
        if self.error is None:
            self._pending.append(self._pool.submit(self._run, batch))

    def _run(self, batch: Batch) -> Counts:
        """In the worker: write a batch, unless one before it failed."""
        if self._failed:
            return Counts()
        try:
            return self._write(batch)
        except BaseException:
            self._failed = True
            raise

    def _collect(self, future: Future[Counts]) -> None:
        try:
            counts = future.result()
        except BaseException as error:
            if self.error is None:
                self.error = error
            return
        self.counts.merge(counts)

    def wait(self) -> BaseException | None:
        """Finish every submitted batch; the first error, if any."""
        while self._pending:
            self._collect(self._pending.popleft())
        return self.error

    def close(self) -> None:
        for future in self._pending:
            future.cancel()
        self._pool.shutdown(wait=True)
