"""The M:N scheduler: many contexts, few native threads, many Python callers.

Each context is run by one worker thread at a time, answers its callers in the
order they sent, and keeps its own globals no matter which thread runs it.
"""

from __future__ import annotations

import asyncio
import random
import threading
from collections import defaultdict
from typing import Any

import pytest

import actors

N_CONTEXTS = 100
EVALS_PER_CONTEXT = 50
N_THREADS = 8


def run_threads(n: int, target: Any, *args: Any) -> list[BaseException]:
    """Run ``target(index, *args)`` on ``n`` threads started together; return what they raised."""
    errors: list[BaseException] = []
    barrier = threading.Barrier(n)

    def body(index: int) -> None:
        try:
            barrier.wait(10)
            target(index, *args)
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=body, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert not any(t.is_alive() for t in threads), "a caller thread hung"
    return errors


def test_a_hundred_contexts_times_fifty_evals_from_eight_threads_all_answer_correctly_in_order(
    pool: actors.ContextPool,
) -> None:
    contexts = [pool.spawn(apis=None) for _ in range(N_CONTEXTS)]
    for i, ctx in enumerate(contexts):
        ctx.set_global("me", i)
        ctx.eval("globalThis.n = 0; undefined")

    # every context gets evals from every thread; each thread interleaves contexts
    tasks: dict[int, list[tuple[int, int]]] = defaultdict(list)
    for k in range(EVALS_PER_CONTEXT):
        for i in range(N_CONTEXTS):
            tasks[(i + k) % N_THREADS].append((i, k))

    seen: dict[tuple[int, int], list[int]] = defaultdict(list)  # (thread, context) -> counters
    counters: dict[int, list[int]] = defaultdict(list)  # context -> counters
    lock = threading.Lock()

    def worker(t: int) -> None:
        for i, k in tasks[t]:
            x = i * 1000 + k
            got = contexts[i].eval(f"n += 1; [me, n, {x} * 2 + 1]")
            assert got[0] == i, f"context {i} answered as context {got[0]}"
            assert got[2] == x * 2 + 1
            with lock:
                seen[(t, i)].append(got[1])
                counters[i].append(got[1])

    assert run_threads(N_THREADS, worker) == []
    for i in range(N_CONTEXTS):
        # no lost or doubled evals, whatever the interleaving
        assert sorted(counters[i]) == list(range(1, EVALS_PER_CONTEXT + 1)), f"context {i}"
        assert contexts[i].eval("n") == EVALS_PER_CONTEXT
    for (t, i), values in seen.items():
        # each caller sees its own evals on a context answered in the order it sent them
        assert values == sorted(values), f"thread {t}, context {i}: {values}"


def test_each_context_keeps_its_own_globals(pool: actors.ContextPool) -> None:
    a, b = pool.spawn(apis=None), pool.spawn(apis=None)
    a.eval("globalThis.x = 'only in a'; var y = 1; function onlyA() { return 1 }")
    assert a.eval("x") == "only in a"
    assert b.eval("typeof globalThis.x") == "undefined"
    assert b.eval("typeof y") == "undefined"
    assert b.eval("typeof onlyA") == "undefined"
    assert b.get_global("x") is None
    b.eval("globalThis.x = 'b has its own'")
    assert a.eval("x") == "only in a"


def test_builtins_changed_in_one_context_are_untouched_in_another(pool: actors.ContextPool) -> None:
    a, b = pool.spawn(apis=None), pool.spawn(apis=None)
    a.eval("""
        Array.prototype.polluted = 'yes';
        Object.prototype.evil = 1;
        Math.max = () => 'hijacked';
        delete globalThis.JSON;
        Object.freeze(Object.prototype);
        undefined
    """)
    assert a.eval("[].polluted") == "yes"
    assert a.eval("Math.max(1, 2)") == "hijacked"
    assert b.eval("[].polluted === undefined && ({}).evil === undefined") is True
    assert b.eval("Math.max(1, 2)") == 2
    assert b.eval("JSON.stringify({a: 1})") == '{"a":1}'
    assert b.eval("Object.isFrozen(Object.prototype)") is False


def test_many_contexts_keep_their_own_globals_under_concurrent_load(pool: actors.ContextPool) -> None:
    contexts = [pool.spawn(apis=None) for _ in range(40)]

    def worker(t: int) -> None:
        rng = random.Random(t)
        for _ in range(150):
            i = rng.randrange(len(contexts))
            token = f"{t}-{rng.random()}"
            # set and read back in one eval: nothing can interleave inside an operation
            assert contexts[i].eval(f"globalThis.tok = {token!r}; globalThis.tok") == token
            contexts[i].eval(f"globalThis.owner_{t} = (globalThis.owner_{t} || 0) + 1; undefined")

    assert run_threads(N_THREADS, worker) == []
    # every thread's marks landed only in contexts, never leaked into another context's count
    totals = [sum(ctx.eval(f"globalThis.owner_{t} || 0") for ctx in contexts) for t in range(N_THREADS)]
    assert totals == [150] * N_THREADS


