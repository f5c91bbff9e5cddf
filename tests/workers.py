"""Helpers for tests that place contexts in particular worker processes (process mode)."""

from __future__ import annotations

from typing import Any

import actors
from actors.testing import worker_pid


def on_other_process(pool: actors.ContextPool, ctx: actors.Context, **spawn_options: Any) -> actors.Context:
    """A new context on ``pool`` in a worker process other than ``ctx``'s.

    Placement is least-loaded, so a few spawns find the other process; the
    ones that land beside ``ctx`` stay alive until the pool stops.
    """
    for _ in range(8):
        c = pool.spawn(**spawn_options)
        if worker_pid(c) != worker_pid(ctx):
            return c
    raise AssertionError("spawn never picked the other process")
