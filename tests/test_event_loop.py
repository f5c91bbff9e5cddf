"""The event loop of a context (timers, microtasks, promises) and the Python call forms around it."""

from __future__ import annotations

import asyncio
import threading
import time
from typing import Any

import pytest

import actors

DEADLINE = 5.0


def sleep_js(ms: int) -> str:
    """JS that waits ``ms`` milliseconds on a timer (for use after ``await``)."""
    return f"new Promise(resolve => setTimeout(resolve, {ms}))"


# ---- timers ------------------------------------------------------------------------------------


def test_timeouts_fire_in_the_order_of_their_delays(ctx: actors.Context) -> None:
    got = ctx.eval(f"""
        var log = [];
        setTimeout(() => log.push('30ms'), 30);
        setTimeout(() => log.push('5ms'), 5);
        setTimeout(() => log.push('15ms'), 15);
        setTimeout(() => log.push('0ms'));
        await {sleep_js(60)};
        log
    """)
    assert got == ["0ms", "5ms", "15ms", "30ms"]


def test_timeouts_with_the_same_delay_fire_in_the_order_they_were_set(ctx: actors.Context) -> None:
    got = ctx.eval(f"""
        var log = [];
        for (let i = 0; i < 20; i++) setTimeout(() => log.push(i), 10);
        await {sleep_js(40)};
        log
    """)
    assert got == list(range(20))


def test_set_timeout_passes_its_extra_arguments_to_the_callback(ctx: actors.Context) -> None:
    got = ctx.eval("await new Promise(r => setTimeout((a, b, c) => r([a, b, c]), 1, 'x', {y: 2}, [3]))")
    assert got == ["x", {"y": 2}, [3]]


def test_a_timer_callback_runs_after_the_eval_that_set_it_has_answered(ctx: actors.Context) -> None:
    fired = threading.Event()
    got: list[Any] = []
    ctx.on_message(lambda m: (got.append(m), fired.set()))
    assert ctx.eval("setTimeout(msg => Host.send(msg), 10, 'fired'); 'answered first'") == "answered first"
    assert fired.wait(DEADLINE)
    assert got == ["fired"]


def test_clear_timeout_cancels_a_pending_timeout(ctx: actors.Context) -> None:
    got = ctx.eval(f"""
        var log = [];
        const keep = setTimeout(() => log.push('kept'), 5);
        const drop = setTimeout(() => log.push('dropped'), 10);
        clearTimeout(drop);
        await {sleep_js(40)};
        log
    """)
    assert got == ["kept"]


def test_timer_ids_are_distinct_positive_numbers(ctx: actors.Context) -> None:
    ids = ctx.eval(
        "const ids = [setTimeout(() => {}, 1), setInterval(() => {}, 1), setTimeout(() => {}, 1)];"
        "ids.forEach(clearTimeout); ids"
    )
    assert all(isinstance(i, int) and i > 0 for i in ids)
    assert len(set(ids)) == 3


def test_clearing_an_unknown_or_invalid_timer_id_is_a_no_op(ctx: actors.Context) -> None:
    code = "clearTimeout(987654); clearInterval('nope'); clearTimeout(); clearTimeout(null); 'ok'"
    assert ctx.eval(code) == "ok"


def test_set_timeout_without_a_function_throws_a_type_error(ctx: actors.Context) -> None:
    assert ctx.eval("try { setTimeout('1 + 1', 5); 'no error' } catch (e) { e.name }") == "TypeError"
    assert ctx.eval("try { setInterval(); 'no error' } catch (e) { e.name }") == "TypeError"


def test_set_interval_repeats_with_its_arguments_until_cleared(ctx: actors.Context) -> None:
    got = ctx.eval("""
        var ticks = [];
        await new Promise(resolve => {
            const id = setInterval((step, tag) => {
                ticks.push(tag + ticks.length * step);
                if (ticks.length === 5) { clearInterval(id); resolve() }
            }, 2, 10, 't');
        });
        ticks
    """)
    assert got == ["t0", "t10", "t20", "t30", "t40"]


def test_an_interval_that_clears_itself_never_fires_again(ctx: actors.Context) -> None:
    got = ctx.eval(f"""
        var count = 0;
        await new Promise(done => {{
            const id = setInterval(() => {{ count++; if (count === 3) {{ clearInterval(id); done() }} }}, 1);
        }});
        await {sleep_js(30)};
        count
    """)
    assert got == 3


