"""Core benchmarks: ``actors`` against QuickJS-NG (``quickjs``) and mini-racer.

Run from the repository root::

    python bench/bench_core.py            # full run, under ~2 minutes
    python bench/bench_core.py --quick    # about 20 s, rougher numbers
    python bench/bench_core.py --only 1,7 # some sections only

Every (section, library) pair runs in a fresh subprocess of this same file
(hidden sub-command ``_child SECTION LIB``), so RSS and thread counts of one
library never include another's, and a crash, hang or import error of one
library only turns its own cells into ``error: ...``.
"""

from __future__ import annotations

import argparse
import asyncio
import importlib
import json
import os
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import asdict, dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any

from _util import (
    KB,
    MB,
    CpuWatch,
    add_quick_flag,
    fmt_bytes,
    fmt_ns,
    num_threads,
    percentile,
    percentiles,
    print_table,
    rss_bytes,
    sample_ns,
    settle,
)

HERE = Path(__file__).resolve().parent
REPO_ROOT = HERE.parent
RESULT_MARK = "@@BENCH_RESULT@@ "

LIBS: tuple[str, ...] = ("actors", "quickjs", "miniracer")
LIB_TITLES: dict[str, str] = {
    "actors": "actors",
    "quickjs": "quickjs-ng",
    "miniracer": "mini-racer",
}

Eval = Callable[[str], Any]


# --------------------------------------------------------------------------
# results
# --------------------------------------------------------------------------


@dataclass
class Cell:
    """One table cell: display text, the number checks compare, a footnote."""

    text: str
    value: float | None = None
    note: str = ""


Result = dict[str, Cell]


@dataclass(frozen=True)
class Params:
    """Sizes of every measure; ``quick`` shrinks them."""

    quick: bool
    eval_iters: int
    eval_warmup: int
    eval_iters_mr: int
    callback_calls: int
    callback_calls_mr: int
    create_n: int
    create_n_mr: int
    rss_n: int
    rss_n_mr: int
    many_n: int
    cpu_loop: int
    hol_samples: int
    hol_spin_limit: float
    big_reps: int
    child_timeout: float

    @classmethod
    def make(cls, quick: bool) -> Params:
        """The sizes for full or ``--quick`` mode."""
        if quick:
            return cls(
                quick=True,
                eval_iters=3_000,
                eval_warmup=300,
                eval_iters_mr=300,
                callback_calls=2_000,
                callback_calls_mr=300,
                create_n=200,
                create_n_mr=20,
                rss_n=500,
                rss_n_mr=50,
                many_n=2_000,
                cpu_loop=3_000_000,
                hol_samples=3,
                hol_spin_limit=0.7,
                big_reps=3,
                child_timeout=60.0,
            )
        return cls(
            quick=False,
            eval_iters=20_000,
            eval_warmup=2_000,
            eval_iters_mr=2_000,
            callback_calls=10_000,
            callback_calls_mr=2_000,
            create_n=1_000,
            create_n_mr=100,
            rss_n=2_000,
            rss_n_mr=200,
            many_n=10_000,
            cpu_loop=30_000_000,
            hol_samples=10,
            hol_spin_limit=1.5,
            big_reps=20,
            child_timeout=180.0,
        )


# --------------------------------------------------------------------------
# library loading
# --------------------------------------------------------------------------


def load_actors() -> Any:
    """Import ``actors``: installed, or else from the repository checkout."""
    try:
        return importlib.import_module("actors")
    except ModuleNotFoundError as exc:
        if exc.name != "actors":
            raise
    sys.path.insert(0, str(REPO_ROOT))
    return importlib.import_module("actors")


def load_quickjs() -> Any:
    """Import the ``quickjs`` module of the ``quickjs-ng`` package (untyped)."""
    module: ModuleType = importlib.import_module("quickjs")
    return module


@contextmanager
def actors_pool(size: int) -> Iterator[Any]:
    """An ``actors.ContextPool`` of ``size`` threads, stopped on exit."""
    actors = load_actors()
    with actors.ContextPool(size=size) as pool:
        yield pool


