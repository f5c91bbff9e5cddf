"""Shared fixtures: a small pool per test and a bare context on it."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

import actors


@pytest.fixture
def pool() -> Iterator[actors.ContextPool]:
    """A two-thread pool, stopped (with every context on it) after the test."""
    p = actors.ContextPool(size=2)
    try:
        yield p
    finally:
        p.stop()


@pytest.fixture
def ctx(pool: actors.ContextPool) -> Iterator[actors.Context]:
    """A bare context (``apis=None``: engine, ``Host``, timers) on ``pool``."""
    c = pool.spawn(apis=None)
    try:
        yield c
    finally:
        c.stop()