def test_clear_interval_from_outside_stops_an_interval(ctx: actors.Context) -> None:
    got = ctx.eval(f"""
        var n = 0;
        const id = setInterval(() => n++, 1);
        await {sleep_js(30)};
        clearInterval(id);
        const stopped_at = n;
        await {sleep_js(30)};
        [stopped_at > 0, n === stopped_at]
    """)
    assert got == [True, True]


def test_clear_timeout_also_stops_an_interval(ctx: actors.Context) -> None:
    got = ctx.eval(f"""
        var m = 0;
        const id = setInterval(() => m++, 1);
        clearTimeout(id);
        await {sleep_js(30)};
        m
    """)
    assert got == 0


def test_an_interval_keeps_firing_between_evals(ctx: actors.Context) -> None:
    arrived = threading.Event()
    got: list[int] = []

    def on_message(n: int) -> None:
        got.append(n)
        if n == 5:
            arrived.set()

    ctx.on_message(on_message)
    ctx.eval("var k = 0; var iv = setInterval(() => { Host.send(++k); if (k === 5) clearInterval(iv) }, 2)")
    assert arrived.wait(DEADLINE)
    assert got == [1, 2, 3, 4, 5]


# ---- microtasks and promises ---------------------------------------------------------------------


def test_queue_microtask_interleaves_with_promise_jobs_in_fifo_order(ctx: actors.Context) -> None:
    got = ctx.eval(f"""
        var order = [];
        setTimeout(() => order.push('timeout'), 0);
        Promise.resolve().then(() => order.push('promise 1'));
        queueMicrotask(() => order.push('microtask 1'));
        Promise.resolve().then(() => order.push('promise 2'));
        queueMicrotask(() => {{ order.push('microtask 2'); queueMicrotask(() => order.push('nested')) }});
        order.push('sync');
        await {sleep_js(10)};
        order
    """)
    assert got == ["sync", "promise 1", "microtask 1", "promise 2", "microtask 2", "nested", "timeout"]


def test_microtasks_queued_by_an_eval_have_run_before_the_next_eval(ctx: actors.Context) -> None:
    code = (
        "var q = []; queueMicrotask(() => q.push('ran')); Promise.resolve().then(() => q.push(2)); q.length"
    )
    assert ctx.eval(code) == 0
    assert ctx.eval("q") == ["ran", 2]


def test_top_level_await_works_in_eval(ctx: actors.Context) -> None:
    assert ctx.eval("await new Promise(r => setTimeout(() => r(7), 5))") == 7
    assert ctx.eval("const a = await Promise.resolve(20); const b = await Promise.resolve(22); a + b") == 42


def test_top_level_await_keeps_var_and_function_declarations_global(ctx: actors.Context) -> None:
    ctx.eval("var fromAwait = await Promise.resolve('kept'); function declaredThere() { return 1 }")
    assert ctx.get_global("fromAwait") == "kept"
    assert ctx.call("declaredThere") == 1


def test_an_eval_that_mentions_await_only_in_a_string_still_answers_normally(ctx: actors.Context) -> None:
    assert ctx.eval("var word = 'await'; word + '!'") == "await!"
    assert ctx.eval("typeof word") == "string"


def test_an_eval_whose_value_is_a_promise_is_awaited(ctx: actors.Context) -> None:
    assert ctx.eval("new Promise(r => setTimeout(() => r('later'), 5))") == "later"
    assert ctx.eval("Promise.resolve(Promise.resolve({nested: true}))") == {"nested": True}
    assert ctx.eval("(async () => 5)()") == 5


def test_an_eval_whose_promise_rejects_raises_the_js_error(ctx: actors.Context) -> None:
    with pytest.raises(actors.JSError) as info:
        ctx.eval("new Promise((_, reject) => setTimeout(() => reject(new RangeError('late no')), 5))")
    assert (info.value.name, info.value.message) == ("RangeError", "late no")
    assert ctx.eval("1+1") == 2


def test_an_eval_awaiting_a_promise_that_never_settles_times_out(ctx: actors.Context) -> None:
    with pytest.raises(actors.EvalTimeoutError):
        ctx.eval("await new Promise(() => {})", timeout=0.2)
    with pytest.raises(actors.EvalTimeoutError):
        ctx.eval("new Promise(() => {})", timeout=0.2)
    assert ctx.eval("'still here'") == "still here"


def test_calling_an_async_function_awaits_its_result(ctx: actors.Context) -> None:
    ctx.eval(f"async function slowDouble(x) {{ await {sleep_js(5)}; return x * 2 }}")
    assert ctx.call("slowDouble", 21) == 42