def test_many_concurrent_eval_async_on_one_context_run_one_at_a_time_in_send_order(
    pool: actors.ContextPool,
) -> None:
    ctx = pool.spawn(apis=None)
    ctx.eval("globalThis.counter = 0; undefined")
    n = 300

    async def main() -> list[Any]:
        tasks = [asyncio.ensure_future(ctx.eval_async("++globalThis.counter")) for _ in range(n)]
        return await asyncio.wait_for(asyncio.gather(*tasks), 30)

    assert asyncio.run(main()) == list(range(1, n + 1))
    assert ctx.eval("counter") == n


def test_concurrent_read_modify_write_evals_from_threads_never_lose_an_update(
    pool: actors.ContextPool,
) -> None:
    ctx = pool.spawn(apis=None)
    ctx.eval("globalThis.c = 0; undefined")
    per_thread = 60
    results: list[int] = []
    lock = threading.Lock()
    # read, do some work, then write: two workers running this context at once would lose updates
    rmw = "{ const v = globalThis.c; let s = 0; for (let i = 0; i < 3000; i++) s += i; c = v + 1; }"

    def worker(t: int) -> None:
        for _ in range(per_thread):
            got = ctx.eval(rmw)
            with lock:
                results.append(got)

    assert run_threads(N_THREADS, worker) == []
    assert sorted(results) == list(range(1, N_THREADS * per_thread + 1))
    assert ctx.eval("c") == N_THREADS * per_thread


def test_sync_and_async_callers_mixed_on_one_context_see_one_consistent_sequence(
    pool: actors.ContextPool,
) -> None:
    ctx = pool.spawn(apis=None)
    ctx.eval("globalThis.seq = 0; undefined")
    sync_seen: list[int] = []

    def sync_caller(t: int) -> None:
        for _ in range(100):
            sync_seen.append(ctx.eval("++seq"))

    async def async_callers() -> list[int]:
        tasks = [asyncio.ensure_future(ctx.eval_async("++seq")) for _ in range(200)]
        return list(await asyncio.wait_for(asyncio.gather(*tasks), 30))

    thread = threading.Thread(target=lambda: sync_caller(0))
    thread.start()
    async_seen = asyncio.run(async_callers())
    thread.join(30)
    assert not thread.is_alive()
    assert async_seen == sorted(async_seen)  # the async sends were answered in order
    assert sync_seen == sorted(sync_seen)
    assert sorted(async_seen + sync_seen) == list(range(1, 301))


def test_a_context_moving_between_worker_threads_keeps_its_stack_limit_right() -> None:
    # a context resumes on whichever worker is free; a stale stack top would give false
    # stack overflows (or miss real ones) after a move
    with actors.ContextPool(size=4) as pool:
        contexts = [pool.spawn(apis=None) for _ in range(16)]
        for ctx in contexts:
            ctx.eval("function r(n) { return n ? r(n - 1) + 1 : 0 }; undefined")
        depth = "(() => { let d = 0; const f = () => { d++; f() }; try { f() } catch {} return d })()"
        reference = pool.spawn(apis=None).eval(depth)
        assert reference > 1000

        def worker(t: int) -> None:
            rng = random.Random(t)
            for _ in range(60):
                ctx = contexts[rng.randrange(len(contexts))]
                assert ctx.eval("r(1000)") == 1000
                with pytest.raises(actors.JSError) as info:
                    ctx.eval("r(1e7)")
                assert info.value.name == "RangeError"
                # the depth a context reaches does not depend on which thread runs it
                d = ctx.eval(depth)
                assert abs(d - reference) <= reference // 20, (reference, d)

        assert run_threads(N_THREADS, worker) == []
        assert pool.stats()["slices"] > 0


def test_calls_answered_on_the_event_thread_reach_every_asyncio_loop(pool: actors.ContextPool) -> None:
    contexts = [pool.spawn(apis=None) for _ in range(20)]
    for i, ctx in enumerate(contexts):
        ctx.set_global("me", i)

    def loop_in_thread(t: int) -> None:
        async def main() -> list[Any]:
            return list(await asyncio.gather(*(c.eval_async("me * 10") for c in contexts)))

        assert asyncio.run(main()) == [i * 10 for i in range(len(contexts))]

    assert run_threads(4, loop_in_thread) == []
