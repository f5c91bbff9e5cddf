"""Per-operation limits: memory_limit, max_reductions, timeout and max_stack_size.

Every limit error must leave the context usable (it answers ``1+1`` right
after) and must not disturb a sibling context on the same pool.

Calibration notes (QuickJS-NG 0.17): one reduction is one call of the
engine's interrupt handler, which the engine makes every 10,000 interrupt
polls; a poll happens at every backward jump and every JS function call, so a
reduction is ~10,000 bytecode ops in a tight loop but ~10,000 *promise jobs*
in a job chain (each job is one or two polls plus C-side promise machinery).
The job-chain test therefore uses a smaller budget than the loop tests.
"""

from __future__ import annotations

import threading
import time

import pytest

import actors

SPIN = "while(true){}"


@pytest.fixture
def sibling(pool: actors.ContextPool) -> actors.Context:
    """A context on the same pool with a marker global, to check it is unaffected."""
    sib = pool.spawn(apis=None)
    sib.eval("globalThis.mark = 'sib'; globalThis.hits = 0")
    return sib


def assert_sibling_unaffected(sib: actors.Context) -> None:
    assert sib.alive
    assert sib.eval("hits += 1; mark + ':' + hits + ':' + (1 + 1)", timeout=5) == "sib:1:2"


def assert_answers(ctx: actors.Context) -> None:
    assert ctx.eval("1+1", timeout=5) == 2
    assert ctx.alive
    assert ctx.exit_reason is None


# ---- the exception hierarchy -------------------------------------------------------------


def test_limit_errors_have_the_documented_bases() -> None:
    assert issubclass(actors.MemoryLimitError, actors.LimitError)
    assert issubclass(actors.MemoryLimitError, MemoryError)
    assert issubclass(actors.ReductionLimitError, actors.LimitError)
    assert issubclass(actors.EvalTimeoutError, actors.LimitError)
    assert issubclass(actors.EvalTimeoutError, TimeoutError)
    assert issubclass(actors.LimitError, actors.ActorsError)
    assert not issubclass(actors.ReductionLimitError, actors.JSError)


# ---- memory_limit ---------------------------------------------------------------------------


def test_a_huge_string_raises_memory_limit_error_and_the_context_still_answers(
    pool: actors.ContextPool, sibling: actors.Context
) -> None:
    ctx = pool.spawn(apis=None, memory_limit=8 * 2**20)
    with pytest.raises(actors.MemoryLimitError) as info:
        ctx.eval("'x'.repeat(2**28)")
    assert isinstance(info.value, actors.LimitError)
    assert isinstance(info.value, MemoryError)
    assert_answers(ctx)
    assert_sibling_unaffected(sibling)


def test_an_allocation_loop_in_a_block_scope_raises_memory_limit_error_and_the_context_recovers(
    pool: actors.ContextPool, sibling: actors.Context
) -> None:
    ctx = pool.spawn(apis=None, memory_limit=4 * 2**20)
    with pytest.raises(actors.MemoryLimitError):
        ctx.eval("{ const a = []; while (true) a.push({k: [1, 2, 3]}); }")
    assert_answers(ctx)
    # the garbage of the failed operation is collectable: the same loop fails the same way again
    with pytest.raises(actors.MemoryLimitError):
        ctx.eval("{ const a = []; while (true) a.push({k: [1, 2, 3]}); }")
    assert_answers(ctx)
    usage = ctx.memory_usage()
    assert usage["memory_limit"] == 4 * 2**20
    assert usage["malloc_size"] <= 4 * 2**20
    assert_sibling_unaffected(sibling)


def test_running_out_of_memory_inside_a_js_try_block_leaves_the_context_usable(
    pool: actors.ContextPool,
) -> None:
    # whether JS gets to catch the engine's out-of-memory error is not part of the contract;
    # either way the operation ends cleanly and the context stays usable
    ctx = pool.spawn(apis=None, memory_limit=4 * 2**20)
    try:
        result = ctx.eval("let r; try { 'x'.repeat(2**28); r = 'allocated' } catch (e) { r = 'caught' } r")
    except actors.MemoryLimitError:
        result = "MemoryLimitError"
    assert result in ("caught", "MemoryLimitError")
    assert_answers(ctx)


# ---- max_reductions ---------------------------------------------------------------------------


