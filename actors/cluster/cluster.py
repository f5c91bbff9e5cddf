"""Cluster: the driver. Contexts on many hosts, addressed by ContextRef.

One asyncio loop on a thread of its own owns all the driver's state; the
blocking methods run a coroutine there and wait, the ``*_async`` methods
await it from any loop. Callbacks (``on_message``, ``on_exit``,
``on_link_exit``) run on that loop: they must use the ``*_async`` forms (a
blocking call from there raises RuntimeError instead of deadlocking).

Sequence numbers are drawn when the method is called, in the caller's
thread, so one thread's operations on one context are applied in the order
it made them, even when the transport reorders them.

Supervision has two tiers. A context spawned with ``restart=`` is restarted
in place by its node when it crashes (the driver only hears ``restarted``).
When a node is lost, the driver re-spawns each of its supervised contexts on
a surviving host, counting the restart against that context's own intensity
(``max_restarts`` in ``max_seconds``), so losing one node with many
contexts does not exhaust anything shared.
"""

from __future__ import annotations

import asyncio
import inspect
import itertools
import logging
import threading
import time
import uuid
from collections import OrderedDict, deque
from collections.abc import Awaitable, Callable, Coroutine, Iterable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any, TypeVar

from actors.cluster.errors import HostLostError, decode_error, encode_error, nodedown
from actors.cluster.host import NodeHost, Outcome, SpawnRequest
from actors.cluster.placement import Placement, group_key
from actors.cluster.ref import ContextRef
from actors.cluster.sequence import Sequencer
from actors.errors import ActorsError, ContextDeadError

__all__ = ["Batch", "Cluster"]

log = logging.getLogger("actors.cluster")
T = TypeVar("T")

MessageCallback = Callable[[ContextRef, Any], None]
ExitCallback = Callable[[ContextRef, str, Any], None]
LinkExitCallback = Callable[[ContextRef, str], None]
DriverHandler = Callable[..., Awaitable[Any]]

_KEEP_EXIT_REASONS = 100_000


@dataclass
class _Host:
    host: NodeHost
    boot_id: str
    alive: bool = True
    contexts: set[int] = field(default_factory=set)
    early_exits: dict[int, list[Any]] = field(default_factory=dict)
    task: asyncio.Task[None] | None = None


@dataclass
class _Child:
    """A supervised context, across its incarnations."""

    key: str
    request: SpawnRequest
    group: str | None
    link: ContextRef | None
    driver_handlers: dict[str, DriverHandler] = field(default_factory=dict)
    ref: ContextRef | None = None
    history: deque[float] = field(default_factory=deque)
    done: bool = False


@dataclass
class _Entry:
    ref: ContextRef
    name: str | None
    child: _Child | None
    group: str | None
    driver_handlers: dict[str, DriverHandler] = field(default_factory=dict)
    on_message: list[MessageCallback] = field(default_factory=list)
    on_exit: list[ExitCallback] = field(default_factory=list)
    trap: LinkExitCallback | None = None
    links: set[ContextRef] = field(default_factory=set)
    exited: asyncio.Event = field(default_factory=asyncio.Event)


