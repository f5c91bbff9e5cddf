"""The ``dom`` group's ``Node``, ``Text`` and ``Comment``: navigation, mutation, cloning, character data."""

from __future__ import annotations

import pytest
from domtest import error_of

import actors

# ---- Node ---------------------------------------------------------------------------------------


def test_node_type_constants_and_names(dom: actors.Context) -> None:
    got = dom.eval("""
        const e = document.createElement('p'), t = document.createTextNode('t'),
              c = document.createComment('c'), f = document.createDocumentFragment();
        [Node.ELEMENT_NODE, Node.TEXT_NODE, Node.COMMENT_NODE, Node.DOCUMENT_NODE, Node.DOCUMENT_TYPE_NODE,
         Node.DOCUMENT_FRAGMENT_NODE, e.ELEMENT_NODE,
         [e, t, c, f].map(n => [n.nodeType, n.nodeName, n.nodeValue]),
         Node.DOCUMENT_POSITION_CONTAINED_BY, Object.prototype.toString.call(e)]
    """)
    assert got == [
        1, 3, 8, 9, 10, 11, 1,
        [[1, "P", None], [3, "#text", "t"], [8, "#comment", "c"], [11, "#document-fragment", None]],
        16, "[object HTMLElement]",
    ]  # fmt: skip


def test_tree_navigation(dom: actors.Context) -> None:
    got = dom.eval("""
        document.body.innerHTML = '<ul><li>a</li>text<li>b</li><!--c--></ul>';
        const ul = document.body.firstChild;
        const [a, text, b, c] = ul.childNodes;
        [ul.firstChild === a, ul.lastChild === c, a.nextSibling === text, text.previousSibling === a,
         c.nextSibling, a.previousSibling, text.parentNode === ul, text.parentElement === ul,
         document.documentElement.parentElement, document.documentElement.parentNode === document,
         ul.hasChildNodes(), a.firstChild.hasChildNodes(), ul.childElementCount,
         ul.firstElementChild === a, ul.lastElementChild === b, a.nextElementSibling === b,
         b.previousElementSibling === a, text.nextElementSibling === b, b.nextElementSibling]
    """)
    assert got == [
        True, True, True, True, None, None, True, True, None, True, True, False, 2, True, True, True, True,
        True, None,
    ]  # fmt: skip


def test_child_nodes_is_a_live_node_list(dom: actors.Context) -> None:
    got = dom.eval("""
        const d = document.createElement('div');
        const kids = d.childNodes;
        const same = kids === d.childNodes;
        const empty = kids.length;
        d.append('a', document.createElement('b'), 'c');
        const seen = [];
        kids.forEach((n, i) => seen.push(i + n.nodeName));
        [same, empty, kids.length, kids[1].nodeName, kids.item(2).data, kids.item(5), kids[5], seen,
         Array.from(kids).length, [...kids.keys()], 1 in kids, 3 in kids, Object.keys(kids),
         kids instanceof NodeList, Array.prototype.map.call(kids, n => n.nodeType)]
    """)
    assert got == [
        True, 0, 3, "B", "c", None, None, ["0#text", "1B", "2#text"], 3, [0, 1, 2], True, False,
        ["0", "1", "2"], True, [3, 1, 3],
    ]  # fmt: skip


def test_text_content(dom: actors.Context) -> None:
    got = dom.eval("""
        const d = document.createElement('div');
        d.innerHTML = 'a<b>b<!--x--><i>c</i></b>d';
        const text = d.textContent;
        d.firstChild.textContent = 'A';
        const after = d.innerHTML;
        d.textContent = '<x>';
        const replaced = [d.childNodes.length, d.innerHTML];
        d.textContent = '';
        [text, after, replaced, d.childNodes.length, document.textContent, d.innerText,
         document.createComment('c').textContent]
    """)
    assert got == ["abcd", "A<b>b<!--x--><i>c</i></b>d", [1, "&lt;x&gt;"], 0, None, "", "c"]


def test_append_child_moves_a_node_from_its_old_parent(dom: actors.Context) -> None:
    got = dom.eval("""
        const [a, b, x] = ['a', 'b', 'x'].map(n => document.createElement(n));
        a.appendChild(x);
        const r = b.appendChild(x);
        [r === x, a.childNodes.length, b.firstChild === x, x.parentNode === b]
    """)
    assert got == [True, 0, True, True]


