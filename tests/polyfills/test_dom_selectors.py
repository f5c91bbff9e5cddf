"""The ``dom`` group's selectors: querySelectorAll, matches, closest."""

from __future__ import annotations

import pytest
from domtest import error_of

import actors

SELECTOR_DOC = """
<div id="root" class="box main">
  <h1 id="title" lang="en-US">Title</h1>
  <p id="p1" class="text first" data-n="1">one</p>
  <p id="p2" class="text" data-n="2" title="Hello World">two</p>
  <span id="s1"></span>
  <p id="p3" class="TEXT">three<!--c--></p>
  <ul id="list">
    <li id="l1">1</li><li id="l2" class="odd">2</li><li id="l3">3</li><li id="l4">4</li><li id="l5">5</li>
  </ul>
  <form id="f">
    <input id="i1" type="checkbox" checked>
    <input id="i2" type="radio">
    <input id="i3" disabled>
    <select id="sel"><option id="o1">a</option><option id="o2" selected>b</option></select>
    <fieldset id="fs" disabled><legend><input id="i4"></legend><input id="i5"></fieldset>
    <button id="b1">go</button>
  </form>
  <div id="empty"></div>
  <div id="c-only"><!--only a comment--></div>
  <svg id="svg"><foreignObject id="fo"></foreignObject><rect id="r" data-k="v"></rect></svg>
  <a id="link" href="/x">link</a>
</div>
"""

SELECTOR_CASES = [
    ("#p1", ["p1"]),
    ("P.text", ["p1", "p2"]),
    (".TEXT", ["p3"]),
    ("p:not(.text)", ["p3"]),
    ("#root > p", ["p1", "p2", "p3"]),
    ("#title + p", ["p1"]),
    ("#title ~ p", ["p1", "p2", "p3"]),
    ("h1 ~ span + p", ["p3"]),
    ("ul li:first-child", ["l1"]),
    ("li:last-child", ["l5"]),
    ("li:nth-child(2n+1)", ["l1", "l3", "l5"]),
    ("li:nth-child(odd)", ["l1", "l3", "l5"]),
    ("li:nth-child(even)", ["l2", "l4"]),
    ("li:nth-child(-n+2)", ["l1", "l2"]),
    ("li:nth-child( 3 )", ["l3"]),
    ("li:nth-child(2n - 1)", ["l1", "l3", "l5"]),
    ("li:nth-last-child(2)", ["l4"]),
    ("li:nth-child(1 of :not(.odd))", ["l1"]),
    ("li:nth-child(2 of :not(.odd))", ["l3"]),
    ("p:nth-of-type(2)", ["p2"]),
    ("p:nth-last-of-type(1)", ["p3"]),
    ("#root > :first-of-type", ["title", "p1", "s1", "list", "f", "empty", "svg", "link"]),
    ("#root > p:last-of-type", ["p3"]),
    ("#root > :only-of-type", ["title", "s1", "list", "f", "svg", "link"]),
    ("#f > :only-child", []),
    ("legend > :only-child", ["i4"]),
    ("[data-n]", ["p1", "p2"]),
    ("[data-n='2']", ["p2"]),
    ('[data-n="2"]', ["p2"]),
    ("[title~=World]", ["p2"]),
    ("[title~=world]", []),
    ("[title~=world i]", ["p2"]),
    ("[lang|=en]", ["title"]),
    ("[title^=Hello]", ["p2"]),
    ("[title$=World]", ["p2"]),
    ("[title*='o W']", ["p2"]),
    ("[class^='']", []),
    ("[DATA-N='1']", ["p1"]),
    ("p, h1", ["title", "p1", "p2", "p3"]),
    ("span, #title, span", ["title", "s1"]),
    (":is(h1, span)", ["title", "s1"]),
    (":where(#p1, #p3)", ["p1", "p3"]),
    (":is(h1, :bogus(x), span)", ["title", "s1"]),
    ("p:has(> !)", None),
    ("#root > :has(li.odd)", ["list"]),
    ("div:has(> p)", ["root"]),
    ("h1:has(+ p)", ["title"]),
    ("h1:has(~ ul)", ["title"]),
    ("li:has(+ .odd)", ["l1"]),
    (":has(#nope)", []),
    ("p:empty", []),
    ("#root div:empty", ["empty", "c-only"]),
    ("body :root", []),
    ("input:checked, option:checked", ["i1", "o2"]),
    ("input:disabled", ["i3", "i5"]),
    ("#f :enabled", ["i1", "i2", "sel", "o1", "o2", "i4", "b1"]),
    ("foreignObject", ["fo"]),
    ("foreignobject", []),
    ("svg > rect[data-k=v]", ["r"]),
    ("svg *", ["fo", "r"]),
    ("a:any-link, a:link", ["link"]),
    ("a:hover, a:focus, a:visited", []),
    ("p::before", []),
    ("p:before", []),
    ("#p\\31", ["p1"]),
    ("#\\70 1", ["p1"]),
    ("*:not(*)", []),
    ("#root>p.text:not([data-n='1'])", ["p2"]),
    ("div /* comment */ > h1", ["title"]),
]


