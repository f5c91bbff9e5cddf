"""The ``events`` group (Event, EventTarget, AbortSignal, DOMException, ...) driven through a real context."""

from __future__ import annotations

import logging
from collections.abc import Callable

import pytest
from waiting import wait_until

import actors
from actors.apis import REGISTRY

GLOBALS = ("Event", "EventTarget", "CustomEvent", "AbortController", "AbortSignal", "DOMException")


@pytest.fixture
def ev(group_context: Callable[..., actors.Context]) -> actors.Context:
    """A context with only the ``events`` group."""
    return group_context("events")


# ---- lazy loading ----------------------------------------------------------------------------


def test_the_globals_are_lazy_accessors_until_first_touch(ev: actors.Context) -> None:
    before = ev.eval(
        "['EventTarget', 'AbortSignal'].map(n => typeof Object.getOwnPropertyDescriptor(globalThis, n).get)"
    )
    assert before == ["function", "function"]
    assert ev.eval("typeof Event") == "function"
    after = ev.eval("""
        ['EventTarget', 'AbortSignal', 'DOMException'].map(n => {
            const d = Object.getOwnPropertyDescriptor(globalThis, n);
            return [typeof d.get, typeof d.value, d.writable, d.enumerable, d.configurable];
        })
    """)
    assert after == [["undefined", "function", True, False, True]] * 3


def test_every_global_of_the_group_is_a_function(ev: actors.Context) -> None:
    assert ev.eval(f"{list(GLOBALS)!r}.map(n => typeof globalThis[n])") == ["function"] * len(GLOBALS)


def test_the_group_leaves_nothing_else_on_global_this(pool: actors.ContextPool) -> None:
    bare = pool.spawn(apis=None)
    with_events = pool.spawn(apis=["events"])
    names = "Object.getOwnPropertyNames(globalThis)"
    base = set(bare.eval(names))
    with_events.eval("new EventTarget().dispatchEvent(new Event('x')); new AbortController().abort()")
    # and the window globals of every browser-like context (test_window.py)
    window = {*REGISTRY["_window"].globals, *REGISTRY["_window_events"].globals}
    assert set(with_events.eval(names)) - base == (set(GLOBALS) - {"DOMException"}) | window


def test_the_group_is_absent_without_apis(ctx: actors.Context) -> None:
    names = ["Event", "EventTarget", "CustomEvent", "AbortController", "AbortSignal"]
    assert ctx.eval(f"{names!r}.map(n => typeof globalThis[n])") == ["undefined"] * 5


def test_the_group_is_part_of_browser(pool: actors.ContextPool) -> None:
    c = pool.spawn()
    assert c.eval("new AbortController().signal instanceof EventTarget") is True


# ---- Event and CustomEvent -------------------------------------------------------------------


def test_event_defaults_and_init(ev: actors.Context) -> None:
    got = ev.eval("""
        const a = new Event('ping');
        const b = new Event('pong', {bubbles: true, cancelable: true, composed: true});
        [a.type, a.bubbles, a.cancelable, a.composed, a.defaultPrevented, a.target, a.currentTarget,
         a.eventPhase, a.isTrusted, typeof a.timeStamp, b.bubbles, b.cancelable, b.composed,
         Event.NONE, Event.CAPTURING_PHASE, Event.AT_TARGET, Event.BUBBLING_PHASE, a.AT_TARGET,
         Object.prototype.toString.call(a)]
    """)
    assert got == [
        "ping", False, False, False, False, None, None, 0, False, "number", True, True, True,
        0, 1, 2, 3, 2, "[object Event]",
    ]  # fmt: skip


def test_event_needs_a_type(ev: actors.Context) -> None:
    assert ev.eval("try { new Event(); 'no' } catch (e) { e instanceof TypeError }") is True


def test_custom_event_carries_detail(ev: actors.Context) -> None:
    got = ev.eval("""
        const e = new CustomEvent('c', {detail: {n: 1}});
        [e.detail, new CustomEvent('d').detail, e instanceof Event, e.type]
    """)
    assert got == [{"n": 1}, None, True, "c"]


def test_prevent_default_needs_cancelable(ev: actors.Context) -> None:
    got = ev.eval("""
        const t = new EventTarget();
        t.addEventListener('x', e => e.preventDefault());
        const plain = new Event('x'), cancelable = new Event('x', {cancelable: true});
        [t.dispatchEvent(plain), plain.defaultPrevented,
         t.dispatchEvent(cancelable), cancelable.defaultPrevented]
    """)
    assert got == [True, False, False, True]


def test_prevent_default_is_ignored_in_a_passive_listener(ev: actors.Context) -> None:
    got = ev.eval("""
        const t = new EventTarget();
        t.addEventListener('x', e => e.preventDefault(), {passive: true});
        const e = new Event('x', {cancelable: true});
        [t.dispatchEvent(e), e.defaultPrevented]
    """)
    assert got == [True, False]


