"""What a context costs in engine heap before and after a library loads (docs_memory.md)."""

from __future__ import annotations

from pathlib import Path

import pytest

import actors
from actors.context import spawn_options

LAZY_NAMES = """Object.getOwnPropertyNames(globalThis).filter((k) => {
  const d = Object.getOwnPropertyDescriptor(globalThis, k);
  return typeof d.get === 'function' && d.get === d.set;
})"""


def heap(c: actors.Context) -> int:
    c.gc()
    return c.memory_usage()["malloc_size"]


def test_a_lazy_global_costs_under_400_bytes_of_heap_until_touched(pool: actors.ContextPool) -> None:
    bare = pool.spawn(apis=None)
    browser = pool.spawn(apis="browser")
    n = len(browser.eval(LAZY_NAMES))
    assert n > 100
    # reading the names list allocates: measure a sibling that never ran it
    fresh = pool.spawn(apis="browser")
    per_global = (heap(fresh) - heap(bare)) / n
    # two JS_NewCFunctionData functions, their data and a name string cost
    # ~550 bytes a global; one function object serving as getter and setter ~260
    assert per_global < 400, per_global


def test_a_lazy_accessor_called_by_hand_only_reads_or_writes_its_global(pool: actors.ContextPool) -> None:
    c = pool.spawn(apis="browser")
    got = c.eval(
        """const d = Object.getOwnPropertyDescriptor(globalThis, 'TextEncoder');
           const f = d.get;
           // with no argument it reads (loads the group), whatever `this` is
           const read = f.call({ not: 'the global' });
           const other = Object.getOwnPropertyDescriptor(globalThis, 'Buffer');
           // with an argument it writes that global, and only that one
           other.set.call(null, 42, 'ignored');
           [typeof read, read === TextEncoder, Buffer, d.get === d.set, typeof TextDecoder]"""
    )
    assert got == ["function", True, 42, True, "function"]


def test_a_lazy_accessor_kept_across_a_reset_reads_the_new_context_safely(pool: actors.ContextPool) -> None:
    c = pool.spawn(apis="browser")
    c.eval("globalThis.keep = Object.getOwnPropertyDescriptor(globalThis, 'URL').get; 0")
    c.reset()
    # the old accessor is gone with the old engine; the new one works
    assert c.eval("typeof keep") == "undefined"
    assert c.eval("new URL('https://a.example/x?y').search") == "?y"
    assert c.eval("URL = 5; URL") == 5


def test_contexts_spawned_from_one_script_file_share_its_text(
    pool: actors.ContextPool, tmp_path: Path
) -> None:
    # a context keeps its script's text for reset; a copy each (UCS-2 here:
    # 2 bytes a character) outweighed the library's engine heap
    f = tmp_path / "lib.js"
    f.write_text(
        "globalThis.word = 'ŝablono'; globalThis.n = (globalThis.n || 0) + 1;\n" * 500, encoding="utf-8"
    )
    a = pool.spawn(script=f)
    b = pool.spawn(script=f)
    assert spawn_options(a).script_source is spawn_options(b).script_source
    assert b.eval("word") == "ŝablono"


def test_an_edited_script_file_is_read_anew_at_the_next_spawn(
    pool: actors.ContextPool, tmp_path: Path
) -> None:
    f = tmp_path / "lib.js"
    f.write_text("globalThis.v = 1;", encoding="utf-8")
    assert pool.spawn(script=f).eval("v") == 1
    f.write_text("globalThis.v = 2;", encoding="utf-8")  # same size, maybe the same mtime tick
    c = pool.spawn(script=f)
    assert c.eval("v") == 2
    c.reset()
    assert c.eval("v") == 2


def test_a_script_file_with_crlf_newlines_reads_as_text_mode_does(
    pool: actors.ContextPool, tmp_path: Path
) -> None:
    f = tmp_path / "lib.js"
    f.write_bytes(b"function f() {\r\n  return 1;\r\n}\rglobalThis.src = f.toString();\n")
    c = pool.spawn(script=f)
    assert c.eval("src") == "function f() {\n  return 1;\n}"


def test_an_unreadable_script_file_is_a_clear_error(pool: actors.ContextPool, tmp_path: Path) -> None:
    with pytest.raises(actors.ActorsError, match="cannot read script"):
        pool.spawn(script=tmp_path / "missing.js")
