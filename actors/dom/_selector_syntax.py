"""The selector parser: CSS selector text to the compiled structures of ``_selector_match``.

A recursive descent over the text (tokens: identifiers with CSS escapes, strings, comments as
whitespace; grammar: selector lists, complex and compound selectors, attribute selectors,
pseudo-classes and their arguments) that builds a :class:`Selector` directly, failing with a
:class:`SelectorError` that names the problem and its position. :func:`compile_selector` is the
entry point, re-exported by :mod:`actors.dom.select`.
"""

from __future__ import annotations

import functools
import re

from actors.dom._selector_match import (
    _CHILD,
    _DESCENDANT,
    _LATER,
    _NEXT,
    _NTH,
    _PSEUDO_CLASSES,
    _WS,
    Selector,
    _attr_test,
    _class_test,
    _Complex,
    _has_test,
    _id_test,
    _is_test,
    _lower,
    _not_test,
    _nth_test,
    _Test,
    _type_test,
)
from actors.errors import SelectorError

# Caps that keep matching's recursion (along the selector, never the tree) far from Python's limit.
_MAX_NESTING = 32
_MAX_COMPOUNDS = 200
_AN_PLUS_B = re.compile(
    r"(?P<word>odd|even)"
    r"|(?P<a>[+-]?\d*)n(?:[ \t\n\r\f]*(?P<sign>[+-])[ \t\n\r\f]*(?P<b>\d+))?"
    r"|(?P<int>[+-]?\d+)",
    re.IGNORECASE,
)

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
