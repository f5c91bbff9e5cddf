"""Polling with a deadline: how tests wait for something that happens on another thread.

``wait_for`` returns what it waited for or fails the test at the deadline;
``wait_until`` answers True or False, for tests that assert on it themselves.
Neither is a way to check that something did NOT happen: for that, wait for a
later event that cannot come first (a marker sent after, a barrier the other
side passes) and then look.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any, TypeVar

import pytest

import actors

T = TypeVar("T")

WAIT = 5.0  # upper bound for anything that should happen promptly


def _poll(predicate: Callable[[], T], timeout: float, interval: float) -> T:
    """``predicate()``'s first truthy value, or its last (falsy) value once ``timeout`` s have passed."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value or time.monotonic() > deadline:
            return value
        time.sleep(interval)


def wait_until(predicate: Callable[[], bool], timeout: float = WAIT, interval: float = 0.005) -> bool:
    """True as soon as ``predicate()`` is; False if it is still false after ``timeout`` s."""
    return bool(_poll(predicate, timeout, interval))


def wait_for(
    predicate: Callable[[], T],
    timeout: float = WAIT,
    what: str | Callable[[], str] = "condition",
    interval: float = 0.005,
) -> T:
    """``predicate()``'s first truthy value; fails the test (saying ``what``) after ``timeout`` s.

    ``what`` may be a callable, called only on failure, to describe the state then.
    """
    value = _poll(predicate, timeout, interval)
    if not value:
        pytest.fail(f"timed out after {timeout} s waiting for {what() if callable(what) else what}")
    return value


def wait_js(ctx: actors.Context, expr: str, timeout: float = WAIT, show: str | None = None) -> Any:
    """The first truthy value of the JS ``expr`` in ``ctx``; fails the test after ``timeout`` s
    (with the value of the JS ``show``, if given, to tell what the context saw)."""

    def state() -> str:
        return expr if show is None else f"{expr}; {show} = {ctx.eval(show)!r}"

    return wait_for(lambda: ctx.eval(expr), timeout, what=state)