def test_insert_before(dom: actors.Context) -> None:
    got = dom.eval("""
        const d = document.createElement('div');
        const [a, b, c] = ['a', 'b', 'c'].map(n => document.createElement(n));
        d.insertBefore(c, null);
        d.insertBefore(a, c);
        d.insertBefore(b, c);
        const order1 = d.innerHTML;
        d.insertBefore(c, a);
        const order2 = d.innerHTML;
        d.insertBefore(b, b);
        [order1, order2, d.innerHTML]
    """)
    assert got == ["<a></a><b></b><c></c>", "<c></c><a></a><b></b>", "<c></c><a></a><b></b>"]


def test_inserting_a_fragment_moves_its_children(dom: actors.Context) -> None:
    got = dom.eval("""
        const f = document.createDocumentFragment();
        f.append(document.createElement('a'), 'text', document.createElement('b'));
        const d = document.createElement('div');
        d.append(document.createElement('z'));
        d.insertBefore(f, d.firstChild);
        [d.innerHTML, f.childNodes.length, d.firstChild.parentNode === d]
    """)
    assert got == ["<a></a>text<b></b><z></z>", 0, True]


@pytest.mark.parametrize(
    ("code", "error"),
    [
        ("const d = document.createElement('div'); d.appendChild(d)", "HierarchyRequestError"),
        (
            "const [a, b] = ['a', 'b'].map(n => document.createElement(n)); a.append(b); b.appendChild(a)",
            "HierarchyRequestError",
        ),
        ("document.body.appendChild(document.documentElement)", "HierarchyRequestError"),
        ("document.appendChild(document.createElement('p'))", "HierarchyRequestError"),
        ("document.appendChild(document.createTextNode('x'))", "HierarchyRequestError"),
        ("document.body.appendChild(document)", "HierarchyRequestError"),
        ("document.createTextNode('a').appendChild(document.createElement('p'))", "HierarchyRequestError"),
        (
            "document.body.append(new DOMParser().parseFromString('<!doctype html>', 'text/html').doctype)",
            "HierarchyRequestError",
        ),
        ("document.body.removeChild(document.createElement('p'))", "NotFoundError"),
        (
            "document.body.insertBefore(document.createElement('p'), document.createElement('q'))",
            "NotFoundError",
        ),
        (
            "document.body.replaceChild(document.createElement('p'), document.createElement('q'))",
            "NotFoundError",
        ),
    ],
)
def test_invalid_mutations_throw_dom_exceptions(dom: actors.Context, code: str, error: str) -> None:
    assert error_of(dom, code) == ["DOMException", error]
    assert dom.eval("document.documentElement.outerHTML") == "<html><head></head><body></body></html>"


def test_non_nodes_are_type_errors(dom: actors.Context) -> None:
    for code in (
        "document.body.appendChild('x')",
        "document.body.appendChild(null)",
        "document.body.insertBefore({}, null)",
        "document.body.removeChild(1)",
        "document.body.contains({})",
        "new MutationObserver(() => {}).observe({}, {childList: true})",
    ):
        assert error_of(dom, code) == ["TypeError", "TypeError"], code


def test_remove_and_replace_child(dom: actors.Context) -> None:
    got = dom.eval("""
        const d = document.createElement('div');
        d.innerHTML = '<a></a><b></b><c></c>';
        const [a, b, c] = d.children;
        const removed = d.removeChild(b);
        const x = document.createElement('x');
        const replaced = d.replaceChild(x, a);
        const html1 = d.innerHTML;
        d.replaceChild(c, x);
        [removed === b, b.parentNode, replaced === a, a.parentNode, html1, d.innerHTML]
    """)
    assert got == [True, None, True, None, "<x></x><c></c>", "<c></c>"]


