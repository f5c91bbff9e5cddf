"""Target ``hostile``: values built by hostile JS, converted on their way out.

Expressions composed from proxies, getters (throwing, looping, mutating what
is being converted, detaching or resizing buffers), typed arrays over
detached or resizable buffers, sparse arrays with huge lengths, cycles
(objects, Maps, errors whose cause is themselves), huge strings; returned by
``eval``, sent with ``Host.send``, passed to ``Host.callSync`` or read with
``get_global``. Some cases first override built-ins (``BigInt.prototype.toString``,
``Map.prototype.entries``, ...) and then return a probe whose host value is known.

Properties: only typed errors; the operation ends within its timeout (plus
a grace); a limit hit during conversion does not leak into the next
operation; an overridden built-in does not change what the host receives;
the context and its sibling keep answering.
"""

# ruff: noqa: E501 (JavaScript and frame templates read best one per line)

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from tests.fuzz.core import GRACE, Env, Finding, short, timed

_LEAVES = [
    "1", "'s'", "2n**70n", "new Date(0)", "new Date(NaN)", "Symbol('q')", "(() => 1)", "null", "undefined",
    "-0", "'\\uD800'", "new Uint8Array([1,2,3])", "new SharedArrayBuffer(8)", "new Error('e')",
    "new Map([[1, 2]])", "new Set([1])", "new WeakMap()", "Promise.resolve(1)", "NaN", "1e400",
]  # fmt: skip

_WRAPS = [
    "[{x}, {x}]",
    "({{a: {x}, b: {x}}})",
    "({{get a() {{ return {x} }}}})",
    "({{get a() {{ throw {x} }}}})",
    "({{get a() {{ for (;;) {{}} }}}})",
    "({{get a() {{ let s = 0; for (let i = 0; i < 3e5; i++) s += i; return {x} }}}})",
    "(() => {{ const o = {{a: 1, b: 2, c: 3}}; Object.defineProperty(o, 'a', {{enumerable: true, "
    "get() {{ delete o.b; o.d = {x}; for (let i = 0; i < 50; i++) o['k' + i] = i; return 1 }}}}); return o }})()",
    "new Proxy({{}}, {{ownKeys() {{ return ['a', 'b', 'a'] }}, get(t, k) {{ return {x} }}, "
    "getOwnPropertyDescriptor() {{ return {{value: 1, enumerable: true, configurable: true}} }}}})",
    "new Proxy([{x}], {{get(t, k) {{ return k === 'length' ? 2 ** 32 - 1 : {x} }}}})",
    "new Proxy({{}}, {{ownKeys() {{ for (;;) {{}} }}}})",
    "(() => {{ const {{proxy, revoke}} = Proxy.revocable({{a: {x}}}, {{}}); revoke(); return proxy }})()",
    "(() => {{ const b = new ArrayBuffer(16); const t = new Uint8Array(b); b.transfer(); return [t, {x}] }})()",
    "(() => {{ const b = new ArrayBuffer(16, {{maxByteLength: 64}}); const t = new Float64Array(b); "
    "b.resize(0); return [t, {x}] }})()",
    "(() => {{ const b = new ArrayBuffer(64, {{maxByteLength: 4096}}); const t = new Uint8Array(b); "
    "return [{{get x() {{ b.resize(4096); return {x} }}}}, t, new DataView(b), {{get y() {{ b.resize(0); return 1 }}}}, t] }})()",
    "(() => {{ const b = new ArrayBuffer(64); const t = new Uint32Array(b, 8, 4); "
    "return [{{get x() {{ b.transfer(); return {x} }}}}, t, b] }})()",
    "(() => {{ const a = [{x}]; a[2 ** 32 - 2] = 1; return a }})()",
    "(() => {{ const a = [{x}]; a.length = 2 ** 26; return a }})()",
    "(() => {{ const o = {{v: {x}}}; o.o = o; return o }})()",
    "(() => {{ const e = new Error('x'); e.cause = e; e.v = {x}; return e }})()",
    "(() => {{ const e = new AggregateError([], 'y'); e.errors = [e, {x}]; return e }})()",
    "(() => {{ const m = new Map(); m.set('m', m); m.set('v', {x}); return m }})()",
    "(() => {{ const e = new Error('n'); Object.defineProperty(e, 'name', {{get() {{ for (;;) {{}} }}}}); return [e, {x}] }})()",
    "Array(64).fill({x})",
    "[{x}, 'x'.repeat(1 << 20)]",
    "Array(256).fill('x'.repeat(1 << 16))",
    "[new Uint8Array(1 << 22), {x}]",
]

