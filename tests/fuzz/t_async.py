"""Target ``async``: promise settlements, unhandled rejections, timers and host calls.

Programs mixing awaited ``Host.call`` (handlers that answer, raise or take a
while), unhandled rejections whose reason has a slow or throwing getter
(issue 11 item 1), ``Promise.reject(null)`` (item 2), microtask chains and
``setTimeout``/``setInterval`` callbacks that throw or allocate, under
reduction and time limits, with ``on_uncaught`` "log" or "crash".

Properties: only typed errors; operations end within their timeout plus a
grace; under "log" the context never exits; the context (or, after an exit
under "crash", a fresh one) and the sibling keep answering.
"""

# ruff: noqa: E501 (JavaScript and frame templates read best one per line)

from __future__ import annotations

import random
import time
from typing import Any

from tests.fuzz.core import GRACE, Env, Finding, timed

_PARTS = [
    "await Host.call('ok', {i});",
    "try {{ await Host.call('boom', {i}); }} catch (e) {{}}",
    "await Host.call('slow', {i});",
    "Host.call('boom', {i});",
    "Promise.reject({{get name() {{ let s = 0; for (let i = 0; i < {n}; i++) s += i; return 'X' }}}});",
    "Promise.reject({{get message() {{ throw {{get name() {{ for (;;) {{}} }}}} }}}});",
    "Promise.reject(null);",
    "Promise.reject(undefined);",
    "Promise.reject(new Error('r{i}', {{cause: {{get x() {{ return 1 }}}}}}));",
    "await 0;",
    "await null; Promise.reject({i});",
    "queueMicrotask(() => {{ for (let i = 0; i < {n}; i++); }});",
    "{{ let k = 0; const f = () => {{ if (++k < 1000) Promise.resolve().then(f) }}; f(); }}",
    "setTimeout(() => {{ throw new Error('t{i}') }}, {ms});",
    "setTimeout(() => {{ Promise.reject({{get name() {{ let s = 0; for (let i = 0; i < {n}; i++) s += i; return 'T' }}}}) }}, {ms});",
    "{{ let c = 0; const h = setInterval(() => {{ if (++c > 5) clearInterval(h); }}, {ms}); }}",
    "for (let t = 0; t < {small}; t++) setInterval(() => {{}}, 0);",
    "setTimeout(() => {{ globalThis.big = 'x'.repeat({n}) }}, {ms});",
    "await new Promise(r => setTimeout(r, {ms}));",
    "(async () => {{ await Host.call('ok', 1); throw null }})();",
    "Host.send({i});",
]


def generate(rng: random.Random) -> dict[str, Any]:
    parts = []
    for i in range(rng.randint(1, 6)):
        parts.append(
            rng.choice(_PARTS).format(
                i=i, n=rng.choice([10, 10**5, 10**6, 10**7]), ms=rng.choice([0, 1, 10, 50]),
                small=rng.choice([1, 10, 1000]),
            )
        )  # fmt: skip
    return {
        "code": " ".join(parts) + " 1",
        "on_uncaught": rng.choice(["log", "crash"]),
        "max_reductions": rng.choice([None, 1000, 100000]),
        "timeout": rng.choice([0.5, 1.0, 2.0]),
    }


def _slow(x: Any) -> Any:
    time.sleep(0.02)
    return x


def _boom(x: Any) -> Any:
    raise ValueError(f"boom {x}")


def run(case: dict[str, Any], env: Env) -> None:
    handlers = {"ok": lambda x: x, "boom": _boom, "slow": _slow}
    ctx = env.pool.spawn(
        apis=["timers"],
        handlers=handlers,
        on_uncaught=case["on_uncaught"],
        max_reductions=case["max_reductions"],
        timeout=case["timeout"],
    )
    ctx.on_message(lambda m: None)
    try:
        allowed = case["timeout"] + GRACE
        timed(lambda: ctx.eval(case["code"]), "eval", allowed)
        # let the timers it set run, under the same limits
        timed(lambda: ctx.eval("await new Promise(r => setTimeout(r, 60)); 1"), "timers", allowed)
        alive = env.check_answers(ctx, "async context")
        if not alive and case["on_uncaught"] == "log":
            raise Finding("context-exited-under-log", f"exited {ctx.exit_reason!r} with on_uncaught='log'")
    finally:
        ctx.kill()
