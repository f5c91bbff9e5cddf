"""The dom group builds its HTML element interfaces on first use, invisibly to scripts."""

from __future__ import annotations

import actors


def test_an_interface_read_before_any_element_has_its_reflected_attributes(pool: actors.ContextPool) -> None:
    c = pool.spawn(apis=["dom"])
    got = c.eval(
        """const d = Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value');
           ['href' in HTMLAnchorElement.prototype, typeof d.get, typeof d.set,
            document.createElement('input') instanceof HTMLInputElement,
            document.createElement('a').constructor === HTMLAnchorElement]"""
    )
    assert got == [True, "function", "function", True, True]


def test_an_element_made_before_its_interface_is_read_shares_it(pool: actors.ContextPool) -> None:
    c = pool.spawn(apis=["dom"])
    got = c.eval(
        """document.body.innerHTML = '<form><select><option selected>a</option></select></form>';
           const sel = document.querySelector('select');
           [sel instanceof HTMLSelectElement, Object.getPrototypeOf(sel) === HTMLSelectElement.prototype,
            sel.value, sel.form === document.querySelector('form'), String(HTMLFormElement),
            HTMLTableCellElement.name, Object.prototype.toString.call(sel)]"""
    )
    assert got[:4] == [True, True, "a", True]
    assert got[5:] == ["HTMLTableCellElement", "[object HTMLElement]"]
    assert "HTMLFormElement" in got[4]


def test_a_global_interface_replaced_before_use_stays_replaced_and_elements_still_work(
    pool: actors.ContextPool,
) -> None:
    c = pool.spawn(apis=["dom"])
    got = c.eval(
        """HTMLInputElement = 1;
           const i = document.createElement('input'); i.value = 'v';
           [HTMLInputElement, i.value, i.constructor.name, typeof globalThis['@resolve']]"""
    )
    assert got == [1, "v", "HTMLInputElement", "undefined"]


def test_touching_the_document_costs_under_650_kb(pool: actors.ContextPool) -> None:
    # the 10,000-session use case: a first touch of `document` used to build
    # every HTML interface (~700 KB per context before they became lazy)
    c = pool.spawn(apis=["dom"])
    before = c.memory_usage()["malloc_size"]
    c.eval("document.body.innerHTML = '<div><p>hi <a href=x>a</a></p></div>'; void 0")
    assert c.memory_usage()["malloc_size"] - before < 650 * 1024
