"""One live session: a browser socket, its owner actor and the context it owns.

Threads: everything here runs on the session's asyncio loop except
:meth:`SessionOwner.on_link_exit` (a dispatcher thread) and the context's message callback
(the pool's event thread); both only hand over to the loop with ``call_soon_threadsafe``.

Ordering: batches of patches come from two places, event answers (awaited by the reader) and
pushes the context sends by itself (timers, BroadcastChannel). Both carry the version of the
tree they apply to (``base``) and the version they make (``ver``), so the session emits them
in the context's order whatever order the loop sees them in.
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import ctypes
import json
import logging
import time
import weakref
from collections.abc import Awaitable, Callable, Coroutine
from typing import TYPE_CHECKING, Any

from actors.dispatch import DispatchActor
from actors.errors import ActorsError, ContextDeadError, JSError, LimitError
from actors.live.protocol import Event, ProtocolError, parse_client_message

if TYPE_CHECKING:
    from actors.context import Context
    from actors.live.app import LiveApp

__all__ = ["Session", "SessionOwner"]

log = logging.getLogger("actors.live")

SendText = Callable[[str], Awaitable[None]]
Close = Callable[[int, str], Awaitable[None]]

_ABNORMAL_OK = frozenset({"normal", "linked"})
_PENDING_LIMIT = 256  # out-of-order batches held for reordering before a resync


class SessionClosed(Exception):
    """The session is over (socket gone or closed by the server)."""


class BadRuntimeAnswer(Exception):
    """The context answered the runtime's call with something of the wrong shape: the
    component replaced a ``__live_*`` function."""


def _tree_of(result: Any) -> tuple[int, list[Any]]:
    if not isinstance(result, dict):
        raise BadRuntimeAnswer("__live_tree did not answer an object")
    ver, tree = result.get("ver"), result.get("tree")
    if type(ver) is not int or not isinstance(tree, list):
        raise BadRuntimeAnswer("__live_tree answered without a version and a tree")
    return ver, tree


class SessionOwner(DispatchActor):
    """The Pykka actor that owns a session's socket; its context is linked to it.

    It traps exits (``on_link_exit``): a crash of the context is reported to the session,
    which tells the page and starts a new context. When the socket closes the session stops
    this actor, and the link stops the context (reason ``linked``).
    """

    def __init__(self, session: Session) -> None:
        super().__init__()
        self.session = session

    def on_link_exit(self, ref: Any, reason: str) -> None:
        self.session.notify_exit(ref, reason)


class Session:
    """State of one connection. Create it, then ``await run()`` until the socket closes."""

    def __init__(self, app: LiveApp, send_text: SendText, close: Close) -> None:
        self.app = app
        self.loop = asyncio.get_running_loop()
        self._send_text = send_text
        self._close = close
        self.ctx: Context | None = None
        self.owner: Any = None
        self.handlers: frozenset[str] = frozenset()
        self.kept: Any = None
        self.closed = False
        self.restarts: collections.deque[float] = collections.deque()
        self.restart_count = 0
        self._lock = asyncio.Lock()  # one context operation at a time, in order
        self._ready = asyncio.Event()
        # the outbox: bounded in messages and characters; past it, coalesce into one resync
        self._outbox: collections.deque[str] = collections.deque()
        self._outbox_chars = 0
        self._wake = asyncio.Event()
        self._resync = False
        self._version = 0  # the version of the tree the page will have after the outbox
        self._pending: dict[int, tuple[int, Any, int | None]] = {}
        self._tasks: set[asyncio.Task[None]] = set()  # restarts and hibernations in flight
        self._bad_messages = 0
        # hibernation (app.hibernate_after): the context is stopped while the page is idle
        self.hibernated = False
        self._idle: asyncio.TimerHandle | None = None
        self._hibernated_tree: Any = None
        self.sending_since: float | None = None  # loop time the send under way began

    # ---- lifecycle ---------------------------------------------------------------------

    async def run(self, receive_text: Callable[[], Awaitable[str | None]]) -> None:
        self.owner = SessionOwner.start(self)
        sender = asyncio.ensure_future(self._sender())
        watch = _SendWatch.of(self.loop)
        watch.add(self)
        try:
            if not await self._start_context(first=True):
                return
            while not self.closed:
                text = await receive_text()
                if text is None:
                    break
                await self._on_client_text(text)
        except SessionClosed:
            pass
        finally:
            self.closed = True
            watch.discard(self)
            if self._idle is not None:
                self._idle.cancel()
            self._wake.set()
            # Stopping the owner stops the context through the link (reason "linked").
            self.owner.stop(block=False)
            # The sender ends by itself now that the session is closed, unless it is
            # stuck in a send to a page that stopped reading.
            done, _ = await asyncio.wait({sender}, timeout=1.0)
            if not done:
                sender.cancel()

    def _spawn_task(self, coro: Coroutine[Any, Any, None]) -> None:
        task = self.loop.create_task(coro)
        self._tasks.add(task)  # the loop keeps only weak references to tasks
        task.add_done_callback(self._tasks.discard)

    def notify_exit(self, ref: Any, reason: str) -> None:
        """From the owner's thread: a linked context exited."""
        with contextlib.suppress(RuntimeError):  # loop closed: the session is gone anyway
            self.loop.call_soon_threadsafe(self._context_exited, ref, reason)

    def _context_exited(self, ref: Any, reason: str) -> None:
        ctx = self.ctx
        if self.closed or ctx is None or reason in _ABNORMAL_OK:
            return
        if getattr(ref, "actor_urn", None) != ctx.actor_ref.actor_urn:
            return  # an old incarnation
        self._spawn_task(self._restart(ctx, reason))

    def _on_context_message(self, ctx: Context, message: Any) -> None:
        """From the pool's event thread: ``Host.send`` of the runtime (or the component)."""
        with contextlib.suppress(RuntimeError):
            self.loop.call_soon_threadsafe(self._context_message, ctx, message)

    def _context_message(self, ctx: Context, message: Any) -> None:
        if ctx is not self.ctx or self.closed or not isinstance(message, dict):
            return
        kind = message.get("t")
        if kind == "keep":
            value = message.get("v")
            try:
                size = len(json.dumps(value))
            except (TypeError, ValueError):
                log.warning("live.keep: the value is not JSON-like; not kept")
                return
            if size > self.app.max_kept_bytes:
                log.warning("live.keep: %d bytes is over max_kept_bytes; not kept", size)
                return
            self.kept = value
        elif kind == "patch":
            self._batch(message, ack=None)

    # ---- the context -------------------------------------------------------------------

    async def _start_context(self, first: bool) -> bool:
        """Spawn, link and render a context; send the page its tree. False: the session closed."""
        ctx: Context | None = None
        try:
            ctx = await asyncio.to_thread(self._spawn)
            async with self._lock:
                self.ctx = ctx
                await self._send_tree(ctx, kind="reset" if first else "restarted")
        except SessionClosed:
            return False
        except Exception as exc:
            # JSError, a limit, a dead context, or a runtime the component tampered with
            # (a __live_tree that answers nonsense): this session ends, no other notices.
            log.warning("live component failed to start: %r", exc)
            self.ctx = None
            if ctx is not None:
                with contextlib.suppress(Exception):
                    ctx.stop(timeout=0)
            await self._shutdown(1011, "the component failed to start")
            return False
        self._ready.set()
        self._touch()
        return True

    def _touch(self) -> None:
        """The page did something: push hibernation back."""
        after = self.app.hibernate_after
        if after is None:
            return
        if self._idle is not None:
            self._idle.cancel()
        self._idle = self.loop.call_later(after, lambda: self._spawn_task(self._hibernate()))

    async def _hibernate(self) -> None:
        """Stop the context of an idle page; the next event starts one from the kept state."""
        async with self._lock:
            ctx = self.ctx
            if ctx is None or self.closed:
                return
            try:
                self._hibernated_tree = _tree_of(await ctx.call_async("__live_tree"))[1]
            except (ActorsError, BadRuntimeAnswer):
                return  # busy or dying: the exit path or the next idle period handles it
            self.ctx = None
            self.hibernated = True
            with contextlib.suppress(Exception):
                ctx.unlink(self.owner)
            with contextlib.suppress(Exception):
                await ctx.stop_async(timeout=5.0)
        _trim_soon(self.loop)

    async def _wake_up(self) -> Context | None:
        """A context for a hibernated session (lock held); the page gets the tree only if it differs."""
        try:
            ctx = await asyncio.to_thread(self._spawn)
            ver, tree = _tree_of(await ctx.call_async("__live_tree"))
        except SessionClosed:
            return None
        except Exception as exc:
            log.warning("live component failed to wake: %r", exc)
            await self._shutdown(1011, "the component failed to start")
            return None
        self.ctx = ctx
        self.hibernated = False
        self._pending.clear()
        self._version = ver
        if tree != self._hibernated_tree:
            self._drop_patches()
            self._enqueue(json.dumps({"t": "reset", "tree": tree, "ver": ver}))
        self._hibernated_tree = None
        return ctx

    def _spawn(self) -> Context:
        app = self.app
        ctx = app.spawn_context(on_uncaught="crash")
        try:
            ctx.link(self.owner)  # before any code runs: a socket closed meanwhile stops it
            if self.closed:
                raise SessionClosed
            ctx.on_message(lambda msg: self._on_context_message(ctx, msg))
            ctx.set_global("__live_restored", self.kept)  # read (and deleted) by the runtime
            ctx.run(app.runtime_script)
            ctx.run(app.component_script)
            names = ctx.call("__live_names")
            if not isinstance(names, list):
                raise BadRuntimeAnswer("__live_names did not answer a list")
            self.handlers = frozenset(n for n in names if isinstance(n, str))
        except BaseException:
            with contextlib.suppress(Exception):
                ctx.stop(timeout=0)
            raise
        return ctx

    async def _send_tree(self, ctx: Context, kind: str) -> None:
        """The whole tree, as a new base for the page (lock held)."""
        ver, tree = _tree_of(await ctx.call_async("__live_tree"))
        self._pending.clear()
        self._version = ver
        self._drop_patches()
        self._enqueue(json.dumps({"t": kind, "tree": tree, "ver": ver}))

    async def _restart(self, old: Context, reason: str) -> None:
        async with self._lock:
            if old is not self.ctx or self.closed:
                return
            self.ctx = None
            self._ready.clear()
            with contextlib.suppress(Exception):
                old.unlink(self.owner)
            if old.alive:
                with contextlib.suppress(Exception):
                    old.stop(timeout=0)
            now = time.monotonic()
            self.restarts.append(now)
            while self.restarts and now - self.restarts[0] > self.app.restart_window:
                self.restarts.popleft()
            if len(self.restarts) > self.app.max_restarts:
                await self._shutdown(1011, f"the session crashed too often (last: {reason})")
                return
            self.restart_count += 1
            self._enqueue(json.dumps({"t": "restarting", "reason": reason}))
        await self._start_context(first=False)

    # ---- events from the page ----------------------------------------------------------

    async def _on_client_text(self, text: str) -> None:
        try:
            event = parse_client_message(text, self.handlers, self.app.max_message_bytes)
        except ProtocolError as exc:
            self._enqueue(json.dumps({"t": "rejected", "message": str(exc)}))
            self._bad_messages += 1
            if self._bad_messages > self.app.max_rejected:
                await self._shutdown(1008, "too many rejected messages")
            return
        await self._ready.wait()
        await self._handle(event)

    async def _handle(self, event: Event) -> None:
        self._touch()
        async with self._lock:
            ctx = self.ctx
            if ctx is None and self.hibernated and not self.closed:
                ctx = await self._wake_up()
            if ctx is None or self.closed:
                return
            try:
                batch = await ctx.call_async("__live_event", event.to_js())
            except (JSError, LimitError, ContextDeadError) as exc:
                reason = _reason(exc)
                self._enqueue(json.dumps({"t": "error", "message": f"the event failed: {reason}"}))
                failed: Context | None = ctx
            else:
                failed = None
                if batch is None:
                    self._enqueue(json.dumps({"t": "ack", "seq": event.seq}))
                else:
                    self._batch(batch, ack=event.seq)
        if failed is not None:
            # An event that failed half-way may have left the tree inconsistent: start
            # again from the component's initial or kept state, as after a crash.
            await self._restart(failed, "event failed")

    def _batch(self, batch: Any, ack: int | None) -> None:
        """A batch of ops from the context: emit it (and any it unblocks) in version order."""
        try:
            base, ver, ops = batch["base"], batch["ver"], batch["ops"]
            if type(base) is not int or type(ver) is not int or not isinstance(ops, list) or ver <= base:
                raise TypeError("not a batch")
        except (KeyError, TypeError, IndexError):
            log.warning("live: a malformed batch from the context was dropped")
            return
        if base < self._version:
            if ack is not None:
                self._enqueue(json.dumps({"t": "ack", "seq": ack}))
            return  # already part of a tree the page was sent
        self._pending[base] = (ver, ops, ack)
        if len(self._pending) > _PENDING_LIMIT:
            self._pending.clear()
            self._resync = True
            self._wake.set()
            return
        while self._version in self._pending:
            ver, ops, ack = self._pending.pop(self._version)
            self._version = ver
            msg: dict[str, Any] = {"t": "patch", "ops": ops}
            if ack is not None:
                msg["ack"] = ack
            self._enqueue(json.dumps(msg), patch=True)

    # ---- the outbox --------------------------------------------------------------------

    def _enqueue(self, text: str, patch: bool = False) -> None:
        if self.closed:
            return
        app = self.app
        if patch and self._resync:
            return  # the resync will carry it
        if patch and (
            len(self._outbox) >= app.outbox_messages or self._outbox_chars + len(text) > app.outbox_bytes
        ):
            # A slow page: drop the queued patches and send the whole tree once it catches up.
            self._drop_patches()
            self._resync = True
        else:
            self._outbox.append(text)
            self._outbox_chars += len(text)
        self._wake.set()

    def _drop_patches(self) -> None:
        kept = [m for m in self._outbox if not m.startswith('{"t": "patch"')]
        self._outbox = collections.deque(kept)
        self._outbox_chars = sum(map(len, kept))
        self._resync = False

    async def _sender(self) -> None:
        # No cancellation and no wait_for here: on Python 3.11 wait_for can swallow a
        # cancel that arrives as the send completes, and the task would wait forever.
        # The sender stops by itself once the session is closed; a send that takes
        # longer than send_timeout is caught by the loop's _SendWatch instead (not a
        # timer per message: at 1,000 messages/s those were 10,000 live timer handles,
        # each surviving into the collector's oldest generation).
        while not self.closed:
            await self._wake.wait()
            self._wake.clear()
            while self._outbox and not self.closed:
                text = self._outbox.popleft()
                self._outbox_chars -= len(text)
                self.sending_since = self.loop.time()
                try:
                    await self._send_text(text)
                except Exception:
                    self.closed = True  # the socket is gone; the reader sees the disconnect
                    return
                finally:
                    self.sending_since = None
            if self._resync and not self.closed:
                async with self._lock:
                    ctx = self.ctx
                    if ctx is not None and self._resync:
                        self._resync = False
                        with contextlib.suppress(ActorsError, BadRuntimeAnswer):
                            await self._send_tree(ctx, kind="reset")

    def send_stalled(self) -> None:
        """The current send has waited send_timeout for the page (from the _SendWatch)."""
        self.sending_since = None
        self._spawn_task(self._shutdown(1013, "the page is not reading its messages"))

    async def _send_within(self, text: str) -> None:
        """Send ``text``, giving up after send_timeout (a task and asyncio.wait: see _sender)."""
        task: asyncio.Future[None] = asyncio.ensure_future(self._send_text(text))
        done, _ = await asyncio.wait({task}, timeout=self.app.send_timeout)
        if not done:
            task.cancel()
        elif task.exception() is not None:
            pass  # retrieved: the socket is gone

    async def _shutdown(self, code: int, message: str) -> None:
        """Tell the page why, then close the socket (the reader then sees the disconnect)."""
        if self.closed:
            return
        self.closed = True
        self._outbox.clear()
        self._outbox_chars = 0
        self._wake.set()
        await self._send_within(json.dumps({"t": "closed", "message": message}))
        with contextlib.suppress(Exception):
            await asyncio.wait({asyncio.ensure_future(self._close(code, message[:120]))}, timeout=5.0)


