"""Errors of the cluster layer, and how an error crosses between hosts.

An operation's own failure (a JS exception, a limit, a dead context) is
carried back as data (:func:`encode_error` on the node, :func:`decode_error`
on the driver) and raised as the same :mod:`actors.errors` type a local call
raises. Transport failures are the two types below, raised by a host
adapter, never carried.
"""

from __future__ import annotations

from typing import Any

from actors.errors import (
    ActorsError,
    ContextDeadError,
    ConversionError,
    EvalTimeoutError,
    JSError,
    MailboxFullError,
    MemoryLimitError,
    ReductionLimitError,
    ResultTooLargeError,
)

__all__ = ["HostLostError", "HostUnavailableError", "decode_error", "encode_error", "nodedown"]


class HostLostError(ActorsError):
    """The host is gone for good (its process or node died, or it was restarted):
    every context it ran is dead with reason ``nodedown``."""


class HostUnavailableError(ActorsError):
    """The host did not answer (a partition, an overloaded node): NOT a death.

    The host and its contexts may still be running; the operation may or may
    not have happened. Retry, or stop waiting on it.
    """


# errors a node may report, by name; everything else arrives as ActorsError
_SIMPLE: dict[str, type[Exception]] = {
    cls.__name__: cls
    for cls in (
        ActorsError,
        ConversionError,
        EvalTimeoutError,
        MailboxFullError,
        MemoryLimitError,
        ReductionLimitError,
        ResultTooLargeError,
        TypeError,
        ValueError,
        KeyError,
    )
}


def nodedown(what: str) -> ContextDeadError:
    return ContextDeadError(f"{what}: its host is down (nodedown)", reason="nodedown")


def encode_error(exc: BaseException) -> list[Any]:
    """``[kind, message, extra]``: plain data any transport carries."""
    if isinstance(exc, JSError):
        return ["JSError", str(exc), [exc.name, exc.message, exc.stack]]
    if isinstance(exc, ContextDeadError):
        return ["ContextDeadError", str(exc), exc.reason]
    for cls in type(exc).__mro__:
        if cls.__name__ in _SIMPLE and _SIMPLE[cls.__name__] is cls:
            return [cls.__name__, str(exc), None]
    return ["ActorsError", f"{type(exc).__name__}: {exc}", None]


def decode_error(wire: Any) -> Exception:
    """The exception :func:`encode_error` described (a malformed description is an ActorsError)."""
    try:
        kind, message, extra = wire
        message = str(message)
        if kind == "JSError":
            name, msg, stack = extra
            return JSError(str(name), str(msg), None if stack is None else str(stack))
        if kind == "ContextDeadError":
            return ContextDeadError(message, reason=None if extra is None else str(extra))
        cls = _SIMPLE.get(str(kind), ActorsError)
        return cls(message)
    except (TypeError, ValueError):
        return ActorsError(f"a host reported an error in a form not understood: {wire!r:.200}")
