"""Restart latency: from ``ctx.kill()`` to the supervisor's new incarnation answering.

Run from the repository root::

    python bench/bench_restart.py           # 200 kills per configuration
    python bench/bench_restart.py --quick   # 50 kills per configuration

A ``Supervisor`` (one_for_one, an intensity too high to trip) supervises one
context. Each sample kills the current incarnation and times until the next
one, fetched with ``sup.child(id)``, has answered ``eval("1")``: the exit
travelling through the pool's event thread, the supervisor's actor, a new
native context, its API groups and script, and one round trip. It runs for a
bare context (``apis=None``) and for one with the default API groups and a
small script. The target is p99 <= 50 ms.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from _util import CpuWatch, add_quick_flag, fmt_ns, percentiles, print_table

HERE = Path(__file__).resolve().parent
REPO_ROOT = HERE.parent
TARGET_P99_NS = 50_000_000
HEADERS = ("measure", "actors", "target")
WARMUP = 5

SCRIPT = """\
globalThis.state = {started: Date.now(), rooms: new Map()};
function handle(msg) { state.rooms.set(msg.room, (state.rooms.get(msg.room) || 0) + 1); }
Host.onMessage(handle);
"""


def load_actors() -> Any:
    """Import ``actors``: installed, or else from the repository checkout."""
    try:
        return importlib.import_module("actors")
    except ModuleNotFoundError as exc:
        if exc.name != "actors":
            raise
    sys.path.insert(0, str(REPO_ROOT))
    return importlib.import_module("actors")


def next_incarnation(sup: Any, child_id: str, old: Any, timeout: float = 5.0) -> Any:
    """Poll the supervisor until ``child_id`` runs as a new, live incarnation."""
    deadline = time.monotonic() + timeout
    while True:
        child = sup.child(child_id)
        if child is not None and child is not old and child.alive:
            return child
        if time.monotonic() > deadline:
            raise RuntimeError(f"{child_id!r} was not restarted within {timeout} s")


def measure(actors: Any, start: Callable[[], Any], kills: int) -> tuple[list[int], list[int]]:
    """Kill the supervised context ``kills`` times (after a warm-up).

    Returns the nanoseconds of each kill-to-answer, and of each ``kill()`` call alone.
    """
    sup = actors.Supervisor("one_for_one", max_restarts=1_000_000, max_seconds=1.0, name="bench")
    try:
        sup.start_child("victim", start, restart="permanent")
        total: list[int] = []
        kill_only: list[int] = []
        clock = time.perf_counter_ns
        for i in range(WARMUP + kills):
            old = sup.child("victim")
            t0 = clock()
            old.kill()
            t1 = clock()
            new = next_incarnation(sup, "victim", old)
            if new.eval("1") != 1:
                raise AssertionError("the new incarnation answered wrongly")
            t2 = clock()
            if i >= WARMUP:
                total.append(t2 - t0)
                kill_only.append(t1 - t0)
        return total, kill_only
    finally:
        sup.stop()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_quick_flag(parser)
    parser.add_argument("--kills", type=int, default=None, help="kills per configuration")
    args = parser.parse_args(argv)
    kills = args.kills or (50 if args.quick else 200)
    actors = load_actors()

    watch = CpuWatch()
    started = time.perf_counter()
    rows: list[list[str]] = []
    with tempfile.TemporaryDirectory(prefix="bench-restart-") as tmp, actors.ContextPool(size=2) as pool:
        script = Path(tmp) / "app.js"
        script.write_text(SCRIPT, encoding="utf-8")
        configs: list[tuple[str, Callable[[], Any]]] = [
            ("bare context", lambda: pool.spawn(apis=None)),
            ("default apis + script", lambda: pool.spawn(script=script)),
        ]
        for label, start in configs:
            total, kill_only = measure(actors, start, kills)
            pct = percentiles(total, (50.0, 99.0))
            ok = "ok" if pct[99.0] <= TARGET_P99_NS else "MISS"
            rows.append([f"restart p50 ({label})", fmt_ns(pct[50.0]), ""])
            rows.append([f"restart p99 ({label})", f"{fmt_ns(pct[99.0])}  {ok}", "<= 50 ms"])
            rows.append([f"  max ({label})", fmt_ns(max(total)), ""])
            rows.append([f"  kill() call p50 ({label})", fmt_ns(percentiles(kill_only, (50.0,))[50.0]), ""])

    mode = "quick" if args.quick else "full"
    print(
        f"\nactors restart latency ({mode} mode, {kills} kills per configuration, "
        f"{os.cpu_count()} CPUs, {time.perf_counter() - started:.1f} s)\n"
    )
    print_table(rows, headers=HEADERS)
    notes = [
        "restart = kill() called -> sup.child(id) is a new live context -> its eval('1') answered",
        f"{WARMUP} warm-up kills per configuration are not counted",
    ]
    foreign = watch.foreign_share()
    if foreign > 0.05:
        notes.insert(0, f"WARNING: other processes used {foreign:.0%} of the CPUs; timings are unreliable")
    print("\nnotes:")
    for note in notes:
        print("  " + note)
    return 0


if __name__ == "__main__":
    sys.exit(main())