@contextmanager
def one_context(lib: str) -> Iterator[Eval]:
    """A single bare context of ``lib``; yields its ``eval``."""
    if lib == "actors":
        with actors_pool(2) as pool:
            ctx = pool.spawn(apis=None)
            try:
                yield ctx.eval
            finally:
                ctx.stop()
    elif lib == "quickjs":
        quickjs = load_quickjs()
        yield quickjs.Context().eval
    elif lib == "miniracer":
        from py_mini_racer import MiniRacer

        mr = MiniRacer()
        try:
            yield mr.eval
        finally:
            mr.close()
    else:
        raise ValueError(f"unknown library {lib!r}")


def expect(got: object, want: object, what: str) -> None:
    """Raise when a benchmark's JavaScript returned a wrong answer."""
    if got != want:
        raise RuntimeError(f"{what}: got {got!r}, expected {want!r}")


def sum_below(n: int) -> int:
    """0 + 1 + ... + (n - 1), what the JS loops below compute."""
    return n * (n - 1) // 2


# --------------------------------------------------------------------------
# 1. eval("1+2") round trip
# --------------------------------------------------------------------------


def bench_eval_roundtrip(lib: str, p: Params) -> Result:
    """p50/p99 of ``eval("1+2")`` called from this Python thread."""
    n = p.eval_iters_mr if lib == "miniracer" else p.eval_iters
    warm = min(p.eval_warmup, n)
    with one_context(lib) as ev:
        expect(ev("1+2"), 3, "eval 1+2")
        for _ in range(warm):
            ev("1+2")
        samples = sample_ns(lambda: ev("1+2"), n)
    st = percentiles(samples, (50.0, 99.0))
    note = f"{n} samples after {warm} warm-up calls"
    return {
        "p50": Cell(fmt_ns(st[50.0]), st[50.0] / 1e3, note),
        "p99": Cell(fmt_ns(st[99.0]), st[99.0] / 1e3),
    }


# --------------------------------------------------------------------------
# 2. JS -> Python synchronous callback
# --------------------------------------------------------------------------

LOOP_CALLBACK_JS = "function loop(n) { let s = 0; for (let i = 0; i < n; i++) s += %s; return s; }"


def _identity(x: Any) -> Any:
    return x


def bench_callback(lib: str, p: Params) -> Result:
    """Per-call cost of a synchronous JS -> Python call in a JS loop."""
    n = p.callback_calls
    if lib == "actors":
        with actors_pool(2) as pool:
            ctx = pool.spawn(apis=None, handlers={"f": _identity}, timeout=120.0)
            ctx.eval(LOOP_CALLBACK_JS % "Host.callSync('f', i)")
            expect(ctx.call("loop", 100), sum_below(100), "callSync loop")
            t0 = time.perf_counter_ns()
            got = ctx.call("loop", n)
            dt = time.perf_counter_ns() - t0
            ctx.stop()
    elif lib == "quickjs":
        ctx = load_quickjs().Context()
        ctx.add_callable("f", _identity)
        ctx.eval(LOOP_CALLBACK_JS % "f(i)")
        expect(ctx.eval("loop(100)"), sum_below(100), "add_callable loop")
        t0 = time.perf_counter_ns()
        got = ctx.eval(f"loop({n})")
        dt = time.perf_counter_ns() - t0
    elif lib == "miniracer":
        n = p.callback_calls_mr
        dt, got = asyncio.run(_miniracer_async_callback(n))
        per = dt / n
        return {
            "per_call": Cell(
                f"n/a (async {fmt_ns(per)})",
                None,
                "mini-racer has no synchronous callback; shown: its async "
                f"wrap_py_function, one awaited call per iteration, {n} calls",
            )
        }
    else:
        raise ValueError(lib)
    expect(got, sum_below(n), "callback loop")
    per = dt / n
    return {"per_call": Cell(fmt_ns(per), per / 1e3, f"{n} calls in one JS loop")}


