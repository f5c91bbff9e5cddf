"""HTML5 parsing for the ``dom`` group: markup in, a flat msgpack-ready node list out.

The parser is html5ever (Servo's) through ``markupever``: 1564/1592 html5lib ``#document`` cases
without ``#script-on`` (98.2%; 24 misses are the scripting flag, which html5ever keeps on, 4 are
``<selectedcontent>``) and ~14 ms for a 98 KB page including this conversion, against 1588/1592 and
~100 ms for the pure-Python ``justhtml``; ``html5lib`` (last release 2020) passes 1412/1592 and takes
~160 ms; ``selectolax`` exposes neither namespaces, doctype ids nor template contents.

The result is *flat*, so a tree of any depth crosses into JS (whose value conversion stops at 1,000
levels) and is built there with a loop: one list of strings and ints holding every node in tree
order (a node, then its descendants, then its next sibling), each node a record of a fixed number
of items spread inline, starting with its kind and its depth (0 for the document's or fragment's
own children, one more per level below):

- element: ``1, depth, name, ns, attrs`` -- ``ns`` is 0 (HTML), 1 (SVG) or 2 (MathML); ``attrs``
  (the only nested list) is ``[qname, value, ...]`` in source order, foreign namespaced attributes
  prefixed (``xlink:href``);
- text: ``3, depth, data`` (adjacent text is merged);
- comment: ``8, depth, data``;
- doctype: ``10, depth, name, public_id, system_id``;
- template contents: ``11, depth`` right after an HTML ``<template>`` element (which is at
  ``depth - 1``) stands for the template's content fragment; the contents follow at ``depth + 1``.
  The template itself has no other children (html5ever keeps the contents as its children; the DOM
  keeps them apart).

A node's parent is the closest record before it whose depth is one less (none at depth 0). For
example ``<p class=x>a<template><b>`` parsed in a ``body`` fragment gives
``[1, 0, "p", 0, ["class", "x"], 3, 1, "a", 1, 1, "template", 0, [], 11, 2, 1, 3, "b", 0, []]``.
:data:`SIZE` gives each kind's record length and :func:`records` splits a result into records.
The consumer is ``build()`` in ``polyfills/dom.js``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

# The typed core of markupever: its public wrappers allocate a Python object per node and make the
# conversion ~4x slower. Being private, it is why pyproject pins markupever below the next minor.
from markupever import _rustlib as _mv

__all__ = [
    "COMMENT",
    "CONTENT",
    "DOCTYPE",
    "ELEMENT",
    "NS_HTML",
    "NS_MATHML",
    "NS_SVG",
    "SIZE",
    "TEXT",
    "parse_html",
    "records",
]

# Record kinds (the DOM's nodeType numbers; CONTENT is a template's content fragment).
ELEMENT = 1
TEXT = 3
COMMENT = 8
DOCTYPE = 10
CONTENT = 11
# Items in a record of each kind, the kind and depth included.
SIZE = {ELEMENT: 5, TEXT: 3, COMMENT: 3, DOCTYPE: 5, CONTENT: 2}
NS_HTML = 0
NS_SVG = 1
NS_MATHML = 2

_NAMESPACES = {
    "http://www.w3.org/1999/xhtml": NS_HTML,
    "http://www.w3.org/2000/svg": NS_SVG,
    "http://www.w3.org/1998/Math/MathML": NS_MATHML,
}
# A context such as "svg path" or "math mi" names a foreign element (the html5lib-tests spelling).
_FOREIGN_CONTEXT = {"svg": "svg", "math": "mathml"}
# Bound once: the conversion loop looks them up per node.
_Traverse = _mv.iter.Traverse
_Element, _Text, _Comment, _Doctype = _mv.Element, _mv.Text, _mv.Comment, _mv.Doctype
# In a Python str every surrogate code point is a lone one; the parser needs valid UTF-8.
_SURROGATE = re.compile("[\ud800-\udfff]")


def parse_html(html: str, context: str | None = None) -> list[Any]:
    """Parse HTML as a document or as a fragment, the way a browser does.

    Runs on whichever thread calls it (the ``dom`` group calls it on a host handler thread); it
    keeps no state, so concurrent calls are safe.

    Args:
        html: the markup. Lone surrogates are replaced with U+FFFD.
        context: ``None`` to parse a whole document, or the lowercase tag name of the element
            whose ``innerHTML`` is being set (``"div"``, ``"tr"``, ``"template"``, ...) to parse a
            fragment; ``"svg <name>"`` and ``"math <name>"`` name a foreign context element.

    Returns:
        The document's nodes (its children are the doctype, comments and the ``html`` element),
        or the fragment's, in the flat form described in the module docstring.
    """
    if context is None:
        options = _mv.HtmlOptions()
    else:
        prefix, _, local = context.partition(" ")
        if local and prefix in _FOREIGN_CONTEXT:
            options = _mv.HtmlOptions(fragment_context=_mv.QualName(local, _FOREIGN_CONTEXT[prefix]))
        else:
            options = _mv.HtmlOptions(fragment_context=context)
    parser = _mv.Parser(options)
    if _SURROGATE.search(html) is not None:
        html = _SURROGATE.sub("\ufffd", html)
    parser.process(html)
    parser.finish()
    return _convert(parser.into_dom().root())


def records(nodes: list[Any]) -> Iterator[list[Any]]:
    """Split a :func:`parse_html` result into its records (``[kind, depth, ...]`` each)."""
    i = 0
    while i < len(nodes):
        size = SIZE[nodes[i]]
        yield nodes[i : i + size]
        i += size


def _convert(root: Any) -> list[Any]:
    # One pass over open/close edges: no recursion, so any depth converts. `depth` is the depth
    # of the next child; `last_text` is where the last text record starts, to merge adjacent text.
    out: list[Any] = []
    extend = out.extend
    depth = 0
    last_text = -1
    for node, closed in _Traverse(root):
        if type(node) is _Text:
            if not closed:
                if last_text == len(out) - 3 and out[last_text + 1] == depth:
                    out[last_text + 2] += node.content
                else:
                    last_text = len(out)
                    extend((TEXT, depth, node.content))
        elif type(node) is _Element:
            if closed:
                depth -= 2 if node.template else 1
                continue
            name = node.name
            attrs: list[str] = []
            for qname, value in node.attrs.items():
                attrs.append(f"{qname.prefix}:{qname.local}" if qname.prefix else qname.local)
                attrs.append(value)
            extend((ELEMENT, depth, name.local, _NAMESPACES.get(name.ns, NS_HTML), attrs))
            depth += 1
            if node.template:
                # html5ever keeps a template's contents as its children; the DOM wants them apart.
                extend((CONTENT, depth))
                depth += 1
        elif closed:
            continue
        elif type(node) is _Comment:
            extend((COMMENT, depth, node.content))
        elif type(node) is _Doctype:
            extend((DOCTYPE, depth, node.name, node.public_id, node.system_id))
    return out
