"""The ``python -m actors demo`` walkthrough: the library's main job, checked.

It starts a pool, spawns many bare contexts with their own globals, then shows
isolation, every limit firing with the context surviving it, host handlers,
messaging both ways, the absence of head-of-line blocking, memory per context
and, when available, a supervised restart. Each step is a check; a table of
them closes the run, and the exit code is 0 only when none failed.
"""

from __future__ import annotations

import asyncio
import os
import queue
import statistics
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TextIO, TypeVar

import psutil  # type: ignore[import-untyped,unused-ignore]

import actors

PASSED = "pass"
FAILED = "FAIL"
SKIPPED = "skip"

_E = TypeVar("_E", bound=BaseException)

_BAR_WIDTH = 30
_KIB = 1024
_MIB = 1024 * 1024


class CheckFailedError(Exception):
    """A demo check saw something other than what the contract promises."""


class CheckSkippedError(Exception):
    """A demo check cannot run in this setup (reason in the message)."""


@dataclass(frozen=True)
class CheckResult:
    """The outcome of one demo check.

    Attributes:
        name: Short name of the check.
        result: ``PASSED``, ``FAILED`` or ``SKIPPED``.
        detail: What was measured, or why it failed or was skipped.
    """

    name: str
    result: str
    detail: str


class Progress:
    """A text progress bar that degrades to milestone lines off a terminal."""

    def __init__(self, label: str, total: int, stream: TextIO | None = None) -> None:
        """Creates the bar.

        Args:
            label: Text shown before the bar.
            total: The count at which the work is done.
            stream: Where to draw; stderr by default.
        """
        self._label = label
        self._total = max(total, 1)
        self._stream = stream if stream is not None else sys.stderr
        self._tty = self._stream.isatty()
        self._shown = -1

    def update(self, done: int) -> None:
        """Redraws the bar (at most once per percent) or prints a milestone.

        Args:
            done: How many units are done.
        """
        percent = min(done * 100 // self._total, 100)
        if self._tty:
            if percent != self._shown:
                self._shown = percent
                filled = percent * _BAR_WIDTH // 100
                bar = "#" * filled + "." * (_BAR_WIDTH - filled)
                self._stream.write(f"\r{self._label} [{bar}] {done}/{self._total} {percent:3d}%")
                self._stream.flush()
            return
        milestone = percent // 25 * 25
        if milestone > max(self._shown, 0):
            self._shown = milestone
            print(
                f"{self._label}: {done}/{self._total} ({milestone}%)",
                file=self._stream,
                flush=True,
            )

    def close(self) -> None:
        """Ends the bar's line on a terminal."""
        if self._tty:
            self._stream.write("\n")
            self._stream.flush()


def _expect(condition: bool, message: str) -> None:
    """Fails the current check unless the condition holds.

    Args:
        condition: What the contract promises.
        message: What was seen instead.

    Raises:
        CheckFailedError: If the condition is false.
    """
    if not condition:
        raise CheckFailedError(message)


def _ms_since(start: float) -> float:
    """Returns the milliseconds elapsed since a ``time.perf_counter()`` value.

    Args:
        start: The start time.

    Returns:
        Elapsed milliseconds.
    """
    return (time.perf_counter() - start) * 1000.0


def _expect_error(call: Callable[[], object], expected: type[_E]) -> tuple[_E, float]:
    """Runs a call that must raise a given error.

    Args:
        call: The call.
        expected: The exception type it must raise.

    Returns:
        The error and the milliseconds until it was raised.

    Raises:
        CheckFailedError: If the call returned instead.
    """
    start = time.perf_counter()
    try:
        value = call()
    except expected as error:
        return error, _ms_since(start)
    raise CheckFailedError(f"expected {expected.__name__}, got the value {value!r}")


def _expect_survives(ctx: actors.Context) -> None:
    """Checks that a context still evaluates after an error.

    Args:
        ctx: The context.

    Raises:
        CheckFailedError: If it is dead or answers wrongly.
    """
    _expect(ctx.alive, "the context died")
    value = ctx.eval("1 + 1")
    _expect(value == 2, f"1 + 1 gave {value!r} afterwards")


def format_table(results: list[CheckResult]) -> str:
    """Formats check results as an aligned plain-text table.

    Args:
        results: The checks, in run order.

    Returns:
        The table: a header, a rule, one row per check.
    """
    rows = [("check", "result", "detail")]
    rows += [(r.name, r.result, r.detail) for r in results]
    name_width = max(len(row[0]) for row in rows)
    result_width = max(len(row[1]) for row in rows)
    lines = [
        f"{name:<{name_width}} | {result:<{result_width}} | {detail}".rstrip()
        for name, result, detail in rows
    ]
    lines.insert(1, f"{'-' * name_width}-+-{'-' * result_width}-+-{'-' * 40}")
    return "\n".join(lines)


def _add(a: float, b: float) -> float:
    """Handler: adds two numbers."""
    return a + b


def _greet(name: str) -> str:
    """Handler: greets someone."""
    return f"hello, {name}"


async def _double_later(x: float) -> float:
    """Async handler: doubles a number after a short sleep."""
    await asyncio.sleep(0.01)
    return x * 2


def _fail() -> None:
    """Handler: always raises."""
    raise ValueError("boom")


class _Demo:
    """Runs the checks against one pool and collects their results."""

    def __init__(self, contexts: int, threads: int) -> None:
        """Prepares the demo.

        Args:
            contexts: How many bare contexts to spawn.
            threads: Native worker threads of the pool.
        """
        self.count = contexts
        self.threads = threads
        self.results: list[CheckResult] = []
        self.ctxs: list[actors.Context] = []
        self.pool: actors.ContextPool | None = None
        self.process = psutil.Process()
        self.rss_before = 0
        self.rss_after = 0

    # -- plumbing ---------------------------------------------------------

    def check(self, name: str, body: Callable[[], str]) -> None:
        """Runs one check and records its result.

        Args:
            name: Short name of the check.
            body: Returns the detail text; raises to fail or skip.
        """
        try:
            result, detail = PASSED, body()
        except CheckSkippedError as error:
            result, detail = SKIPPED, str(error)
        except CheckFailedError as error:
            result, detail = FAILED, str(error)
        except Exception as error:  # any surprise fails the check
            result, detail = FAILED, f"{type(error).__name__}: {error}"
        self.results.append(CheckResult(name, result, detail))
        print(f"  [{result}] {name}", flush=True)

    def spawn(self, **options: Any) -> actors.Context:
        """Spawns a dedicated context on the demo's pool.

        Args:
            **options: Keyword arguments for ``pool.spawn``.

        Returns:
            The new context.

        Raises:
            CheckFailedError: If the pool is not running.
        """
        if self.pool is None:
            raise CheckFailedError("the pool did not start")
        return self.pool.spawn(**options)

    def sibling(self, index: int) -> actors.Context:
        """Returns one of the spawned bare contexts.

        Args:
            index: Its position (negative counts from the end).

        Returns:
            The context.

        Raises:
            CheckFailedError: If too few contexts were spawned.
        """
        if len(self.ctxs) < 2:
            raise CheckFailedError("too few contexts were spawned")
        return self.ctxs[index]

    # -- checks -----------------------------------------------------------

    def spawn_all(self) -> str:
        """Spawns the bare contexts, each with its own ``id`` global."""
        progress = Progress("spawning contexts", self.count)
        start = time.perf_counter()
        try:
            for i in range(self.count):
                ctx = self.spawn(apis=None)
                ctx.set_global("id", i)
                self.ctxs.append(ctx)
                progress.update(i + 1)
        finally:
            progress.close()
        elapsed = _ms_since(start)
        self.rss_after = self.process.memory_info().rss
        return (
            f"{self.count} bare contexts in {elapsed / 1000:.2f} s "
            f"({elapsed / self.count:.3f} ms each) on {self.threads} threads"
        )

    def own_globals(self) -> str:
        """Checks that every context answers with its own ``id``."""
        _expect(len(self.ctxs) == self.count, "not every context was spawned")
        wrong = 0
        start = time.perf_counter()
        for i, ctx in enumerate(self.ctxs):
            if ctx.eval("id * 2") != i * 2:
                wrong += 1
        elapsed = _ms_since(start)
        _expect(wrong == 0, f"{wrong} of {self.count} contexts gave another id")
        return (
            f"each of {self.count} contexts returned its own id * 2 "
            f"({elapsed * 1000 / self.count:.0f} us per eval)"
        )

    def memory(self) -> str:
        """Reports resident memory per context and one context's heap."""
        _expect(len(self.ctxs) == self.count, "not every context was spawned")
        usage = self.ctxs[0].memory_usage()
        _expect(
            "malloc_size" in usage and "memory_limit" in usage,
            f"memory_usage() lacks malloc_size/memory_limit: {usage!r}",
        )
        grown = self.rss_after - self.rss_before
        return (
            f"RSS +{grown / _MIB:.1f} MB = {grown / self.count / _KIB:.1f} KB per "
            f"context; one heap: {usage['malloc_size'] / _KIB:.1f} KB"
        )

    def isolation(self) -> str:
        """Checks that one context's global is invisible to another."""
        first, second = self.sibling(0), self.sibling(1)
        first.eval("globalThis.secret = 'hunter2'")
        _expect(first.eval("secret") == "hunter2", "ctx 0 lost its own global")
        seen = second.eval("typeof globalThis.secret")
        _expect(seen == "undefined", f"ctx 1 sees secret as {seen!r}")
        return "ctx 0 set globalThis.secret; in ctx 1 typeof secret === 'undefined'"

    def memory_limit(self) -> str:
        """Checks ``memory_limit``: MemoryLimitError, then the context lives."""
        limit = 8 * _MIB
        ctx = self.spawn(apis=None, memory_limit=limit, timeout=10.0)
        _, elapsed = _expect_error(lambda: ctx.eval("'x'.repeat(2 ** 26).length"), actors.MemoryLimitError)
        _expect_survives(ctx)
        heap = ctx.memory_usage()["malloc_size"]
        _expect(heap <= limit, f"heap {heap} B is over the {limit} B limit")
        return (
            f"64 MB string in an 8 MB heap -> MemoryLimitError in {elapsed:.0f} ms; "
            f"1 + 1 = 2 after (heap {heap / _KIB:.0f} KB)"
        )

    def reduction_limit(self) -> str:
        """Checks ``max_reductions``: uncatchable ReductionLimitError, then lives."""
        ctx = self.spawn(apis=None, max_reductions=2_000, timeout=10.0)
        _, elapsed = _expect_error(lambda: ctx.eval("while (true) {}"), actors.ReductionLimitError)
        _expect_error(
            lambda: ctx.eval("try { while (true) {} } catch (e) { 'caught' }"),
            actors.ReductionLimitError,
        )
        _expect_survives(ctx)
        return (
            f"while(true){{}} with 2,000 reductions -> ReductionLimitError in "
            f"{elapsed:.0f} ms; JS try/catch cannot stop it; 1 + 1 = 2 after"
        )

    def timeout_busy(self) -> str:
        """Checks the context's default ``timeout`` on a busy loop."""
        ctx = self.spawn(apis=None, timeout=0.25)
        error, elapsed = _expect_error(lambda: ctx.eval("for (;;) {}"), actors.EvalTimeoutError)
        _expect(isinstance(error, TimeoutError), "not a builtin TimeoutError")
        _expect_survives(ctx)
        return f"for(;;){{}} with timeout=0.25 -> EvalTimeoutError in {elapsed:.0f} ms; 1 + 1 = 2 after"

    def timeout_await(self) -> str:
        """Checks a per-call ``timeout`` while awaiting a timer."""
        ctx = self.spawn(apis=["timers"], timeout=10.0)
        _, elapsed = _expect_error(
            lambda: ctx.eval("await new Promise(r => setTimeout(r, 10000))", timeout=0.25),
            actors.EvalTimeoutError,
        )
        _expect_survives(ctx)
        return (
            f"awaiting a 10 s setTimeout with eval(timeout=0.25) -> EvalTimeoutError "
            f"in {elapsed:.0f} ms; 1 + 1 = 2 after"
        )

    def stack_limit(self) -> str:
        """Checks deep recursion: a RangeError in JS, a JSError in Python."""
        ctx = self.spawn(apis=None, max_stack_size=256 * _KIB, timeout=10.0)
        recurse = "function down(n) { return down(n + 1) + 1 }\n"
        error, elapsed = _expect_error(lambda: ctx.eval(recurse + "down(0)"), actors.JSError)
        _expect(error.name == "RangeError", f"got {error.name}: {error.message}")
        caught = ctx.eval(recurse + "try { down(0); false } catch (e) { e instanceof RangeError }")
        _expect(caught is True, f"JS could not catch the RangeError: {caught!r}")
        _expect_survives(ctx)
        return (
            f"unbounded recursion -> JSError RangeError in {elapsed:.0f} ms; catchable in JS; 1 + 1 = 2 after"
        )

    def handlers(self) -> str:
        """Checks Python handlers called through Host.callSync and Host.call."""
        ctx = self.spawn(
            apis=None,
            timeout=10.0,
            handlers={"add": _add, "greet": _greet, "double_later": _double_later},
        )
        total = ctx.eval("Host.callSync('add', 2, 3)")
        _expect(total == 5, f"Host.callSync('add', 2, 3) gave {total!r}")
        greeting = ctx.eval("await Host.call('greet', 'world')")
        _expect(greeting == "hello, world", f"Host.call('greet') gave {greeting!r}")
        doubled = ctx.eval("await Host.call('double_later', 21)")
        _expect(doubled == 42, f"Host.call('double_later', 21) gave {doubled!r}")
        return (
            f"callSync add(2, 3) = {total}; call greet -> {greeting!r}; "
            f"async def double_later(21) -> {doubled}"
        )

    def handler_error(self) -> str:
        """Checks that a failing handler rejects the JS promise with an Error."""
        ctx = self.spawn(apis=None, timeout=10.0, handlers={"fail": _fail})
        message = ctx.eval(
            "try { await Host.call('fail'); 'no error' }"
            " catch (e) { e instanceof Error ? e.message : 'not an Error: ' + e }"
        )
        _expect(
            isinstance(message, str) and "boom" in message,
            f"JS saw {message!r} instead of the handler's ValueError",
        )
        return f"handler raised ValueError('boom'); JS caught Error {message!r}"

    def messaging(self) -> str:
        """Checks ctx.send -> Host.onMessage and Host.send -> on_message."""
        inbox: queue.Queue[Any] = queue.Queue()
        ctx = self.spawn(apis=None, timeout=10.0)
        ctx.on_message(inbox.put)
        ctx.eval("Host.send('hello from js')")
        first = inbox.get(timeout=5.0)
        _expect(first == "hello from js", f"on_message got {first!r}")
        ctx.eval("Host.onMessage(m => Host.send({echo: m.n * 2}))")
        start = time.perf_counter()
        ctx.send({"n": 21})
        reply = inbox.get(timeout=5.0)
        elapsed = _ms_since(start)
        _expect(reply == {"echo": 42}, f"the echo was {reply!r}")
        return f"Host.send -> on_message; send({{n: 21}}) -> Host.onMessage -> {reply!r} in {elapsed:.2f} ms"

    def head_of_line(self) -> str:
        """Checks that a spinning context does not delay a sibling."""
        if self.threads < 2:
            raise CheckSkippedError("needs a pool of 2 or more threads")
        spin_seconds = 0.8
        spinner = self.spawn(apis=None, timeout=spin_seconds)
        sibling = self.sibling(-1)
        expected = sibling.eval("id") + 1
        outcome: list[object] = []

        def spin() -> None:
            try:
                outcome.append(spinner.eval("for (;;) {}"))
            except Exception as error:  # recorded and checked below
                outcome.append(error)

        thread = threading.Thread(target=spin, name="demo-spinner", daemon=True)
        thread.start()
        time.sleep(0.05)  # let the spinner take its worker thread
        latencies: list[float] = []
        deadline = time.perf_counter() + 0.3
        while time.perf_counter() < deadline:
            start = time.perf_counter()
            value = sibling.eval("id + 1")
            latencies.append(_ms_since(start))
            _expect(value == expected, f"the sibling answered {value!r}")
            time.sleep(0.002)
        still_spinning = thread.is_alive()
        thread.join(spin_seconds + 5.0)
        _expect(bool(outcome), "the spinning eval never returned")
        _expect(
            isinstance(outcome[0], actors.EvalTimeoutError),
            f"the spinner ended with {outcome[0]!r}, not EvalTimeoutError",
        )
        _expect(still_spinning, "the spinner stopped before the sibling was measured")
        worst = max(latencies)
        _expect(worst < 100.0, f"the sibling waited up to {worst:.1f} ms")
        return (
            f"while one ctx spun {spin_seconds:.1f} s, a sibling answered "
            f"{len(latencies)} evals: median {statistics.median(latencies):.2f} ms, "
            f"max {worst:.2f} ms"
        )

    def supervision(self) -> str:
        """Checks a permanent child being killed and restarted, if available."""
        supervisor_type: Any = getattr(actors, "Supervisor", None)
        if supervisor_type is None:
            raise CheckSkippedError("actors.Supervisor is not available in this build")

        def make_room() -> actors.Context:
            room = self.spawn(apis=None, timeout=10.0)
            room.eval("var visits = 0; function visit() { return ++visits }")
            return room

        sup = supervisor_type(strategy="one_for_one", max_restarts=3, max_seconds=5.0)
        try:
            first = sup.start_child("room", make_room, restart="permanent")
            first.call("visit")
            visits = first.call("visit")
            _expect(visits == 2, f"visit() gave {visits!r}")
            kill = getattr(first, "kill", None)
            how = "kill()" if callable(kill) else "stop()"
            start = time.perf_counter()
            (kill if callable(kill) else first.stop)()
            current: Any = None
            deadline = time.perf_counter() + 5.0
            while time.perf_counter() < deadline:
                current = sup.child("room")
                if current is not None and current is not first and current.alive:
                    break
                time.sleep(0.005)
            else:
                raise CheckFailedError("the room was not restarted within 5 s")
            elapsed = _ms_since(start)
            _expect(not first.alive, "the killed incarnation is still alive")
            fresh = current.call("visit")
            _expect(fresh == 1, f"the restarted room's visit() gave {fresh!r}")
        finally:
            sup.stop()
        return (
            f"permanent child 'room' ended by {how}, restarted in {elapsed:.0f} ms; "
            "the new incarnation answers visit() = 1"
        )

    def dom(self) -> str:
        """A DOM built by JS, read from Python without running JS."""
        ctx = self.spawn(apis=["dom"])
        ctx.eval(
            "document.body.innerHTML = '<ul id=todo><li>write</li><li class=done>test</li></ul>';"
            "document.querySelector('#todo').append(Object.assign(document.createElement('li'),"
            " {textContent: 'ship <it>'}));"
        )
        items = ctx.dom_find_all("#todo > li")
        _expect(len(items) == 3, f"expected 3 items, got {items!r}")
        _expect(ctx.dom_text("li.done") == "test", "dom_text('li.done') is not 'test'")
        html = ctx.dom_html()
        _expect("ship &lt;it&gt;" in html, "text was not escaped in dom_html()")
        return f"3 <li> built in JS; dom_find_all/dom_text/dom_html read them from Python: {items[2]!r}"

    def crash_containment(self) -> str:
        """Process mode: a segfault kills one worker process, nothing else."""
        from actors.testing import crash_worker, worker_pid

        with actors.ContextPool(size=2, processes=2) as pool:
            doomed = pool.spawn(apis=None, name="doomed", restart="permanent")
            sibling = pool.spawn(apis=None)
            _expect(worker_pid(doomed) != worker_pid(sibling), "both contexts landed on one process")
            sibling.eval("globalThis.n = 41")
            start = time.perf_counter()
            crash_worker(doomed, "segfault")
            _, _ = _expect_error(lambda: doomed.eval("for (;;) {}", timeout=10), actors.ContextDeadError)
            _expect(doomed.wait(5) and doomed.exit_reason == "crashed", f"exit reason {doomed.exit_reason!r}")
            deadline = time.monotonic() + 10
            while (again := pool.whereis("doomed")) is None or again is doomed:
                _expect(time.monotonic() < deadline, "the crashed context was not restarted")
                time.sleep(0.005)
            elapsed = _ms_since(start)
            _expect(again.eval("6 * 7") == 42, "the restarted context does not answer")
            _expect(sibling.eval("n + 1") == 42, "the sibling on the other process lost its state")
        return (
            f"worker process segfaulted: its call failed (crashed), context restarted in {elapsed:.0f} ms "
            "on a live process; the sibling on the other process kept its state"
        )

    # -- driver -----------------------------------------------------------

    def run(self) -> None:
        """Starts the pool, runs every check and stops the pool."""
        start = time.perf_counter()
        try:
            self.pool = actors.ContextPool(size=self.threads)
        except Exception as error:  # reported as a failed check
            self.results.append(CheckResult("start pool", FAILED, f"{type(error).__name__}: {error}"))
            return
        self.results.append(
            CheckResult(
                "start pool",
                PASSED,
                f"{self.threads} threads in {_ms_since(start):.1f} ms",
            )
        )
        try:
            self.rss_before = self.process.memory_info().rss
            self.check(f"spawn {self.count} contexts", self.spawn_all)
            self.check("own globals", self.own_globals)
            self.check("memory per context", self.memory)
            self.check("isolation", self.isolation)
            print("limits: each fires, the context survives", flush=True)
            self.check("memory_limit", self.memory_limit)
            self.check("max_reductions", self.reduction_limit)
            self.check("timeout (busy loop)", self.timeout_busy)
            self.check("timeout (await)", self.timeout_await)
            self.check("max_stack_size", self.stack_limit)
            print("host bridge and scheduling", flush=True)
            self.check("host handlers", self.handlers)
            self.check("handler error", self.handler_error)
            self.check("messaging", self.messaging)
            self.check("head-of-line", self.head_of_line)
            self.check("supervision", self.supervision)
            print("DOM and crash containment", flush=True)
            self.check("dom", self.dom)
            self.check("crash containment", self.crash_containment)
        finally:
            self.check("shutdown", self.shutdown)

    def shutdown(self) -> str:
        """Stops the pool and every context in it."""
        if self.pool is None:
            raise CheckFailedError("the pool did not start")
        count = len(self.ctxs)
        start = time.perf_counter()
        self.pool.stop()
        elapsed = _ms_since(start)
        alive = sum(1 for ctx in self.ctxs if ctx.alive)
        _expect(alive == 0, f"{alive} contexts still alive after pool.stop()")
        return f"pool.stop() ended {count}+ contexts in {elapsed:.0f} ms"


def run_demo(contexts: int, threads: int | None) -> int:
    """Runs the demo and prints its summary table.

    Args:
        contexts: How many bare contexts to spawn (at least 2).
        threads: Native worker threads; the CPU count if None.

    Returns:
        0 when every check passed (skips allowed), 1 otherwise.
    """
    size = threads if threads is not None else (os.cpu_count() or 2)
    print(
        f"actors demo: {contexts} contexts on {size} native threads (pid {os.getpid()})",
        flush=True,
    )
    demo = _Demo(contexts=max(contexts, 2), threads=size)
    started = time.perf_counter()
    demo.run()
    elapsed = time.perf_counter() - started

    print()
    print(format_table(demo.results))
    failed = [r for r in demo.results if r.result == FAILED]
    skipped = [r for r in demo.results if r.result == SKIPPED]
    total = len(demo.results)
    note = f" ({len(skipped)} skipped)" if skipped else ""
    if failed:
        print(f"\ndemo: {len(failed)} of {total} checks FAILED{note} in {elapsed:.1f} s")
        return 1
    print(f"\ndemo: all {total - len(skipped)} checks passed{note} in {elapsed:.1f} s")
    return 0