async def _miniracer_async_callback(n: int) -> tuple[int, Any]:
    from py_mini_racer import MiniRacer

    mr = MiniRacer()

    async def f(*args: Any) -> Any:
        return args[0]

    try:
        async with mr.wrap_py_function(f) as js_f:
            setter: Any = mr.eval("(function (fn) { globalThis.f = fn; })")
            setter(js_f)
            code = (
                f"(async () => {{ let s = 0; for (let i = 0; i < {n}; i++) s += await f(i); return s; }})()"
            )
            warm: Any = mr.eval(code.replace(str(n), "50"))
            await warm
            t0 = time.perf_counter_ns()
            promise: Any = mr.eval(code)
            got = await promise
            return time.perf_counter_ns() - t0, got
    finally:
        mr.close()


# --------------------------------------------------------------------------
# 3. create 1,000 bare contexts
# --------------------------------------------------------------------------


def bench_create(lib: str, p: Params) -> Result:
    """Time to create N bare contexts and run a first ``eval("0")`` in each.

    The first eval makes lazily created contexts pay in full; it costs one
    round trip per context (a few us) on top of the creation itself.
    """
    target_n = 1_000
    n = p.create_n_mr if lib == "miniracer" else p.create_n
    if lib == "actors":
        with actors_pool(2) as pool:
            pool.spawn(apis=None).eval("0")  # warm the pool and the library
            t0 = time.perf_counter_ns()
            ctxs = [pool.spawn(apis=None) for _ in range(n)]
            for c in ctxs:
                c.eval("0")
            dt = time.perf_counter_ns() - t0
    elif lib == "quickjs":
        quickjs = load_quickjs()
        quickjs.Context().eval("0")
        t0 = time.perf_counter_ns()
        qctxs = [quickjs.Context() for _ in range(n)]
        for q in qctxs:
            q.eval("0")
        dt = time.perf_counter_ns() - t0
        del qctxs
    elif lib == "miniracer":
        from py_mini_racer import MiniRacer

        MiniRacer().close()
        t0 = time.perf_counter_ns()
        racers = [MiniRacer() for _ in range(n)]
        for r in racers:
            r.eval("0")
        dt = time.perf_counter_ns() - t0
        for r in racers:
            r.close()
    else:
        raise ValueError(lib)
    total = dt * target_n / n
    note = f"{n} created{', scaled to 1000' if n != target_n else ''}"
    return {"total": Cell(fmt_ns(total), total / 1e6, note)}


# --------------------------------------------------------------------------
# 4. RSS per bare context
# --------------------------------------------------------------------------


def _rss_of_many(lib: str, n: int) -> tuple[int, int, int, float]:
    """Create ``n`` bare contexts (one eval each) and keep them.

    Returns (RSS before, RSS after, threads after, seconds to create). The
    "before" reading is taken after the library, its pool and one warm
    context exist, so the difference is what the ``n`` contexts cost.
    """
    held: list[Any] = []
    if lib == "actors":
        with actors_pool(2) as pool:
            pool.spawn(apis=None).eval("0")
            settle()
            before = rss_bytes()
            t0 = time.perf_counter()
            for _ in range(n):
                held.append(pool.spawn(apis=None))
            for c in held:
                c.eval("0")
            secs = time.perf_counter() - t0
            settle()
            after = rss_bytes()
            threads = num_threads()
        return before, after, threads, secs
    if lib == "quickjs":
        quickjs = load_quickjs()
        quickjs.Context().eval("0")
        settle()
        before = rss_bytes()
        t0 = time.perf_counter()
        for _ in range(n):
            q = quickjs.Context()
            q.eval("0")
            held.append(q)
        secs = time.perf_counter() - t0
        settle()
        return before, rss_bytes(), num_threads(), secs
    if lib == "miniracer":
        from py_mini_racer import MiniRacer

        MiniRacer().close()
        settle()
        before = rss_bytes()
        t0 = time.perf_counter()
        for _ in range(n):
            m = MiniRacer()
            m.eval("0")
            held.append(m)
        secs = time.perf_counter() - t0
        settle()
        after, threads = rss_bytes(), num_threads()
        for m in held:
            m.close()
        return before, after, threads, secs
    raise ValueError(lib)


