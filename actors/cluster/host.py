"""What a node host offers the driver: the host interface, and the data crossing it.

A host owns one :class:`~actors.ContextPool` on one machine (a Ray actor,
or an in-process :class:`~actors.cluster.local.LocalHost` in tests). Only
plain data crosses: a :class:`SpawnRequest`, operations as lists, outcomes
as ``[True, value]`` / ``[False, encoded_error]``, events as lists.
Transport failures are raised by the host adapter as
:class:`~actors.cluster.errors.HostLostError` (the host is gone) or
:class:`~actors.cluster.errors.HostUnavailableError` (no answer: not a death).

Operations (``op`` lists, ``[seq, ctx_id, kind, *args]``): ``eval`` (code,
timeout), ``call`` (name, args, timeout), ``send`` (message), ``get``
(name), ``set`` (name, value). Every one carries its (sender, context)
sequence number; the host applies them in that order.

Events (lists, first item the kind):
``["exit", ctx_id, reason, detail]``, ``["message", ctx_id, message]``,
``["restarted", old_ctx_id, new_ctx_id, reason, detail]`` (the node's own
supervisor restarted a context without a network hop), ``["hostcall",
ctx_id, call_id, name, args, spawn_token]`` (a driver-routed handler is called),
``["dropped", n]`` (messages dropped at the host's event bound).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any, Protocol

__all__ = ["NodeHost", "Outcome", "SpawnRequest"]

Outcome = list[Any]  # [True, value] or [False, encoded error]


@dataclass(frozen=True)
class SpawnRequest:
    """Everything a host needs to start a context (and to start it again).

    ``handlers`` names a mapping of host handlers importable on every node,
    ``"package.module:NAME"``: handlers run on the node, next to the context.
    ``driver_handlers`` names handlers that run on the driver instead (async
    only): the node forwards each call as a ``hostcall`` event and waits for
    :meth:`NodeHost.answer`.
    ``restart`` (``"permanent"``/``"transient"``) lets the node's own
    supervisor restart a crashed context in place (``max_restarts`` in
    ``max_seconds``, counted per context) before the driver hears of it.
    """

    script: str | None = None
    filename: str = "<script>"
    apis: str | tuple[str, ...] | None = "default"  # "default": the host pool's; None: none
    name: str | None = None
    memory_limit: int | None = None
    max_reductions: int | None = None
    timeout: float | None = None
    origin: str | None = None
    url: str | None = None
    on_uncaught: str | None = None
    handlers: str | None = None
    driver_handlers: tuple[str, ...] = ()
    token: str = ""  # names the spawn in its hostcall events until the driver knows the context
    restart: str = "temporary"
    max_restarts: int = 3
    max_seconds: float = 5.0


class NodeHost(Protocol):
    """The driver's view of one node host. All methods are safe from the driver's loop."""

    @property
    def host_id(self) -> str: ...

    async def hello(self) -> str:
        """The host's boot id (new each time the host starts)."""
        ...

    async def spawn(self, boot_id: str, requests: list[SpawnRequest]) -> list[Outcome]:
        """Start contexts; one outcome per request, its value the context id."""
        ...

    async def eval(
        self, sender: str, boot_id: str, seq: int, ctx_id: int, code: str, timeout: float | None
    ) -> Outcome: ...

    async def call(
        self,
        sender: str,
        boot_id: str,
        seq: int,
        ctx_id: int,
        name: str,
        args: list[Any],
        timeout: float | None,
    ) -> Outcome: ...

    def send(self, sender: str, boot_id: str, seq: int, ctx_id: int, message: Any) -> None:
        """Fire and forget (the transport may reorder: the sequence number puts it back)."""
        ...

    async def stop(self, boot_id: str, ctx_ids: list[int], how: str) -> None:
        """Stop contexts: ``how`` is ``"normal"``, ``"kill"`` (restartable) or
        ``"linked"`` (reason ``linked``); their exits come as events."""
        ...

    async def batch(self, sender: str, boot_id: str, ops: list[list[Any]]) -> list[Outcome]:
        """Many operations in one round trip; one outcome per op, in order."""
        ...

    def events(self) -> AsyncIterator[list[list[Any]]]:
        """Batches of events, until the host is lost (then HostLostError)."""
        ...

    async def answer(self, boot_id: str, call_id: int, outcome: Outcome) -> None:
        """The driver's answer to a ``hostcall`` event."""
        ...

    async def load(self) -> dict[str, int]:
        """``contexts`` alive and other counters."""
        ...

    async def shutdown(self) -> None:
        """Stop every context and the host."""
        ...
