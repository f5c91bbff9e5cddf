"""Hazards of the per-operation budget: JS that runs after its operation is
gone, limits hit while a result is converted, operations abandoned by their
caller, and work a timed-out operation leaves behind.

Crash-prone cases run in a child process: on the old code the first one was a
heap use-after-free in our C (seen under ASan; without it, a write into freed
memory), so the child's exit status is what the test checks.
"""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import textwrap
import threading
import time
from collections.abc import Iterator

import pytest

import actors

GETTER_LOOP = "get name(){let s=0;for(let i=0;i<1e6;i++)s+=i;return 'X'}"


def run_child(body: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    """Run ``body`` in a fresh interpreter (same mode, same sanitizer preload)."""
    code = "import actors\n" + textwrap.dedent(body)
    return subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=timeout, env=dict(os.environ)
    )


@pytest.fixture
def one_thread_pool() -> Iterator[actors.ContextPool]:
    p = actors.ContextPool(size=1, handler_threads=1)
    try:
        yield p
    finally:
        p.stop()


def test_a_getter_on_an_unhandled_rejection_runs_after_its_operation_is_freed_without_touching_it() -> None:
    proc = run_child(
        f"""
        p = actors.ContextPool(size=1)
        ctx = p.spawn(apis=None, on_uncaught="log")
        assert ctx.eval("await 0; Promise.reject({{{GETTER_LOOP}}}); 1") == 1
        ctx.add_handler("h", lambda: 5)
        assert ctx.eval("await Host.call('h'); Promise.reject({{{GETTER_LOOP}}}); 2") == 2
        assert ctx.eval("1+1") == 2
        p.stop()
        print("survived")
        """
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert "survived" in proc.stdout


def test_a_getter_run_after_a_limit_failed_its_operation_is_bounded_by_that_budget() -> None:
    # fail_op_limit freed the op, then the rejection report ran a getter that
    # counted reductions in the freed op: the getter's loop never hit a limit
    proc = run_child(
        """
        p = actors.ContextPool(size=1)
        ctx = p.spawn(apis=None, on_uncaught="log", max_reductions=200)
        try:
            ctx.eval("await 0; Promise.reject({get name(){for(;;){}}}); await 0; for(;;){}")
        except actors.ReductionLimitError:
            pass
        assert ctx.eval("1+1") == 2
        p.stop()
        print("survived")
        """,
        timeout=60,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert "survived" in proc.stdout


def test_a_getter_hitting_the_reduction_limit_during_conversion_is_a_reduction_limit_error(
    pool: actors.ContextPool,
) -> None:
    c = pool.spawn(apis=None, max_reductions=200)
    with pytest.raises(actors.ReductionLimitError):
        c.eval("({get x(){for(;;){}}})")
    with pytest.raises(actors.ReductionLimitError):
        c.eval("new Proxy({}, {ownKeys(){for(;;){}}})")
    # the exhausted budget stays with the operation that spent it
    assert c.eval("1+1") == 2
    assert c.eval("let n = 0; for (let i = 0; i < 1000; i++) n += i; n") == 499500


def test_a_getter_hitting_the_reduction_limit_in_an_awaited_result_is_a_reduction_limit_error(
    pool: actors.ContextPool,
) -> None:
    c = pool.spawn(apis=None, max_reductions=200)
    with pytest.raises(actors.ReductionLimitError):
        c.eval("await 0; ({get x(){for(;;){}}})")
    assert c.eval("1+1") == 2


def test_a_timed_out_operations_host_call_continuation_never_runs(
    one_thread_pool: actors.ContextPool,
) -> None:
    gate = threading.Event()
    c = one_thread_pool.spawn(apis=None)

    def slow() -> str:
        gate.wait(10)
        return "late"

    c.add_handler("slow", slow)
    c.add_handler("ping", lambda: "pong")
    with pytest.raises(actors.EvalTimeoutError):
        c.eval("await Host.call('slow').then(v => { globalThis.leak = v })", timeout=0.3)
    gate.set()
    # one handler thread answers in order: 'slow' (the dropped continuation)
    # reaches the context before 'ping', so `leak` is decided when ping resolves
    assert c.eval("await Host.call('ping'); typeof globalThis.leak") == "undefined"


def test_a_finished_operations_host_call_continuation_still_runs(one_thread_pool: actors.ContextPool) -> None:
    c = one_thread_pool.spawn(apis=None)
    c.add_handler("v", lambda: 7)
    c.add_handler("ping", lambda: "pong")
    assert c.eval("Host.call('v').then(v => { globalThis.kept = v }); 1") == 1
    assert c.eval("await Host.call('ping'); globalThis.kept") == 7


def test_cancelling_an_async_eval_interrupts_it_and_the_context_answers_the_next(
    pool: actors.ContextPool,
) -> None:
    c = pool.spawn(apis=None)

    async def main() -> int:
        with pytest.raises(asyncio.TimeoutError):
            await asyncio.wait_for(c.eval_async("while(true){}"), 0.3)
        return int(await asyncio.wait_for(c.eval_async("2+2"), 5))

    assert asyncio.run(main()) == 4


def test_cancelling_an_async_eval_parked_on_a_host_call_fails_it(one_thread_pool: actors.ContextPool) -> None:
    gate, parked = threading.Event(), threading.Event()
    c = one_thread_pool.spawn(apis=None)
    c.add_handler("wait", lambda: parked.set() or gate.wait(10))
    c.add_handler("ping", lambda: "pong")

    async def main() -> str:
        task = asyncio.ensure_future(c.eval_async("await Host.call('wait'); globalThis.after = 1; 1"))
        # the eval is parked on the host call before it is cancelled
        assert await asyncio.get_running_loop().run_in_executor(None, parked.wait, 5)
        with pytest.raises(asyncio.TimeoutError):
            await asyncio.wait_for(task, 0.3)
        gate.set()
        # one handler thread: 'wait' is answered before 'ping', so the
        # cancelled continuation had its chance when ping resolves
        return str(
            await asyncio.wait_for(c.eval_async("await Host.call('ping'); typeof globalThis.after"), 5)
        )

    assert asyncio.run(main()) == "undefined"


def test_a_keyboard_interrupt_during_a_blocking_eval_interrupts_the_engine(pool: actors.ContextPool) -> None:
    import _thread

    c = pool.spawn(apis=None)
    timer = threading.Timer(0.3, _thread.interrupt_main)
    timer.start()
    try:
        with pytest.raises(KeyboardInterrupt):
            c.eval("while(true){}")
    finally:
        timer.cancel()
    start = time.monotonic()
    assert c.eval("2+2", timeout=5) == 4
    assert time.monotonic() - start < 5


def test_ten_thousand_due_intervals_do_not_hold_up_an_eval_past_its_timeout(
    one_thread_pool: actors.ContextPool,
) -> None:
    c = one_thread_pool.spawn(apis=None)
    busy_1ms = "() => { const t = Date.now(); while (Date.now() - t < 1) {} }"
    c.eval(f"for (let i = 0; i < 10000; i++) setInterval({busy_1ms}, 1); 0")
    try:
        for _ in range(3):
            start = time.monotonic()
            assert c.eval("1", timeout=0.5) == 1
            assert time.monotonic() - start < 2.0
    finally:
        c.kill()


@pytest.mark.parametrize(
    "code", ["throw null", "await 0; throw null", "throw new InternalError('out of memory')"]
)
def test_a_script_throwing_null_or_a_look_alike_is_a_js_error_not_out_of_memory(
    pool: actors.ContextPool, code: str
) -> None:
    c = pool.spawn(apis=None, memory_limit=8 << 20)
    with pytest.raises(actors.JSError):
        c.eval(code)
    assert c.eval("1+1") == 2


def test_an_unhandled_rejection_with_null_ends_the_context_with_reason_error(
    pool: actors.ContextPool,
) -> None:
    c = pool.spawn(apis=None, on_uncaught="crash")
    c.eval("Promise.reject(null); 1")
    assert c.wait(5)
    assert c.exit_reason == "error"


def test_a_real_engine_out_of_memory_is_still_a_memory_limit_error(pool: actors.ContextPool) -> None:
    c = pool.spawn(apis=None, memory_limit=4 << 20)
    with pytest.raises(actors.MemoryLimitError):
        c.eval("{ let a = []; for (;;) a.push('x'.repeat(1000) + a.length); }")
    assert c.eval("1+1") == 2