def bench_rss_per_context(lib: str, p: Params) -> Result:
    """RSS growth per held bare context."""
    n = p.rss_n_mr if lib == "miniracer" else p.rss_n
    before, after, threads, _ = _rss_of_many(lib, n)
    per = (after - before) / n
    note = f"{n} contexts held; {threads} OS threads with them"
    return {"per_ctx": Cell(fmt_bytes(per), per / KB, note)}


# --------------------------------------------------------------------------
# 5. 10,000 bare contexts
# --------------------------------------------------------------------------


def bench_many(lib: str, p: Params) -> Result:
    """Total RSS and OS threads with 10,000 bare contexts alive."""
    target_n = 10_000
    n = p.many_n
    before, after, threads, secs = _rss_of_many(lib, n)
    total = after + (after - before) * (target_n - n) / n
    note = f"{n} created in {secs:.1f} s"
    if n != target_n:
        note += f"; RSS extrapolated linearly to {target_n}, threads as measured"
    return {
        "rss": Cell(fmt_bytes(total), total / MB, note),
        "threads": Cell(str(threads), float(threads)),
    }


# --------------------------------------------------------------------------
# 6. two CPU-bound evals in parallel
# --------------------------------------------------------------------------


def _cpu_code(n: int) -> str:
    return f"(() => {{ let s = 0; for (let i = 0; i < {n}; i++) s += i; return s; }})()"


def _run_workers(make_eval: Callable[[int], Eval], code: str, want: int, parallel: bool) -> float:
    """Run ``code`` on two contexts from two Python threads; wall seconds.

    ``make_eval(i)`` is called in worker thread ``i`` and returns the eval of
    the context that thread uses (peers need their context created on the
    thread that uses it). Creation and a warm-up eval happen before the
    clock starts; ``parallel`` runs both threads at once, else one by one.
    """
    errors: list[BaseException] = []

    def worker(i: int, barrier: threading.Barrier) -> None:
        try:
            ev = make_eval(i)
            ev("0")
        except BaseException as exc:  # re-raised after join
            errors.append(exc)
            barrier.abort()
            return
        try:
            barrier.wait()
        except threading.BrokenBarrierError:
            return
        try:
            expect(ev(code), want, "cpu loop")
        except BaseException as exc:  # re-raised after join
            errors.append(exc)

    def start(ids: list[int]) -> float:
        barrier = threading.Barrier(len(ids) + 1)
        threads = [threading.Thread(target=worker, args=(i, barrier), daemon=True) for i in ids]
        for t in threads:
            t.start()
        with suppress(threading.BrokenBarrierError):
            barrier.wait()
        t0 = time.perf_counter()
        for t in threads:
            t.join()
        if errors:
            raise errors[0]
        return time.perf_counter() - t0

    if parallel:
        return start([0, 1])
    return start([0]) + start([1])


def _parallel_ratio(make_eval: Callable[[int], Eval], n: int) -> tuple[float, float]:
    """(parallel / sequential, sequential seconds), best of a few if fast."""
    code, want = _cpu_code(n), sum_below(n)
    seq = _run_workers(make_eval, code, want, parallel=False)
    par = _run_workers(make_eval, code, want, parallel=True)
    if seq < 0.3:  # JIT-fast peers: repeat to get a stable ratio
        for _ in range(4):
            seq = min(seq, _run_workers(make_eval, code, want, parallel=False))
            par = min(par, _run_workers(make_eval, code, want, parallel=True))
    return par / seq, seq


def bench_parallel(lib: str, p: Params) -> Result:
    """Two CPU-bound evals: concurrently from two threads vs one after other."""
    n = p.cpu_loop
    if lib == "actors":
        with actors_pool(2) as pool:
            ctxs = [pool.spawn(apis=None, timeout=120.0) for _ in range(2)]
            ratio, seq = _parallel_ratio(lambda i: ctxs[i].eval, n)
            for c in ctxs:
                c.stop()
        how = "2 contexts on a 2-thread pool"
    elif lib == "quickjs":
        quickjs = load_quickjs()
        keep: list[Any] = []

        def make_q(_i: int) -> Eval:
            ctx = quickjs.Context()
            keep.append(ctx)
            ev: Eval = ctx.eval
            return ev

        ratio, seq = _parallel_ratio(make_q, n)
        how = "one Context per thread"
    elif lib == "miniracer":
        from py_mini_racer import MiniRacer

        # Created here, not on the worker threads: two MiniRacer() constructors
        # running at once crash mini-racer 0.14 (segfault in _make_context).
        racers = [MiniRacer() for _ in range(2)]
        ratio, seq = _parallel_ratio(lambda i: racers[i].eval, n)
        for mr in racers:
            mr.close()
        how = "one MiniRacer (own V8 thread) per Python thread"
    else:
        raise ValueError(lib)
    note = f"loop to {n:.0e}; sequential {seq:.2f} s; {how}"
    return {"ratio": Cell(f"{ratio:.2f}", ratio, note)}