class Cluster:
    """Contexts spread over hosts (see :mod:`actors.cluster`).

    Args:
        hosts: the node hosts to start with (more with :meth:`add_host`).
        max_restarts, max_seconds: the driver-side restart intensity of each
            supervised context (node losses), and the node-side one (crashes)
            given to every supervised spawn.
    """

    def __init__(
        self, hosts: Iterable[NodeHost] = (), *, max_restarts: int = 3, max_seconds: float = 5.0
    ) -> None:
        self._sender = uuid.uuid4().hex
        self._max_restarts = max_restarts
        self._max_seconds = max_seconds
        self._hosts: dict[str, _Host] = {}
        self._placement = Placement()
        self._seq: Sequencer[ContextRef] = Sequencer()
        self._entries: dict[ContextRef, _Entry] = {}
        self._names: dict[str, ContextRef] = {}
        self._reserved: set[str] = set()
        self._children: dict[str, _Child] = {}
        self._exit_reasons: OrderedDict[ContextRef, str] = OrderedDict()
        self._child_ids = itertools.count(1)
        self._tokens = itertools.count(1)
        # driver handlers by spawn token, while a spawn is in flight and for a
        # supervised context's whole life (see _driver_call)
        self._spawning: dict[str, dict[str, DriverHandler]] = {}
        self._closed = False
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, name="actors-cluster", daemon=True)
        self._thread.start()
        try:
            for host in hosts:
                self.add_host(host)
        except BaseException:
            self.close()
            raise

    # ---- running on the driver's loop ----------------------------------------------------

    def _run(self, coro: Coroutine[Any, Any, T]) -> T:
        if threading.current_thread() is self._thread:
            coro.close()
            raise RuntimeError(
                "a blocking Cluster method was called from a cluster callback: use its *_async form"
            )
        return asyncio.run_coroutine_threadsafe(coro, self._loop).result()

    async def _await(self, coro: Coroutine[Any, Any, T]) -> T:
        try:
            running = asyncio.get_running_loop()
        except RuntimeError:
            running = None
        if running is self._loop:
            return await coro
        return await asyncio.wrap_future(asyncio.run_coroutine_threadsafe(coro, self._loop))

    def __enter__(self) -> Cluster:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ---- hosts ------------------------------------------------------------------------------

    def add_host(self, host: NodeHost) -> str:
        """Start using ``host``; its boot id is returned. A known host id that
        rebooted replaces its previous life, whose contexts are then ``nodedown``."""
        return self._run(self._add_host(host))

    async def add_host_async(self, host: NodeHost) -> str:
        return await self._await(self._add_host(host))

    async def _add_host(self, host: NodeHost) -> str:
        boot_id = await host.hello()
        old = self._hosts.get(host.host_id)
        if old is not None and old.boot_id != boot_id:
            await self._node_down(old)
        elif old is not None and old.alive:
            return boot_id
        state = self._hosts[host.host_id] = _Host(host, boot_id)
        self._placement.add_host(host.host_id)
        state.task = self._loop.create_task(self._pump_events(state))
        await self._respawn_orphans()
        return boot_id

    def hosts(self) -> dict[str, dict[str, Any]]:
        """Each known host: its boot id, whether it is up, how many contexts the driver placed there."""

        async def read() -> dict[str, dict[str, Any]]:
            return {
                h: {"boot_id": s.boot_id, "alive": s.alive, "contexts": len(s.contexts)}
                for h, s in self._hosts.items()
            }

        return self._run(read())

    def load(self) -> dict[str, dict[str, int]]:
        """What each live host reports (``contexts``, ``held`` operations,
        ``gaps_skipped``, ``driver_calls``; a Ray host adds its ``pid``)."""
        return self._run(self._load())

    async def load_async(self) -> dict[str, dict[str, int]]:
        return await self._await(self._load())

    async def _load(self) -> dict[str, dict[str, int]]:
        alive = [s for s in self._hosts.values() if s.alive]
        loads = await asyncio.gather(
            *(self._host_call(s, s.host.load()) for s in alive), return_exceptions=True
        )
        return {s.host.host_id: r for s, r in zip(alive, loads, strict=True) if isinstance(r, dict)}

    async def _pump_events(self, state: _Host) -> None:
        try:
            async for batch in state.host.events():
                for event in batch:
                    try:
                        self._on_event(state, event)
                    except Exception:
                        log.exception(
                            "cluster: an event from host %r could not be applied", state.host.host_id
                        )
        except HostLostError:
            pass
        except asyncio.CancelledError:
            return
        except Exception:
            log.exception("cluster: the event stream of host %r failed", state.host.host_id)
        if not self._closed:
            await self._node_down(state)

    async def _node_down(self, state: _Host) -> None:
        if not state.alive:
            return
        state.alive = False
        self._placement.remove_host(state.host.host_id)
        if state.task is not None and state.task is not asyncio.current_task():
            state.task.cancel()
        orphans: list[_Child] = []
        for ctx_id in list(state.contexts):
            ref = ContextRef(state.host.host_id, state.boot_id, ctx_id)
            child = self._gone(ref, "nodedown", None)
            if child is not None:
                orphans.append(child)
        state.contexts.clear()
        if orphans:
            # its own task: the caller that noticed the loss is answered now
            self._loop.create_task(self._respawn(orphans))

    def _alive_host(self, ref: ContextRef) -> _Host:
        state = self._hosts.get(ref.host_id)
        if state is None or state.boot_id != ref.boot_id or not state.alive:
            raise nodedown(f"{ref!r}")
        return state

    def _check(self, ref: ContextRef) -> _Host:
        if not isinstance(ref, ContextRef):
            raise TypeError(f"expected a ContextRef, got {type(ref).__name__}")
        state = self._alive_host(ref)
        if ref not in self._entries:
            reason = self._exit_reasons.get(ref)
            if reason is None and ref.ctx_id not in state.contexts:
                raise ContextDeadError(f"{ref!r} is not a context of this cluster")
            raise ContextDeadError(f"{ref!r} has exited ({reason})", reason)
        return state

    async def _host_call(self, state: _Host, coro: Coroutine[Any, Any, T]) -> T:
        try:
            return await coro
        except HostLostError:
            await self._node_down(state)
            raise nodedown(f"host {state.host.host_id!r}") from None

    # ---- events ---------------------------------------------------------------------------

    def _on_event(self, state: _Host, event: list[Any]) -> None:
        kind = event[0]
        ref = ContextRef(state.host.host_id, state.boot_id, int(event[1])) if len(event) > 1 else None
        if kind == "message" and ref is not None:
            entry = self._entries.get(ref)
            if entry is not None:
                for cb in list(entry.on_message):
                    _call_back("on_message", cb, ref, event[2])
        elif kind in ("exit", "restarted") and ref is not None:
            if ref.ctx_id not in state.contexts:
                # its spawn's answer is still on the way (bounded: a context this
                # driver never spawned, e.g. another driver's, is never claimed)
                state.early_exits[ref.ctx_id] = event
                while len(state.early_exits) > _KEEP_EXIT_REASONS:
                    del state.early_exits[next(iter(state.early_exits))]
                return
            reason = str(event[3] if kind == "restarted" else event[2])
            detail = event[4] if kind == "restarted" else event[3]
            state.contexts.discard(ref.ctx_id)
            child = self._gone(ref, reason, _detail(detail), restarted=kind == "restarted")
            if kind == "restarted" and child is not None and not child.done:
                new = ContextRef(state.host.host_id, state.boot_id, int(event[2]))
                self._register(new, child.request.name, child, child.group)
        elif kind == "hostcall" and ref is not None:
            call = self._driver_call(state, ref, int(event[2]), str(event[3]), event[4], str(event[5]))
            self._loop.create_task(call)
        elif kind == "dropped":
            log.warning("cluster: host %r dropped %s messages (event bound)", state.host.host_id, event[1])

    async def _driver_call(
        self, state: _Host, ref: ContextRef, call_id: int, name: str, args: Any, token: str
    ) -> None:
        entry = self._entries.get(ref)
        # unknown yet: called by its spawn script (which may wait for the answer), so
        # the spawn's answer cannot come first; found by the spawn's token instead
        handlers = entry.driver_handlers if entry is not None else self._spawning.get(token, {})
        handler = handlers.get(name)
        try:
            if handler is None:
                raise ActorsError(f"no driver handler {name!r} for {ref!r}")
            outcome: Outcome = [True, await handler(*(args if isinstance(args, list) else [args]))]
        except asyncio.CancelledError:
            raise  # the cluster is closing
        except BaseException as exc:  # SystemExit too: it must not stop the cluster's loop
            outcome = [False, encode_error(exc)]
        try:
            await state.host.answer(state.boot_id, call_id, outcome)
        except ActorsError:
            pass  # the host is gone or unreachable: the call fails there with it

    def _register(
        self,
        ref: ContextRef,
        name: str | None,
        child: _Child | None,
        group: str | None,
        driver_handlers: dict[str, DriverHandler] | None = None,
    ) -> None:
        state = self._hosts[ref.host_id]
        state.contexts.add(ref.ctx_id)
        self._placement.placed(ref.host_id)
        handlers = child.driver_handlers if child is not None else dict(driver_handlers or {})
        entry = self._entries[ref] = _Entry(ref, name, child, group, handlers)
        if name is not None:
            self._names[name] = ref
        if child is not None:
            child.ref = ref
            if name is not None:
                self._reserved.discard(name)
            if child.link is not None:
                self._link_now(ref, child.link)
        early = state.early_exits.pop(ref.ctx_id, None)
        if early is not None:
            self._on_event(state, early)
        del entry

    def _gone(self, ref: ContextRef, reason: str, detail: Any, restarted: bool = False) -> _Child | None:
        """The context behind ``ref`` has exited: callbacks, links, names. Its child if it
        is to be re-spawned by the driver (lost with its node)."""
        entry = self._entries.pop(ref, None)
        if entry is None:
            return None
        self._exit_reasons[ref] = reason
        while len(self._exit_reasons) > _KEEP_EXIT_REASONS:
            self._exit_reasons.popitem(last=False)
        self._placement.left(ref.host_id)
        self._seq.forget(ref)
        if entry.name is not None and self._names.get(entry.name) == ref:
            del self._names[entry.name]
        entry.exited.set()
        for cb in entry.on_exit:
            _call_back("on_exit", cb, ref, reason, detail)
        for other in list(entry.links):
            self._link_exit(ref, other, reason)
        child = entry.child
        if child is None or child.done:
            return None
        if restarted:
            return child
        if reason == "nodedown" and child.request.restart != "temporary":
            if entry.name is not None:
                self._reserved.add(entry.name)
            return child
        self._child_done(child)
        return None

    def _child_done(self, child: _Child) -> None:
        child.done = True
        self._children.pop(child.key, None)
        self._spawning.pop(child.request.token, None)
        if child.request.name is not None:
            self._reserved.discard(child.request.name)

    # ---- supervision across nodes -----------------------------------------------------------

    def _may_restart(self, child: _Child) -> bool:
        now = time.monotonic()
        while child.history and now - child.history[0] > self._max_seconds:
            child.history.popleft()
        if len(child.history) >= self._max_restarts:
            return False
        child.history.append(now)
        return True

    async def _respawn(self, orphans: list[_Child]) -> None:
        waiting: list[_Child] = []
        for child in orphans:
            if self._may_restart(child):
                waiting.append(child)
            else:
                log.error("cluster: %s lost its host too often; not re-spawned", child.key)
                self._child_done(child)
        await self._place_children(waiting)

    async def _place_children(self, waiting: list[_Child]) -> None:
        for _attempt in range(len(self._hosts) + 1):
            if not waiting or not self._placement.hosts():
                break
            placed: dict[str, list[_Child]] = {}
            for child in waiting:
                host_id = self._placement.choose(group_key(child.group, child.request.origin))
                placed.setdefault(host_id, []).append(child)
                self._placement.placed(host_id)  # counted now, so the next choice sees it
            results = await asyncio.gather(
                *(self._spawn_on(h, [c.request for c in cs], [c for c in cs]) for h, cs in placed.items()),
                return_exceptions=True,
            )
            waiting = []
            for (host_id, children), result in zip(placed.items(), results, strict=True):
                self._placement.left(host_id, len(children))
                if isinstance(result, BaseException):
                    waiting.extend(children)  # that host went down too: try the others
                    continue
                for child, outcome in zip(children, result, strict=True):
                    if isinstance(outcome, BaseException):
                        log.error("cluster: re-spawning %s failed: %s", child.key, outcome)
                        self._child_done(child)
        # no host left: they wait for add_host (_respawn_orphans)
        for child in waiting:
            child.ref = None

    async def _respawn_orphans(self) -> None:
        orphans = [c for c in self._children.values() if c.ref is None and not c.done]
        for child in orphans:
            child.history.clear()
        if orphans:
            await self._respawn(orphans)

    # ---- spawning -------------------------------------------------------------------------

    def spawn(
        self,
        *,
        script: str | None = None,
        filename: str = "<script>",
        apis: str | Iterable[str] | None = "default",
        name: str | None = None,
        memory_limit: int | None = None,
        max_reductions: int | None = None,
        timeout: float | None = None,
        origin: str | None = None,
        url: str | None = None,
        on_uncaught: str | None = None,
        handlers: str | None = None,
        driver_handlers: Mapping[str, DriverHandler] | None = None,
        group: str | None = None,
        restart: str | None = None,
        link: ContextRef | None = None,
        host: str | None = None,
    ) -> ContextRef:
        """Start a context on the least-loaded host (or with its group or origin; or on ``host=``).

        ``script`` is JavaScript source run at start (and at every restart).
        ``apis`` as for :meth:`ContextPool.spawn` (``None``: no API groups);
        by default the host pool's default groups.
        ``handlers`` names a mapping importable on every node
        (``"package.module:NAME"``): they run on the node. ``driver_handlers``
        maps names to ``async def`` functions run here, on the driver's loop,
        for ``Host.call(name, ...)``: one network round trip per call. ``restart=`` puts it under supervision;
        find the current incarnation with :meth:`whereis` (give it a
        ``name=``) or :meth:`child`.
        """
        request = _request(locals())
        routed = _driver_handlers(driver_handlers)
        return self._run(self._spawn_many([request], group, link, host, routed))[0]

    async def spawn_async(self, **options: Any) -> ContextRef:
        group, link, host = options.pop("group", None), options.pop("link", None), options.pop("host", None)
        routed = _driver_handlers(options.get("driver_handlers"))
        request = _request(options)
        return (await self._await(self._spawn_many([request], group, link, host, routed)))[0]

    def spawn_many(self, count: int, *, group: str | None = None, **options: Any) -> list[ContextRef]:
        """``count`` contexts with the same options, one round trip per host (names: none)."""
        return self._run(self.spawn_many_coro(count, group=group, **options))

    async def spawn_many_async(
        self, count: int, *, group: str | None = None, **options: Any
    ) -> list[ContextRef]:
        return await self._await(self.spawn_many_coro(count, group=group, **options))

    async def spawn_many_coro(
        self, count: int, *, group: str | None = None, **options: Any
    ) -> list[ContextRef]:
        if options.get("name") is not None:
            raise ValueError("spawn_many cannot name its contexts")
        link, host = options.pop("link", None), options.pop("host", None)
        routed = _driver_handlers(options.get("driver_handlers"))
        request = _request(options)
        return await self._spawn_many([request] * count, group, link, host, routed)

    async def _spawn_many(
        self,
        requests: list[SpawnRequest],
        group: str | None,
        link: ContextRef | None,
        host: str | None,
        routed: dict[str, DriverHandler],
    ) -> list[ContextRef]:
        if self._closed:
            raise ActorsError("the cluster is closed")
        if link is not None:
            self._check(link)
        names = [r.name for r in requests if r.name is not None]
        for name in names:
            if name in self._names or name in self._reserved:
                raise ValueError(f"the name {name!r} is already registered in the cluster")
        self._reserved.update(names)
        requests = [
            replace(
                r,
                token=f"{self._sender}-{next(self._tokens)}",
                max_restarts=self._max_restarts,
                max_seconds=self._max_seconds,
            )
            for r in requests
        ]
        if routed:
            self._spawning.update((r.token, routed) for r in requests)
        children: list[_Child | None] = []
        try:
            for r in requests:
                if r.restart == "temporary":
                    children.append(None)
                else:
                    key = r.name or f"context-{next(self._child_ids)}"
                    children.append(_Child(key, r, group, link, dict(routed)))
            placed: dict[str, list[int]] = {}
            if host is not None and (host not in self._hosts or not self._hosts[host].alive):
                raise ActorsError(f"no host {host!r} is up")
            for i, r in enumerate(requests):
                if host is not None:
                    host_id = host
                else:
                    host_id = self._placement.choose(group_key(group, r.origin))
                placed.setdefault(host_id, []).append(i)
                self._placement.placed(host_id)
            results = await asyncio.gather(
                *(
                    self._spawn_on(
                        h, [requests[i] for i in idx], [children[i] for i in idx], group, link, routed
                    )
                    for h, idx in placed.items()
                ),
                return_exceptions=True,
            )
        finally:
            self._reserved.difference_update(names)
            # a supervised context keeps its token: its node may restart it, script and all
            kept = {c.request.token for c in children if c is not None and c.key in self._children}
            for r in requests:
                if r.token not in kept:
                    self._spawning.pop(r.token, None)
        for h, idx in placed.items():
            self._placement.left(h, len(idx))
        refs: list[ContextRef | None] = [None] * len(requests)
        error: BaseException | None = None
        for (_h, idx), result in zip(placed.items(), results, strict=True):
            if isinstance(result, BaseException):
                error = error or result
                continue
            for i, outcome in zip(idx, result, strict=True):
                if isinstance(outcome, BaseException):
                    error = error or outcome
                else:
                    refs[i] = outcome
        if error is not None:
            await self._stop_refs([r for r in refs if r is not None], "normal")
            raise error
        return [r for r in refs if r is not None]

    async def _spawn_on(
        self,
        host_id: str,
        requests: list[SpawnRequest],
        children: list[_Child | None],
        group: str | None = None,
        link: ContextRef | None = None,
        routed: dict[str, DriverHandler] | None = None,
    ) -> list[ContextRef | BaseException]:
        state = self._hosts[host_id]
        outcomes = await self._host_call(state, state.host.spawn(state.boot_id, requests))
        out: list[ContextRef | BaseException] = []
        for request, child, outcome in zip(requests, children, outcomes, strict=False):
            if not outcome[0]:
                out.append(decode_error(outcome[1]))
                continue
            ref = ContextRef(host_id, state.boot_id, int(outcome[1]))
            if not state.alive:
                out.append(nodedown(repr(ref)))
                continue
            if child is not None:
                self._children[child.key] = child
                self._register(ref, request.name, child, child.group)
            else:
                self._register(ref, request.name, None, group, routed)
                if link is not None and ref in self._entries:
                    self._link_now(ref, link)
            out.append(ref)
        return out

    # ---- names, children ------------------------------------------------------------------

    def whereis(self, name: str) -> ContextRef | None:
        """The live context registered cluster-wide under ``name``, on whatever host it is."""
        return self._names.get(name)

    def child(self, key: str) -> ContextRef | None:
        """The current incarnation of supervised context ``key`` (its name, or ``context-N``)."""
        child = self._children.get(key)
        return child.ref if child is not None else None

    def children(self) -> dict[str, ContextRef | None]:
        return {key: c.ref for key, c in list(self._children.items())}

    # ---- operations ------------------------------------------------------------------------

    def eval(self, ref: ContextRef, code: str, *, timeout: float | None = None) -> Any:
        return self._run(self._eval(ref, self._seq.next(ref), code, timeout))

    async def eval_async(self, ref: ContextRef, code: str, *, timeout: float | None = None) -> Any:
        return await self._await(self._eval(ref, self._seq.next(ref), code, timeout))

    async def _eval(self, ref: ContextRef, seq: int, code: str, timeout: float | None) -> Any:
        state = self._check(ref)
        outcome = await self._host_call(
            state, state.host.eval(self._sender, ref.boot_id, seq, ref.ctx_id, code, timeout)
        )
        return _value(outcome)

    def call(self, ref: ContextRef, name: str, *args: Any, timeout: float | None = None) -> Any:
        return self._run(self._call(ref, self._seq.next(ref), name, list(args), timeout))

    async def call_async(self, ref: ContextRef, name: str, *args: Any, timeout: float | None = None) -> Any:
        return await self._await(self._call(ref, self._seq.next(ref), name, list(args), timeout))

    async def _call(
        self, ref: ContextRef, seq: int, name: str, args: list[Any], timeout: float | None
    ) -> Any:
        state = self._check(ref)
        outcome = await self._host_call(
            state, state.host.call(self._sender, ref.boot_id, seq, ref.ctx_id, name, args, timeout)
        )
        return _value(outcome)

    def send(self, ref: ContextRef, message: Any) -> None:
        """Fire and forget; applied after everything this thread sent to ``ref`` before.

        Raises ContextDeadError at once when the driver already knows the
        context is gone (``nodedown`` for a lost or restarted host)."""
        if threading.current_thread() is self._thread:
            self._send_now(ref, self._seq.next(ref), message)
            return
        self._run(self._send(ref, self._seq.next(ref), message))

    async def send_async(self, ref: ContextRef, message: Any) -> None:
        await self._await(self._send(ref, self._seq.next(ref), message))

    async def _send(self, ref: ContextRef, seq: int, message: Any) -> None:
        self._send_now(ref, seq, message)

    def _send_now(self, ref: ContextRef, seq: int, message: Any) -> None:
        state = self._check(ref)
        state.host.send(self._sender, ref.boot_id, seq, ref.ctx_id, message)

    def stop(self, ref: ContextRef, timeout: float = 5.0) -> None:
        """Stop the context (reason ``normal``; a supervised one is not restarted) and wait for its exit."""
        self._run(self._stop(ref, "normal", timeout))

    async def stop_async(self, ref: ContextRef, timeout: float = 5.0) -> None:
        await self._await(self._stop(ref, "normal", timeout))

    def kill(self, ref: ContextRef, timeout: float = 5.0) -> None:
        """Stop it abnormally (reason ``killed``): a supervised context is restarted by its node."""
        self._run(self._stop(ref, "kill", timeout))

    async def kill_async(self, ref: ContextRef, timeout: float = 5.0) -> None:
        await self._await(self._stop(ref, "kill", timeout))

    async def _stop(self, ref: ContextRef, how: str, timeout: float) -> None:
        entry = self._entries.get(ref)
        if entry is None:
            self._alive_host(ref)
            return
        if how == "normal" and entry.child is not None:
            self._child_done(entry.child)
        await self._stop_refs([ref], how)
        try:
            await asyncio.wait_for(entry.exited.wait(), timeout)
        except asyncio.TimeoutError:
            pass

    async def _stop_refs(self, refs: list[ContextRef], how: str) -> None:
        by_host: dict[str, list[int]] = {}
        for ref in refs:
            by_host.setdefault(ref.host_id, []).append(ref.ctx_id)
        for host_id, ids in by_host.items():
            state = self._hosts.get(host_id)
            if state is not None and state.alive:
                try:
                    await self._host_call(state, state.host.stop(state.boot_id, ids, how))
                except ContextDeadError:
                    pass

    def alive(self, ref: ContextRef) -> bool:
        return ref in self._entries

    def wait(self, ref: ContextRef, timeout: float | None = None) -> bool:
        """Block until the context has exited (True), or ``timeout`` passes (False)."""
        return self._run(self._wait(ref, timeout))

    async def wait_async(self, ref: ContextRef, timeout: float | None = None) -> bool:
        return await self._await(self._wait(ref, timeout))

    async def _wait(self, ref: ContextRef, timeout: float | None) -> bool:
        entry = self._entries.get(ref)
        if entry is None:
            return True
        try:
            await asyncio.wait_for(entry.exited.wait(), timeout)
        except asyncio.TimeoutError:
            return False
        return True

    def exit_reason(self, ref: ContextRef) -> str | None:
        return self._exit_reasons.get(ref)

    def batch(self) -> Batch:
        """Many operations, one round trip per host (see :class:`Batch`)."""
        return Batch(self)

    # ---- callbacks, links -----------------------------------------------------------------

    def on_message(self, ref: ContextRef, callback: MessageCallback) -> None:
        """``callback(ref, message)`` for every ``Host.send`` of that context (on the cluster's loop)."""
        self._run(self._add_callback(ref, "on_message", callback))

    def on_exit(self, ref: ContextRef, callback: ExitCallback) -> None:
        """``callback(ref, reason, detail)`` once the context exits (``nodedown`` when its host is lost)."""
        self._run(self._add_callback(ref, "on_exit", callback))

    def on_link_exit(self, ref: ContextRef, callback: LinkExitCallback) -> None:
        """Trap exits: ``callback(linked_ref, reason)`` instead of dying with a linked context."""
        self._run(self._add_callback(ref, "trap", callback))

    async def _add_callback(self, ref: ContextRef, what: str, callback: Any) -> None:
        entry = self._entries.get(ref)
        if entry is None:
            if what == "on_exit":
                self._alive_host(ref)
                _call_back("on_exit", callback, ref, self._exit_reasons.get(ref, "noproc"), None)
                return
            self._check(ref)
            return
        if what == "trap":
            entry.trap = callback
        else:
            getattr(entry, what).append(callback)

    def link(self, a: ContextRef, b: ContextRef) -> None:
        """Link two contexts, on any hosts: when one exits abnormally (``nodedown``
        included), the other is stopped with reason ``linked`` unless it traps exits."""
        self._run(self._link(a, b))

    async def link_async(self, a: ContextRef, b: ContextRef) -> None:
        await self._await(self._link(a, b))

    async def _link(self, a: ContextRef, b: ContextRef) -> None:
        self._check(a)
        self._check(b)
        self._link_now(a, b)

    def _link_now(self, a: ContextRef, b: ContextRef) -> None:
        ea, eb = self._entries.get(a), self._entries.get(b)
        if ea is None or eb is None:
            # linking to what is already gone: the living side hears of it at once
            alive, dead = (a, b) if ea is not None else (b, a)
            if alive in self._entries:
                self._link_exit(dead, alive, self._exit_reasons.get(dead, "noproc"))
            return
        ea.links.add(b)
        eb.links.add(a)

    def unlink(self, a: ContextRef, b: ContextRef) -> None:
        async def unlink() -> None:
            for x, y in ((a, b), (b, a)):
                entry = self._entries.get(x)
                if entry is not None:
                    entry.links.discard(y)

        self._run(unlink())

    def _link_exit(self, source: ContextRef, other: ContextRef, reason: str) -> None:
        entry = self._entries.get(other)
        if entry is None:
            return
        entry.links.discard(source)
        if entry.trap is not None:
            _call_back("on_link_exit", entry.trap, source, reason)
        elif reason != "normal":
            self._loop.create_task(self._stop_refs([other], "linked"))

    # ---- closing ----------------------------------------------------------------------------

    def close(self, *, shutdown_hosts: bool = True) -> None:
        """Stop using the hosts (and, by default, stop every context on them)."""
        if self._closed:
            return

        async def close() -> None:
            self._closed = True
            for state in self._hosts.values():
                if state.task is not None:
                    state.task.cancel()
            if shutdown_hosts:
                await asyncio.gather(
                    *(s.host.shutdown() for s in self._hosts.values() if s.alive), return_exceptions=True
                )
            # everything still pending on this loop ends here, before the loop closes
            rest = [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]
            for task in rest:
                task.cancel()
            await asyncio.gather(*rest, return_exceptions=True)
            await self._loop.shutdown_asyncgens()

        if self._thread.is_alive():
            try:
                self._run(close())
            finally:
                self._loop.call_soon_threadsafe(self._loop.stop)
                self._thread.join(10)
        self._closed = True
        if not self._thread.is_alive():
            self._loop.close()


