"""The ``channel`` group (BroadcastChannel between a pool's contexts), through real contexts."""

from __future__ import annotations

import itertools
from collections.abc import Callable

import pytest
from waiting import wait_until

import actors
from actors.apis.channel import hub

SETUP = """
globalThis.got = {};
globalThis.open = (key, name) => {
  const bc = new BroadcastChannel(name);
  got[key] = [];
  bc.onmessage = (e) => got[key].push(e.data);
  globalThis[key] = bc;
};
undefined
"""


@pytest.fixture
def three(group_context: Callable[..., actors.Context]) -> list[actors.Context]:
    return [group_context("channel", setup=SETUP) for _ in range(3)]


def got(c: actors.Context, key: str) -> list[object]:
    result: list[object] = c.eval(f"got[{key!r}]")
    return result


_markers = itertools.count()


def flushed(sender: actors.Context, receiver: actors.Context) -> None:
    """Return once whatever ``sender`` posted before the call has reached ``receiver`` (or never will).

    A context's posts leave in order, one batch at a time, and the hub hands
    each receiving context its share in that order: a marker posted now on a
    channel of their own arrives after all of it.
    """
    n = next(_markers)
    receiver.eval(f"open('rx{n}', 'marker-{n}')")
    sender.eval(f"open('tx{n}', 'marker-{n}'); tx{n}.postMessage('marker')")
    assert wait_until(lambda: got(receiver, f"rx{n}") == ["marker"]), "the marker never arrived"


def test_fan_out_in_order_not_echoed(three: list[actors.Context]) -> None:
    a, b, c = three
    for ctx in three:
        ctx.eval("open('x', 'news')")
    a.eval("open('y', 'news')")  # a second object in the sender's context
    a.eval("for (let i = 0; i < 50; i++) x.postMessage({i, s: 'v' + i, l: [i, null, true]}); undefined")
    expected = [{"i": i, "s": f"v{i}", "l": [i, None, True]} for i in range(50)]
    assert wait_until(lambda: len(got(b, "x")) == 50 and len(got(c, "x")) == 50 and len(got(a, "y")) == 50)
    assert got(b, "x") == expected
    assert got(c, "x") == expected
    assert got(a, "y") == expected
    flushed(a, a)
    assert got(a, "x") == []  # never echoed to the sending object


def test_delivery_is_async_and_a_message_event(three: list[actors.Context]) -> None:
    a, b, _ = three
    a.eval("open('x', 'n')")
    b.eval(
        "globalThis.evs = []; globalThis.bb = new BroadcastChannel('n');"
        "bb.addEventListener('message', (e) =>"
        " evs.push([e.type, e instanceof MessageEvent, e.data, e.target === bb]))"
    )
    assert a.eval("x.postMessage('hi'); got.x.length") == 0
    assert wait_until(lambda: b.eval("evs.length") == 1)
    assert b.eval("evs[0]") == ["message", True, "hi", True]
    assert a.eval("x.name") == "n"


def test_close(three: list[actors.Context]) -> None:
    a, b, c = three
    for ctx in three:
        ctx.eval("open('x', 'closing')")
    b.eval("x.close()")
    a.eval("x.postMessage(1)")
    assert wait_until(lambda: got(c, "x") == [1])
    flushed(a, b)
    assert got(b, "x") == []
    err = b.eval("try { x.postMessage(2); 'no' } catch (e) { [e.name, e instanceof DOMException] }")
    assert err == ["InvalidStateError", True]
    assert b.eval("x.close(); 'ok'") == "ok"  # idempotent
    assert hub(a.pool).subscribers("closing") == 2


def test_names_are_isolated(three: list[actors.Context]) -> None:
    a, b, c = three
    a.eval("open('x', 'one')")
    b.eval("open('x', 'one')")
    c.eval("open('x', 'two')")
    a.eval("x.postMessage('to one')")
    c.eval("x.postMessage('to two')")
    assert wait_until(lambda: got(b, "x") == ["to one"])
    for sender in (a, c):
        for receiver in (a, c):
            flushed(sender, receiver)
    assert got(c, "x") == []
    assert got(a, "x") == []


def test_a_dead_context_does_not_break_delivery(three: list[actors.Context]) -> None:
    a, b, c = three
    for ctx in three:
        ctx.eval("open('x', 'd')")
    assert hub(a.pool).subscribers("d") == 3
    b.stop()
    assert wait_until(lambda: hub(a.pool).subscribers("d") == 2)
    a.eval("x.postMessage('after')")
    assert wait_until(lambda: got(c, "x") == ["after"])


def test_uncloneable_values_throw(three: list[actors.Context]) -> None:
    a = three[0]
    a.eval("open('x', 'f')")
    assert a.eval("try { x.postMessage(() => 1); 'no' } catch (e) { e.name }") == "DataCloneError"
    assert a.eval("try { new BroadcastChannel() } catch (e) { e.name }") == "TypeError"
