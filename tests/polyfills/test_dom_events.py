"""The ``dom`` group's event dispatch through the tree: capture, bubbling, cancellation."""

from __future__ import annotations

import actors


def test_events_capture_target_and_bubble_through_the_tree(dom: actors.Context) -> None:
    got = dom.eval("""
        document.body.innerHTML = '<div><p><b>x</b></p></div>';
        const b = document.querySelector('b');
        const log = [];
        const name = n => n.nodeName;
        for (const n of [document, document.documentElement, document.body, document.querySelector('div'),
                         document.querySelector('p'), b]) {
            n.addEventListener('ping',
                e => log.push(['bubble', name(e.currentTarget), e.eventPhase, name(e.target)]));
            n.addEventListener('ping', e => log.push(['capture', name(e.currentTarget), e.eventPhase]), true);
        }
        const ev = new Event('ping', {bubbles: true});
        const result = b.dispatchEvent(ev);
        [result, log, ev.eventPhase, ev.currentTarget, ev.target === b]
    """)
    assert got == [
        True,
        [
            ["capture", "#document", 1], ["capture", "HTML", 1], ["capture", "BODY", 1],
            ["capture", "DIV", 1], ["capture", "P", 1], ["capture", "B", 2],
            ["bubble", "B", 2, "B"], ["bubble", "P", 3, "B"], ["bubble", "DIV", 3, "B"],
            ["bubble", "BODY", 3, "B"],
            ["bubble", "HTML", 3, "B"], ["bubble", "#document", 3, "B"],
        ],
        0, None, True,
    ]  # fmt: skip


def test_a_non_bubbling_event_is_captured_but_does_not_bubble(dom: actors.Context) -> None:
    got = dom.eval("""
        const outer = document.createElement('div'), inner = document.createElement('span');
        outer.append(inner);
        const log = [];
        outer.addEventListener('x', () => log.push('outer bubble'));
        outer.addEventListener('x', () => log.push('outer capture'), {capture: true});
        inner.addEventListener('x', () => log.push('inner'));
        inner.dispatchEvent(new Event('x'));
        log
    """)
    assert got == ["outer capture", "inner"]


def test_stop_propagation_and_stop_immediate_propagation(dom: actors.Context) -> None:
    got = dom.eval("""
        const outer = document.createElement('div'), inner = document.createElement('span');
        outer.append(inner);
        const log = [];
        inner.addEventListener('a', e => { log.push('a1'); e.stopPropagation(); });
        inner.addEventListener('a', () => log.push('a2'));
        outer.addEventListener('a', () => log.push('a-outer'));
        inner.addEventListener('b', e => { log.push('b1'); e.stopImmediatePropagation(); });
        inner.addEventListener('b', () => log.push('b2'));
        outer.addEventListener('b', () => log.push('b-outer'));
        outer.addEventListener('c', e => { log.push('c-capture'); e.cancelBubble = true; }, true);
        inner.addEventListener('c', () => log.push('c-inner'));
        for (const t of ['a', 'b', 'c']) inner.dispatchEvent(new Event(t, {bubbles: true}));
        const again = new Event('a', {bubbles: true});
        inner.dispatchEvent(again);
        [log, again.cancelBubble]
    """)
    assert got == [["a1", "a2", "b1", "c-capture", "a1", "a2"], False]


def test_prevent_default_and_the_dispatch_result(dom: actors.Context) -> None:
    got = dom.eval("""
        const outer = document.createElement('div'), inner = document.createElement('span');
        outer.append(inner);
        outer.addEventListener('x', e => e.preventDefault());
        inner.addEventListener('p', e => e.preventDefault(), {passive: true});
        const a = new Event('x', {bubbles: true, cancelable: true});
        const b = new Event('x', {bubbles: true});
        const c = new Event('p', {cancelable: true});
        [inner.dispatchEvent(a), a.defaultPrevented, inner.dispatchEvent(b), b.defaultPrevented,
         inner.dispatchEvent(c), c.defaultPrevented]
    """)
    assert got == [False, True, True, False, True, False]


