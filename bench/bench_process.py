"""Process mode: round trip, crash detection to replacement, and a crash soak.

Run from the repository root::

    python bench/bench_process.py            # full run, about 80 s on 2 cores
    python bench/bench_process.py --quick    # smoke run, about 15-25 s
    python bench/bench_process.py --only 2   # some sections only (1: round trip,
                                             # 2: detection to replacement, 3: soak)

1. **Round trip.** ``ctx.eval("1")``, ``ctx.call("f", 1)`` and a
   ``Host.callSync`` round trip (JS -> Python handler -> JS, timed inside JS
   with ``performance.now()``) in thread mode (``processes=0``) and process
   mode (``processes=1`` and ``2``), with ``quickjs`` (QuickJS-NG bindings)
   and ``py_mini_racer`` (V8) as reference lines. All five run in this one
   process, their samples interleaved in rounds so that a burst of load from
   elsewhere hits every column alike. Target: process-mode eval p50 <= 40 us.
   A process-mode round trip is mostly thread wake-ups (about five, two
   processes apart, against two in thread mode); on a VM they cost much
   more when the other cores are idle than when they are busy, so the
   figure can be *lower* on a loaded machine. The header says how much CPU
   other processes used in each section.
2. **Detection to replacement.** A pool of 4 worker processes holds 400
   supervised contexts (``restart="permanent"``, a ``name=`` and a
   ``script=`` that sets a global), 100 per process. One process is made to
   segfault; timed from the injection: every one of its 100 contexts exited
   with reason ``crashed`` (detection), all 100 restarted incarnations
   (``pool.whereis``) answered ``eval`` with their script's global set
   (replacement), and the pool is back to 4 live processes. A fresh pool per
   trial. Target: replacement p99 <= 1 s.
3. **Soak.** 1,000 crashes (``--quick``: 50) of random kinds injected into
   the worker processes of an 8-process pool, one at a time, while a
   sentinel context on a process that is never crashed keeps answering.
   Afterwards: every crash detected, no leaked or zombie process, no leaked
   file descriptor.

Core dumps are switched off for this process and its children
(``RLIMIT_CORE`` = 0): the soak measures crash handling, not a core dump
writer. The ``actors`` logger (one error per lost process, one warning per
lost context) is captured and counted instead of printed.
"""

from __future__ import annotations

import argparse
import asyncio
import importlib
import json
import logging
import os
import random
import resource
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import psutil
from _util import add_quick_flag, fmt_ns, percentile, print_table, sample_ns, settle
from bench_core import _identity, _miniracer_async_callback, load_actors, load_quickjs

RT_TARGET_P50_NS = 40_000
FAILOVER_TARGET_P99_NS = 1_000_000_000
# Descriptors allowed to differ between the start and the end of the soak.
# The parent holds, per worker process, its end of the socket pair and the
# multiprocessing sentinel; with the same number of live workers at both
# readings nothing else should differ, so no slack is granted.
FD_TOLERANCE = 0

clock = time.perf_counter_ns


# --------------------------------------------------------------------------
# parameters, logging
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class Params:
    """Sizes of every measure; ``quick`` shrinks them."""

    quick: bool
    rt_samples: int  # eval / call samples per column
    rt_samples_mr: int  # the same for mini-racer (slower per call)
    rt_rounds: int  # interleaving rounds
    cb_samples: int  # Host.callSync samples per column
    fail_trials: int
    fail_processes: int
    fail_per_process: int
    soak_crashes: int
    soak_processes: int
    soak_per_process: int
    soak_baseline: float  # seconds of sentinel evals before the first crash
    seed: int

    @classmethod
    def make(cls, quick: bool, trials: int | None, crashes: int | None, seed: int) -> Params:
        """The sizes for full or ``--quick`` mode, with command-line overrides."""
        if quick:
            return cls(
                quick=True,
                rt_samples=2_000,
                rt_samples_mr=400,
                rt_rounds=4,
                cb_samples=1_000,
                fail_trials=trials or 3,
                fail_processes=4,
                fail_per_process=100,
                soak_crashes=crashes or 50,
                soak_processes=8,
                soak_per_process=4,
                soak_baseline=1.0,
                seed=seed,
            )
        return cls(
            quick=False,
            rt_samples=20_000,
            rt_samples_mr=4_000,
            rt_rounds=10,
            cb_samples=10_000,
            fail_trials=trials or 10,
            fail_processes=4,
            fail_per_process=100,
            soak_crashes=crashes or 1_000,
            soak_processes=8,
            soak_per_process=4,
            soak_baseline=5.0,
            seed=seed,
        )


