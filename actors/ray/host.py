"""The Ray host actor (one ContextPool per node) and the driver's adapter to it.

Concurrency inside the actor: everything is ``async`` and the pool is only
used through its ``*_async`` forms or a worker thread (one blocking call
would freeze every request of the actor). Three concurrency groups: the
default one for operations, ``control`` for stop/load/shutdown (they must
get through while operations queue), and ``events`` for the never-ending
event stream (a streaming generator holds its group forever: sharing one
would deadlock). Ray runs each group on an event loop of its own, in a
thread of its own; the NodeRuntime belongs to the default group's loop, and
the other groups hand their work to that loop (asyncio objects are not
thread-safe: an event queue woken from the wrong loop stays asleep).

Ray's own recovery is off (``max_restarts=0``, ``max_task_retries=0``): a
restarted actor would come back with an empty pool, and a retried task
could run a non-idempotent eval twice. The contexts of a lost host are
re-spawned elsewhere by the driver's cluster supervisor instead
(:mod:`actors.cluster`).
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import importlib
import os
from collections.abc import AsyncIterator, Awaitable, Coroutine
from typing import Any, TypeVar

from actors.cluster.errors import HostLostError, HostUnavailableError
from actors.cluster.host import Outcome, SpawnRequest
from actors.cluster.node import NodeRuntime
from actors.errors import ActorsError

__all__ = ["HostActor", "RayHost", "start_hosts"]

T = TypeVar("T")

# Ray's own annotations are partial and change between releases: it is used as
# untyped here, so the type check is the same whether the extra is installed or not.
ray: Any = importlib.import_module("ray")
_exceptions: Any = importlib.import_module("ray.exceptions")
_strategies: Any = importlib.import_module("ray.util.scheduling_strategies")

CONTROL = "control"
EVENTS = "events"


class _HostActor:
    def __init__(self, host_id: str, options: dict[str, Any]) -> None:
        self._runtime = NodeRuntime(host_id, **options)
        self._starting: asyncio.Task[None] | None = None
        self._loop: asyncio.AbstractEventLoop | None = None  # the default group's loop
        self._reader: concurrent.futures.Future[Any] | None = None  # the event stream's pending read

    async def hello(self) -> str:
        if self._starting is None:
            self._loop = asyncio.get_running_loop()
            self._starting = self._loop.create_task(self._runtime.start())
        await asyncio.shield(self._starting)
        return self._runtime.boot_id

    def _on_runtime(self, coro: Coroutine[Any, Any, T]) -> concurrent.futures.Future[T]:
        if self._loop is None:
            coro.close()
            raise ActorsError("the host has not been started (hello)")
        return asyncio.run_coroutine_threadsafe(coro, self._loop)

    async def spawn(self, boot_id: str, requests: list[SpawnRequest]) -> list[Outcome]:
        return await self._runtime.spawn(boot_id, requests)

    async def eval(
        self, sender: str, boot_id: str, seq: int, ctx_id: int, code: str, timeout: float | None
    ) -> Outcome:
        return await self._runtime.eval(sender, boot_id, seq, ctx_id, code, timeout)

    async def call(
        self,
        sender: str,
        boot_id: str,
        seq: int,
        ctx_id: int,
        name: str,
        args: list[Any],
        timeout: float | None,
    ) -> Outcome:
        return await self._runtime.call(sender, boot_id, seq, ctx_id, name, args, timeout)

    async def send(self, sender: str, boot_id: str, seq: int, ctx_id: int, message: Any) -> None:
        self._runtime.send(sender, boot_id, seq, ctx_id, message)

    async def batch(self, sender: str, boot_id: str, ops: list[list[Any]]) -> list[Outcome]:
        return await self._runtime.batch(sender, boot_id, ops)

    async def answer(self, boot_id: str, call_id: int, outcome: Outcome) -> None:
        self._runtime.answer(boot_id, call_id, outcome)

    async def stop(self, boot_id: str, ctx_ids: list[int], how: str) -> None:
        await asyncio.wrap_future(self._on_runtime(self._runtime.stop(boot_id, ctx_ids, how)))

    async def load(self) -> dict[str, int]:
        load = await asyncio.wrap_future(self._on_runtime(self._runtime.load()))
        load["pid"] = os.getpid()
        return load

    async def shutdown(self) -> None:
        await asyncio.wrap_future(self._on_runtime(self._runtime.shutdown()))

    async def events(self) -> AsyncIterator[list[list[Any]]]:
        # One reader at a time: a driver re-opening the stream (after the old one
        # was unavailable) cancels the old read, which has consumed nothing.
        if self._reader is not None:
            self._reader.cancel()
        stream = self._runtime.events()
        while True:
            reader = self._reader = self._on_runtime(_next(stream))
            try:
                batch = await asyncio.wrap_future(reader)
            except (concurrent.futures.CancelledError, asyncio.CancelledError):
                return
            yield batch


async def _next(stream: AsyncIterator[T]) -> T:
    return await stream.__anext__()


for _name in ("stop", "load", "shutdown"):
    setattr(_HostActor, _name, ray.method(concurrency_group=CONTROL)(getattr(_HostActor, _name)))
_HostActor.events = ray.method(concurrency_group=EVENTS, num_returns="streaming")(  # type: ignore[method-assign]
    _HostActor.events
)

HostActor: Any = ray.remote(
    max_restarts=0,
    max_task_retries=0,
    num_cpus=0,
    concurrency_groups={CONTROL: 8, EVENTS: 2},
)(_HostActor)


async def _mapped(what: str, awaitable: Awaitable[T]) -> T:
    """Ray's failures as the cluster's: unavailable is not death."""
    try:
        return await awaitable
    except (_exceptions.ActorUnavailableError, _exceptions.GetTimeoutError) as exc:
        raise HostUnavailableError(f"{what}: {exc}") from None
    except _exceptions.RayActorError as exc:
        raise HostLostError(f"{what}: {exc}") from None
    except _exceptions.RayError as exc:
        raise HostLostError(f"{what}: {type(exc).__name__}: {exc}") from None


class RayHost:
    """The driver's :class:`~actors.cluster.host.NodeHost` for one :data:`HostActor`."""

    def __init__(self, handle: Any, host_id: str) -> None:
        self._handle = handle
        self._host_id = host_id

    @property
    def host_id(self) -> str:
        return self._host_id

    @property
    def handle(self) -> Any:
        return self._handle

    async def hello(self) -> str:
        boot: str = await _mapped(self._host_id, self._handle.hello.remote())
        return boot

    async def spawn(self, boot_id: str, requests: list[SpawnRequest]) -> list[Outcome]:
        out: list[Outcome] = await _mapped(self._host_id, self._handle.spawn.remote(boot_id, requests))
        return out

    async def eval(
        self, sender: str, boot_id: str, seq: int, ctx_id: int, code: str, timeout: float | None
    ) -> Outcome:
        ref = self._handle.eval.remote(sender, boot_id, seq, ctx_id, code, timeout)
        out: Outcome = await _mapped(self._host_id, ref)
        return out

    async def call(
        self,
        sender: str,
        boot_id: str,
        seq: int,
        ctx_id: int,
        name: str,
        args: list[Any],
        timeout: float | None,
    ) -> Outcome:
        ref = self._handle.call.remote(sender, boot_id, seq, ctx_id, name, args, timeout)
        out: Outcome = await _mapped(self._host_id, ref)
        return out

    def send(self, sender: str, boot_id: str, seq: int, ctx_id: int, message: Any) -> None:
        self._handle.send.remote(sender, boot_id, seq, ctx_id, message)

    async def stop(self, boot_id: str, ctx_ids: list[int], how: str) -> None:
        await _mapped(self._host_id, self._handle.stop.remote(boot_id, ctx_ids, how))

    async def batch(self, sender: str, boot_id: str, ops: list[list[Any]]) -> list[Outcome]:
        out: list[Outcome] = await _mapped(self._host_id, self._handle.batch.remote(sender, boot_id, ops))
        return out

    async def events(self) -> AsyncIterator[list[list[Any]]]:
        """The host's events; an unavailable stream is re-opened once the host answers
        again (a partition is not a death), and only a dead actor ends it."""
        while True:
            stream = self._handle.events.remote()
            try:
                while True:
                    try:
                        ref = await _mapped(self._host_id, stream.__anext__())
                    except StopAsyncIteration:
                        await asyncio.sleep(0.05)  # replaced by a newer reader, or shutting down
                        break
                    batch: list[list[Any]] = await _mapped(self._host_id, ref)
                    yield batch
            except HostUnavailableError:
                pass
            await self._until_answering()

    async def _until_answering(self) -> None:
        """Return once the host answers; HostLostError once Ray declares it dead."""
        while True:
            try:
                await self.load()
                return
            except HostUnavailableError:
                await asyncio.sleep(0.2)

    async def answer(self, boot_id: str, call_id: int, outcome: Outcome) -> None:
        await _mapped(self._host_id, self._handle.answer.remote(boot_id, call_id, outcome))

    async def load(self) -> dict[str, int]:
        out: dict[str, int] = await _mapped(self._host_id, self._handle.load.remote())
        return out

    async def shutdown(self) -> None:
        await _mapped(self._host_id, self._handle.shutdown.remote())

    def kill(self) -> None:
        """Kill the host actor's process (a test of node loss without losing the node)."""
        ray.kill(self._handle, no_restart=True)


def alive_nodes() -> list[dict[str, Any]]:
    return [n for n in ray.nodes() if n.get("Alive")]


def start_hosts(
    *, node_ids: list[str] | None = None, host_ids: list[str] | None = None, **pool_options: Any
) -> list[RayHost]:
    """One host actor pinned to each alive node (or to ``node_ids``); ``pool_options`` go
    to each node's :class:`~actors.ContextPool`. The actors are not detached: they
    die with the driver (see the README's "Beyond one machine")."""
    if node_ids is None:
        node_ids = [n["NodeID"] for n in alive_nodes()]
    if host_ids is None:
        by_id = {n["NodeID"]: n for n in ray.nodes()}
        host_ids = [f"{by_id[n]['NodeManagerAddress']}-{n[:8]}" if n in by_id else n for n in node_ids]
    if len(host_ids) != len(node_ids):
        raise ActorsError("host_ids must name one host per node")
    hosts = []
    for node_id, host_id in zip(node_ids, host_ids, strict=True):
        strategy = _strategies.NodeAffinitySchedulingStrategy(node_id=node_id, soft=False)
        handle = HostActor.options(scheduling_strategy=strategy).remote(host_id, pool_options)
        hosts.append(RayHost(handle, host_id))
    return hosts
