"""What a context costs in engine heap before and after a library loads (docs_memory.md)."""

from __future__ import annotations

import actors

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
