"""URL parsing: ``actors``' ``url`` group against the same calls in its peers.

Run from the repository root::

    python bench/bench_url.py            # about 30 s
    python bench/bench_url.py --quick    # about 10 s, rougher numbers

Neither peer has a ``URL``: QuickJS-NG (``quickjs``) and V8 in mini-racer
ship the language only, and ``URL`` is a web API that embedders add (Node's is
native C++). So both peers run actors' own polyfill (``url.js``, plain
JavaScript) loaded as a script: the quickjs-ng column shows the same parser in
the same engine without actors around it, the mini-racer column the same
parser under V8's JIT. Node's native ``URL`` is printed in the notes when a
``node`` executable is on PATH.

Every library runs in a fresh subprocess of this file (hidden sub-command
``_child LIB``), so an import error or crash of one only turns its own cells
into ``error: ...``. Each measure is one JavaScript loop of N calls, timed
from Python around one eval; the figure is the median of 5 runs, divided by N.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from _util import CpuWatch, add_quick_flag, fmt_ns, print_table

HERE = Path(__file__).resolve().parent
REPO_ROOT = HERE.parent
RESULT_MARK = "@@BENCH_RESULT@@ "
TARGET_US = 10.0
REPEATS = 5

LIBS = ("actors", "quickjs", "miniracer")

# (label, JavaScript expression evaluated once per iteration, target in us or None)
MEASURES: tuple[tuple[str, str, float | None], ...] = (
    ("new URL(absolute)", "new URL('https://user:pass@example.com:8080/a/b?c=d#e')", TARGET_US),
    ("new URLSearchParams(short query)", "new URLSearchParams('a=1&b=2&c=3')", TARGET_US),
    ("new URL(path, base)", "new URL('/x/y?z=1', 'https://example.com/a/b')", None),
    ("URL.canParse(absolute)", "URL.canParse('https://example.com/a?b#c')", None),
    ("new URL(...).searchParams.get", "new URL('https://h.example/?c=d&e=f').searchParams.get('e')", None),
    ("new URL(needs the full parser)", "new URL('HTTPS://Example.COM:443/a/./b/../c%7e?q=a b')", None),
)

LOOP_JS = "globalThis.__bench = () => { let r; for (let i = 0; i < %d; i++) r = %s; return typeof r; }; 0"

# The polyfill is a function expression `(native, global) => exports`; the
# peers give it a `native` whose host call fails, as actors' does for a domain
# that UTS #46 rejects (the inputs here are ASCII and never call it).
LOAD_POLYFILL_JS = (
    "globalThis.__api = (%s)({ callSync() { return null; } }, globalThis);"
    "globalThis.URL = __api.URL; globalThis.URLSearchParams = __api.URLSearchParams; 0"
)


def _polyfill_source() -> str:
    sys.path.insert(0, str(REPO_ROOT))
    from actors.apis.loader import polyfill_dir

    return (polyfill_dir() / "url.js").read_text(encoding="utf-8")


def _make_eval(lib: str) -> tuple[Callable[[str], Any], Callable[[], None]]:
    """An eval for ``lib`` with URL and URLSearchParams defined, and its closer."""
    if lib == "actors":
        sys.path.insert(0, str(REPO_ROOT))
        import actors

        pool = actors.ContextPool(size=1)
        ctx = pool.spawn(apis=["url"], timeout=120.0)

        def close_actors() -> None:
            ctx.stop()
            pool.stop()

        return ctx.eval, close_actors
    if lib == "quickjs":
        import quickjs

        qctx: Any = quickjs.Context()
        qctx.eval(LOAD_POLYFILL_JS % _polyfill_source())
        return qctx.eval, lambda: None
    if lib == "miniracer":
        from py_mini_racer import MiniRacer

        mr = MiniRacer()
        mr.eval(LOAD_POLYFILL_JS % _polyfill_source())
        return mr.eval, mr.close
    raise ValueError(f"unknown library {lib!r}")


def child(lib: str, quick: bool) -> dict[str, float]:
    """Per-call nanoseconds of every measure in ``lib``."""
    n = 2_000 if quick else 20_000
    ev, close = _make_eval(lib)
    out: dict[str, float] = {}
    try:
        for label, expr, _ in MEASURES:
            ev(LOOP_JS % (n, expr))
            ev("__bench(); 0")  # warm-up: lazy group load, JIT, the base cache
            runs, cpu = [], []
            for _ in range(REPEATS):
                c0 = time.process_time_ns()
                t0 = time.perf_counter_ns()
                ev("__bench(); 0")
                runs.append((time.perf_counter_ns() - t0) / n)
                cpu.append((time.process_time_ns() - c0) / n)
            out[label] = statistics.median(runs)
            out["cpu:" + label] = statistics.median(cpu)
    finally:
        close()
    return out


def node_figures(quick: bool) -> dict[str, float] | None:
    """The same loops with Node's native URL, when ``node`` is installed."""
    node = shutil.which("node")
    if node is None:
        return None
    n = 20_000 if quick else 200_000
    script = "const out = {};\n"
    for label, expr, _ in MEASURES:
        script += (
            f"{{ const f = () => {{ let r; for (let i = 0; i < {n}; i++) r = {expr}; return typeof r; }};"
            " f(); const runs = [];"
            f" for (let k = 0; k < {REPEATS}; k++) {{ const t = process.hrtime.bigint(); f();"
            f" runs.push(Number(process.hrtime.bigint() - t) / {n}); }}"
            f" runs.sort((a, b) => a - b); out[{json.dumps(label)}] = runs[{REPEATS // 2}]; }}\n"
        )
    script += "process.stdout.write(JSON.stringify(out));"
    proc = subprocess.run([node, "-e", script], capture_output=True, text=True, timeout=300, check=False)
    if proc.returncode != 0:
        return None
    figures: dict[str, float] = json.loads(proc.stdout)
    return figures