def test_calling_an_async_function_that_throws_raises_the_js_error(ctx: actors.Context) -> None:
    ctx.eval("async function fails() { await null; throw new TypeError('async failure') }")
    with pytest.raises(actors.JSError) as info:
        ctx.call("fails")
    assert (info.value.name, info.value.message) == ("TypeError", "async failure")


def test_performance_now_increases(ctx: actors.Context) -> None:
    first, second = ctx.eval(f"const t0 = performance.now(); await {sleep_js(20)}; [t0, performance.now()]")
    assert isinstance(first, (int, float)) and first >= 0
    assert second - first >= 15
    later = ctx.eval("performance.now()")
    assert later >= second


# ---- structuredClone ---------------------------------------------------------------------------


def test_structured_clone_deep_copies_objects_maps_and_dates(ctx: actors.Context) -> None:
    got = ctx.eval("""
        const original = {a: {b: [1, 2, {c: 3}]}, m: new Map([['k', {v: 1}]]), d: new Date(86400000),
                          s: new Set([1, 2])};
        const copy = structuredClone(original);
        copy.a.b[2].c = 99;
        copy.m.get('k').v = 7;
        copy.d.setTime(0);
        ({
            distinct: [copy !== original, copy.a !== original.a, copy.a.b !== original.a.b,
                       copy.m !== original.m, copy.d !== original.d, copy.s !== original.s],
            kinds: [copy.m instanceof Map, copy.d instanceof Date, copy.s instanceof Set],
            original: [original.a.b[2].c, original.m.get('k').v, original.d.getTime()],
            copy: [copy.a.b[2].c, copy.m.get('k').v, copy.d.getTime(), [...copy.s]],
        })
    """)
    assert got == {
        "distinct": [True] * 6,
        "kinds": [True, True, True],
        "original": [3, 1, 86400000],
        "copy": [99, 7, 0, [1, 2]],
    }


def test_structured_clone_preserves_shared_and_cyclic_references(ctx: actors.Context) -> None:
    got = ctx.eval("""
        const shared = {x: 1};
        const o = {p: shared, q: shared};
        o.self = o;
        const c = structuredClone(o);
        [c.self === c, c.p === c.q, c.p !== shared]
    """)
    assert got == [True, True, True]


@pytest.mark.parametrize(
    "value", ["() => 1", "function named() {}", "{f() {}}", "[1, () => 2]", "Symbol('s')"]
)
def test_structured_clone_of_a_function_or_symbol_throws_data_clone_error(
    ctx: actors.Context, value: str
) -> None:
    code = f"try {{ structuredClone({value}); ['no error'] }} catch (e) {{ [e.name, e instanceof Error] }}"
    name, is_error = ctx.eval(code)
    assert name == "DataCloneError"
    assert is_error is True


# ---- globals and calls -----------------------------------------------------------------------------


def test_set_global_then_get_global_returns_a_copy(ctx: actors.Context) -> None:
    cfg = {"a": {"b": [1, 2]}, "name": "x"}
    ctx.set_global("cfg", cfg)
    cfg["name"] = "changed in python"  # the context holds a copy
    assert ctx.get_global("cfg") == {"a": {"b": [1, 2]}, "name": "x"}
    assert ctx.eval("cfg.a.b[1] + cfg.name") == "2x"


def test_set_global_replaces_the_previous_value(ctx: actors.Context) -> None:
    ctx.set_global("counter", 1)
    ctx.set_global("counter", [2])
    assert ctx.eval("counter") == [2]


def test_get_global_follows_a_dotted_path(ctx: actors.Context) -> None:
    ctx.eval("var app = {config: {theme: {color: 'teal'}, list: [1, 2]}}")
    assert ctx.get_global("app.config.theme.color") == "teal"
    assert ctx.get_global("app.config.list") == [1, 2]
    assert ctx.get_global("app.config.missing") is None
    assert ctx.get_global("Math.PI") == pytest.approx(3.141592653589793)


def test_get_global_of_a_missing_name_is_none_and_through_it_is_an_error(ctx: actors.Context) -> None:
    assert ctx.get_global("notDefinedAnywhere") is None
    with pytest.raises(actors.JSError) as info:
        ctx.get_global("notDefinedAnywhere.inner")
    assert info.value.name == "TypeError"


def test_set_global_with_a_dotted_path_sets_the_property_get_global_reads(ctx: actors.Context) -> None:
    ctx.set_global("cfg", {"a": {"b": 1}})
    ctx.set_global("cfg.a", 5)
    assert ctx.get_global("cfg.a") == 5
    assert ctx.eval("cfg.a") == 5