@pytest.mark.parametrize(("selector", "ids"), [c for c in SELECTOR_CASES if c[1] is not None])
def test_query_selector_all(dom: actors.Context, selector: str, ids: list[str]) -> None:
    dom.eval(f"document.body.innerHTML = {SELECTOR_DOC!r}")
    got = dom.eval(f"""
        const all = [...document.querySelectorAll({selector!r})].map(e => e.id);
        const first = document.querySelector({selector!r});
        [all, first === null ? null : first.id]
    """)
    assert got == [ids, ids[0] if ids else None]


@pytest.mark.parametrize(
    "selector",
    [
        "", " ", "p..a", "p >", "> p", "a,", ",a", "[a", "[a=]", "[a=b c]", "[a!=b]", "#", ".", "p:nope",
        "p:nth-child()", "p:nth-child(x)", "[data-n=2]", "p:not()", "p:has()", "::", "a |b", "p)", "p(",
        "[a=b x]", "1p",
        ":nth-child(2n+)", "p:first-child()",
    ],
)  # fmt: skip
def test_invalid_selectors_throw_syntax_error(dom: actors.Context, selector: str) -> None:
    for method in ("document.querySelector", "document.querySelectorAll", "document.body.matches"):
        assert error_of(dom, f"{method}({selector!r})") == ["DOMException", "SyntaxError"], (method, selector)


def test_scope_matches_and_closest(dom: actors.Context) -> None:
    dom.eval(f"document.body.innerHTML = {SELECTOR_DOC!r}")
    got = dom.eval("""
        const root = document.getElementById('root'), li = document.getElementById('l2');
        [[...root.querySelectorAll(':scope > p')].map(e => e.id),
         [...document.getElementById('list').querySelectorAll(':scope li:nth-child(2)')].map(e => e.id),
         root.querySelectorAll('div p').length,
         [...document.getElementById('p1').querySelectorAll('*')].length,
         li.matches('ul > li.odd'), li.matches('#root li'), li.matches(':scope'), li.matches('p'),
         li.closest('div').id, li.closest('li') === li, li.closest('#nope'), li.closest(':scope > li, ul').id,
         document.querySelector(':scope > body') === document.body, document.querySelector(':root').localName,
         root.querySelector(':scope') === null]
    """)
    assert got == [
        ["p1", "p2", "p3"], ["l2"], 3, 0, True, True, True, False, "root", True, None, "list", True, "html",
        True,
    ]  # fmt: skip


def test_query_selector_all_is_static_and_in_document_order(dom: actors.Context) -> None:
    got = dom.eval("""
        document.body.innerHTML = '<i id=a><b id=b></b></i><b id=c><i id=d></i></b>';
        const list = document.querySelectorAll('b, i');
        document.body.append(document.createElement('b'));
        [list.length, [...list].map(e => e.id), list instanceof NodeList, list.item(0).id, list[3].id]
    """)
    assert got == [4, ["a", "b", "c", "d"], True, "a", "d"]


def test_many_distinct_selectors_keep_working_past_the_cache(dom: actors.Context) -> None:
    got = dom.eval("""
        document.body.innerHTML = '<p class=c0></p>';
        let hits = 0;
        for (let round = 0; round < 3; round++)
            for (let i = 0; i < 200; i++) hits += document.querySelectorAll(`.c${i % 7}, #x${i}`).length;
        hits
    """)
    assert got == 3 * 29
