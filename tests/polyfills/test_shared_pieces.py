"""Pieces shared between API groups (polyfills/shared.*.js, events.js's internals):
one DOMException and one MessageEvent per context whichever group makes them,
and a script that replaced the globals before the groups loaded does not
change what the groups build."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from waiting import wait_until

import actors

# [name, code, instanceof DOMException, prototype is DOMException.prototype, toString tag]
DESCRIBE = """const describe = (e) => [e.name, e.code, e instanceof DOMException,
  Object.getPrototypeOf(e) === DOMException.prototype, Object.prototype.toString.call(e)];"""

# a DOMException from each group that throws one
FROM_EACH_GROUP = """
const errors = {};
try { crypto.getRandomValues(new Uint8Array(65537)); } catch (e) { errors.crypto = e; }
try { await navigator.locks.request('-reserved', () => {}); } catch (e) { errors.locks = e; }
try { sessionStorage.big = 'x'.repeat(6 * 1024 * 1024); } catch (e) { errors.storage = e; }
try { atob('!'); } catch (e) { errors.encoding = e; }
"""
DESCRIBE_ALL = "const out = {}; for (const k in errors) out[k] = describe(errors[k]); out"


def test_a_dom_exception_is_one_class_whichever_group_throws_it(pool: actors.ContextPool) -> None:
    c = pool.spawn(apis=["crypto", "locks", "storage", "encoding", "events"])
    got: dict[str, Any] = c.eval(DESCRIBE + FROM_EACH_GROUP + DESCRIBE_ALL)
    assert got == {
        "crypto": ["QuotaExceededError", 22, True, True, "[object DOMException]"],
        "locks": ["NotSupportedError", 9, True, True, "[object DOMException]"],
        "storage": ["QuotaExceededError", 22, True, True, "[object DOMException]"],
        "encoding": ["InvalidCharacterError", 5, True, True, "[object DOMException]"],
    }


def test_without_the_events_group_errors_are_the_engines_dom_exception(pool: actors.ContextPool) -> None:
    c = pool.spawn(apis=["crypto", "locks", "storage", "encoding"])
    got: dict[str, Any] = c.eval(DESCRIBE + FROM_EACH_GROUP + DESCRIBE_ALL)
    assert {k: v[:3] for k, v in got.items()} == {
        "crypto": ["QuotaExceededError", 22, True],
        "locks": ["NotSupportedError", 9, True],
        "storage": ["QuotaExceededError", 22, True],
        "encoding": ["InvalidCharacterError", 5, True],
    }


def test_replaced_globals_do_not_change_the_errors_groups_throw(pool: actors.ContextPool) -> None:
    c = pool.spawn(apis=["crypto", "locks", "storage", "encoding", "events"])
    got = c.eval(
        """
        globalThis.built = 0;
        const Fake = class DOMException extends Error { constructor() { super('fake'); built++; } };
        // before anything loaded the events group, and where groups might look up internals
        globalThis.DOMException = Fake;
        Object.defineProperty(Object.prototype, 'events',
          { get() { built++; return { DOMException: Fake }; } });
        Object.prototype.domError = () => { built++; return new Fake(); };
        """
        + FROM_EACH_GROUP
        + """
        const names = Object.keys(errors).map((k) => [k, errors[k].name, errors[k].code,
          Object.prototype.toString.call(errors[k]), errors[k] instanceof Fake]);
        delete Object.prototype.events;
        delete Object.prototype.domError;
        [names, built]"""
    )
    assert got == [
        [
            ["crypto", "QuotaExceededError", 22, "[object DOMException]", False],
            ["locks", "NotSupportedError", 9, "[object DOMException]", False],
            ["storage", "QuotaExceededError", 22, "[object DOMException]", False],
            ["encoding", "InvalidCharacterError", 5, "[object DOMException]", False],
        ],
        0,
    ]


def test_a_message_event_is_one_class_across_channel_worker_and_websocket(pool: actors.ContextPool) -> None:
    c = pool.spawn(apis="browser")
    c.eval(
        """
        globalThis.Original = MessageEvent;
        globalThis.seen = [];
        const a = new BroadcastChannel('shared-pieces'), b = new BroadcastChannel('shared-pieces');
        b.onmessage = (e) => seen.push(['channel', Object.getPrototypeOf(e) === Original.prototype]);
        a.postMessage(1);
        const w = new Worker('postMessage(2)');
        w.onmessage = (e) => seen.push(['worker', Object.getPrototypeOf(e) === Original.prototype]);
        0"""
    )
    assert wait_until(lambda: c.eval("seen.length") == 2)
    assert sorted(c.eval("seen")) == [["channel", True], ["worker", True]]


def test_groups_loaded_after_the_globals_were_replaced_use_the_real_classes(pool: actors.ContextPool) -> None:
    c = pool.spawn(apis="browser")
    got = c.eval(
        """
        globalThis.calls = 0;
        class Fake { constructor() { calls++; } addEventListener() { calls++; } dispatchEvent() { calls++; } }
        // replaced before any group that needs them is loaded
        Object.prototype.MessageEvent = Fake;
        globalThis.MessageEvent = Fake;
        const realEvent = Event; // loads the events group
        globalThis.EventTarget = Fake;
        globalThis.Event = Fake;
        const bc = new BroadcastChannel('x');
        const div = document.createElement('div');
        document.body.append(div);
        const log = [];
        document.body.addEventListener('ping',
          (e) => log.push([e.eventPhase, e.currentTarget === document.body]));
        div.addEventListener('ping',
          (e) => log.push([e.eventPhase, e.target === div, e.composedPath().length]));
        div.dispatchEvent(new realEvent('ping', { bubbles: true }));
        const r = [bc instanceof Fake, Object.getPrototypeOf(Object.getPrototypeOf(bc)) === Fake.prototype,
                   div instanceof Fake, log, calls];
        delete Object.prototype.MessageEvent;
        bc.close();
        r"""
    )
    # the body and the html element, the document: a path of four from the div
    assert got == [False, False, False, [[2, True, 4], [3, True]], 0]


def test_a_dom_dispatch_leaves_no_own_properties_on_the_event(pool: actors.ContextPool) -> None:
    c = pool.spawn(apis=["dom"])
    got = c.eval(
        """
        const d = document.createElement('div');
        document.body.append(d);
        let during;
        d.addEventListener('x', (e) => { during = Object.getOwnPropertyNames(e); });
        const e = new Event('x', { bubbles: true });
        d.dispatchEvent(e);
        [during, Object.getOwnPropertyNames(e), e.target === d, e.currentTarget, e.eventPhase]"""
    )
    assert got == [[], [], True, None, 0]


@pytest.mark.mode_independent
def test_pieces_link_dependencies_first_and_a_cycle_is_refused(tmp_path: Path, monkeypatch: Any) -> None:
    from actors.apis import loader

    monkeypatch.setattr(loader, "polyfill_dir", lambda: tmp_path)
    (tmp_path / "shared.a.js").write_text("// @shared b\n() => 'a'")
    (tmp_path / "shared.b.js").write_text("() => 'b'")
    assert [name for name, _ in loader._link_order("// @shared a b\n(function install() {})")] == ["b", "a"]
    (tmp_path / "shared.b.js").write_text("// @shared a\n() => 'b'")
    with pytest.raises(ValueError, match="cycle: a -> b -> a"):
        loader._link_order("// @shared a\n(function install() {})")


@pytest.mark.mode_independent
def test_the_shared_pieces_sit_where_the_build_collects_polyfills() -> None:
    # setup.py's build_py copies polyfills/*.js into actors/_polyfills and
    # MANIFEST.in puts polyfills/*.js in the sdist; loader.polyfill_dir reads
    # pieces beside the group files
    root = Path(__file__).resolve().parents[2]
    assert 'glob("*.js")' in (root / "setup.py").read_text()
    assert "include polyfills/*.js" in (root / "MANIFEST.in").read_text()
    pieces = {p.name for p in (root / "polyfills").glob("shared.*.js")}
    assert {"shared.events.js", "shared.domError.js", "shared.messageEvent.js"} <= pieces


def test_an_event_dispatched_on_the_window_then_on_a_node_reports_each_target(
    pool: actors.ContextPool,
) -> None:
    c = pool.spawn(apis="browser")
    got = c.eval(
        """
        const seen = [], G = globalThis;
        const div = document.createElement('div');
        G.onmessage = function (e) { seen.push(['handler', this === G, e.currentTarget === G]); };
        addEventListener('message', function (e) {
          seen.push(['window', this === G, e.target === G, e.eventPhase, e.composedPath().length]);
        });
        div.addEventListener('message', (e) => seen.push(['div', e.target === div, e.currentTarget === div]));
        const e = new Event('message');
        dispatchEvent(e);
        const afterWindow = [e.target === G, e.currentTarget, Object.getOwnPropertyNames(e)];
        div.dispatchEvent(e);
        [seen, afterWindow, e.target === div, Object.getOwnPropertyNames(e)]"""
    )
    assert got == [
        [["handler", True, True], ["window", True, True, 2, 1], ["div", True, True]],
        [True, None, []],
        True,
        [],
    ]


# Before any group loads: every function the shared pieces could call is
# wrapped (delegating, so the groups still work), and accessors wait on
# Object.prototype under every key the pieces use. Anything handed to them
# that has `callSync` is the private `native` object.
TRAP_NATIVE = """
globalThis.handed = [];
const isNative = (x) => x !== null && typeof x === 'object' && typeof x.callSync === 'function';
const note = (...xs) => { for (const x of xs) if (isNative(x)) handed.push(x); };
const WRAPPED = [
  [Object, ['getOwnPropertyDescriptor', 'defineProperty', 'freeze', 'hasOwn', 'getPrototypeOf',
    'setPrototypeOf', 'keys', 'assign']],
  [Reflect, ['get', 'has', 'defineProperty', 'ownKeys']],
];
for (const [owner, names] of WRAPPED) {
  for (const name of names) {
    const original = owner[name];
    owner[name] = function (...args) { note(this, ...args); return original.apply(this, args); };
  }
}
for (const key of KEYS) {
  Object.defineProperty(Object.prototype, key, {
    get() { note(this); return undefined; }, set(v) { note(this); }, configurable: true,
  });
}
"""


def test_no_script_is_handed_the_private_native_object_by_the_shared_pieces(pool: actors.ContextPool) -> None:
    c = pool.spawn(apis="browser")
    got = c.eval(
        "const KEYS = ['events', 'MessageEvent', 'domError'];"
        + TRAP_NATIVE
        + FROM_EACH_GROUP
        + """
        const bc = new BroadcastChannel('trap');
        const d = document.createElement('div');
        d.addEventListener('x', () => {});
        d.dispatchEvent(new Event('x', { bubbles: true }));
        addEventListener('x', () => {});
        dispatchEvent(new Event('x'));
        void new EventSource('http://127.0.0.1:9/'), new MessageEvent('m');
        bc.close();
        [handed.length, Object.keys(errors).map((k) => errors[k].name)]"""
    )
    assert got == [
        0,
        ["QuotaExceededError", "NotSupportedError", "QuotaExceededError", "InvalidCharacterError"],
    ]


def test_a_script_squatting_the_internal_keys_is_not_handed_native_and_only_loses_the_groups(
    pool: actors.ContextPool,
) -> None:
    c = pool.spawn(apis="browser")
    got = c.eval(
        "const KEYS = ['@events', '@MessageEvent'];"
        + TRAP_NATIVE
        + FROM_EACH_GROUP
        + """
        let channel;
        try { new BroadcastChannel('trap'); channel = 'made'; } catch (e) { channel = e.name; }
        [handed.length, Object.keys(errors).map((k) => errors[k].name), channel]"""
    )
    assert got == [
        0,
        ["QuotaExceededError", "NotSupportedError", "QuotaExceededError", "InvalidCharacterError"],
        "TypeError",
    ]
