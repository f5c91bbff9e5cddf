"""The ``dom`` group's traversal, Attr nodes, event handler properties, form control state and
``document.write``: the APIs sanitizers and UI libraries rely on."""

from __future__ import annotations

import actors


def test_a_node_iterator_visits_in_tree_order_and_follows_removals(dom: actors.Context) -> None:
    got = dom.eval("""
        document.body.innerHTML = '<div><p>a<b>b</b></p><!--c--><i>d</i></div>';
        const root = document.body.firstChild;
        const it = document.createNodeIterator(root, NodeFilter.SHOW_ELEMENT | NodeFilter.SHOW_COMMENT);
        const seen = [];
        for (let n = it.nextNode(); n !== null; n = it.nextNode()) {
          seen.push(n.nodeName);
          if (n.nodeName === 'P') n.remove();   // as DOMPurify removes what it visits
        }
        const back = [];
        for (let n = it.previousNode(); n !== null; n = it.previousNode()) back.push(n.nodeName);
        [seen, back, it.root === root, typeof NodeFilter, NodeFilter.SHOW_TEXT]
    """)
    assert got == [["DIV", "P", "#comment", "I"], ["I", "#comment", "DIV"], True, "function", 4]


def test_a_filter_decides_and_cannot_reenter_its_walker(dom: actors.Context) -> None:
    got = dom.eval("""
        document.body.innerHTML = '<ul><li>1<em>x</em></li><li class="skip">2<em>y</em></li>' +
          '<li class="no">3<em>z</em></li></ul>';
        const {FILTER_SKIP, FILTER_REJECT, FILTER_ACCEPT} = NodeFilter;
        const tw = document.createTreeWalker(document.body, NodeFilter.SHOW_ELEMENT, (n) =>
          n.className === 'skip' ? FILTER_SKIP : n.className === 'no' ? FILTER_REJECT : FILTER_ACCEPT);
        const order = [];
        for (let n = tw.nextNode(); n !== null; n = tw.nextNode()) order.push(n.localName + (n.textContent));
        tw.currentNode = document.body;
        const first = tw.firstChild().localName, last = tw.lastChild().textContent;
        let inner = null;
        const again = document.createTreeWalker(document.body, NodeFilter.SHOW_ALL, { acceptNode(n) {
          try { again.nextNode(); } catch (e) { inner = e.name; }
          return NodeFilter.FILTER_ACCEPT;
        }});
        again.nextNode();
        [order, first, last, inner]
    """)
    assert got == [["ul1x2y3z", "li1x", "emx", "emy"], "ul", "y", "InvalidStateError"]


def test_attr_nodes_keep_their_identity_and_detach_on_removal(dom: actors.Context) -> None:
    got = dom.eval("""
        const e = document.createElement('img');
        e.setAttribute('src', 'x');
        e.setAttribute('onerror', 'alert(1)');
        const a = e.attributes[1];
        const same = a === e.getAttributeNode('onerror') && a === e.attributes.onerror;
        const removed = e.removeAttributeNode(a);
        const after = [e.outerHTML, removed === a, a.ownerElement, a.value];
        let inUse = null, notFound = null;
        const other = document.createElement('b');
        const c = document.createAttribute('TITLE');
        c.value = 't';
        e.setAttributeNode(c);
        try { other.setAttributeNode(c); } catch (err) { inUse = err.name; }
        try { other.removeAttributeNode(c); } catch (err) { notFound = err.name; }
        const ns = document.createAttributeNS('http://www.w3.org/1999/xlink', 'xlink:href');
        ns.value = '#a';
        const svg = document.createElementNS('http://www.w3.org/2000/svg', 'use');
        svg.setAttributeNodeNS(ns);
        svg.setAttributeNS('urn:x', 'x:k', 'v');
        [same, after, e.outerHTML, c.ownerElement === e, inUse, notFound,
         svg.getAttributeNS('http://www.w3.org/1999/xlink', 'href'), svg.attributes[1].namespaceURI,
         svg.getAttributeNodeNS('urn:x', 'k').prefix, a instanceof Node]
    """)
    assert got == [
        True, ['<img src="x">', True, None, "alert(1)"], '<img src="x" title="t">', True,
        "InUseAttributeError", "NotFoundError", "#a", "urn:x", "x", True,
    ]  # fmt: skip


def test_event_handler_properties_run_in_listener_order_and_markup_never_runs(dom: actors.Context) -> None:
    got = dom.eval("""
        document.body.innerHTML = '<button onclick="globalThis.ran = true">go</button>';
        const b = document.querySelector('button');
        const log = [];
        b.addEventListener('click', () => log.push('first'));
        b.onclick = function (e) { log.push(['handler', this === b]); return false; };
        b.addEventListener('click', () => log.push('last'));
        const ev = new Event('click', {cancelable: true});
        b.dispatchEvent(ev);
        b.onclick = () => log.push('replaced');   // keeps its place
        b.dispatchEvent(new Event('click'));
        b.onclick = 'not a function';
        b.dispatchEvent(new Event('click'));
        document.onclick = () => log.push('document');
        b.dispatchEvent(new Event('click', {bubbles: true}));
        const svg = document.createElementNS('http://www.w3.org/2000/svg', 'svg');
        ['onclick' in b, 'onclick' in document, 'onclick' in svg,
         b.onclick, ev.defaultPrevented, log, globalThis.ran === undefined, b.getAttribute('onclick')]
    """)
    assert got == [
        True, True, True, None, True,
        ["first", ["handler", True], "last", "first", "replaced", "last", "first", "last", "first", "last",
         "document"],
        True, "globalThis.ran = true",
    ]  # fmt: skip