def test_composed_path_once_remove_and_handle_event(dom: actors.Context) -> None:
    got = dom.eval("""
        document.body.innerHTML = '<p><b></b></p>';
        const b = document.querySelector('b');
        let path = null;
        const log = [];
        b.addEventListener('x', e => { path = e.composedPath().map(n => n.nodeName); });
        b.addEventListener('x', () => log.push('once'), {once: true});
        const obj = {handleEvent(e) { log.push(['obj', this === obj, e.type]); }};
        b.addEventListener('x', obj);
        b.addEventListener('x', obj);
        const removed = () => log.push('removed');
        b.addEventListener('x', removed);
        b.removeEventListener('x', removed);
        const ev = new Event('x', {bubbles: true});
        b.dispatchEvent(ev);
        b.dispatchEvent(new Event('x'));
        [path, log, ev.composedPath()]
    """)
    assert got == [
        ["B", "P", "BODY", "HTML", "#document"],
        ["once", ["obj", True, "x"], ["obj", True, "x"]],
        [],
    ]


def test_abort_signal_removes_a_listener(dom: actors.Context) -> None:
    got = dom.eval("""
        const ac = new AbortController();
        let n = 0;
        document.body.addEventListener('x', () => n++, {signal: ac.signal});
        document.body.dispatchEvent(new Event('x'));
        ac.abort();
        document.body.dispatchEvent(new Event('x'));
        document.body.addEventListener('x', () => n++, {signal: ac.signal});
        document.body.dispatchEvent(new Event('x'));
        n
    """)
    assert got == 1


def test_redispatching_an_event_while_it_is_dispatched_throws(dom: actors.Context) -> None:
    got = dom.eval("""
        const e = new Event('x');
        let inner = null;
        document.body.addEventListener('x', ev => {
            try { document.head.dispatchEvent(ev); inner = 'none'; } catch (err) { inner = err.name; }
        });
        document.body.dispatchEvent(e);
        let count = 0;
        document.head.addEventListener('x', () => count++);
        document.head.dispatchEvent(e);
        [inner, count, e.target === document.head]
    """)
    assert got == ["InvalidStateError", 1, True]


def test_click_and_on_handler_properties(dom: actors.Context) -> None:
    got = dom.eval("""
        document.body.innerHTML = '<div><button>go</button></div>';
        const button = document.querySelector('button');
        const log = [];
        document.body.addEventListener('click',
            e => log.push(['body', e.target.nodeName, e.bubbles, e.cancelable]));
        button.onclick = function (e) { log.push(['onclick', this === button, e.type]); return false; };
        const handler = button.onclick;
        button.click();
        const ev = new Event('click', {cancelable: true});
        const notPrevented = button.dispatchEvent(ev);
        button.onclick = null;
        button.click();
        button.disabled = true;
        button.click();
        [log, typeof handler, notPrevented, ev.defaultPrevented, button.onclick]
    """)
    assert got == [
        [
            ["onclick", True, "click"], ["body", "BUTTON", True, True],
            ["onclick", True, "click"],
            ["body", "BUTTON", True, True],
        ],
        "function", False, True, None,
    ]  # fmt: skip


def test_a_throwing_listener_does_not_stop_the_dispatch(pool: actors.ContextPool) -> None:
    ctx = pool.spawn(apis=["dom"], on_uncaught="log")
    got = ctx.eval("""
        const log = [];
        document.body.addEventListener('x', () => { throw new Error('boom'); });
        document.body.addEventListener('x', () => log.push('second'));
        document.documentElement.addEventListener('x', () => log.push('parent'));
        document.body.dispatchEvent(new Event('x', {bubbles: true}));
        log
    """)
    assert got == ["second", "parent"]
    assert ctx.alive


def test_plain_event_targets_still_work_after_dom_dispatch(dom: actors.Context) -> None:
    got = dom.eval("""
        const t = new EventTarget();
        let seen = null;
        t.addEventListener('x', e => { seen = [e.eventPhase, e.currentTarget === t]; });
        t.dispatchEvent(new Event('x'));
        const e = new Event('y');
        document.body.dispatchEvent(e);
        const afterDom = e.target === document.body;
        t.addEventListener('y', () => {});
        t.dispatchEvent(e);
        [seen, afterDom, e.target === t, e.eventPhase, e.currentTarget]
    """)
    assert got == [[2, True], True, True, 0, None]
