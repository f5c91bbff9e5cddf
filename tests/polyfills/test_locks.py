"""The ``locks`` group: navigator.locks across the contexts of a pool."""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor

from waiting import wait_js

import actors
from actors.apis import locks as locks_group

LOCK_APIS = ["locks", "events", "storage"]


def test_globals(pool: actors.ContextPool) -> None:
    c = pool.spawn(apis=["locks"])
    assert c.eval("typeof Object.getOwnPropertyDescriptor(globalThis, 'navigator').get") == "function"
    assert c.eval(
        "[navigator.userAgent, navigator.locks instanceof LockManager, String(navigator.locks)]"
    ) == [
        "actors",
        True,
        "[object LockManager]",
    ]
    assert c.eval("try { new Lock(); 'no' } catch (e) { e.name }") == "TypeError"
    assert c.eval("try { new LockManager(); 'no' } catch (e) { e.name }") == "TypeError"
    got = c.eval("await navigator.locks.request('n', async (l) => [l instanceof Lock, l.name, l.mode, 7])")
    assert got == [True, "n", "exclusive", 7]
    # the callback's rejection rejects the request, and the lock is released
    assert (
        c.eval(
            "try { await navigator.locks.request('n', () => { throw new RangeError('boom'); }) }"
            " catch (e) { e.name }"
        )
        == "RangeError"
    )
    assert c.eval("(await navigator.locks.query()).held.length") == 0
    assert (
        c.eval("try { await navigator.locks.request('-x', () => 1) } catch (e) { e.name }")
        == "NotSupportedError"
    )
    assert c.eval(
        "try { await navigator.locks.request('x', {mode: 'nope'}, () => 1) } catch (e) { e.name }"
    ) == ("TypeError")


def test_mutual_exclusion_across_contexts(pool: actors.ContextPool) -> None:
    # read-yield-write of a counter in localStorage: lost updates without the lock
    contexts = [pool.spawn(apis=LOCK_APIS) for _ in range(8)]
    contexts[0].eval("localStorage.counter = '0'")
    rounds = 15
    code = f"""
        for (let i = 0; i < {rounds}; i++) {{
          await navigator.locks.request('counter', async () => {{
            const v = Number(localStorage.counter);
            await new Promise((r) => setTimeout(r, 0));
            localStorage.counter = String(v + 1);
          }});
        }}
        'done'"""
    with ThreadPoolExecutor(8) as ex:
        results = list(ex.map(lambda cx: cx.eval(code, timeout=20), contexts))
    assert results == ["done"] * 8
    assert contexts[0].eval("Number(localStorage.counter)") == 8 * rounds


def test_shared_locks_are_concurrent(pool: actors.ContextPool) -> None:
    a, b, w = (pool.spawn(apis=LOCK_APIS) for _ in range(3))
    hold = (
        "globalThis.rel = null; globalThis.p = navigator.locks.request('r', {mode: 'shared'},"
        " (l) => new Promise((r) => { globalThis.rel = r; })); 1"
    )
    a.eval(hold)
    b.eval(hold)
    assert wait_js(a, "rel !== null") and wait_js(b, "rel !== null")  # both hold it at once
    w.eval("globalThis.got = false; globalThis.wp = navigator.locks.request('r', () => { got = true; }); 1")
    state = a.eval("await navigator.locks.query()")
    assert sorted(h["mode"] for h in state["held"]) == ["shared", "shared"]
    assert [(p["name"], p["mode"]) for p in state["pending"]] == [("r", "exclusive")]
    # a shared request behind a queued exclusive one waits (FIFO)
    assert b.eval("await navigator.locks.request('r', {mode: 'shared', ifAvailable: true}, (l) => l)") is None
    a.eval("rel(); await p")
    # the release is a callSync: a grant it made is already in w's mailbox, which keeps
    # order, so it would be handled before this eval
    assert w.eval("got") is False
    b.eval("rel(); await p")
    assert wait_js(w, "got")
    w.eval("await wp")


def test_if_available(pool: actors.ContextPool) -> None:
    a, b = pool.spawn(apis=LOCK_APIS), pool.spawn(apis=LOCK_APIS)
    a.eval(
        "globalThis.p = navigator.locks.request('ia', (l) => new Promise((r) => { globalThis.rel = r; })); 1"
    )
    assert wait_js(a, "typeof rel === 'function'")
    assert b.eval(
        "await navigator.locks.request('ia', {ifAvailable: true}, (l) => l === null ? 'none' : 'got')"
    ) == ("none")
    a.eval("rel(); await p")
    assert b.eval("await navigator.locks.request('ia', {ifAvailable: true}, (l) => l.name)") == "ia"


