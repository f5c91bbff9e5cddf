"""actors: thousands of isolated QuickJS-NG contexts as actors, on a few native threads.

Layers, from the outside in:

* :class:`ContextPool` and :class:`Context`: spawn contexts with per-context
  limits, evaluate and call into them, exchange messages (blocking and
  ``*_async`` forms).
* :class:`Supervisor`: OTP supervision trees (one_for_one, one_for_all,
  rest_for_one; permanent, transient, temporary) over contexts and other
  supervisors; links via :meth:`Context.link`.
* :class:`Script` (``pool.compile``: bytecode loaded by many contexts) and
  :class:`Modules` (where ``import`` finds ES modules).
* The error hierarchy under :class:`ActorsError`.
* ``actors._binding`` (private): the only door to the native pump in
  ``actors._native`` (C, built with cffi from ``native/``).
"""

from actors._binding import engine_version
from actors.context import Context
from actors.errors import (
    ActorsError,
    ContextDeadError,
    ConversionError,
    EvalTimeoutError,
    JSError,
    LimitError,
    MailboxFullError,
    MemoryLimitError,
    ReductionLimitError,
    ResultTooLargeError,
    SelectorError,
)
from actors.modules import Modules
from actors.pool import ContextPool
from actors.scripts import Script
from actors.supervision import Supervisor

__all__ = [
    "ActorsError",
    "Context",
    "ContextDeadError",
    "ContextPool",
    "ConversionError",
    "EvalTimeoutError",
    "JSError",
    "LimitError",
    "MailboxFullError",
    "MemoryLimitError",
    "Modules",
    "ReductionLimitError",
    "ResultTooLargeError",
    "Script",
    "SelectorError",
    "Supervisor",
    "engine_version",
]

__version__ = "0.1.0"