# ---- EventTarget -----------------------------------------------------------------------------


def test_listeners_run_in_order_with_target_and_phase(ev: actors.Context) -> None:
    got = ev.eval("""
        const t = new EventTarget(), log = [];
        t.addEventListener('x', function (e) {
            log.push(['1', this === t, e.target === t, e.currentTarget === t, e.eventPhase]);
        });
        t.addEventListener('x', () => log.push('2'));
        t.addEventListener('y', () => log.push('other type'));
        t.addEventListener('x', () => log.push('3'));
        const e = new Event('x');
        t.dispatchEvent(e);
        log.push([e.eventPhase, e.currentTarget, e.target === t]);
        log
    """)
    assert got == [["1", True, True, True, 2], "2", "3", [0, None, True]]


def test_capture_listeners_run_first_and_capture_is_part_of_the_identity(ev: actors.Context) -> None:
    got = ev.eval("""
        const t = new EventTarget(), log = [];
        const f = e => log.push('f');
        t.addEventListener('x', () => log.push('bubble'), {capture: false});
        t.addEventListener('x', () => log.push('capture'), {capture: true});
        t.addEventListener('x', f);
        t.addEventListener('x', f);          // a duplicate: ignored
        t.addEventListener('x', f, true);    // boolean capture: a second registration
        t.dispatchEvent(new Event('x', {bubbles: true}));
        log.push('|');
        t.removeEventListener('x', f, {capture: true});
        t.dispatchEvent(new Event('x'));
        log
    """)
    assert got == ["capture", "f", "bubble", "f", "|", "capture", "bubble", "f"]


def test_once_listeners_run_once(ev: actors.Context) -> None:
    got = ev.eval("""
        const t = new EventTarget(); let n = 0;
        t.addEventListener('x', () => { n++; t.dispatchEvent(new Event('x')) }, {once: true});
        t.dispatchEvent(new Event('x'));
        t.dispatchEvent(new Event('x'));
        n
    """)
    assert got == 1


def test_remove_event_listener(ev: actors.Context) -> None:
    got = ev.eval("""
        const t = new EventTarget(), log = [];
        const a = () => log.push('a'), c = () => log.push('c');
        const b = () => { log.push('b'); t.removeEventListener('x', c) };
        t.addEventListener('x', a); t.addEventListener('x', b); t.addEventListener('x', c);
        t.removeEventListener('x', a);
        t.removeEventListener('x', () => {});       // unknown: nothing happens
        t.dispatchEvent(new Event('x'));            // b removes c before c's turn
        t.dispatchEvent(new Event('x'));
        log
    """)
    assert got == ["b", "b"]


def test_handle_event_objects(ev: actors.Context) -> None:
    got = ev.eval("""
        const t = new EventTarget(), log = [];
        const listener = { name: 'obj', handleEvent(e) { log.push([this.name, e.type]) } };
        t.addEventListener('x', listener);
        t.dispatchEvent(new Event('x'));
        listener.handleEvent = function (e) { log.push('replaced') };   // looked up at each dispatch
        t.dispatchEvent(new Event('x'));
        t.removeEventListener('x', listener);
        t.dispatchEvent(new Event('x'));
        log
    """)
    assert got == [["obj", "x"], "replaced"]


def test_stop_immediate_propagation(ev: actors.Context) -> None:
    got = ev.eval("""
        const t = new EventTarget(), log = [];
        t.addEventListener('x', e => { log.push(1); e.stopImmediatePropagation() });
        t.addEventListener('x', () => log.push(2));
        t.dispatchEvent(new Event('x'));
        t.addEventListener('y', e => { log.push(3); e.stopPropagation() }, true);
        t.addEventListener('y', () => log.push(4));
        t.dispatchEvent(new Event('y'));
        log
    """)
    # stopPropagation in a capture listener at the target skips the non-capture pass
    assert got == [1, 3]


def test_dispatch_checks_its_argument_and_rejects_redispatch(ev: actors.Context) -> None:
    got = ev.eval("""
        const t = new EventTarget(), out = [];
        try { t.dispatchEvent({type: 'x'}) } catch (e) { out.push(e instanceof TypeError) }
        t.addEventListener('x', e => { try { t.dispatchEvent(e) } catch (err) { out.push(err.name) } });
        t.dispatchEvent(new Event('x'));
        try { t.addEventListener('x') } catch (e) { out.push(e instanceof TypeError) }
        t.addEventListener('x', null);   // ignored
        out
    """)
    assert got == [True, "InvalidStateError", True]


