"""CompressionStream / DecompressionStream through real contexts, checked against Python's zlib."""

from __future__ import annotations

import gzip
import os
import zlib
from collections.abc import Callable

import pytest

import actors
from actors.errors import JSError

FORMATS = ("gzip", "deflate", "deflate-raw")

# JS helpers: run bytes through a (de)compression stream, optionally in pieces.
HELPERS = """
globalThis.collect = async (readable) => {
  const parts = []; let n = 0;
  for await (const p of readable) { parts.push(p); n += p.byteLength; }
  const out = new Uint8Array(n); let o = 0;
  for (const p of parts) { out.set(p, o); o += p.byteLength; }
  return out;
};
globalThis.through = async (stream, data, pieces = 1) => {
  const w = stream.writable.getWriter();
  const step = Math.max(1, Math.ceil(data.byteLength / pieces));
  const done = collect(stream.readable);
  for (let i = 0; i < data.byteLength; i += step) w.write(data.subarray(i, i + step)).catch(() => {});
  w.close().catch(() => {});
  return await done;
};
0;
"""


@pytest.fixture
def cctx(group_context: Callable[..., actors.Context]) -> actors.Context:
    return group_context("compression", setup=HELPERS)


def _py_compress(fmt: str, data: bytes) -> bytes:
    if fmt == "gzip":
        return gzip.compress(data)
    if fmt == "deflate":
        return zlib.compress(data)
    co = zlib.compressobj(wbits=-15)
    return co.compress(data) + co.flush()


def _py_decompress(fmt: str, data: bytes) -> bytes:
    return zlib.decompress(data, wbits={"gzip": 31, "deflate": 15, "deflate-raw": -15}[fmt])


def test_globals_exist(cctx: actors.Context) -> None:
    assert cctx.eval("typeof CompressionStream + typeof DecompressionStream") == "functionfunction"
    assert cctx.eval("typeof new CompressionStream('gzip').readable.getReader") == "function"


@pytest.mark.parametrize("fmt", FORMATS)
def test_round_trip_in_js(cctx: actors.Context, fmt: str) -> None:
    out = cctx.eval(f"""
      const data = new Uint8Array(5000).map((_, i) => i % 7);
      const packed = await through(new CompressionStream('{fmt}'), data);
      const back = await through(new DecompressionStream('{fmt}'), packed);
      [packed.byteLength < data.byteLength, back.byteLength, back.every((v, i) => v === i % 7)]
    """)
    assert out == [True, 5000, True]


@pytest.mark.parametrize("fmt", FORMATS)
def test_js_compressed_python_decompresses(cctx: actors.Context, fmt: str) -> None:
    cctx.eval("globalThis.src = new Uint8Array(" + str(list(b"hello, compression " * 50)) + ")")
    packed = cctx.eval(f"await through(new CompressionStream('{fmt}'), src, 7)")
    assert isinstance(packed, bytes)
    assert _py_decompress(fmt, packed) == b"hello, compression " * 50


@pytest.mark.parametrize("fmt", FORMATS)
def test_python_compressed_js_decompresses(cctx: actors.Context, fmt: str) -> None:
    raw = os.urandom(3000) + b"abc" * 3000
    packed = _py_compress(fmt, raw)
    cctx.eval("globalThis.src = new Uint8Array(" + str(list(packed)) + ")")
    assert cctx.eval(f"await through(new DecompressionStream('{fmt}'), src, 13)") == raw


def test_large_input_in_many_chunks(cctx: actors.Context) -> None:
    out = cctx.eval("""
      const chunk = new Uint8Array(4096).map((_, i) => (i * 31) & 255);
      const cs = new CompressionStream('gzip');
      const w = cs.writable.getWriter();
      const packedP = collect(cs.readable);
      for (let i = 0; i < 500; i++) { await w.ready; w.write(chunk); }
      await w.close();
      const packed = await packedP;
      const back = await through(new DecompressionStream('gzip'), packed, 97);
      [back.byteLength, back[4096 * 499 + 5] === chunk[5], packed]
    """)
    assert out[0] == 4096 * 500
    assert out[1] is True
    assert len(gzip.decompress(out[2])) == 4096 * 500


