"""ContextPool: the native pump (N worker threads) plus the Python side of it.

The pool owns one native pool, one event thread that drains the completion
channel (async answers, host calls, messages out, exits), and the threads
where host handlers run. Contexts are spawned on it with per-context limits;
pool-level limits are defaults that ``spawn`` overrides.
"""

from __future__ import annotations

import atexit
import inspect
import itertools
import logging
import os
import threading
import time
import warnings
import weakref
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from actors import _binding as nb
from actors import codec
from actors._handlers import (
    AsyncHandlerLoop,
    CallPollers,
    deferring_interrupts,
    describe,
    escalate,
    run_callback,
)
from actors._script_text import read_script
from actors._serving import SyncServe, serving
from actors.apis import REGISTRY, resolve_apis
from actors.apis.window import spawn_url
from actors.backend import Backend, ContextSpec, start_backend
from actors.context import Context, ContextPort
from actors.errors import ActorsError, ContextDeadError, ConversionError
from actors.modules import Modules, module_handler
from actors.scripts import Script, compile_script

__all__ = ["ContextPool", "SpawnOptions", "backend_of"]

log = logging.getLogger("actors")
_uncaught_log = logging.getLogger("actors.context")
_console_log = logging.getLogger("actors.console")

_UNSET: Any = object()
# what JS gets when even describing a handler's result or error failed
_ANSWER_FAILED = codec.encode([False, ["ConversionError", "the host handler's answer could not be encoded"]])
_ON_UNCAUGHT = {"crash": 0, "log": 1}
MAX_RESULT_BYTES = 1 << 30  # ACT_RESULT_MAX (native/internal.h)


@dataclass(frozen=True)
class SpawnOptions:
    """Everything needed to build a context again (restarts, reset)."""

    apis: tuple[str, ...] = ()
    handlers: Mapping[str, Callable[..., Any]] = field(default_factory=dict)
    memory_limit: int | None = None
    max_reductions: int | None = None
    timeout: float | None = None
    max_stack_size: int | None = None
    max_result_bytes: int | None = None
    script: str | None = None
    script_source: str | None = None
    script_code: Script | None = None
    modules: Modules | None = None
    name: str | None = None
    on_uncaught: str = "crash"
    origin: str = "null"
    url: str = "about:blank"
    fetch_policy: Callable[..., bool] | None = None


def _check_limit(name: str, value: Any, kind: type = int) -> None:
    if value is None:
        return
    if isinstance(value, bool) or not isinstance(value, (int, float) if kind is float else int):
        raise TypeError(
            f"{name} must be {'a number' if kind is float else 'an int'}, not {type(value).__name__}"
        )
    if value <= 0:
        raise ValueError(f"{name} must be > 0 (or None for no limit), got {value!r}")


def _check_result_bytes(value: Any) -> None:
    _check_limit("max_result_bytes", value)
    if value is not None and value > MAX_RESULT_BYTES:
        raise ValueError(f"max_result_bytes must be at most {MAX_RESULT_BYTES} (1 GiB), got {value!r}")


