"""Context: one isolated JavaScript context, with blocking and async call forms.

Every request takes the same path: a msgpack command frame into the native
mailbox of the context, in order with everything else sent to it. The
blocking forms wait on a per-thread native waiter (one hand-off each way);
the ``*_async`` forms get their answer through the pool's event channel.
"""

from __future__ import annotations

import asyncio
import itertools
import threading
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any, Protocol

from actors import _binding as nb
from actors import codec
from actors._causes import HandlerErrors
from actors._handlers import run_callback
from actors._serving import waits_on_parked
from actors.errors import (
    ActorsError,
    ContextDeadError,
    ConversionError,
    EvalTimeoutError,
    JSError,
    MemoryLimitError,
    ReductionLimitError,
    ResultTooLargeError,
)
from actors.scripts import Script, load_frame_args

if TYPE_CHECKING:
    from actors.backend import ContextHandle
    from actors.pool import ContextPool, SpawnOptions

__all__ = [
    "Context",
    "ContextOwner",
    "ContextPort",
    "ask_replying",
    "handle_of",
    "post_internal",
    "spawn_options",
    "stop_linked",
]

_WAIT_SLICE = 0.25  # seconds between checks for signals while blocked
_DEFAULT_MS = -1  # "use the context's own timeout"

_request_ids = itertools.count(1)  # unique per process: answers are matched per context anyway

MessageCallback = Callable[[Any], None]
ExitCallback = Callable[["Context", str, Any], None]


def _timeout_ms(timeout: float | None) -> int:
    if timeout is None:
        return _DEFAULT_MS
    if timeout < 0:
        raise ValueError("timeout must be >= 0")
    return max(1, round(timeout * 1000)) if timeout > 0 else 0


def raise_for(status: int, payload: Any, ctx: Context | None = None) -> Any:
    """Return the payload of an OK answer or raise the matching exception."""
    if status == nb.R_OK:
        return payload
    if status == nb.R_JSERROR:
        name, message, stack = payload
        error = JSError(name, message, stack)
        if ctx is not None:
            ctx._handler_errors.attach(error)
        raise error
    if status == nb.R_MEMORY:
        raise MemoryLimitError(str(payload))
    if status == nb.R_REDUCTIONS:
        raise ReductionLimitError(str(payload))
    if status == nb.R_TIMEOUT:
        raise EvalTimeoutError(str(payload))
    if status == nb.R_DEAD:
        reason = ctx._dead_reason(str(payload)) if ctx is not None else None
        raise ContextDeadError(str(payload), reason=reason)
    if status == nb.R_CONVERSION:
        raise ConversionError(str(payload))
    if status == nb.R_TOO_LARGE:
        raise ResultTooLargeError(str(payload))
    if status == nb.R_CANCELLED:
        raise ActorsError(str(payload))
    raise ActorsError(f"bad request: {payload}")


