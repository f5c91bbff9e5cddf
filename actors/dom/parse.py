"""HTML5 parsing for the ``dom`` group: markup in, compact msgpack-ready nodes out.

The parser is html5ever (Servo's) through ``markupever``: 1564/1592 html5lib ``#document`` cases
without ``#script-on`` (98.2%; 24 misses are the scripting flag, which html5ever keeps on, 4 are
``<selectedcontent>``) and ~14 ms for a 98 KB page including this conversion, against 1588/1592 and
~100 ms for the pure-Python ``justhtml``; ``html5lib`` (last release 2020) passes 1412/1592 and takes
~160 ms; ``selectolax`` exposes neither namespaces, doctype ids nor template contents.

The compact form (lists, strings and ints only, so it crosses into JS as msgpack):

- text: ``str`` (adjacent text is merged);
- element: ``[1, name, ns, attrs, children]``, and for an HTML ``<template>``
  ``[1, name, ns, attrs, [], content]``; ``ns`` is 0 (HTML), 1 (SVG) or 2 (MathML); ``attrs`` is
  ``[qname, value, ...]`` in source order, foreign namespaced attributes prefixed (``xlink:href``);
- comment: ``[8, data]``;
- doctype: ``[10, name, public_id, system_id]``.
"""

from __future__ import annotations

import re
from typing import Any

# The typed core of markupever: its public wrappers allocate a Python object per node and make the
# conversion ~4x slower. Being private, it is why pyproject pins markupever below the next minor.
from markupever import _rustlib as _mv

__all__ = ["COMMENT", "DOCTYPE", "ELEMENT", "NS_HTML", "NS_MATHML", "NS_SVG", "parse_html"]

ELEMENT = 1
COMMENT = 8
DOCTYPE = 10
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
        The document's children (doctype, comments, the ``html`` element), or the fragment's
        children, in the compact form described in the module docstring.
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


def _convert(root: Any) -> list[Any]:
    # One pass over open/close edges, so a deeply nested document needs no recursion.
    out: list[Any] = []
    stack: list[list[Any]] = [out]
    for node, closed in _mv.iter.Traverse(root):
        if isinstance(node, _mv.Text):
            if not closed:
                siblings = stack[-1]
                if siblings and type(siblings[-1]) is str:
                    siblings[-1] += node.content
                else:
                    siblings.append(node.content)
        elif isinstance(node, _mv.Element):
            if closed:
                stack.pop()
                continue
            name = node.name
            attrs: list[str] = []
            for qname, value in node.attrs.items():
                attrs.append(f"{qname.prefix}:{qname.local}" if qname.prefix else qname.local)
                attrs.append(value)
            children: list[Any] = []
            ns = _NAMESPACES.get(name.ns, NS_HTML)
            if node.template:
                # html5ever keeps a template's contents as its children; the DOM wants them apart.
                stack[-1].append([ELEMENT, name.local, ns, attrs, [], children])
            else:
                stack[-1].append([ELEMENT, name.local, ns, attrs, children])
            stack.append(children)
        elif closed:
            continue
        elif isinstance(node, _mv.Comment):
            stack[-1].append([COMMENT, node.content])
        elif isinstance(node, _mv.Doctype):
            stack[-1].append([DOCTYPE, node.name, node.public_id, node.system_id])
    return out