class Batch:
    """Operations gathered, then sent with one round trip per host.

    ``eval``/``call``/``send`` return the index of their result. :meth:`run`
    returns the results in order; an operation that failed has its
    exception in its place (nothing is raised).
    """

    def __init__(self, cluster: Cluster) -> None:
        self._cluster = cluster
        self._ops: list[tuple[ContextRef, list[Any]]] = []

    def eval(self, ref: ContextRef, code: str, *, timeout: float | None = None) -> int:
        self._ops.append((ref, ["eval", code, timeout]))
        return len(self._ops) - 1

    def call(self, ref: ContextRef, name: str, *args: Any, timeout: float | None = None) -> int:
        self._ops.append((ref, ["call", name, list(args), timeout]))
        return len(self._ops) - 1

    def send(self, ref: ContextRef, message: Any) -> int:
        self._ops.append((ref, ["send", message]))
        return len(self._ops) - 1

    def __len__(self) -> int:
        return len(self._ops)

    def run(self) -> list[Any]:
        ops, self._ops = self._numbered(), []
        return self._cluster._run(self._go(ops))

    async def run_async(self) -> list[Any]:
        ops, self._ops = self._numbered(), []
        return await self._cluster._await(self._go(ops))

    def _numbered(self) -> list[tuple[ContextRef, list[Any]]]:
        # numbers drawn at run time, in order: a batch built and dropped leaves no gap
        seq = self._cluster._seq
        return [(ref, [seq.next(ref), ref.ctx_id, *op]) for ref, op in self._ops]

    async def _go(self, ops: list[tuple[ContextRef, list[Any]]]) -> list[Any]:
        cluster = self._cluster
        results: list[Any] = [None] * len(ops)
        by_boot: dict[tuple[str, str], list[int]] = {}
        for i, (ref, _op) in enumerate(ops):
            try:
                cluster._check(ref)
            except (ContextDeadError, TypeError) as exc:
                results[i] = exc
                continue
            by_boot.setdefault((ref.host_id, ref.boot_id), []).append(i)

        async def one_host(host_id: str, boot_id: str, idx: list[int]) -> None:
            state = cluster._hosts[host_id]
            try:
                outcomes = await cluster._host_call(
                    state, state.host.batch(cluster._sender, boot_id, [ops[i][1] for i in idx])
                )
            except ActorsError as exc:
                for i in idx:
                    results[i] = exc
                return
            for i, outcome in zip(idx, outcomes, strict=False):
                try:
                    results[i] = _value(outcome)
                except Exception as exc:
                    results[i] = exc

        await asyncio.gather(*(one_host(h, b, idx) for (h, b), idx in by_boot.items()))
        return results


