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


def _functions(c: actors.Context) -> int:
    c.gc()
    return c.memory_usage()["js_func_count"]


def test_plain_tag_id_and_class_selectors_leave_the_selector_engine_unloaded(
    pool: actors.ContextPool,
) -> None:
    # every compiled function costs each context that loads it: the selector engine
    # (polyfills/dom.selectors.js) loads only for a selector these do not cover
    c = pool.spawn(apis=["dom"])
    c.eval("document.body.innerHTML = '<p id=x class=\"a b\">1</p><svg><p/></svg><i>2</i>'; void 0")
    touched = _functions(c)
    got = c.eval(
        """[document.querySelector('p').id, document.querySelector('#x').className,
            document.querySelectorAll('.b').length, document.querySelectorAll('p').length,
            document.body.querySelector('i').textContent,
            document.querySelector('P') === document.querySelector('p'),
            document.querySelector('#nope'), document.querySelectorAll('.a.b').length]"""
    )
    assert got == ["x", "a b", 1, 2, "2", True, None, 1]
    assert _functions(c) > touched  # '.a.b' and 'P' are not plain: the engine loaded
    c2 = pool.spawn(apis=["dom"])
    c2.eval("document.body.innerHTML = '<p id=x class=a>1</p>'; void 0")
    touched = _functions(c2)
    c2.eval("[document.querySelector('p'), document.querySelector('#x'), document.querySelectorAll('.a')];0")
    assert _functions(c2) == touched


def test_the_selector_engine_loaded_after_a_script_poisoned_object_prototype_still_matches(
    pool: actors.ContextPool,
) -> None:
    c = pool.spawn(apis=["dom"])
    got = c.eval(
        """document.body.innerHTML = '<ul><li class=a>1</li><li>2</li></ul>';
           for (const k of ['selectors', 'compileSelector', 'matchesList', 'querySelectorAll', 'T', 'NAME',
                            'getAttr', 'walkElements']) {
             Object.defineProperty(Object.prototype, k, { get() { throw new Error('poisoned ' + k); } });
           }
           [document.querySelectorAll('ul > li:not(.a)').length, document.querySelector('li').matches('li.a'),
            document.querySelector('li + li').closest('ul').localName]"""
    )
    assert got == [1, True, "ul"]


def test_an_invalid_selector_is_a_syntax_error_whether_or_not_the_engine_was_loaded(
    pool: actors.ContextPool,
) -> None:
    c = pool.spawn(apis=["dom"])
    got = c.eval(
        """const tries = ['#', '.', 'p[', 'p', '#1x'];
           tries.map((s) => {
             try { document.querySelector(s); return 'ok'; } catch (e) { return e.name; }
           })"""
    )
    assert got == ["SyntaxError", "SyntaxError", "SyntaxError", "ok", "SyntaxError"]


def test_node_filter_read_first_and_a_tree_walker_made_first_share_one_traversal_part(
    pool: actors.ContextPool,
) -> None:
    c = pool.spawn(apis=["dom"])
    got = c.eval(
        """document.body.innerHTML = '<p>a<b>b</b></p>';
           const show = NodeFilter.SHOW_TEXT;
           const w = document.createTreeWalker(document.body, show);
           const seen = []; while (w.nextNode()) seen.push(w.currentNode.data);
           const it = document.createNodeIterator(document.body, NodeFilter.SHOW_ELEMENT);
           it.nextNode(); it.nextNode(); document.querySelector('b').remove();
           [seen, w instanceof TreeWalker, it instanceof NodeIterator, it.referenceNode.localName,
            Object.prototype.toString.call(w), typeof NodeFilter.prototype]"""
    )
    assert got == [["a", "b"], True, True, "p", "[object TreeWalker]", "object"]


def test_a_context_that_never_walks_the_tree_holds_no_traversal_code(pool: actors.ContextPool) -> None:
    c = pool.spawn(apis=["dom"])
    c.eval("document.body.innerHTML = '<p>a</p>'; void 0")
    touched = _functions(c)
    c.eval("document.createTreeWalker(document.body).nextNode(); void 0")
    assert _functions(c) > touched


def test_class_list_dataset_and_style_load_their_parts_on_first_use_and_keep_their_interfaces(
    pool: actors.ContextPool,
) -> None:
    c = pool.spawn(apis=["dom"])
    c.eval("document.body.innerHTML = '<p class=a data-x-y=1 style=\"color: red\">t</p>'; void 0")
    touched = _functions(c)
    got = c.eval(
        """const p = document.querySelector('p');
           p.classList.add('b'); p.dataset.zW = '2'; p.style.marginTop = '1px';
           [p.className, p.dataset.xY, p.getAttribute('data-z-w'), p.getAttribute('style'),
            p.classList instanceof DOMTokenList, Object.prototype.toString.call(p.dataset),
            Object.prototype.toString.call(p.style), p.classList === p.classList]"""
    )
    assert got == [
        "a b",
        "1",
        "2",
        "color: red; margin-top: 1px;",
        True,
        "[object DOMStringMap]",
        "[object CSSStyleDeclaration]",
        True,
    ]
    assert _functions(c) > touched


def test_attr_nodes_made_first_by_create_attribute_or_attributes_behave_as_before(
    pool: actors.ContextPool,
) -> None:
    c = pool.spawn(apis=["dom"])
    got = c.eval(
        """const a = document.createAttribute('title'); a.value = 't';
           const p = document.createElement('p'); p.setAttributeNode(a); p.setAttribute('id', 'x');
           const m = p.attributes, first = m[0];
           p.removeAttribute('title');
           [a instanceof Attr, a instanceof Node, m instanceof NamedNodeMap, m.length, first === a,
            a.ownerElement, a.value, p.getAttributeNode('id') === m.getNamedItem('id'),
            Object.prototype.toString.call(m), a.ownerDocument === document]"""
    )
    assert got == [True, True, True, 1, True, None, "t", True, "[object NamedNodeMap]", True]
