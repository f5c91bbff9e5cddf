"""Scripts load as published (issue 14, items 2 and 10): a script's completion
value is not converted, and top-level await never breaks a valid script."""

from __future__ import annotations

from pathlib import Path

import pytest

import actors

# dayjs, ajv and turndown end in an expression that is a function or a cyclic object
LIBRARY_TAILS = [
    "var lib = {}; lib.self = lib; lib",
    "(function factory() { return 1 })",
    "globalThis.tool = function tool() {}; tool",
    "var big = []; big",  # fine either way
]


@pytest.mark.parametrize("tail", LIBRARY_TAILS)
def test_a_script_ending_in_a_value_python_cannot_hold_still_loads(
    pool: actors.ContextPool, tmp_path: Path, tail: str
) -> None:
    script = tmp_path / "lib.js"
    script.write_text("globalThis.loaded = true;\n" + tail)
    ctx = pool.spawn(apis=None, script=script)
    assert ctx.eval("loaded") is True
    ctx.reset()  # the script runs again, the same way
    assert ctx.eval("loaded") is True


def test_a_script_with_top_level_await_finishes_before_spawn_returns(
    pool: actors.ContextPool, tmp_path: Path
) -> None:
    script = tmp_path / "tla.js"
    script.write_text("globalThis.v = await Promise.resolve(7); ({cyclic: globalThis})")
    ctx = pool.spawn(apis=None, script=script)
    assert ctx.eval("v") == 7


def test_eval_still_converts_the_value_the_caller_asked_for(pool: actors.ContextPool) -> None:
    ctx = pool.spawn(apis=None)
    with pytest.raises(actors.ConversionError):
        ctx.eval("(function f() {})")
    assert ctx.eval("[1, 2]") == [1, 2]


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ("var await = 5; await", 5),
        ("function await(x) { return x * 2 }; await(21)", 42),
        ("var o = {await: 1}; o.await", 1),
        ("await Promise.resolve(3)", 3),
        ("await (Promise.resolve(4))", 4),  # both readings parse: top-level await wins
        ("const xs = []; for await (const x of [1, 2]) xs.push(x); xs", [1, 2]),
        ("'await'.length", 5),
    ],
)
def test_await_is_top_level_await_where_that_parses_and_a_name_where_only_a_script_does(
    pool: actors.ContextPool, code: str, expected: object
) -> None:
    ctx = pool.spawn(apis=None)
    assert ctx.eval(code) == expected


def test_source_that_parses_neither_way_reports_the_error_with_its_place(pool: actors.ContextPool) -> None:
    ctx = pool.spawn(apis=None)
    with pytest.raises(actors.JSError) as info:
        ctx.eval("const x = await f(;", filename="app.js")
    assert info.value.name == "SyntaxError"
    assert "app.js:1" in str(info.value)
    assert ctx.eval("1 + 1") == 2
