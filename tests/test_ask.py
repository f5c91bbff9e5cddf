"""Request-reply messages: ``ctx.ask`` and ``ctx.actor_ref.ask``.

``send``/``tell`` deliver a message to the ``Host.onMessage`` callbacks and
return at once; ``ask`` delivers it the same way and answers with what the
callbacks returned, which is what Pykka users expect of ``ActorRef.ask``.
"""

from __future__ import annotations

import asyncio

import pykka
import pytest

import actors


def test_ask_answers_with_the_value_the_message_callback_returned(ctx: actors.Context) -> None:
    ctx.eval("Host.onMessage(m => ({ echo: m, n: m.n * 2 }))")
    assert ctx.ask({"n": 21}) == {"echo": {"n": 21}, "n": 42}


def test_ask_awaits_a_promise_the_callback_returned(ctx: actors.Context) -> None:
    ctx.eval("Host.onMessage(async m => { await null; return m + 1 })")
    assert ctx.ask(41) == 42


def test_ask_answers_with_the_last_callback_that_returned_something(ctx: actors.Context) -> None:
    ctx.eval("globalThis.seen = []; Host.onMessage(m => 'first'); Host.onMessage(m => { seen.push(m) })")
    assert ctx.ask("x") == "first"
    assert ctx.eval("seen") == ["x"]  # every callback ran


def test_ask_without_a_callback_answers_none(ctx: actors.Context) -> None:
    assert ctx.ask("anyone?") is None


def test_a_callback_that_throws_fails_the_ask_and_the_context_lives(ctx: actors.Context) -> None:
    ctx.eval("Host.onMessage(m => { throw new RangeError('bad ' + m) })")
    with pytest.raises(actors.JSError) as info:
        ctx.ask("input")
    assert (info.value.name, info.value.message) == ("RangeError", "bad input")
    assert ctx.eval("1 + 1") == 2


def test_ask_runs_under_the_context_limits(pool: actors.ContextPool) -> None:
    ctx = pool.spawn(apis=None, max_reductions=1000)
    ctx.eval("Host.onMessage(m => { for (;;) {} })")
    with pytest.raises(actors.ReductionLimitError):
        ctx.ask(1)
    assert ctx.eval("1 + 1") == 2


def test_ask_has_an_async_twin(ctx: actors.Context) -> None:
    ctx.eval("Host.onMessage(m => m.toUpperCase())")
    assert asyncio.run(ctx.ask_async("hi")) == "HI"


def test_actor_ref_ask_returns_the_callback_answer(ctx: actors.Context) -> None:
    ctx.eval("Host.onMessage(m => m * 3)")
    assert ctx.actor_ref.ask(14, timeout=5) == 42


def test_actor_ref_ask_raises_the_js_error(ctx: actors.Context) -> None:
    ctx.eval("Host.onMessage(m => { throw new TypeError('no') })")
    with pytest.raises(actors.JSError, match="TypeError: no"):
        ctx.actor_ref.ask("x", timeout=5)


def test_actor_ref_tell_still_delivers_without_an_answer(ctx: actors.Context) -> None:
    ctx.eval("globalThis.got = []; Host.onMessage(m => { got.push(m); return 'ignored' })")
    ctx.actor_ref.tell("a")
    assert ctx.actor_ref.ask("b", timeout=5) == "ignored"  # in order, after the tell
    assert ctx.eval("got") == ["a", "b"]


def test_actor_ref_ask_of_a_stopped_context_fails_as_a_dead_actor(pool: actors.ContextPool) -> None:
    ctx = pool.spawn(apis=None)
    ref = ctx.actor_ref
    ctx.stop()
    with pytest.raises(pykka.ActorDeadError):  # ContextDeadError is one too
        ref.ask("x", timeout=5)


def test_a_slow_ask_does_not_hold_a_dispatcher_thread(pool: actors.ContextPool) -> None:
    # A hundred asks waiting on JS at once must not starve other actors.
    slow = [pool.spawn(apis=None) for _ in range(100)]
    for c in slow:
        c.eval("Host.onMessage(m => new Promise(r => setTimeout(() => r(m), 300)))")
    futures = [c.actor_ref.ask(i, block=False) for i, c in enumerate(slow)]
    quick = pool.spawn(apis=None)
    quick.eval("Host.onMessage(m => m)")
    assert quick.actor_ref.ask("now", timeout=0.25) == "now"
    assert [f.get(timeout=10) for f in futures] == list(range(100))