class ContextPool:
    """A pool of native worker threads hosting isolated JavaScript contexts.

    Args:
        size: number of native worker threads (default: ``os.cpu_count()``).
        memory_limit, max_reductions, timeout, max_stack_size: default limits
            of every context spawned here (see the README's limits table).
        max_result_bytes: the output budget of each value leaving a context
            (a result, a ``Host.send`` message, one ``Host.call``'s
            arguments, a DOM snapshot): this many bytes of msgpack and
            ``max_result_bytes // 16`` values, counted as expanded. Past it,
            ``ResultTooLargeError`` (results) or a JS ``TypeError`` (sends
            and calls from JS). Default: twice ``memory_limit`` (at least
            1 MiB), 64 MiB without a memory limit; at most 1 GiB.
        apis: default API groups for ``spawn``.
        on_uncaught: ``"crash"`` (default) or ``"log"``: what an exception
            escaping a callback without a caller does to its context.
        spare_threads: extra native threads (default 32, started only when
            needed) that stand in while a worker is parked in
            ``Host.callSync`` or stuck in one long slice. At most ``size +
            spare_threads`` contexts can run long slices at once; beyond
            that, siblings wait until a limit ends one: give untrusted code
            a ``timeout`` or ``max_reductions``.
        handler_threads: at most this many threads run plain (non-async)
            host handlers at once (they are started as needed).
        storage_path: SQLite file backing ``localStorage`` (the ``storage``
            group); None keeps it in memory for the pool's lifetime.
        fetch_policy: ``policy(ctx, method, url) -> bool`` deciding which
            requests ``fetch`` may make (default: all); ``spawn(fetch_policy=)``
            overrides it per context.
        modules: the :class:`Modules` registry where ``import`` and
            ``import()`` find modules (files under a root, in-memory modules,
            an import map); ``spawn(modules=)`` overrides it per context.
            Without one, importing anything is a ``TypeError`` in JS.
        processes: run the contexts in this many worker processes (process
            mode: a native crash kills one process, its contexts exit with
            reason ``crashed`` and are restarted by their supervisors; the
            ``size`` threads are shared out among them). 0 (the default, or
            the ``ACTORS_PROCESSES`` environment variable) keeps everything in
            this process. Worker processes start through multiprocessing's
            forkserver and never re-run the main module, so scripts need no
            ``if __name__ == "__main__":`` guard. More processes than
            ``size`` is a ``ValueError``.

    Stop a pool when done (``stop()`` or ``with``): one that is garbage-
    collected unstopped stops its contexts, releases its threads and emits a
    ``ResourceWarning`` (a pool stays reachable while a context, its actor or
    a ``restart=`` supervisor does). After ``os.fork()``, pools and contexts
    inherited by the child raise :class:`ActorsError` there and stop quietly
    (the parent's are untouched); create new pools in the child.

    Bounds per context: at most 10,000 ``Host.call`` promises awaiting Python
    (``Host.call`` throws a ``RangeError`` past that), and a mailbox of
    100,000 commands or 64 MiB (``send``/``eval``/... raise
    :class:`MailboxFullError` past that, in both modes; nothing accepted is
    lost or reordered).
    """

    _ids = itertools.count(1)

    def __init__(
        self,
        size: int | None = None,
        *,
        memory_limit: int | None = None,
        max_reductions: int | None = None,
        timeout: float | None = None,
        max_stack_size: int | None = None,
        max_result_bytes: int | None = None,
        apis: str | Iterable[str] | None = "browser",
        on_uncaught: str = "crash",
        spare_threads: int | None = None,
        handler_threads: int = 16,
        storage_path: str | os.PathLike[str] | None = None,
        fetch_policy: Callable[[Context, str, str], bool] | None = None,
        modules: Modules | None = None,
        processes: int | None = None,
    ) -> None:
        if size is None:
            size = os.cpu_count() or 1
        if isinstance(size, bool) or not isinstance(size, int) or size < 1:
            raise ValueError(f"size must be a positive int, got {size!r}")
        _check_limit("memory_limit", memory_limit)
        _check_limit("max_reductions", max_reductions)
        _check_limit("timeout", timeout, float)
        _check_limit("max_stack_size", max_stack_size)
        _check_result_bytes(max_result_bytes)
        if on_uncaught not in _ON_UNCAUGHT:
            raise ValueError("on_uncaught must be 'crash' or 'log'")
        _check_modules(modules)
        self._size = size
        self._defaults = SpawnOptions(
            apis=resolve_apis(apis),
            memory_limit=memory_limit,
            max_reductions=max_reductions,
            timeout=timeout,
            max_stack_size=max_stack_size,
            max_result_bytes=max_result_bytes,
            on_uncaught=on_uncaught,
            modules=modules,
        )
        self._default_apis_spec = apis
        self._log = log
        # Spares stand in for workers parked in callSync or stuck in one long
        # slice; idle ones cost nothing but a stack mapping. At most size +
        # spare contexts can be in a long slice at once.
        spare = spare_threads if spare_threads is not None else 32
        self._id = next(ContextPool._ids)
        # The pool's own threads hold it weakly: a pool dropped without stop()
        # becomes unreachable, and its finalizer releases the threads.
        wself = weakref.ref(self)
        # never more processes than threads: each process runs at least one.
        # Asked for explicitly, more is an error; from ACTORS_PROCESSES (a
        # setting for a whole test run or deployment) it is capped at size.
        wanted = _processes_option(processes)
        if processes is not None and wanted > size:
            raise ValueError(
                f"processes={wanted} is more than size={size}: each worker process runs at least "
                f"one of the pool's native threads (use size >= processes)"
            )
        self._processes = min(wanted, size)
        self._backend: Backend = start_backend(
            size, spare, self._processes, self._id, _weak_crash_handler(wself)
        )
        self._owner = _Owner(self)
        self._contexts: dict[int, ContextPort] = {}
        self._names: dict[str, Context] = {}
        self._starting: set[str] = set()  # names of contexts whose script is running
        self._lock = threading.Lock()
        self._child_ids = itertools.count(1)
        self._supervisor: Any = None
        self.storage_path = None if storage_path is None else os.fspath(storage_path)
        self.fetch_policy = fetch_policy
        self._services: dict[str, Any] = {}
        self._closed = False
        self._inherited = False  # set in a forked child: this pool is the parent's
        self._async_handlers = AsyncHandlerLoop()
        self._pollers = CallPollers(self._backend.poll_calls, _weak_call_handler(wself), handler_threads)
        self._event_thread = threading.Thread(
            target=_event_loop,
            args=(wself, self._backend),
            name=f"actors-pool-{self._id}-events",
            daemon=True,
        )
        self._event_thread.start()
        self._pid = os.getpid()
        self._finalizer = weakref.finalize(
            self,
            _release_unstopped,
            self._id,
            self._pid,
            self._backend,
            self._pollers,
            self._async_handlers,
            self._event_thread,
        )
        _live_pools.add(self)

    # ---- properties -----------------------------------------------------------------------

    @property
    def size(self) -> int:
        """Number of native worker threads (slots)."""
        return self._size

    @property
    def processes(self) -> int:
        """Worker processes hosting the contexts (0: thread mode, in this process)."""
        return self._processes

    @property
    def closed(self) -> bool:
        return self._closed

    def stats(self) -> dict[str, int]:
        """Native scheduler counters: threads, slots, contexts, slices, handoffs
        (summed over the worker processes in process mode, which adds
        ``processes`` alive and ``crashes`` seen)."""
        if self._closed:
            return {"threads": 0, "slots": self._size, "contexts": 0, "slices": 0, "handoffs": 0}
        stats: dict[str, int] = self._backend.stats()
        return stats

    def contexts(self) -> list[Context]:
        """The contexts alive on this pool."""
        with self._lock:
            return [port.context for port in self._contexts.values()]

    def service(self, name: str, factory: Callable[[ContextPool], Any]) -> Any:
        """The pool-wide helper object ``name`` of an API group (lock manager,
        channel hub, storage database, ...), created by ``factory(pool)`` on
        first use. Objects with a ``close()`` method are closed at ``stop()``."""
        with self._lock:
            svc = self._services.get(name)
            if svc is None:
                if self._closed:
                    raise ContextDeadError("the pool is stopped")
                svc = self._services[name] = factory(self)
            return svc

    def whereis(self, name: str) -> Context | None:
        """The live context registered under ``name=``, if any."""
        with self._lock:
            return self._names.get(name)

    def __enter__(self) -> ContextPool:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def __repr__(self) -> str:
        state = "stopped" if self._closed else f"{len(self._contexts)} contexts"
        return f"<actors.ContextPool size={self._size} {state}>"

    # ---- spawning ---------------------------------------------------------------------------

    def spawn(
        self,
        *,
        apis: str | Iterable[str] | None = _UNSET,
        handlers: Mapping[str, Callable[..., Any]] | None = None,
        memory_limit: int | None = _UNSET,
        max_reductions: int | None = _UNSET,
        timeout: float | None = _UNSET,
        max_stack_size: int | None = _UNSET,
        max_result_bytes: int | None = _UNSET,
        script: str | os.PathLike[str] | Script | None = None,
        name: str | None = None,
        on_uncaught: str | None = None,
        link: Any = None,
        restart: str | None = None,
        origin: str | None = None,
        fetch_policy: Callable[[Context, str, str], bool] | None = None,
        url: str | None = None,
        modules: Modules | None = _UNSET,
    ) -> Context:
        """Create a context. Limits not given here use the pool's defaults.

        ``link=`` ties the context to an ActorRef, Context or Supervisor (it
        dies with it, see :meth:`Context.link`). ``restart=`` (``"permanent"``,
        ``"transient"``; default ``"temporary"``) puts the context under the
        pool's supervisor, which restarts it with the same options when it
        crashes; find the current incarnation with :meth:`whereis`.
        ``origin=`` names the web origin of the context: contexts of one
        origin share ``localStorage`` (the ``storage`` group). ``url=`` is
        the absolute URL ``location`` and ``document.URL`` report (default:
        the origin's root when ``origin=`` is a URL origin, else
        ``about:blank``); without ``origin=`` it also sets the origin.
        ``script=`` is a file to run, or a :class:`Script` from
        :meth:`compile` (loaded from bytecode); a script that is an ES
        module imports through ``modules=`` (default: the pool's).

        Raises:
            JSError: the ``script`` threw (the context is stopped).
            ValueError / TypeError: a bad option (unknown API group, negative limit, ...).
        """
        if handlers is not None and not isinstance(handlers, Mapping):
            raise TypeError(
                f"handlers must be a mapping of names to callables, like {{'greet': greet}}; "
                f"got {type(handlers).__name__}"
            )
        d = self._defaults
        ctx_url, ctx_origin = spawn_url(url, origin, d.origin)
        opts = replace(
            d,
            apis=d.apis if apis is _UNSET else resolve_apis(apis),
            handlers=dict(handlers or {}),
            memory_limit=d.memory_limit if memory_limit is _UNSET else memory_limit,
            max_reductions=d.max_reductions if max_reductions is _UNSET else max_reductions,
            timeout=d.timeout if timeout is _UNSET else timeout,
            max_stack_size=d.max_stack_size if max_stack_size is _UNSET else max_stack_size,
            max_result_bytes=d.max_result_bytes if max_result_bytes is _UNSET else max_result_bytes,
            name=name,
            on_uncaught=on_uncaught or d.on_uncaught,
            origin=ctx_origin,
            url=ctx_url,
            fetch_policy=fetch_policy,
            modules=d.modules if modules is _UNSET else modules,
        )
        _check_modules(opts.modules)
        _check_limit("memory_limit", opts.memory_limit)
        _check_limit("max_reductions", opts.max_reductions)
        _check_limit("timeout", opts.timeout, float)
        _check_limit("max_stack_size", opts.max_stack_size)
        if opts.max_stack_size is not None and opts.max_stack_size > 7 * 1024 * 1024:
            raise ValueError("max_stack_size must be at most 7 MiB (worker threads have 8 MiB stacks)")
        _check_result_bytes(opts.max_result_bytes)
        if opts.on_uncaught not in _ON_UNCAUGHT:
            raise ValueError("on_uncaught must be 'crash' or 'log'")
        for key, fn in opts.handlers.items():
            if not isinstance(key, str) or not callable(fn):
                raise TypeError(
                    f"handlers must map names (str) to callables; handlers[{key!r}] is {type(fn).__name__}"
                    if isinstance(key, str)
                    else f"handlers must map names (str) to callables; got the key {key!r}"
                )
        if isinstance(script, Script):
            opts = replace(opts, script=script.filename, script_code=script)
        elif script is not None:
            path = Path(script)
            try:
                source = read_script(path)  # one str per file, not per context
            except OSError as exc:
                raise ActorsError(f"cannot read script {str(path)!r}: {exc}") from exc
            # a module under the registry's root is named as its importers name
            # it (/app.js), so its relative imports resolve inside the root
            named = opts.modules.name_for(path) if opts.modules is not None else None
            opts = replace(opts, script=named or str(path), script_source=source)
        if restart is None or restart == "temporary":
            ctx = self._start(opts)
            if link is not None:
                ctx.link(link)
            return ctx
        if restart not in ("permanent", "transient"):
            raise ValueError("restart must be 'permanent', 'transient' or 'temporary'")

        def start() -> Context:
            c = self._start(opts)
            if link is not None:
                c.link(link)
            return c

        child_id = opts.name or f"context-{next(self._child_ids)}"
        result: Context = self._pool_supervisor().start_child(child_id, start, restart=restart)
        return result

    def compile(self, source: str, *, filename: str = "<script>") -> Script:
        """Compile ``source`` once, to load into any number of contexts.

        ``spawn(script=compiled)`` and ``ctx.eval(compiled)`` then load its
        bytecode instead of parsing the source again; the bytecode keeps no
        source text (line numbers stay, for error locations). A module's
        imports are resolved by each context that loads it.

        Raises:
            JSError: ``source`` does not compile (the message says where).
        """
        return compile_script(source, filename)

    def _pool_supervisor(self) -> Any:
        from actors.supervision.supervisor import PoolSupervisor

        with self._lock:
            if self._closed:
                raise ContextDeadError("the pool is stopped")
            if self._supervisor is None:
                # intensity counted per context: one crash-looping context must
                # not take its healthy siblings down with it
                self._supervisor = PoolSupervisor(name=f"pool-{self._id}")
            return self._supervisor

    def _start(self, opts: SpawnOptions) -> Context:
        self._check_inherited()
        if self._closed:
            raise ContextDeadError("the pool is stopped")
        name = opts.name
        if name is not None:
            with self._lock:
                if name in self._names or name in self._starting:
                    raise ValueError(f"a context named {name!r} is already running")
                self._starting.add(name)
        try:
            ctx_id = self._next_context_id()
            spec = ContextSpec(
                ctx_id,
                memory_limit=opts.memory_limit or 0,
                max_reductions=opts.max_reductions or 0,
                timeout=float(opts.timeout or 0.0),
                max_stack_size=opts.max_stack_size or 0,
                on_uncaught=_ON_UNCAUGHT[opts.on_uncaught],
                groups=opts.apis,
                max_result_bytes=opts.max_result_bytes or 0,
            )
            handle = self._backend.new_context(spec)
            ctx = Context(self, self._owner, ctx_id, handle, opts)
            port = ContextPort(ctx)
            with self._lock:
                self._contexts[ctx_id] = port
            try:
                port.run_script()
            except BaseException:
                ctx.stop()
                raise
            # The name is published only now: whoever finds the context by
            # name (a restart's caller polling whereis) finds it set up.
            if name is not None:
                with self._lock:
                    if ctx_id in self._contexts:  # not exited meanwhile
                        self._names[name] = ctx
            return ctx
        finally:
            if name is not None:
                with self._lock:
                    self._starting.discard(name)

    _ctx_ids = itertools.count(1)

    def _next_context_id(self) -> int:
        return next(ContextPool._ctx_ids)

    # ---- fork -----------------------------------------------------------------------------------

    def _check_inherited(self) -> None:
        if self._inherited:
            raise ActorsError(
                f"ContextPool #{self._id} belongs to process {self._pid}, which forked this one: its "
                "threads do not exist here. Create a new ContextPool in the child process"
            )

    def _mark_inherited(self) -> None:
        """In a forked child: the pool's threads, native state and worker
        processes stay the parent's. Nothing here may wait on them: a lock a
        parent thread held at the fork is held for good in the child."""
        self._inherited = True
        self._closed = True
        self._lock = threading.Lock()
        self._finalizer.detach()
        self._backend.after_fork_in_child()

    # ---- the event thread ---------------------------------------------------------------------

    def _on_event_thread(self) -> bool:
        return threading.current_thread() is self._event_thread

    def _handle_event(self, frame: bytes) -> None:
        try:
            ev = codec.decode(frame)
        except Exception as exc:
            self._undecodable(frame, exc)
            return
        self._dispatch(ev)

    def _undecodable(self, frame: bytes, exc: Exception) -> None:
        """An event whose value Python cannot represent: fail its waiter with the reason."""
        try:
            ev = codec.decode_envelope(frame)
        except Exception:
            log.exception("actors: malformed native event")
            return
        if ev[0] == nb.EV_RESULT:
            port = self._contexts.get(ev[1])
            if port is not None:
                port.complete_async(ev[2], nb.R_CONVERSION, str(exc))
        else:
            log.warning("actors: dropped an event of context #%s: %s", ev[1], exc)

    def _dispatch(self, ev: list[Any]) -> None:
        kind, ctx_id = ev[0], ev[1]
        port = self._contexts.get(ctx_id)
        ctx = port.context if port is not None else None
        if kind == nb.EV_RESULT:
            if port is not None:
                port.complete_async(ev[2], ev[3], ev[4])
        elif kind == nb.EV_MESSAGE:
            if ctx is not None:
                for cb in ctx.message_callbacks:
                    run_callback(f"on_message callback of context #{ctx_id}", cb, ev[2])
        elif kind == nb.EV_UNCAUGHT:
            name, message, stack = ev[3]
            label = ctx.name if ctx is not None and ctx.name else f"#{ctx_id}"
            _uncaught_log.warning(
                "uncaught %s in %s callback of context %s: %s%s",
                name,
                ev[2],
                label,
                message,
                f"\n{stack}" if stack else "",
            )
        elif kind == nb.EV_LOG:
            label = ctx.name if ctx is not None and ctx.name else f"#{ctx_id}"
            _console_log.log(ev[2], "%s", ev[3], extra={"context": label})
        elif kind == nb.EV_EXIT:
            self._backend.context_exited(ctx_id)
            with self._lock:
                self._contexts.pop(ctx_id, None)
                if ctx is not None and ctx.name is not None and self._names.get(ctx.name) is ctx:
                    del self._names[ctx.name]
            if port is not None and ctx is not None:
                if ev[2] not in ("normal", "killed"):
                    log.warning("context %s exited: %s", ctx.name or f"#{ctx_id}", ev[2])
                port.exited(ev[2], ev[3])

    def _on_worker_crash(self, ctx_ids: list[int], why: str) -> None:
        """On a worker's reader thread, before its contexts' exits are reported."""
        with self._lock:
            lost = [self._contexts[i] for i in ctx_ids if i in self._contexts]
        for port in lost:
            port.crashed()

    def _on_call_frame(self, frame: bytes) -> None:
        """On a poller thread: one host call from JS."""
        try:
            _kind, ctx_id, call_id, flags, name, args = codec.decode(frame)
        except Exception:
            log.exception("actors: malformed host call frame")
            return
        port = self._contexts.get(ctx_id)
        if port is None:
            return
        self._host_call(port, call_id, name, args, flags)

    def _host_call(self, port: ContextPort, call_id: int, name: str, args: list[Any], flags: int = 0) -> None:
        ctx = port.context
        sync = bool(flags & nb.CALL_SYNC)
        if flags & nb.CALL_INTERNAL:
            fn = _group_handler(port, name)
        else:
            fn = ctx.handler(name)
        handle = port.handle
        answered = False

        def answer(value: Any, exc: BaseException | None) -> None:
            # Exactly one answer per call, whatever the handler returned or
            # raised (an exception whose __str__ raises, a value that cannot
            # be encoded): a callSync would otherwise park its thread for good.
            nonlocal answered
            if answered:
                return
            answered = True
            try:
                if exc is None:
                    try:
                        payload = codec.encode([True, value])
                    except ConversionError as err:
                        what = f"handler {name!r} returned {err}"
                        payload = codec.encode([False, ["ConversionError", what]])
                else:
                    port.record_handler_error(name, exc)
                    payload = codec.encode([False, list(describe(exc))])
            except BaseException:
                payload = _ANSWER_FAILED
            try:
                handle.resolve(call_id, payload)
            except BaseException as err:  # the context is gone: nobody waits
                escalate(err, f"answering host call {name!r}")

        if fn is None:
            known = ", ".join(port.handler_names()) or "none"
            answer(None, LookupError(f"no host handler named {name!r} (handlers: {known})"))
            return
        if inspect.iscoroutinefunction(fn):
            mark = SyncServe(ctx) if sync else None
            try:
                coro = fn(*args)
            except BaseException as exc:
                answer(None, exc)
                return
            self._async_handlers.submit(coro, answer, mark)
            return

        # While a context is parked in Host.callSync, a blocking call into that
        # same context from its handler could never be answered: mark it.
        previous = serving.ctx
        serving.ctx = ctx if sync else None
        try:
            value = fn(*args)
        except BaseException as exc:
            # KeyboardInterrupt and SystemExit too: a handler has a caller,
            # JS, which gets the exception; the pool lives on.
            serving.ctx = previous
            answer(None, exc)
            return
        finally:
            serving.ctx = previous
        answer(value, None)

    # ---- shutdown --------------------------------------------------------------------------------

    def stop(self) -> None:
        """Stop every context, then the worker threads. Idempotent; returns when all are joined.

        In a child made by ``os.fork()``, stopping a pool inherited from the
        parent does nothing (its threads and worker processes are the parent's).
        """
        if self._inherited:
            return
        # A KeyboardInterrupt or SystemExit that an exit callback raises on
        # another thread reaches the main thread after the stop, not inside it.
        with deferring_interrupts():
            self._stop()

    def _stop(self) -> None:
        with self._lock:
            if self._closed:
                return
            self._closed = True
            sup, self._supervisor = self._supervisor, None
        self._finalizer.detach()
        if sup is not None:
            sup.stop()  # first: nothing may restart what is being stopped
        with self._lock:
            contexts = list(self._contexts.values())
        for port in contexts:
            port.request_stop()
        # Let the event thread deliver what the contexts said before they
        # exited (console lines, messages): their exit events come last.
        if not self._on_event_thread():
            deadline = time.monotonic() + 5.0
            for port in contexts:
                if not port.wait_exited(max(0.0, deadline - time.monotonic())):
                    break
        # The event thread must be gone before the native pool is freed; the
        # exits it would still have reported are applied below instead. A
        # context parked in Host.callSync is woken by its stop, so nothing
        # waits on it.
        self._backend.close_events()
        if self._event_thread is not threading.current_thread():
            self._event_thread.join(5.0)
        self._backend.free()  # waits (GIL released) until every context is torn down
        interrupt: BaseException | None = None
        for port in contexts:
            try:
                port.exited(port.context.exit_reason or "normal", None)
            except BaseException as exc:  # an exit callback's KeyboardInterrupt: after the stop
                interrupt = interrupt or exc
        with self._lock:
            self._contexts.clear()
            self._names.clear()
        self._pollers.join(wait=0.5)
        self._async_handlers.close()
        with self._lock:
            services, self._services = list(self._services.values()), {}
        for svc in services:
            close = getattr(svc, "close", None)
            if callable(close):
                try:
                    close()
                except Exception:
                    log.exception("actors: closing a pool service failed")
        _live_pools.discard(self)
        if interrupt is not None:
            raise interrupt


