"""The exception hierarchy: everything the library raises derives from ActorsError."""

from __future__ import annotations

import re

import pykka

__all__ = [
    "ActorsError",
    "ContextDeadError",
    "ConversionError",
    "EvalTimeoutError",
    "JSError",
    "LimitError",
    "MailboxFullError",
    "MemoryLimitError",
    "ReductionLimitError",
    "ResultTooLargeError",
    "SelectorError",
]


class ActorsError(Exception):
    """Base class of every error raised by this library."""


class JSError(ActorsError):
    """A JavaScript exception thrown in a context.

    Attributes:
        name: the JS error's ``name`` (``"TypeError"``, ``"RangeError"``, ...).
        message: the JS error's ``message``.
        stack: the JS stack trace, or ``None``.
    """

    def __init__(self, name: str, message: str, stack: str | None = None) -> None:
        text = f"{name}: {message}" if message else name
        where = _syntax_error_location(name, stack)
        super().__init__(f"{text} at {where}" if where else text)
        self.name = name
        self.message = message
        self.stack = stack

    def __reduce__(self) -> tuple[type[JSError], tuple[str, str, str | None]]:
        return (type(self), (self.name, self.message, self.stack))

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, JSError):
            return NotImplemented
        return (self.name, self.message, self.stack) == (other.name, other.message, other.stack)

    def __hash__(self) -> int:
        return hash((self.name, self.message))


# The engine reports where a script failed to parse as the only stack line,
# "    at app.js:4:1" (no function name): that is the location a reader needs.
_PARSE_LOCATION = re.compile(r"\s*at ([^\s()]+:\d+:\d+)\s*$")


def _syntax_error_location(name: str, stack: str | None) -> str | None:
    if name != "SyntaxError" or not stack:
        return None
    first = stack.lstrip("\n").split("\n", 1)[0]
    match = _PARSE_LOCATION.fullmatch(first)
    return match.group(1) if match else None


class LimitError(ActorsError):
    """An operation exceeded one of the context's limits; the context survives."""


class MemoryLimitError(LimitError, MemoryError):
    """The context's ``memory_limit`` was reached."""


class ReductionLimitError(LimitError):
    """The operation used more than ``max_reductions`` (JS cannot catch this)."""


class ResultTooLargeError(LimitError):
    """A value leaving the context exceeded its output budget (``max_result_bytes``).

    The budget bounds what a context can make the host build: the msgpack
    bytes of one result, one ``Host.send`` message, the arguments of one
    ``Host.call`` or one DOM snapshot, and the number of values in it
    (``max_result_bytes / 16``), counted as expanded (an object referenced
    twice counts twice). Nothing big is built before the check fails; the
    context lives on.
    """


class EvalTimeoutError(LimitError, TimeoutError):
    """The operation ran past its wall-clock ``timeout`` (promises and host calls included)."""


class ContextDeadError(ActorsError, pykka.ActorDeadError):
    """The context is stopped, was killed, or crashed.

    Attributes:
        reason: the exit reason when known (``"normal"``, ``"killed"``,
            ``"crashed"``, ...), else ``None``.
    """

    def __init__(self, message: str = "the context is stopped", reason: str | None = None) -> None:
        super().__init__(message)
        self.reason = reason


class MailboxFullError(ActorsError):
    """The context's mailbox holds as many commands as it may (100,000, or
    64 MiB of them): the command was refused, nothing already queued is lost.
    Wait for the context to catch up (an ``eval`` returns once it has) and retry."""


class ConversionError(ActorsError, ValueError):
    """A value cannot cross the Python/JavaScript boundary (the message names its path)."""


class SelectorError(ActorsError, ValueError):
    """A CSS selector that does not parse; the message says what is wrong and where.

    Attributes:
        selector: the selector text.
        position: the 0-based offset in ``selector`` where the problem was found.
    """

    def __init__(self, problem: str, selector: str, position: int) -> None:
        super().__init__(f"{problem} at position {position} in selector {selector!r}")
        self.selector = selector
        self.position = position
