"""Where Python host handlers run: never on a native worker thread.

Plain functions run on pollers of the native call queue (daemon threads, so a
handler that never returns cannot hold the interpreter at exit); ``async def``
handlers run on one asyncio loop in its own daemon thread.
"""

from __future__ import annotations

import _thread
import asyncio
import ctypes
import logging
import threading
import time
from collections.abc import Callable
from typing import Any, Literal

from actors._serving import SyncServe, serving, sync_serving, waits_on_parked

__all__ = [
    "AsyncHandlerLoop",
    "CallPollers",
    "SyncServe",
    "deferring_interrupts",
    "describe",
    "escalate",
    "run_callback",
    "serving",
    "waits_on_parked",
]

log = logging.getLogger("actors")


# ---- user callbacks on pool threads ------------------------------------------------------


def describe(exc: BaseException) -> tuple[str, str]:
    """``(type name, message)`` of ``exc``, whatever its ``__str__``, ``__repr__``
    or class do: a host call must be answered even when describing its error fails."""
    try:
        name = type(exc).__name__
        if not isinstance(name, str):
            raise TypeError("type name is not a str")
    except BaseException:
        name = "Exception"
    try:
        message = str(exc)
        if not isinstance(message, str):
            raise TypeError("__str__ returned a non-str")
    except BaseException:
        message = f"<{name} object: its message could not be read>"
    return name, message