def test_an_infinite_loop_raises_reduction_limit_error_and_the_context_still_answers(
    pool: actors.ContextPool, sibling: actors.Context
) -> None:
    ctx = pool.spawn(apis=None, max_reductions=2000)
    started = time.monotonic()
    with pytest.raises(actors.ReductionLimitError) as info:
        ctx.eval(SPIN)
    assert isinstance(info.value, actors.LimitError)
    assert time.monotonic() - started < 10
    assert_answers(ctx)
    assert_sibling_unaffected(sibling)


def test_a_reduction_limit_error_cannot_be_caught_by_try_finally(
    pool: actors.ContextPool, sibling: actors.Context
) -> None:
    ctx = pool.spawn(apis=None, max_reductions=2000)
    with pytest.raises(actors.ReductionLimitError):
        ctx.eval("try { while(true){} } finally { globalThis.fin = 'ran' }")
    assert ctx.eval("typeof globalThis.fin") == "undefined"
    with pytest.raises(actors.ReductionLimitError):
        ctx.eval("try { while(true){} } catch (e) { globalThis.fin = 'caught' }")
    assert ctx.eval("typeof globalThis.fin") == "undefined"
    assert_answers(ctx)
    assert_sibling_unaffected(sibling)


def test_a_catch_and_retry_loop_cannot_outlive_the_reduction_budget(
    pool: actors.ContextPool, sibling: actors.Context
) -> None:
    ctx = pool.spawn(apis=None, max_reductions=2000)
    with pytest.raises(actors.ReductionLimitError):
        ctx.eval("""
            globalThis.caught = 0;
            for (;;) { try { while(true){} } catch (e) { caught++ } finally { caught += 100 } }
        """)
    assert ctx.eval("caught") == 0
    assert_answers(ctx)
    assert_sibling_unaffected(sibling)


def test_a_promise_job_chain_counts_against_the_operation_that_caused_it(
    pool: actors.ContextPool, sibling: actors.Context
) -> None:
    # 200 reductions: a job chain gets ~10,000 jobs per reduction (see module doc)
    ctx = pool.spawn(apis=None, max_reductions=200)
    with pytest.raises(actors.ReductionLimitError):
        ctx.eval("globalThis.n = 0; function f(){ n++; Promise.resolve().then(f) }; f()")
    # the chain is dead: reading n twice runs no more jobs in between
    first = ctx.eval("n")
    assert isinstance(first, int) and first > 0
    assert ctx.eval("n") == first
    assert_answers(ctx)
    assert_sibling_unaffected(sibling)


def test_the_bare_promise_job_loop_from_the_contract_ends_with_a_reduction_limit_error(
    pool: actors.ContextPool,
) -> None:
    ctx = pool.spawn(apis=None, max_reductions=200)
    with pytest.raises(actors.ReductionLimitError):
        ctx.eval("function f(){Promise.resolve().then(f)};f()")
    assert_answers(ctx)


def test_the_reduction_budget_is_per_operation_not_cumulative(pool: actors.ContextPool) -> None:
    ctx = pool.spawn(apis=None, max_reductions=2000)
    # each eval uses a small part of the budget; many of them in a row all succeed
    for _ in range(30):
        assert ctx.eval("{ let s = 0; for (let i = 0; i < 20000; i++) s += i; s }") == sum(range(20000))


def test_reductions_do_not_count_while_a_call_sync_handler_runs(pool: actors.ContextPool) -> None:
    budget = 100

    def sleep(seconds: float) -> str:
        time.sleep(seconds)
        return "slept"

    ctx = pool.spawn(apis=None, max_reductions=budget, handlers={"sleep": sleep})
    # calibration: 0.3 s of busy work is well over this budget
    with pytest.raises(actors.ReductionLimitError):
        ctx.eval("{ const t0 = Date.now(); while (Date.now() - t0 < 300) {} }")
    # 0.3 s spent waiting for Python is not CPU in this context
    started = time.monotonic()
    assert ctx.eval("Host.callSync('sleep', 0.3)") == "slept"
    assert time.monotonic() - started >= 0.29
    assert ctx.eval("await Host.call('sleep', 0.3)") == "slept"
    assert_answers(ctx)


# ---- timeout --------------------------------------------------------------------------------------