# --------------------------------------------------------------------------
# 7. head-of-line blocking
# --------------------------------------------------------------------------

SPIN_JS = "while (true) {}"


def _sibling_latencies(sib_eval: Eval, samples: int, limit: float) -> list[float]:
    """Latencies (ms) of ``samples`` sibling ``eval("1+2")`` calls.

    The calls run on a helper thread so a sibling that never answers is
    reported (as an exception) after ``limit`` seconds instead of hanging.
    """
    out: list[float] = []
    errors: list[BaseException] = []
    done = threading.Event()

    def run() -> None:
        try:
            for _ in range(samples):
                t0 = time.perf_counter_ns()
                expect(sib_eval("1+2"), 3, "sibling eval")
                out.append((time.perf_counter_ns() - t0) / 1e6)
        except BaseException as exc:  # re-raised by the caller
            errors.append(exc)
        finally:
            done.set()

    threading.Thread(target=run, daemon=True).start()
    if not done.wait(limit):
        raise TimeoutError(f"sibling eval did not answer within {limit:.0f} s")
    if errors:
        raise errors[0]
    return out


def _spin_in_thread(spin: Callable[[], Any]) -> tuple[threading.Thread, list[str]]:
    """Start ``spin`` on a daemon thread; the list gets its outcome."""
    outcome: list[str] = []

    def run() -> None:
        try:
            spin()
            outcome.append("returned")
        except BaseException as exc:  # the outcome is reported
            outcome.append(type(exc).__name__)

    th = threading.Thread(target=run, daemon=True)
    th.start()
    time.sleep(0.2)  # let the spinner get going
    return th, outcome


def bench_head_of_line(lib: str, p: Params) -> Result:
    """Latency of a sibling's ``eval("1+2")`` while another context spins."""
    k = p.hol_samples
    if lib == "actors":
        with actors_pool(1) as pool:
            spinner = pool.spawn(apis=None, timeout=10.0)
            sib = pool.spawn(apis=None)
            expect(sib.eval("1+2"), 3, "sibling warm-up")
            th, outcome = _spin_in_thread(lambda: spinner.eval(SPIN_JS))
            lat = _sibling_latencies(sib.eval, k, 15.0)
            t0 = time.perf_counter()
            spinner.stop()
            th.join(15.0)
            stop_s = time.perf_counter() - t0
            sib.stop()
        how = (
            f"pool size=1; spinner stop() -> eval ended in {stop_s * 1e3:.0f} ms "
            f"({outcome[0] if outcome else 'still running'})"
        )
    elif lib == "quickjs":
        quickjs = load_quickjs()

        def spin_q() -> None:
            ctx = quickjs.Context()
            ctx.set_time_limit(p.hol_spin_limit)
            ctx.eval(SPIN_JS)

        sib_q = quickjs.Context()
        sib_q.eval("1+2")
        th, outcome = _spin_in_thread(spin_q)
        lat = _sibling_latencies(sib_q.eval, k, 15.0)
        th.join(15.0)
        how = f"spinner on its own Python thread (no pool), time limit {p.hol_spin_limit} s"
    elif lib == "miniracer":
        from py_mini_racer import MiniRacer

        def spin_m() -> None:
            mr = MiniRacer()
            try:
                mr.eval(SPIN_JS, timeout_sec=p.hol_spin_limit)
            finally:
                mr.close()

        sib_m = MiniRacer()
        sib_m.eval("1+2")
        th, outcome = _spin_in_thread(spin_m)
        lat = _sibling_latencies(sib_m.eval, k, 15.0)
        th.join(15.0)
        sib_m.close()
        how = f"spinner is another MiniRacer (own V8 thread), timeout {p.hol_spin_limit} s"
    else:
        raise ValueError(lib)
    worst = max(lat)
    note = f"worst of {k}; first {lat[0]:.2f} ms, median {percentile(lat, 50):.2f} ms; {how}"
    return {"latency": Cell(f"{worst:.2f} ms", worst, note)}