class _SendWatch:
    """The sessions of one event loop, checked every quarter of their shortest send_timeout
    for a send to the page that began more than send_timeout ago (then that session is
    closed, 1013). One task per loop, running while the loop has sessions."""

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self.loop = loop
        self.sessions: set[Session] = set()
        self.task: asyncio.Task[None] | None = None

    @classmethod
    def of(cls, loop: asyncio.AbstractEventLoop) -> _SendWatch:
        watch = _watches.get(loop)
        if watch is None:
            watch = _watches[loop] = cls(loop)
        return watch

    def add(self, session: Session) -> None:
        self.sessions.add(session)
        if self.task is None:
            self.task = self.loop.create_task(self._run())

    def discard(self, session: Session) -> None:
        self.sessions.discard(session)

    async def _run(self) -> None:
        try:
            while self.sessions:
                await asyncio.sleep(max(0.01, min(s.app.send_timeout for s in self.sessions) / 4))
                now = self.loop.time()
                for session in list(self.sessions):
                    since = session.sending_since
                    if since is not None and now - since >= session.app.send_timeout and not session.closed:
                        session.send_stalled()
        finally:
            self.task = None


_watches: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, _SendWatch] = weakref.WeakKeyDictionary()

_TRIM_INTERVAL = 1.0
_last_trim = 0.0
_trim_pending = False