def test_a_spin_raises_eval_timeout_error_and_the_context_still_answers(
    pool: actors.ContextPool, sibling: actors.Context
) -> None:
    ctx = pool.spawn(apis=None, timeout=0.3)
    started = time.monotonic()
    with pytest.raises(actors.EvalTimeoutError) as info:
        ctx.eval(SPIN)
    elapsed = time.monotonic() - started
    assert isinstance(info.value, TimeoutError)
    assert isinstance(info.value, actors.LimitError)
    assert 0.25 <= elapsed < 5
    assert_answers(ctx)
    assert_sibling_unaffected(sibling)


def test_awaiting_a_long_timer_raises_eval_timeout_error(
    pool: actors.ContextPool, sibling: actors.Context
) -> None:
    ctx = pool.spawn(apis=None, timeout=0.3)
    started = time.monotonic()
    with pytest.raises(actors.EvalTimeoutError):
        ctx.eval("await new Promise(r => setTimeout(r, 10000))")
    assert time.monotonic() - started < 5
    assert_answers(ctx)
    assert_sibling_unaffected(sibling)


def test_a_per_call_timeout_shorter_than_the_context_default_wins(pool: actors.ContextPool) -> None:
    ctx = pool.spawn(apis=None, timeout=30.0)
    started = time.monotonic()
    with pytest.raises(actors.EvalTimeoutError):
        ctx.eval(SPIN, timeout=0.2)
    assert time.monotonic() - started < 5
    assert_answers(ctx)


def test_a_per_call_timeout_longer_than_the_context_default_wins(pool: actors.ContextPool) -> None:
    ctx = pool.spawn(apis=None, timeout=0.2)
    slow = "await new Promise(r => setTimeout(() => r('done'), 500))"
    with pytest.raises(actors.EvalTimeoutError):
        ctx.eval(slow)
    assert ctx.eval(slow, timeout=5.0) == "done"
    assert_answers(ctx)


@pytest.mark.parametrize("call", ["await Host.call('block')", "Host.callSync('block')"])
def test_the_timeout_includes_time_spent_waiting_for_a_host_handler(
    pool: actors.ContextPool, call: str
) -> None:
    release = threading.Event()

    def block() -> str:
        release.wait(10)
        return "late"

    ctx = pool.spawn(apis=None, timeout=0.3, handlers={"block": block})
    try:
        started = time.monotonic()
        with pytest.raises(actors.EvalTimeoutError):
            ctx.eval(call)
        assert time.monotonic() - started < 5
    finally:
        release.set()
    # the late answer is dropped; the context keeps working
    assert_answers(ctx)
    assert ctx.eval(call) == "late"


# ---- max_stack_size -----------------------------------------------------------------------------


def test_deep_recursion_is_a_range_error_js_can_catch(pool: actors.ContextPool) -> None:
    ctx = pool.spawn(apis=None)
    caught = ctx.eval("""
        function down(n) { return down(n + 1) + 1 }
        let r; try { down(0) } catch (e) { r = [e instanceof RangeError, e.name] } r
    """)
    assert caught == [True, "RangeError"]
    assert_answers(ctx)


def test_uncaught_deep_recursion_is_a_js_error_named_range_error(
    pool: actors.ContextPool, sibling: actors.Context
) -> None:
    ctx = pool.spawn(apis=None)
    with pytest.raises(actors.JSError) as info:
        ctx.eval("function down(n) { return down(n + 1) + 1 }; down(0)")
    assert info.value.name == "RangeError"
    assert not isinstance(info.value, actors.LimitError)
    assert_answers(ctx)
    assert_sibling_unaffected(sibling)


def test_max_stack_size_bounds_the_recursion_depth(pool: actors.ContextPool) -> None:
    depth = "let d = 0; function down() { d++; down() }; try { down() } catch (e) {} d"
    small = pool.spawn(apis=None, max_stack_size=128 * 1024).eval(depth)
    large = pool.spawn(apis=None, max_stack_size=4 * 2**20).eval(depth)
    assert 0 < small < large
    assert large > 4 * small


def test_a_max_stack_size_beyond_the_worker_stack_is_refused(pool: actors.ContextPool) -> None:
    with pytest.raises(ValueError):
        pool.spawn(apis=None, max_stack_size=64 * 2**20)


