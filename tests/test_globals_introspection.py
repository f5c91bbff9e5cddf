"""list_globals, snapshot_globals and delete_globals (issue 14, item 11): read
and trimmed natively, without running the context's JavaScript."""

from __future__ import annotations

import asyncio

import pytest

import actors

DESCRIBE = "JSON.stringify(Object.keys(Object.getOwnPropertyDescriptor(globalThis, 'URL')))"


def test_list_globals_names_builtins_groups_and_script_globals(pool: actors.ContextPool) -> None:
    c = pool.spawn(apis=["url"])
    c.eval("globalThis.mine = 1; var declared = 2; function fn() {}; let scoped = 3")
    names = c.list_globals()
    assert {"Object", "JSON", "URL", "mine", "declared", "fn"} <= set(names)
    assert "scoped" not in names  # a top-level let is not a property of the global object
    assert len(names) == len(set(names))


def test_listing_runs_no_getter_and_loads_no_lazy_group(pool: actors.ContextPool) -> None:
    c = pool.spawn(apis=["url"])
    c.eval(
        "Object.defineProperty(globalThis, 'trap', "
        "{get() { globalThis.tripped = true }, configurable: true}); 0"
    )
    lazy = c.eval(DESCRIBE)
    assert "trap" in c.list_globals()
    assert c.eval(DESCRIBE) == lazy  # still the lazy accessor: the group did not load
    assert c.eval("globalThis.tripped") is None


def test_a_snapshot_diff_finds_what_a_script_added_and_delete_removes_it(pool: actors.ContextPool) -> None:
    c = pool.spawn(apis=None)
    before = c.snapshot_globals()
    assert isinstance(before, frozenset)
    c.eval("globalThis.leaked = {}; globalThis.other = 2; var pinned = 3")
    added = c.snapshot_globals() - before
    assert added == {"leaked", "other", "pinned"}
    assert sorted(c.delete_globals(added)) == ["pinned"]  # a var is not configurable
    assert c.eval("[typeof leaked, typeof other, typeof pinned]") == ["undefined", "undefined", "number"]


def test_delete_globals_reports_what_it_could_not_delete_and_ignores_missing_names(
    pool: actors.ContextPool,
) -> None:
    c = pool.spawn(apis=None)
    assert c.delete_globals(["undefined", "NaN", "Object", "no such name"]) == ["undefined", "NaN"]
    assert c.eval("typeof Object") == "undefined"
    assert c.delete_globals([]) == []
    assert c.delete_globals("JSON") == []  # one name as a str
    assert c.eval("typeof JSON") == "undefined"


def test_delete_globals_refuses_names_that_are_not_strings(pool: actors.ContextPool) -> None:
    c = pool.spawn(apis=None)
    with pytest.raises(TypeError, match="name must be a str"):
        c.delete_globals(["ok", 3])  # type: ignore[list-item]
    assert c.eval("1 + 1") == 2


def test_the_async_forms_answer_the_same(pool: actors.ContextPool) -> None:
    c = pool.spawn(apis=None)

    async def run() -> tuple[list[str], frozenset[str], list[str]]:
        await c.eval_async("globalThis.a1 = 1")
        return (
            await c.list_globals_async(),
            await c.snapshot_globals_async(),
            await c.delete_globals_async(["a1", "undefined"]),
        )

    names, snap, kept = asyncio.run(run())
    assert "a1" in names and "a1" in snap
    assert kept == ["undefined"]
    assert c.eval("typeof a1") == "undefined"


def test_a_hostile_global_object_full_of_names_is_bounded_by_the_output_budget(
    pool: actors.ContextPool,
) -> None:
    c = pool.spawn(apis=None, max_result_bytes=1 << 20)
    c.eval("for (let i = 0; i < 200000; i++) globalThis['g' + i + 'x'.repeat(20)] = i")
    with pytest.raises(actors.ResultTooLargeError):
        c.list_globals()
    assert c.eval("1 + 1") == 2


def test_list_globals_is_under_the_operation_limits(pool: actors.ContextPool) -> None:
    c = pool.spawn(apis=None, max_reductions=50, memory_limit=8 << 20)
    c.eval("for (let i = 0; i < 20000; i++) globalThis['n' + i] = i", timeout=10)
    assert len(c.list_globals()) > 20000