def test_an_event_can_be_dispatched_again_after_its_dispatch(ev: actors.Context) -> None:
    got = ev.eval("""
        const t = new EventTarget(); let n = 0;
        t.addEventListener('x', () => n++);
        const e = new Event('x');
        t.dispatchEvent(e); t.dispatchEvent(e);
        n
    """)
    assert got == 2


def test_event_target_can_be_subclassed(ev: actors.Context) -> None:
    got = ev.eval("""
        class Emitter extends EventTarget {
            #count = 0;
            fire(detail) { this.#count++; return this.dispatchEvent(new CustomEvent('fire', {detail})) }
            get count() { return this.#count }
        }
        const a = new Emitter(), log = [];
        a.addEventListener('fire', function (e) {
            log.push([e.detail, this === a, e.target instanceof Emitter]);
        });
        a.fire('one'); a.fire('two');
        [log, a.count, a instanceof EventTarget]
    """)
    assert got == [[["one", True, True], ["two", True, True]], 2, True]


def test_a_listener_signal_removes_the_listener(ev: actors.Context) -> None:
    got = ev.eval("""
        const t = new EventTarget(), ac = new AbortController(); let n = 0;
        t.addEventListener('x', () => n++, {signal: ac.signal});
        t.dispatchEvent(new Event('x'));
        ac.abort();
        t.dispatchEvent(new Event('x'));
        t.addEventListener('x', () => n++, {signal: AbortSignal.abort()});   // aborted already: not added
        t.dispatchEvent(new Event('x'));
        let bad;
        try { t.addEventListener('x', () => {}, {signal: {}}) } catch (e) { bad = e instanceof TypeError }
        [n, bad]
    """)
    assert got == [1, True]


# ---- listener exceptions ---------------------------------------------------------------------


def test_a_throwing_listener_does_not_stop_the_dispatch_and_is_reported(
    pool: actors.ContextPool, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING, logger="actors.context")
    c = pool.spawn(apis=["events"], on_uncaught="log")
    got = c.eval("""
        const t = new EventTarget(), log = [];
        t.addEventListener('x', () => { throw new RangeError('listener broke') });
        t.addEventListener('x', { handleEvent: 42 });
        t.addEventListener('x', () => log.push('still ran'));
        [t.dispatchEvent(new Event('x')), log]
    """)
    assert got == [True, ["still ran"]]

    def logged(needle: str) -> bool:
        return any(r.name == "actors.context" and needle in r.getMessage() for r in caplog.records)

    assert wait_until(lambda: logged("listener broke") and logged("handleEvent"))
    assert c.alive


def test_a_throwing_listener_stops_a_context_whose_policy_is_crash(pool: actors.ContextPool) -> None:
    c = pool.spawn(apis=["events"])
    c.eval("const t = new EventTarget(); t.addEventListener('x', () => { throw new TypeError('boom') })")
    assert c.eval("t.dispatchEvent(new Event('x'))") is True  # the dispatch itself returns normally
    assert c.wait(5)
    assert c.exit_reason == "error"
    assert isinstance(c.exit_detail, actors.JSError)
    assert c.exit_detail.name == "TypeError"
    assert c.exit_detail.message == "boom"


# ---- AbortController and AbortSignal ---------------------------------------------------------


def test_abort_controller_aborts_its_signal_once(ev: actors.Context) -> None:
    got = ev.eval("""
        const ac = new AbortController(), s = ac.signal, log = [];
        s.addEventListener('abort', e => log.push(['listener', e.type, e.target === s, s.aborted]));
        s.onabort = e => log.push('onabort');
        const before = [s.aborted, s.reason];
        ac.abort();
        ac.abort('again');   // no second event, reason unchanged
        [before, log, s.aborted, s.reason instanceof DOMException, s.reason.name, s.reason.code,
         ac.signal === s]
    """)
    assert got[:2] == [[False, None], [["listener", "abort", True, True], "onabort"]]
    assert got[2:] == [True, True, "AbortError", 20, True]


def test_abort_with_a_reason(ev: actors.Context) -> None:
    got = ev.eval("""
        const ac = new AbortController(); ac.abort({why: 'done'});
        let thrown; try { ac.signal.throwIfAborted() } catch (e) { thrown = e }
        [ac.signal.reason, thrown]
    """)
    assert got == [{"why": "done"}, {"why": "done"}]


def test_throw_if_aborted(ev: actors.Context) -> None:
    got = ev.eval("""
        const ac = new AbortController();
        ac.signal.throwIfAborted();   // not aborted: nothing happens
        ac.abort();
        try { ac.signal.throwIfAborted(); 'no' } catch (e) { [e.name, e instanceof DOMException] }
    """)
    assert got == ["AbortError", True]


