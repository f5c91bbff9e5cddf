"""Python tracebacks of failed host handlers, kept for the JSError they cause.

A handler that raises answers its ``Host.call``/``callSync`` with a rejected
promise (or a throw) carrying the exception's type name and message. JS may
catch that error, rethrow it, or let it escape the operation; when it escapes,
the ``JSError`` the caller gets has the same name and message. The Python
exception (with its traceback) is remembered here, per context, for a short
while, and becomes that ``JSError``'s ``__cause__``, so a user sees where the
handler failed instead of just ``JSError: KeyError: 'x'``.

Only the most recent few exceptions are kept (each holds its frames alive),
and each is attached at most once.
"""

from __future__ import annotations

import logging
import threading
from collections import deque

from actors._handlers import describe
from actors.errors import JSError

__all__ = ["HandlerErrors"]

log = logging.getLogger("actors.handlers")

_KEEP = 8


class HandlerErrors:
    """The last few exceptions raised by one context's host handlers."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._recent: deque[tuple[str, str, BaseException]] = deque(maxlen=_KEEP)

    def record(self, handler: str, exc: BaseException) -> None:
        """Remembers a handler's exception and logs its traceback at debug level."""
        name, message = describe(exc)
        log.debug("host handler %r raised %s: %s", handler, name, message, exc_info=exc)
        with self._lock:
            self._recent.append((name, message, exc))

    def attach(self, error: JSError) -> JSError:
        """Sets ``error.__cause__`` to the handler exception it came from, if any."""
        with self._lock:
            for i, (name, message, exc) in enumerate(self._recent):
                if name == error.name and message == error.message:
                    del self._recent[i]
                    error.__cause__ = exc
                    break
        return error