class Context:
    """An isolated JavaScript context living on a :class:`~actors.ContextPool`.

    Created by :meth:`ContextPool.spawn`. Thread-safe: any thread (or asyncio
    loop) may call it; calls are answered in the order they were sent.
    """

    def __init__(
        self,
        pool: ContextPool,
        owner: ContextOwner,
        ctx_id: int,
        handle: ContextHandle,
        options: SpawnOptions,
    ) -> None:
        self._pool = pool
        self._owner = owner
        self._id = ctx_id
        self._handle = handle
        self._options = options
        self._handlers: dict[str, Callable[..., Any]] = dict(options.handlers)
        self._message_callbacks: list[MessageCallback] = []
        self._exit_callbacks: list[ExitCallback] = []
        self._lock = threading.Lock()
        self._exited = threading.Event()
        self._exit_reason: str | None = None
        self._exit_detail: Any = None
        self._pending_async: dict[int, tuple[_Loop, _Settleable]] = {}
        self._reason_override: str | None = None
        self._stop_reason: str | None = None  # known as soon as a stop is asked for
        self._exiting = False
        self._actor_ref: Any = None
        self._handler_errors = HandlerErrors()

    # ---- identity -----------------------------------------------------------------

    @property
    def id(self) -> int:
        """Pool-unique id of this context (also in logs and events)."""
        return self._id

    @property
    def name(self) -> str | None:
        """The ``name=`` given at spawn, if any."""
        return self._options.name

    @property
    def pool(self) -> ContextPool:
        return self._pool

    @property
    def fetch_policy(self) -> Callable[[Context, str, str], bool] | None:
        """The ``fetch`` policy of this context: its spawn option, else the pool's."""
        own = self._options.fetch_policy
        return own if own is not None else self._pool.fetch_policy

    @property
    def origin(self) -> str:
        """The web origin of the context (``spawn(origin=)``, ``"null"`` by default)."""
        return self._options.origin

    @property
    def url(self) -> str:
        """The URL ``location`` reports (``spawn(url=)``, ``about:blank`` by default)."""
        return self._options.url

    @property
    def alive(self) -> bool:
        """True until the context is stopped, killed or crashes."""
        return not self._exited.is_set() and self._handle.alive()

    @property
    def exit_reason(self) -> str | None:
        """``normal``, ``killed``, ``memory``, ``reductions``, ``timeout``, ``error``, ``crashed``, ...
        or None while alive."""
        return self._exit_reason

    @property
    def exit_detail(self) -> Any:
        """For reason ``error``: the :class:`JSError` that escaped; else None."""
        return self._exit_detail

    def __repr__(self) -> str:
        state = "alive" if self.alive else f"exited:{self._exit_reason}"
        label = f" {self.name!r}" if self.name else ""
        return f"<actors.Context #{self._id}{label} {state}>"

    def __enter__(self) -> Context:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # ---- the request path -----------------------------------------------------------

    def _check_wait(self) -> None:
        # Between wait slices: lets KeyboardInterrupt in, notices a dead pool.
        if self._owner.closed and not self._exited.is_set():
            reason = self._exit_reason or self._stop_reason or "normal"
            raise ContextDeadError("the pool is stopped", reason=reason)

    def _dead_reason(self, message: str = "") -> str:
        """The exit reason to put on a ContextDeadError, known or waited for.

        A context that dies by itself (memory, error, a crash) answers its
        callers before the pool's event thread has applied its exit event:
        the reason is on its way, so wait for it (briefly, and never on the
        event thread, which is the one that would deliver it).
        """
        reason = self._exit_reason or self._stop_reason
        if reason is None and _dropped_by_reset(message):
            return "reset"  # alive: a reset dropped the work this call waited for
        if reason is None and not self._owner.on_event_thread():
            self._exited.wait(5.0)
            reason = self._exit_reason or self._stop_reason
        return reason or "crashed"

    def _check_reentry(self) -> None:
        if waits_on_parked(self):
            raise ActorsError(
                f"context #{self._id} is parked in Host.callSync waiting for this handler: a call "
                "into it that waits for its answer (blocking or *_async) would deadlock. Return "
                "first, or have JS use Host.call (not callSync) for handlers that call back in"
            )

    def _check_inherited(self) -> None:
        if self._owner.inherited:
            raise ActorsError(
                f"context #{self._id} lives on a pool of the process that forked this one "
                f"(pid {self._owner.pid}): it cannot be used here. Create a new ContextPool in the child"
            )

    def _request(self, build: Callable[[int], bytes]) -> Any:
        self._check_inherited()
        if self._exited.is_set():
            raise ContextDeadError(f"context #{self._id} has exited ({self._exit_reason})", self._exit_reason)
        self._check_reentry()
        req_id = next(_request_ids)
        frame = build(req_id)
        try:
            data = self._handle.request(frame, _WAIT_SLICE, self._check_wait)
        except ContextDeadError as exc:
            exc.reason = self._dead_reason(str(exc))
            raise
        except BaseException:
            self._cancel(req_id)  # KeyboardInterrupt while waiting: stop the work too
            raise
        status, payload = codec.decode(data)
        return raise_for(status, payload, self)

    def _post(self, frame: bytes) -> None:
        try:
            self._handle.post(frame)
        except ContextDeadError as exc:
            if exc.reason is None:
                exc.reason = self._dead_reason(str(exc))
            raise

    def _cancel(self, req_id: int) -> None:
        # The caller gave up (asyncio cancellation, wait_for timeout,
        # KeyboardInterrupt): the engine interrupts that operation as a limit
        # would, so the context answers its next call.
        try:
            self._handle.cancel(req_id)
        except ActorsError:
            pass  # stopped meanwhile: nothing left to interrupt

    async def _request_async(self, build: Callable[[int], bytes]) -> Any:
        self._check_inherited()
        if self._exited.is_set():
            raise ContextDeadError(f"context #{self._id} has exited ({self._exit_reason})", self._exit_reason)
        self._check_reentry()
        loop = asyncio.get_running_loop()
        fut: asyncio.Future[Any] = loop.create_future()
        req_id = next(_request_ids)
        with self._lock:
            self._pending_async[req_id] = (loop, fut)
        try:
            self._handle.post(build(req_id))
        except BaseException as exc:
            with self._lock:
                self._pending_async.pop(req_id, None)
            if isinstance(exc, ContextDeadError) and exc.reason is None:
                # Died by itself just now: its exit event (with the reason) is
                # on its way; wait for it off the loop.
                exc.reason = await loop.run_in_executor(None, self._dead_reason, str(exc))
            raise
        try:
            return await fut
        except BaseException:
            if fut.cancelled() or not fut.done():
                self._cancel(req_id)  # no answer yet: interrupt the work too
            raise
        finally:
            with self._lock:
                self._pending_async.pop(req_id, None)

    def _complete_async(self, req_id: int, status: int, payload: Any) -> None:
        """Called on the pool's event thread with an async answer."""
        with self._lock:
            entry = self._pending_async.pop(req_id, None)
            if (
                entry is not None
                and status == nb.R_DEAD
                and self._exit_reason is None
                and self._stop_reason is None
                and not _dropped_by_reset(payload)
            ):
                # It died by itself; its exit event follows on this thread and
                # fails the caller with the reason (see _on_exit).
                self._pending_async[req_id] = entry
                return
        if entry is None:
            return  # the caller gave up (cancelled or timed out): drop the late answer
        loop, fut = entry

        def settle() -> None:
            if fut.done():
                return
            try:
                fut.set_result(raise_for(status, payload, self))
            except BaseException as exc:
                fut.set_exception(exc)

        try:
            loop.call_soon_threadsafe(settle)
        except RuntimeError:
            pass  # that loop is closed: nobody is waiting any more

    @staticmethod
    def _frame(op: int, req_id: int, timeout: float | None, *values: Any) -> bytes:
        return codec.encode_frame([op, req_id, _timeout_ms(timeout)], values)

    # ---- operations (blocking forms) -------------------------------------------------

    def eval(self, code: str | Script, *, timeout: float | None = None, filename: str = "<eval>") -> Any:
        """Evaluate ``code`` and return its completion value.

        ``code`` is a script, or an ES module (``import``/``export``; its
        imports resolve through the context's ``modules=`` registry, and
        the result is ``None`` once it has run), or a :class:`Script` from
        ``pool.compile()``. Top-level ``await`` works; a promise result is
        awaited before returning. Which of script or module: the first of
        async script (only if the source contains ``await``), classic
        script, and module (only if it contains ``import`` or ``export``)
        that compiles.
        """
        return self._request(lambda rid: self._eval_frame(rid, code, timeout, filename))

    def call(self, name: str, *args: Any, timeout: float | None = None) -> Any:
        """Call the global function ``name`` (a dotted path like ``"api.render"`` works too)."""
        return self._request(lambda rid: self._call_frame(rid, name, args, timeout))

    def ask(self, message: Any, *, timeout: float | None = None) -> Any:
        """Deliver ``message`` to the ``Host.onMessage`` callbacks and return their answer.

        The callbacks run in order as for :meth:`send`; the answer is the last
        value other than ``undefined`` that one returned (a promise is awaited),
        ``None`` when none did. A callback that throws raises :class:`JSError`
        here (with :meth:`send` it would be uncaught). ``actor_ref.ask(message)``
        answers the same way.
        """
        return self._request(lambda rid: self._frame(nb.OP_ASK, rid, timeout, message))

    def list_globals(self, *, timeout: float | None = None) -> list[str]:
        """The names of the global object's own properties, builtins included.

        Read natively, without running JS: a lazy API group's global is
        listed without loading the group, and no getter runs.
        """
        names: list[str] = self._request(lambda rid: self._frame(nb.OP_GLOBALS, rid, timeout))
        return names

    def snapshot_globals(self, *, timeout: float | None = None) -> frozenset[str]:
        """The global names present now, to diff against later::

        before = ctx.snapshot_globals()
        ctx.eval(untrusted)
        ctx.delete_globals(ctx.snapshot_globals() - before)
        """
        return frozenset(self.list_globals(timeout=timeout))

    def delete_globals(self, names: Iterable[str], *, timeout: float | None = None) -> list[str]:
        """Delete the globals ``names`` (as ``delete globalThis[name]`` would,
        without running JS); returns those that could not be deleted
        (non-configurable, like ``undefined`` or a ``var``)."""
        wanted = [_str(n) for n in ([names] if isinstance(names, str) else names)]
        if not wanted:
            return []
        kept: list[str] = self._request(lambda rid: self._frame(nb.OP_GLOBALS, rid, timeout, *wanted))
        return kept

    def get_global(self, name: str, *, timeout: float | None = None) -> Any:
        """Read a global (or dotted path) of the context."""
        return self._request(lambda rid: self._frame(nb.OP_GET_GLOBAL, rid, timeout, _str(name)))

    def set_global(self, name: str, value: Any, *, timeout: float | None = None) -> None:
        """Set a global of the context to a copy of ``value``."""
        self._request(lambda rid: self._frame(nb.OP_SET_GLOBAL, rid, timeout, _str(name), value))

    def send(self, message: Any) -> None:
        """Deliver ``message`` to the context's ``Host.onMessage`` callbacks (fire and forget)."""
        self._check_inherited()
        if self._exited.is_set():
            raise ContextDeadError(f"context #{self._id} has exited ({self._exit_reason})", self._exit_reason)
        self._post(self._frame(nb.OP_SEND, 0, None, message))

    def run(self, script: str | Script, *, timeout: float | None = None, filename: str = "<script>") -> None:
        """Run ``script`` for its effects, as ``spawn(script=...)`` does: like
        :meth:`eval`, but its completion value is dropped, not converted (a
        library may end in a function or a cyclic object). ``script`` is
        source or a :class:`Script` from ``pool.compile()``."""
        self._request(lambda rid: self._run_frame(rid, script, timeout, filename))

    def reset(self) -> None:
        """Throw away every global and start again: same options, APIs reinstalled, script re-run."""
        self._request(lambda rid: self._frame(nb.OP_RESET, rid, None))
        self._run_script()

    def _run_script(self) -> None:
        """The ``script=`` of the spawn, at start and after every reset.

        Its completion value is dropped, not converted: a library file may
        end in a function or a cyclic object.
        """
        opts = self._options
        if opts.script_code is not None:
            code = opts.script_code
            self._request(lambda rid: self._run_frame(rid, code, None, code.filename))
        elif opts.script_source is not None:
            source, filename = opts.script_source, opts.script or "<script>"
            self._request(lambda rid: self._run_frame(rid, source, None, filename))

    def memory_usage(self) -> dict[str, int]:
        """Engine memory figures: at least ``malloc_size`` and ``memory_limit`` (bytes)."""
        result: dict[str, int] = self._request(lambda rid: self._frame(nb.OP_MEMORY, rid, None))
        return result

    def gc(self) -> None:
        """Run the context's garbage collector now."""
        self._request(lambda rid: self._frame(nb.OP_GC, rid, None))

    # ---- the document (the dom group), read without running JS ---------------------------

    def _dom_frame(self, rid: int, selector: str | None) -> bytes:
        from actors.dom import query

        if "dom" not in self._options.apis:
            raise ActorsError(
                f"context #{self._id} has no DOM: spawn it with apis='browser' or a list including 'dom'"
            )
        if selector is not None:
            query.check_selector(selector)
        return self._frame(nb.OP_DOM, rid, None)

    def dom_find(self, selector: str) -> tuple[str, dict[str, str], list[Any]] | None:
        """The first element of the document matching the CSS ``selector``, as
        ``(tag, attrs, children)`` (children: text strings and nested tuples), or None.

        Reads the tree directly: no JavaScript runs, so page scripts cannot
        interfere. Raises ``SelectorError`` (a ``ValueError``) for a bad selector.
        """
        from actors.dom import query

        return query.find(self._request(lambda rid: self._dom_frame(rid, selector)), selector)

    def dom_find_all(self, selector: str) -> list[tuple[str, dict[str, str], list[Any]]]:
        """Every element matching ``selector``, in document order (see :meth:`dom_find`)."""
        from actors.dom import query

        return query.find_all(self._request(lambda rid: self._dom_frame(rid, selector)), selector)

    def dom_text(self, selector: str) -> str:
        """The text content of the first element matching ``selector`` ("" if none)."""
        from actors.dom import query

        return query.text(self._request(lambda rid: self._dom_frame(rid, selector)), selector)

    def dom_html(self) -> str:
        """The whole document serialized as HTML."""
        from actors.dom import query

        return query.html(self._request(lambda rid: self._dom_frame(rid, None)))

    async def dom_find_async(self, selector: str) -> tuple[str, dict[str, str], list[Any]] | None:
        """Coroutine form of :meth:`dom_find`."""
        from actors.dom import query

        self._dom_frame(0, selector)
        snap = await self._request_async(lambda rid: self._dom_frame(rid, None))
        return query.find(snap, selector)

    async def dom_find_all_async(self, selector: str) -> list[tuple[str, dict[str, str], list[Any]]]:
        """Coroutine form of :meth:`dom_find_all`."""
        from actors.dom import query

        self._dom_frame(0, selector)
        snap = await self._request_async(lambda rid: self._dom_frame(rid, None))
        return query.find_all(snap, selector)

    async def dom_text_async(self, selector: str) -> str:
        """Coroutine form of :meth:`dom_text`."""
        from actors.dom import query

        self._dom_frame(0, selector)
        snap = await self._request_async(lambda rid: self._dom_frame(rid, None))
        return query.text(snap, selector)

    async def dom_html_async(self) -> str:
        """Coroutine form of :meth:`dom_html`."""
        from actors.dom import query

        return query.html(await self._request_async(lambda rid: self._dom_frame(rid, None)))

    # ---- coroutine twins ----------------------------------------------------------------

    async def eval_async(
        self, code: str | Script, *, timeout: float | None = None, filename: str = "<eval>"
    ) -> Any:
        """Coroutine form of :meth:`eval`; works from any asyncio loop."""
        return await self._request_async(lambda rid: self._eval_frame(rid, code, timeout, filename))

    async def call_async(self, name: str, *args: Any, timeout: float | None = None) -> Any:
        """Coroutine form of :meth:`call`."""
        return await self._request_async(lambda rid: self._call_frame(rid, name, args, timeout))

    async def ask_async(self, message: Any, *, timeout: float | None = None) -> Any:
        """Coroutine form of :meth:`ask`."""
        return await self._request_async(lambda rid: self._frame(nb.OP_ASK, rid, timeout, message))

    async def list_globals_async(self, *, timeout: float | None = None) -> list[str]:
        """Coroutine form of :meth:`list_globals`."""
        names: list[str] = await self._request_async(lambda rid: self._frame(nb.OP_GLOBALS, rid, timeout))
        return names

    async def snapshot_globals_async(self, *, timeout: float | None = None) -> frozenset[str]:
        """Coroutine form of :meth:`snapshot_globals`."""
        return frozenset(await self.list_globals_async(timeout=timeout))

    async def delete_globals_async(self, names: Iterable[str], *, timeout: float | None = None) -> list[str]:
        """Coroutine form of :meth:`delete_globals`."""
        wanted = [_str(n) for n in ([names] if isinstance(names, str) else names)]
        if not wanted:
            return []
        kept: list[str] = await self._request_async(
            lambda rid: self._frame(nb.OP_GLOBALS, rid, timeout, *wanted)
        )
        return kept

    async def get_global_async(self, name: str, *, timeout: float | None = None) -> Any:
        """Coroutine form of :meth:`get_global`."""
        return await self._request_async(lambda rid: self._frame(nb.OP_GET_GLOBAL, rid, timeout, _str(name)))

    async def set_global_async(self, name: str, value: Any, *, timeout: float | None = None) -> None:
        """Coroutine form of :meth:`set_global`."""
        await self._request_async(lambda rid: self._frame(nb.OP_SET_GLOBAL, rid, timeout, _str(name), value))

    async def send_async(self, message: Any) -> None:
        """Coroutine form of :meth:`send` (returns once the message is queued)."""
        self.send(message)

    async def run_async(
        self, script: str | Script, *, timeout: float | None = None, filename: str = "<script>"
    ) -> None:
        """Coroutine form of :meth:`run`."""
        await self._request_async(lambda rid: self._run_frame(rid, script, timeout, filename))

    async def reset_async(self) -> None:
        """Coroutine form of :meth:`reset`."""
        await self._request_async(lambda rid: self._frame(nb.OP_RESET, rid, None))
        await asyncio.get_running_loop().run_in_executor(None, self._run_script)

    async def memory_usage_async(self) -> dict[str, int]:
        """Coroutine form of :meth:`memory_usage`."""
        result: dict[str, int] = await self._request_async(lambda rid: self._frame(nb.OP_MEMORY, rid, None))
        return result

    async def stop_async(self, timeout: float = 5.0) -> None:
        """Coroutine form of :meth:`stop`."""
        self._request_stop(killed=False)
        await asyncio.get_running_loop().run_in_executor(None, self._exited.wait, timeout)

    def _eval_frame(self, rid: int, code: str | Script, timeout: float | None, filename: str) -> bytes:
        if isinstance(code, Script):
            bytecode, kind = load_frame_args(code)
            return self._frame(nb.OP_EVAL_BYTECODE, rid, timeout, bytecode, kind)
        if not isinstance(code, str):
            raise TypeError(f"code must be a str or a Script, not {type(code).__name__}")
        return self._frame(nb.OP_EVAL, rid, timeout, _str(code, "code"), _str(filename, "filename"))

    def _run_frame(self, rid: int, script: str | Script, timeout: float | None, filename: str) -> bytes:
        if isinstance(script, Script):
            bytecode, kind = load_frame_args(script)
            return self._frame(nb.OP_EVAL_BYTECODE, rid, timeout, bytecode, kind, True)
        if not isinstance(script, str):
            raise TypeError(f"script must be a str or a Script, not {type(script).__name__}")
        return self._frame(nb.OP_EVAL, rid, timeout, _str(script, "script"), _str(filename, "filename"), True)

    def _call_frame(self, rid: int, name: str, args: tuple[Any, ...], timeout: float | None) -> bytes:
        return self._frame(nb.OP_CALL, rid, timeout, _str(name), list(args))

    # ---- messages out, handlers -----------------------------------------------------------

    def on_message(self, callback: MessageCallback) -> MessageCallback:
        """Register ``callback(message)`` for every ``Host.send(message)`` of this context.

        Callbacks run on the pool's event thread, in order; keep them short
        (hand long work to a thread or an actor). Usable as a decorator.
        """
        with self._lock:
            self._message_callbacks.append(callback)
        return callback

    def on_exit(self, callback: ExitCallback) -> ExitCallback:
        """Register ``callback(context, reason, detail)`` run once when the context exits."""
        run_now = False
        with self._lock:
            if self._exiting:
                run_now = True
            else:
                self._exit_callbacks.append(callback)
        if run_now:
            callback(self, self._exit_reason or "normal", self._exit_detail)
        return callback

    def add_handler(self, name: str, handler: Callable[..., Any]) -> None:
        """Make ``handler`` callable from JS as ``Host.call(name, ...)``."""
        with self._lock:
            self._handlers[name] = handler

    def handler(self, name: str) -> Callable[..., Any] | None:
        with self._lock:
            return self._handlers.get(name)

    @property
    def message_callbacks(self) -> list[MessageCallback]:
        with self._lock:
            return list(self._message_callbacks)

    # ---- lifecycle --------------------------------------------------------------------------

    # ---- actor, links --------------------------------------------------------------------

    stops_on_any_link_exit = True  # a context never outlives what it is linked to

    @property
    def actor_ref(self) -> Any:
        """The Pykka ``ActorRef`` of this context's actor (created on first use).

        ``tell(message)`` delivers to ``Host.onMessage``; stopping the actor
        stops the context; proxies reach ``eval``/``call``/... on the actor.
        """
        with self._lock:
            ref = self._actor_ref
        if ref is None:
            from actors.actor import ContextActor

            new_ref = ContextActor.start(self)
            with self._lock:
                if self._actor_ref is None:
                    self._actor_ref = new_ref
                    ref = new_ref
                else:
                    ref = self._actor_ref
                # read during the exit callbacks (a link handing on the exit):
                # _on_exit has already stopped the actor it knew of, which was none
                exiting = self._exiting
            if ref is not new_ref or exiting:
                new_ref.stop(block=False)
        return ref

    def link(self, other: Any) -> None:
        """Link this context to an ActorRef, Context or Supervisor (both ways)."""
        from actors.supervision import links

        links.link(self, other)

    def unlink(self, other: Any) -> None:
        """Remove a link made with :meth:`link` or ``spawn(link=...)``."""
        from actors.supervision import links

        links.unlink(self, other)

    def _mark_crashed(self) -> None:
        """Its worker process died (process mode): calls in flight fail with reason ``crashed``."""
        self._reason_override = "crashed"
        self._stop_reason = "crashed"

    def _stop_linked(self) -> None:
        self._request_stop(killed=False, reason="linked")

    def _request_stop(self, killed: bool, reason: str | None = None) -> None:
        if self._owner.inherited:
            return  # a forked child: the context is the parent's to stop
        if reason is not None and self._reason_override is None and not self._exited.is_set():
            self._reason_override = reason
        if self._stop_reason is None:
            self._stop_reason = self._reason_override or ("killed" if killed else "normal")
        if self._handle.stop(killed):
            # Callers blocked on this context are answered by the native side;
            # async callers are answered here, now, not when a worker gets to it.
            self._fail_async("the context is stopped")

    def stop(self, timeout: float = 5.0) -> None:
        """Stop the context (reason ``normal``) and wait up to ``timeout`` s for it to exit.

        Calls in flight fail with :class:`ContextDeadError`. Idempotent.
        """
        self._request_stop(killed=False)
        if not self._owner.on_event_thread() and not self._owner.inherited:
            self._exited.wait(timeout)

    def kill(self, timeout: float = 5.0) -> None:
        """Stop the context abnormally (reason ``killed``): its supervisor may restart it."""
        self._request_stop(killed=True)
        if not self._owner.on_event_thread() and not self._owner.inherited:
            self._exited.wait(timeout)

    def wait(self, timeout: float | None = None) -> bool:
        """Block until the context has exited; False on timeout."""
        return self._exited.wait(timeout)

    def _fail_async(self, message: str) -> None:
        with self._lock:
            pending = list(self._pending_async.items())
            self._pending_async.clear()
        for _rid, (loop, fut) in pending:

            def settle(fut: _Settleable = fut) -> None:
                if not fut.done():
                    fut.set_exception(ContextDeadError(message, reason=self._exit_reason))

            try:
                loop.call_soon_threadsafe(settle)
            except RuntimeError:
                pass

    def _on_exit(self, reason: str, detail: Any) -> None:
        """Called once, on the event thread (or by the pool at shutdown)."""
        with self._lock:
            if self._exiting:
                return
            self._exiting = True
            if self._reason_override is not None and reason in ("normal", "killed"):
                reason = self._reason_override
            self._exit_reason = reason
            ref = self._actor_ref
            if isinstance(detail, list) and len(detail) == 3:
                detail = JSError(*detail)
            self._exit_detail = detail
            callbacks = list(self._exit_callbacks)
            self._exit_callbacks.clear()
        self._fail_async(f"the context exited ({reason})")
        if ref is not None:
            try:
                ref.stop(block=False)
            except Exception:
                pass
        interrupt: BaseException | None = None
        try:
            for cb in callbacks:
                raised = run_callback(f"exit callback of context #{self._id}", cb, self, reason, detail)
                interrupt = interrupt or raised
        finally:
            # Set last: whoever waited on the exit sees every exit callback done
            # (a supervisor has been told and will restart in order).
            self._exited.set()
        if interrupt is not None:
            raise interrupt  # on the main thread (a stop): the user sees it now