def test_onabort_handler_can_be_cleared(ev: actors.Context) -> None:
    got = ev.eval("""
        const ac = new AbortController(); let n = 0;
        ac.signal.onabort = () => n++;
        ac.signal.onabort = null;
        ac.signal.onabort = 'not a function';
        const v = ac.signal.onabort;
        ac.abort();
        [n, v]
    """)
    assert got == [0, None]


def test_abort_signal_cannot_be_constructed(ev: actors.Context) -> None:
    assert ev.eval("try { new AbortSignal(); 'no' } catch (e) { e instanceof TypeError }") is True


def test_abort_signal_abort(ev: actors.Context) -> None:
    got = ev.eval("""
        const a = AbortSignal.abort(), b = AbortSignal.abort('why');
        [a.aborted, a.reason.name, b.reason, a instanceof AbortSignal, a instanceof EventTarget]
    """)
    assert got == [True, "AbortError", "why", True, True]


def test_abort_signal_timeout(ev: actors.Context) -> None:
    got = ev.eval("""
        const s = AbortSignal.timeout(20), t0 = performance.now();
        const early = s.aborted;
        const e = await new Promise(resolve => s.addEventListener('abort', resolve));
        [early, s.aborted, s.reason.name, s.reason.code, s.reason instanceof DOMException, e.type,
         performance.now() - t0 >= 15]
    """)
    assert got == [False, True, "TimeoutError", 23, True, "abort", True]


def test_abort_signal_timeout_checks_its_delay(ev: actors.Context) -> None:
    got = ev.eval("""
        [-1, NaN, Infinity].map(ms => {
            try { AbortSignal.timeout(ms); return 'no' } catch (e) { return e.name }
        })
    """)
    assert got == ["TypeError"] * 3


def test_abort_signal_any_follows_the_first_source_to_abort(ev: actors.Context) -> None:
    got = ev.eval("""
        const a = new AbortController(), b = new AbortController();
        const any = AbortSignal.any([a.signal, b.signal]);
        const nested = AbortSignal.any([any]);
        const log = [];
        any.onabort = () => log.push(['any', any.reason]);
        nested.onabort = () => log.push(['nested', nested.reason]);
        const before = any.aborted;
        b.abort('b first');
        a.abort('a later');
        [before, any.aborted, any.reason, nested.reason, log]
    """)
    assert got == [False, True, "b first", "b first", [["any", "b first"], ["nested", "b first"]]]


def test_abort_signal_any_of_an_aborted_signal_is_aborted(ev: actors.Context) -> None:
    got = ev.eval("""
        const s = AbortSignal.any([new AbortController().signal, AbortSignal.abort('done')]);
        const empty = AbortSignal.any([]);
        let bad; try { AbortSignal.any([{}]) } catch (e) { bad = e instanceof TypeError }
        [s.aborted, s.reason, empty.aborted, bad]
    """)
    assert got == [True, "done", False, True]


def test_abort_signal_any_with_a_timeout(ev: actors.Context) -> None:
    got = ev.eval("""
        const s = AbortSignal.any([new AbortController().signal, AbortSignal.timeout(10)]);
        await new Promise(resolve => s.addEventListener('abort', resolve));
        s.reason.name
    """)
    assert got == "TimeoutError"


# ---- DOMException ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "code"),
    [
        ("AbortError", 20),
        ("TimeoutError", 23),
        ("NotSupportedError", 9),
        ("InvalidStateError", 11),
        ("SyntaxError", 12),
        ("DataCloneError", 25),
        ("NotFoundError", 8),
        ("QuotaExceededError", 22),
        ("EncodingError", 0),
        ("SomethingElse", 0),
    ],
)
def test_dom_exception_names_and_codes(ev: actors.Context, name: str, code: int) -> None:
    got = ev.eval(f"const e = new DOMException('msg', {name!r}); [e.name, e.message, e.code]")
    assert got == [name, "msg", code]


def test_dom_exception_is_an_error(ev: actors.Context) -> None:
    got = ev.eval("""
        const e = new DOMException('went wrong', 'InvalidStateError');
        const d = new DOMException();
        [e instanceof DOMException, e instanceof Error, String(e), d.name, d.message, d.code,
         DOMException.ABORT_ERR, DOMException.TIMEOUT_ERR, e.INVALID_STATE_ERR,
         Object.prototype.toString.call(e), typeof e.stack,
         new DOMException('m', {name: 'AbortError', cause: 1}).cause]
    """)
    assert got == [
        True, True, "InvalidStateError: went wrong", "Error", "", 0,
        20, 23, 11, "[object DOMException]", "string", 1,
    ]  # fmt: skip


def test_a_dom_exception_thrown_to_python_keeps_its_name(ev: actors.Context) -> None:
    with pytest.raises(actors.JSError) as info:
        ev.eval("AbortSignal.abort().throwIfAborted()")
    assert info.value.name == "AbortError"
