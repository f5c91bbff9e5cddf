"""Compiled selectors and what each part of one tests, for :mod:`actors.dom.select`.

A compiled selector list (:class:`Selector`) holds complex selectors (:class:`_Complex`), each a
chain of compounds joined by combinators and matched right to left; a compound is a tuple of
tests, one per simple selector, built here as closures over ``(tree, element id)``. This module
holds those structures and tests (type, class, id, attributes, ``:not()``/``:is()``, ``:has()``,
``:nth-*()`` and the other pseudo-classes, with HTML's case rules); ``_selector_syntax`` builds
them from text, and ``select`` supplies the snapshot index (``_Tree``) they walk.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from actors.dom.select import _Tree

_Test = Callable[["_Tree", int], bool]

# Combinators, one character each; " " is the descendant combinator.
_DESCENDANT, _CHILD, _NEXT, _LATER = " ", ">", "+", "~"
# Outcomes of matching a complex selector from one compound leftwards (the scheme Servo uses): a
# failure says how far back the caller may skip, so `a b c d` gives up early on deep trees.
_MATCHED, _RESTART_SIBLING, _RESTART_DESCENDANT, _FAILED_GLOBALLY = 0, 1, 2, 3

_WS = " \t\n\r\f"
_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")
_CLASS_SPLIT = re.compile("[ \t\n\r\f]+")
# HTML: attributes whose values selectors compare ASCII case-insensitively (unless flagged `s`).
_CASELESS_VALUES = frozenset(
    "accept accept-charset align alink axis bgcolor charset checked clear codetype color compact declare "
    "defer dir direction disabled enctype face frame hreflang http-equiv lang language link media method "
    "multiple nohref noresize noshade nowrap readonly rel rev rules scope scrolling selected shape target "
    "text type valign valuetype vlink".split()
)
_FORM_CONTROLS = frozenset({"button", "input", "select", "textarea", "optgroup", "option", "fieldset"})


def _lower(text: str) -> str:
    return text.translate(_ASCII_LOWER)


def _is_element(node: Any) -> bool:
    return type(node) is list and len(node) == 3


# ---- compiled selectors -----------------------------------------------------------------------


class _Complex:
    """A complex selector, stored right to left: ``compounds[0]`` is the subject."""

    __slots__ = ("combinators", "compounds")

    def __init__(self, compounds: list[tuple[_Test, ...]], combinators: list[str]) -> None:
        self.compounds = compounds
        self.combinators = combinators  # combinators[j] joins compounds[j] to compounds[j + 1]

    def matches(self, tree: _Tree, i: int) -> bool:
        return self._match_from(tree, 0, i) == _MATCHED

    def _match_from(self, tree: _Tree, j: int, i: int) -> int:
        for test in self.compounds[j]:
            if not test(tree, i):
                return _RESTART_SIBLING
        if j == len(self.compounds) - 1:
            return _MATCHED
        combinator = self.combinators[j]
        candidate = self._step(tree, combinator, i)
        if combinator == _CHILD:
            if candidate < 0:
                return _FAILED_GLOBALLY
            result = self._match_from(tree, j + 1, candidate)
            return result if result in (_MATCHED, _FAILED_GLOBALLY) else _RESTART_DESCENDANT
        if combinator == _NEXT:
            return self._match_from(tree, j + 1, candidate) if candidate >= 0 else _RESTART_DESCENDANT
        return self._search(tree, j, combinator, candidate)

    def _search(self, tree: _Tree, j: int, combinator: str, candidate: int) -> int:
        """Try ``compounds[j + 1]`` on ``candidate`` and on, walking up or back (`` `` or ``~``).

        The outcome from a given candidate does not depend on where the walk started, so it is
        remembered for every candidate passed: `:not(div) div` on a 10,000-deep tree walks each
        ancestor chain once, not once per element.
        """
        memo: dict[int, int] = tree.memo.setdefault((id(self), j), {})
        stops = (
            (_MATCHED, _FAILED_GLOBALLY)
            if combinator == _DESCENDANT
            else (_MATCHED, _FAILED_GLOBALLY, _RESTART_DESCENDANT)
        )
        result = _FAILED_GLOBALLY if combinator == _DESCENDANT else _RESTART_DESCENDANT
        passed = []
        while candidate >= 0:
            known = memo.get(candidate)
            if known is not None:
                result = known
                break
            passed.append(candidate)
            outcome = self._match_from(tree, j + 1, candidate)
            if outcome in stops:
                result = outcome
                break
            candidate = self._step(tree, combinator, candidate)
        for k in passed:
            memo[k] = result
        return result

    @staticmethod
    def _step(tree: _Tree, combinator: str, i: int) -> int:
        if combinator in (_DESCENDANT, _CHILD):
            return tree.parent[i]
        at = tree.pos[i]
        return tree.siblings(i)[at - 1] if at > 0 else -1


class Selector:
    """A compiled selector list; build one with :func:`compile_selector`.

    Attributes:
        text: the selector as written.
    """

    __slots__ = ("_complexes", "text")

    def __init__(self, text: str, complexes: tuple[_Complex, ...]) -> None:
        self.text = text
        self._complexes = complexes

    def __repr__(self) -> str:
        return f"Selector({self.text!r})"

    def _matches(self, tree: _Tree, i: int) -> bool:
        return any(c.matches(tree, i) for c in self._complexes)


# ---- simple selectors, as closures ------------------------------------------------------------


def _type_test(name: str) -> _Test:
    lowered = _lower(name)

    def test(tree: _Tree, i: int) -> bool:
        tag = tree.nodes[i][0]
        return bool(tag == name or tag == lowered)

    return test


def _attr_value(tree: _Tree, i: int, name: str, lowered: str) -> str | None:
    attrs = tree.nodes[i][1]
    value = attrs.get(name)
    if value is None and lowered != name:
        value = attrs.get(lowered)
    return value if value is None else str(value)


def _attr_test(name: str, op: str, value: str, flag: str) -> _Test:
    lowered = _lower(name)
    caseless = flag == "i" or (flag == "" and lowered in _CASELESS_VALUES)
    wanted = _lower(value) if caseless else value

    def check(actual: str) -> bool:
        if op == "=":
            return actual == wanted
        if op == "~=":
            return bool(wanted) and not any(c in _WS for c in wanted) and wanted in _CLASS_SPLIT.split(actual)
        if op == "|=":
            return actual == wanted or actual.startswith(wanted + "-")
        if not wanted:
            return False  # an empty ^= $= *= value matches nothing
        if op == "^=":
            return actual.startswith(wanted)
        if op == "$=":
            return actual.endswith(wanted)
        return wanted in actual  # *=

    def test(tree: _Tree, i: int) -> bool:
        actual = _attr_value(tree, i, name, lowered)
        if actual is None:
            return False
        return not op or check(_lower(actual) if caseless else actual)

    return test


def _class_test(name: str) -> _Test:
    def test(tree: _Tree, i: int) -> bool:
        classes = tree.nodes[i][1].get("class")
        return classes is not None and name in _CLASS_SPLIT.split(str(classes))

    return test


def _id_test(name: str) -> _Test:
    def test(tree: _Tree, i: int) -> bool:
        return bool(tree.nodes[i][1].get("id") == name)

    return test


def _not_test(inner: Selector) -> _Test:
    return lambda tree, i: not inner._matches(tree, i)


def _is_test(inner: Selector) -> _Test:
    return inner._matches


def _has_test(relatives: tuple[_Complex, ...]) -> _Test:
    def test(tree: _Tree, i: int) -> bool:
        return any(_has_one(tree, rel, i) for rel in relatives)

    return test


def _has_one(tree: _Tree, rel: _Complex, i: int) -> bool:
    table = tree.memo.get(("has", id(rel)))
    if table is None:
        table = tree.memo[("has", id(rel))] = _has_table(tree, rel)
    return bool(table[i])


def _has_table(tree: _Tree, rel: _Complex) -> list[bool]:
    """For every element at once, whether ``rel`` matches with that element as the anchor.

    From the subject leftwards: after step ``k``, ``found[x]`` says that ``compounds[k]`` and what
    lies to its right match starting at ``x``. Each step is one linear pass, so `:has(div span)`
    costs O(elements x compounds) for the whole snapshot instead of a subtree scan per element.
    """
    compounds, combinators = rel.compounds, rel.combinators  # right to left; last is the anchor
    every = range(len(tree.nodes))
    found = [all(test(tree, x) for test in compounds[0]) for x in every]
    for k in range(1, len(compounds) - 1):
        reach = _reaching(tree, combinators[k - 1], found)
        found = [reach[x] and all(test(tree, x) for test in compounds[k]) for x in every]
    return _reaching(tree, combinators[-1], found)


def _reaching(tree: _Tree, combinator: str, found: list[bool]) -> list[bool]:
    """``out[x]``: some element that ``combinator`` leads to from ``x`` is marked in ``found``."""
    out = [False] * len(found)
    if combinator == _DESCENDANT:
        for x in range(len(found) - 1, -1, -1):  # preorder reversed: children before parents
            out[x] = any(found[k] or out[k] for k in tree.kids[x])
    elif combinator == _CHILD:
        for x in range(len(found)):
            out[x] = any(found[k] for k in tree.kids[x])
    else:
        for group in [tree.top, *tree.kids]:
            later = False
            for at in range(len(group) - 1, -1, -1):
                x = group[at]
                out[x] = later if combinator == _LATER else at + 1 < len(group) and found[group[at + 1]]
                later = later or found[x]
    return out


def _nth_test(a: int, b: int, last: bool, of_type: bool, of: Selector | None) -> _Test:
    def fits(tree: _Tree, i: int) -> Callable[[int], bool]:
        if of_type:
            tag = tree.nodes[i][0]
            return lambda s: bool(tree.nodes[s][0] == tag)
        if of is not None:
            return lambda s: of._matches(tree, s)
        return lambda s: True

    def test(tree: _Tree, i: int) -> bool:
        key: tuple[object, ...]
        if of_type:
            key = ("type", tree.nodes[i][0])
        elif of is not None:
            if not of._matches(tree, i):
                return False
            key = ("of", id(of))
        else:
            key = ("child",)
        index, count = tree.position(i, key, fits(tree, i))
        if last:
            index = count - index + 1
        if a == 0:
            return index == b
        steps, rest = divmod(index - b, a)
        return rest == 0 and steps >= 0

    return test


def _root(tree: _Tree, i: int) -> bool:
    return tree.parent[i] < 0


def _empty(tree: _Tree, i: int) -> bool:
    node = tree.nodes[i]
    if node[0] == "template":
        return True  # its children are its contents, which a template element does not contain
    return not any((type(c) is str and c) or _is_element(c) for c in node[2])


def _checked(tree: _Tree, i: int) -> bool:
    tag, attrs, _ = tree.nodes[i]
    if tag == "input":
        return "checked" in attrs and _lower(str(attrs.get("type", ""))) in ("checkbox", "radio")
    return tag == "option" and "selected" in attrs


def _disabled(tree: _Tree, i: int) -> bool:
    tag, attrs, _ = tree.nodes[i]
    if tag not in _FORM_CONTROLS:
        return False
    if "disabled" in attrs:
        return True
    parent = tree.parent[i]
    if tag == "option":
        return parent >= 0 and tree.nodes[parent][0] == "optgroup" and "disabled" in tree.nodes[parent][1]
    if tag == "optgroup":
        return False
    # Inside a disabled fieldset, except within that fieldset's first legend child.
    child = i
    while parent >= 0:
        ptag, pattrs, _ = tree.nodes[parent]
        if ptag == "fieldset" and "disabled" in pattrs:
            legend = next((k for k in tree.kids[parent] if tree.nodes[k][0] == "legend"), -1)
            if child != legend:
                return True
        child, parent = parent, tree.parent[parent]
    return False


def _enabled(tree: _Tree, i: int) -> bool:
    return tree.nodes[i][0] in _FORM_CONTROLS and not _disabled(tree, i)


def _any_link(tree: _Tree, i: int) -> bool:
    tag, attrs, _ = tree.nodes[i]
    return tag in ("a", "area") and "href" in attrs


def _nth_simple(first: bool, last: bool, of_type: bool) -> _Test:
    def test(tree: _Tree, i: int) -> bool:
        if of_type:
            tag = tree.nodes[i][0]
            at, count = tree.position(i, ("type", tag), lambda s: bool(tree.nodes[s][0] == tag))
        else:
            at, count = tree.pos[i] + 1, len(tree.siblings(i))
        return (not first or at == 1) and (not last or at == count)

    return test


_PSEUDO_CLASSES: dict[str, _Test] = {
    "root": _root,
    "scope": _root,  # the document is the scope, :has() arguments included
    "empty": _empty,
    "checked": _checked,
    "disabled": _disabled,
    "enabled": _enabled,
    "any-link": _any_link,
    "link": _any_link,
    "first-child": _nth_simple(True, False, False),
    "last-child": _nth_simple(False, True, False),
    "only-child": _nth_simple(True, True, False),
    "first-of-type": _nth_simple(True, False, True),
    "last-of-type": _nth_simple(False, True, True),
    "only-of-type": _nth_simple(True, True, True),
}
_NTH = {
    "nth-child": (False, False),
    "nth-last-child": (True, False),
    "nth-of-type": (False, True),
    "nth-last-of-type": (True, True),
}
