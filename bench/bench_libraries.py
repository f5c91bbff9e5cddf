"""Real libraries: load time, per-call latency and memory per context, beside the peers.

Run from the repository root::

    python bench/bench_libraries.py            # about 2 minutes
    python bench/bench_libraries.py --quick    # about 40 s, rougher numbers
    python bench/bench_libraries.py --only katex,zod

The libraries are published npm packages, pinned in ``SPECS`` and installed
from the npm registry into ``$ACTORS_BENCH_NPM`` (default
``~/.cache/actors-bench-npm``) with the command in ``INSTALL`` (the script
runs it when ``npm`` is on PATH and a package is missing). Each is loaded as
a plain script, from its UMD build (zod 4 publishes only CommonJS files
besides its ES modules: the script links its CommonJS files into one script,
each file a function, as a bundler would). A short glue script after the
library defines ``__call()``, the call measured; the glue is the same text in
every engine.

Per library and engine, in a fresh subprocess (hidden sub-command
``_child ENGINE LIB``), so memory never mixes:

* load (source): a new context with the library loaded from its source text;
  ``actors``: ``pool.spawn(script=path)``, quickjs-ng: ``quickjs.Context()``
  then ``eval``, mini-racer: ``MiniRacer()`` then ``eval``. Median of K.
* load (bytecode): ``actors``: ``pool.spawn(script=pool.compile(source))``,
  compiled once before timing (``n/a`` without ``ContextPool.compile``).
  The peers publish no way to load compiled code: ``n/a``.
* call: one ``__call()`` from Python, result converted back (a string).
  Median of M.
* RSS/context: process RSS growth over N loaded contexts, divided by N
  (mini-racer: each context is a V8 isolate). heap/context: the engine's own
  figure for one of them after a GC (QuickJS ``JS_ComputeMemoryUsage``
  ``malloc_size``; V8 ``used_heap_size``).

``actors`` contexts use the pool's default API groups (``"browser"``),
what a user gets without choosing; the notes give the heap with
``apis=None`` too, the same bare engine as the peers. Node's figures (when
``node`` is on PATH) come from ``vm`` contexts in one Node process: load from
source, load with V8's code cache (``cachedData``), a call, and RSS per
context.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from _util import CpuWatch, add_quick_flag, fmt_ns, print_table, rss_bytes, settle

HERE = Path(__file__).resolve().parent
REPO_ROOT = HERE.parent
RESULT_MARK = "@@BENCH_RESULT@@ "

NPM_DIR = Path(os.environ.get("ACTORS_BENCH_NPM", Path.home() / ".cache" / "actors-bench-npm"))
MODULES = NPM_DIR / "node_modules"
SPECS = (
    "marked@18.3.0",
    "handlebars@4.7.10",
    "preact@10.29.8",
    "preact-render-to-string@6.8.3",
    "katex@0.19.1",
    "zod@4.6.7",
)
INSTALL = ["npm", "install", "--no-audit", "--no-fund", "--prefix", str(NPM_DIR), *SPECS]

ENGINES = ("actors", "quickjs", "miniracer")
HEADERS = ("measure", "actors", "quickjs-ng", "mini-racer", "node")

MARKDOWN = (
    "# Title\n\nSome *emphasis*, **strong** and `code`, a [link](https://example.com).\n\n"
    + "".join(f"- item {i} with _text_\n" for i in range(20))
    + "\n```js\nconst x = 1;\n```\n\n> a quote\n\n| a | b |\n|---|---|\n| 1 | 2 |\n"
)

# (library, files under node_modules loaded in order, glue defining __call)
LIBRARIES: dict[str, tuple[tuple[str, ...], str]] = {
    "marked": (
        ("marked/lib/marked.umd.js",),
        f"globalThis.__call = () => marked.parse({json.dumps(MARKDOWN)});",
    ),
    "handlebars": (
        ("handlebars/dist/handlebars.min.js",),
        """const __tpl = Handlebars.compile(
             '<ul>{{#each items}}<li class="{{cls}}">{{name}}: {{price}}</li>{{/each}}</ul>');
           const __data = { items: Array.from({ length: 20 },
             (_, i) => ({ cls: 'c' + i, name: 'n<' + i, price: i * 3 })) };
           globalThis.__call = () => __tpl(__data);""",
    ),
    "preact SSR": (
        ("preact/dist/preact.min.umd.js", "preact-render-to-string/dist/index.umd.js"),
        """const { h } = preact;
           const __Row = ({ i }) => h('li', { class: i % 2 ? 'odd' : 'even' }, 'row ', i);
           const __App = ({ n }) => h('main', null, h('h1', null, 'Hello'),
             h('ul', null, Array.from({ length: n }, (_, i) => h(__Row, { i, key: i }))));
           globalThis.__call = () => preactRenderToString.render(h(__App, { n: 20 }));""",
    ),
    "katex": (
        ("katex/dist/katex.min.js",),
        "globalThis.__call = () => katex.renderToString("
        "'\\\\int_0^\\\\infty e^{-x^2}\\\\,dx = \\\\frac{\\\\sqrt{\\\\pi}}{2}');",
    ),
    "zod": (
        ("zod/index.cjs",),
        """const { z } = globalThis.zod;
           const __User = z.object({ name: z.string().min(1), age: z.number().int().min(0),
             email: z.string().email(), tags: z.array(z.string()).max(10) });
           const __input = { name: 'Ada', age: 36, email: 'ada@example.com', tags: ['a', 'b'] };
           globalThis.__call = () => JSON.stringify(__User.parse(__input));""",
    ),
}

_REQUIRE = re.compile(r"""\brequire\(\s*["']([^"']+)["']\s*\)""")


def cjs_bundle(entry: Path, global_name: str) -> str:
    """A CommonJS package's files reachable from ``entry`` linked into one plain script
    that sets ``globalThis[global_name]`` to the entry's exports (relative requires only)."""
    files: dict[str, str] = {}
    root = entry.parent

    def resolve(base: Path, spec: str) -> Path:
        if not spec.startswith("."):
            raise ValueError(f"{entry}: require({spec!r}) is not relative: not bundled")
        p = (base / spec).resolve()
        for cand in (p, Path(str(p) + ".cjs"), Path(str(p) + ".js"), p / "index.cjs", p / "index.js"):
            if cand.is_file():
                return cand
        raise FileNotFoundError(f"{entry}: cannot resolve {spec!r} from {base}")

    def visit(path: Path) -> str:
        key = path.relative_to(root).as_posix()
        if key in files:
            return key
        files[key] = ""
        text = path.read_text(encoding="utf-8")

        def link(m: re.Match[str]) -> str:
            return f"require({json.dumps(visit(resolve(path.parent, m.group(1))))})"

        files[key] = _REQUIRE.sub(link, text)
        return key

    top = visit(entry)
    defs = ",\n".join(
        f"{json.dumps(k)}: function (module, exports, require) {{\n{src}\n}}" for k, src in files.items()
    )
    return (
        "(function () {\nconst defs = {\n" + defs + "\n};\nconst cache = {};\n"
        "function require(k) {\n  if (k in cache) return cache[k].exports;\n"
        "  const module = cache[k] = { exports: {} };\n"
        "  defs[k].call(module.exports, module, module.exports, require);\n  return module.exports;\n}\n"
        f"globalThis[{json.dumps(global_name)}] = require({json.dumps(top)});\n}})();\n"
    )