# ---- hostile inputs -----------------------------------------------------------------------------


CATASTROPHIC_REGEX = "/(a+)+$/.test('a'.repeat(40) + 'b')"


def test_a_catastrophic_regex_ends_with_a_reduction_limit_error(
    pool: actors.ContextPool, sibling: actors.Context
) -> None:
    ctx = pool.spawn(apis=None, max_reductions=2000)
    started = time.monotonic()
    with pytest.raises(actors.ReductionLimitError):
        ctx.eval(CATASTROPHIC_REGEX)
    assert time.monotonic() - started < 20
    assert_answers(ctx)
    assert_sibling_unaffected(sibling)


def test_a_catastrophic_regex_ends_with_an_eval_timeout_error(
    pool: actors.ContextPool, sibling: actors.Context
) -> None:
    ctx = pool.spawn(apis=None, timeout=0.3)
    started = time.monotonic()
    with pytest.raises(actors.EvalTimeoutError):
        ctx.eval(CATASTROPHIC_REGEX)
    assert time.monotonic() - started < 5
    assert_answers(ctx)
    assert_sibling_unaffected(sibling)


def test_parsing_a_million_nested_arrays_is_an_error_not_a_crash(
    pool: actors.ContextPool, sibling: actors.Context
) -> None:
    ctx = pool.spawn(apis=None, memory_limit=64 * 2**20, timeout=10.0)
    with pytest.raises((actors.JSError, actors.LimitError)) as info:
        ctx.eval("JSON.parse('['.repeat(1e6))")
    if isinstance(info.value, actors.JSError):
        assert info.value.name in ("RangeError", "SyntaxError", "InternalError")
    assert_answers(ctx)
    assert_sibling_unaffected(sibling)


# ---- pool-level defaults --------------------------------------------------------------------------


def test_pool_level_max_reductions_applies_to_spawned_contexts() -> None:
    with actors.ContextPool(size=1, max_reductions=2000) as pool:
        ctx = pool.spawn(apis=None)
        with pytest.raises(actors.ReductionLimitError):
            ctx.eval(SPIN)
        assert_answers(ctx)


def test_spawn_overrides_the_pool_level_max_reductions() -> None:
    work = "let s = 0; for (let i = 0; i < 3e6; i++) s += 1; s"
    with actors.ContextPool(size=1, max_reductions=20) as pool:
        with pytest.raises(actors.ReductionLimitError):
            pool.spawn(apis=None).eval(work)
        assert pool.spawn(apis=None, max_reductions=10**9).eval(work) == 3_000_000
        assert pool.spawn(apis=None, max_reductions=None).eval(work) == 3_000_000


def test_pool_level_timeout_applies_and_spawn_overrides_it() -> None:
    slow = "await new Promise(r => setTimeout(() => r('done'), 600))"
    with actors.ContextPool(size=1, timeout=0.2) as pool:
        default = pool.spawn(apis=None)
        started = time.monotonic()
        with pytest.raises(actors.EvalTimeoutError):
            default.eval(slow)
        assert time.monotonic() - started < 5
        longer = pool.spawn(apis=None, timeout=5.0)
        assert longer.eval(slow) == "done"
        # and the per-call form beats both
        assert default.eval(slow, timeout=5.0) == "done"
        assert_answers(default)


def test_pool_level_limits_combine_and_the_first_one_hit_wins() -> None:
    with actors.ContextPool(size=1, max_reductions=10**9, timeout=0.2) as pool:
        ctx = pool.spawn(apis=None)
        with pytest.raises(actors.EvalTimeoutError):
            ctx.eval(SPIN)
        tight = pool.spawn(apis=None, max_reductions=100, timeout=30.0)
        with pytest.raises(actors.ReductionLimitError):
            tight.eval(SPIN)
        assert_answers(ctx)
        assert_answers(tight)


@pytest.mark.parametrize(
    ("option", "value"),
    [("memory_limit", -1), ("max_reductions", 0), ("timeout", -0.5), ("max_stack_size", 0)],
)
def test_non_positive_limits_are_refused(option: str, value: float) -> None:
    with pytest.raises(ValueError):
        actors.ContextPool(size=1, **{option: value})
    with actors.ContextPool(size=1) as pool, pytest.raises(ValueError):
        pool.spawn(apis=None, **{option: value})