def test_form_control_properties_are_state_and_attributes_are_defaults(dom: actors.Context) -> None:
    got = dom.eval("""
        document.body.innerHTML = '<form><input name=a value=one><input type=checkbox checked>' +
          '<input type=radio name=r checked><input type=radio name=r>' +
          '<textarea>child</textarea><select><option>x<option value=y selected>Y<option>z</select></form>';
        const [text, box, r1, r2] = document.querySelectorAll('input');
        const ta = document.querySelector('textarea'), sel = document.querySelector('select');
        text.value = 'typed';
        box.checked = false;
        r2.checked = true;
        ta.value = 'edited';
        const beforeSelect = [sel.value, sel.selectedIndex];
        sel.options[2].selected = true;
        const html = document.body.innerHTML;
        const state = [text.value, text.defaultValue, box.checked, box.defaultChecked, r1.checked, r2.checked,
          ta.value, ta.defaultValue, sel.value, sel.selectedIndex, sel.options[1].defaultSelected];
        text.setAttribute('value', 'ignored once dirty');
        sel.value = 'none';
        const cleared = [text.value, sel.selectedIndex, sel.value];
        box.click();
        [beforeSelect, html, state, cleared, box.checked, document.querySelectorAll(':checked').length]
    """)
    assert got == [
        ["y", 1],
        '<form><input name="a" value="one"><input type="checkbox" checked="">'
        '<input type="radio" name="r" checked="">'
        '<input type="radio" name="r"><textarea>child</textarea><select><option>x</option>'
        '<option value="y" selected="">Y</option><option>z</option></select></form>',
        ["typed", "one", False, True, False, True, "edited", "child", "z", 2, True],
        ["typed", -1, ""],
        True, 2,
    ]  # fmt: skip


def test_a_checkbox_click_that_is_canceled_restores_the_checkbox(dom: actors.Context) -> None:
    got = dom.eval("""
        const box = document.createElement('input');
        box.type = 'checkbox';
        const log = [];
        box.addEventListener('click', (e) => { log.push(['click', box.checked]); e.preventDefault(); });
        box.addEventListener('change', () => log.push('change'));
        box.click();
        [box.checked, log]
    """)
    assert got == [False, [["click", True]]]


def test_document_write_replaces_an_open_document_and_close_ends_it(dom: actors.Context) -> None:
    got = dom.eval("""
        document.body.innerHTML = '<p>old</p>';
        document.write('<title>T</title><p>one');
        const mid = [document.title, document.querySelectorAll('p').length];
        document.writeln('</p><p>two</p>');
        document.close();
        const closed = document.body.innerHTML;
        document.write('<i>again</i>');   // a write after close() opens (and wipes) the document
        const d = document.implementation.createHTMLDocument('x');
        d.open(); d.write('<b>doc</b>'); d.close();
        [mid, closed, document.body.innerHTML, d.body.innerHTML, document.open() === document]
    """)
    assert got == [["T", 1], "<p>one</p><p>two</p>\n", "<i>again</i>", "<b>doc</b>", True]


def test_html_elements_have_their_interfaces(dom: actors.Context) -> None:
    got = dom.eval("""
        const names = ['a', 'input', 'select', 'option', 'textarea', 'form', 'button', 'img', 'td',
                       'x-custom', 'div']
          .map((t) => document.createElement(t).constructor.name);
        const f = document.createElement('form');
        const td = document.createElement('td');
        [names, 'submit' in f, 'acceptCharset' in f, 'value' in document.createElement('div'),
         'checked' in document.createElement('div'), td.colSpan, document.createElement('button').type,
         'cookie' in document, 'location' in document, document.cookie]
    """)
    assert got == [
        ["HTMLAnchorElement", "HTMLInputElement", "HTMLSelectElement", "HTMLOptionElement",
         "HTMLTextAreaElement", "HTMLFormElement", "HTMLButtonElement", "HTMLImageElement",
         "HTMLTableCellElement", "HTMLElement", "HTMLDivElement"],
        True, True, False, False, 1, "submit", True, True, "",
    ]  # fmt: skip


def test_hostile_filters_and_handlers_leave_the_context_working(dom: actors.Context) -> None:
    got = dom.eval("""
        document.body.innerHTML = '<p>a</p><p>b</p>';
        const errors = [];
        const boom = () => { throw new Error('boom'); };
        const it = document.createNodeIterator(document.body, NodeFilter.SHOW_ALL, boom);
        try { it.nextNode(); } catch (e) { errors.push(e.message); }
        // a filter that empties the tree while it walks
        const wipe = () => { document.body.textContent = ''; return 1; };
        const tw = document.createTreeWalker(document.body, NodeFilter.SHOW_ALL, wipe);
        const walked = tw.nextNode();
        for (let i = 0; i < 2000; i++) document.createNodeIterator(document.body);   // dropped at once
        document.body.innerHTML = '<i>x</i><i>y</i>';
        document.body.firstChild.remove();
        try { HTMLElement.prototype.onclick = () => 1; } catch (e) { errors.push(e.constructor.name); }
        [errors, walked.nodeName, document.body.innerHTML, HTMLElement.prototype.onclick]
    """)
    assert got == [["boom", "TypeError"], "P", "<i>y</i>", None]