class _Loop(Protocol):
    def call_soon_threadsafe(self, callback: Callable[[], object], /) -> object: ...


class _Settleable(Protocol):
    def done(self) -> bool: ...
    def set_result(self, result: Any, /) -> None: ...
    def set_exception(self, exception: BaseException, /) -> None: ...


class _Immediate:
    """A "loop" for answers nobody awaits in asyncio: settles on the calling thread."""

    def call_soon_threadsafe(self, callback: Callable[[], object], /) -> object:
        return callback()


_IMMEDIATE = _Immediate()


class _FutureShim:
    """An asyncio-future face on a Pykka future, for the pending-answer table."""

    def __init__(self, reply: Any) -> None:
        self._reply = reply
        self._done = False

    def done(self) -> bool:
        return self._done

    def set_result(self, result: Any, /) -> None:
        if not self._done:
            self._done = True
            self._reply.set(result)

    def set_exception(self, exception: BaseException, /) -> None:
        if not self._done:
            self._done = True
            self._reply.set_exception(exc_info=(type(exception), exception, exception.__traceback__))


def _dropped_by_reset(message: Any) -> bool:
    # the native side's answer to work a reset dropped (lifecycle.c, ctx_reset)
    return isinstance(message, str) and "was reset" in message


def _str(value: str, what: str = "name") -> str:
    if not isinstance(value, str):
        raise TypeError(f"{what} must be a str, not {type(value).__name__}")
    return value


