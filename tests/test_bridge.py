"""The JavaScript side of the bridge: Host.call, Host.callSync, Host.onMessage, Host.send (and Beam)."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from waiting import wait_until

import actors

DEADLINE = 5.0  # seconds: generous upper bound for anything that should happen "at once"
_PACKAGE_ROOT = str(Path(actors.__file__).resolve().parent.parent)


class QuotaExceeded(Exception):
    """A user-defined exception: its class name must reach JS as ``e.name``."""


@pytest.fixture
def gate(pool: actors.ContextPool) -> Iterator[threading.Event]:
    """An Event that blocked handlers wait on; released at teardown, before ``pool`` stops."""
    event = threading.Event()
    try:
        yield event
    finally:
        event.set()


def catch(code: str) -> str:
    """JS that runs ``code`` (an expression) and evaluates to [e.name, e.message, e instanceof Error]."""
    return f"try {{ {code}; ['no error'] }} catch (e) {{ [e.name, e.message, e instanceof Error] }}"


# ---- Host.call / Host.callSync ------------------------------------------------------------------


def add(a: int, b: int) -> int:
    return a + b


async def async_mul(a: int, b: int) -> int:
    await asyncio.sleep(0)
    return a * b


def test_host_call_returns_a_promise_of_a_plain_handlers_value(pool: actors.ContextPool) -> None:
    ctx = pool.spawn(apis=None, handlers={"add": add})
    assert ctx.eval("Host.call('add', 2, 3) instanceof Promise") is True
    assert ctx.eval("await Host.call('add', 2, 3)") == 5


def test_host_call_returns_a_promise_of_an_async_handlers_value(pool: actors.ContextPool) -> None:
    ctx = pool.spawn(apis=None, handlers={"mul": async_mul})
    assert ctx.eval("await Host.call('mul', 6, 7)") == 42


def test_host_call_sync_returns_a_plain_handlers_value(pool: actors.ContextPool) -> None:
    ctx = pool.spawn(apis=None, handlers={"add": add})
    assert ctx.eval("const r = Host.callSync('add', 'a', 'b'); [typeof r, r]") == ["string", "ab"]


def test_host_call_sync_returns_an_async_handlers_value(pool: actors.ContextPool) -> None:
    ctx = pool.spawn(apis=None, handlers={"mul": async_mul})
    assert ctx.eval("Host.callSync('mul', 4, 3) + 1") == 13


def test_a_handler_receives_the_js_arguments_as_positional_arguments(pool: actors.ContextPool) -> None:
    seen: list[tuple[Any, ...]] = []

    def record(*args: Any) -> int:
        seen.append(args)
        return len(args)

    ctx = pool.spawn(apis=None, handlers={"record": record})
    assert ctx.eval("Host.callSync('record', 1, 'two', [3], {four: 4}, null, undefined)") == 6
    assert ctx.eval("await Host.call('record')") == 0
    assert seen == [(1, "two", [3], {"four": 4}, None, None), ()]


def test_a_handler_with_named_parameters_gets_them_in_order(pool: actors.ContextPool) -> None:
    def describe(name: str, age: int, city: str = "nowhere") -> str:
        return f"{name}/{age}/{city}"

    ctx = pool.spawn(apis=None, handlers={"describe": describe})
    assert ctx.eval("await Host.call('describe', 'ada', 36)") == "ada/36/nowhere"
    assert ctx.eval("Host.callSync('describe', 'bob', 7, 'oslo')") == "bob/7/oslo"


def test_a_handler_returns_values_through_the_codec(pool: actors.ContextPool) -> None:
    ctx = pool.spawn(apis=None, handlers={"big": lambda: {"n": 2**70, "b": b"\x01\x02", "t": (1, 2)}})
    assert ctx.eval(
        "const v = Host.callSync('big'); [typeof v.n, v.b instanceof Uint8Array, Array.isArray(v.t)]"
    ) == ["bigint", True, True]


def raise_quota(*_args: Any) -> None:
    raise QuotaExceeded("over the limit: 3 > 2")


async def async_raise_value_error(*_args: Any) -> None:
    await asyncio.sleep(0)
    raise ValueError("bad input from async")


@pytest.mark.parametrize(
    ("handler", "name", "message"),
    [
        (raise_quota, "QuotaExceeded", "over the limit: 3 > 2"),
        (async_raise_value_error, "ValueError", "bad input from async"),
    ],
    ids=["plain", "async"],
)
def test_a_handler_that_raises_rejects_the_promise_with_its_type_and_message(
    pool: actors.ContextPool, handler: Callable[..., Any], name: str, message: str
) -> None:
    ctx = pool.spawn(apis=None, handlers={"fail": handler})
    assert ctx.eval(catch("await Host.call('fail', 1)")) == [name, message, True]


@pytest.mark.parametrize(
    ("handler", "name", "message"),
    [
        (raise_quota, "QuotaExceeded", "over the limit: 3 > 2"),
        (async_raise_value_error, "ValueError", "bad input from async"),
    ],
    ids=["plain", "async"],
)
def test_a_handler_that_raises_makes_call_sync_throw_its_type_and_message(
    pool: actors.ContextPool, handler: Callable[..., Any], name: str, message: str
) -> None:
    ctx = pool.spawn(apis=None, handlers={"fail": handler})
    assert ctx.eval(catch("Host.callSync('fail')")) == [name, message, True]


def test_an_uncaught_handler_rejection_reaches_python_as_a_js_error(pool: actors.ContextPool) -> None:
    ctx = pool.spawn(apis=None, handlers={"fail": raise_quota})
    with pytest.raises(actors.JSError) as info:
        ctx.eval("await Host.call('fail')")
    assert info.value.name == "QuotaExceeded"
    assert info.value.message == "over the limit: 3 > 2"
    assert ctx.eval("1+1") == 2


def test_a_missing_handler_name_rejects_with_a_message_naming_it(pool: actors.ContextPool) -> None:
    ctx = pool.spawn(apis=None, handlers={"add": add})
    name, message, is_error = ctx.eval(catch("await Host.call('no_such_handler', 1)"))
    assert is_error is True
    assert name == "LookupError"
    assert "no_such_handler" in message
    assert "add" in message  # lists the handlers that do exist
    name, message, _ = ctx.eval(catch("Host.callSync('no_such_handler')"))
    assert name == "LookupError"
    assert "no_such_handler" in message


def test_a_context_without_handlers_rejects_every_host_call(ctx: actors.Context) -> None:
    name, message, _ = ctx.eval(catch("await Host.call('anything')"))
    assert name == "LookupError"
    assert "anything" in message


def test_host_call_needs_a_handler_name(ctx: actors.Context) -> None:
    assert ctx.eval(catch("Host.call(42)"))[0] == "TypeError"
    assert ctx.eval(catch("Host.callSync()"))[0] == "TypeError"


def test_an_argument_python_cannot_take_throws_a_type_error_in_js(pool: actors.ContextPool) -> None:
    called = threading.Event()
    ctx = pool.spawn(apis=None, handlers={"h": lambda *a: called.set()})
    name, message, _ = ctx.eval(catch("Host.call('h', 1, () => 2)"))
    assert name == "TypeError"
    assert "argument 1" in message and "function" in message
    assert ctx.eval(catch("Host.callSync('h', Symbol('s'))"))[0] == "TypeError"
    assert not called.is_set()


def test_a_handler_result_js_cannot_take_rejects_with_a_conversion_error(pool: actors.ContextPool) -> None:
    ctx = pool.spawn(apis=None, handlers={"give_set": lambda: {1, 2}, "give_obj": lambda: object()})
    name, message, _ = ctx.eval(catch("await Host.call('give_set')"))
    assert name == "ConversionError"
    assert "give_set" in message and "set" in message
    assert ctx.eval(catch("Host.callSync('give_obj')"))[0] == "ConversionError"
    assert ctx.eval("1+1") == 2


def test_a_handler_raising_keyboard_interrupt_does_not_kill_the_pool(pool: actors.ContextPool) -> None:
    def interrupt() -> None:
        raise KeyboardInterrupt("ctrl-c in a handler")

    ctx = pool.spawn(apis=None, handlers={"interrupt": interrupt, "add": add})
    sibling = pool.spawn(apis=None, handlers={"add": add})
    expected = ["KeyboardInterrupt", "ctrl-c in a handler", True]
    assert ctx.eval(catch("await Host.call('interrupt')")) == expected
    assert ctx.eval(catch("Host.callSync('interrupt')"))[0] == "KeyboardInterrupt"
    assert ctx.alive and sibling.alive
    assert ctx.eval("1+1") == 2
    assert sibling.eval("2+2") == 4
    # the handler threads survived too
    assert ctx.eval("await Host.call('add', 1, 2)") == 3
    assert sibling.eval("Host.callSync('add', 3, 4)") == 7
    assert pool.spawn(apis=None).eval("'fresh'") == "fresh"


# Run in a child process: the dead handler loop leaks an unclosed event loop and
# never-awaited coroutines that would otherwise surface as warnings in a later test.
_ASYNC_INTERRUPT_SCRIPT = """
import asyncio, json, actors