class CountingHandler(logging.Handler):
    """Counts the ``actors`` log records by level instead of printing them."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.counts: dict[str, int] = {}
        self.lock_ = threading.Lock()

    def emit(self, record: logging.LogRecord) -> None:
        with self.lock_:
            self.counts[record.levelname] = self.counts.get(record.levelname, 0) + 1

    def take(self) -> dict[str, int]:
        """The counts so far; starts counting from zero again."""
        with self.lock_:
            out, self.counts = self.counts, {}
        return out


def capture_actors_logs() -> CountingHandler:
    """Route the ``actors`` loggers into a :class:`CountingHandler`."""
    handler = CountingHandler()
    logger = logging.getLogger("actors")
    logger.addHandler(handler)
    logger.propagate = False
    logger.setLevel(logging.WARNING)
    return handler


def no_core_dumps() -> None:
    """``RLIMIT_CORE`` soft limit 0 here and in every process started from here."""
    _soft, hard = resource.getrlimit(resource.RLIMIT_CORE)
    resource.setrlimit(resource.RLIMIT_CORE, (0, hard))


def _machine_busy_seconds() -> float:
    t = psutil.cpu_times()
    return float(
        t.user
        + t.nice
        + t.system
        + getattr(t, "irq", 0.0)
        + getattr(t, "softirq", 0.0)
        + getattr(t, "steal", 0.0)
    )


def _tree_cpu_seconds() -> float:
    """CPU seconds of this process and all its descendants, dead ones included.

    ``_util.CpuWatch`` counts only children this process waited for; here the
    worker processes are children of the forkserver, which reaps them, so
    their CPU time is read from the forkserver's ``children_*`` times (and
    from each live worker's own).
    """
    me = psutil.Process()
    t = me.cpu_times()
    total = t.user + t.system + t.children_user + t.children_system
    for child in me.children(recursive=True):
        with suppress(psutil.Error):
            c = child.cpu_times()
            total += c.user + c.system + c.children_user + c.children_system
    return float(total)


class TreeCpuWatch:
    """How much CPU processes outside this one's tree used (share of all cores)."""

    def __init__(self) -> None:
        self._t0 = time.perf_counter()
        self._busy0 = _machine_busy_seconds()
        self._own0 = _tree_cpu_seconds()

    def foreign_share(self) -> float:
        wall = time.perf_counter() - self._t0
        busy = _machine_busy_seconds() - self._busy0
        own = _tree_cpu_seconds() - self._own0
        if wall <= 0:
            return 0.0
        return max(0.0, min(1.0, (busy - own) / (wall * (os.cpu_count() or 1))))


def mark(ok: bool) -> str:
    return "ok" if ok else "MISS"


def pct3(samples: list[int]) -> tuple[float, float, float]:
    """p50, p99 and max of nanosecond samples."""
    return percentile(samples, 50.0), percentile(samples, 99.0), float(max(samples))


# --------------------------------------------------------------------------
# 1. round trip
# --------------------------------------------------------------------------

RT_COLUMNS: tuple[str, ...] = ("thread", "p1", "p2", "quickjs", "miniracer")
RT_HEADERS: tuple[str, ...] = (
    "measure",
    "thread mode",
    "processes=1",
    "processes=2",
    "quickjs-ng",
    "mini-racer",
    "target",
)
PROCESS_COLUMNS = ("p1", "p2")

# f: what call("f", 1) calls. cbloop(n): n synchronous JS -> Python -> JS
# calls of the identity handler, each timed in JS; returns [sum, durations in ms].
RT_JS = """
function f(x) { return x; }
function cbloop(n) {
  const d = new Array(n);
  let s = 0;
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    s += %s;
    d[i] = performance.now() - t;
  }
  return [s, d];
}
"""


@dataclass
class Subject:
    """One column of the round-trip table: how to do each measure there."""

    column: str
    eval_one: Callable[[], Any]
    call_one: Callable[[], Any]
    callsync: Callable[[int], list[int]] | None
    close: Callable[[], None]


def _ms_to_ns(got: Any, n: int) -> list[int]:
    total, durations = got
    if total != n * (n - 1) // 2:
        raise RuntimeError(f"callSync loop: got {total!r}")
    return [round(ms * 1e6) for ms in durations]


