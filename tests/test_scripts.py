"""Compiled scripts (issue 14, item 7): pool.compile() once, loaded from
bytecode by every context that spawns with it."""

from __future__ import annotations

import asyncio

import pytest

import actors
from actors import JSError, Modules, Script

LIBRARY = """
function render(items) { return items.map(function (x) { return '<li>' + x + '</li>' }).join('') }
var library = {render: render, loaded: (globalThis.loads = (globalThis.loads || 0) + 1)};
library
"""


def test_a_compiled_script_loads_into_many_contexts(pool: actors.ContextPool) -> None:
    script = pool.compile(LIBRARY, filename="lib.js")
    assert script.kind == "script" and script.filename == "lib.js" and script.size > 0
    contexts = [pool.spawn(apis=None, script=script) for _ in range(5)]
    for ctx in contexts:
        assert ctx.call("render", ["a", "b"]) == "<li>a</li><li>b</li>"
        assert ctx.eval("loads") == 1  # each context ran it once, in its own heap


def test_a_reset_loads_the_compiled_script_again(pool: actors.ContextPool) -> None:
    ctx = pool.spawn(apis=None, script=pool.compile(LIBRARY))
    ctx.eval("globalThis.extra = 1")
    ctx.reset()
    assert ctx.eval("typeof extra") == "undefined"
    assert ctx.eval("loads") == 1


def test_eval_of_a_compiled_script_returns_its_completion_value(pool: actors.ContextPool) -> None:
    ctx = pool.spawn(apis=None)
    assert ctx.eval(pool.compile("6 * 7")) == 42
    assert ctx.eval(pool.compile("await Promise.resolve(5)")) == 5
    assert asyncio.run(ctx.eval_async(pool.compile("'async ' + 1"))) == "async 1"


def test_a_compiled_script_keeps_line_numbers_but_not_its_source(pool: actors.ContextPool) -> None:
    script = pool.compile(
        "function secret() { return 'body' }\n\nfunction fail() { null.x }", filename="app.js"
    )
    ctx = pool.spawn(apis=None, script=script)
    assert "body" not in ctx.eval("secret.toString()")
    with pytest.raises(JSError) as err:
        ctx.call("fail")
    assert "app.js:3" in (err.value.stack or "")


def test_a_compile_error_says_where(pool: actors.ContextPool) -> None:
    with pytest.raises(JSError) as err:
        pool.compile("let a = 1;\nlet = = 2;", filename="bad.js")
    assert err.value.name == "SyntaxError" and "bad.js:2" in str(err.value)


def test_a_compiled_module_resolves_its_imports_in_each_context(pool: actors.ContextPool) -> None:
    mods = Modules({"dep": "export const n = (globalThis.depRuns = (globalThis.depRuns || 0) + 1);"})
    script = pool.compile("import {n} from 'dep'; globalThis.main = 'ran ' + n;", filename="/main.js")
    assert script.kind == "module"
    for _ in range(3):
        ctx = pool.spawn(apis=None, script=script, modules=mods)
        assert ctx.eval("[main, depRuns]") == ["ran 1", 1]


def test_a_compiled_script_that_throws_stops_the_spawn_with_the_error(pool: actors.ContextPool) -> None:
    script = pool.compile("throw new TypeError('refused')")
    with pytest.raises(JSError, match="refused"):
        pool.spawn(apis=None, script=script)


def test_loading_bytecode_keeps_the_limits(pool: actors.ContextPool) -> None:
    spin = pool.compile("for (;;) {}")
    with pytest.raises(actors.ReductionLimitError):
        pool.spawn(apis=None, max_reductions=200, script=spin)
    hog = pool.compile("const a = []; for (;;) a.push(new Array(1000).fill(a.length))")
    sibling = pool.spawn(apis=None)
    ctx = pool.spawn(apis=None, memory_limit=16 << 20)
    with pytest.raises(actors.MemoryLimitError):
        ctx.eval(hog)
    assert sibling.eval("1 + 1") == 2


def test_a_script_cannot_be_made_from_arbitrary_bytes() -> None:
    with pytest.raises(TypeError, match=r"ContextPool\.compile"):
        Script(object(), b"\x00" * 64, 0, "forged.js")


def test_the_bytecode_does_not_keep_a_big_source_in_every_context(pool: actors.ContextPool) -> None:
    # 400 functions with long bodies: as source, every context keeps the text
    body = "; ".join(f"var v{i} = '{'x' * 40}'" for i in range(20))
    source = "\n".join(f"function f{i}() {{ {body} }}" for i in range(400))
    from_source = pool.spawn(apis=None)
    from_source.eval(source)
    compiled = pool.spawn(apis=None, script=pool.compile(source))
    src_bytes = from_source.memory_usage()["malloc_size"]
    bc_bytes = compiled.memory_usage()["malloc_size"]
    assert bc_bytes < src_bytes - len(source) // 2, (bc_bytes, src_bytes, len(source))


def test_run_drops_the_completion_value_of_source_and_of_a_compiled_script(pool: actors.ContextPool) -> None:
    ctx = pool.spawn(apis=None)
    assert ctx.run("globalThis.a = 1; (function library() {})") is None
    assert ctx.run(pool.compile("globalThis.b = 2; var cyclic = {}; cyclic.self = cyclic; cyclic")) is None
    assert asyncio.run(ctx.run_async("globalThis.c = 3; () => 0")) is None
    assert ctx.eval("[a, b, c]") == [1, 2, 3]
    with pytest.raises(JSError) as err:
        ctx.run("\nnull.x", filename="lib.js")
    assert "lib.js:2" in (err.value.stack or "")
