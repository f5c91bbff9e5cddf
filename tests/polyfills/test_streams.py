"""WHATWG Streams (the internal ``_streams`` group) through real contexts.

Streams cannot be named in ``apis=``; ``compression`` requires them.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest

import actors
from actors.errors import JSError


@pytest.fixture
def sctx(group_context: Callable[..., actors.Context]) -> actors.Context:
    return group_context("compression")


def test_streams_group_is_internal() -> None:
    from actors.apis import AVAILABLE, resolve_apis

    assert "_streams" not in AVAILABLE
    assert resolve_apis(["compression"])[0] == "_streams"
    with pytest.raises(ValueError):
        resolve_apis(["_streams"])


def test_globals_and_no_leaks(sctx: actors.Context) -> None:
    names = [
        "ReadableStream", "WritableStream", "TransformStream", "ReadableStreamDefaultReader",
        "WritableStreamDefaultWriter", "ByteLengthQueuingStrategy", "CountQueuingStrategy",
    ]  # fmt: skip
    assert sctx.eval(f"{names}.map(n => typeof globalThis[n])") == ["function"] * len(names)
    before = set(sctx.eval("Object.getOwnPropertyNames(globalThis)"))
    sctx.eval("new ReadableStream(); new WritableStream(); new TransformStream(); 0")
    after = set(sctx.eval("Object.getOwnPropertyNames(globalThis)"))
    assert after == before


def test_controllers_cannot_be_constructed(sctx: actors.Context) -> None:
    assert (
        sctx.eval("try { new ReadableStreamDefaultController(); 'no' } catch (e) { e.constructor.name }")
        == "TypeError"
    )


def test_start_enqueue_close_and_read(sctx: actors.Context) -> None:
    out = sctx.eval("""
      const rs = new ReadableStream({ start(c) { c.enqueue('a'); c.enqueue('b'); c.close(); } });
      const r = rs.getReader();
      const res = [rs.locked, await r.read(), await r.read(), await r.read()];
      await r.closed;
      r.releaseLock();
      res.push(rs.locked);
      res
    """)
    assert out == [
        True,
        {"value": "a", "done": False},
        {"value": "b", "done": False},
        {"value": None, "done": True},
        False,
    ]


def test_pull_is_driven_by_backpressure(sctx: actors.Context) -> None:
    out = sctx.eval("""
      let pulls = 0, i = 0;
      const rs = new ReadableStream({
        pull(c) { pulls++; c.enqueue(i++); if (i === 10) c.close(); },
      }, { highWaterMark: 3 });
      await new Promise(r => setTimeout(r, 20));
      const before = pulls;               // filled to highWaterMark, then stopped
      const desired = [];
      const r = rs.getReader();
      const got = [];
      for (;;) { const { value, done } = await r.read(); if (done) break; got.push(value); }
      [before, got]
    """)
    assert out[0] == 3
    assert out[1] == list(range(10))


def test_desired_size_and_size_strategy(sctx: actors.Context) -> None:
    out = sctx.eval("""
      let ctl;
      const rs = new ReadableStream({ start(c) { ctl = c; } },
        new ByteLengthQueuingStrategy({ highWaterMark: 10 }));
      const a = ctl.desiredSize;
      ctl.enqueue(new Uint8Array(4));
      const b = ctl.desiredSize;
      ctl.enqueue(new Uint8Array(8));
      const c = ctl.desiredSize;
      await rs.getReader().read();
      [a, b, c, ctl.desiredSize, new CountQueuingStrategy({ highWaterMark: 2 }).size('x')]
    """)
    assert out == [10, 6, -2, 2, 1]


def test_bad_strategy_is_rejected(sctx: actors.Context) -> None:
    assert (
        sctx.eval(
            "try { new ReadableStream({}, { highWaterMark: -1 }); 'no' } catch (e) { e.constructor.name }"
        )
        == "RangeError"
    )
    assert (
        sctx.eval("try { new ReadableStream({}, { size: 3 }); 'no' } catch (e) { e.constructor.name }")
        == "TypeError"
    )
    assert (
        sctx.eval("try { new ByteLengthQueuingStrategy(); 'no' } catch (e) { e.constructor.name }")
        == "TypeError"
    )


def test_error_rejects_reads_and_closed(sctx: actors.Context) -> None:
    out = sctx.eval("""
      let ctl;
      const rs = new ReadableStream({ start(c) { ctl = c; } });
      const r = rs.getReader();
      const p = r.read().catch(e => 'read:' + e.message);
      ctl.error(new Error('boom'));
      [await p, await r.closed.catch(e => 'closed:' + e.message), ctl.desiredSize]
    """)
    assert out == ["read:boom", "closed:boom", None]


def test_start_throwing_and_pull_rejecting(sctx: actors.Context) -> None:
    assert (
        sctx.eval(
            "try { new ReadableStream({ start() { throw new Error('s') } }); 'no' } catch (e) { e.message }"
        )
        == "s"
    )
    out = sctx.eval("""
      const rs = new ReadableStream({ pull() { return Promise.reject(new Error('p')); } });
      await rs.getReader().read().catch(e => e.message)
    """)
    assert out == "p"


def test_cancel_calls_source_cancel(sctx: actors.Context) -> None:
    out = sctx.eval("""
      let why;
      const rs = new ReadableStream({ start(c) { c.enqueue(1); }, cancel(r) { why = r; } });
      const r = rs.getReader();
      const pending = r.read();
      await r.cancel('enough');
      [why, await r.read(), await pending]
    """)
    assert out == ["enough", {"value": None, "done": True}, {"value": 1, "done": False}]


def test_locked_stream_refuses_second_reader(sctx: actors.Context) -> None:
    out = sctx.eval("""
      const rs = new ReadableStream();
      rs.getReader();
      const a = (() => { try { rs.getReader(); return 'no'; } catch (e) { return e.constructor.name; } })();
      [a, await rs.cancel().catch(e => e.constructor.name)]
    """)
    assert out == ["TypeError", "TypeError"]


def test_release_lock_rejects_pending_reads(sctx: actors.Context) -> None:
    out = sctx.eval("""
      const rs = new ReadableStream();
      const r = rs.getReader();
      const p = r.read().catch(e => e.constructor.name);
      r.releaseLock();
      [await p, rs.locked]
    """)
    assert out == ["TypeError", False]


def test_async_iteration_and_break_cancels(sctx: actors.Context) -> None:
    out = sctx.eval("""
      let canceled = false, n = 0;
      const rs = new ReadableStream({ pull(c) { c.enqueue(n++); }, cancel() { canceled = true; } });
      const seen = [];
      for await (const x of rs) { seen.push(x); if (x === 4) break; }
      [seen, canceled, rs.locked]
    """)
    assert out == [[0, 1, 2, 3, 4], True, False]


def test_async_iteration_prevent_cancel(sctx: actors.Context) -> None:
    out = sctx.eval("""
      const rs = new ReadableStream({ start(c) { c.enqueue(1); c.enqueue(2); c.close(); } });
      for await (const x of rs.values({ preventCancel: true })) { break; }
      const r = rs.getReader();
      [await r.read(), await r.read()]
    """)
    assert out == [{"value": 2, "done": False}, {"value": None, "done": True}]


def test_async_iteration_propagates_errors(sctx: actors.Context) -> None:
    with pytest.raises(JSError, match="bad"):
        sctx.eval("""
          const rs = new ReadableStream({ start(c) { c.enqueue(1); c.error(new Error('bad')); } });
          for await (const x of rs) {}
        """)


def test_tee(sctx: actors.Context) -> None:
    out = sctx.eval("""
      const rs = new ReadableStream({ start(c) { [1, 2, 3].forEach(x => c.enqueue(x)); c.close(); } });
      const [a, b] = rs.tee();
      const read = async (s) => { const o = []; for await (const x of s) o.push(x); return o; };
      [rs.locked, await read(a), await read(b)]
    """)
    assert out == [True, [1, 2, 3], [1, 2, 3]]


def test_tee_cancel_both_cancels_source(sctx: actors.Context) -> None:
    out = sctx.eval("""
      let reason;
      const rs = new ReadableStream({ cancel(r) { reason = r; } });
      const [a, b] = rs.tee();
      await Promise.all([a.cancel('x'), b.cancel('y')]);
      reason
    """)
    assert out == ["x", "y"]


def test_from_iterables(sctx: actors.Context) -> None:
    out = sctx.eval("""
      const read = async (s) => { const o = []; for await (const x of s) o.push(x); return o; };
      async function* gen() { yield 'a'; yield 'b'; }
      [await read(ReadableStream.from([1, 2, 3])), await read(ReadableStream.from(gen())),
       await read(ReadableStream.from([Promise.resolve(7)])),
       (() => { try { ReadableStream.from(5); return 'no'; } catch (e) { return e.constructor.name; } })()]
    """)
    assert out == [[1, 2, 3], ["a", "b"], [7], "TypeError"]


def test_writable_basic(sctx: actors.Context) -> None:
    out = sctx.eval("""
      const log = [];
      const ws = new WritableStream({
        start() { log.push('start'); },
        write(chunk) { log.push('w:' + chunk); },
        close() { log.push('close'); },
      });
      const w = ws.getWriter();
      await w.write('a'); await w.write('b'); await w.close();
      await w.closed;
      log
    """)
    assert out == ["start", "w:a", "w:b", "close"]


def test_writable_backpressure(sctx: actors.Context) -> None:
    out = sctx.eval("""
      const waits = [];
      const ws = new WritableStream({
        write() { return new Promise(r => waits.push(r)); },
      }, new CountQueuingStrategy({ highWaterMark: 2 }));
      const w = ws.getWriter();
      await w.ready;
      const sizes = [w.desiredSize];
      w.write(1); sizes.push(w.desiredSize);
      w.write(2); sizes.push(w.desiredSize);
      let ready = false;
      w.ready.then(() => { ready = true; });
      await new Promise(r => setTimeout(r, 10));
      const readyWhileFull = ready;
      waits.shift()();
      await new Promise(r => setTimeout(r, 10));
      [sizes, readyWhileFull, ready, w.desiredSize]
    """)
    assert out == [[2, 1, 0], False, True, 1]


def test_writable_write_error_errors_stream(sctx: actors.Context) -> None:
    out = sctx.eval("""
      const ws = new WritableStream({ write() { throw new Error('nope'); } });
      const w = ws.getWriter();
      const a = await w.write(1).catch(e => e.message);
      const b = await w.write(2).catch(e => e.message);
      [a, b, await w.closed.catch(e => e.message), w.desiredSize]
    """)
    assert out == ["nope", "nope", "nope", None]


def test_writable_abort(sctx: actors.Context) -> None:
    out = sctx.eval("""
      let aborted;
      const ws = new WritableStream({ abort(r) { aborted = r; } });
      const w = ws.getWriter();
      await w.abort('stop');
      [aborted, await w.write(1).catch(e => e), await w.closed.catch(e => e)]
    """)
    assert out == ["stop", "stop", "stop"]


def test_writable_controller_error_and_locks(sctx: actors.Context) -> None:
    out = sctx.eval("""
      let ctl;
      const ws = new WritableStream({ start(c) { ctl = c; } });
      const w = ws.getWriter();
      const a = (() => { try { ws.getWriter(); return 'no'; } catch (e) { return e.constructor.name; } })();
      ctl.error(new Error('sink'));
      const b = await w.ready.catch(e => e.message);
      w.releaseLock();
      [a, b, ws.locked]
    """)
    assert out == ["TypeError", "sink", False]


def test_close_twice_rejects(sctx: actors.Context) -> None:
    out = sctx.eval("""
      const ws = new WritableStream();
      const w = ws.getWriter();
      w.close();
      await w.close().catch(e => e.constructor.name)
    """)
    assert out == "TypeError"


def test_transform_stream(sctx: actors.Context) -> None:
    out = sctx.eval("""
      const ts = new TransformStream({
        transform(chunk, c) { c.enqueue(chunk.toUpperCase()); c.enqueue('|'); },
        flush(c) { c.enqueue('END'); },
      });
      const w = ts.writable.getWriter();
      w.write('ab'); w.write('cd'); w.close();
      const o = []; for await (const x of ts.readable) o.push(x);
      o.join('')
    """)
    assert out == "AB|CD|END"


def test_identity_transform_and_terminate(sctx: actors.Context) -> None:
    out = sctx.eval("""
      const id = new TransformStream();
      const w = id.writable.getWriter();
      w.write(1); w.write(2); w.close();
      const o = []; for await (const x of id.readable) o.push(x);
      const t = new TransformStream({ start(c) { c.enqueue('x'); c.terminate(); } });
      const r = t.readable.getReader();
      const late = t.writable.getWriter().write(1).catch(e => e.constructor.name);
      [o, await r.read(), await r.read(), await late]
    """)
    assert out == [[1, 2], {"value": "x", "done": False}, {"value": None, "done": True}, "TypeError"]


def test_transform_error_errors_both_sides(sctx: actors.Context) -> None:
    out = sctx.eval("""
      const ts = new TransformStream({ transform() { throw new Error('tx'); } });
      const w = ts.writable.getWriter();
      const r = ts.readable.getReader();
      const wp = w.write(1).catch(e => e.message);
      const rp = r.read().catch(e => e.message);
      [await wp, await rp]
    """)
    assert out == ["tx", "tx"]


def test_transform_backpressure(sctx: actors.Context) -> None:
    # nobody reads: the transform runs for the first chunks only, the writer stalls
    out = sctx.eval("""
      let calls = 0;
      const ts = new TransformStream({ transform(c, ctl) { calls++; ctl.enqueue(c); } });
      const w = ts.writable.getWriter();
      for (let i = 0; i < 10; i++) w.write(i);
      await new Promise(r => setTimeout(r, 20));
      const stalled = calls;
      const r = ts.readable.getReader();
      const got = [];
      for (let i = 0; i < 10; i++) got.push((await r.read()).value);
      [stalled, got, calls]
    """)
    assert out[0] <= 2
    assert out[1] == list(range(10))
    assert out[2] == 10


def test_pipe_to(sctx: actors.Context) -> None:
    out = sctx.eval("""
      const got = [];
      let closed = false;
      const rs = ReadableStream.from([1, 2, 3, 4]);
      const ws = new WritableStream({ write(c) { got.push(c); }, close() { closed = true; } });
      await rs.pipeTo(ws);
      [got, closed, rs.locked, ws.locked]
    """)
    assert out == [[1, 2, 3, 4], True, False, False]


def test_pipe_to_prevent_close(sctx: actors.Context) -> None:
    out = sctx.eval("""
      let closed = false;
      const ws = new WritableStream({ close() { closed = true; } });
      await ReadableStream.from(['a']).pipeTo(ws, { preventClose: true });
      const w = ws.getWriter(); await w.write('more');
      closed
    """)
    assert out is False


def test_pipe_to_source_error_aborts_dest(sctx: actors.Context) -> None:
    out = sctx.eval("""
      let aborted;
      const rs = new ReadableStream({ start(c) { c.enqueue(1); setTimeout(() => c.error('src'), 5); } });
      const ws = new WritableStream({ abort(r) { aborted = r; } });
      [await rs.pipeTo(ws).catch(e => e), aborted]
    """)
    assert out == ["src", "src"]


def test_pipe_to_prevent_abort(sctx: actors.Context) -> None:
    out = sctx.eval("""
      let aborted = false;
      const rs = new ReadableStream({ start(c) { c.error('src'); } });
      const ws = new WritableStream({ abort() { aborted = true; } });
      [await rs.pipeTo(ws, { preventAbort: true }).catch(e => e), aborted, ws.locked]
    """)
    assert out == ["src", False, False]


def test_pipe_to_dest_error_cancels_source(sctx: actors.Context) -> None:
    out = sctx.eval("""
      let canceled;
      const rs = new ReadableStream({ pull(c) { c.enqueue(1); }, cancel(r) { canceled = r.message; } });
      const ws = new WritableStream({ write() { throw new Error('sink'); } });
      [await rs.pipeTo(ws).catch(e => e.message), canceled]
    """)
    assert out == ["sink", "sink"]


def test_pipe_to_prevent_cancel(sctx: actors.Context) -> None:
    out = sctx.eval("""
      let canceled = false;
      const rs = new ReadableStream({ pull(c) { c.enqueue(1); }, cancel() { canceled = true; } });
      const ws = new WritableStream({ write() { throw new Error('sink'); } });
      [await rs.pipeTo(ws, { preventCancel: true }).catch(e => e.message), canceled, rs.locked]
    """)
    assert out == ["sink", False, False]


def test_pipe_to_respects_backpressure(sctx: actors.Context) -> None:
    # an endless source piped into a slow sink does not buffer without bound
    out = sctx.eval("""
      let pulls = 0;
      const rs = new ReadableStream({ pull(c) { pulls++; c.enqueue(pulls); } });
      const waits = [];
      const ws = new WritableStream({ write() { return new Promise(r => waits.push(r)); } });
      rs.pipeTo(ws).catch(() => {});
      await new Promise(r => setTimeout(r, 30));
      pulls
    """)
    assert out <= 4


def test_pipe_to_with_signal(sctx: actors.Context) -> None:
    # a minimal AbortSignal stand-in (the events group may not be installed)
    out = sctx.eval("""
      const listeners = [];
      const signal = { aborted: false, reason: undefined,
        addEventListener(t, f) { listeners.push(f); }, removeEventListener() {} };
      let canceled, aborted;
      const rs = new ReadableStream({ cancel(r) { canceled = r; } });
      const ws = new WritableStream({ abort(r) { aborted = r; } });
      const p = rs.pipeTo(ws, { signal }).catch(e => e);
      await new Promise(r => setTimeout(r, 5));
      signal.aborted = true; signal.reason = 'stop';
      listeners.forEach(f => f());
      [await p, canceled, aborted]
    """)
    assert out == ["stop", "stop", "stop"]


def test_pipe_to_rejects_bad_arguments(sctx: actors.Context) -> None:
    out = sctx.eval("""
      const rs = new ReadableStream();
      [await rs.pipeTo({}).catch(e => e.constructor.name),
       await rs.pipeTo(new WritableStream(), { signal: 1 }).catch(e => e.constructor.name)]
    """)
    assert out == ["TypeError", "TypeError"]


def test_pipe_through(sctx: actors.Context) -> None:
    out = sctx.eval("""
      const double = new TransformStream({ transform(x, c) { c.enqueue(x * 2); } });
      const out = ReadableStream.from([1, 2, 3]).pipeThrough(double);
      const o = []; for await (const x of out) o.push(x);
      o
    """)
    assert out == [2, 4, 6]


def test_brand_checks(sctx: actors.Context) -> None:
    out = sctx.eval("""
      const tries = [
        () => ReadableStream.prototype.getReader.call({}),
        () => new ReadableStreamDefaultReader({}),
        () => WritableStream.prototype.getWriter.call({}),
        () => new ReadableStream({ type: 'weird' }),
        () => new ReadableStream().getReader({ mode: 'byob' }),
      ];
      tries.map(f => { try { f(); return 'no'; } catch (e) { return e.constructor.name; } })
    """)
    assert out == ["TypeError"] * 5


def test_bytes_type_behaves_as_default_stream(sctx: actors.Context) -> None:
    out = sctx.eval("""
      const rs = new ReadableStream({ type: 'bytes',
        start(c) { c.enqueue(new Uint8Array([1, 2])); c.close(); } });
      const r = rs.getReader();
      (await r.read()).value
    """)
    assert out == b"\x01\x02"


def _has_abort_controller() -> bool:
    from actors.apis import REGISTRY

    events = REGISTRY.get("events")
    return events is not None and "AbortController" in events.globals


@pytest.mark.skipif(not _has_abort_controller(), reason="the events group has no AbortController yet")
def test_with_real_abort_signals(pool: actors.ContextPool) -> None:
    ctx = pool.spawn(apis=["compression", "events"])
    out = ctx.eval("""
      let sig;
      const ws = new WritableStream({ start(c) { sig = c.signal; } });
      const before = sig.aborted;
      await ws.abort('why');
      const ac = new AbortController();
      const rs = new ReadableStream({ pull(c) { c.enqueue(1); return new Promise(r => setTimeout(r, 5)); } });
      const p = rs.pipeTo(new WritableStream(), { signal: ac.signal }).catch(e => e.name);
      setTimeout(() => ac.abort(), 20);
      [before, sig.aborted, sig.reason, await p, rs.locked]
    """)
    assert out == [False, True, "why", "AbortError", False]
