"""Target ``values``: Python values into a context and back.

Properties: a value the mapping covers comes back equal (``set_global`` then
``get_global``, and through a JS identity function); a value it does not
cover (lone surrogates, depth over 1,000, cycles, non-str keys) raises a typed
error; the context and its sibling keep answering.

A case holds the value as a tagged tree (JSON has no bytes, datetimes or NaN).
"""

from __future__ import annotations

import datetime as dt
import math
import os
import random
from typing import Any

from tests.fuzz.core import Env, Finding, short, typed

_KEYS = [
    "a",
    "",
    "__proto__",
    "constructor",
    "toString",
    "0",
    "1",
    "-1",
    "4294967295",
    "1e3",
    "length",
    "x y",
]
_INTS = [0, 1, -1, 2**31 - 1, 2**31, 2**32, 2**53 - 1, 2**53, 2**53 + 1, -(2**53), 2**64, -(2**70), 10**40]
_FLOATS = ["0.5", "-0.0", "nan", "inf", "-inf", "1e300", "5e-324", "1.7976931348623157e308", "3.0"]


def _string(rng: random.Random) -> list[int]:
    n = rng.choice([0, 1, 3, 10, 40]) if rng.random() < 0.97 else rng.choice([1 << 12, 1 << 16, 1 << 18])
    pools = [(0x20, 0x7E), (0, 0x1F), (0x80, 0xFF), (0x100, 0xD7FF), (0xE000, 0xFFFF), (0x10000, 0x10FFFF)]
    out = []
    lo, hi = rng.choice(pools)
    for _ in range(n):
        if rng.random() < 0.05:
            lo, hi = rng.choice(pools)
        out.append(rng.randint(lo, hi))
    if rng.random() < 0.04:
        out.insert(rng.randint(0, len(out)), rng.choice([0xD800, 0xDBFF, 0xDC00, 0xDFFF]))
    return out


def _tree(rng: random.Random, depth: int) -> list[Any]:
    leaf = depth > 4 or rng.random() < 0.45
    if leaf:
        kind = rng.choice(["none", "bool", "int", "int", "float", "str", "str", "bytes", "dt"])
        if kind == "none":
            return ["none"]
        if kind == "bool":
            return ["bool", rng.random() < 0.5]
        if kind == "int":
            n = rng.choice(_INTS) if rng.random() < 0.6 else rng.randint(-(2**60), 2**60)
            return ["int", str(n)]
        if kind == "float":
            return ["float", rng.choice(_FLOATS) if rng.random() < 0.5 else repr(rng.uniform(-1e6, 1e6))]
        if kind == "str":
            return ["str", _string(rng)]
        if kind == "bytes":
            n = rng.choice([0, 1, 7, 64, 4096])
            return ["bytes", rng.randbytes(n).hex()]
        ms = rng.randint(-62135596800000, 253402300799000)  # years 1..9999, ms precision
        return ["dt", ms, rng.random() < 0.7]
    kind = rng.choice(["list", "dict", "tuple"])
    n = rng.choice([0, 1, 2, 3, 5])
    if kind == "dict":
        items = []
        for _ in range(n):
            key: list[Any] = (
                ["str", [ord(c) for c in rng.choice(_KEYS)]] if rng.random() < 0.6 else ["str", _string(rng)]
            )
            if rng.random() < 0.02:
                key = ["int", str(rng.randint(-5, 5))]
            items.append([key, _tree(rng, depth + 1)])
        return ["dict", items]
    return [kind, [_tree(rng, depth + 1) for _ in range(n)]]


def generate(rng: random.Random) -> dict[str, Any]:
    tree = _tree(rng, 0)
    r = rng.random()
    if r < 0.03:
        tree = ["deep", rng.choice([999, 1000, 1001, 5000]), tree]
    elif r < 0.05:
        tree = ["cycle", tree]
    return {"tree": tree, "path": rng.choice(["global", "call", "both"])}


class _Uncovered(Exception):
    pass


