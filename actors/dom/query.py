"""The host-side DOM queries behind ``Context.dom_find`` and friends.

Each query works on one snapshot of the context's document (``OP_DOM``,
``native/dom.c``): the tree is read by C without running JavaScript, then
matched and serialized here, so a context that overrode
``document.querySelector`` or is out of reductions still answers truthfully.
"""

from __future__ import annotations

from typing import Any

from actors.dom.select import compile_selector, select, select_one, text_content, to_tuple
from actors.dom.serialize import serialize

__all__ = ["EMPTY_DOCUMENT", "check_selector", "find", "find_all", "html", "text"]

# What a context whose dom group was never touched holds.
EMPTY_DOCUMENT: list[Any] = [["html", {}, [["head", {}, []], ["body", {}, []]]]]

DomNode = tuple[str, dict[str, str], list[Any]]


def _doc(snapshot: list[Any] | None) -> list[Any]:
    return EMPTY_DOCUMENT if snapshot is None else snapshot


def check_selector(selector: str) -> None:
    """Raise ``SelectorError`` (a ``ValueError``) for a selector that does not parse."""
    if not isinstance(selector, str):
        raise TypeError(f"selector must be a str, not {type(selector).__name__}")
    compile_selector(selector)


def find(snapshot: list[Any] | None, selector: str) -> DomNode | None:
    node = select_one(_doc(snapshot), selector)
    return None if node is None else to_tuple(node)


def find_all(snapshot: list[Any] | None, selector: str) -> list[DomNode]:
    return [to_tuple(n) for n in select(_doc(snapshot), selector)]


def text(snapshot: list[Any] | None, selector: str) -> str:
    node = select_one(_doc(snapshot), selector)
    return "" if node is None else text_content(node)


def html(snapshot: list[Any] | None) -> str:
    return serialize(_doc(snapshot))