def _driver_handlers(handlers: Mapping[str, DriverHandler] | None) -> dict[str, DriverHandler]:
    if handlers is None:
        return {}
    if not isinstance(handlers, Mapping):
        raise TypeError(f"driver_handlers must map names to async functions, not {type(handlers).__name__}")
    for name, fn in handlers.items():
        if not isinstance(name, str) or not inspect.iscoroutinefunction(fn):
            raise TypeError(
                f"driver_handlers[{name!r}] must be an async def function (a driver-routed call "
                "must never block the driver's loop)"
            )
    return dict(handlers)


def _request(options: dict[str, Any]) -> SpawnRequest:
    opts = {k: v for k, v in options.items() if k not in ("self", "group", "link", "host")}
    routed = opts.pop("driver_handlers", None)
    opts["driver_handlers"] = tuple(routed or ())
    apis = opts.get("apis", "default")
    if apis is not None and not isinstance(apis, str):
        opts["apis"] = tuple(apis)
    restart = opts.pop("restart", None) or "temporary"
    if restart not in ("temporary", "permanent", "transient"):
        raise ValueError("restart must be 'permanent', 'transient' or 'temporary'")
    for key in ("script", "name", "handlers"):
        if opts.get(key) is not None and not isinstance(opts[key], str):
            raise TypeError(f"{key} must be a str, not {type(opts[key]).__name__}")
    return replace(SpawnRequest(**opts), restart=restart)


def _value(outcome: Outcome) -> Any:
    if outcome[0]:
        return outcome[1]
    raise decode_error(outcome[1])


def _detail(detail: Any) -> Any:
    if isinstance(detail, list) and len(detail) == 3 and isinstance(detail[0], str):
        return decode_error(detail)
    return detail


def _call_back(what: str, callback: Callable[..., Any], *args: Any) -> None:
    # Everything, SystemExit and KeyboardInterrupt included: raised into the
    # cluster's loop they would stop it, and every reference with it.
    try:
        callback(*args)
    except BaseException:
        log.exception("cluster: an %s callback raised", what)