# ---- the internal interfaces ----------------------------------------------------------------
#
# A Context's state is private to this module. Other modules of the package
# reach it only through what follows: the pool through ContextPort, API
# groups through post_internal, the context's actor through ask_replying,
# the test hooks through handle_of. In the other direction a Context asks
# its pool only what ContextOwner declares.


class ContextOwner(Protocol):
    """What a Context asks of the pool that spawned it."""

    @property
    def closed(self) -> bool:
        """The pool is stopped (or stopping)."""
        ...

    @property
    def inherited(self) -> bool:
        """This process is a fork of the pool's: nothing may be sent or waited on."""
        ...

    @property
    def pid(self) -> int:
        """The process the pool belongs to."""
        ...

    def on_event_thread(self) -> bool:
        """The current thread is the pool's event thread (which must never wait on an exit)."""
        ...


class ContextPort:
    """What the pool may do to a context it spawned (and nothing else may)."""

    __slots__ = ("context",)

    def __init__(self, context: Context) -> None:
        self.context = context

    @property
    def handle(self) -> ContextHandle:
        return self.context._handle

    @property
    def options(self) -> SpawnOptions:
        return self.context._options

    def run_script(self) -> None:
        self.context._run_script()

    def complete_async(self, req_id: int, status: int, payload: Any) -> None:
        """On the event thread: the answer of an ``*_async`` call."""
        self.context._complete_async(req_id, status, payload)

    def exited(self, reason: str, detail: Any) -> None:
        """Once, on the event thread (or in the pool's stop): the context is gone."""
        self.context._on_exit(reason, detail)

    def crashed(self) -> None:
        """Its worker process died: calls in flight fail with reason ``crashed``."""
        self.context._mark_crashed()

    def request_stop(self) -> None:
        self.context._request_stop(killed=False)

    def wait_exited(self, timeout: float) -> bool:
        return self.context._exited.wait(timeout)

    def handler_names(self) -> list[str]:
        with self.context._lock:
            return sorted(self.context._handlers)

    def record_handler_error(self, name: str, exc: BaseException) -> None:
        """A handler raised: the JSError that may escape later gets it as its cause."""
        self.context._handler_errors.record(name, exc)


