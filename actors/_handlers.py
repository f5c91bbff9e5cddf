"""Where Python host handlers run: never on a native worker thread.

Plain functions run on a small pool of daemon threads (daemon, so a handler
that never returns cannot hold the interpreter at exit); ``async def``
handlers run on one asyncio loop in its own daemon thread.
"""

from __future__ import annotations

import asyncio
import queue
import threading
from collections.abc import Callable
from typing import Any

Job = Callable[[], None]


class HandlerThreads:
    """A lazily grown pool of daemon threads running jobs in FIFO order."""

    def __init__(self, max_threads: int, name: str = "actors-handler") -> None:
        self._q: queue.SimpleQueue[Job | None] = queue.SimpleQueue()
        self._max = max(1, max_threads)
        self._name = name
        self._lock = threading.Lock()
        self._threads: list[threading.Thread] = []
        self._pending = 0   # jobs queued or running
        self._closed = False

    def submit(self, job: Job) -> None:
        with self._lock:
            if self._closed:
                raise RuntimeError("the handler pool is closed")
            self._pending += 1
            if self._pending > len(self._threads) and len(self._threads) < self._max:
                t = threading.Thread(target=self._run, name=f"{self._name}-{len(self._threads)}", daemon=True)
                self._threads.append(t)
                t.start()
        self._q.put(job)

    def _run(self) -> None:
        while True:
            job = self._q.get()
            if job is None:
                return
            try:
                job()
            finally:
                with self._lock:
                    self._pending -= 1

    def close(self, wait: float = 1.0) -> None:
        """Stop the threads; a handler still running after ``wait`` seconds is left behind."""
        with self._lock:
            if self._closed:
                return
            self._closed = True
            threads = list(self._threads)
        for _ in threads:
            self._q.put(None)
        for t in threads:
            if t is not threading.current_thread():
                t.join(wait)

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
        fut = asyncio.run_coroutine_threadsafe(coro, self.loop())

        def finished(f: Any) -> None:
            try:
                done(f.result(), None)
            except BaseException as exc:
                done(None, exc)

        fut.add_done_callback(finished)

    def close(self) -> None:
        with self._lock:
            loop, thread = self._loop, self._thread
            self._loop = self._thread = None
        if loop is not None and thread is not None:
            loop.call_soon_threadsafe(loop.stop)
            if thread is not threading.current_thread():
                thread.join(1.0)
