"""LocalHost: an in-process host (a NodeRuntime on the caller's loop) for tests and demos.

It behaves like a remote host where it matters to the driver: operations
cross as plain data (deep-copied, so nothing is shared by accident),
fire-and-forget messages can be reordered (``reorder=True``: each is
delivered after a random delay, as a real transport may), and the node can
be lost (:meth:`lose`: its contexts die, nothing more comes from it, every
call raises HostLostError) or restarted with a new boot id (:meth:`restart`).
"""

from __future__ import annotations

import asyncio
import copy
import random
from collections.abc import AsyncIterator
from typing import Any, TypeVar

from actors.cluster.errors import HostLostError, HostUnavailableError
from actors.cluster.host import Outcome, SpawnRequest
from actors.cluster.node import NodeRuntime

__all__ = ["LocalHost"]

T = TypeVar("T")


class LocalHost:
    """A host in this process. ``pool_options`` go to its :class:`~actors.ContextPool`."""

    def __init__(self, host_id: str, *, reorder: bool = False, seed: int = 0, **pool_options: Any) -> None:
        self._host_id = host_id
        self._options = pool_options
        self._reorder = reorder
        self._random = random.Random(seed)
        self._runtime: NodeRuntime | None = None
        self._lost = asyncio.Event()
        self._lost_flag = False
        self._partitioned = False
        self._healed = asyncio.Event()
        self._loop: asyncio.AbstractEventLoop | None = None

    @property
    def host_id(self) -> str:
        return self._host_id

    def _live(self) -> NodeRuntime:
        if self._lost_flag or self._runtime is None:
            raise HostLostError(f"host {self._host_id!r} is lost")
        if self._partitioned:
            raise HostUnavailableError(f"host {self._host_id!r} does not answer (partitioned)")
        return self._runtime

    async def hello(self) -> str:
        if self._lost_flag:
            raise HostLostError(f"host {self._host_id!r} is lost")
        self._loop = asyncio.get_running_loop()
        if self._runtime is None:
            self._runtime = NodeRuntime(self._host_id, **self._options)
            await self._runtime.start()
        return self._runtime.boot_id

    async def spawn(self, boot_id: str, requests: list[SpawnRequest]) -> list[Outcome]:
        return _copy(await self._live().spawn(boot_id, list(requests)))

    async def eval(
        self, sender: str, boot_id: str, seq: int, ctx_id: int, code: str, timeout: float | None
    ) -> Outcome:
        return _copy(await self._live().eval(sender, boot_id, seq, ctx_id, code, timeout))

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
        runtime = self._live()
        return _copy(await runtime.call(sender, boot_id, seq, ctx_id, name, _copy(args), timeout))

    def send(self, sender: str, boot_id: str, seq: int, ctx_id: int, message: Any) -> None:
        if self._lost_flag or self._partitioned or self._runtime is None:
            return  # into the void, like a packet to an unreachable node
        runtime, message = self._runtime, _copy(message)
        if not self._reorder:
            runtime.send(sender, boot_id, seq, ctx_id, message)
            return

        def deliver() -> None:
            if not self._lost_flag and self._runtime is runtime:
                runtime.send(sender, boot_id, seq, ctx_id, message)

        asyncio.get_running_loop().call_later(self._random.uniform(0, 0.002), deliver)

    async def stop(self, boot_id: str, ctx_ids: list[int], how: str) -> None:
        await self._live().stop(boot_id, list(ctx_ids), how)

    async def batch(self, sender: str, boot_id: str, ops: list[list[Any]]) -> list[Outcome]:
        return _copy(await self._live().batch(sender, boot_id, _copy(ops)))

    async def events(self) -> AsyncIterator[list[list[Any]]]:
        runtime = self._live()
        stream = runtime.events().__aiter__()
        lost = asyncio.ensure_future(self._lost.wait())
        try:
            while True:
                nxt = asyncio.ensure_future(stream.__anext__())
                await asyncio.wait({nxt, lost}, return_when=asyncio.FIRST_COMPLETED)
                if lost.done() or self._runtime is not runtime:
                    nxt.cancel()
                    raise HostLostError(f"host {self._host_id!r} is lost")
                batch = nxt.result()
                while self._partitioned:  # held back, not lost: they arrive once healed
                    await self._healed.wait()
                yield _copy(batch)
        finally:
            lost.cancel()

    async def answer(self, boot_id: str, call_id: int, outcome: Outcome) -> None:
        self._live().answer(boot_id, call_id, _copy(outcome))

    async def load(self) -> dict[str, int]:
        return await self._live().load()

    async def shutdown(self) -> None:
        runtime = self._runtime
        if runtime is not None and not self._lost_flag:
            await runtime.shutdown()

    # ---- fault injection -------------------------------------------------------------

    async def lose(self) -> None:
        """The node dies: its contexts are gone and the driver hears nothing more from it."""
        self._lost_flag = True
        self._lost.set()
        runtime = self._runtime
        if runtime is not None:
            await asyncio.get_running_loop().run_in_executor(None, runtime.abandon)

    def partition(self) -> None:
        """The node keeps running but stops answering: calls raise HostUnavailableError,
        sends are lost, events are held back until :meth:`heal`."""
        self._partitioned = True
        self._healed = asyncio.Event()

    def heal(self) -> None:
        """Answer again (callable from any thread)."""
        self._partitioned = False
        healed = self._healed
        if self._loop is not None:
            self._loop.call_soon_threadsafe(healed.set)

    async def restart(self) -> None:
        """The node comes back empty with a new boot id (the driver must ``add_host`` it again)."""
        await self.lose()
        self._runtime = None
        self._lost = asyncio.Event()
        self._lost_flag = False


def _copy(value: T) -> T:
    return copy.deepcopy(value)