class _Owner:
    """The pool as its contexts see it (:class:`actors.context.ContextOwner`)."""

    __slots__ = ("_pool",)

    def __init__(self, pool: ContextPool) -> None:
        self._pool = pool

    @property
    def closed(self) -> bool:
        return self._pool._closed

    @property
    def inherited(self) -> bool:
        return self._pool._inherited

    @property
    def pid(self) -> int:
        return self._pool._pid

    def on_event_thread(self) -> bool:
        return self._pool._on_event_thread()


def backend_of(pool: ContextPool) -> Backend:
    """The backend running ``pool``'s contexts (for :mod:`actors.testing`)."""
    return pool._backend


def _processes_option(processes: int | None) -> int:
    if processes is None:
        env = os.environ.get("ACTORS_PROCESSES", "").strip()
        if not env:
            return 0
        try:
            processes = int(env)
        except ValueError:
            raise ValueError(f"ACTORS_PROCESSES must be an int, got {env!r}") from None
    if isinstance(processes, bool) or not isinstance(processes, int) or processes < 0:
        raise ValueError(f"processes must be an int >= 0 (0: thread mode), got {processes!r}")
    return processes


def _group_handler(port: ContextPort, name: str) -> Callable[..., Any] | None:
    """A polyfill's private host call "<group>.<handler>", bound to its context."""
    ctx = port.context
    group_name, _, handler = name.partition(".")
    if group_name == "modules":
        return module_handler(port.options.modules, handler)
    group = REGISTRY.get(group_name)
    if group is None or group_name not in port.options.apis:
        return None
    fn = group.handlers.get(handler)
    if fn is None:
        return None
    if inspect.iscoroutinefunction(fn):

        async def bound_async(*args: Any) -> Any:
            return await fn(ctx, *args)

        return bound_async
    return lambda *args: fn(ctx, *args)


