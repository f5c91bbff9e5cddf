"""Target ``programs``: small generated programs under tight memory, reduction and time limits.

Statements from allocation, string, regex, recursion and builtin-loop
templates (including builtins that may never poll the interrupt handler,
issue 11 item 5), ``throw null`` (item 2), and "eval with the heap almost
full": fill the heap to its limit, free a little, then compile generated
source repeatedly (the compiler's out-of-memory paths, item 6).

Properties: only typed errors; ``MemoryLimitError`` only with a memory
limit; every operation ends within its timeout plus a grace; a context that
exits does so for ``memory`` only under a memory limit; the context and its
sibling keep answering.
"""

# ruff: noqa: E501 (JavaScript and frame templates read best one per line)

from __future__ import annotations

import random
from typing import Any

import actors
from tests.fuzz.core import GRACE, Env, Finding, timed

_N = [0, 1, 10, 1000, 100000, 2**20, 2**26, 2**31 - 1, 2**32 - 1]

_STMTS = [
    "{{ let s = ''; for (let i = 0; i < {n}; i++) s += 'ab'; }}",
    "{{ const a = []; for (let i = 0; i < {n}; i++) a.push({{i, s: 'x'.repeat(16)}}); }}",
    "{{ function f(n) {{ return n <= 0 ? 0 : 1 + f(n - 1) }} f({n}); }}",
    "{{ /(a+)+$/.test('a'.repeat(Math.min({n}, 40)) + 'b'); }}",
    "{{ Array({n}).join(); }}",
    "{{ Array.prototype.join.call({{length: {n}}}, ''); }}",
    "{{ 'x'.repeat({n}); }}",
    "{{ ''.padStart({n}, 'ab'); }}",
    "{{ Array.from({{length: Math.min({n}, 1e7)}}, (_, i) => i).sort((a, b) => b - a); }}",
    "{{ new Uint8Array(Math.min({n}, 1 << 28)).sort(); }}",
    "{{ JSON.parse(JSON.stringify(Array(Math.min({n}, 1e6)).fill({{a: [1, 'b']}}))); }}",
    "{{ [Array(Math.min({n}, 1e5)).fill([1, [2, [3]]])].flat(Infinity); }}",
    "{{ Array.prototype.indexOf.call({{length: {n}}}, 1); }}",
    "{{ Array.prototype.lastIndexOf.call({{length: {n}}}, 1); }}",
    "{{ Array.prototype.includes.call({{length: {n}}}, 1); }}",
    "{{ Array.prototype.fill.call({{length: {n}}}, 1); }}",
    "{{ Array.prototype.reverse.call({{length: {n}, 0: 1}}); }}",
    "{{ 'ab'.repeat(Math.min({n}, 1 << 24)).split(''); }}",
    "{{ 'ab'.repeat(Math.min({n}, 1 << 22)).normalize('NFD'); }}",
    "{{ 'ab'.repeat(Math.min({n}, 1 << 22)).replace(/b/g, 'cc'); }}",
    "{{ new Array(Math.min({n}, 1e7)).toString(); }}",
    "{{ String.fromCharCode.apply(null, Array(Math.min({n}, 1e5)).fill(65)); }}",
    "{{ Object.keys(Array(Math.min({n}, 1e7))); }}",
    "{{ new Function('a', 'return a + ' + '1 + '.repeat(Math.min({n}, 1e5)) + '1')(1); }}",
    "{{ eval('[' + '['.repeat(Math.min({n}, 1e5)) + ']'.repeat(Math.min({n}, 1e5)) + ']'); }}",
    "throw null;",
    "throw undefined;",
    "Promise.reject(null);",
    "{{ let m = new Map(); for (let i = 0; i < {n}; i++) m.set(i, [i]); }}",
    "{{ const b = new ArrayBuffer(8, {{maxByteLength: Math.min({n}, 2 ** 30)}}); b.resize(b.maxByteLength); }}",
]