# --------------------------------------------------------------------------
# 8. 1 MB nested value in and out
# --------------------------------------------------------------------------

ID_JS = "function id(x) { return x; }"


def make_payload(target_bytes: int = 1_000_000) -> dict[str, Any]:
    """A nested dict/list whose compact JSON is about ``target_bytes``."""
    records: list[dict[str, Any]] = []
    payload: dict[str, Any] = {
        "meta": {"version": 1, "name": "bench", "tags": ["a", "b"]},
        "records": records,
    }
    size = len(json.dumps(payload, separators=(",", ":")))
    i = 0
    while size < target_bytes:
        rec = {
            "id": i,
            "name": f"user-{i}",
            "email": f"user{i}@example.com",
            "tags": ["alpha", "beta", str(i % 7)],
            "score": i * 0.25,
            "active": i % 2 == 0,
            "parent": None,
            "pos": {"x": i % 100, "y": [i, i + 1, i + 2], "label": "p" * (i % 5)},
        }
        records.append(rec)
        size += len(json.dumps(rec, separators=(",", ":"))) + 1
        i += 1
    return payload


def bench_big_value(lib: str, p: Params) -> Result:
    """Round trip of a ~1 MB nested value through a JS identity function."""
    big = make_payload()
    size = len(json.dumps(big, separators=(",", ":")))
    reps = p.big_reps
    if lib == "actors":
        with actors_pool(2) as pool:
            ctx = pool.spawn(apis=None, memory_limit=256 * MB, timeout=60.0)
            ctx.eval(ID_JS)
            samples = _round_trips(lambda: ctx.call("id", big), big, reps)
            ctx.stop()
        how = "ctx.call('id', value)"
    elif lib == "quickjs":
        ctx = load_quickjs().Context()
        ctx.eval(ID_JS)
        fid = ctx.get("id")

        def via_json() -> Any:
            return json.loads(fid(ctx.parse_json(json.dumps(big))).json())

        samples = _round_trips(via_json, big, reps)
        how = "json.dumps -> parse_json -> id -> .json() -> json.loads"
    elif lib == "miniracer":
        from py_mini_racer import MiniRacer

        mr = MiniRacer()
        mr.eval(ID_JS)
        samples = _round_trips(lambda: mr.call("id", big), big, reps)
        mr.close()
        how = "MiniRacer.call (JSON both ways)"
    else:
        raise ValueError(lib)
    med = percentile(samples, 50)
    note = f"{size / 1e6:.2f} MB of JSON; median of {reps}; {how}"
    return {"ms": Cell(f"{med:.1f} ms", med, note)}


def _round_trips(fn: Callable[[], Any], want: Any, reps: int) -> list[float]:
    expect(fn() == want, True, "1 MB round trip equality")
    return [ns / 1e6 for ns in sample_ns(fn, reps)]


# --------------------------------------------------------------------------
# sections, table, main
# --------------------------------------------------------------------------

Check = Callable[[float, dict[str, float | None]], bool | None]


@dataclass(frozen=True)
class Row:
    """One table row: a result key, its label, target text and check."""

    key: str
    label: str
    target: str
    check: Check | None = None


@dataclass(frozen=True)
class Section:
    """A numbered benchmark section: its function and its rows."""

    number: int
    fn: Callable[[str, Params], Result]
    rows: tuple[Row, ...]
    not_measured: dict[str, str] = field(default_factory=dict)


def _at_most(limit: float) -> Check:
    return lambda v, _peers: v <= limit


def _below(limit: float) -> Check:
    return lambda v, _peers: v < limit