def build(tree: list[Any], flags: set[str]) -> Any:
    tag = tree[0]
    if tag == "none":
        return None
    if tag == "bool":
        return tree[1]
    if tag == "int":
        return int(tree[1])
    if tag == "float":
        return float(tree[1])
    if tag == "str":
        if any(0xD800 <= c <= 0xDFFF for c in tree[1]):
            flags.add("surrogate")
        return "".join(map(chr, tree[1]))
    if tag == "bytes":
        return bytes.fromhex(tree[1])
    if tag == "dt":
        t = dt.datetime(1970, 1, 1, tzinfo=dt.timezone.utc) + dt.timedelta(milliseconds=tree[1])
        return t if tree[2] else t.replace(tzinfo=None)
    if tag == "list":
        return [build(t, flags) for t in tree[1]]
    if tag == "tuple":
        return tuple(build(t, flags) for t in tree[1])
    if tag == "dict":
        # A repeated key replaces the earlier entry: only the flags of the
        # entries that survive describe the value that is sent.
        out: dict[Any, Any] = {}
        entry_flags: dict[Any, set[str]] = {}
        for k, v in tree[1]:
            mine: set[str] = set()
            key = build(k, mine)
            if not isinstance(key, str):
                mine.add("non-str-key")
            out[key] = build(v, mine)
            entry_flags[key] = mine
        for mine in entry_flags.values():
            flags |= mine
        return out
    if tag == "deep":
        value = build(tree[2], flags)
        for _ in range(tree[1]):
            value = [value]
        depth = _depth(value)
        # "depth over 1,000" raises; whether the outermost container counts
        # as depth 0 or 1 is left open: 1,000 and 1,001 may go either way
        if depth >= 1002:
            flags.add("deep")
        elif depth >= 1000:
            flags.add("borderline")
        return value
    if tag == "cycle":
        flags.add("cycle")
        outer: list[Any] = [build(tree[1], flags)]
        outer.append(outer)
        return outer
    raise ValueError(tag)


def _depth(value: Any) -> int:
    """Containers nested in ``value`` (iterative: it can be 5,000 deep)."""
    deepest = 0
    stack = [(value, 0)]
    while stack:
        v, d = stack.pop()
        if isinstance(v, (list, tuple, dict)):
            deepest = max(deepest, d + 1)
            stack.extend((x, d + 1) for x in (v.values() if isinstance(v, dict) else v))
    return deepest


def same(a: Any, b: Any) -> bool:
    """Equality after the documented mapping (tuples as lists, naive datetimes as UTC)."""
    if isinstance(a, tuple):
        a = list(a)
    if isinstance(a, dt.datetime) and a.tzinfo is None:
        a = a.replace(tzinfo=dt.timezone.utc)
    if isinstance(a, float) and math.isnan(a):
        return isinstance(b, float) and math.isnan(b)
    if isinstance(a, list):
        return isinstance(b, list) and len(a) == len(b) and all(same(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, dict):
        return isinstance(b, dict) and a.keys() == b.keys() and all(same(a[k], b[k]) for k in a)
    if isinstance(a, bool) or isinstance(b, bool):
        return type(a) is type(b) and a == b
    return bool(a == b)


def _ctx(env: Env) -> Any:
    ctx = env.state.get("values")
    if ctx is None or not ctx.alive:
        ctx = env.pool.spawn(apis=None, timeout=10.0, memory_limit=256 << 20)
        ctx.eval("globalThis.id = x => x; 0")
        env.state["values"] = ctx
    return ctx


def run(case: dict[str, Any], env: Env) -> None:
    flags: set[str] = set()
    value = build(case["tree"], flags)
    ctx = _ctx(env)
    borderline = flags == {"borderline"}
    flags.discard("borderline")
    uncovered = bool(flags)
    results = []
    if case["path"] in ("global", "both"):
        _, exc = typed(lambda: ctx.set_global("v", value), "set_global")
        if exc is None:
            results.append(typed(lambda: ctx.get_global("v"), "get_global"))
        else:
            results.append((None, exc))
    if case["path"] in ("call", "both"):
        results.append(typed(lambda: ctx.call("id", value), "call"))
    # Under ASan every C frame is larger, so the engine's stack limit (which
    # also guards the converter's recursion into JS, e.g. reading a Date) is
    # reached before 1,000 levels; the normal build converts them all.
    deep_under_asan = bool(os.environ.get("LD_PRELOAD")) and "cycle" not in flags and _depth(value) >= 500
    for got, exc in results:
        if exc is not None:
            if deep_under_asan and "stack size exceeded" in str(exc):
                continue
            if not uncovered and not borderline:
                raise Finding("typed-error-for-covered-value", f"{exc!r} for {short(value)}")
        elif uncovered:
            raise Finding("uncovered-value-accepted", f"{sorted(flags)}: came back as {short(got)}")
        elif not same(value, got):
            raise Finding("round-trip-mismatch", f"sent {short(value)} got {short(got)}")
    if not env.check_answers(ctx, "values context"):
        raise Finding("context-exited", "the values context exited during a round trip")