def run_child(lib: str, quick: bool) -> dict[str, float] | str:
    """Run ``_child lib`` in a fresh interpreter; its figures or an error text."""
    cmd = [sys.executable, str(Path(__file__).resolve()), "_child", lib] + (["--quick"] if quick else [])
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=600, check=False)
    except subprocess.TimeoutExpired:
        return "error: timed out"
    for line in proc.stdout.splitlines():
        if line.startswith(RESULT_MARK):
            figures: dict[str, float] = json.loads(line[len(RESULT_MARK) :])
            return figures
    tail = (proc.stderr.strip().splitlines() or ["no output"])[-1]
    return f"error: {tail[:80]}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_quick_flag(parser)
    args = parser.parse_args()
    watch = CpuWatch()
    results = {lib: run_child(lib, args.quick) for lib in LIBS}
    node = node_figures(args.quick)
    rows = []
    for label, _, target in MEASURES:
        cells = []
        for lib in LIBS:
            r = results[lib]
            cells.append(r if isinstance(r, str) else fmt_ns(r[label]))
        mark = ""
        ours = results["actors"]
        if target is not None and not isinstance(ours, str):
            mark = " ok" if ours[label] <= target * 1e3 else " MISS"
        cells[0] += mark
        rows.append([label, *cells, f"<= {target:.0f} us" if target is not None else ""])
    print_table(rows)
    n = 2_000 if args.quick else 20_000
    print()
    print(f"notes: each figure is the median of {REPEATS} loops of {n} calls in one eval, per call.")
    print("  quickjs-ng and mini-racer have no URL: both run actors' url.js polyfill as a plain script.")
    print("  absolute: 'https://user:pass@example.com:8080/a/b?c=d#e'; short query: 'a=1&b=2&c=3'.")
    for lib in LIBS:
        r = results[lib]
        if not isinstance(r, str):
            cpu = "; ".join(f"{fmt_ns(r['cpu:' + label])}" for label, _, _ in MEASURES)
            print(f"  {lib} process CPU time per call, same rows (less inflated on a busy machine): {cpu}")
    if node is not None:
        print("  Node's native URL (C++): " + "; ".join(f"{k} {fmt_ns(v)}" for k, v in node.items()))
    else:
        print("  Node's native URL: n/a (no node on PATH)")
    share = watch.foreign_share()
    if share > 0.05:
        print(f"  WARNING: other processes used {share:.0%} of the CPUs ; wall times are inflated.")


if __name__ == "__main__":
    if len(sys.argv) >= 3 and sys.argv[1] == "_child":
        figures = child(sys.argv[2], "--quick" in sys.argv[3:])
        print(RESULT_MARK + json.dumps(figures), flush=True)
    else:
        main()
