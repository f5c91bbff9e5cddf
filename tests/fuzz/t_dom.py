"""Target ``dom``: document trees damaged through the polyfill's private node storage.

A page builds a random tree, finds the private storage symbols
(``Object.getOwnPropertySymbols`` on its nodes: the JS author has read
polyfills/dom.js) and damages random nodes: children arrays that are
proxies, sparse, huge, hold non-nodes, the node itself or an ancestor;
attribute arrays of odd length, with getters or with megabyte values shared
many times; node types and names of the wrong type or behind getters that
never return. Then the host queries the tree (``dom_html``, ``dom_find``,
``dom_find_all``, ``dom_text``), which must read it without running JS.

Properties: only typed errors; each query ends in bounded time; the
context and its sibling keep answering.
"""

# ruff: noqa: E501 (JavaScript and frame templates read best one per line)

from __future__ import annotations

import random
from typing import Any

from tests.fuzz.core import Env, Finding, timed

_TAGS = ["div", "p", "span", "a", "ul", "li", "template", "svg", "table", "td", "b"]

_DAMAGE = [
    "n[S.children] = new Proxy([], {{get() {{ for (;;) {{}} }}}});",
    "n[S.children] = [n];",
    "n[S.children] = [document, document.documentElement, n];",
    "{{ const a = [n.firstChild]; a.length = {big}; n[S.children] = a; }}",
    "n[S.children] = [1, 'x', null, undefined, {{}}, Symbol('s'), 2n];",
    "n[S.children] = Array({small}).fill(document.createElement('i'));",
    "n[S.children] = {{length: {big}, 0: n}};",
    "Object.defineProperty(n, S.children, {{get() {{ for (;;) {{}} }}}});",
    "n[S.children] = new Uint8Array(16);",
    "n[S.attributes] = ['a'];",
    "n[S.attributes] = [1, 2, {{toString() {{ for (;;) {{}} }}}}, null];",
    "n[S.attributes] = Array({small}).fill('x'.repeat(1 << 14));",
    "{{ const a = ['k', 'v']; Object.defineProperty(a, 1, {{get() {{ for (;;) {{}} }}}}); n[S.attributes] = a; }}",
    "{{ const a = ['k', 'v']; a.length = {big}; n[S.attributes] = a; }}",
    "n[S.attributes] = ['\\uD800', '\\uDC00x', '<&>\"', 'q'];",
    "n[S.nodeType] = {kind};",
    "Object.defineProperty(n, S.nodeType, {{get() {{ for (;;) {{}} }}}});",
    "delete n[S.nodeType];",
    "n[S.name] = {kind};",
    "n[S.name] = 'x'.repeat(1 << 16);",
    "n[S.data] = {kind};",
    "n[S.content] = n;",
    "n[S.content] = document;",
    "Object.setPrototypeOf(n, new Proxy({{}}, {{get() {{ for (;;) {{}} }}}}));",
    "Object.freeze(n);",
    "document[S.children] = [document];",
]
_KINDS = ["1", "3", "8", "10", "99", "-1", "2 ** 53", "'1'", "null", "{}", "[]", "1.5", "NaN", "'\\uD800'"]


def _html(rng: random.Random, depth: int) -> str:
    if depth > 4 or rng.random() < 0.3:
        return rng.choice(["text", "a &amp; b", "<!-- c -->", "", "\u00e9\U0001f600"])
    tag = rng.choice(_TAGS)
    attrs = "".join(
        f' {k}="{rng.randint(0, 9)}"' for k in rng.sample(["id", "class", "title", "x-y"], rng.randint(0, 2))
    )
    kids = "".join(_html(rng, depth + 1) for _ in range(rng.randint(0, 3)))
    return f"<{tag}{attrs}>{kids}</{tag}>"


def generate(rng: random.Random) -> dict[str, Any]:
    damage = []
    for _ in range(rng.randint(1, 4)):
        stmt = rng.choice(_DAMAGE).format(
            big=rng.choice([2**16, 2**23, 2**31, 2**32 - 1]),
            small=rng.choice([2, 100, 5000]),
            kind=rng.choice(_KINDS),
        )
        damage.append([rng.randint(0, 1000), stmt])
    queries = [rng.choice(["html", "find", "find_all", "text"]) for _ in range(rng.randint(1, 3))]
    return {
        "html": "".join(_html(rng, 0) for _ in range(rng.randint(1, 4))),
        "damage": damage,
        "queries": queries,
        "selector": rng.choice(["*", "div", "p > span", "#1", ".2", "li:nth-child(2)", "[title]", "a, b"]),
    }


_FIND_SYMBOLS = """
const S = {};
for (const node of [document, document.body, document.createTextNode('t'), document.createElement('template')])
  for (const s of Object.getOwnPropertySymbols(node)) S[s.description === 'nodeType' ? 'nodeType' : s.description] = s;
const all = [document, ...document.querySelectorAll('*')];
for (const e of [...all]) for (const c of e.childNodes) if (c.nodeType !== 1) all.push(c);
"""


def run(case: dict[str, Any], env: Env) -> None:
    ctx = env.pool.spawn(apis=["dom"], timeout=2.0, max_reductions=200000, memory_limit=64 << 20)
    try:
        timed(lambda: ctx.set_global("html", case["html"]), "set html", 10.0)
        code = [_FIND_SYMBOLS, "document.body.innerHTML = html;"]
        for pick, stmt in case["damage"]:
            code.append(f"try {{ const n = all[{pick} % all.length]; {stmt} }} catch (e) {{}}")
        code.append("0")
        timed(lambda: ctx.eval("\n".join(code)), "damage", 2.0 + 3.0)
        for q in case["queries"]:
            sel = case["selector"]
            fn = {
                "html": lambda: ctx.dom_html(),
                "find": lambda sel=sel: ctx.dom_find(sel),
                "find_all": lambda sel=sel: ctx.dom_find_all(sel),
                "text": lambda sel=sel: ctx.dom_text(sel),
            }[q]
            timed(fn, f"dom_{q}", 10.0)
        if not env.check_answers(ctx, "dom context"):
            raise Finding("context-exited", f"the dom context exited ({ctx.exit_reason!r})")
    finally:
        ctx.kill()