def actors_subject(actors: Any, column: str, processes: int) -> Subject:
    """A bare context on a 2-thread pool with ``processes`` worker processes."""
    pool = actors.ContextPool(size=2, processes=processes)
    try:
        ctx = pool.spawn(apis=None, handlers={"echo": _identity}, timeout=300.0)
        ctx.eval(RT_JS % "Host.callSync('echo', i)")
    except BaseException:
        pool.stop()
        raise

    def callsync(n: int) -> list[int]:
        return _ms_to_ns(ctx.call("cbloop", n), n)

    return Subject(column, lambda: ctx.eval("1"), lambda: ctx.call("f", 1), callsync, pool.stop)


def quickjs_subject() -> Subject:
    """A ``quickjs`` context (QuickJS-NG, called in this thread)."""
    qctx = load_quickjs().Context()
    qctx.add_callable("echo", _identity)
    qctx.eval(RT_JS % "echo(i)")
    f = qctx.get("f")

    def callsync(n: int) -> list[int]:
        return _ms_to_ns(json.loads(qctx.eval(f"JSON.stringify(cbloop({n}))")), n)

    return Subject("quickjs", lambda: qctx.eval("1"), lambda: f(1), callsync, lambda: None)


def miniracer_subject() -> Subject:
    """A ``py_mini_racer`` context (V8 on its own thread); no synchronous callback."""
    from py_mini_racer import MiniRacer

    mr = MiniRacer()
    mr.eval("function f(x) { return x; }")
    return Subject("miniracer", lambda: mr.eval("1"), lambda: mr.call("f", 1), None, mr.close)


