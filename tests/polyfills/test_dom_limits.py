"""The ``dom`` group at its limits: trees too deep for recursion, running out of memory mid-mutation."""

from __future__ import annotations

import actors

# ---- a deep tree --------------------------------------------------------------------------------


def test_a_10000_deep_tree_does_not_overflow_the_stack(dom: actors.Context) -> None:
    got = dom.eval("""
        let node = document.createElement('div');
        const top = node;
        for (let i = 1; i < 10000; i++) {
            const child = document.createElement('div');
            node.appendChild(child);
            node = child;
        }
        node.append('leaf');
        document.body.append(top);
        const html = document.body.innerHTML;
        const copy = top.cloneNode(true);
        const found = document.querySelectorAll('div div div').length;
        const last = document.querySelector('div:empty, div:not(:has(div))');
        const other = document.createElement('section');
        other.append(copy);
        top.normalize();
        [html.length, document.body.textContent, found, last === node, copy.isEqualNode(top),
         other.querySelectorAll('div').length, node.closest('body') === document.body,
         node.getRootNode() === document, top.contains(node), node.compareDocumentPosition(top)]
    """)
    assert got == [10000 * len("<div></div>") + 4, "leaf", 9998, True, True, 10000, True, True, True, 10]


def test_markup_5000_deep_parses_through_inner_html_and_domparser(dom: actors.Context) -> None:
    # The parse result crosses the value boundary (1,000 levels at most) as a flat list.
    got = dom.eval("""
        const html = '<div>'.repeat(5000) + '<template><i>x</i></template>';
        document.body.innerHTML = html;
        const doc = new DOMParser().parseFromString(html, 'text/html');
        const tpl = doc.querySelector('template');
        [document.body.querySelectorAll('div').length, doc.body.querySelectorAll('div').length,
         document.body.innerHTML === doc.body.innerHTML, tpl.parentNode.parentNode.parentNode.localName,
         tpl.content.firstChild.outerHTML, document.querySelector('template').childNodes.length]
    """)
    assert got == [5000, 5000, True, "div", "<i>x</i>", 0]


def test_a_deep_tree_shows_in_host_queries(dom: actors.Context) -> None:
    dom.eval("""
        let node = document.body;
        for (let i = 0; i < 200; i++) node = node.appendChild(document.createElement('b'));
        node.id = 'deepest';
    """)
    assert dom.dom_find("#deepest") == ("b", {"id": "deepest"}, [])


# ---- memory -------------------------------------------------------------------------------------


OOM_SWEEP_JS = """
globalThis.list = document.createElement('ul');
globalThis.frag = document.createDocumentFragment();
document.body.append(list);
// one operation: fill memory up to some bytes below the limit, then mutate the tree
globalThis.attempt = (junkBytes) => {
    const junk = new Uint8Array(junkBytes);
    frag.append(document.createElement('a'), 'text', document.createElement('b'));
    list.insertBefore(frag, list.firstChild);
    list.insertBefore(list.lastChild, list.firstChild);
    list.firstChild.replaceWith(document.createElement('c'), 'x');
    list.lastChild.remove();
    list.firstElementChild.append('y', document.createElement('d'));
    list.innerHTML += '<li>parsed</li>';
    list.children[0].className = 'k';
    return junk.length;
};
// every node under list and frag is where its parent says; then reset both
globalThis.check = () => {
    let ok = true;
    const stack = [list, frag];
    while (stack.length) {
        const parent = stack.pop();
        const kids = parent.childNodes;
        for (let i = 0; i < kids.length; i++) {
            const k = kids[i];
            if (!k || k.parentNode !== parent || k.previousSibling !== (i ? kids[i - 1] : null)) ok = false;
            else stack.push(k);
        }
    }
    if (!ok || !list.outerHTML.startsWith('<ul>')) return false;
    list.replaceChildren(document.createElement('li'), 'start', document.createElement('li'));
    frag.replaceChildren();
    return ok;
};
void 0;
"""


def test_running_out_of_memory_in_the_middle_of_a_mutation_leaves_a_consistent_tree(
    pool: actors.ContextPool,
) -> None:
    limit = 4 << 20
    ctx = pool.spawn(apis=["dom"], memory_limit=limit)
    ctx.eval(OOM_SWEEP_JS)
    ctx.eval("check()")
    failures = 0
    for margin in range(0, 12_000, 24):
        ctx.gc()
        free = limit - ctx.memory_usage()["malloc_size"]
        try:
            ctx.call("attempt", max(0, free - margin))
        except actors.MemoryLimitError:
            failures += 1
        except actors.JSError as exc:  # out of memory while converting the parser's answer
            assert "out of memory" in exc.message, exc.message
            failures += 1
        assert ctx.call("check") is True, margin
    assert failures > 50
    assert ctx.eval("list.innerHTML = '<li>fresh</li>'; list.outerHTML") == "<ul><li>fresh</li></ul>"