def ensure_installed() -> str | None:
    """None when every package is installed (installing them if npm can), else why not."""

    def missing() -> list[str]:
        out = []
        for files, _ in LIBRARIES.values():
            out += [f for f in files if not (MODULES / f).is_file()]
        return out

    if not missing():
        return None
    if shutil.which("npm") is None:
        return f"packages missing in {NPM_DIR} and no npm on PATH; run: {' '.join(INSTALL)}"
    subprocess.run(INSTALL, check=False, capture_output=True, timeout=600)
    left = missing()
    return None if not left else f"still missing after npm install: {', '.join(left)}"


# What a bare engine lacks that the UMD builds read: `self` (preact 10's build
# assigns `self.preact` unconditionally). The peers, Node's vm contexts and an
# actors context with apis=None get it first; a browser-like context has it.
BARE_PRELUDE = "globalThis.self = globalThis;\n"

# __call returns a flat string: quickjs-ng's Python binding cannot convert the
# engine's rope strings ("Unknown quickjs tag: -6"), so every engine gets the
# same join
FLATTEN = "globalThis.__call = ((work) => () => [work()].join(''))(globalThis.__call);"


def library_source(lib: str, bare: bool = False) -> str:
    """The one script a context loads for ``lib``: its files, then the glue
    (after :data:`BARE_PRELUDE` for an engine without web globals)."""
    files, glue = LIBRARIES[lib]
    parts = []
    for f in files:
        path = MODULES / f
        if f.endswith(".cjs"):
            parts.append(cjs_bundle(path, "zod"))
        else:
            parts.append(path.read_text(encoding="utf-8"))
    # `void 0` last: the script's completion value is never a function
    prelude = BARE_PRELUDE if bare else ""
    return prelude + "\n;\n".join(parts) + "\n;\n" + glue + "\n" + FLATTEN + "\nvoid 0;\n"