async def interrupt():
    raise KeyboardInterrupt("ctrl-c in an async handler")

async def mul(a, b):
    await asyncio.sleep(0)
    return a * b

out = {}
with actors.ContextPool(size=2) as pool:
    ctx = pool.spawn(apis=None, handlers={"interrupt": interrupt, "mul": mul})
    sibling = pool.spawn(apis=None, handlers={"mul": mul})
    for key, c, code in [
        ("interrupt", ctx, "try { await Host.call('interrupt') } catch (e) { [e.name, e.message] }"),
        ("same context", ctx, "await Host.call('mul', 2, 3)"),
        ("sibling", sibling, "await Host.call('mul', 4, 5)"),
    ]:
        try:
            out[key] = c.eval(code, timeout=0.5)
        except Exception as exc:
            out[key] = type(exc).__name__
print(json.dumps(out))
"""


def test_an_async_handler_raising_keyboard_interrupt_does_not_kill_the_pool() -> None:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (_PACKAGE_ROOT, env.get("PYTHONPATH", "")) if p)
    proc = subprocess.run(
        [sys.executable, "-c", _ASYNC_INTERRUPT_SCRIPT],
        capture_output=True,
        text=True,
        timeout=60,
        env=env,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout) == {
        "interrupt": ["KeyboardInterrupt", "ctrl-c in an async handler"],
        "same context": 6,
        "sibling": 20,
    }


def test_beam_is_an_alias_of_host(pool: actors.ContextPool) -> None:
    ctx = pool.spawn(apis=None, handlers={"add": add})
    assert ctx.eval("Beam === Host") is True
    assert ctx.eval("await Beam.call('add', 1, 1)") == 2
    assert ctx.eval("Beam.callSync('add', 2, 2)") == 4
    members = ["call", "callSync", "onMessage", "send"]
    assert ctx.eval("Object.getOwnPropertyNames(Beam).sort()") == members


def test_plain_handlers_run_concurrently_off_the_worker_threads(pool: actors.ContextPool) -> None:
    barrier = threading.Barrier(3, timeout=DEADLINE)

    def meet(i: int) -> int:
        barrier.wait()  # only returns once three calls are inside handlers at the same time
        return i

    ctx = pool.spawn(apis=None, handlers={"meet": meet})
    assert ctx.eval("await Promise.all([0, 1, 2].map(i => Host.call('meet', i)))") == [0, 1, 2]


def test_async_handlers_overlap_on_their_loop(pool: actors.ContextPool) -> None:
    async def nap(i: int) -> int:
        await asyncio.sleep(0.2)
        return i

    ctx = pool.spawn(apis=None, handlers={"nap": nap})
    start = time.monotonic()
    got = ctx.eval("await Promise.all([...Array(10).keys()].map(i => Host.call('nap', i)))")
    assert got == list(range(10))
    assert time.monotonic() - start < 1.5  # ten 0.2 s naps one after the other would take 2 s


# ---- messages ----------------------------------------------------------------------------------


def test_ctx_send_reaches_every_host_on_message_callback_in_order(ctx: actors.Context) -> None:
    ctx.eval("var a = [], b = []; Host.onMessage(m => a.push(m)); Host.onMessage(m => b.push(m))")
    for message in [{"type": "ping"}, [1, 2], "three", None, 2**60]:
        ctx.send(message)
    expected = [{"type": "ping"}, [1, 2], "three", None, 2**60]
    assert ctx.eval("a") == expected  # the eval is queued behind the sends
    assert ctx.eval("b") == expected


def test_a_message_round_trip_through_host_send_reaches_on_message(ctx: actors.Context) -> None:
    got: list[Any] = []
    arrived = threading.Event()

    def on_message(message: Any) -> None:
        got.append(message)
        arrived.set()

    ctx.on_message(on_message)
    ctx.eval("Host.onMessage(m => Host.send({echo: m, doubled: m.n * 2}))")
    ctx.send({"n": 21})
    assert arrived.wait(DEADLINE)
    assert got == [{"echo": {"n": 21}, "doubled": 42}]


def test_host_send_delivers_to_every_on_message_callback_in_order(ctx: actors.Context) -> None:
    first: list[Any] = []
    second: list[Any] = []
    done = threading.Event()

    def second_cb(message: Any) -> None:
        second.append(message)
        if message == "last":
            done.set()

    ctx.on_message(first.append)
    ctx.on_message(second_cb)
    ctx.eval("for (let i = 0; i < 50; i++) Host.send({i}); Host.send('last')")
    assert done.wait(DEADLINE)
    expected = [{"i": i} for i in range(50)] + ["last"]
    assert first == expected
    assert second == expected


def test_host_send_from_a_timer_reaches_on_message(ctx: actors.Context) -> None:
    arrived = threading.Event()
    got: list[Any] = []
    ctx.on_message(lambda m: (got.append(m), arrived.set()))
    ctx.eval("setTimeout(() => Host.send('tick'), 5)")
    assert arrived.wait(DEADLINE)
    assert got == ["tick"]


def test_host_send_refuses_a_message_python_cannot_take(ctx: actors.Context) -> None:
    name, message, _ = ctx.eval(catch("Host.send({f() {}})"))
    assert name == "TypeError"
    assert "function" in message and "$.f" in message


def test_messages_to_many_contexts_arrive_in_order_per_context(pool: actors.ContextPool) -> None:
    n_contexts, n_messages = 12, 60
    received: dict[int, list[int]] = {}
    lock = threading.Lock()
    all_done = threading.Event()
    finished: set[int] = set()
    contexts = []
    for k in range(n_contexts):
        received[k] = []
        c = pool.spawn(apis=None)
        c.eval(f"Host.onMessage(m => Host.send([{k}, m.i]))")

        def on_message(message: Any) -> None:
            sender, i = message
            with lock:
                received[sender].append(i)
                if i == n_messages - 1:
                    finished.add(sender)
                    if len(finished) == n_contexts:
                        all_done.set()

        c.on_message(on_message)
        contexts.append(c)

    for i in range(n_messages):  # interleaved: every context gets message i before i + 1
        for c in contexts:
            c.send({"i": i})
    assert all_done.wait(DEADLINE)
    for k in range(n_contexts):
        assert received[k] == list(range(n_messages)), f"context {k}"


def test_messages_from_many_sender_threads_keep_each_threads_order(ctx: actors.Context) -> None:
    ctx.eval("var seen = []; Host.onMessage(m => seen.push(m))")

    def sender(t: int) -> None:
        for i in range(100):
            ctx.send([t, i])

    threads = [threading.Thread(target=sender, args=(t,)) for t in range(4)]
    for th in threads:
        th.start()
    for th in threads:
        th.join(DEADLINE)
    seen = ctx.eval("seen")
    assert len(seen) == 400
    for t in range(4):
        assert [i for s, i in seen if s == t] == list(range(100))


# ---- handlers that never return ------------------------------------------------------------------


def test_a_handler_that_never_returns_times_out_the_eval_and_the_context_answers_after(
    pool: actors.ContextPool, gate: threading.Event
) -> None:
    entered = threading.Event()
    returned = threading.Event()

    def hang() -> str:
        entered.set()
        gate.wait(30)
        returned.set()
        return "late"

    ctx = pool.spawn(apis=None, handlers={"hang": hang})
    start = time.monotonic()
    with pytest.raises(actors.EvalTimeoutError) as info:
        ctx.eval("await Host.call('hang')", timeout=0.3)
    elapsed = time.monotonic() - start
    assert isinstance(info.value, TimeoutError)
    assert isinstance(info.value, actors.LimitError)
    assert entered.is_set()
    assert 0.25 <= elapsed < 3.0
    assert ctx.eval("1+1") == 2  # while the handler is still blocked

    gate.set()
    assert returned.wait(DEADLINE)
    # the late answer goes nowhere: later requests get their own answers
    for i in range(5):
        assert ctx.eval(f"'answer ' + {i}") == f"answer {i}"
    assert ctx.alive


def test_a_call_sync_handler_that_never_returns_times_out_and_the_context_answers_after(
    pool: actors.ContextPool, gate: threading.Event
) -> None:
    returned = threading.Event()

    def hang() -> str:
        gate.wait(30)
        returned.set()
        return "late"

    ctx = pool.spawn(apis=None, handlers={"hang": hang})
    with pytest.raises(actors.EvalTimeoutError):
        ctx.eval("Host.callSync('hang')", timeout=0.3)
    assert ctx.eval("1+1") == 2
    gate.set()
    assert returned.wait(DEADLINE)
    assert ctx.eval("'after'") == "after"
    assert ctx.eval("Host.callSync('hang')", timeout=DEADLINE) == "late"  # the gate is open now


def test_a_context_parked_in_call_sync_does_not_block_its_siblings(
    pool: actors.ContextPool, gate: threading.Event
) -> None:
    entered = threading.Event()

    def slow() -> str:
        entered.set()
        gate.wait(30)
        return "slow done"

    parked = pool.spawn(apis=None, handlers={"slow": slow})
    siblings = [pool.spawn(apis=None) for _ in range(3)]
    result: dict[str, Any] = {}
    th = threading.Thread(target=lambda: result.setdefault("v", parked.eval("Host.callSync('slow')")))
    th.start()
    try:
        assert entered.wait(DEADLINE)
        for i, s in enumerate(siblings):
            assert s.eval(f"{i} * 10", timeout=DEADLINE) == i * 10
    finally:
        gate.set()
        th.join(DEADLINE)
    assert result == {"v": "slow done"}


def test_call_sync_in_one_context_does_not_block_a_sibling_on_a_one_thread_pool() -> None:
    gate = threading.Event()
    entered = threading.Event()

    def slow() -> str:
        entered.set()
        gate.wait(30)
        return "slow done"

    one = actors.ContextPool(size=1)
    parked_thread = sibling_thread = None
    try:
        parked = one.spawn(apis=None, handlers={"slow": slow})
        sibling = one.spawn(apis=None)
        assert sibling.eval("1") == 1  # warm: the sibling exists and has answered once
        handoffs = one.stats()["handoffs"]
        parked_thread = threading.Thread(target=parked.eval, args=("Host.callSync('slow')",))
        parked_thread.start()
        assert entered.wait(DEADLINE)
        # the parked worker has given its slot away (the pool counts that as a handoff)
        assert wait_until(lambda: one.stats()["handoffs"] > handoffs)

        answered = threading.Event()
        answer: list[Any] = []

        def ask() -> None:
            answer.append(sibling.eval("40 + 2"))
            answered.set()

        sibling_thread = threading.Thread(target=ask)
        sibling_thread.start()
        assert answered.wait(1.0), "the sibling's eval waited for the parked callSync"
        assert answer == [42]
    finally:
        gate.set()
        for th in (parked_thread, sibling_thread):
            if th is not None:
                th.join(DEADLINE)
        one.stop()
