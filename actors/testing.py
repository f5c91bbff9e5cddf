"""Test hooks: fault injection for process mode.

Nothing here is reachable from JavaScript; these are for tests and chaos
drills of an application that runs a process-mode pool.
"""

from __future__ import annotations

from actors.context import Context, handle_of
from actors.pool import ContextPool, backend_of

__all__ = ["FAULTS", "crash_worker", "forge_frames", "frame", "worker_pid", "worker_pids"]

FAULTS = ("segfault", "abort", "kill", "exit")


def crash_worker(ctx: Context, how: str = "segfault", delay: float = 0.0) -> None:
    """Make the worker process hosting ``ctx`` fail, ``delay`` seconds from now.

    ``how``: ``"segfault"`` (an invalid memory access), ``"abort"``
    (``abort()``), ``"kill"`` (SIGKILL, as the OOM killer does) or ``"exit"``
    (the process exits with status 3).
    """
    if how not in FAULTS:
        raise ValueError(f"how must be one of {', '.join(FAULTS)}, got {how!r}")
    if delay < 0:
        raise ValueError("delay must be >= 0")
    handle_of(ctx).inject_fault(how, delay)


def worker_pid(ctx: Context) -> int:
    """Process id of the process hosting ``ctx`` (this one in thread mode)."""
    return handle_of(ctx).pid


def worker_pids(pool: ContextPool) -> list[int]:
    """Process ids of ``pool``'s live worker processes (none in thread mode)."""
    return backend_of(pool).pids()


def frame(kind: str | int, a: int = 0, b: int = 0, body: bytes = b"", length: int | None = None) -> bytes:
    """One process-mode frame as bytes (``length`` overrides the header's body length)."""
    import struct

    k = ord(kind) if isinstance(kind, str) else kind
    n = len(body) if length is None else length
    return struct.pack("<IBQQ", n & 0xFFFFFFFF, k, a, b) + body


def forge_frames(ctx: Context, data: bytes, delay: float = 0.0) -> None:
    """Make the worker process hosting ``ctx`` write ``data`` to the pool's socket as it is.

    Plays a worker that native code has taken over: the bytes go out
    between the worker's own frames, so the pool must treat whatever they
    say with suspicion (see :mod:`actors.process.wire`).
    """
    if delay < 0:
        raise ValueError("delay must be >= 0")
    handle_of(ctx).inject_fault("raw", delay, data)