# --------------------------------------------------------------------------
# one engine, one library (a child process)
# --------------------------------------------------------------------------


def _medians(fn: Callable[[], object], n: int) -> tuple[float, float]:
    """Median wall and process-CPU nanoseconds of ``n`` calls of ``fn``."""
    wall, cpu = [], []
    for _ in range(n):
        c0 = time.process_time_ns()
        t0 = time.perf_counter_ns()
        fn()
        wall.append(time.perf_counter_ns() - t0)
        cpu.append(time.process_time_ns() - c0)
    return float(statistics.median(wall)), float(statistics.median(cpu))


def _cpu_ns(fn: Callable[[], object]) -> float:
    c0 = time.process_time_ns()
    fn()
    return float(time.process_time_ns() - c0)


class _Engine:
    """One engine's way to make a context with the library, call it, weigh it, close it."""

    def __init__(self, engine: str, lib: str, tmp: Path) -> None:
        self.engine = engine
        self.source = library_source(lib, bare=engine != "actors")
        self.pool: Any = None
        self.path = tmp / f"{lib.replace(' ', '_')}.js"
        self.path.write_text(self.source, encoding="utf-8")
        self.bare_path = tmp / "bare.js"
        self.bare_path.write_text(library_source(lib, bare=True), encoding="utf-8")
        if engine == "actors":
            sys.path.insert(0, str(REPO_ROOT))
            import actors

            self.pool = actors.ContextPool(size=2)
        elif engine == "quickjs":
            import quickjs

            self.quickjs = quickjs
        elif engine == "miniracer":
            from py_mini_racer import MiniRacer

            self.racer = MiniRacer
        else:
            raise ValueError(f"unknown engine {engine!r}")

    def new(self, script: Any = None) -> Any:
        """A context with the library loaded (from ``script`` when given: actors' compiled Script)."""
        if self.engine == "actors":
            return self.pool.spawn(script=self.path if script is None else script, timeout=60.0)
        if self.engine == "quickjs":
            q = self.quickjs.Context()
            q.set_max_stack_size(1024 * 1024)
            q.eval(self.source)
            return q
        m = self.racer()
        m.eval(self.source)
        return m

    def caller(self, c: Any) -> Callable[[], Any]:
        if self.engine == "actors":
            return lambda: c.call("__call")
        if self.engine == "quickjs":
            fn = c.get("__call")
            return lambda: fn()
        return lambda: c.call("__call")

    def run_js(self, c: Any, code: str) -> Any:
        """Evaluate ``code`` (an expression with a JSON-able value) in context ``c``."""
        if self.engine == "actors":
            return c.eval(code)
        return c.eval(code)

    def heap(self, c: Any) -> int:
        if self.engine == "actors":
            c.gc()
            return int(c.memory_usage()["malloc_size"])
        if self.engine == "quickjs":
            c.gc()
            return int(c.memory()["malloc_size"])
        c.low_memory_notification()
        return int(c.heap_stats()["used_heap_size"])

    def close(self, c: Any) -> None:
        if self.engine == "actors":
            c.stop()
        elif self.engine == "miniracer":
            c.close()


