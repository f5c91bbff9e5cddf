"""The ``dom`` group's ``document``: creation, lookup, DOMParser, adoption."""

from __future__ import annotations

import pytest
from domtest import error_of

import actors


def test_a_fresh_document_is_html_head_body(dom: actors.Context) -> None:
    got = dom.eval("""
        [document.documentElement.outerHTML, document.head.localName, document.body.localName,
         document.doctype, document.childNodes.length, document.nodeType, document.nodeName,
         document.ownerDocument, document.body.ownerDocument === document, document.title,
         document.contentType, document.compatMode, document.readyState, document.URL,
         document.body.parentNode.parentNode === document, document.isConnected]
    """)
    assert got == [
        "<html><head></head><body></body></html>", "head", "body", None, 1, 9, "#document", None, True,
        "", "text/html", "BackCompat", "complete", "about:blank", True, True,
    ]  # fmt: skip


def test_the_title_is_read_from_and_written_to_the_title_element(dom: actors.Context) -> None:
    got = dom.eval("""
        const before = document.title;
        document.title = '  Hello   world ';
        const t = document.head.firstChild;
        const html1 = document.head.innerHTML, title1 = document.title;
        t.textContent = 'Changed';
        [before, html1, title1, document.title]
    """)
    assert got == ["", "<title>  Hello   world </title>", "Hello world", "Changed"]


def test_create_element_lowercases_and_tag_name_uppercases(dom: actors.Context) -> None:
    got = dom.eval("""
        const d = document.createElement('DiV');
        const svg = document.createElementNS('http://www.w3.org/2000/svg', 'foreignObject');
        const x = document.createElementNS('urn:x', 'p:Thing');
        [d.localName, d.tagName, d.nodeName, d.namespaceURI, d.prefix, d instanceof HTMLElement,
         svg.localName, svg.tagName, svg.namespaceURI, svg instanceof SVGElement, svg instanceof HTMLElement,
         x.localName, x.tagName, x.prefix, x.namespaceURI, x instanceof Element, x instanceof HTMLElement]
    """)
    assert got == [
        "div", "DIV", "DIV", "http://www.w3.org/1999/xhtml", None, True,
        "foreignObject", "foreignObject", "http://www.w3.org/2000/svg", True, False,
        "Thing", "p:Thing", "p", "urn:x", True, False,
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("code", "error"),
    [
        ("document.createElement('1a')", ["DOMException", "InvalidCharacterError"]),
        ("document.createElement('a b')", ["DOMException", "InvalidCharacterError"]),
        ("document.createElement('')", ["DOMException", "InvalidCharacterError"]),
        ("document.createElementNS(null, 'a:b')", ["DOMException", "NamespaceError"]),
        ("document.createElementNS('urn:x', 'xmlns')", ["DOMException", "NamespaceError"]),
        ("document.body.setAttribute('a b', '1')", ["DOMException", "InvalidCharacterError"]),
        ("document.body.setAttribute('a=', '1')", ["DOMException", "InvalidCharacterError"]),
        ("new Node()", ["TypeError", "TypeError"]),
        ("new Element()", ["TypeError", "TypeError"]),
        ("new HTMLElement()", ["TypeError", "TypeError"]),
    ],
)
def test_invalid_names_and_constructors_throw(dom: actors.Context, code: str, error: list[str]) -> None:
    assert error_of(dom, code) == error


def test_constructible_nodes(dom: actors.Context) -> None:
    got = dom.eval("""
        const t = new Text('a'), c = new Comment('b'), f = new DocumentFragment(), d = new Document();
        [t.data, t.nodeType, t.ownerDocument === document, c.data, c.nodeType, f.nodeType,
         f.childNodes.length, d.nodeType, d.documentElement, d.contentType,
         d.createElement('Foo').localName, d.createElement('Foo').namespaceURI]
    """)
    assert got == ["a", 3, True, "b", 8, 11, 0, 9, None, "application/xml", "Foo", None]


def test_get_element_by_id_and_live_collections(dom: actors.Context) -> None:
    got = dom.eval("""
        document.body.innerHTML = '<p id=a class="x y">1</p><div><p class=x>2</p><span name=n>3</span></div>';
        const ps = document.getElementsByTagName('P');
        const xs = document.getElementsByClassName('x');
        const xy = document.getElementsByClassName(' y  x ');
        const before = [ps.length, xs.length, xy.length, ps[0].id, ps.item(1).textContent];
        document.body.append(document.createElement('p'));
        document.getElementById('a').className = 'z';
        [before, ps.length, xs.length, xy.length, document.getElementById('a').tagName,
         document.getElementById('nope'), document.getElementsByName('n')[0].tagName,
         document.getElementsByTagName('*').length, [...ps].map(p => p.textContent),
         ps instanceof HTMLCollection, ps[99], ps.namedItem('a') === document.getElementById('a')]
    """)
    assert got == [[2, 2, 1, "a", "2"], 3, 1, 0, "P", None, "SPAN", 8, ["1", "2", ""], True, None, True]


def test_dom_parser_returns_a_separate_document(dom: actors.Context) -> None:
    got = dom.eval("""
        const doc = new DOMParser().parseFromString(
            '<!DOCTYPE html><title>T</title><p id=x>Hello<br>there</p>', 'text/html');
        const p = doc.getElementById('x');
        [doc instanceof Document, doc !== document, doc.doctype.name, doc.doctype.nodeType, doc.title,
         doc.compatMode, p.ownerDocument === doc, p.isConnected, document.getElementById('x'),
         doc.body.innerHTML, doc.documentElement.outerHTML.length > 0, doc.childNodes.length]
    """)
    assert got == [
        True, True, "html", 10, "T", "CSS1Compat", True, True, None, '<p id="x">Hello<br>there</p>', True, 2,
    ]  # fmt: skip


def test_dom_parser_rejects_other_types(dom: actors.Context) -> None:
    assert error_of(dom, "new DOMParser().parseFromString('<a/>', 'text/plain')") == [
        "TypeError",
        "TypeError",
    ]
    assert error_of(dom, "new DOMParser().parseFromString('<a/>', 'application/xml')") == [
        "DOMException",
        "NotSupportedError",
    ]


def test_moving_nodes_between_documents_adopts_them(dom: actors.Context) -> None:
    got = dom.eval("""
        const doc = new DOMParser().parseFromString('<p><b>x</b></p>', 'text/html');
        const p = doc.querySelector('p');
        document.body.append(p);
        const moved = [p.ownerDocument === document, p.firstChild.ownerDocument === document,
                       doc.body.childNodes.length];
        const imported = document.importNode(doc.createElement('i'), true);
        const adopted = doc.adoptNode(document.body.firstChild);
        [moved, imported.ownerDocument === document, adopted.ownerDocument === doc,
         adopted.firstChild.ownerDocument === doc, adopted.parentNode, document.body.childNodes.length]
    """)
    assert got == [[True, True, 0], True, True, True, None, 0]


def test_create_html_document(dom: actors.Context) -> None:
    got = dom.eval("""
        const d = document.implementation.createHTMLDocument('Hi');
        [d.title, d.doctype.name, d.documentElement.outerHTML, d.body.ownerDocument === d]
    """)
    assert got == ["Hi", "html", "<html><head><title>Hi</title></head><body></body></html>", True]