def interleaved(
    samplers: dict[str, Callable[[int], list[int]]], counts: dict[str, int], rounds: int
) -> dict[str, list[int]]:
    """``counts[col]`` samples of every column, taken in ``rounds`` alternating rounds."""
    for col, fn in samplers.items():  # warm-up, not kept
        fn(max(1, counts[col] // 10))
    out: dict[str, list[int]] = {col: [] for col in samplers}
    for _ in range(rounds):
        for col, fn in samplers.items():
            out[col].extend(fn(max(1, counts[col] // rounds)))
    return out


def _sampler(fn: Callable[[], Any]) -> Callable[[int], list[int]]:
    return lambda n: sample_ns(fn, n)


def bench_roundtrip(actors: Any, p: Params) -> tuple[list[list[str]], list[str]]:
    """Section 1: the table rows and notes."""
    subjects: dict[str, Subject] = {}
    errors: dict[str, str] = {}
    makers: dict[str, Callable[[], Subject]] = {
        "thread": lambda: actors_subject(actors, "thread", 0),
        "p1": lambda: actors_subject(actors, "p1", 1),
        "p2": lambda: actors_subject(actors, "p2", 2),
        "quickjs": quickjs_subject,
        "miniracer": miniracer_subject,
    }
    for col, make in makers.items():
        try:
            subjects[col] = make()
            if subjects[col].eval_one() != 1 or subjects[col].call_one() != 1:
                raise RuntimeError("wrong answer")
        except Exception as exc:  # that column shows the error
            errors[col] = f"{type(exc).__name__}: {exc}".splitlines()[0]
            subjects.pop(col, None)
    notes: list[str] = []
    try:
        counts = {c: (p.rt_samples_mr if c == "miniracer" else p.rt_samples) for c in subjects}
        evals = interleaved({c: _sampler(s.eval_one) for c, s in subjects.items()}, counts, p.rt_rounds)
        calls = interleaved({c: _sampler(s.call_one) for c, s in subjects.items()}, counts, p.rt_rounds)
        cb_subjects = {c: s.callsync for c, s in subjects.items() if s.callsync is not None}
        cbs = interleaved(cb_subjects, {c: p.cb_samples for c in cb_subjects}, p.rt_rounds)
        mr_async: str | None = None
        if "miniracer" in subjects:
            n = max(100, p.cb_samples // 10)
            try:
                dt, got = asyncio.run(_miniracer_async_callback(n))
                if got != n * (n - 1) // 2:
                    raise RuntimeError(f"got {got!r}")
                mr_async = f"n/a (async avg {fmt_ns(dt / n)})"
                notes.append(
                    "[1] mini-racer has no synchronous callback; shown: the mean of "
                    f"{n} awaited wrap_py_function calls"
                )
            except Exception as exc:
                mr_async = f"error: {type(exc).__name__}"
    finally:
        for s in subjects.values():
            with suppress(Exception):
                s.close()

    rows: list[list[str]] = []

    def add(label: str, data: dict[str, list[int]], q: float, target: str, absent: str = "n/a") -> None:
        line = [f"1. {label} p{q:.0f}"]
        for col in RT_COLUMNS:
            if col in errors:
                line.append("error: " + errors[col][:40])
            elif col not in data:
                line.append(absent)
            else:
                v = percentile(data[col], q)
                cell = fmt_ns(v)
                if target != "-" and col in PROCESS_COLUMNS:
                    cell += "  " + mark(v <= RT_TARGET_P50_NS)
                line.append(cell)
        line.append(target)
        rows.append(line)

    add('eval("1")', evals, 50.0, "<= 40 us (process mode)")
    add('eval("1")', evals, 99.0, "-")
    add('call("f", 1)', calls, 50.0, "-")
    add('call("f", 1)', calls, 99.0, "-")
    add("Host.callSync round trip", cbs, 50.0, "-", mr_async or "n/a")
    add("Host.callSync round trip", cbs, 99.0, "-", mr_async or "n/a")
    notes.insert(
        0,
        f"[1] {p.rt_samples} eval/call samples per actors and quickjs-ng column "
        f"({p.rt_samples_mr} for mini-racer), {p.cb_samples} callSync samples, "
        f"interleaved in {p.rt_rounds} rounds after a 10% warm-up; pools have size=2",
    )
    notes.append(
        "[1] callSync: JS -> Python identity handler -> JS, timed inside JS with performance.now() "
        "(quickjs-ng: a function added with add_callable)"
    )
    for col, err in errors.items():
        notes.append(f"[1] {col}: {err}")
    return rows, notes


# --------------------------------------------------------------------------
# 2. detection to replacement
# --------------------------------------------------------------------------

MARKER = "restarted-and-ready"
FAILOVER_JS = f"globalThis.marker = {json.dumps(MARKER)}; globalThis.hits = 0;\n"


@dataclass
class Trial:
    """One injected crash: nanoseconds from the injection to each milestone."""

    detect_ns: int
    replace_ns: int
    process_ns: int
    on_new_process: int  # restarted incarnations placed on the replacement process
    early_whereis: int  # contexts whose whereis() incarnation had not run its script yet


def failover_trial(actors: Any, testing: Any, p: Params, script: Path, trial: int) -> Trial:
    """A fresh pool, 100 supervised contexts per process, one process segfaults."""
    procs, per = p.fail_processes, p.fail_per_process
    with actors.ContextPool(size=procs, processes=procs) as pool:
        ctxs = [
            pool.spawn(apis=None, script=script, name=f"t{trial}-c{i}", restart="permanent")
            for i in range(procs * per)
        ]
        victim_pid = testing.worker_pid(ctxs[0])
        victims = [c for c in ctxs if testing.worker_pid(c) == victim_pid]
        if len(victims) != per:
            raise RuntimeError(f"{len(victims)} contexts on the victim process, wanted {per}")
        exited_at: dict[int, int] = {}

        def on_exit(ctx: Any, _reason: str, _detail: Any) -> None:
            exited_at[ctx.id] = clock()

        for c in victims:
            c.on_exit(on_exit)
        crashes_before = pool.stats()["crashes"]
        survivors = set(testing.worker_pids(pool)) - {victim_pid}
        settle()

        t0 = clock()
        testing.crash_worker(victims[0], "segfault")
        pending: dict[str, Any] = {c.name: c for c in victims}
        t_replaced = t_process = 0
        new_pids: list[int] = []
        early: set[str] = set()
        deadline = t0 + 30_000_000_000
        while pending or not t_process:
            progressed = False
            if not t_process:
                pids = testing.worker_pids(pool)
                if len(pids) == procs and victim_pid not in pids:
                    t_process = clock()
            for name, old in list(pending.items()):
                new = pool.whereis(name)
                if new is None or new is old:
                    continue
                got = new.eval("globalThis.marker")
                if got is None:  # registered, but its script has not run yet
                    early.add(name)
                    continue
                if got != MARKER:
                    raise RuntimeError(f"{name}: restarted incarnation answered {got!r}")
                del pending[name]
                new_pids.append(testing.worker_pid(new))
                progressed = True
            if not pending and not t_replaced:
                t_replaced = clock()
            if clock() > deadline:
                raise RuntimeError(
                    f"trial {trial}: {len(pending)} contexts not restarted, process up: {bool(t_process)}"
                )
            if not progressed:
                time.sleep(0.0005)

        for c in victims:
            if not c.wait(5) or c.exit_reason != "crashed":
                raise RuntimeError(f"victim {c.name} exit_reason {c.exit_reason!r}")
        st = pool.stats()
        if st["processes"] != procs or st["crashes"] != crashes_before + 1:
            raise RuntimeError(f"after the crash: stats {st}")
        return Trial(
            detect_ns=max(exited_at.values()) - t0,
            replace_ns=t_replaced - t0,
            process_ns=t_process - t0,
            on_new_process=sum(1 for pid in new_pids if pid not in survivors),
            early_whereis=len(early),
        )


def bench_failover(actors: Any, p: Params, logs: CountingHandler) -> tuple[list[list[str]], list[str]]:
    """Section 2: the table rows and notes."""
    testing = importlib.import_module("actors.testing")
    trials: list[Trial] = []
    with tempfile.TemporaryDirectory(prefix="bench-process-") as tmp:
        script = Path(tmp) / "room.js"
        script.write_text(FAILOVER_JS, encoding="utf-8")
        with actors.ContextPool(size=p.fail_processes, processes=p.fail_processes) as warm:
            warm.spawn(apis=None, script=script).eval("1")  # forkserver and imports are warm
        logs.take()
        for i in range(p.fail_trials):
            trials.append(failover_trial(actors, testing, p, script, i))
            print(
                f"  trial {i + 1}/{p.fail_trials}: replaced in {fmt_ns(trials[-1].replace_ns)}",
                file=sys.stderr,
                flush=True,
            )
    logged = logs.take()
    n = p.fail_per_process
    rows: list[list[str]] = []

    def add(label: str, samples: list[int], target_ns: int | None, target: str) -> None:
        p50, p99, mx = pct3(samples)
        rows.append([f"2. {label} p50", fmt_ns(p50), ""])
        cell = fmt_ns(p99) + ("" if target_ns is None else "  " + mark(p99 <= target_ns))
        rows.append([f"2. {label} p99", cell, target])
        rows.append([f"2. {label} max", fmt_ns(mx), ""])

    add(f"crash -> {n} ctx exited 'crashed'", [t.detect_ns for t in trials], None, "-")
    add(
        f"crash -> {n} restarted ctx answer eval",
        [t.replace_ns for t in trials],
        FAILOVER_TARGET_P99_NS,
        "<= 1 s",
    )
    add("crash -> replacement process up", [t.process_ns for t in trials], None, "-")
    on_new = sorted(t.on_new_process for t in trials)
    rows.append(
        [
            "2. restarts placed on the new process",
            f"{on_new[0]}..{on_new[-1]} of {n}",
            "",
        ]
    )
    notes = [
        f"[2] {len(trials)} trials, each a fresh pool: size={p.fail_processes}, "
        f"processes={p.fail_processes}, {p.fail_processes * n} contexts "
        f"(apis=None, restart='permanent', a name, a script setting a global), {n} per process; "
        "fault: segfault",
        "[2] 'answer eval': pool.whereis(name) is a new incarnation whose eval('globalThis.marker') "
        "returns the value its script set (polled every 0.5 ms, evals in series)",
        "[2] 'process up': actors.testing.worker_pids(pool) has 4 pids without the victim's; pool.stats() "
        "then says processes == 4 and crashes == 1",
        f"[2] actors log records during the trials: {logged or 'none'}",
    ]
    early = sum(t.early_whereis for t in trials)
    if early:
        notes.append(
            f"[2] FINDING: for {early} of {len(trials) * n} restarted contexts, pool.whereis(name) "
            "first returned the new incarnation before its script= had run (eval of "
            "globalThis.marker gave undefined; polled again until set): the name is registered "
            "before the script runs"
        )
    return rows, notes


# --------------------------------------------------------------------------
# 3. soak
# --------------------------------------------------------------------------


def fd_count() -> int:
    return len(os.listdir("/proc/self/fd"))


def helper_process(proc: psutil.Process) -> bool:
    """multiprocessing's forkserver or resource tracker (not a worker)."""
    try:
        cmd = " ".join(proc.cmdline())
    except (psutil.NoSuchProcess, psutil.ZombieProcess):
        return False
    return "forkserver" in cmd or "resource_tracker" in cmd


@dataclass
class ProcessCheck:
    """Child processes of this one, sorted out."""

    workers: set[int]
    zombies: list[int]
    helpers: list[int]


def check_children() -> ProcessCheck:
    """Sort the descendants of this process into helpers, workers and zombies.

    Workers are forked by the forkserver without an exec, so their cmdline is
    the forkserver's: the cmdline rule is applied to direct children only
    (the forkserver and the resource tracker are children of this process,
    the workers grandchildren through the forkserver).
    """
    me = psutil.Process()
    helpers = [c.pid for c in me.children() if helper_process(c)]
    workers: set[int] = set()
    zombies: list[int] = []
    for child in me.children(recursive=True):
        try:
            if child.status() == psutil.STATUS_ZOMBIE:
                zombies.append(child.pid)
                continue
        except psutil.NoSuchProcess:
            continue
        if child.pid not in helpers:
            workers.add(child.pid)
    return ProcessCheck(workers, zombies, helpers)


def wait_for(cond: Callable[[], bool], timeout: float, step: float = 0.01) -> bool:
    deadline = time.monotonic() + timeout
    while True:
        if cond():
            return True
        if time.monotonic() > deadline:
            return False
        time.sleep(step)


@dataclass
class Sentinel:
    """A context on a process never crashed, asked ``eval`` every millisecond."""

    ctx: Any
    latencies: list[int] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)
    stop: threading.Event = field(default_factory=threading.Event)

    def run(self) -> None:
        n = 0
        while not self.stop.is_set():
            n += 1
            t0 = clock()
            try:
                got = self.ctx.eval("n += 1")
            except Exception as exc:
                self.failures.append(f"{type(exc).__name__}: {exc}")
                if len(self.failures) > 10:
                    return
                continue
            self.latencies.append(clock() - t0)
            if got != n:
                self.failures.append(f"answered {got!r}, expected {n}")
            time.sleep(0.001)


@contextmanager
def running(sentinel: Sentinel) -> Iterator[None]:
    thread = threading.Thread(target=sentinel.run, name="bench-sentinel", daemon=True)
    thread.start()
    try:
        yield
    finally:
        sentinel.stop.set()
        thread.join(10)


def bench_soak(actors: Any, p: Params, logs: CountingHandler) -> tuple[list[list[str]], list[str]]:
    """Section 3: the table rows and notes."""
    testing = importlib.import_module("actors.testing")
    faults: tuple[str, ...] = testing.FAULTS
    rng = random.Random(p.seed)
    procs = p.soak_processes
    target_live = procs * p.soak_per_process
    detect: dict[str, list[int]] = {k: [] for k in faults}
    injected = detected = lost_with = lost_crashed = 0
    misses: list[str] = []
    cycles: list[int] = []  # one crash: refill, pick, inject, victim and siblings exited
    pool = actors.ContextPool(size=procs, processes=procs)
    try:
        sentinel = Sentinel(pool.spawn(apis=None))
        sentinel.ctx.eval("globalThis.n = 0")
        safe_pid = testing.worker_pid(sentinel.ctx)
        live: list[Any] = [pool.spawn(apis=None) for _ in range(target_live)]
        for c in live:
            c.eval("1")
        settle()
        logs.take()
        fds_before = fd_count()
        with running(sentinel):
            time.sleep(p.soak_baseline)  # the sentinel alone, for comparison
            quiet, sentinel.latencies = sentinel.latencies, []
            started = time.perf_counter()
            for i in range(p.soak_crashes):
                cycle0 = clock()
                live = [c for c in live if c.alive]
                while len(live) < target_live:
                    live.append(pool.spawn(apis=None))
                candidates = [c for c in live if testing.worker_pid(c) != safe_pid]
                while not candidates:  # every other process is being replaced
                    time.sleep(0.005)
                    live.append(pool.spawn(apis=None))
                    candidates = [c for c in live if testing.worker_pid(c) != safe_pid]
                victim = rng.choice(candidates)
                kind = rng.choice(faults)
                pid = testing.worker_pid(victim)
                siblings = [c for c in live if c is not victim and testing.worker_pid(c) == pid]
                t0 = clock()
                testing.crash_worker(victim, kind)
                injected += 1
                if victim.wait(10) and victim.exit_reason == "crashed":
                    detected += 1
                    detect[kind].append(clock() - t0)
                else:
                    misses.append(f"crash {i} ({kind}): exit_reason {victim.exit_reason!r}")
                for s in siblings:
                    lost_with += 1
                    if s.wait(10) and s.exit_reason == "crashed":
                        lost_crashed += 1
                cycles.append(clock() - cycle0)
                if (i + 1) % max(1, p.soak_crashes // 10) == 0:
                    print(f"  {i + 1}/{p.soak_crashes} crashes", file=sys.stderr, flush=True)
            elapsed = time.perf_counter() - started
            back = wait_for(lambda: len(testing.worker_pids(pool)) == procs, 30.0)
        # every worker up again, nothing in flight: the same state as at the start
        settle(0.2)
        stats = pool.stats()
        pids = set(testing.worker_pids(pool))
        kids = check_children()
        # a descriptor being closed by a reader thread right now gets 5 s to go
        wait_for(lambda: fd_count() <= fds_before + FD_TOLERANCE, 5.0)
        fds_after = fd_count()
        still_works = pool.spawn(apis=None).eval("6 * 7") == 42 and sentinel.ctx.eval("1") == 1
    finally:
        pool.stop()
    gone = wait_for(lambda: not (check_children().workers & pids), 10.0)
    after_stop = check_children()
    logged = logs.take()

    all_detect = [x for v in detect.values() for x in v]
    leaked_procs = len(kids.workers - pids) + len(pids - kids.workers)
    leaked_fds = fds_after - fds_before
    rows: list[list[str]] = []
    rows.append(["3. crashes injected", f"{injected} over {procs} processes", ""])
    rows.append(
        [
            "3. detected (victim exit_reason 'crashed')",
            f"{detected} ({detected / max(1, injected):.1%})  {mark(detected == injected)}",
            "100%",
        ]
    )
    rows.append(
        [
            "3. other ctx on the victim's process",
            f"{lost_crashed}/{lost_with} 'crashed'  {mark(lost_crashed == lost_with)}",
            "all",
        ]
    )
    rows.append(
        [
            "3. pool.stats() crashes",
            f"{stats['crashes']}  {mark(stats['crashes'] == injected)}",
            f"= {injected}",
        ]
    )
    rows.append(["3. host crashes", f"0  {mark(still_works)}", "0"])
    sent_ok = not sentinel.failures and bool(sentinel.latencies)
    rows.append(
        [
            "3. sentinel evals answered / failed",
            f"{len(quiet) + len(sentinel.latencies)} / {len(sentinel.failures)}  {mark(sent_ok)}",
            "0 failed",
        ]
    )
    for label, samples in (("before the crashes", quiet), ("during the crashes", sentinel.latencies)):
        if samples:
            s50, s99, smax = pct3(samples)
            rows.append(
                [
                    f"3. sentinel eval p50 / p99 / max, {label}",
                    f"{fmt_ns(s50)} / {fmt_ns(s99)} / {fmt_ns(smax)}",
                    "",
                ]
            )
    if all_detect:
        d50, d99, dmax = pct3(all_detect)
        rows.append(
            [
                "3. inject -> victim exited p50 / p99 / max",
                f"{fmt_ns(d50)} / {fmt_ns(d99)} / {fmt_ns(dmax)}",
                "",
            ]
        )
    for kind in faults:
        if detect[kind]:
            rows.append(
                [
                    f"3.   {kind} (n={len(detect[kind])}) p50 / p99",
                    f"{fmt_ns(percentile(detect[kind], 50))} / {fmt_ns(percentile(detect[kind], 99))}",
                    "",
                ]
            )
    rows.append(
        [
            "3. leaked processes",
            f"{leaked_procs}  {mark(leaked_procs == 0 and back and len(pids) == procs)}",
            "0",
        ]
    )
    rows.append(["3. zombie processes", f"{len(kids.zombies)}  {mark(not kids.zombies)}", "0"])
    rows.append(
        [
            "3. leaked fds",
            f"{leaked_fds} ({fds_before} -> {fds_after})  {mark(leaked_fds <= FD_TOLERANCE)}",
            f"<= {FD_TOLERANCE}",
        ]
    )
    rows.append(
        [
            "3. workers left after pool.stop()",
            f"{len(after_stop.workers)}  {mark(gone and not after_stop.workers and not after_stop.zombies)}",
            "0",
        ]
    )
    if cycles:
        c50, c99, cmax = pct3(cycles)
        rows.append(
            [
                "3. crash cycle (refill..exits) p50 / p99 / max",
                f"{fmt_ns(c50)} / {fmt_ns(c99)} / {fmt_ns(cmax)}",
                "",
            ]
        )
    rows.append(["3. total time", f"{elapsed:.1f} s", ""])
    rows.append(["3. crashes / second", f"{injected / elapsed:.1f}", ""])
    notes = [
        f"[3] pool size={procs}, processes={procs}; {target_live} bare contexts kept alive (refilled "
        "after each crash, least-loaded placement) plus a sentinel; victims picked at random (seed "
        f"{p.seed}) off the sentinel's process, fault kind at random among {', '.join(faults)}; the "
        "next crash is injected once the victim has exited",
        "[3] sentinel: eval('n += 1') then 1 ms sleep, in a thread, for the whole soak and "
        f"{p.soak_baseline:.0f} s before it (its evals 'before the crashes')",
        "[3] processes: psutil children(recursive=True) of this process, minus the forkserver and the "
        "resource tracker (by cmdline), compared with actors.testing.worker_pids(pool) after the pool "
        "is back to "
        f"{procs} workers (back in time: {back})",
        "[3] fds: /proc/self/fd counted after setup (pool, sentinel, contexts) and again after the "
        f"soak with {procs} workers alive; tolerance {FD_TOLERANCE}: the parent keeps a fixed "
        "number of descriptors per live worker, and nothing else here opens any",
        f"[3] actors log records during the soak: {logged or 'none'}",
    ]
    notes.extend("[3] MISSED: " + m for m in misses[:10])
    notes.extend("[3] sentinel failure: " + f for f in sentinel.failures[:5])
    if kids.zombies or leaked_procs:
        notes.append(
            f"[3] children: workers {sorted(kids.workers)}, pool pids {sorted(pids)}, zombies {kids.zombies}"
        )
    return rows, notes


# --------------------------------------------------------------------------
# main
# --------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_quick_flag(parser)
    parser.add_argument("--only", default="", help="comma-separated sections to run (default: 1,2,3)")
    parser.add_argument("--trials", type=int, default=None, help="section 2 trials (default 10, quick 3)")
    parser.add_argument(
        "--crashes", type=int, default=None, help="section 3 crashes (default 1000, quick 50)"
    )
    parser.add_argument("--seed", type=int, default=1, help="section 3 random seed")
    args = parser.parse_args(argv)
    p = Params.make(args.quick, args.trials, args.crashes, args.seed)
    wanted = {int(x) for x in args.only.split(",") if x.strip()} or {1, 2, 3}

    no_core_dumps()
    logs = capture_actors_logs()
    actors = load_actors()
    load_start = os.getloadavg()
    watch = TreeCpuWatch()
    shares: list[str] = []
    started = time.perf_counter()
    tables: list[tuple[tuple[str, ...], list[list[str]]]] = []
    notes: list[str] = []
    sections: list[tuple[int, str, Callable[[], tuple[list[list[str]], list[str]]]]] = [
        (1, "round trip", lambda: bench_roundtrip(actors, p)),
        (2, "detection to replacement", lambda: bench_failover(actors, p, logs)),
        (3, "soak", lambda: bench_soak(actors, p, logs)),
    ]
    for number, title, run in sections:
        if number not in wanted:
            continue
        t0 = time.perf_counter()
        print(f"[{number}/3] {title} ...", file=sys.stderr, flush=True)
        sec_watch = TreeCpuWatch()
        rows, sec_notes = run()
        shares.append(f"section {number}: {sec_watch.foreign_share():.0%}")
        print(f"[{number}/3] {title} done ({time.perf_counter() - t0:.1f} s)", file=sys.stderr, flush=True)
        headers = RT_HEADERS if number == 1 else ("measure", "actors", "target")
        tables.append((headers, rows))
        notes.extend(sec_notes)

    mode = "quick" if args.quick else "full"
    load_end = os.getloadavg()
    print(
        f"\nactors process mode benchmarks ({mode} mode, {os.cpu_count()} CPUs, "
        f"{time.perf_counter() - started:.0f} s)\n"
        f"load average (1/5/15 min): {' '.join(f'{x:.2f}' for x in load_start)} at start, "
        f"{' '.join(f'{x:.2f}' for x in load_end)} at end\n"
        f"CPU used by processes outside this benchmark's process tree: {', '.join(shares)}\n"
    )
    for headers, rows in tables:
        print_table(rows, headers=headers)
        print()
    foreign = watch.foreign_share()
    if foreign > 0.05:
        notes.insert(
            0,
            f"WARNING: other processes used {foreign:.0%} of the CPUs during this run; timings are noisy",
        )
    print("notes:")
    for n in notes:
        print("  " + n)
    return 0


if __name__ == "__main__":
    sys.exit(main())