_OVERRIDES = [
    "BigInt.prototype.toString = () => '1';",
    "Map.prototype.entries = function* () {}; Map.prototype[Symbol.iterator] = function* () {};",
    "Set.prototype.values = function* () {}; Set.prototype[Symbol.iterator] = function* () {};",
    "Date.prototype.valueOf = () => 0; Date.prototype.getTime = () => 0;",
    "Array.prototype[Symbol.iterator] = function* () { yield 666 };",
    "Object.keys = () => []; Reflect.ownKeys = () => []; Object.entries = () => [];",
    "Object.defineProperty(Array.prototype, 'length', {get() { return 0 }});",
    "Object.prototype.toJSON = () => 1; JSON.stringify = () => '{}';",
    "Object.defineProperty(Object.prototype, 'k', {get() { throw 1 }, enumerable: true});",
    "Number.prototype.valueOf = () => 7; String.prototype.toString = () => 'z';",
]
PROBE = "[2n ** 70n, new Map([['a', 1]]), new Set([1, 2]), new Date(86400000), [1, 2, 3], {k: 'v'}]"
PROBE_VALUE = [
    2**70,
    {"a": 1},
    [1, 2],
    dt.datetime(1970, 1, 2, tzinfo=dt.timezone.utc),
    [1, 2, 3],
    {"k": "v"},
]


def _expr(rng: random.Random, depth: int) -> str:
    if depth > 3 or rng.random() < 0.3:
        return rng.choice(_LEAVES)
    return rng.choice(_WRAPS).format(x=_expr(rng, depth + 1))


def generate(rng: random.Random) -> dict[str, Any]:
    limits = {
        "max_reductions": rng.choice([None, 200, 5000, 100000]),
        "timeout": rng.choice([0.5, 1.0, 2.0]),
        "memory_limit": rng.choice([None, 8 << 20, 64 << 20]),
    }
    if rng.random() < 0.2:
        overrides = " ".join(rng.sample(_OVERRIDES, rng.randint(1, 3)))
        return {"limits": limits, "probe": overrides, "path": "eval", "expr": PROBE}
    return {
        "limits": limits,
        "expr": _expr(rng, 0),
        "path": rng.choice(["eval", "send", "callsync", "global"]),
    }


def run(case: dict[str, Any], env: Env) -> None:
    limits = case["limits"]
    got_messages: list[Any] = []
    ctx = env.pool.spawn(apis=None, handlers={"h": lambda *a: len(a)}, on_uncaught="log", **limits)
    ctx.on_message(got_messages.append)
    try:
        allowed = limits["timeout"] + GRACE
        if "probe" in case:
            _, exc = timed(lambda: ctx.eval(case["probe"] + " 0"), "overrides", allowed)
            if exc is None:
                got, exc = timed(lambda: ctx.eval(case["expr"]), "probe", allowed)
                if exc is None and got != PROBE_VALUE:
                    raise Finding("guest-changed-host-value", f"after {case['probe']!r}: {short(got)}")
        else:
            expr, path = case["expr"], case["path"]
            code = {
                "eval": f"({expr})",
                "send": f"Host.send({expr}); 0",
                "callsync": f"Host.callSync('h', {expr})",
                "global": f"globalThis.g = ({expr}); 0",
            }[path]
            _, exc = timed(lambda: ctx.eval(code), path, allowed)
            if path == "global" and exc is None:
                timed(lambda: ctx.get_global("g"), "get_global", allowed)
        if not env.check_answers(ctx, "hostile context") and limits["memory_limit"] is None:
            raise Finding("context-exited", f"exited {ctx.exit_reason!r} without a memory limit")
    finally:
        ctx.kill()