def _vs_quickjs(factor: float) -> Check:
    def check(v: float, peers: dict[str, float | None]) -> bool | None:
        q = peers.get("quickjs")
        return None if q is None else v <= factor * q

    return check


SECTIONS: tuple[Section, ...] = (
    Section(
        1,
        bench_eval_roundtrip,
        (
            Row("p50", 'eval("1+2") p50', "<= 15 us", _at_most(15.0)),
            Row("p99", 'eval("1+2") p99', "-"),
        ),
    ),
    Section(
        2,
        bench_callback,
        (Row("per_call", "JS->Py sync callback / call", "<= 25 us", _at_most(25.0)),),
    ),
    Section(
        3,
        bench_create,
        (Row("total", "create 1,000 bare ctx", "<= 1.5x quickjs", _vs_quickjs(1.5)),),
    ),
    Section(
        4,
        bench_rss_per_context,
        (Row("per_ctx", "RSS / bare ctx (2,000 held)", "<= 130 KB", _at_most(130.0)),),
    ),
    Section(
        5,
        bench_many,
        (
            Row("rss", "10,000 bare ctx: RSS", "<= 1.4 GB", _at_most(1.4 * 1024)),
            Row("threads", "10,000 bare ctx: OS threads", "< 50", _below(50.0)),
        ),
        {"miniracer": "n/a (2 OS threads per isolate)"},
    ),
    Section(
        6,
        bench_parallel,
        (Row("ratio", "2 CPU evals: parallel/sequential", "<= 0.6", _at_most(0.6)),),
    ),
    Section(
        7,
        bench_head_of_line,
        (Row("latency", "sibling eval while one spins", "< 50 ms", _below(50.0)),),
    ),
    Section(
        8,
        bench_big_value,
        (Row("ms", "1 MB nested value in+out", "<= 25 ms", _at_most(25.0)),),
    ),
)


@dataclass
class Outcome:
    """What one child run gave: cells, or an error message."""

    cells: Result = field(default_factory=dict)
    error: str | None = None


def run_child(section: Section, lib: str, p: Params) -> Outcome:
    """Run one (section, library) measurement in a fresh interpreter."""
    cmd = [sys.executable, str(Path(__file__).resolve()), "_child"]
    cmd += [str(section.number), lib] + (["--quick"] if p.quick else [])
    try:
        proc = subprocess.run(
            cmd,
            capture_output=True,
            check=False,
            text=True,
            timeout=p.child_timeout,
            cwd=str(REPO_ROOT),
        )
    except subprocess.TimeoutExpired:
        return Outcome(error=f"timeout after {p.child_timeout:.0f} s")
    for line in reversed(proc.stdout.splitlines()):
        if line.startswith(RESULT_MARK):
            data = json.loads(line[len(RESULT_MARK) :])
            if data.get("error"):
                return Outcome(error=str(data["error"]))
            cells = {k: Cell(**v) for k, v in data["cells"].items()}
            return Outcome(cells=cells)
    tail = [ln for ln in proc.stderr.splitlines() if ln.strip()]
    why = f"exit code {proc.returncode}"
    if proc.returncode < 0:
        why = f"killed by signal {-proc.returncode}"
    return Outcome(error=why + (f": {tail[-1].strip()}" if tail else ""))


def child_main(section_no: int, lib: str, quick: bool) -> int:
    """The hidden ``_child`` sub-command: one measurement, one JSON line."""
    section = next(s for s in SECTIONS if s.number == section_no)
    try:
        cells = section.fn(lib, Params.make(quick))
        payload: dict[str, Any] = {"cells": {k: asdict(v) for k, v in cells.items()}}
    except Exception as exc:  # becomes this cell's "error: ..."
        payload = {"error": f"{type(exc).__name__}: {exc}".splitlines()[0]}
    sys.stdout.write(RESULT_MARK + json.dumps(payload) + "\n")
    sys.stdout.flush()
    return 0


def _short(msg: str, width: int = 60) -> str:
    return msg if len(msg) <= width else msg[: width - 3] + "..."


