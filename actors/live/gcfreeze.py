"""Keep open sessions' objects out of CPython's full collections (``LiveApp(freeze_gc=True)``).

A live server holds about 150 Python objects per open session (its socket, protocol,
tasks, owner actor, context handle). CPython's full collection scans every one of
them, and it runs on the event loop: measured 25 ms at 2,000 sessions and 1.8 s at
10,000, a pause every session's events wait through. ``gc.freeze()`` moves every
object tracked so far into a permanent generation that collections skip.

The policy: freeze after every 64 sessions opened (``gc.freeze()`` only splices the
collector's lists: it costs the same for 10 objects or 10 million), so at most the
newest 64 sessions' objects are scanned; measured at 10,000 sessions, batches of a
quarter of the open sessions still left full collections of 250 ms. A frozen object
that later becomes garbage in a reference cycle (much of a closed session) is not
collected while frozen: once the sessions closed since the last full pass reach a
quarter of those frozen, unfreeze, collect once (the full pause CPython would have
taken anyway, now after a quarter of the sessions turned over) and freeze again.

Young collections: CPython starts one when its count of container allocations minus
deallocations passes 700, and deallocating an *old* (or frozen) object lowers that
count too. A server that keeps replacing long-lived objects therefore lets its young
generation grow far past 700 between collections: measured at 10,000 sessions,
generation 0 passes over 16,000-45,000 live objects (10-44 ms each) and generation 1
over 68,000 (78 ms). So while sessions are open the freezer collects generation 0
itself every 50 ms (``gc.collect(0)``: well under a millisecond when it is small),
generation 1 every 10 of those, freezing what survives it, so that no full
collection scans the open sessions; what froze and became garbage since is collected
by one full pass after a quarter of the sessions closed or every 10 minutes, at the
latest (at 10,000 sessions about 1.2 s: the price of a short tail the rest of the
time).

The collector is process-wide state, so this is opt-in: an application that manages
it itself leaves ``freeze_gc`` off.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc

__all__ = ["GcFreezer"]

_MIN_BATCH = 64
_YOUNG_EVERY = 0.05  # seconds between the freezer's own generation-0 collections
_FULL_EVERY = 600.0  # seconds between full passes (unfreeze, collect, freeze) at the latest


class GcFreezer:
    """Counts sessions opened and closed, and freezes or refreezes the collector's
    objects (see the module docstring). Called on the event loop's thread only."""

    def __init__(self) -> None:
        self.frozen_sessions = 0  # sessions open at the last freeze
        self.opened = 0
        self.closed = 0
        self.open = 0
        self._young: asyncio.TimerHandle | None = None
        self._full_at = 0.0  # loop time of the last full pass (set by the first young pass)

    def _collect_young(self) -> None:
        self._young = None
        if self._full_at == 0.0:
            self._full_at = asyncio.get_running_loop().time()
        if self.open > 0:
            loop = asyncio.get_running_loop()
            if loop.time() - self._full_at >= _FULL_EVERY:
                self._refreeze(loop)
            elif gc.get_count()[1] < gc.get_threshold()[1]:
                gc.collect(0)
            else:
                # every 10 young passes (CPython's schedule, which no longer fires by
                # itself): generation 1, and what survives it is frozen rather than
                # left to full collections
                gc.collect(1)
                gc.freeze()
            self._young = asyncio.get_running_loop().call_later(_YOUNG_EVERY, self._collect_young)

    def session_opened(self) -> None:
        if self._young is None:
            with contextlib.suppress(RuntimeError):  # no running loop: no young passes
                self._young = asyncio.get_running_loop().call_later(_YOUNG_EVERY, self._collect_young)
        self.open += 1
        self.opened += 1
        if self.opened >= _MIN_BATCH:
            gc.freeze()
            self.frozen_sessions = self.open
            self.opened = 0

    def session_closed(self) -> None:
        self.open -= 1
        self.closed += 1
        if self.closed >= max(_MIN_BATCH, self.frozen_sessions // 4):
            try:
                loop: asyncio.AbstractEventLoop | None = asyncio.get_running_loop()
            except RuntimeError:
                loop = None
            self._refreeze(loop)

    def _refreeze(self, loop: asyncio.AbstractEventLoop | None) -> None:
        # the one full pass: frozen objects that became garbage since are collected
        gc.unfreeze()
        gc.collect()
        gc.freeze()
        self.frozen_sessions = self.open
        self.opened = self.closed = 0
        if loop is not None:
            self._full_at = loop.time()
