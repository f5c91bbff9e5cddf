"""Where Python host handlers run: never on a native worker thread.

Plain functions run on pollers of the native call queue (daemon threads, so a
handler that never returns cannot hold the interpreter at exit); ``async def``
handlers run on one asyncio loop in its own daemon thread.
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Callable
from typing import Any


class _Serving(threading.local):
    """Per thread: what this thread is doing for a pool.

    ``ctx``: the context whose Host.callSync this thread is answering.
    ``event_thread``: this is a pool's event thread, which must never block
    on something only it can deliver (exits, async answers).
    """

    ctx: Any = None
    event_thread: bool = False


serving = _Serving()


class CallPollers:
    """Daemon threads that take host calls straight off the native call queue.

    Each poller runs the handler it took inline, so a call costs one hand-off
    from the native worker to Python. The pool grows (up to ``max_threads``)
    whenever every poller is busy, so a slow handler never holds up others;
    daemon threads mean a handler that never returns cannot block exit.
    """

    def __init__(
        self,
        poll: Callable[[float], bytes | bool | None],
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
            if frame is None or frame is True:
                continue
            with self._lock:
                self._idle -= 1
                if self._idle == 0 and len(self._threads) < self._max:
                    self._spawn()
            try:
                self._handle(frame)
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

    def submit(self, coro: Any, done: Callable[[Any, BaseException | None], None]) -> None:
        async def guarded() -> None:
            # Everything a handler raises goes to JS. A KeyboardInterrupt or
            # SystemExit escaping into the loop would stop it, and with it
            # every async handler of the pool.
            try:
                value = await coro
            except BaseException as exc:
                done(None, exc)
                return
            done(value, None)

        asyncio.run_coroutine_threadsafe(guarded(), self.loop())

    def close(self) -> None:
        with self._lock:
            runner, self._runner = self._runner, None
        if runner is not None:
            runner.stop()
