"""The ``worker`` group (Worker as a sibling context on the same pool), through real contexts."""

from __future__ import annotations

import urllib.parse

from waiting import wait_until

import actors

ECHO = "self.onmessage = (e) => self.postMessage({echo: e.data});"

START = """
globalThis.got = []; globalThis.errs = [];
globalThis.w = new Worker(%s);
w.onmessage = (e) => got.push(e.data);
w.addEventListener('error', (e) => errs.push(e.message));
undefined
"""


def others(pool: actors.ContextPool, parent: actors.Context) -> list[actors.Context]:
    return [c for c in pool.contexts() if c is not parent]


def start(ctx: actors.Context, source: str) -> None:
    ctx.eval(START % repr(source))


def test_echo_round_trip_and_structured_data(pool: actors.ContextPool) -> None:
    parent = pool.spawn(apis=["worker"])
    start(parent, ECHO)
    data = {"n": 1.5, "s": "é", "l": [1, None, True, {"deep": [b"\x00\x01"]}], "big": 2**40}
    parent.set_global("data", data)
    parent.eval("for (let i = 0; i < 20; i++) w.postMessage(i); w.postMessage(data)")
    assert wait_until(lambda: parent.eval("got.length") == 21)
    result = parent.eval("got")
    assert result[:20] == [{"echo": i} for i in range(20)]  # in order
    assert result[20] == {"echo": data}
    assert parent.eval("errs") == []
    # the parent gets no worker scope (its `self` is its window)
    assert parent.eval("[typeof postMessage, self === globalThis]") == ["undefined", True]


def test_worker_scope_and_data_url(pool: actors.ContextPool) -> None:
    parent = pool.spawn(apis=["worker"])
    code = (
        "addEventListener('message', (e) => postMessage(['listener', e.data, self === globalThis]));"
        "postMessage('ready');"
    )
    start(parent, "data:text/javascript," + urllib.parse.quote(code))
    assert wait_until(lambda: parent.eval("got") == ["ready"])
    parent.eval("w.postMessage(7)")
    assert wait_until(lambda: parent.eval("got.length") == 2)
    assert parent.eval("got[1]") == ["listener", 7, True]
    child = others(pool, parent)[0]
    assert (
        child.eval("try { Worker[Symbol.for('actors.worker.scope')](); 'no' } catch (e) { e.name }")
        == "TypeError"
    )


def test_terminate_stops_the_child_context(pool: actors.ContextPool) -> None:
    parent = pool.spawn(apis=["worker"])
    start(parent, ECHO)
    parent.eval("w.postMessage(1)")
    assert wait_until(lambda: parent.eval("got.length") == 1)
    (child,) = others(pool, parent)
    parent.eval("w.terminate(); w.postMessage(2)")
    assert child.wait(5.0)
    assert not child.alive
    # the host marks the worker ended before it stops the child, and drops what an ended
    # worker sends: once the child has exited, nothing more of it reaches the parent
    assert parent.alive and parent.eval("got.length") == 1 and parent.eval("errs") == []


def test_self_close_ends_the_worker(pool: actors.ContextPool) -> None:
    parent = pool.spawn(apis=["worker"])
    start(parent, "postMessage('bye'); close();")
    assert wait_until(lambda: parent.eval("got") == ["bye"])
    assert wait_until(lambda: others(pool, parent) == [])
    assert parent.eval("errs") == []


def test_parent_stop_stops_the_worker(pool: actors.ContextPool) -> None:
    parent = pool.spawn(apis=["worker"])
    start(parent, ECHO)
    parent.eval("w.postMessage(1)")
    assert wait_until(lambda: parent.eval("got.length") == 1)
    (child,) = others(pool, parent)
    parent.stop()
    assert child.wait(5.0)


def test_a_spinning_worker_is_terminated_without_harming_its_parent() -> None:
    with actors.ContextPool(size=2, timeout=0.5) as pool:
        parent = pool.spawn(apis=["worker"])
        start(parent, "while (true) {}")
        assert wait_until(lambda: len(parent.eval("errs")) == 1, timeout=5.0)
        assert "timeout" in parent.eval("errs[0]")
        assert wait_until(lambda: others(pool, parent) == [])
        assert parent.alive and parent.eval("1 + 1") == 2
        # a worker that spins later, in a message handler
        start(parent, "onmessage = () => { while (true) {} }")
        parent.eval("w.postMessage(0)")
        assert wait_until(lambda: len(parent.eval("errs")) == 1, timeout=5.0)
        assert wait_until(lambda: others(pool, parent) == [])
        assert parent.alive and parent.eval("2 + 2") == 4


def test_error_events(pool: actors.ContextPool) -> None:
    parent = pool.spawn(apis=["worker"])
    # thrown by a message listener: reported, and the worker goes on
    start(
        parent,
        "onmessage = (e) => { if (e.data === 'boom') throw new TypeError('kaboom'); postMessage(e.data); }",
    )
    parent.eval("w.postMessage('boom'); w.postMessage('still here')")
    assert wait_until(lambda: parent.eval("got") == ["still here"])
    assert parent.eval("errs") == ["TypeError: kaboom"]
    parent.eval("w.terminate()")
    # thrown by the top-level script: reported, the worker is gone
    start(parent, "throw new Error('at load')")
    assert wait_until(lambda: len(parent.eval("errs")) == 1)
    assert "at load" in parent.eval("errs[0]")
    assert parent.eval("errs.length") == 1
    # thrown from a timer: the worker crashes, the parent gets an error event
    start(parent, "setTimeout(() => { throw new RangeError('later') }, 1)")
    assert wait_until(lambda: len(parent.eval("errs")) == 1)
    assert "later" in parent.eval("errs[0]")
    assert wait_until(lambda: others(pool, parent) == [])
    assert parent.alive
    # an unsupported URL
    start(parent, "https://example.com/w.js")
    assert wait_until(lambda: len(parent.eval("errs")) == 1)
    assert "not supported" in parent.eval("errs[0]")
