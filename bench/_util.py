"""Shared helpers for the benchmark scripts in ``bench/``.

Conventions every benchmark script follows:

* ``--quick`` (see :func:`add_quick_flag`) runs smaller sizes so the whole
  script finishes in about 20 seconds; numbers are then rougher and anything
  extrapolated says so in the table notes.
* Durations are collected as integer nanoseconds from
  :func:`time.perf_counter_ns` and summarised with :func:`percentiles`.
* Results are printed as one aligned text table (:func:`print_table`) with the
  columns of :data:`TABLE_HEADERS`.
* Memory is process RSS read through psutil (:func:`rss_bytes`); 1 KB here is
  1024 bytes.
"""

from __future__ import annotations

import argparse
import gc
import math
import os
import resource
import sys
import time
from collections.abc import Callable, Sequence
from typing import TextIO

import psutil

TABLE_HEADERS: tuple[str, ...] = (
    "measure",
    "actors",
    "quickjs-ng",
    "mini-racer",
    "target",
)

KB = 1024
MB = 1024 * KB
GB = 1024 * MB


# --------------------------------------------------------------------------
# command line
# --------------------------------------------------------------------------


def add_quick_flag(parser: argparse.ArgumentParser) -> None:
    """Add the ``--quick`` flag every benchmark script understands."""
    parser.add_argument(
        "--quick",
        action="store_true",
        help="smaller sizes, about 20 s in all; rougher numbers",
    )


def is_quick(argv: Sequence[str] | None = None) -> bool:
    """True when ``--quick`` is among the arguments (default: ``sys.argv``)."""
    args = sys.argv[1:] if argv is None else argv
    return "--quick" in args


# --------------------------------------------------------------------------
# timing
# --------------------------------------------------------------------------


def percentile(samples: Sequence[float], p: float) -> float:
    """The ``p``-th percentile (0..100) of ``samples``.

    Linear interpolation between the closest ranks, the same rule as
    ``numpy.percentile``'s default. ``samples`` need not be sorted.
    """
    if not samples:
        raise ValueError("percentile of an empty sample")
    if not 0.0 <= p <= 100.0:
        raise ValueError(f"percentile out of range: {p}")
    ordered = sorted(samples)
    rank = (len(ordered) - 1) * p / 100.0
    low = math.floor(rank)
    high = math.ceil(rank)
    if low == high:
        return float(ordered[low])
    frac = rank - low
    return float(ordered[low]) * (1.0 - frac) + float(ordered[high]) * frac


def percentiles(samples_ns: Sequence[int], ps: Sequence[float] = (50.0, 99.0)) -> dict[float, float]:
    """Several percentiles of a list of nanosecond samples, keyed by ``p``."""
    ordered = sorted(samples_ns)
    return {p: percentile(ordered, p) for p in ps}


def sample_ns(fn: Callable[[], object], n: int) -> list[int]:
    """Call ``fn`` ``n`` times; return each call's duration in nanoseconds."""
    clock = time.perf_counter_ns
    out: list[int] = []
    append = out.append
    for _ in range(n):
        t0 = clock()
        fn()
        append(clock() - t0)
    return out


def time_once_ns(fn: Callable[[], object]) -> int:
    """Duration of one call of ``fn`` in nanoseconds."""
    t0 = time.perf_counter_ns()
    fn()
    return time.perf_counter_ns() - t0


# --------------------------------------------------------------------------
# formatting
# --------------------------------------------------------------------------


def fmt_ns(ns: float) -> str:
    """A duration given in nanoseconds, in a readable unit."""
    if ns < 1e3:
        return f"{ns:.0f} ns"
    if ns < 1e6:
        return f"{ns / 1e3:.1f} us"
    if ns < 1e9:
        return f"{ns / 1e6:.1f} ms"
    return f"{ns / 1e9:.2f} s"


def fmt_bytes(n: float) -> str:
    """A byte count in KB/MB/GB (powers of 1024)."""
    if abs(n) < MB:
        return f"{n / KB:.0f} KB"
    if abs(n) < GB:
        return f"{n / MB:.0f} MB"
    return f"{n / GB:.2f} GB"


def print_table(
    rows: Sequence[Sequence[str]],
    headers: Sequence[str] = TABLE_HEADERS,
    file: TextIO | None = None,
) -> list[list[str]]:
    """Print ``rows`` as an aligned text table under ``headers``.

    Every row must have as many cells as ``headers``. Returns the rows as
    lists of strings (what was printed, without the padding).
    """
    out = sys.stdout if file is None else file
    table = [[str(cell) for cell in row] for row in rows]
    for row in table:
        if len(row) != len(headers):
            raise ValueError(f"row has {len(row)} cells, expected {len(headers)}")
    widths = [len(h) for h in headers]
    for row in table:
        for i, cell in enumerate(row):
            widths[i] = max(widths[i], len(cell))

    def line(cells: Sequence[str]) -> str:
        return " | ".join(c.ljust(w) for c, w in zip(cells, widths, strict=True)).rstrip()

    print(line(headers), file=out)
    print("-+-".join("-" * w for w in widths), file=out)
    for row in table:
        print(line(row), file=out)
    out.flush()
    return table


# --------------------------------------------------------------------------
# memory and threads
# --------------------------------------------------------------------------


def rss_bytes(pid: int | None = None) -> int:
    """Resident set size of a process (default: this one), in bytes."""
    return int(psutil.Process(pid).memory_info().rss)


def num_threads(pid: int | None = None) -> int:
    """OS thread count of a process (default: this one)."""
    return int(psutil.Process(pid).num_threads())


def settle(seconds: float = 0.05) -> None:
    """Collect Python garbage and let background threads go idle."""
    gc.collect()
    time.sleep(seconds)
    gc.collect()


def _busy_cpu_seconds() -> float:
    """CPU seconds the whole machine has spent busy since boot."""
    t = psutil.cpu_times()
    return float(
        t.user
        + t.nice
        + t.system
        + getattr(t, "irq", 0.0)
        + getattr(t, "softirq", 0.0)
        + getattr(t, "steal", 0.0)
    )


def _own_cpu_seconds() -> float:
    """CPU seconds of this process and its finished, waited-for children."""
    me = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime


class CpuWatch:
    """How much CPU *other* processes used while the benchmarks ran.

    Benchmarks on a 2-core machine are only meaningful when it is otherwise
    quiet; :meth:`foreign_share` tells afterwards how quiet it was, as the
    share of all cores (0..1) used by processes other than this one and its
    children.
    """

    def __init__(self) -> None:
        """Start watching now."""
        self._t0 = time.perf_counter()
        self._busy0 = _busy_cpu_seconds()
        self._own0 = _own_cpu_seconds()

    def foreign_share(self) -> float:
        """Share of all CPUs used by other processes since construction."""
        wall = time.perf_counter() - self._t0
        busy = _busy_cpu_seconds() - self._busy0
        own = _own_cpu_seconds() - self._own0
        cpus = os.cpu_count() or 1
        if wall <= 0:
            return 0.0
        return max(0.0, min(1.0, (busy - own) / (wall * cpus)))
