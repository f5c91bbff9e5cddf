"""API groups: memory per context and creation cost, untouched and loaded.

Each configuration runs in a fresh subprocess: N contexts are spawned with
the given ``apis=``, optionally every global of the groups is touched (which
loads the groups from bytecode), and the RSS growth per context is reported,
beside QuickBEAM's published figures. A second table compares loading a group
from precompiled bytecode (what contexts do) with evaluating its source.

Run: ``python bench/bench_apis.py [--quick]``.
"""

from __future__ import annotations

import gc
import json
import subprocess
import sys
import time
from pathlib import Path

import psutil

QUICKBEAM = {"bare": "58 KB", "url": "108 KB", "fetch": "231 KB", "browser": "429 KB"}


def _touch_code(groups: list[str]) -> str:
    from actors.apis import REGISTRY

    names = [n for g in groups for n in REGISTRY[g].globals]
    return "[" + ", ".join(f"typeof {n} === 'undefined' ? 0 : {n}" for n in names) + "].length"


def child(apis: str, touch: bool, n: int) -> None:
    import actors

    spec = None if apis == "bare" else ("browser" if apis == "browser" else [apis])
    with actors.ContextPool(size=2) as pool:
        warm = pool.spawn(apis=spec)
        code = _touch_code(list(warm._options.apis)) if touch else "0"
        warm.eval(code)
        gc.collect()
        proc = psutil.Process()
        before = proc.memory_info().rss
        started = time.perf_counter()
        contexts = [pool.spawn(apis=spec) for _ in range(n)]
        spawn_s = time.perf_counter() - started
        started = time.perf_counter()
        for c in contexts:
            c.eval(code)
        touch_s = time.perf_counter() - started
        gc.collect()
        after = proc.memory_info().rss
        heap = contexts[0].memory_usage()["malloc_size"]
    print(
        json.dumps(
            {
                "rss": (after - before) / n,
                "spawn_ms": spawn_s / n * 1e3,
                "touch_ms": touch_s / n * 1e3,
                "heap": heap,
            }
        )
    )


def load_cost(n: int) -> list[tuple[str, float, float]]:
    """Per group: ms to load from bytecode (first touch) vs evaluating the source."""
    import actors
    from actors.apis import REGISTRY
    from actors.apis.loader import group_source

    rows = []
    with actors.ContextPool(size=1) as pool:
        for name, group in REGISTRY.items():
            if group.polyfill is None or name.startswith("_"):
                continue
            source = group_source(name)  # as compiled: linked with its shared pieces
            first = group.globals[0]
            bc, src = [], []
            for _ in range(n):
                ctx = pool.spawn(apis=[name])
                t = time.perf_counter()
                ctx.eval(f"void {first}")
                bc.append(time.perf_counter() - t)
                bare = pool.spawn(apis=None)
                t = time.perf_counter()
                bare.eval(f"void ({source})")  # parse + compile + create the function
                src.append(time.perf_counter() - t)
                ctx.stop()
                bare.stop()
            rows.append((name, sorted(bc)[n // 2] * 1e3, sorted(src)[n // 2] * 1e3))
    return rows


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "_child":
        child(sys.argv[2], sys.argv[3] == "1", int(sys.argv[4]))
        return
    quick = "--quick" in sys.argv
    n = 200 if quick else 1000
    from actors.apis import GROUPS, REGISTRY

    configs = (
        [("bare", False)]
        + [(g, False) for g in GROUPS if g in REGISTRY]
        + [(g, True) for g in GROUPS if g in REGISTRY and REGISTRY[g].polyfill]
        + [("browser", False), ("browser", True)]
    )
    rows = []
    for apis, touch in configs:
        out = subprocess.run(
            [sys.executable, __file__, "_child", apis, "1" if touch else "0", str(n)],
            capture_output=True,
            text=True,
            check=True,
        )
        r = json.loads(out.stdout.strip().splitlines()[-1])
        label = f"{apis}{' (every global touched)' if touch else ''}"
        rows.append((label, r))
    print(f"RSS per context ({n} held, 2 CPUs)")
    print(f"{'apis':<40} | {'RSS/ctx':>9} | {'heap':>8} | {'spawn':>9} | {'touch':>9} | QuickBEAM")
    print("-" * 100)
    for label, r in rows:
        key = label.split()[0]
        rss, heap = r["rss"] / 1024, r["heap"] / 1024
        print(
            f"{label:<40} | {rss:7.1f} KB | {heap:5.1f} KB | {r['spawn_ms']:6.3f} ms |"
            f" {r['touch_ms']:6.3f} ms | {QUICKBEAM.get(key, '')}"
        )
    print()
    print("loading a group into a context: from bytecode (first touch) vs evaluating its source")
    print(f"{'group':<14} | {'bytecode':>10} | {'source':>10}")
    for name, bc, src in load_cost(5 if quick else 20):
        print(f"{name:<14} | {bc:7.3f} ms | {src:7.3f} ms")


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    main()