def post_internal(ctx: Context, group: str, value: Any) -> None:
    """Deliver ``value`` to the callbacks API group ``group`` registered with
    ``native.on(group, fn)`` in ``ctx`` (fire and forget; the groups' Python
    side uses it). Raises ContextDeadError once the context has exited."""
    ctx._check_inherited()
    if ctx._exited.is_set():
        raise ContextDeadError(f"context #{ctx._id} has exited ({ctx._exit_reason})", ctx._exit_reason)
    ctx._post(ctx._frame(nb.OP_INTERNAL, 0, None, group, value))


def ask_replying(ctx: Context, message: Any, reply: Any) -> None:
    """Post an ask whose answer settles the Pykka future ``reply`` (never blocks).

    Used by the context's actor: the answer arrives on the pool's event
    thread, so no dispatcher thread waits for JS.
    """
    shim = _FutureShim(reply)
    try:
        ctx._check_inherited()
        if ctx._exited.is_set():
            raise ContextDeadError(f"context #{ctx._id} has exited ({ctx._exit_reason})", ctx._exit_reason)
        req_id = next(_request_ids)
        frame = ctx._frame(nb.OP_ASK, req_id, None, message)
        with ctx._lock:
            ctx._pending_async[req_id] = (_IMMEDIATE, shim)
        try:
            ctx._handle.post(frame)
        except BaseException:
            with ctx._lock:
                ctx._pending_async.pop(req_id, None)
            raise
    except Exception as exc:
        shim.set_exception(exc)


def spawn_options(ctx: Context) -> SpawnOptions:
    """The options ``ctx`` was spawned with (a Worker's context inherits its parent's)."""
    return ctx._options


def stop_linked(ctx: Context) -> None:
    """Stop ``ctx`` because something it is linked to exited (reason ``linked``)."""
    ctx._stop_linked()


def handle_of(ctx: Context) -> ContextHandle:
    """The backend's handle of ``ctx`` (for the test hooks in :mod:`actors.testing`)."""
    return ctx._handle