def test_clone_node(dom: actors.Context) -> None:
    got = dom.eval("""
        const d = document.createElement('div');
        d.innerHTML = '<p class=a data-x=1>t<b>u</b></p><template><i>c</i></template>';
        d.addEventListener('click', () => {});
        const shallow = d.cloneNode();
        const deep = d.cloneNode(true);
        const p = d.firstChild.cloneNode(true);
        p.firstChild.data = 'changed';
        const tpl = deep.lastChild;
        [shallow.outerHTML, deep.outerHTML, deep.isEqualNode(d), deep === d, p.outerHTML,
         d.firstChild.outerHTML,
         tpl.content.firstChild.outerHTML, tpl.content !== d.lastChild.content,
         document.createTextNode('x').cloneNode().data, d.cloneNode(true).firstChild.parentNode !== d]
    """)
    assert got == [
        "<div></div>",
        '<div><p class="a" data-x="1">t<b>u</b></p><template><i>c</i></template></div>',
        True, False,
        '<p class="a" data-x="1">changed<b>u</b></p>',
        '<p class="a" data-x="1">t<b>u</b></p>',
        "<i>c</i>", True, "x", True,
    ]  # fmt: skip


def test_contains_root_and_connection(dom: actors.Context) -> None:
    got = dom.eval("""
        const d = document.createElement('div'), s = document.createElement('span');
        d.append(s);
        const detached = [d.contains(s), s.contains(d), d.contains(d), d.contains(null), s.isConnected,
                          s.getRootNode() === d];
        document.body.append(d);
        [detached, s.isConnected, s.getRootNode() === document, document.contains(s)]
    """)
    assert got == [[True, False, True, False, False, True], True, True, True]


def test_normalize_merges_and_drops_text_nodes(dom: actors.Context) -> None:
    got = dom.eval("""
        const d = document.createElement('div');
        d.append('a', '', 'b', document.createElement('i'), '', 'c');
        d.lastChild.previousSibling.previousSibling.append('x', 'y');
        d.normalize();
        [d.childNodes.length, [...d.childNodes].map(n => n.nodeName + ':' + n.textContent), d.innerHTML]
    """)
    assert got == [3, ["#text:ab", "I:xy", "#text:c"], "ab<i>xy</i>c"]


def test_compare_document_position(dom: actors.Context) -> None:
    got = dom.eval("""
        document.body.innerHTML = '<a><b></b></a><c></c>';
        const [a, b, c] = ['a', 'b', 'c'].map(s => document.querySelector(s));
        const loose = document.createElement('x');
        [a.compareDocumentPosition(b), b.compareDocumentPosition(a), a.compareDocumentPosition(c),
         c.compareDocumentPosition(b), a.compareDocumentPosition(a), a.compareDocumentPosition(loose) & 1,
         (a.compareDocumentPosition(loose) & 6) + (loose.compareDocumentPosition(a) & 6)]
    """)
    assert got == [20, 10, 4, 2, 0, 1, 6]


# ---- Text and Comment ---------------------------------------------------------------------------


def test_character_data(dom: actors.Context) -> None:
    got = dom.eval("""
        const t = document.createTextNode('hello');
        const r = [t.data, t.length, t.substringData(1, 3)];
        t.appendData(' world');
        t.insertData(0, '> ');
        t.deleteData(2, 6);
        t.replaceData(0, 1, '<');
        t.data = t.data + '!';
        const c = document.createComment('x');
        c.nodeValue = 'y';
        [r, t.data, t.nodeValue, c.data, c.textContent, t instanceof CharacterData, c instanceof Comment]
    """)
    assert got == [["hello", 5, "ell"], "< world!", "< world!", "y", "y", True, True]
    assert error_of(dom, "document.createTextNode('ab').substringData(5, 1)") == [
        "DOMException",
        "IndexSizeError",
    ]
    assert error_of(dom, "document.createTextNode('ab').insertData(3, 'x')") == [
        "DOMException",
        "IndexSizeError",
    ]


def test_split_text_and_whole_text(dom: actors.Context) -> None:
    got = dom.eval("""
        const p = document.createElement('p');
        p.append('hello world');
        const t = p.firstChild;
        const rest = t.splitText(5);
        const loose = document.createTextNode('abc').splitText(1);
        [t.data, rest.data, p.childNodes.length, t.nextSibling === rest, t.wholeText, rest.wholeText,
         loose.data, loose.parentNode]
    """)
    assert got == ["hello", " world", 2, True, "hello world", "hello world", "bc", None]
    assert error_of(dom, "document.createTextNode('ab').splitText(3)") == ["DOMException", "IndexSizeError"]
