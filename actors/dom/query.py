"""The host-side DOM queries behind ``Context.dom_find`` and friends.

Each query works on one snapshot of the context's document (``OP_DOM``,
``native/dom.c``): the tree is read by C without running JavaScript, then
matched and serialized here, so a context that overrode
``document.querySelector`` or is out of reductions still answers truthfully.
"""

from __future__ import annotations

from typing import Any

from actors.dom.select import compile_selector, select, select_one, text_content, to_tuple, to_tuples
from actors.dom.serialize import serialize

__all__ = ["EMPTY_DOCUMENT", "check_selector", "find", "find_all", "html", "nest", "text"]

# What a context whose dom group was never touched holds.
EMPTY_DOCUMENT: list[Any] = [["html", {}, [["head", {}, []], ["body", {}, []]]]]

DomNode = tuple[str, dict[str, str], list[Any]]


def nest(flat: list[Any] | None) -> list[Any]:
    """The snapshot's flat node list (``native/dom.c``: ``[type, depth, ...]``
    in tree order) as the nested tree the selector engine walks."""
    if flat is None:
        return EMPTY_DOCUMENT
    root: list[Any] = []
    levels = [root]  # levels[d - 1]: the child list nodes of depth d go to
    for entry in flat:
        kind, depth = entry[0], entry[1]
        if not 1 <= depth <= len(levels):
            raise ValueError(
                f"malformed document snapshot: a node at depth {depth} after depth {len(levels)}"
            )
        del levels[depth:]
        parent = levels[depth - 1]
        if kind == 1:
            element = [entry[2], entry[3], []]
            parent.append(element)
            levels.append(element[2])
        elif kind == 3:
            parent.append(entry[2])
        elif kind == 8:
            parent.append(["#comment", entry[2]])
        elif kind == 10:
            parent.append(["#doctype", entry[2]])
    return root


def _doc(snapshot: list[Any] | None) -> list[Any]:
    return nest(snapshot)


def check_selector(selector: str) -> None:
    """Raise ``SelectorError`` (a ``ValueError``) for a selector that does not parse."""
    if not isinstance(selector, str):
        raise TypeError(f"selector must be a str, not {type(selector).__name__}")
    compile_selector(selector)


def find(snapshot: list[Any] | None, selector: str) -> DomNode | None:
    node = select_one(_doc(snapshot), selector)
    return None if node is None else to_tuple(node)


def find_all(snapshot: list[Any] | None, selector: str) -> list[DomNode]:
    return to_tuples(select(_doc(snapshot), selector))


def text(snapshot: list[Any] | None, selector: str) -> str:
    node = select_one(_doc(snapshot), selector)
    return "" if node is None else text_content(node)


def html(snapshot: list[Any] | None) -> str:
    return serialize(_doc(snapshot))