def _gen_source(rng: random.Random) -> str:
    """Source that makes the compiler allocate: many locals, closures, literals, nesting."""
    parts = []
    for i in range(rng.randint(1, 40)):
        kind = rng.randrange(5)
        if kind == 0:
            parts.append(f"var v{i} = {rng.randint(0, 9)} + {'1+' * rng.randint(0, 30)}0;")
        elif kind == 1:
            parts.append(f"function g{i}(a, b) {{ let t{i} = a; return () => t{i} + b + v0; }}")
        elif kind == 2:
            parts.append(f"var s{i} = '{'x' * rng.randint(0, 3000)}';")
        elif kind == 3:
            parts.append(f"try {{ throw {i} }} catch (e{i}) {{ var c{i} = [e{i}, {{a: e{i}}}]; }}")
        else:
            depth = rng.randint(1, 30)
            parts.append("(function(){ " * depth + "return 1;" + " })()" * depth + ";")
    return "var v0 = 0; " + " ".join(parts)


def generate(rng: random.Random) -> dict[str, Any]:
    limits = {
        "memory_limit": rng.choice([None, 256 << 10, 1 << 20, 4 << 20, 16 << 20]),
        "max_reductions": rng.choice([None, 100, 1000, 100000]),
        "timeout": rng.choice([0.3, 1.0, 2.0]),
    }
    if rng.random() < 0.35:
        limits["memory_limit"] = rng.choice([512 << 10, 1 << 20, 2 << 20])
        limits["max_reductions"] = None
        src = _gen_source(rng)
        keep_free = rng.choice([0, 1, 2, 4, 8, 16, 64])
        code = (
            "globalThis.keep = []; try { for (;;) keep.push(new Array(256).fill(1)); } catch (e) {} "
            f"keep.length = Math.max(0, keep.length - {keep_free}); let ok = 0; "
            f"for (let k = 0; k < {rng.randint(1, 20)}; k++) {{ try {{ eval({src!r}); ok++; }} catch (e) {{}} "
            "keep.push(new Array(16)); } ok"
        )
        return {"limits": limits, "code": code, "almost_full": True}
    stmts = [rng.choice(_STMTS).format(n=rng.choice(_N)) for _ in range(rng.randint(1, 4))]
    if rng.random() < 0.3:
        stmts = ["try { " + " ".join(stmts) + " } catch (e) { e }"]
    if rng.random() < 0.25:
        # the module paths: the statements in an imported module (static or
        # dynamic import, loaded through the registry on a Python thread)
        dep = "export const v = 1; " + " ".join(stmts)
        code = rng.choice(
            [
                "import {v} from 'dep'; export const w = v;",
                "export const w = (await import('dep')).v;",
                "(async () => (await import('dep')).v)()",
                "import('./missing-' + Math.random()).catch(e => e.message)",
            ]
        )
        return {"limits": limits, "code": code, "modules": {"dep": dep}}
    return {"limits": limits, "code": " ".join(stmts) + " 1"}


def run(case: dict[str, Any], env: Env) -> None:
    limits = case["limits"]
    modules = actors.Modules(case["modules"]) if case.get("modules") else None
    ctx = env.pool.spawn(apis=None, on_uncaught="log", modules=modules, **limits)
    try:
        _, exc = timed(lambda: ctx.eval(case["code"]), "eval", limits["timeout"] + GRACE)
        if isinstance(exc, actors.MemoryLimitError) and limits["memory_limit"] is None:
            raise Finding("memory-error-without-memory-limit", repr(exc))
        if isinstance(exc, actors.ContextDeadError) and exc.reason == "crashed":
            raise Finding("worker-crashed", repr(exc))
        if not env.check_answers(ctx, "program context") and limits["memory_limit"] is None:
            raise Finding("context-exited", f"exited {ctx.exit_reason!r} without a memory limit")
    finally:
        ctx.kill()