def test_decompression_bomb_is_delivered_in_pieces(cctx: actors.Context) -> None:
    packed = gzip.compress(b"\0" * (5 << 20))
    cctx.eval("globalThis.src = new Uint8Array(" + str(list(packed)) + ")")
    out = cctx.eval("""
      const ds = new DecompressionStream('gzip');
      const w = ds.writable.getWriter(); w.write(src); w.close();
      let n = 0, pieces = 0;
      for await (const p of ds.readable) { n += p.byteLength; pieces++; }
      [n, pieces > 1]
    """)
    assert out == [5 << 20, True]


@pytest.mark.parametrize("fmt", FORMATS)
def test_corrupt_input_errors_with_type_error(cctx: actors.Context, fmt: str) -> None:
    with pytest.raises(JSError) as info:
        cctx.eval(
            f"await through(new DecompressionStream('{fmt}'), new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8, 9]))"
        )
    assert info.value.name == "TypeError"


def test_truncated_input_errors(cctx: actors.Context) -> None:
    packed = gzip.compress(b"some data that will be cut short" * 10)[:-6]
    cctx.eval("globalThis.src = new Uint8Array(" + str(list(packed)) + ")")
    with pytest.raises(JSError) as info:
        cctx.eval("await through(new DecompressionStream('gzip'), src)")
    assert info.value.name == "TypeError"


def test_trailing_junk_errors(cctx: actors.Context) -> None:
    packed = zlib.compress(b"payload") + b"junk"
    cctx.eval("globalThis.src = new Uint8Array(" + str(list(packed)) + ")")
    with pytest.raises(JSError) as info:
        cctx.eval("await through(new DecompressionStream('deflate'), src)")
    assert info.value.name == "TypeError"


def test_error_reaches_the_writer_too(cctx: actors.Context) -> None:
    out = cctx.eval("""
      const ds = new DecompressionStream('gzip');
      const w = ds.writable.getWriter();
      const r = ds.readable.getReader();
      const readP = r.read().then(() => 'ok', e => e.constructor.name);
      const junk = new Uint8Array(12).fill(9);
      const writeP = w.write(junk).then(() => 'ok', e => e.constructor.name);
      [await readP, await writeP, await w.closed.then(() => 'ok', e => e.constructor.name)]
    """)
    assert out == ["TypeError", "TypeError", "TypeError"]


def test_unknown_format_throws_type_error(cctx: actors.Context) -> None:
    assert (
        cctx.eval("try { new CompressionStream('brotli'); 'no' } catch (e) { e.constructor.name }")
        == "TypeError"
    )
    assert (
        cctx.eval("try { new DecompressionStream(); 'no' } catch (e) { e.constructor.name }") == "TypeError"
    )


def test_non_buffer_chunk_errors(cctx: actors.Context) -> None:
    with pytest.raises(JSError) as info:
        cctx.eval("""
          const cs = new CompressionStream('gzip');
          const w = cs.writable.getWriter(); w.write('a string').catch(() => {}); w.close().catch(() => {});
          await collect(cs.readable)
        """)
    assert info.value.name == "TypeError"


def test_array_buffer_and_views_accepted(cctx: actors.Context) -> None:
    out = cctx.eval("""
      const cs = new CompressionStream('deflate');
      const w = cs.writable.getWriter();
      const all = collect(cs.readable);
      const buf = new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8]);
      w.write(buf.buffer); w.write(new DataView(buf.buffer, 2, 3)); w.write(new Uint16Array([0x0a0b]));
      w.close();
      await all
    """)
    assert zlib.decompress(out) == bytes([1, 2, 3, 4, 5, 6, 7, 8, 3, 4, 5, 0x0B, 0x0A])


def test_pipe_through_chain(cctx: actors.Context) -> None:
    out = cctx.eval("""
      const data = new Uint8Array(10000).map((_, i) => i & 255);
      const src = new ReadableStream({ start(c) {
        for (let i = 0; i < 10; i++) c.enqueue(data.subarray(i * 1000, (i + 1) * 1000));
        c.close();
      } });
      const back = await collect(src.pipeThrough(new CompressionStream('gzip'))
        .pipeThrough(new DecompressionStream('gzip')));
      [back.byteLength, back.every((v, i) => v === (i & 255))]
    """)
    assert out == [10000, True]


def test_canceled_streams_free_their_codec(cctx: actors.Context) -> None:
    # more than the per-context cap of open codecs, each canceled: none leak
    out = cctx.eval("""
      for (let i = 0; i < 300; i++) {
        const cs = new CompressionStream('gzip');
        await cs.readable.cancel('bye');
      }
      'ok'
    """)
    assert out == "ok"
