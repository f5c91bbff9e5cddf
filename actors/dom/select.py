"""CSS selectors over document snapshots, for the host-side DOM queries.

A snapshot is what the native side reads out of a context's document: the list of the document's
children, where an element is ``[tag, {attr: value}, [children]]``, text is a ``str``, a comment
``["#comment", data]`` and a doctype ``["#doctype", name]``; a ``<template>``'s children are its
contents.

The snapshot carries no namespaces, so HTML rules are applied by name: a type selector matches a
tag written either exactly or in ASCII lowercase, an attribute name likewise, and the attributes
HTML lists as case-insensitive (``type``, ``lang``, ...) compare their values that way. Like
``querySelectorAll``, matching never enters template contents.

Each call indexes the snapshot once (elements in document order, parents, element children) and
matching walks those indexes with loops and memo tables, never the Python stack, so a 10,000-deep
or 10,000-wide document is fine; only the selector's own nesting recurses, and that is capped.

This module holds the public functions and the snapshot index (``_Tree``); the parser lives in
``_selector_syntax`` and the compiled selectors with their matching rules in ``_selector_match``,
both re-exported from here (:func:`compile_selector`, :class:`Selector`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from actors.dom._selector_match import Selector, _is_element
from actors.dom._selector_syntax import compile_selector
from actors.errors import SelectorError

__all__ = [
    "Selector",
    "SelectorError",
    "compile_selector",
    "select",
    "select_one",
    "text_content",
    "to_tuple",
    "to_tuples",
]

Node = list[Any]
NodeTuple = tuple[str, dict[str, str], list[Any]]

# ---- the index --------------------------------------------------------------------------------


class _Tree:
    """The elements of one snapshot in document order (ids are indexes), with their relations."""

    def __init__(self, snapshot: list[Any]) -> None:
        self.nodes: list[Node] = []
        self.parent: list[int] = []
        self.kids: list[list[int]] = []
        self.pos: list[int] = []
        self.top: list[int] = []
        self.memo: dict[object, Any] = {}  # per-snapshot caches of sibling positions and :has()
        stack: list[tuple[int, list[Any], int]] = [(-1, snapshot, 0)]
        while stack:
            parent, children, at = stack.pop()
            siblings = self.kids[parent] if parent >= 0 else self.top
            for k in range(at, len(children)):
                child = children[k]
                if not _is_element(child):
                    continue
                i = len(self.nodes)
                self.nodes.append(child)
                self.parent.append(parent)
                self.kids.append([])
                self.pos.append(len(siblings))
                siblings.append(i)
                if child[0] != "template" and child[2]:
                    stack.append((parent, children, k + 1))
                    stack.append((i, child[2], 0))
                    break

    def siblings(self, i: int) -> list[int]:
        parent = self.parent[i]
        return self.kids[parent] if parent >= 0 else self.top

    def position(self, i: int, key: object, fits: Callable[[int], bool]) -> tuple[int, int]:
        """1-based index of ``i`` among its siblings that satisfy ``fits``, and their count.

        ``key`` names ``fits`` for the cache, so each sibling group is counted once per filter
        (``:nth-child`` over 10,000 siblings stays linear).
        """
        parent = self.parent[i]
        group = self.memo.get((key, parent))
        if group is None:
            chosen = [s for s in self.siblings(i) if fits(s)]
            group = {s: (n + 1, len(chosen)) for n, s in enumerate(chosen)}
            self.memo[(key, parent)] = group
        result: tuple[int, int] = group.get(i, (0, 0))
        return result


def _matching(snapshot: list[Any], selector: str | Selector) -> Iterator[Node]:
    compiled = selector if isinstance(selector, Selector) else compile_selector(selector)
    tree = _Tree(snapshot)
    return (tree.nodes[i] for i in range(len(tree.nodes)) if compiled._matches(tree, i))


def select(snapshot: list[Any], selector: str | Selector) -> list[Node]:
    """Every element of ``snapshot`` that matches ``selector``, in document order.

    Args:
        snapshot: the document's children (see the module docstring).
        selector: a selector list, as text or compiled.

    Returns:
        The matching element nodes themselves (the snapshot's own lists).

    Raises:
        SelectorError: the selector does not parse.
    """
    return list(_matching(snapshot, selector))


def select_one(snapshot: list[Any], selector: str | Selector) -> Node | None:
    """The first element of ``snapshot`` in document order that matches ``selector``, or ``None``.

    Raises:
        SelectorError: the selector does not parse.
    """
    return next(_matching(snapshot, selector), None)


def to_tuple(node: Node, _memo: dict[int, NodeTuple] | None = None) -> NodeTuple:
    """An element node as ``(tag, attrs, children)``, children being text and nested tuples.

    Comments and doctypes are left out; a template's contents are its children. Example:
    ``("h1", {}, ["Title"])``. Subtrees already converted through the same
    ``_memo`` are reused, not rebuilt (see :func:`to_tuples`).
    """
    memo = {} if _memo is None else _memo
    done = memo.get(id(node))
    if done is not None:
        return done
    children: list[Any] = []
    root: NodeTuple = (node[0], dict(node[1]), children)
    memo[id(node)] = root
    stack: list[tuple[list[Any], list[Any]]] = [(node[2], children)]
    while stack:
        source, target = stack.pop()
        for child in source:
            if type(child) is str:
                target.append(child)
            elif _is_element(child):
                seen = memo.get(id(child))
                if seen is not None:
                    target.append(seen)
                    continue
                grandchildren: list[Any] = []
                converted = (child[0], dict(child[1]), grandchildren)
                memo[id(child)] = converted
                target.append(converted)
                stack.append((child[2], grandchildren))
    return root


def to_tuples(nodes: list[Node]) -> list[NodeTuple]:
    """:func:`to_tuple` of each node, in linear time: a match nested in an
    earlier match shares that match's converted subtree (for 5,000 nested
    matches, 5,000 conversions, not 12.5 million)."""
    memo: dict[int, NodeTuple] = {}
    return [to_tuple(n, memo) for n in nodes]


def text_content(node: Node | str) -> str:
    """The text of ``node`` and its descendants, concatenated like the DOM's ``textContent``.

    Template contents are not part of a template's text, as in the DOM.
    """
    if type(node) is str:
        return node
    if not _is_element(node) or node[0] == "template":
        return ""
    parts: list[str] = []
    stack: list[Any] = list(reversed(node[2]))
    while stack:
        child = stack.pop()
        if type(child) is str:
            parts.append(child)
        elif _is_element(child) and child[0] != "template":
            stack.extend(reversed(child[2]))
    return "".join(parts)
