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

The collector is process-wide state, so this is opt-in: an application that manages
it itself leaves ``freeze_gc`` off.
"""

from __future__ import annotations

import gc

__all__ = ["GcFreezer"]

_MIN_BATCH = 64


class GcFreezer:
    """Counts sessions opened and closed, and freezes or refreezes the collector's
    objects (see the module docstring). Called on the event loop's thread only."""

    def __init__(self) -> None:
        self.frozen_sessions = 0  # sessions open at the last freeze
        self.opened = 0
        self.closed = 0
        self.open = 0

    def session_opened(self) -> None:
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
            gc.unfreeze()
            gc.collect()
            gc.freeze()
            self.frozen_sessions = self.open
            self.opened = self.closed = 0