def child(engine: str, lib: str, quick: bool) -> dict[str, Any]:
    """The figures of ``lib`` in ``engine``."""
    loads = 3 if quick else 10
    calls = 50 if quick else 300
    ncontexts = 10 if quick else 40
    out: dict[str, Any] = {}
    with tempfile.TemporaryDirectory() as tmp:
        e = _Engine(engine, lib, Path(tmp))
        # memory first, in a process that has made no context yet: memory
        # freed by earlier contexts would be reused and hide the growth
        e.close(e.new())
        settle(0.2)
        r0 = rss_bytes()
        many = [e.new() for _ in range(ncontexts)]
        settle(0.2)
        out["rss"] = (rss_bytes() - r0) / ncontexts
        out["heap"] = e.heap(many[0])
        for c in many:
            e.close(c)
        del many
        kept: list[Any] = []
        out["load_source"], out["cpu_load_source"] = _medians(lambda: kept.append(e.new()), loads)
        if engine == "actors" and hasattr(e.pool, "compile"):
            t0 = time.perf_counter_ns()
            compiled = e.pool.compile(e.source, filename=e.path.name)
            out["compile"] = time.perf_counter_ns() - t0
            out["load_bytecode"], out["cpu_load_bytecode"] = _medians(
                lambda: kept.append(e.new(compiled)), loads
            )
        for c in kept:
            e.close(c)
        c = e.new()
        call = e.caller(c)
        out["result_len"] = len(call())
        out["call"], out["cpu_call"] = _medians(call, calls)
        # the same calls from a loop inside the engine (no host round trip),
        # timed in process CPU: the loop runs about 50 ms
        k = max(20, min(20_000, int(50e6 / max(out["call"], 1.0))))
        out["loop_calls"] = k
        loop = f"(() => {{ for (let i = 0; i < {k}; i++) __call(); return 0; }})()"
        e.run_js(c, loop)
        out["call_js"] = statistics.median(_cpu_ns(lambda: e.run_js(c, loop)) for _ in range(3)) / k
        e.close(c)
        if engine == "actors":
            c = e.pool.spawn(script=e.bare_path, apis=None, timeout=60.0)
            out["heap_bare"] = e.heap(c)
            c.stop()
            e.pool.stop()
    return out


NODE_SCRIPT = r"""
const vm = require('vm');
const fs = require('fs');
const [srcPath, loads, calls, n] = process.argv.slice(1).map((a, i) => i ? Number(a) : a);
const src = fs.readFileSync(srcPath, 'utf8');
const ns = (t) => Number(process.hrtime.bigint() - t);
const median = (a) => { a.sort((x, y) => x - y); return a[a.length >> 1]; };
const load = (cachedData) => {
  const c = vm.createContext({});
  new vm.Script(src, { filename: 'lib.js', cachedData }).runInContext(c);
  return c;
};
const out = {};
let runs = [];
for (let i = 0; i < loads; i++) { const t = process.hrtime.bigint(); load(); runs.push(ns(t)); }
out.load_source = median(runs);
const cache = new vm.Script(src, { filename: 'lib.js' }).createCachedData();
runs = [];
for (let i = 0; i < loads; i++) { const t = process.hrtime.bigint(); load(cache); runs.push(ns(t)); }
out.load_bytecode = median(runs);
const c = load();
const f = c.__call;
f();
runs = [];
for (let i = 0; i < calls; i++) { const t = process.hrtime.bigint(); f(); runs.push(ns(t)); }
out.call = median(runs);
out.result_len = f().length;
const k = Math.max(20, Math.min(20000, Math.floor(50e6 / Math.max(out.call, 1))));
const cpuNs = () => { const u = process.cpuUsage(); return (u.user + u.system) * 1000; };
runs = [];
for (let j = 0; j < 3; j++) {
  const c0 = cpuNs();
  for (let i = 0; i < k; i++) f();
  runs.push((cpuNs() - c0) / k);
}
out.call_js = median(runs);
global.gc();
const m0 = process.memoryUsage();
const many = [];
for (let i = 0; i < n; i++) many.push(load(cache));
global.gc();
const m1 = process.memoryUsage();
out.rss = (m1.rss - m0.rss) / n;
out.heap = (m1.heapUsed - m0.heapUsed) / n;
out.kept = many.length;  // read after the GC: the contexts stay alive through it
process.stdout.write(JSON.stringify(out));
"""


def node_figures(lib: str, quick: bool) -> dict[str, Any] | str | None:
    """Node's figures for ``lib`` (vm contexts), None without node."""
    node = shutil.which("node")
    if node is None:
        return None
    loads, calls, n = (3, 50, 10) if quick else (10, 300, 40)
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "lib.js"
        src.write_text(library_source(lib, bare=True), encoding="utf-8")
        cmd = [node, "--expose-gc", "-e", NODE_SCRIPT, str(src), str(loads), str(calls), str(n)]
        try:
            proc = subprocess.run(cmd, capture_output=True, text=True, timeout=300, check=False)
        except subprocess.TimeoutExpired:
            return "error: timed out"
    if proc.returncode != 0:
        return f"error: {(proc.stderr.strip().splitlines() or ['?'])[-1][:60]}"
    figures: dict[str, Any] = json.loads(proc.stdout)
    return figures


