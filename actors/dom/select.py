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
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterator
from typing import Any

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
_Test = Callable[["_Tree", int], bool]

# Combinators, one character each; " " is the descendant combinator.
_DESCENDANT, _CHILD, _NEXT, _LATER = " ", ">", "+", "~"
# Outcomes of matching a complex selector from one compound leftwards (the scheme Servo uses): a
# failure says how far back the caller may skip, so `a b c d` gives up early on deep trees.
_MATCHED, _RESTART_SIBLING, _RESTART_DESCENDANT, _FAILED_GLOBALLY = 0, 1, 2, 3
# Caps that keep matching's recursion (along the selector, never the tree) far from Python's limit.
_MAX_NESTING = 32
_MAX_COMPOUNDS = 200

_WS = " \t\n\r\f"
_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")
_CLASS_SPLIT = re.compile("[ \t\n\r\f]+")
_AN_PLUS_B = re.compile(
    r"(?P<word>odd|even)"
    r"|(?P<a>[+-]?\d*)n(?:[ \t\n\r\f]*(?P<sign>[+-])[ \t\n\r\f]*(?P<b>\d+))?"
    r"|(?P<int>[+-]?\d+)",
    re.IGNORECASE,
)
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

# ---- the parser -------------------------------------------------------------------------------


class _Parser:
    """Recursive descent over the selector text; recursion follows the selector's nesting only."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.pos = 0
        self.depth = 0
        self.compounds = 0

    def fail(self, problem: str, position: int | None = None) -> SelectorError:
        return SelectorError(problem, self.text, self.pos if position is None else position)

    def peek(self, ahead: int = 0) -> str:
        at = self.pos + ahead
        return self.text[at] if at < len(self.text) else ""

    def describe(self) -> str:
        char = self.peek()
        return f"unexpected {char!r}" if char else "unexpected end of selector"

    def skip_space(self) -> bool:
        start = self.pos
        while True:
            while self.peek() and self.peek() in _WS:
                self.pos += 1
            if not self.text.startswith("/*", self.pos):
                return self.pos > start
            close = self.text.find("*/", self.pos + 2)
            self.pos = len(self.text) if close < 0 else close + 2

    # Tokens.

    def starts_ident(self, ahead: int = 0) -> bool:
        first = self.peek(ahead)
        if first == "-":
            second = self.peek(ahead + 1)
            return second == "-" or self._name_start(second) or self._escape_at(ahead + 1)
        return self._name_start(first) or self._escape_at(ahead)

    @staticmethod
    def _name_start(char: str) -> bool:
        return bool(char) and (not char.isascii() or char.isalpha() or char == "_")

    @staticmethod
    def _name_char(char: str) -> bool:
        return bool(char) and (not char.isascii() or char.isalnum() or char in "_-")

    def _escape_at(self, ahead: int) -> bool:
        return self.peek(ahead) == "\\" and self.peek(ahead + 1) not in ("", "\n", "\r", "\f")

    def escape(self) -> str:
        self.pos += 1  # the backslash
        digits = ""
        while len(digits) < 6 and self.peek() and self.peek() in "0123456789abcdefABCDEF":
            digits += self.peek()
            self.pos += 1
        if not digits:
            char = self.peek()
            self.pos += 1
            return char
        if self.peek() == "\r" and self.peek(1) == "\n":
            self.pos += 2
        elif self.peek() and self.peek() in _WS:
            self.pos += 1
        code = int(digits, 16)
        return "\ufffd" if code == 0 or 0xD800 <= code <= 0xDFFF or code > 0x10FFFF else chr(code)

    def name(self) -> str:
        out: list[str] = []
        while True:
            char = self.peek()
            if self._name_char(char):
                out.append(char)
                self.pos += 1
            elif self._escape_at(0):
                out.append(self.escape())
            else:
                return "".join(out)

    def ident(self, what: str) -> str:
        if not self.starts_ident():
            raise self.fail(f"expected {what}, {self.describe()}")
        return self.name()

    def string(self) -> str:
        quote = self.peek()
        start = self.pos
        self.pos += 1
        out: list[str] = []
        while True:
            char = self.peek()
            if char == quote or not char:  # end of input closes a string, as in CSS
                self.pos += 1
                return "".join(out)
            if char in "\n\r\f":
                raise self.fail("newline inside a quoted string", start)
            if char == "\\":
                if self.peek(1) in ("\n", "\f"):
                    self.pos += 2
                elif self.peek(1) == "\r":
                    self.pos += 3 if self.peek(2) == "\n" else 2
                elif self.peek(1):
                    out.append(self.escape())
                else:
                    self.pos += 1
            else:
                out.append(char)
                self.pos += 1

    # Grammar.

    def selector_list(self, relative: bool = False, nested: bool = False) -> tuple[_Complex, ...]:
        complexes = [self.complex(relative)]
        while True:
            self.skip_space()
            char = self.peek()
            if char == ",":
                self.pos += 1
                complexes.append(self.complex(relative))
            elif nested and char == ")":
                return tuple(complexes)
            elif not char and not nested:
                return tuple(complexes)
            else:
                raise self.fail(f"{self.describe()}; expected ','" + (" or ')'" if nested else ""))

    def complex(self, relative: bool) -> _Complex:
        self.skip_space()
        compounds: list[tuple[_Test, ...]] = []
        combinators: list[str] = []
        if relative:
            leading = self.peek() if self.peek() in (_CHILD, _NEXT, _LATER) else _DESCENDANT
            if leading != _DESCENDANT:
                self.pos += 1
                self.skip_space()
            compounds.append(())  # stands for the :has() anchor; _has_table never tests it
            combinators.append(leading)
        compounds.append(self.compound(after=combinators[-1] if combinators else None))
        while True:
            spaced = self.skip_space()
            char = self.peek()
            if char in (_CHILD, _NEXT, _LATER):
                self.pos += 1
                self.skip_space()
                combinators.append(char)
            elif char in ("", ",", ")"):
                break
            elif spaced:
                combinators.append(_DESCENDANT)
            else:
                raise self.fail(self.describe())
            compounds.append(self.compound(after=combinators[-1]))
        compounds.reverse()
        combinators.reverse()
        return _Complex(compounds, combinators)

    def compound(self, after: str | None) -> tuple[_Test, ...]:
        start = self.pos
        self.compounds += 1
        if self.compounds > _MAX_COMPOUNDS:
            raise self.fail(f"selector has more than {_MAX_COMPOUNDS} compound selectors")
        tests: list[_Test] = []
        if self.peek() == "*":
            self.pos += 1
        elif self.starts_ident():
            tests.append(_type_test(self.name()))
        if self.peek() == "|":
            raise self.fail("namespace prefixes are not supported")
        while True:
            char = self.peek()
            if char == "#":
                self.pos += 1
                tests.append(_id_test(self.ident("an id after '#'")))
            elif char == ".":
                self.pos += 1
                tests.append(_class_test(self.ident("a class name after '.'")))
            elif char == "[":
                tests.append(self.attribute())
            elif char == ":":
                tests.append(self.pseudo())
            else:
                break
        if self.pos == start:
            if after is not None and after != _DESCENDANT:
                raise self.fail(f"expected a selector after {after!r}, {self.describe()}")
            raise self.fail(f"expected a selector, {self.describe()}")
        return tuple(tests)

    def attribute(self) -> _Test:
        self.pos += 1
        self.skip_space()
        if self.peek() == "|" or (self.peek() == "*" and self.peek(1) == "|"):
            raise self.fail("namespace prefixes are not supported")
        name = self.ident("an attribute name after '['")
        if self.peek() == "|" and self.peek(1) != "=":
            raise self.fail("namespace prefixes are not supported")
        self.skip_space()
        if self.peek() == "]":
            self.pos += 1
            return _attr_test(name, "", "", "")
        if self.peek() == "=":
            op = "="
        elif self.peek() in ("~", "|", "^", "$", "*") and self.peek(1) == "=":
            op = self.peek() + "="
        else:
            raise self.fail(f"{self.describe()} in attribute selector; expected ']' or an operator")
        self.pos += len(op)
        self.skip_space()
        if self.peek() in ("'", '"'):
            value = self.string()
        elif self.starts_ident():
            value = self.name()
        else:
            raise self.fail(f"expected an attribute value, {self.describe()}")
        self.skip_space()
        flag = ""
        if self.starts_ident():
            at = self.pos
            flag = _lower(self.name())
            if flag not in ("i", "s"):
                raise self.fail(f"unknown attribute flag {flag!r}; expected 'i' or 's'", at)
            self.skip_space()
        if self.peek() != "]":
            raise self.fail(f"{self.describe()}; expected ']'")
        self.pos += 1
        return _attr_test(name, op, value, flag)

    def pseudo(self) -> _Test:
        start = self.pos
        self.pos += 1
        if self.peek() == ":":
            raise self.fail("pseudo-elements are not supported", start)
        name = _lower(self.ident("a pseudo-class name after ':'"))
        if self.peek() != "(":
            test = _PSEUDO_CLASSES.get(name)
            if test is None:
                known = name in _NTH or name in ("not", "is", "where", "has")
                raise self.fail(
                    f"':{name}' needs an argument" if known else f"unknown pseudo-class ':{name}'", start
                )
            return test
        self.pos += 1
        self.depth += 1
        if self.depth > _MAX_NESTING:
            raise self.fail(f"selector nested deeper than {_MAX_NESTING} levels")
        if name in ("not", "is", "where", "matches", "any"):
            inner = Selector(self.text, self.selector_list(nested=True))
            test = _not_test(inner) if name == "not" else _is_test(inner)
        elif name == "has":
            test = _has_test(self.selector_list(relative=True, nested=True))
        elif name in _NTH:
            test = self.nth(*_NTH[name], allow_of=not _NTH[name][1])
        else:
            raise self.fail(f"unknown pseudo-class ':{name}()'", start)
        self.skip_space()
        if self.peek() != ")":
            raise self.fail(f"{self.describe()}; expected ')'")
        self.pos += 1
        self.depth -= 1
        return test

    def nth(self, last: bool, of_type: bool, allow_of: bool) -> _Test:
        self.skip_space()
        match = _AN_PLUS_B.match(self.text, self.pos)
        if match is None:
            raise self.fail(f"expected an+b (like 2n+1, odd or even), {self.describe()}")
        self.pos = match.end()
        if match["word"]:
            a, b = 2, 1 if _lower(match["word"]) == "odd" else 0
        elif match["int"]:
            a, b = 0, int(match["int"])
        else:
            a = {"": 1, "+": 1, "-": -1}.get(match["a"]) or int(match["a"])
            b = int(match["b"]) if match["b"] else 0
            b = -b if match["sign"] == "-" else b
        of: Selector | None = None
        spaced = self.skip_space()
        if self.peek() not in (")", ""):
            if not (allow_of and spaced and _lower(self.text[self.pos : self.pos + 2]) == "of"):
                raise self.fail(
                    f"{self.describe()} after an+b; expected ')'" + (" or 'of'" if allow_of else "")
                )
            self.pos += 2
            if not self.skip_space():
                raise self.fail("expected a space after 'of'")
            of = Selector(self.text, self.selector_list(nested=True))
        return _nth_test(a, b, last, of_type, of)


@functools.lru_cache(maxsize=256)
def compile_selector(text: str) -> Selector:
    """Parse a selector list once, for use with :func:`select` and :func:`select_one`.

    Args:
        text: a CSS selector list, as ``querySelectorAll`` takes it.

    Returns:
        The compiled selector (cached: compiling the same text again is free).

    Raises:
        SelectorError: the selector does not parse or uses something unsupported; the message
            says what and at which position.
    """
    if not isinstance(text, str):
        raise TypeError(f"a selector must be a str, not {type(text).__name__}")
    parser = _Parser(text)
    parser.skip_space()
    if not parser.peek():
        raise parser.fail("empty selector")
    return Selector(text, parser.selector_list())


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
