"""Live sessions: the cost of finding what changed after an event, three ways.

Run from the repository root::

    python bench/bench_live_patches.py           # 300 events per size
    python bench/bench_live_patches.py --quick   # 50 events per size

A component renders a list of N rows (``<li><span>text</span> <b>count</b> <button>``);
each event bumps the count of one random row. Timed per event, median, in thread mode
(one native thread):

1. the handler alone (a plain ``ctx.call`` in a second context with the same component
   and no live runtime, so no observer), the floor;
2. ``__live_event`` of the live runtime: the handler, then the diff of only what the
   ``MutationObserver`` saw change (the strategy ``actors.live`` uses);
3. the handler, then a host-side snapshot (``ctx.dom_find("body")``: the C reader, no
   JavaScript) and a diff of the two snapshots in Python;
4. a full walk of the tree in the context (``__live_tree``, no diff): a lower bound of
   diffing whole snapshots without the observer.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from importlib import resources
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import actors

COMPONENT = """
const ROWS = %d;
const rows = Array.from({length: ROWS}, (_, i) => ({text: 'row ' + i, n: 0}));
document.body.innerHTML = '<main><h1>List</h1><ul></ul></main>';
const ul = document.querySelector('ul');
const counts = [];
for (const r of rows) {
  const li = document.createElement('li');
  li.innerHTML = '<span></span> <b>0</b> <button data-on-click="bump">+</button>';
  li.firstChild.textContent = r.text;
  counts.push(li.querySelector('b'));
  ul.append(li);
}
function bump() { const i = Math.floor(Math.random() * ROWS); counts[i].textContent = String(++rows[i].n); }
live.on('bump', bump);
globalThis.plain = () => { bump(); return null; };
null;
"""


def diff(a: Any, b: Any, ops: list[Any]) -> None:
    """A structural diff of two host snapshots (tuples), the same shape of work as the runtime's."""
    if isinstance(a, str) or isinstance(b, str):
        if a != b:
            ops.append(("t", b))
        return
    if a[0] != b[0]:
        ops.append(("r", b))
        return
    if a[1] != b[1]:
        ops.append(("a", b[1]))
    for x, y in zip(a[2], b[2], strict=False):
        diff(x, y, ops)
    if len(a[2]) != len(b[2]):
        ops.append(("n", len(b[2])))


def median_us(samples: list[float]) -> float:
    return statistics.median(samples) * 1e6


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="50 events per size")
    args = parser.parse_args()
    n = 50 if args.quick else 300
    runtime = resources.files("actors.live").joinpath("runtime.js").read_text(encoding="utf-8")
    print("| rows | handler alone | in-context diff (observer-driven) | host snapshot + Python diff", end="")
    print(" | full walk alone |")
    print("|---|---|---|---|---|")
    with actors.ContextPool(size=1, processes=0) as pool:
        for rows in (10, 100, 1000):
            ctx = pool.spawn(apis=["dom"], timeout=30)
            ctx.set_global("__live_restored", None)
            ctx.eval(runtime)
            ctx.eval(COMPONENT % rows)
            ctx.call("__live_tree")
            bare = pool.spawn(apis=["dom"], timeout=30)
            bare.eval("globalThis.live = {on() {}, keep() {}, restored: undefined}; null")
            bare.eval(COMPONENT % rows)
            event = {"h": "bump", "type": "click", "path": []}
            floor, live, host, full = [], [], [], []
            prev = bare.dom_find("body")
            for _ in range(n):
                t = time.perf_counter()
                bare.call("plain")
                floor.append(time.perf_counter() - t)
                t = time.perf_counter()
                ctx.call("__live_event", event)
                live.append(time.perf_counter() - t)
                t = time.perf_counter()
                bare.call("plain")
                snap = bare.dom_find("body")
                ops: list[Any] = []
                diff(prev, snap, ops)
                host.append(time.perf_counter() - t)
                prev = snap
            for _ in range(n):
                t = time.perf_counter()
                ctx.call("__live_tree")
                full.append(time.perf_counter() - t)
            print(
                f"| {rows} | {median_us(floor):.0f} us | {median_us(live):.0f} us | "
                f"{median_us(host):.0f} us | {median_us(full):.0f} us |"
            )
            ctx.stop()
            bare.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
