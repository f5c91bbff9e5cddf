"""The output budget: what a context can make the host build is bounded first.

Values leaving a context are built outside its heap. A small heap can name
the same large string or buffer thousands of times, or a sparse array of
any length, so every value leaving a context (a result, a ``Host.send``
message, one ``Host.call``'s arguments, a DOM snapshot, an error) is held
to ``max_result_bytes`` bytes and ``max_result_bytes // 16`` values,
counted as expanded, and fails with ``ResultTooLargeError`` (or a JS
``TypeError`` where JS made the call) before anything big is built. The
context lives on.
"""

from __future__ import annotations

import resource
import threading
import time

import pytest

import actors

MIB = 1 << 20


def _peak_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def test_a_string_named_512_times_is_refused_before_the_host_builds_it(pool: actors.ContextPool) -> None:
    ctx = pool.spawn(apis=None, memory_limit=16 * MIB)
    before = _peak_rss_mib()
    t0 = time.monotonic()
    with pytest.raises(actors.ResultTooLargeError, match="max_result_bytes") as info:
        ctx.eval("const s = 'x'.repeat(1 << 20); Array(512).fill(s)")
    assert time.monotonic() - t0 < 2
    assert isinstance(info.value, actors.LimitError)
    assert _peak_rss_mib() - before < 128  # it was 512 MiB of msgpack, then 1 GiB of str
    assert ctx.eval("s.length") == MIB  # the context lives, its state intact


def test_a_sparse_array_of_length_2_26_fails_fast(pool: actors.ContextPool) -> None:
    ctx = pool.spawn(apis=None, memory_limit=16 * MIB)
    t0 = time.monotonic()
    with pytest.raises(actors.ResultTooLargeError, match="items"):
        ctx.eval("const a = []; a.length = 2 ** 26; a")
    assert time.monotonic() - t0 < 1  # was 17 s
    with pytest.raises(actors.ResultTooLargeError):
        ctx.eval("const o = {length: 2 ** 26}; Object.setPrototypeOf(o, Array.prototype); [o, a]")
    assert ctx.eval("a.length") == 2**26


def test_a_16_mib_buffer_named_254_times_is_refused(pool: actors.ContextPool) -> None:
    # the reply that overflowed process mode's 32-bit frame length (4 GiB)
    ctx = pool.spawn(apis=None, memory_limit=64 * MIB)
    t0 = time.monotonic()
    with pytest.raises(actors.ResultTooLargeError):
        ctx.eval("const b = new Uint8Array(16 << 20); Array(254).fill(b)")
    assert time.monotonic() - t0 < 2
    assert len(ctx.eval("[b, b, b][2]")) == 16 * MIB  # within the budget: fine
    assert ctx.eval("1 + 1") == 2


def test_values_within_the_budget_come_back_whole(pool: actors.ContextPool) -> None:
    ctx = pool.spawn(apis=None, memory_limit=16 * MIB)
    assert len(ctx.eval("'\u00e9'.repeat(2 << 20)")) == 2 << 20  # 2 MiB in the heap, 4 MiB of UTF-8
    assert len(ctx.eval("Array.from({length: 100000}, (_, i) => i)")) == 100000


def test_max_result_bytes_is_configurable(pool: actors.ContextPool) -> None:
    ctx = pool.spawn(apis=None, max_result_bytes=1000)
    assert len(ctx.eval("'x'.repeat(900)")) == 900
    with pytest.raises(actors.ResultTooLargeError, match="1000 bytes"):
        ctx.eval("'x'.repeat(2000)")
    with pytest.raises(actors.ResultTooLargeError, match="items"):
        ctx.eval("Array(70000).fill(0)")  # at least 65,536 values are always allowed
    big = pool.spawn(apis=None, memory_limit=4 * MIB, max_result_bytes=64 * MIB)
    assert len(big.eval("const s = 'y'.repeat(1 << 20); [s, s, s, s, s, s, s, s, s, s, s, s]")) == 12


@pytest.mark.parametrize("bad", [0, -1, (1 << 30) + 1])
def test_bad_max_result_bytes_are_refused(pool: actors.ContextPool, bad: int) -> None:
    with pytest.raises(ValueError, match="max_result_bytes"):
        pool.spawn(apis=None, max_result_bytes=bad)


def test_host_send_past_the_budget_throws_in_js_and_nothing_is_delivered(pool: actors.ContextPool) -> None:
    ctx = pool.spawn(apis=None, memory_limit=8 * MIB)
    got: list[object] = []
    done = threading.Event()

    def on_message(m: object) -> None:
        got.append(m)
        if m == "sentinel":
            done.set()

    ctx.on_message(on_message)
    caught = ctx.eval(
        """
        const s = 'x'.repeat(1 << 20);
        let caught;
        try { Host.send(Array(64).fill(s)) } catch (e) { caught = e.name + ': ' + e.message }
        Host.send('sentinel');
        caught
        """
    )
    assert caught.startswith("TypeError") and "max_result_bytes" in caught
    assert done.wait(5)
    assert got == ["sentinel"]


def test_the_arguments_of_one_host_call_share_one_budget(pool: actors.ContextPool) -> None:
    calls: list[int] = []
    ctx = pool.spawn(apis=None, memory_limit=4 * MIB, handlers={"h": lambda *a: calls.append(len(a))})
    caught = ctx.eval(
        """
        const s = 'x'.repeat(1 << 20);
        let caught;
        try { Host.callSync('h', ...Array(40).fill(s)) } catch (e) { caught = e.message }
        caught
        """
    )
    assert "max_result_bytes" in caught
    assert calls == []
    ctx.eval("Host.callSync('h', s, s)")
    assert calls == [2]


def test_error_texts_are_cut_to_64_kib(pool: actors.ContextPool) -> None:
    ctx = pool.spawn(apis=None)
    with pytest.raises(actors.JSError) as info:
        ctx.eval("throw new Error('x'.repeat(1 << 22))")
    assert len(info.value.message.encode()) <= 64 * 1024 + 3
    assert info.value.message.endswith("\u2026")


def test_a_dom_attribute_named_2000_times_fails_the_query(pool: actors.ContextPool) -> None:
    page = pool.spawn(apis=["dom"], memory_limit=8 * MIB)
    page.eval(
        """
        const v = 'x'.repeat(1 << 20);
        for (let i = 0; i < 2000; i++) {
          const p = document.createElement('p');
          p.setAttribute('data-v', v);
          document.body.appendChild(p);
        }
        0
        """
    )
    t0 = time.monotonic()
    with pytest.raises(actors.ResultTooLargeError):
        page.dom_find_all("p")
    assert time.monotonic() - t0 < 2
    assert page.eval("document.body.children.length") == 2000


def test_a_dom_children_array_of_length_2_23_fails_fast(pool: actors.ContextPool) -> None:
    page = pool.spawn(apis=["dom"], memory_limit=8 * MIB)
    page.eval(
        """
        document.body.appendChild(document.createElement('p'));
        const b = document.body;
        const kids = Object.getOwnPropertySymbols(b)
          .map((k) => b[k])
          .find((v) => Array.isArray(v) && v.includes(b.firstChild));
        kids.length = 2 ** 23;
        0
        """
    )
    t0 = time.monotonic()
    with pytest.raises(actors.ResultTooLargeError):
        page.dom_html()
    assert time.monotonic() - t0 < 0.5
    assert page.eval("1 + 1") == 2
