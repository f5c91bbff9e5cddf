"""What the current thread (or task) is doing for a pool.

A neutral module: the pool, its contexts, the handler threads and the
supervisors all ask it, none of them owns it.
"""

from __future__ import annotations

import contextvars
import threading
from typing import Any

__all__ = ["SyncServe", "serving", "sync_serving", "waits_on_parked"]


class _Serving(threading.local):
    """Per thread: what this thread is doing for a pool.

    ``ctx``: the context whose Host.callSync this thread is answering.
    ``event_thread``: this is a pool's event thread, which must never block
    on something only it can deliver (exits, async answers).
    """

    ctx: Any = None
    event_thread: bool = False


serving = _Serving()


class SyncServe:
    """Marks the work done for one ``Host.callSync``: while ``active``, a call
    that waits on ``ctx`` would wait on a context parked until that work ends."""

    __slots__ = ("active", "ctx")

    def __init__(self, ctx: Any) -> None:
        self.ctx = ctx
        self.active = True


# Set inside an ``async def`` handler answering a callSync; tasks it starts
# inherit it, hence the ``active`` flag, cleared once the answer is sent.
sync_serving: contextvars.ContextVar[SyncServe | None] = contextvars.ContextVar(
    "actors_sync_serving", default=None
)


def waits_on_parked(ctx: Any) -> bool:
    """True when the current thread or task answers a callSync of ``ctx``."""
    if serving.ctx is ctx:
        return True
    mark = sync_serving.get()
    return mark is not None and mark.active and mark.ctx is ctx