def _check_modules(modules: Any) -> None:
    if modules is not None and not isinstance(modules, Modules):
        raise TypeError(f"modules must be an actors.Modules registry, not {type(modules).__name__}")


def _event_loop(wpool: weakref.ref[ContextPool], native: Backend) -> None:
    """The event thread: holds its pool only while it handles an event."""
    serving.event_thread = True
    while True:
        frame = native.poll(0.5)
        if frame is False:
            return
        if frame is None:
            continue
        pool = wpool()
        if pool is None:
            continue  # dropped: its finalizer closes the queues
        try:
            pool._handle_event(frame)
        except BaseException as exc:  # the event thread outlives anything
            escalate(exc, "handling a native event")
        finally:
            del pool


def _weak_call_handler(wpool: weakref.ref[ContextPool]) -> Callable[[bytes], None]:
    def handle(frame: bytes) -> None:
        pool = wpool()
        if pool is not None:
            pool._on_call_frame(frame)

    return handle


def _weak_crash_handler(wpool: weakref.ref[ContextPool]) -> Callable[[list[int], str], None]:
    def on_crash(ctx_ids: list[int], why: str) -> None:
        pool = wpool()
        if pool is not None:
            pool._on_worker_crash(ctx_ids, why)

    return on_crash


def _release_unstopped(
    pool_id: int,
    pid: int,
    native: Any,
    pollers: CallPollers,
    handlers: AsyncHandlerLoop,
    events: threading.Thread,
) -> None:
    """The finalizer of a pool dropped without stop(): its threads end, its contexts stop.

    Runs wherever the pool was collected, possibly on one of its own threads:
    the joins skip the current thread. Nothing here refers to the pool.
    """
    if os.getpid() != pid:
        return  # a forked child: these threads and workers are the parent's
    try:
        native.close_events()
        if events is not threading.current_thread():
            events.join(5.0)
        native.free()
        pollers.join(wait=0.5)
        handlers.close()
    except Exception:  # pragma: no cover - best effort from a finalizer
        log.exception("actors: releasing an unstopped pool failed")
    # after the release: with warnings turned into errors the warning raises
    warnings.warn(
        f"ContextPool #{pool_id} was garbage-collected without stop(): its contexts were stopped "
        "and its threads released; call stop() or use `with ContextPool(...)`",
        ResourceWarning,
        stacklevel=2,
    )


