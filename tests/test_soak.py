"""Soak: a pool driven through the host-side hazards of issue 12 for a while.

While tenant contexts raise BaseExceptions from callbacks, fail with
exceptions that cannot be described, re-enter contexts parked in callSync,
flood host calls and mailboxes, run out of memory, and close workers, a
sentinel context on the same pool keeps answering within 50 ms (p99), and
afterwards no thread, descriptor or context is left behind.
"""

from __future__ import annotations

import asyncio
import gc
import os
import threading
import time
import warnings
from collections.abc import Callable

import pytest
from waiting import wait_until

import actors

SOAK_SECONDS = float(os.environ.get("ACTORS_SOAK_SECONDS", "15"))


class Unprintable(Exception):
    def __str__(self) -> str:
        raise RuntimeError("no str")


def _raise_unprintable() -> None:
    raise Unprintable


def _os_threads() -> int:
    return len(os.listdir("/proc/self/task"))


def _open_fds() -> int:
    return len(os.listdir("/proc/self/fd"))


class Chaos:
    """One tenant mistake per step, in turn; every step checks its own outcome."""

    def __init__(self, pool: actors.ContextPool) -> None:
        self.pool = pool
        self.steps: list[Callable[[], None]] = [
            self.callback_raises_generator_exit,
            self.unprintable_handler_error,
            self.async_handler_reenters_its_parked_context,
            self.host_call_flood,
            self.message_flood,
            self.memory_exit,
            self.worker_close,
            self.unstopped_pool,
        ]
        self.done: dict[str, int] = {}

    def run(self, seconds: float) -> None:
        deadline = time.monotonic() + seconds
        i = 0
        while time.monotonic() < deadline:
            step = self.steps[i % len(self.steps)]
            step()
            self.done[step.__name__] = self.done.get(step.__name__, 0) + 1
            i += 1

    def callback_raises_generator_exit(self) -> None:
        c = self.pool.spawn(apis=None)

        def boom(*_: object) -> None:
            raise GeneratorExit

        got = threading.Event()
        c.on_message(boom)
        c.on_message(lambda _m: got.set())
        c.on_exit(boom)
        c.eval("Host.send(1); 1")
        assert got.wait(5)
        c.stop()

    def unprintable_handler_error(self) -> None:
        c = self.pool.spawn(apis=None, handlers={"h": _raise_unprintable}, timeout=5)
        assert c.eval("try { Host.callSync('h') } catch (e) { e.name }") == "Unprintable"
        c.stop()

    def async_handler_reenters_its_parked_context(self) -> None:
        holder: list[actors.Context] = []

        async def handler() -> object:
            return await holder[0].eval_async("1")

        c = self.pool.spawn(apis=None, handlers={"h": handler}, timeout=5)
        holder.append(c)
        assert c.eval("try { Host.callSync('h') } catch (e) { e.name }") == "ActorsError"
        c.stop()

    def host_call_flood(self) -> None:
        c = self.pool.spawn(apis=None, handlers={"h": lambda: 1})
        got = c.eval("var ps = []; try { for (;;) ps.push(Host.call('h')) } catch (e) { ps.length }")
        assert got == 10000
        with pytest.raises(actors.EvalTimeoutError):
            c.eval("await new Promise(() => {})", timeout=0.05)
        assert c.eval("1 + 1", timeout=5) == 2
        c.stop()

    def message_flood(self) -> None:
        c = self.pool.spawn(apis=None)
        c.eval("globalThis.n = 0; Host.onMessage(() => n++); 0")
        for i in range(5000):
            c.send(i)
        assert c.eval("n") == 5000
        c.stop()

    def memory_exit(self) -> None:
        c = self.pool.spawn(apis=None, memory_limit=2 * 1024 * 1024)
        c.eval("setTimeout(() => { const a = []; for (;;) a.push(new Array(10000).fill(1)); }, 0); 1")
        with pytest.raises(actors.ContextDeadError) as info:
            deadline = time.monotonic() + 10
            while time.monotonic() < deadline:
                c.eval("1")
        assert info.value.reason == "memory"

    def worker_close(self) -> None:
        c = self.pool.spawn(apis=["worker"])
        c.eval(
            "globalThis.r = []; for (let i = 0; i < 5; i++) "
            "new Worker(\"postMessage('bye'); close();\").onmessage = (e) => r.push(e.data); 0"
        )
        wait_until(lambda: c.eval("r.length") >= 5, timeout=10)
        assert c.eval("r.length") == 5
        c.stop()

    def unstopped_pool(self) -> None:
        if self.pool.processes:
            return  # a pool of worker processes per step would dominate the soak
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            p = actors.ContextPool(size=1)
            p.spawn(apis=None).eval("1")
            del p
            gc.collect()
        assert any(issubclass(w.category, ResourceWarning) for w in caught)


@pytest.mark.slow
def test_a_sentinel_keeps_answering_while_tenants_misbehave_and_nothing_leaks() -> None:
    gc.collect()
    threads0, fds0 = _os_threads(), _open_fds()
    pool = actors.ContextPool(size=2)
    sentinel = pool.spawn(apis=None)
    assert sentinel.eval("1 + 1") == 2
    latencies: list[float] = []
    stop = threading.Event()
    failures: list[BaseException] = []

    def watch() -> None:
        try:
            while not stop.is_set():
                t0 = time.perf_counter()
                assert sentinel.eval("1 + 1", timeout=5) == 2
                latencies.append(time.perf_counter() - t0)
                stop.wait(0.005)
        except BaseException as exc:  # pragma: no cover - reported below
            failures.append(exc)

    watcher = threading.Thread(target=watch, name="sentinel-watch")
    watcher.start()
    chaos = Chaos(pool)
    try:
        chaos.run(SOAK_SECONDS)
    finally:
        stop.set()
        watcher.join(10)
    assert not failures, failures
    assert set(chaos.done) == {s.__name__ for s in chaos.steps}
    # async calls still work after all that
    assert asyncio.run(sentinel.eval_async("2 + 2")) == 4
    latencies.sort()
    p99 = latencies[int(len(latencies) * 0.99)]
    assert len(latencies) > 100
    p50 = latencies[len(latencies) // 2]
    print(f"sentinel: {len(latencies)} evals, p50 {p50 * 1e3:.2f} ms, p99 {p99 * 1e3:.2f} ms")
    print("steps:", chaos.done)
    assert p99 < 0.050, f"sentinel p99 {p99 * 1000:.1f} ms over {len(latencies)} evals"
    # no context leaks: only the sentinel is left
    assert pool.contexts() == [sentinel]
    wait_until(lambda: pool.stats()["contexts"] == 1)
    assert pool.stats()["contexts"] == 1
    pool.stop()
    gc.collect()
    # no thread or descriptor leaks once the pool is stopped (the shared
    # actor dispatcher and link watcher may have started: a few threads)
    wait_until(lambda: _os_threads() <= threads0 + 4 and _open_fds() <= fds0 + 2, timeout=10)
    assert _os_threads() <= threads0 + 4, (threads0, _os_threads())
    assert _open_fds() <= fds0 + 2, (fds0, _open_fds())
