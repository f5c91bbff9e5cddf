"""The seam between a :class:`~actors.ContextPool` and what runs its contexts.

A pool talks to exactly one :class:`Backend` and, per context, to one
:class:`ContextHandle`; it never learns which kind it has. Two backends
implement them with the same signatures:

- thread mode, :class:`actors._binding.NativePool` / ``NativeContext``: the
  native pump in this process (``native/``);
- process mode, :class:`actors.process.pump.ProcessPump` / ``RemoteContext``:
  the same pump in worker processes behind a socket (``actors/process/``,
  ``native/process/``).

Everything crosses the seam as bytes the native pump defines: command
frames go down (``codec.encode_frame``), event and host-call frames come up
(``[kind, ctx_id, ...]``, ``native/actors.h``). Backends never import the
pool; the pool hands them callbacks.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal, Protocol

__all__ = ["Backend", "ContextHandle", "ContextSpec", "start_backend"]


@dataclass(frozen=True)
class ContextSpec:
    """What a backend needs to create one context (limits: 0 = none)."""

    id: int
    memory_limit: int = 0
    max_reductions: int = 0
    timeout: float = 0.0
    max_stack_size: int = 0
    on_uncaught: int = 0
    groups: tuple[str, ...] = ()
    max_result_bytes: int = 0

    def to_list(self) -> list[object]:
        """The wire form (process mode sends it to a worker as msgpack)."""
        return [
            self.id,
            self.memory_limit,
            self.max_reductions,
            self.timeout,
            self.max_stack_size,
            self.on_uncaught,
            list(self.groups),
            self.max_result_bytes,
        ]

    @classmethod
    def from_list(cls, fields: list[Any]) -> ContextSpec:
        ctx_id, mem, red, tmo, stack, unc, groups, out = fields
        return cls(
            int(ctx_id),
            int(mem),
            int(red),
            float(tmo),
            int(stack),
            int(unc),
            tuple(map(str, groups)),
            int(out),
        )


class ContextHandle(Protocol):
    """One context as its backend runs it (thread-safe)."""

    def request(self, frame: bytes, slice_seconds: float, on_wait: Callable[[], None]) -> bytes:
        """Send a command frame and block until its answer (``[status, payload]``).

        ``on_wait`` runs between wait slices and may raise to give up.
        Raises ContextDeadError (stopped), MailboxFullError (at the bound).
        """
        ...

    def post(self, frame: bytes) -> None:
        """Queue a command frame; its answer, if it has a request id, comes as an event."""
        ...

    def resolve(self, call_id: int, payload: bytes) -> int:
        """Answer host call ``call_id``; a native status (``ACT_OK``, ``ACT_EDEAD``)."""
        ...

    def cancel(self, req_id: int) -> None:
        """Interrupt (or unqueue) the operation of request ``req_id``."""
        ...

    def stop(self, killed: bool) -> bool:
        """Ask the context to exit; False if it was stopping already."""
        ...

    def alive(self) -> bool: ...

    @property
    def pid(self) -> int:
        """The process the context runs in."""
        ...

    def inject_fault(self, how: str, delay: float, data: bytes = b"") -> None:
        """Test hook (``actors.testing``): make the hosting worker process fail.

        Raises ActorsError where the context does not live in a worker process.
        """
        ...


class Backend(Protocol):
    """Runs contexts and reports what they do as event and host-call frames."""

    def new_context(self, spec: ContextSpec) -> ContextHandle: ...

    def poll(self, timeout: float) -> bytes | Literal[False] | None:
        """Next event frame; None on timeout; False once the queues are closed."""
        ...

    def poll_calls(self, timeout: float) -> bytes | Literal[False] | None:
        """Next host-call frame; None on timeout; False once the queues are closed."""
        ...

    def context_exited(self, ctx_id: int) -> None:
        """The pool has applied the exit event of ``ctx_id``: forget it."""
        ...

    def stats(self) -> dict[str, int]: ...

    def pids(self) -> list[int]:
        """The worker processes hosting contexts (none in thread mode)."""
        ...

    def close_events(self) -> None:
        """Close the event queues (pollers return False from now on)."""
        ...

    def free(self) -> None:
        """Stop every context and release everything; returns when done."""
        ...

    def after_fork_in_child(self) -> None:
        """In a forked child: let go of what belongs to the parent, waiting on nothing."""
        ...


def start_backend(
    threads: int,
    spare_threads: int,
    processes: int,
    pool_id: int,
    on_crash: Callable[[list[int], str], None],
) -> Backend:
    """Thread mode (``processes == 0``) or process mode.

    ``on_crash(ctx_ids, why)`` runs when a worker process dies, before the
    exits of its contexts are reported (thread mode never calls it).
    """
    if processes:
        from actors.process.pump import ProcessPump

        return ProcessPump(threads, spare_threads, processes, pool_id, on_crash)
    from actors._binding import NativePool

    return NativePool(threads, spare_threads)
