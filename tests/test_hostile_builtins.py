"""Hazard: engine builtins that run long loops in C without polling the
interrupt handler defeat every limit (issue 11, item 5).

Each case runs in a child process: before native/patches/0002 these never
returned (stop() could not end them either), which would wedge the test run.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import time

import pytest

import actors

# quadratic string search: still a loop the engine never polls in (see the
# README's Security section); only the watchdog can act on it
# One step that never polls: a typed array sorted without a comparator is
# the engine's C sort over 2 Gi elements (about 8 s here). (This was a
# quadratic indexOf until engine patch 0005 made string searches poll.)
UNPOLLED = "new Uint8Array(2 ** 31 - 1).sort().length"

CASES = [
    "Array(2**32-1).join()",
    "Array.prototype.join.call({length: 2**26}, '')",
    "Array(2**32-1).toString()",
    "Array.prototype.sort.call({length: 2**32-1})",
    "Array.prototype.reverse.call({length: 2**32-1})",
    "Array.prototype.copyWithin.call({length: 2**32-1}, 0, 1)",
    "Array(2**32-1).flat()",
    "Array.prototype.splice.call({length: 2**32-1}, 0, 1)",
    "Array.prototype.unshift.call({length: 2**32-2}, 1)",
    "Array.prototype.slice.call({length: 2**32-1})",
    "Array.prototype.concat.call([], {length: 2**32-1, [Symbol.isConcatSpreadable]: true})",
    "Array.prototype.fill.call({length: 2**32-1}, 0)",
]


def run_child(body: str, timeout: float = 30) -> subprocess.CompletedProcess[str]:
    code = "import actors, time\n" + textwrap.dedent(body)
    try:
        return subprocess.run(
            [sys.executable, "-c", code],
            capture_output=True,
            text=True,
            timeout=timeout,
            env=dict(os.environ),
        )
    except subprocess.TimeoutExpired:
        pytest.fail(f"the child did not finish within {timeout} s: the limit did not hold")


def eval_under_limits(code: str, spawn_options: str, then_still_works: bool = True) -> float:
    """Evaluate ``code`` in a context spawned with ``spawn_options``, in a child process;
    assert it was ended by a limit (and, if ``then_still_works``, that the context
    answers afterwards); return how long the eval took."""
    check = 'assert c.eval("1+1") == 2' if then_still_works else ""
    proc = run_child(
        f"""
        p = actors.ContextPool(size=1)
        c = p.spawn(apis=None, {spawn_options})
        t = time.monotonic()
        try:
            c.eval({code!r})
        except actors.LimitError as exc:
            print("limit", type(exc).__name__)
        print("elapsed", time.monotonic() - t)
        {check}
        p.stop()
        """
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert "limit" in proc.stdout
    return float(proc.stdout.split("elapsed")[1].split()[0])


@pytest.mark.parametrize("code", CASES)
def test_a_builtin_walking_a_huge_array_like_is_ended_by_the_limits(code: str) -> None:
    elapsed = eval_under_limits(code, "timeout=1, max_reductions=1000, memory_limit=64 << 20")
    assert elapsed < 3.0


@pytest.mark.parametrize(
    "code",
    [
        "JSON.stringify(Array(2e6).fill({a: [1, 'b']})).length",
        "JSON.parse('[' + '{\"a\":[1,\"b\"]},'.repeat(2e6) + '0]').length",
    ],
)
def test_json_of_millions_of_values_is_ended_by_the_timeout(code: str) -> None:
    # one builtin call walks every value (engine patch 0004): it took 1.6-3.5 s
    # past timeout=1 and max_reductions=100 before
    assert eval_under_limits(code, "timeout=0.5") < 1.5


@pytest.mark.parametrize("code", ["'x'.repeat(2**28).length", "'x'.padStart(2**30 - 2).length"])
def test_a_huge_string_fill_without_a_memory_limit_is_ended_by_the_limits(code: str) -> None:
    assert eval_under_limits(code, "timeout=1, max_reductions=1000", then_still_works=False) < 2.0


ALLOCATING = [
    "'ab'.repeat(1 << 24).split('').length",
    "Array.from('ab'.repeat(1 << 24)).length",
    "[...'ab'.repeat(1 << 24)].length",
    # swallows the one allocation the poll fails and carries on: it ran 17-43 s
    # under max_reductions alone until the poll kept failing one in 1,024
    "Object.entries('ab'.repeat(1 << 23)).length",
]


SEARCHES = [
    "'a'.repeat(1 << 20).indexOf('a'.repeat(1 << 19) + 'b')",
    "'a'.repeat(1 << 20).lastIndexOf('a'.repeat(1 << 19) + 'b', 1e9)",
    "'a'.repeat(1 << 20).includes('a'.repeat(1 << 19) + 'b')",
    "'a'.repeat(1 << 20).split('a'.repeat(1 << 19) + 'b').length",
    "'a'.repeat(1 << 20).replaceAll('a'.repeat(1 << 19) + 'b', '').length",
]


@pytest.mark.parametrize("code", SEARCHES)
@pytest.mark.parametrize("limits", ["timeout=1", "max_reductions=1000"])
def test_a_quadratic_string_search_is_ended_by_the_limits(code: str, limits: str) -> None:
    # one builtin call comparing a long needle at every position, with no
    # bytecode and no allocation: minutes past every limit before engine
    # patch 0005 made the searches poll
    assert eval_under_limits(code, limits) < 3.0


@pytest.mark.parametrize("code", ALLOCATING)
@pytest.mark.parametrize("limits", ["timeout=1", "max_reductions=1000"])
def test_a_builtin_building_millions_of_values_is_ended_by_the_limits(code: str, limits: str) -> None:
    # one call, no bytecode, no interrupt poll: the split ran 25 s past
    # timeout=2 before the allocator polled the budget (found by the fuzzer)
    assert eval_under_limits(code, limits) < 3.0


def test_a_script_that_catches_the_failed_allocation_is_still_ended(pool: actors.ContextPool) -> None:
    # the poll fails one allocation (a catchable out-of-memory error); the
    # next interrupt poll ends the operation however the script carries on
    c = pool.spawn(apis=None, timeout=1)
    t0 = time.monotonic()
    with pytest.raises(actors.EvalTimeoutError):
        c.eval(
            "for (;;) { try { 'ab'.repeat(1 << 24).split('') } catch (e) { globalThis.seen = String(e) } }"
        )
    assert time.monotonic() - t0 < 5
    assert c.eval("1 + 1") == 2


def test_stop_ends_a_context_inside_a_long_builtin() -> None:
    proc = run_child(
        """
        import threading
        p = actors.ContextPool(size=1)
        entered = threading.Event()
        c = p.spawn(apis=None, handlers={"entered": entered.set})
        # stopped a while after the call entered JS: inside the builtin, not before it
        threading.Thread(target=lambda: entered.wait(10) and threading.Timer(0.3, c.stop).start()).start()
        try:
            c.eval("Host.callSync('entered'); Array(2**32-1).join()")
        except actors.ContextDeadError:
            print("stopped")
        assert c.wait(5)
        p.stop()
        """
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert "stopped" in proc.stdout


@pytest.mark.thread_only("a thread cannot be killed: the stuck one keeps running, its slot goes to a spare")
def test_a_sibling_on_a_one_thread_pool_is_served_while_a_context_is_stuck_in_an_unpolled_loop() -> None:
    proc = run_child(
        f"""
        import threading
        p = actors.ContextPool(size=1)
        entered = threading.Event()
        stuck = p.spawn(apis=None, timeout=1, handlers={{"entered": entered.set}})
        sib = p.spawn(apis=None)
        code = "Host.callSync('entered'); " + {UNPOLLED!r}
        threading.Thread(target=lambda: stuck.eval(code), daemon=True).start()
        # the one pool thread runs stuck's call from here on: the sibling needs the spare
        assert entered.wait(10)
        t = time.monotonic()
        assert sib.eval("1+1") == 2
        print("sibling", time.monotonic() - t)
        import os; os._exit(0)  # the stuck thread cannot be joined
        """
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert float(proc.stdout.split("sibling")[1].split()[0]) < 1.0


def test_process_mode_ends_a_worker_whose_operation_ignores_its_deadline(pool_mode: str) -> None:
    if pool_mode != "processes":
        pytest.skip("process mode: the worker process is ended")
    p = actors.ContextPool(size=1, processes=1)
    try:
        c = p.spawn(apis=None, timeout=0.5)
        t = time.monotonic()
        with pytest.raises(actors.ActorsError):
            c.eval(UNPOLLED)
        assert time.monotonic() - t < 10
        assert c.wait(5)
        assert c.exit_reason == "crashed"
        fresh = p.spawn(apis=None)
        assert fresh.eval("1+1") == 2
    finally:
        p.stop()
