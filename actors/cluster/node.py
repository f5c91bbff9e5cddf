"""NodeRuntime: the node side of a host, one ContextPool driven from an asyncio loop.

A host adapter (the Ray host actor, or the in-process LocalHost) owns one
runtime and forwards the host interface (:mod:`actors.cluster.host`) to it.
Everything here runs on the runtime's event loop and uses only the pool's
``*_async`` forms or a worker thread (spawning, stopping the pool): a
blocking call would freeze every other request of the host.

Operations are applied in (sender, context) sequence order: each is started
as a task in that order, and a context's ``*_async`` call posts its command
before its first suspension, so the context receives them in order too.

The node's own supervisor: a context spawned with ``restart=`` is restarted
here, in place, when it crashes (intensity counted per context); the driver
hears ``restarted`` and hands the new id to the context's name and
supervisor, without a network hop in the restart itself.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import importlib
import itertools
import logging
import threading
import time
import uuid
from collections import OrderedDict, deque
from collections.abc import AsyncIterator, Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from actors.cluster.errors import decode_error, encode_error
from actors.cluster.host import Outcome, SpawnRequest
from actors.cluster.sequence import Resequencer, SequenceOverflow
from actors.context import Context, stop_linked
from actors.errors import ActorsError, ContextDeadError, MailboxFullError
from actors.pool import ContextPool

__all__ = ["NodeRuntime"]

log = logging.getLogger("actors.cluster")

_KEEP_EXIT_REASONS = 10_000  # reasons of recently exited contexts, for late operations
_EVENT_BATCH = 1_000


# an operation waiting for its turn: (context id, kind, arguments, where its outcome goes)
_Held = tuple[int, str, tuple[Any, ...], "asyncio.Future[Outcome]"]


@dataclass
class _Child:
    request: SpawnRequest
    ctx: Context | None = None
    stopping: bool = False
    starting: bool = False
    failed: bool = False
    history: deque[float] = field(default_factory=deque)


def _resolve_handlers(path: str | None) -> dict[str, Callable[..., Any]]:
    if path is None:
        return {}
    module, sep, attr = path.partition(":")
    if not sep or not module or not attr:
        raise ValueError(f"handlers must name a mapping as 'package.module:NAME', got {path!r}")
    found = getattr(importlib.import_module(module), attr, None)
    if not isinstance(found, Mapping):
        raise ValueError(f"handlers {path!r} is not a mapping of names to callables on this node")
    return dict(found)


class NodeRuntime:
    """One pool on one node, behind the host interface (see :mod:`actors.cluster.host`).

    Args:
        host_id: the name the driver knows this host by.
        max_events: messages (``Host.send`` from contexts) waiting for the
            driver at most; more are dropped and counted (a flooding context
            must not grow the host's memory without bound).
        gap_timeout: seconds an out-of-order operation waits for a missing
            predecessor before the gap is skipped.
        max_driver_calls: driver-routed handler calls waiting for their answer
            at most (over all contexts); past it, ``Host.call`` fails in JS.
        pool_options: passed to :class:`~actors.ContextPool`.
    """

    def __init__(
        self,
        host_id: str,
        *,
        max_events: int = 100_000,
        gap_timeout: float = 10.0,
        max_driver_calls: int = 10_000,
        **pool_options: Any,
    ) -> None:
        self.host_id = host_id
        self.boot_id = uuid.uuid4().hex
        self._pool_options = pool_options
        self._pool: ContextPool | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._lock = threading.Lock()  # _children, _pending_messages, _dropped: pool threads touch them
        self._children: dict[int, _Child] = {}
        self._exit_reasons: OrderedDict[int, str] = OrderedDict()
        self._reseq: Resequencer[tuple[str, int], _Held] = Resequencer(gap_timeout=gap_timeout)
        self._gap_timeout = gap_timeout
        self._events: asyncio.Queue[list[Any]] = asyncio.Queue()
        self._max_events = max_events
        self._pending_messages = 0
        self._dropped = 0
        self._ticker: asyncio.Task[None] | None = None
        self._closed = False
        self._max_driver_calls = max_driver_calls
        self._call_ids = itertools.count(1)
        # driver-routed calls waiting: call id -> (context id, answer); under _lock
        self._calls: dict[int, tuple[int, concurrent.futures.Future[Any]]] = {}

    # ---- life ----------------------------------------------------------------------

    async def start(self) -> None:
        self._loop = asyncio.get_running_loop()
        self._pool = await self._loop.run_in_executor(None, lambda: ContextPool(**self._pool_options))
        self._ticker = self._loop.create_task(self._expire_gaps())

    async def shutdown(self) -> None:
        self._closed = True
        self._fail_driver_calls(None, "the host is shutting down")
        if self._ticker is not None:
            self._ticker.cancel()
        pool = self._pool
        if pool is not None:
            with self._lock:
                for child in self._children.values():
                    child.stopping = True
            await asyncio.get_running_loop().run_in_executor(None, pool.stop)

    def abandon(self) -> None:
        """Stop without telling anyone (a simulated node loss): contexts die, no event leaves."""
        self._closed = True
        if self._ticker is not None:
            self._ticker.cancel()
        with self._lock:
            for child in self._children.values():
                child.stopping = True
        if self._pool is not None:
            self._pool.stop()

    async def _expire_gaps(self) -> None:
        while True:
            await asyncio.sleep(max(0.05, self._gap_timeout / 4))
            for released in self._reseq.expire():
                self._apply_later(*released)

    # ---- spawning --------------------------------------------------------------------

    async def spawn(self, boot_id: str, requests: list[SpawnRequest]) -> list[Outcome]:
        if boot_id != self.boot_id:
            return [[False, encode_error(self._nodedown())]] * len(requests)
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(None, lambda: [self._spawn_one(r) for r in requests])

    def _spawn_one(self, request: SpawnRequest, child: _Child | None = None) -> Outcome:
        try:
            ctx = self._start(request, child or _Child(request))
        except Exception as exc:
            return [False, encode_error(exc)]
        return [True, ctx.id]

    def _start(self, request: SpawnRequest, child: _Child) -> Context:
        """Spawn (on a worker thread) and register the context before anyone can see it exit."""
        pool = self._pool
        if pool is None or self._closed:
            raise ContextDeadError("the host is stopped", reason="nodedown")
        if request.restart not in ("temporary", "permanent", "transient"):
            raise ValueError("restart must be 'permanent', 'transient' or 'temporary'")
        handlers = _resolve_handlers(request.handlers)
        ctx_ids: list[int] = []  # filled once spawned: JS can call nothing before its script runs
        for name in request.driver_handlers:
            handlers[str(name)] = self._driver_stub(str(name), ctx_ids, request.token)
        options: dict[str, Any] = {
            "handlers": handlers,
            "memory_limit": request.memory_limit,
            "max_reductions": request.max_reductions,
            "timeout": request.timeout,
            "origin": request.origin,
            "url": request.url,
            "on_uncaught": request.on_uncaught,
        }
        if request.apis != "default":
            options["apis"] = request.apis
        for key in ("memory_limit", "max_reductions", "timeout"):
            if options[key] is None:
                del options[key]  # the pool's default
        ctx = pool.spawn(**options)
        ctx_ids.append(ctx.id)
        # wired before the script runs: what it sends, or asks of the driver, is not lost
        with self._lock:
            child.ctx = ctx
            child.starting = True
            self._children[ctx.id] = child
        ctx.on_message(self._message_from(ctx.id))
        ctx.on_exit(self._exit_from())
        try:
            if request.script is not None:
                ctx.eval(request.script, filename=request.filename)
        except BaseException:
            with self._lock:
                child.stopping = True
                child.failed = True  # its exit is nobody's news: the spawn itself fails
            ctx.stop()
            raise
        finally:
            child.starting = False
        return ctx

    def _driver_stub(self, name: str, ctx_ids: list[int], token: str) -> Callable[..., Any]:
        async def call_driver(*args: Any) -> Any:  # on the pool's async handler loop
            answer: concurrent.futures.Future[Any] = concurrent.futures.Future()
            with self._lock:
                if len(self._calls) >= self._max_driver_calls:
                    raise ActorsError(
                        f"{len(self._calls)} calls already wait for the driver; {name!r} refused"
                    )
                call_id = next(self._call_ids)
                self._calls[call_id] = (ctx_ids[0], answer)
            try:
                self._threadsafe(["hostcall", ctx_ids[0], call_id, name, list(args), token])
                return await asyncio.wrap_future(answer)
            finally:
                with self._lock:
                    self._calls.pop(call_id, None)

        return call_driver

    def answer(self, boot_id: str, call_id: int, outcome: Outcome) -> None:
        """The driver's answer to a ``hostcall`` (late or unknown answers are dropped)."""
        if boot_id != self.boot_id:
            return
        with self._lock:
            entry = self._calls.pop(call_id, None)
        if entry is None or entry[1].done():
            return
        try:
            ok, value = outcome
        except (TypeError, ValueError):
            ok, value = False, ["ActorsError", "the driver's answer was malformed", None]
        if ok:
            entry[1].set_result(value)
        else:
            entry[1].set_exception(decode_error(value))

    def _fail_driver_calls(self, ctx_id: int | None, why: str) -> None:
        with self._lock:
            failing = [c for c, (owner, _f) in self._calls.items() if ctx_id is None or owner == ctx_id]
            answers = [self._calls.pop(c)[1] for c in failing]
        for answer in answers:
            if not answer.done():
                answer.set_exception(ContextDeadError(why))

    def _message_from(self, ctx_id: int) -> Callable[[Any], None]:
        def on_message(message: Any) -> None:  # on the pool's event thread
            with self._lock:
                if self._pending_messages >= self._max_events:
                    self._dropped += 1
                    return
                self._pending_messages += 1
            self._threadsafe(["message", ctx_id, message])

        return on_message

    def _exit_from(self) -> Callable[[Context, str, Any], None]:
        def on_exit(ctx: Context, reason: str, detail: Any) -> None:
            loop = self._loop
            if loop is not None:
                try:
                    loop.call_soon_threadsafe(self._exited, ctx.id, reason, detail)
                except RuntimeError:
                    pass  # the loop is closed: the host is gone

        return on_exit

    def _threadsafe(self, event: list[Any]) -> None:
        loop = self._loop
        if loop is not None:
            try:
                loop.call_soon_threadsafe(self._events.put_nowait, event)
            except RuntimeError:
                pass

    def _exited(self, ctx_id: int, reason: str, detail: Any) -> None:
        with self._lock:
            child = self._children.pop(ctx_id, None)
        self._fail_driver_calls(ctx_id, f"context #{ctx_id} exited ({reason})")
        self._exit_reasons[ctx_id] = reason
        while len(self._exit_reasons) > _KEEP_EXIT_REASONS:
            self._exit_reasons.popitem(last=False)
        for _fut in self._reseq.forget(lambda key: key[1] == ctx_id):
            self._settle(
                _fut[2], [False, encode_error(ContextDeadError(f"context #{ctx_id} exited", reason))]
            )
        wire_detail = encode_error(detail) if isinstance(detail, BaseException) else detail
        if wire_detail is not None and not isinstance(wire_detail, (str, int, float, list)):
            wire_detail = repr(detail)
        if child is not None and not self._closed and self._may_restart(child, reason):
            assert self._loop is not None
            self._loop.create_task(self._restart(child, ctx_id, reason, wire_detail))
            return
        if not self._closed and not (child is not None and child.failed):
            self._events.put_nowait(["exit", ctx_id, reason, wire_detail])

    def _may_restart(self, child: _Child, reason: str) -> bool:
        restart = child.request.restart
        if child.stopping or restart == "temporary" or (restart == "transient" and reason == "normal"):
            return False
        now = time.monotonic()
        while child.history and now - child.history[0] > child.request.max_seconds:
            child.history.popleft()
        if len(child.history) >= child.request.max_restarts:
            return False  # its own intensity is spent: the driver hears a plain exit
        child.history.append(now)
        return True

    async def _restart(self, child: _Child, old_id: int, reason: str, detail: Any) -> None:
        loop = asyncio.get_running_loop()
        outcome = await loop.run_in_executor(None, self._spawn_one, child.request, child)
        if outcome[0] and not self._closed:
            self._events.put_nowait(["restarted", old_id, outcome[1], reason, detail])
        elif not self._closed:
            self._events.put_nowait(["exit", old_id, reason, detail])

    # ---- operations ------------------------------------------------------------------

    def _nodedown(self) -> ContextDeadError:
        return ContextDeadError(f"host {self.host_id!r} has restarted since (nodedown)", reason="nodedown")

    async def eval(
        self, sender: str, boot_id: str, seq: int, ctx_id: int, code: str, timeout: float | None
    ) -> Outcome:
        return await self._submit(sender, boot_id, [seq, ctx_id, "eval", code, timeout])

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
        return await self._submit(sender, boot_id, [seq, ctx_id, "call", name, args, timeout])

    def send(self, sender: str, boot_id: str, seq: int, ctx_id: int, message: Any) -> None:
        if boot_id == self.boot_id:
            self._enqueue(sender, [seq, ctx_id, "send", message])

    async def batch(self, sender: str, boot_id: str, ops: list[list[Any]]) -> list[Outcome]:
        if boot_id != self.boot_id:
            return [[False, encode_error(self._nodedown())]] * len(ops)
        futures = [self._enqueue(sender, op) for op in ops]
        return list(await asyncio.gather(*futures))

    async def _submit(self, sender: str, boot_id: str, op: list[Any]) -> Outcome:
        if boot_id != self.boot_id:
            return [False, encode_error(self._nodedown())]
        return await self._enqueue(sender, op)

    def _enqueue(self, sender: str, op: list[Any]) -> asyncio.Future[Outcome]:
        fut: asyncio.Future[Outcome] = asyncio.get_running_loop().create_future()
        try:
            seq, ctx_id, kind, *args = op
            if not isinstance(seq, int) or not isinstance(ctx_id, int) or kind not in _OPS:
                raise ValueError(f"not an operation: {op!r:.100}")
            released = self._reseq.push((str(sender), ctx_id), seq, (ctx_id, kind, tuple(args), fut))
        except SequenceOverflow as exc:
            fut.set_result([False, encode_error(MailboxFullError(f"context #{op[1]}: {exc}"))])
            return fut
        except (TypeError, ValueError) as exc:
            fut.set_result([False, encode_error(ActorsError(str(exc)))])
            return fut
        for held in released:
            self._apply_later(*held)
        return fut

    def _apply_later(
        self, ctx_id: int, kind: str, args: tuple[Any, ...], fut: asyncio.Future[Outcome]
    ) -> None:
        """Start the operation as a task: tasks start in creation order (sequence order)."""
        with self._lock:
            child = self._children.get(ctx_id)
        ctx = child.ctx if child is not None else None
        if ctx is None or ctx.id != ctx_id:
            reason = self._exit_reasons.get(ctx_id)
            self._settle(
                fut, [False, encode_error(ContextDeadError(f"context #{ctx_id} has exited", reason))]
            )
            return
        task = asyncio.get_running_loop().create_task(_OPS[kind](ctx, *args))
        task.add_done_callback(lambda t: self._settle(fut, _outcome_of(t)))

    @staticmethod
    def _settle(fut: asyncio.Future[Outcome], outcome: Outcome) -> None:
        if not fut.done():
            fut.set_result(outcome)

    async def stop(self, boot_id: str, ctx_ids: list[int], how: str) -> None:
        if boot_id != self.boot_id:
            return
        for ctx_id in ctx_ids:
            with self._lock:
                child = self._children.get(ctx_id)
                if child is None or child.ctx is None:
                    continue
                if how != "kill":
                    child.stopping = True
            if how == "kill":
                child.ctx.kill(timeout=0)
            elif how == "linked":
                stop_linked(child.ctx)
            else:
                child.ctx.stop(timeout=0)

    # ---- events, load ------------------------------------------------------------------

    async def events(self) -> AsyncIterator[list[list[Any]]]:
        while True:
            batch = [await self._events.get()]
            while len(batch) < _EVENT_BATCH and not self._events.empty():
                batch.append(self._events.get_nowait())
            messages = sum(1 for e in batch if e[0] == "message")
            with self._lock:
                self._pending_messages -= messages
                dropped, self._dropped = self._dropped, 0
            if dropped:
                batch.append(["dropped", dropped])
            yield batch

    async def load(self) -> dict[str, int]:
        with self._lock:
            contexts, calls = len(self._children), len(self._calls)
        return {
            "contexts": contexts,
            "held": self._reseq.held(),
            "gaps_skipped": self._reseq.skipped,
            "driver_calls": calls,
        }


async def _op_eval(ctx: Context, code: str, timeout: float | None) -> Any:
    return await ctx.eval_async(code, timeout=timeout)


async def _op_call(ctx: Context, name: str, args: list[Any], timeout: float | None) -> Any:
    return await ctx.call_async(name, *args, timeout=timeout)


async def _op_send(ctx: Context, message: Any) -> None:
    ctx.send(message)


_OPS: dict[str, Callable[..., Any]] = {"eval": _op_eval, "call": _op_call, "send": _op_send}


def _outcome_of(task: asyncio.Task[Any]) -> Outcome:
    if task.cancelled():
        return [False, encode_error(ActorsError("the operation was cancelled on its host"))]
    exc = task.exception()
    if exc is not None:
        return [False, encode_error(exc)]
    return [True, task.result()]
