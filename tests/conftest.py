"""Shared fixtures: the pool mode every test runs in, a small pool per test, a
bare context on it, contexts with API groups (``group_context``, ``dom``),
supervisors (``make_sup``), a process-mode pool (``ppool``) and the URL of a
module's loopback ``server``.

Every test runs twice: with pools in this process (thread mode) and with
pools whose contexts live in worker processes (process mode). The mode is
the ``ACTORS_PROCESSES`` default that ``ContextPool()`` reads, so tests that
build their own pools follow it too; a test pinned to one mode says so
with ``@pytest.mark.thread_only`` (and why).
"""

from __future__ import annotations

import os
import signal
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from servers import LoopbackServer

import actors

MODES = {"threads": "0", "processes": "2"}

# A run started in the background of a non-interactive shell inherits SIGINT
# ignored, and Python then never turns Ctrl-C (or _thread.interrupt_main)
# into KeyboardInterrupt: the tests that play a Ctrl-C need the default, and
# the child processes they start inherit it from here.
if signal.getsignal(signal.SIGINT) is signal.SIG_IGN:
    signal.signal(signal.SIGINT, signal.default_int_handler)


@pytest.fixture(scope="session", params=list(MODES), autouse=True)
def pool_mode(request: pytest.FixtureRequest) -> Iterator[str]:
    """``"threads"`` or ``"processes"``: how every ``ContextPool()`` of the test runs."""
    old = os.environ.get("ACTORS_PROCESSES")
    os.environ["ACTORS_PROCESSES"] = MODES[request.param]
    try:
        yield request.param
    finally:
        if old is None:
            os.environ.pop("ACTORS_PROCESSES", None)
        else:
            os.environ["ACTORS_PROCESSES"] = old


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    # Tests marked mode_independent never build a pool: their process-mode copy would
    # only repeat them.
    keep: list[pytest.Item] = []
    drop: list[pytest.Item] = []
    for item in items:
        callspec = getattr(item, "callspec", None)
        mode = callspec.params.get("pool_mode") if callspec is not None else None
        (drop if mode == "processes" and item.get_closest_marker("mode_independent") else keep).append(item)
    if drop:
        config.hook.pytest_deselected(items=drop)
        items[:] = keep


@pytest.fixture(autouse=True)
def _mode_marks(request: pytest.FixtureRequest, pool_mode: str) -> None:
    mark = request.node.get_closest_marker("thread_only")
    if mark is not None and pool_mode != "threads":
        pytest.skip(f"thread mode only: {mark.args[0] if mark.args else 'in-process behaviour'}")


def _stopped_after(p: actors.ContextPool) -> Iterator[actors.ContextPool]:
    try:
        yield p
    finally:
        p.stop()


@pytest.fixture
def pool(pool_mode: str) -> Iterator[actors.ContextPool]:
    """A two-thread pool, stopped (with every context on it) after the test."""
    yield from _stopped_after(actors.ContextPool(size=2))


@pytest.fixture
def ctx(pool: actors.ContextPool) -> Iterator[actors.Context]:
    """A bare context (``apis=None``: engine, ``Host``, timers) on ``pool``."""
    c = pool.spawn(apis=None)
    try:
        yield c
    finally:
        c.stop()


@pytest.fixture
def group_context(pool: actors.ContextPool) -> Iterator[Callable[..., actors.Context]]:
    """Spawns contexts with API groups on ``pool``: ``group_context("fetch", setup=JS, **spawn_options)``.

    ``setup`` (JS) runs in the new context before it is handed out. Every context
    made is stopped after the test, before the pool is.
    """
    made: list[actors.Context] = []

    def spawn(*groups: str, setup: str | None = None, **options: Any) -> actors.Context:
        c = pool.spawn(apis=list(groups), **options)
        made.append(c)
        if setup is not None:
            c.eval(setup)
        return c

    try:
        yield spawn
    finally:
        for c in made:
            c.stop()


@pytest.fixture
def make_sup(pool: actors.ContextPool) -> Iterator[Callable[..., actors.Supervisor]]:
    """Supervisors for one test; stopped (with their children) after it, before the pool is."""
    made: list[actors.Supervisor] = []

    def make(*args: Any, **kwargs: Any) -> actors.Supervisor:
        sup = actors.Supervisor(*args, **kwargs)
        made.append(sup)
        return sup

    yield make
    for sup in reversed(made):
        sup.stop()


@pytest.fixture
def dom(group_context: Callable[..., actors.Context]) -> actors.Context:
    """A context with only the ``dom`` group (and ``events``, which it needs)."""
    return group_context("dom")


@pytest.fixture
def base(server: LoopbackServer) -> str:
    """The URL of the module's loopback ``server`` fixture (see tests/servers.py)."""
    return server.base


@pytest.fixture
def ppool() -> Iterator[actors.ContextPool]:
    """A process-mode pool (two worker processes, whatever ``pool_mode`` says) for
    tests about what only process mode does; stopped after the test."""
    yield from _stopped_after(actors.ContextPool(size=2, processes=2))