_live_pools: weakref.WeakSet[ContextPool] = weakref.WeakSet()


def _after_fork_in_child() -> None:
    # Runs in the child right after os.fork(): only the forking thread exists.
    for pool in list(_live_pools):
        pool._mark_inherited()
    _live_pools.clear()
    _forget_parent_forkserver()


def _forget_parent_forkserver() -> None:
    """The forkserver that starts process-mode workers is the parent's child,
    which this process cannot wait for: the next pool here starts its own."""
    import sys

    forkserver = sys.modules.get("multiprocessing.forkserver")
    server = getattr(forkserver, "_forkserver", None)
    if server is None or getattr(server, "_forkserver_pid", None) is None:
        return
    alive_fd = getattr(server, "_forkserver_alive_fd", None)
    if alive_fd is not None:
        try:
            os.close(alive_fd)  # our copy: the parent keeps its server alive with its own
        except OSError:
            pass
    server._forkserver_alive_fd = None
    server._forkserver_address = None
    server._forkserver_pid = None
    server._lock = threading.Lock()


os.register_at_fork(after_in_child=_after_fork_in_child)


# Registered after multiprocessing's exit hook (imported above), so it runs
# before it: pools stop their worker processes in order instead of having
# them terminated under their feet (which would look like crashes).
@atexit.register
def _stop_pools_at_exit() -> None:
    for pool in list(_live_pools):
        try:
            pool.stop()
        except Exception:  # pragma: no cover - best effort at exit
            log.exception("actors: stopping a pool at exit failed")