def test_call_resolves_a_dotted_method_path_with_its_object_as_this(ctx: actors.Context) -> None:
    ctx.eval("""
        var obj = {base: 10, add(x) { return this.base + x },
                   inner: {tag: '!', mark(s) { return s + this.tag }}};
    """)
    assert ctx.call("obj.add", 5) == 15
    assert ctx.call("obj.inner.mark", "hi") == "hi!"
    assert ctx.call("Math.max", 3, 9, 4) == 9


def test_call_of_something_that_is_not_a_function_raises_a_type_error(ctx: actors.Context) -> None:
    ctx.eval("var obj = {value: 1}")
    for name in ["obj.value", "obj.nothing", "nothingAtAll"]:
        with pytest.raises(actors.JSError) as info:
            ctx.call(name)
        assert info.value.name == "TypeError"
        assert "not a function" in info.value.message
    assert ctx.eval("1+1") == 2


# ---- memory_usage and reset --------------------------------------------------------------------


def test_memory_usage_reports_malloc_size_and_memory_limit(pool: actors.ContextPool) -> None:
    limited = pool.spawn(apis=None, memory_limit=8_000_000)
    usage = limited.memory_usage()
    assert isinstance(usage["malloc_size"], int) and usage["malloc_size"] > 0
    assert usage["memory_limit"] == 8_000_000
    limited.eval("globalThis.big = new Array(20000).fill(0).map((_, i) => ({i}))")
    assert limited.memory_usage()["malloc_size"] > usage["malloc_size"]


def test_memory_usage_of_an_unlimited_context_reports_no_limit(ctx: actors.Context) -> None:
    usage = ctx.memory_usage()
    assert {"malloc_size", "memory_limit"} <= usage.keys()
    assert usage["memory_limit"] == 0


def test_reset_clears_every_global_and_keeps_the_runtime_apis(pool: actors.ContextPool) -> None:
    ctx = pool.spawn(apis=None, handlers={"add": lambda a, b: a + b})
    ctx.set_global("fromPython", 1)
    ctx.eval("var declared = 2; function fn() {}; globalThis.assigned = 3; let lexical = 4")
    ctx.reset()
    assert (
        ctx.eval("[typeof fromPython, typeof declared, typeof fn, typeof assigned, typeof lexical]")
        == ["undefined"] * 5
    )
    assert ctx.eval(
        "[typeof Host, typeof Beam, typeof setTimeout, typeof queueMicrotask, typeof structuredClone,"
        " typeof performance.now]"
    ) == ["object", "object", "function", "function", "function", "function"]
    assert ctx.eval("let lexical = 'again'; lexical") == "again"  # no redeclaration error
    assert ctx.eval("await Host.call('add', 1, 2)") == 3  # handlers survive a reset


def test_reset_cancels_pending_timers_and_message_callbacks(ctx: actors.Context) -> None:
    got: list[Any] = []
    fresh = threading.Event()
    ctx.on_message(lambda m: (got.append(m), m == "fresh" and fresh.set()))
    ctx.eval(
        "Host.onMessage(m => Host.send('old handler saw ' + m));"
        "setTimeout(() => Host.send('stale timeout'), 20);"
        "setInterval(() => Host.send('stale interval'), 5)"
    )
    ctx.reset()
    # events of one context arrive in order: whatever the old timers sent before
    # the reset comes before this marker
    ctx.eval("Host.send('after reset'); setTimeout(() => Host.send('fresh'), 60)")
    ctx.send("a message")
    assert fresh.wait(DEADLINE)
    assert got[got.index("after reset") :] == ["after reset", "fresh"]


def test_reset_keeps_the_memory_limit(pool: actors.ContextPool) -> None:
    ctx = pool.spawn(apis=None, memory_limit=8_000_000)
    ctx.reset()
    assert ctx.memory_usage()["memory_limit"] == 8_000_000


# ---- the *_async twins -----------------------------------------------------------------------------


async def exercise_async_twins(ctx: actors.Context, tag: int) -> dict[str, Any]:
    await ctx.set_global_async("cfg", {"tag": tag, "items": [1, 2, 3]})
    await ctx.eval_async("function scale(x, k) { return x * k }")
    return {
        "eval": await ctx.eval_async("cfg.items.length + cfg.tag"),
        "await": await ctx.eval_async(f"await {sleep_js(2)}; cfg.tag"),
        "get": await ctx.get_global_async("cfg.items"),
        "call": await ctx.call_async("scale", tag, 10),
        "memory": sorted({"malloc_size", "memory_limit"} & (await ctx.memory_usage_async()).keys()),
        "gather": await asyncio.gather(*(ctx.call_async("scale", i, tag) for i in range(5))),
    }