def _malloc_trim() -> None:
    try:
        ctypes.CDLL(None).malloc_trim(0)
    except (OSError, AttributeError):
        pass  # not glibc


def _trim_soon(loop: asyncio.AbstractEventLoop) -> None:
    """Give the heap pages of stopped contexts back to the OS, at most once a second.

    glibc keeps freed memory in its arenas: without this, hibernating 1,000 sessions
    leaves RSS where it was (measured: 873 KB per stopped context kept, 13 KB after a
    trim). Only this process's heap: in process mode the contexts' heaps are the
    worker processes'.
    """
    global _last_trim, _trim_pending
    now = time.monotonic()
    if now - _last_trim >= _TRIM_INTERVAL:
        _last_trim = now
        loop.run_in_executor(None, _malloc_trim)
    elif not _trim_pending:  # one trailing trim covers everything stopped meanwhile
        _trim_pending = True

        def later() -> None:
            global _trim_pending
            _trim_pending = False
            _trim_soon(loop)

        loop.call_later(_TRIM_INTERVAL, later)


def _reason(exc: BaseException) -> str:
    if isinstance(exc, ContextDeadError):
        return f"context exited ({exc.reason})" if getattr(exc, "reason", None) else "context exited"
    if isinstance(exc, JSError):
        return f"{exc.name}: {exc.message}"[:200]
    return type(exc).__name__
