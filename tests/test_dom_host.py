"""The host-side DOM queries (contract): ``dom_find``, ``dom_find_all``,
``dom_text``, ``dom_html`` read the document without running JavaScript."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable

import pytest

import actors

PAGE = """
document.title = 'Shop';
document.body.innerHTML = `
  <div class="app">
    <h1>Title</h1>
    <ul id="items"><li class="item">one</li><li class="item sale" data-id="2">two &amp; more</li></ul>
    <!-- a comment -->
    <template><p>inert</p></template>
  </div>
  <div class="footer"><p>bye</p></div>`;
0
"""


@pytest.fixture
def page(group_context: Callable[..., actors.Context]) -> actors.Context:
    return group_context("dom", setup=PAGE)


def test_dom_find_returns_tag_attrs_and_children(page: actors.Context) -> None:
    assert page.dom_find("h1") == ("h1", {}, ["Title"])
    assert page.dom_find("li.sale") == ("li", {"class": "item sale", "data-id": "2"}, ["two & more"])
    assert page.dom_find("h2") is None


def test_dom_find_all_keeps_document_order_and_skips_comments(page: actors.Context) -> None:
    tags = [t[0] for t in page.dom_find_all("div.app > *")]
    assert tags == ["h1", "ul", "template"]
    assert page.dom_find_all("li") == [
        ("li", {"class": "item"}, ["one"]),
        ("li", {"class": "item sale", "data-id": "2"}, ["two & more"]),
    ]
    assert page.dom_find_all("table") == []


def test_dom_text_and_dom_html(page: actors.Context) -> None:
    assert page.dom_text("ul") == "onetwo & more"
    assert page.dom_text("nothing") == ""
    html = page.dom_html()
    assert html.startswith("<html><head><title>Shop</title></head><body>")
    assert '<li class="item sale" data-id="2">two &amp; more</li>' in html
    assert "<!-- a comment -->" in html and "<template><p>inert</p></template>" in html


def test_the_host_sees_every_change_made_from_js(page: actors.Context) -> None:
    page.eval("const h = document.querySelector('h1'); h.textContent = 'New'; h.classList.add('big'); 0")
    assert page.dom_find("h1") == ("h1", {"class": "big"}, ["New"])
    page.eval("document.querySelector('#items').remove(); 0")
    assert page.dom_find("li") is None


def test_page_scripts_cannot_fool_the_host_queries(page: actors.Context) -> None:
    page.eval(
        """
        Element.prototype.querySelector = () => null;
        Document.prototype.querySelector = () => null;
        Object.defineProperty(Node.prototype, 'childNodes', { get() { for (;;) {} } });
        Object.defineProperty(Element.prototype, 'tagName', { get() { throw new Error('no'); } });
        Array.prototype[0] = 'poison';
        0
        """
    )
    t0 = time.monotonic()
    assert page.dom_find("h1") == ("h1", {}, ["Title"])
    assert time.monotonic() - t0 < 2


def test_queries_work_when_the_context_is_out_of_reductions(pool: actors.ContextPool) -> None:
    c = pool.spawn(apis=["dom"], max_reductions=200)
    c.eval("document.body.innerHTML = '<p>x</p>'; 0")
    with pytest.raises(actors.ReductionLimitError):
        c.eval("for (;;) {}")
    assert c.dom_text("p") == "x"


def test_a_tree_damaged_from_js_gives_an_error_not_a_crash(page: actors.Context) -> None:
    # reach the private storage and make body its own child: a cycle
    page.eval(
        """
        const b = document.body;
        const kids = Object.getOwnPropertySymbols(b)
          .map((k) => b[k])
          .find((v) => Array.isArray(v) && v.includes(b.firstChild));
        kids.push(b);
        0
        """
    )
    with pytest.raises(actors.ActorsError, match="own ancestor"):
        page.dom_html()
    assert page.eval("1 + 1") == 2  # the context lives on


def test_proxies_and_getters_in_the_storage_are_skipped(page: actors.Context) -> None:
    page.eval(
        """
        const ul = document.getElementById('items');
        for (const k of Object.getOwnPropertySymbols(ul)) {
          if (Array.isArray(ul[k]) && ul[k].length === 2 && typeof ul[k][0] === 'object') {
            ul[k] = new Proxy(ul[k], { get() { for (;;) {} } });
          }
        }
        0
        """
    )
    assert page.dom_find("ul") == ("ul", {"id": "items"}, [])


def test_a_context_that_never_touched_the_dom_has_the_empty_document(pool: actors.ContextPool) -> None:
    c = pool.spawn(apis=["dom"])
    before = c.memory_usage()["malloc_size"]
    assert c.dom_html() == "<html><head></head><body></body></html>"
    assert c.dom_find("body") == ("body", {}, [])
    # reading it did not load the group
    assert c.memory_usage()["malloc_size"] < before + 4096


def test_a_context_without_the_dom_group_says_so(ctx: actors.Context) -> None:
    with pytest.raises(actors.ActorsError, match="no DOM"):
        ctx.dom_find("h1")


def test_bad_selectors_raise_selector_error(page: actors.Context) -> None:
    with pytest.raises(actors.SelectorError) as info:
        page.dom_find("div >")
    assert isinstance(info.value, ValueError) and "div >" in str(info.value)
    with pytest.raises(TypeError):
        page.dom_find(3)  # type: ignore[arg-type]


def test_deep_documents_are_read_in_linear_time(pool: actors.ContextPool) -> None:
    c = pool.spawn(apis=["dom"])
    c.eval(
        """
        let e = document.body;
        for (let i = 0; i < 5000; i++) { const d = document.createElement('div'); e.append(d); e = d; }
        e.textContent = 'bottom';
        0
        """
    )
    t0 = time.monotonic()
    found = c.dom_find_all("div")
    assert len(found) == 5000 and found[-1] == ("div", {}, ["bottom"])
    assert c.dom_text("body") == "bottom"
    assert c.dom_html().count("<div>") == 5000
    assert time.monotonic() - t0 < 10


def test_async_twins(page: actors.Context) -> None:
    async def main() -> tuple[object, ...]:
        return (
            await page.dom_find_async("h1"),
            len(await page.dom_find_all_async("li")),
            await page.dom_text_async("h1"),
            (await page.dom_html_async())[:6],
        )

    assert asyncio.run(main()) == (("h1", {}, ["Title"]), 2, "Title", "<html>")


def test_a_reset_gives_a_fresh_document(page: actors.Context) -> None:
    page.reset()
    assert page.dom_find("h1") is None
    page.eval("document.body.innerHTML = '<h1>again</h1>'; 0")
    assert page.dom_text("h1") == "again"