def test_the_async_twins_work_from_asyncio_run(ctx: actors.Context) -> None:
    assert asyncio.run(exercise_async_twins(ctx, 7)) == {
        "eval": 10,
        "await": 7,
        "get": [1, 2, 3],
        "call": 70,
        "memory": ["malloc_size", "memory_limit"],
        "gather": [0, 7, 14, 21, 28],
    }


def test_the_async_twins_raise_the_same_errors_as_the_blocking_forms(ctx: actors.Context) -> None:
    async def main() -> list[str]:
        seen = []
        try:
            await ctx.eval_async("throw new SyntaxError('from async')")
        except actors.JSError as exc:
            seen.append(f"{exc.name}: {exc.message}")
        try:
            await ctx.call_async("noSuchFunction")
        except actors.JSError as exc:
            seen.append(exc.name)
        try:
            await ctx.set_global_async("bad", {1, 2})
        except actors.ConversionError:
            seen.append("ConversionError")
        try:
            await ctx.eval_async("await new Promise(() => {})", timeout=0.1)
        except actors.EvalTimeoutError:
            seen.append("EvalTimeoutError")
        seen.append(str(await ctx.eval_async("'alive'")))
        return seen

    assert asyncio.run(main()) == [
        "SyntaxError: from async",
        "TypeError",
        "ConversionError",
        "EvalTimeoutError",
        "alive",
    ]


def test_the_async_twins_work_from_two_loops_in_two_threads(pool: actors.ContextPool) -> None:
    contexts = [pool.spawn(apis=None), pool.spawn(apis=None)]
    shared = pool.spawn(apis=None)
    shared.eval("function tagged(t, i) { return [t, i] }")
    barrier = threading.Barrier(2, timeout=DEADLINE)
    results: dict[int, Any] = {}
    errors: list[BaseException] = []

    def run(tag: int) -> None:
        async def main() -> Any:
            barrier.wait()  # both loops are running before either starts calling
            own = await exercise_async_twins(contexts[tag], tag + 1)
            on_shared = [await shared.call_async("tagged", tag, i) for i in range(20)]
            return own, on_shared

        try:
            results[tag] = asyncio.run(main())
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(tag,)) for tag in (0, 1)]
    for th in threads:
        th.start()
    for th in threads:
        th.join(DEADLINE)
    assert not errors
    for tag in (0, 1):
        own, on_shared = results[tag]
        assert own["eval"] == 3 + tag + 1
        assert own["call"] == (tag + 1) * 10
        assert own["gather"] == [i * (tag + 1) for i in range(5)]
        assert on_shared == [[tag, i] for i in range(20)]


def test_blocking_and_async_calls_to_one_context_are_answered_in_order(ctx: actors.Context) -> None:
    ctx.eval("var n = 0; function next() { return ++n }")

    async def main() -> list[int]:
        return list(await asyncio.gather(*(ctx.call_async("next") for _ in range(10))))

    assert asyncio.run(main()) == list(range(1, 11))
    assert ctx.call("next") == 11


def test_an_async_answer_python_cannot_decode_raises_instead_of_hanging(ctx: actors.Context) -> None:
    async def main() -> None:
        await asyncio.wait_for(ctx.eval_async("new Map([[{}, 1]])"), 1.0)

    with pytest.raises((actors.ConversionError, TypeError)):
        asyncio.run(main())


def test_time_spent_in_the_async_twins_does_not_block_the_calling_loop(ctx: actors.Context) -> None:
    async def main() -> list[str]:
        order: list[str] = []

        async def ticker() -> None:
            for _ in range(3):
                await asyncio.sleep(0.01)
                order.append("tick")

        tick = asyncio.create_task(ticker())
        # the context answers only once the calling loop has ticked three times meanwhile
        ctx.add_handler("ticks", lambda: len(order))
        result = await ctx.eval_async(
            f"while (Host.callSync('ticks') < 3) await {sleep_js(5)}; 'done'", timeout=DEADLINE
        )
        order.append(result)
        await tick
        return order

    start = time.monotonic()
    assert asyncio.run(main()) == ["tick", "tick", "tick", "done"]
    assert time.monotonic() - start < DEADLINE