def build_rows(
    outcomes: dict[tuple[int, str], Outcome],
) -> tuple[list[list[str]], list[str]]:
    """Table rows and footnotes from all outcomes."""
    rows: list[list[str]] = []
    notes: list[str] = []
    for sec in SECTIONS:
        if not any((sec.number, lib) in outcomes for lib in LIBS):
            continue
        for row in sec.rows:
            line = [f"{sec.number}. {row.label}"]
            values: dict[str, float | None] = {}
            for lib in LIBS:
                out = outcomes.get((sec.number, lib))
                if lib in sec.not_measured:
                    line.append(sec.not_measured[lib])
                    continue
                if out is None:
                    line.append("-")
                    continue
                if out.error is not None:
                    line.append("error: " + _short(out.error))
                    if row is sec.rows[0] and len(out.error) > 60:
                        notes.append(f"[{sec.number}] {LIB_TITLES[lib]}: {out.error}")
                    continue
                cell = out.cells.get(row.key)
                if cell is None:
                    line.append("error: no result")
                    continue
                values[lib] = cell.value
                line.append(cell.text)
                if cell.note:
                    notes.append(f"[{sec.number}] {LIB_TITLES[lib]}: {cell.note}")
            actors_value = values.get("actors")
            if row.check is not None and actors_value is not None:
                ok = row.check(actors_value, values)
                if ok is not None:
                    line[1] += "  ok" if ok else "  MISS"
            line.append(row.target)
            rows.append(line)
    return rows, notes


def main(argv: list[str] | None = None) -> int:
    """Run the selected sections for each library and print the table."""
    args_in = sys.argv[1:] if argv is None else argv
    if args_in and args_in[0] == "_child":
        return child_main(int(args_in[1]), args_in[2], "--quick" in args_in[3:])
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_quick_flag(parser)
    parser.add_argument(
        "--only",
        default="",
        help="comma-separated section numbers to run (default: all, 1-8)",
    )
    parser.add_argument(
        "--libs",
        default=",".join(LIBS),
        help=f"comma-separated libraries (default: {','.join(LIBS)})",
    )
    parser.add_argument("--json", metavar="PATH", help="also write results as JSON")
    args = parser.parse_args(args_in)
    p = Params.make(args.quick)
    wanted = {int(x) for x in args.only.split(",") if x.strip()}
    libs = [x.strip() for x in args.libs.split(",") if x.strip()]
    for lib in libs:
        if lib not in LIBS:
            parser.error(f"unknown library {lib!r}; choose from {', '.join(LIBS)}")
    sections = [s for s in SECTIONS if not wanted or s.number in wanted]

    outcomes: dict[tuple[int, str], Outcome] = {}
    started = time.perf_counter()
    watch = CpuWatch()
    for sec in sections:
        for lib in libs:
            if lib in sec.not_measured:
                outcomes[(sec.number, lib)] = Outcome()
                continue
            t0 = time.perf_counter()
            out = run_child(sec, lib, p)
            outcomes[(sec.number, lib)] = out
            status = "error" if out.error else "ok"
            print(
                f"[{sec.number}/{len(SECTIONS)}] {LIB_TITLES[lib]:<10} {status}"
                f" ({time.perf_counter() - t0:.1f} s)",
                file=sys.stderr,
                flush=True,
            )
    rows, notes = build_rows(outcomes)
    mode = "quick" if args.quick else "full"
    print(
        f"\nactors core benchmarks ({mode} mode, {os.cpu_count()} CPUs, "
        f"{time.perf_counter() - started:.0f} s)\n"
    )
    print_table(rows)
    foreign = watch.foreign_share()
    if foreign > 0.05:
        notes.insert(
            0,
            f"WARNING: other processes used {foreign:.0%} of the CPUs during"
            " this run; timings and the parallel ratio are unreliable",
        )
    if notes:
        print("\nnotes:")
        for n in notes:
            print("  " + n)
    if args.json:
        dump = {
            f"{sec}:{lib}": {
                "error": o.error,
                "cells": {k: asdict(v) for k, v in o.cells.items()},
            }
            for (sec, lib), o in outcomes.items()
        }
        Path(args.json).write_text(json.dumps({"mode": mode, "results": dump}, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