class _MainDeferral:
    """While the main thread is inside pool machinery (a stop), interrupts
    for it are queued and raised when it leaves, not in the middle."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.depth = 0
        self.pending: list[BaseException] = []


_deferral = _MainDeferral()


class deferring_interrupts:
    """Context manager: on the main thread, hold back escalated interrupts until the block ends."""

    def __enter__(self) -> None:
        self._on_main = threading.current_thread() is threading.main_thread()
        if self._on_main:
            with _deferral.lock:
                _deferral.depth += 1

    def __exit__(self, *exc: object) -> None:
        if not self._on_main:
            return
        with _deferral.lock:
            _deferral.depth -= 1
            pending = _deferral.pending if _deferral.depth == 0 else []
            if _deferral.depth == 0:
                _deferral.pending = []
        if pending and exc[0] is None:
            raise pending[0]


def escalate(exc: BaseException, where: str) -> None:
    """A user callback on a pool thread raised ``exc``; the thread carries on.

    ``KeyboardInterrupt`` and ``SystemExit`` mean the user wants the program
    stopped: as asyncio and Pykka do, they are re-raised where the user sees
    them, in the main thread (``KeyboardInterrupt`` through the SIGINT path,
    which also wakes a main thread asleep in a wait; ``SystemExit`` as an
    asynchronous exception, raised at the main thread's next bytecode).
    Anything else is logged. Never raises.
    """
    try:
        if isinstance(exc, (KeyboardInterrupt, SystemExit)):
            log.warning("%s raised %s: re-raised in the main thread", where, type(exc).__name__)
            main = threading.main_thread()
            if threading.current_thread() is main:
                return  # the caller re-raises it (see run_callback)
            with _deferral.lock:
                if _deferral.depth > 0:
                    _deferral.pending.append(exc)
                    return
            if isinstance(exc, KeyboardInterrupt):
                _thread.interrupt_main()
            elif main.ident is not None and main.is_alive():
                set_async_exc = ctypes.pythonapi.PyThreadState_SetAsyncExc
                set_async_exc(ctypes.c_ulong(main.ident), ctypes.py_object(SystemExit))
        elif isinstance(exc, Exception):
            log.error("%s failed", where, exc_info=exc)
        else:
            log.error("%s raised %s; ignored", where, describe(exc)[0], exc_info=exc)
    except BaseException:  # pragma: no cover - logging itself failing
        pass


def run_callback(where: str, fn: Callable[..., Any], *args: Any) -> BaseException | None:
    """Run a user callback on a pool thread: nothing it raises escapes.

    Returns a ``KeyboardInterrupt``/``SystemExit`` it raised when the caller is
    the main thread (which re-raises it once its own bookkeeping is done),
    else None (escalated: see :func:`escalate`).
    """
    try:
        fn(*args)
    except BaseException as exc:
        escalate(exc, where)
        on_main = threading.current_thread() is threading.main_thread()
        if on_main and isinstance(exc, (KeyboardInterrupt, SystemExit)):
            return exc
    return None


class CallPollers:
    """Daemon threads that take host calls straight off the native call queue.

    Each poller runs the handler it took inline, so a call costs one hand-off
    from the native worker to Python. The pool grows (up to ``max_threads``)
    whenever every poller is busy, so a slow handler never holds up others;
    daemon threads mean a handler that never returns cannot block exit.
    """

    def __init__(
        self,
        poll: Callable[[float], bytes | Literal[False] | None],
        handle: Callable[[bytes], None],
        max_threads: int,
        name: str = "actors-handler",
    ) -> None:
        self._poll = poll
        self._handle = handle
        self._max = max(1, max_threads)
        self._name = name
        self._lock = threading.Lock()
        self._threads: list[threading.Thread] = []
        self._idle = 0
        self._spawn()

    def _spawn(self) -> None:
        # self._lock held, or during __init__
        t = threading.Thread(target=self._run, name=f"{self._name}-{len(self._threads)}", daemon=True)
        self._threads.append(t)
        self._idle += 1
        t.start()

    def _run(self) -> None:
        while True:
            frame = self._poll(0.5)
            if frame is False:
                return
            if frame is None:
                continue
            with self._lock:
                self._idle -= 1
                if self._idle == 0 and len(self._threads) < self._max:
                    self._spawn()
            try:
                self._handle(frame)
            except BaseException as exc:  # never lose the poller
                escalate(exc, "a host call")
            finally:
                with self._lock:
                    self._idle += 1

    def join(self, wait: float = 1.0) -> None:
        """Wait up to ``wait`` s in all for the pollers to notice the closed queue.

        A handler that is still running after that is left behind (its thread
        is a daemon; its answer goes to a context that no longer exists).
        """
        deadline = time.monotonic() + wait
        for t in list(self._threads):
            if t is not threading.current_thread():
                t.join(max(0.0, deadline - time.monotonic()))

    @property
    def thread_count(self) -> int:
        return len(self._threads)


class LoopThread:
    """An asyncio event loop running in its own daemon thread.

    Used by the async-handler loop and by the API groups' network services
    (fetch, websocket, eventsource), each of which owns one.
    """

    def __init__(self, name: str) -> None:
        self.loop = asyncio.new_event_loop()
        ready = threading.Event()

        def run() -> None:
            asyncio.set_event_loop(self.loop)
            self.loop.call_soon(ready.set)
            self.loop.run_forever()

        self.thread = threading.Thread(target=run, name=name, daemon=True)
        self.thread.start()
        ready.wait()

    def stop(self, shutdown: Any = None, timeout: float = 5.0) -> None:
        """Run the ``shutdown`` coroutine on the loop (if any, bounded by
        ``timeout``), then stop the loop and join its thread."""
        if shutdown is not None:
            try:
                asyncio.run_coroutine_threadsafe(shutdown, self.loop).result(timeout)
            except Exception:
                pass  # a shutdown that fails or overruns still ends in a stopped loop
        self.loop.call_soon_threadsafe(self.loop.stop)
        if self.thread is not threading.current_thread():
            self.thread.join(5.0)
            if not self.thread.is_alive():
                self.loop.close()


async def _cancel_pending() -> None:
    """Cancels the handlers still running when their pool stops, and lets
    them finish unwinding: their contexts are gone, and a task destroyed
    while pending is reported as an error at interpreter exit."""
    me = asyncio.current_task()
    pending = [t for t in asyncio.all_tasks() if t is not me]
    for task in pending:
        task.cancel()
    if pending:
        await asyncio.wait(pending, timeout=2.0)


class AsyncHandlerLoop:
    """One event loop in a daemon thread for ``async def`` handlers."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._runner: LoopThread | None = None

    def loop(self) -> asyncio.AbstractEventLoop:
        with self._lock:
            if self._runner is None:
                self._runner = LoopThread("actors-async-handlers")
            return self._runner.loop

    def submit(
        self,
        coro: Any,
        done: Callable[[Any, BaseException | None], None],
        mark: SyncServe | None = None,
    ) -> None:
        async def guarded() -> None:
            # Everything a handler raises goes to JS, its caller. A
            # KeyboardInterrupt or SystemExit escaping into the loop would
            # stop it, and with it every async handler of the pool.
            if mark is not None:
                sync_serving.set(mark)
            try:
                value = await coro
            except BaseException as exc:
                if mark is not None:
                    mark.active = False
                done(None, exc)
                return
            if mark is not None:
                mark.active = False
            done(value, None)

        asyncio.run_coroutine_threadsafe(guarded(), self.loop())

    def close(self) -> None:
        with self._lock:
            runner, self._runner = self._runner, None
        if runner is not None:
            runner.stop(_cancel_pending())
