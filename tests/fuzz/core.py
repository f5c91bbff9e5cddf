"""What every target shares: the case environment, findings, typed-error checks."""

from __future__ import annotations

import os
import random
import reprlib
import time
from collections.abc import Callable
from typing import Any

import actors

# Errors a case may end in: the library's typed errors. Argument validation
# on the host (ValueError/TypeError before anything reaches a context) is the
# caller's bug, not the context's, but a target only passes valid options.
TYPED = (actors.ActorsError,)
# Seconds past an operation's timeout before it counts as a limit not
# holding. Under ASan (LD_PRELOAD set by the runner) the engine runs 3-5x
# slower and a builtin's single long step (JSON.parse of a big string, a
# typed-array sort) overruns by that much more; a real hang is still caught
# by the case deadline.
GRACE = 12.0 if os.environ.get("LD_PRELOAD") else 3.0


_REPR = reprlib.Repr()
_REPR.maxlevel = 4
_REPR.maxstring = 80
_REPR.maxother = 80
_REPR.maxlist = _REPR.maxdict = 6


def short(value: Any) -> str:
    """A bounded repr (values here can be 5,000 deep or megabytes long)."""
    try:
        return _REPR.repr(value)
    except Exception as exc:
        return f"<unrepresentable {type(value).__name__}: {type(exc).__name__}>"


class Finding(Exception):
    """A property a target checks does not hold (the child records it and goes on)."""

    def __init__(self, kind: str, detail: str) -> None:
        super().__init__(f"{kind}: {detail}")
        self.kind = kind
        self.detail = detail


def typed(fn: Callable[[], Any], what: str) -> tuple[Any, BaseException | None]:
    """Run ``fn``; a non-typed exception is a finding, a typed one is returned."""
    try:
        return fn(), None
    except TYPED as exc:
        return None, exc
    except Exception as exc:
        raise Finding("untyped-error", f"{what}: {type(exc).__name__}: {short(exc)}") from exc


def timed(fn: Callable[[], Any], what: str, limit: float) -> tuple[Any, BaseException | None]:
    """``typed`` plus: returning later than ``limit`` seconds is a finding (a limit did not hold)."""
    t0 = time.monotonic()
    result = typed(fn, what)
    took = time.monotonic() - t0
    if took > limit:
        raise Finding("limit-overrun", f"{what}: took {took:.1f} s, allowed {limit:.1f} s")
    return result


class Env:
    """One pool per slice, a sibling context that must keep answering, and
    whatever contexts a target spawns (stopped after each case unless kept)."""

    def __init__(self, processes: int = 0) -> None:
        self.processes = processes
        self.pool = actors.ContextPool(size=2, processes=processes)
        self.sibling = self.pool.spawn(apis=None, timeout=10.0)
        self.state: dict[str, Any] = {}  # per-target state that outlives a case

    def check_sibling(self) -> None:
        got, exc = typed(lambda: self.sibling.eval("40 + 2", timeout=10.0), "sibling eval")
        if got != 42:
            raise Finding("sibling-stopped-answering", f"sibling eval gave {got!r} / {exc!r}")

    def check_answers(self, ctx: actors.Context, what: str = "context") -> bool:
        """The context answers a trivial eval, or it has exited (False): anything else is a finding."""
        got, exc = typed(lambda: ctx.eval("1 + 1", timeout=10.0), f"{what}: eval after the case")
        if got == 2:
            return True
        if isinstance(exc, actors.ContextDeadError):
            if getattr(exc, "reason", None) == "crashed":
                raise Finding("worker-crashed", f"{what}: {exc}")
            return False
        if isinstance(exc, actors.LimitError):
            raise Finding("limit-leaked-into-next-operation", f"{what}: 1 + 1 raised {exc!r}")
        raise Finding("context-stopped-answering", f"{what}: 1 + 1 gave {got!r} / {exc!r}")

    def close(self) -> None:
        self.pool.stop()


def choice_weighted(rng: random.Random, table: list[tuple[int, Any]]) -> Any:
    total = sum(w for w, _ in table)
    x = rng.randrange(total)
    for w, item in table:
        if x < w:
            return item
        x -= w
    raise AssertionError("unreachable")