def run_child(engine: str, lib: str, quick: bool) -> dict[str, Any] | str:
    """Run ``_child engine lib`` in a fresh interpreter; its figures or an error text."""
    cmd = [sys.executable, str(Path(__file__).resolve()), "_child", engine, lib] + (
        ["--quick"] if quick else []
    )
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=900, check=False)
    except subprocess.TimeoutExpired:
        return "error: timed out"
    for line in proc.stdout.splitlines():
        if line.startswith(RESULT_MARK):
            figures: dict[str, Any] = json.loads(line[len(RESULT_MARK) :])
            return figures
    tail = (proc.stderr.strip().splitlines() or ["no output"])[-1]
    return f"error: {tail[:80]}"


def _kb(n: float) -> str:
    return f"{n / 1024:,.0f} KB"


def _cell(r: dict[str, Any] | str | None, key: str, fmt: Callable[[float], str]) -> str:
    if r is None:
        return "n/a"
    if isinstance(r, str):
        return r
    return fmt(r[key]) if key in r else "n/a"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_quick_flag(parser)
    parser.add_argument("--only", help="comma-separated libraries (default: all)")
    args = parser.parse_args()
    why = ensure_installed()
    if why is not None:
        sys.exit(why)
    libs = list(LIBRARIES) if not args.only else [s.strip() for s in args.only.split(",")]
    watch = CpuWatch()
    rows: list[list[str]] = []
    results: dict[str, dict[str, Any]] = {}
    for lib in libs:
        res: dict[str, Any] = {e: run_child(e, lib, args.quick) for e in ENGINES}
        res["node"] = node_figures(lib, args.quick)
        results[lib] = res
        cols = (*ENGINES, "node")
        rows.append([f"{lib}: load (source)", *(_cell(res[e], "load_source", fmt_ns) for e in cols)])
        rows.append([f"{lib}: load (bytecode)", *(_cell(res[e], "load_bytecode", fmt_ns) for e in cols)])
        rows.append([f"{lib}: call from Python", *(_cell(res[e], "call", fmt_ns) for e in cols)])
        rows.append([f"{lib}: call in a JS loop", *(_cell(res[e], "call_js", fmt_ns) for e in cols)])
        rows.append([f"{lib}: RSS/context", *(_cell(res[e], "rss", _kb) for e in cols)])
        rows.append([f"{lib}: heap/context", *(_cell(res[e], "heap", _kb) for e in cols)])
    print_table(rows, headers=HEADERS)
    loads, calls, n = (3, 50, 10) if args.quick else (10, 300, 40)
    print()
    print(f"notes: load = median of {loads} new contexts with the library; call from Python = median of")
    print(
        f"  {calls} calls of __call() from the host, result converted to a str; call in a JS loop = process"
    )
    print("  CPU time of a loop of calls inside the engine (~50 ms; median of 3), per call;")
    print(f"  RSS/context = RSS growth over {n} loaded contexts / {n}; heap = the engine's figure for")
    print("  one context after a GC.")
    print("  actors contexts have the default API groups ('browser'); with apis=None the heap is:")
    for lib in libs:
        a = results[lib]["actors"]
        if isinstance(a, dict):
            extra = f", compile once {fmt_ns(a['compile'])}" if "compile" in a else ""
            print(f"    {lib}: {_kb(a['heap_bare'])} (browser {_kb(a['heap'])}){extra}")
    print("  load (bytecode): actors spawn(script=pool.compile(...)); node vm.Script with V8's cachedData;")
    print("  quickjs-ng and mini-racer publish no way to load compiled code (n/a).")
    print("  mini-racer: each context is a V8 isolate; heap = V8 used_heap_size.")
    print("  node: vm contexts in one process; heap = growth of V8's heapUsed over them / contexts.")
    print(f"  packages: {', '.join(SPECS)} (zod: its CommonJS files linked into one script).")
    print("  process CPU time (less inflated than wall on a busy machine), load (source) / call from Python:")
    for lib in libs:
        cpu = []
        for e in ENGINES:
            r = results[lib][e]
            if isinstance(r, dict):
                cpu.append(f"{e} {fmt_ns(r['cpu_load_source'])} / {fmt_ns(r['cpu_call'])}")
        print(f"    {lib}: " + "; ".join(cpu))
    share = watch.foreign_share()
    if share > 0.05:
        print(f"  WARNING: other processes used {share:.0%} of the CPUs; wall times are inflated.")


if __name__ == "__main__":
    if len(sys.argv) >= 4 and sys.argv[1] == "_child":
        figures = child(sys.argv[2], sys.argv[3], "--quick" in sys.argv[4:])
        print(RESULT_MARK + json.dumps(figures), flush=True)
    else:
        main()
