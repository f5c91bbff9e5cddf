"""The ``dom`` group's loading: lazy globals, one document per context, what the host sees."""

from __future__ import annotations

import pytest

import actors
from actors.apis import REGISTRY

GLOBALS = REGISTRY["dom"].globals


def test_the_globals_are_lazy_accessors_until_first_touch(dom: actors.Context) -> None:
    kinds = dom.eval(
        "['document', 'Node', 'DOMParser']"
        ".map(n => typeof Object.getOwnPropertyDescriptor(globalThis, n).get)"
    )
    assert kinds == ["function"] * 3
    assert dom.eval("document.nodeName") == "#document"
    assert dom.eval("typeof Object.getOwnPropertyDescriptor(globalThis, 'Node').value") == "function"


@pytest.mark.parametrize("name", GLOBALS)
def test_touching_any_global_first_loads_the_group(pool: actors.ContextPool, name: str) -> None:
    ctx = pool.spawn(apis=["dom"])
    assert ctx.eval(f"typeof {name} !== 'undefined' && document.body.localName") == "body"


def test_every_global_of_the_group_is_defined(dom: actors.Context) -> None:
    types = dom.eval(f"{list(GLOBALS)!r}.map(n => typeof globalThis[n])")
    assert types == ["object" if n == "document" else "function" for n in GLOBALS]


def test_the_group_leaves_nothing_else_on_global_this(pool: actors.ContextPool) -> None:
    events = pool.spawn(apis=["events"])
    with_dom = pool.spawn(apis=["dom"])
    names = "Object.getOwnPropertyNames(globalThis)"
    base = set(events.eval(names))
    with_dom.eval("document.body.innerHTML = '<p>x</p>'; document.querySelector('p').click()")
    assert set(with_dom.eval(names)) - base == set(GLOBALS)


def test_a_context_that_never_touches_the_dom_does_not_load_it(pool: actors.ContextPool) -> None:
    untouched = pool.spawn(apis=["dom"])
    touched = pool.spawn(apis=["dom"])
    untouched.eval("1 + 1")
    touched.eval("void document.body")
    untouched.gc()
    touched.gc()
    assert touched.memory_usage()["malloc_size"] - untouched.memory_usage()["malloc_size"] > 100_000


def test_the_group_is_part_of_browser_and_brings_events(pool: actors.ContextPool) -> None:
    assert pool.spawn().eval("document.body instanceof EventTarget") is True
    assert pool.spawn(apis=["dom"]).eval("[typeof Event, document instanceof Node]") == ["function", True]


def test_each_context_has_its_own_document(pool: actors.ContextPool) -> None:
    a = pool.spawn(apis=["dom"])
    b = pool.spawn(apis=["dom"])
    a.eval("document.body.textContent = 'a'")
    assert b.eval("document.body.textContent") == ""
    a.reset()
    assert a.eval("document.body.textContent") == ""


def test_the_host_queries_see_the_tree_that_js_built(dom: actors.Context) -> None:
    dom.eval("""
        const d = document.createElement('div');
        d.className = 'app';
        d.append('hello ', Object.assign(document.createElement('b'), {id: 'b'}));
        d.dataset.fooBar = '1';
        d.style.color = 'red';
        document.body.append(d);
        document.querySelector('#b').textContent = 'world';
        const t = document.createElement('template');
        t.innerHTML = '<i>in</i>';
        d.append(t);
        d.firstChild.data = 'hi ';
    """)
    assert dom.dom_find("div.app") == (
        "div",
        {"class": "app", "data-foo-bar": "1", "style": "color: red;"},
        ["hi ", ("b", {"id": "b"}, ["world"]), ("template", {}, [("i", {}, ["in"])])],
    )
    dom.eval("document.querySelector('#b').remove(); document.querySelector('div').classList.add('x')")
    assert dom.dom_find_all("div.x") == [
        (
            "div",
            {"class": "app x", "data-foo-bar": "1", "style": "color: red;"},
            ["hi ", ("template", {}, [("i", {}, ["in"])])],
        )
    ]