def test_steal(pool: actors.ContextPool) -> None:
    a, b = pool.spawn(apis=LOCK_APIS), pool.spawn(apis=LOCK_APIS)
    a.eval(
        "globalThis.outcome = null; navigator.locks.request('st', () => new Promise(() => {}))"
        ".then(() => { outcome = 'resolved'; }, (e) => { outcome = e.name; }); 1"
    )
    assert wait_js(b, "(await navigator.locks.query()).held.length === 1")
    assert b.eval("await navigator.locks.request('st', {steal: true}, async (l) => l.mode)") == "exclusive"
    assert wait_js(a, "outcome") == "AbortError"
    assert b.eval("(await navigator.locks.query()).held.length") == 0
    assert b.eval(
        "try { await navigator.locks.request('st', {steal: true, mode: 'shared'}, () => 1) }"
        " catch (e) { e.name }"
    ) == ("NotSupportedError")


def test_abort_signal(pool: actors.ContextPool) -> None:
    a, b = pool.spawn(apis=LOCK_APIS), pool.spawn(apis=LOCK_APIS)
    a.eval(
        "globalThis.p = navigator.locks.request('ab', (l) => new Promise((r) => { globalThis.rel = r; })); 1"
    )
    assert wait_js(a, "typeof rel === 'function'")
    got = b.eval(
        """const ac = new AbortController();
        const req = navigator.locks.request('ab', {signal: ac.signal}, () => 'ran');
        const q1 = (await navigator.locks.query()).pending.length;
        ac.abort();
        let name;
        try { await req; name = 'resolved'; } catch (e) { name = e.name; }
        [name, q1, (await navigator.locks.query()).pending.length]"""
    )
    assert got == ["AbortError", 1, 0]
    # an already aborted signal rejects at once
    assert (
        b.eval(
            "try { await navigator.locks.request('ab', {signal: AbortSignal.abort()}, () => 1) }"
            " catch (e) { e.name }"
        )
        == "AbortError"
    )
    a.eval("rel(); await p")
    assert b.eval("await navigator.locks.request('ab', {ifAvailable: true}, (l) => l !== null)") is True


def test_query_lists_held_and_pending(pool: actors.ContextPool) -> None:
    a, b = pool.spawn(apis=LOCK_APIS), pool.spawn(apis=LOCK_APIS)
    a.eval(
        "globalThis.p = navigator.locks.request('q', (l) => new Promise((r) => { globalThis.rel = r; })); 1"
    )
    assert wait_js(a, "typeof rel === 'function'")
    b.eval("globalThis.p = navigator.locks.request('q', {mode: 'shared'}, () => 'b'); 1")
    state = b.eval("await navigator.locks.query()")
    assert state == {
        "held": [{"name": "q", "mode": "exclusive", "clientId": str(a.id)}],
        "pending": [{"name": "q", "mode": "shared", "clientId": str(b.id)}],
    }
    a.eval("rel(); await p")
    assert b.eval("await p") == "b"
    assert b.eval("await navigator.locks.query()") == {"held": [], "pending": []}


def test_killed_holder_releases(pool: actors.ContextPool) -> None:
    holder = pool.spawn(apis=LOCK_APIS)
    waiter = pool.spawn(apis=LOCK_APIS)
    queued = pool.spawn(apis=LOCK_APIS)
    holder.eval("navigator.locks.request('k', () => new Promise(() => {})); 1")
    assert wait_js(waiter, "(await navigator.locks.query()).held.length === 1")
    waiter.eval("globalThis.got = 0; navigator.locks.request('k', () => { got = Date.now(); }); 1")
    start = time.monotonic()
    holder.kill()
    assert wait_js(waiter, "got", timeout=2.0)
    assert time.monotonic() - start < 2.0
    # a dead context's queued requests are dropped too
    queued.eval("navigator.locks.request('k2', () => new Promise(() => {})); 1")
    dying = pool.spawn(apis=LOCK_APIS)
    dying.eval("navigator.locks.request('k2', () => 1); 1")
    assert len(waiter.eval("await navigator.locks.query()")["pending"]) == 1
    dying.kill()
    assert wait_js(waiter, "(await navigator.locks.query()).pending.length === 0")


def test_manager_starts_empty() -> None:
    assert locks_group.LockManager().query() == {"held": [], "pending": []}
