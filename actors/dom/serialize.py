"""HTML serialization of document snapshots (``Context.dom_html``).

This is the HTML standard's fragment serialization algorithm applied to the document's children:
what ``document.documentElement.outerHTML`` would give, with the doctype and top-level comments in
front. The snapshot (see :mod:`actors.dom.select`) has no namespaces, so elements are told apart by
tag name: void and raw-text elements are the HTML ones. The walk keeps its own stack, so any depth
serializes.
"""

from __future__ import annotations

from typing import Any

__all__ = ["RAW_TEXT_ELEMENTS", "VOID_ELEMENTS", "escape_attribute", "escape_text", "serialize"]

VOID_ELEMENTS = frozenset(
    "area base br col embed hr img input link meta source track wbr".split()
    + "basefont bgsound frame keygen param".split()  # obsolete, still void
)
# Their text children are written as is (noscript too: a document with scripting on parses its
# content as text, so writing it back unescaped round-trips).
RAW_TEXT_ELEMENTS = frozenset("style script xmp iframe noembed noframes plaintext noscript".split())

_TEXT_ESCAPES = str.maketrans({"&": "&amp;", "\u00a0": "&nbsp;", "<": "&lt;", ">": "&gt;"})
# < and > too, as the HTML standard does since 2025 (as polyfills/dom.js does)
_ATTRIBUTE_ESCAPES = str.maketrans(
    {"&": "&amp;", "\u00a0": "&nbsp;", '"': "&quot;", "<": "&lt;", ">": "&gt;"}
)


def escape_text(text: str) -> str:
    """Escape a text node's data: ``&``, ``<``, ``>`` and U+00A0."""
    return text.translate(_TEXT_ESCAPES)


def escape_attribute(value: str) -> str:
    """Escape an attribute value for double quotes: ``&``, ``"`` and U+00A0."""
    return value.translate(_ATTRIBUTE_ESCAPES)


def serialize(snapshot: list[Any]) -> str:
    """Serialize a snapshot's nodes as HTML.

    Args:
        snapshot: the document's children (or any list of snapshot nodes): elements
            ``[tag, {attr: value}, [children]]``, text ``str``, ``["#comment", data]`` and
            ``["#doctype", name]``.

    Returns:
        The markup, e.g. ``<!DOCTYPE html><html><head></head><body>...</body></html>``.
    """
    out: list[str] = []
    # Frames are (children, next index, raw text parent); an end tag is pushed as a plain str.
    stack: list[tuple[list[Any], int, bool] | str] = [(snapshot, 0, False)]
    while stack:
        frame = stack.pop()
        if isinstance(frame, str):
            out.append(frame)
            continue
        children, at, raw = frame
        while at < len(children):
            node = children[at]
            at += 1
            if isinstance(node, str):
                out.append(node if raw else node.translate(_TEXT_ESCAPES))
                continue
            tag = node[0]
            if len(node) == 2:
                if tag == "#comment":
                    out.append(f"<!--{node[1]}-->")
                elif tag == "#doctype":
                    out.append(f"<!DOCTYPE {node[1]}>")
                continue
            out.append(f"<{tag}")
            for name, value in node[1].items():
                out.append(f' {name}="{str(value).translate(_ATTRIBUTE_ESCAPES)}"')
            out.append(">")
            if tag in VOID_ELEMENTS:
                continue
            stack.append((children, at, raw))
            stack.append(f"</{tag}>")
            stack.append((node[2], 0, tag in RAW_TEXT_ELEMENTS))
            break
    return "".join(out)
