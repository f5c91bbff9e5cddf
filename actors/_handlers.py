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


class AsyncHandlerLoop:
    """One event loop in a daemon thread for ``async def`` handlers."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None

    def loop(self) -> asyncio.AbstractEventLoop:
        with self._lock:
            if self._loop is None:
                loop = asyncio.new_event_loop()
                ready = threading.Event()

                def run() -> None:
                    asyncio.set_event_loop(loop)
                    loop.call_soon(ready.set)
                    loop.run_forever()
                    loop.close()

                self._thread = threading.Thread(target=run, name="actors-async-handlers", daemon=True)
                self._thread.start()
                ready.wait()
                self._loop = loop
            return self._loop

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
            loop, thread = self._loop, self._thread
            self._loop = self._thread = None
        if loop is not None and thread is not None:
            loop.call_soon_threadsafe(loop.stop)
            if thread is not threading.current_thread():
                thread.join(1.0)
