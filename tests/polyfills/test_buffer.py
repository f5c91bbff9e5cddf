"""Blob, File and Buffer (the ``buffer`` group) through real contexts, checked against Python."""

from __future__ import annotations

import base64
import json
import struct
from collections.abc import Callable

import pytest

import actors
from actors.errors import JSError

TEXT = "héllo wörld € 𝄞 ok"


@pytest.fixture
def bctx(group_context: Callable[..., actors.Context]) -> actors.Context:
    return group_context("buffer")


def js_str(s: str) -> str:
    return json.dumps(s)


def test_globals(bctx: actors.Context) -> None:
    assert bctx.eval("[typeof Blob, typeof File, typeof Buffer]") == ["function"] * 3
    assert bctx.eval("Buffer.alloc(1) instanceof Uint8Array") is True


# ---- Buffer encodings ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("enc", "expected"),
    [
        ("utf8", TEXT.encode()),
        ("utf-8", TEXT.encode()),
        ("utf16le", TEXT.encode("utf-16-le")),
        ("ucs2", TEXT.encode("utf-16-le")),
        ("latin1", bytes(ord(ch) & 255 for ch in TEXT.encode("utf-16-le").decode("utf-16-le"))),
    ],
)
def test_from_string(bctx: actors.Context, enc: str, expected: bytes) -> None:
    if enc == "latin1":
        # latin1 takes each UTF-16 code unit's low byte
        units = TEXT.encode("utf-16-le")
        expected = bytes(units[i] for i in range(0, len(units), 2))
    assert bctx.eval(f"Buffer.from({js_str(TEXT)}, '{enc}')") == expected


def test_binary_encodings_round_trip(bctx: actors.Context) -> None:
    data = bytes(range(256)) * 3 + b"\x01\x02"
    bctx.eval(f"globalThis.b = Buffer.from({list(data)}); 0")
    assert bctx.eval("b.toString('hex')") == data.hex()
    assert bctx.eval("b.toString('base64')") == base64.b64encode(data).decode()
    assert bctx.eval("b.toString('base64url')") == base64.urlsafe_b64encode(data).decode().rstrip("=")
    assert bctx.eval("b.toString('latin1')") == data.decode("latin1")
    assert bctx.eval("b.toString('ascii')") == bytes(x & 127 for x in data).decode("ascii")
    assert bctx.eval(f"Buffer.from({js_str(data.hex())}, 'hex')") == data
    assert bctx.eval(f"Buffer.from({js_str(base64.b64encode(data).decode())}, 'base64')") == data
    b64url = base64.urlsafe_b64encode(data).decode().rstrip("=")
    assert bctx.eval(f"Buffer.from({js_str(b64url)}, 'base64url')") == data


def test_utf8_decode_replaces_invalid_sequences(bctx: actors.Context) -> None:
    samples = [
        b"\xff",
        b"a\xc3",
        b"\xe2\x82",
        b"\xed\xa0\x80",
        b"\xf0\x9d\x84\x9e",
        b"\xc0\xaf",
        b"ok\xe2\x82\xacok",
    ]
    for raw in samples:
        got = bctx.eval(f"Buffer.from({list(raw)}).toString()")
        assert got == raw.decode("utf-8", errors="replace"), raw


def test_lone_surrogate_encodes_as_replacement(bctx: actors.Context) -> None:
    assert bctx.eval("Buffer.from('a\\ud800b')") == "a\ufffdb".encode()


def test_base64_is_lenient(bctx: actors.Context) -> None:
    assert bctx.eval("Buffer.from('aGVs bG8=\\n', 'base64').toString()") == "hello"
    assert bctx.eval("Buffer.from('aGVsbG8', 'base64').toString()") == "hello"
    assert bctx.eval("Buffer.from('-_-_', 'base64')") == base64.urlsafe_b64decode("-_-_")


def test_unknown_encoding_throws(bctx: actors.Context) -> None:
    assert bctx.eval("try { Buffer.from('x', 'nope'); 'no' } catch (e) { e.constructor.name }") == "TypeError"
    assert bctx.eval("[Buffer.isEncoding('UTF-8'), Buffer.isEncoding('nope')]") == [True, False]


def test_to_string_range(bctx: actors.Context) -> None:
    assert bctx.eval("Buffer.from('hello world').toString('utf8', 6, 9)") == "wor"
    assert bctx.eval("Buffer.from('hello').toString(undefined, 3)") == "lo"


# ---- Buffer construction -------------------------------------------------------------------------


def test_from_array_arraybuffer_and_views(bctx: actors.Context) -> None:
    out = bctx.eval("""
      const ab = new Uint8Array([1, 2, 3, 4]).buffer;
      const shared = Buffer.from(ab, 1, 2);
      new Uint8Array(ab)[1] = 9;           // shares memory
      [Buffer.from([1, 257, -1]), shared, Buffer.from(new Uint16Array([258, 3])),
       Buffer.from(Buffer.from('ab')), Buffer.from({ type: 'Buffer', data: [5, 6] })]
    """)
    assert out == [b"\x01\x01\xff", b"\x09\x03", b"\x02\x03", b"ab", b"\x05\x06"]


def test_from_rejects_bad_input(bctx: actors.Context) -> None:
    assert bctx.eval("try { Buffer.from(5); 'no' } catch (e) { e.constructor.name }") == "TypeError"


def test_alloc(bctx: actors.Context) -> None:
    out = bctx.eval("""
      [Buffer.alloc(4), Buffer.alloc(5, 'ab'), Buffer.alloc(3, 7), Buffer.alloc(4, 'aGk=', 'base64'),
       Buffer.allocUnsafe(3).length, Buffer.isBuffer(Buffer.alloc(1)), Buffer.isBuffer(new Uint8Array(1))]
    """)
    assert out == [b"\0" * 4, b"ababa", b"\x07" * 3, b"hihi", 3, True, False]
    assert bctx.eval("try { Buffer.alloc(-1); 'no' } catch (e) { e.constructor.name }") == "RangeError"


def test_concat_and_byte_length(bctx: actors.Context) -> None:
    out = bctx.eval("""
      [Buffer.concat([Buffer.from('ab'), new Uint8Array([99]), Buffer.from('de')]),
       Buffer.concat([Buffer.from('abc'), Buffer.from('def')], 4),
       Buffer.concat([Buffer.from('a')], 3),
       Buffer.byteLength('€'), Buffer.byteLength('aGk=', 'base64'), Buffer.byteLength(new ArrayBuffer(7))]
    """)
    assert out == [b"abcde", b"abcd", b"a\0\0", 3, 2, 7]


# ---- Buffer methods ------------------------------------------------------------------------------


def test_slice_and_subarray_share_memory(bctx: actors.Context) -> None:
    out = bctx.eval("""
      const b = Buffer.from('hello');
      const s = b.slice(1, 3), t = b.subarray(-2);
      s[0] = 69;
      [b.toString(), s instanceof Buffer, t.toString(), Buffer.isBuffer(t)]
    """)
    assert out == ["hEllo", True, "lo", True]


def test_equals_compare(bctx: actors.Context) -> None:
    out = bctx.eval("""
      const a = Buffer.from('abc'), b = Buffer.from('abd');
      [a.equals(Buffer.from('abc')), a.equals(b), a.compare(b), b.compare(a), a.compare(a),
       Buffer.compare(Buffer.from('ab'), a), [b, a].sort(Buffer.compare).map(x => x.toString()),
       a.compare(b, 0, 2, 0, 2)]
    """)
    assert out == [True, False, -1, 1, 0, -1, ["abc", "abd"], 0]


def test_index_of_and_includes(bctx: actors.Context) -> None:
    out = bctx.eval("""
      const b = Buffer.from('this is a buffer is');
      [b.indexOf('is'), b.indexOf('is', 3), b.indexOf(Buffer.from('buf')), b.indexOf(97),
       b.indexOf('zz'), b.includes('buffer'), b.includes('nope'), b.lastIndexOf('is'),
       b.indexOf('is', -3), b.indexOf('aXM=', 0, 'base64'), b.lastIndexOf('is', 10)]
    """)
    assert out == [2, 5, 10, 8, -1, True, False, 17, 17, 2, 5]


def test_write(bctx: actors.Context) -> None:
    out = bctx.eval("""
      const b = Buffer.alloc(8);
      const n1 = b.write('ab');
      const n2 = b.write('6364', 2, 'hex');
      const n3 = b.write('xyz', 4, 2);
      const c = Buffer.alloc(4);
      const n4 = c.write('a€');            // 4 bytes fit exactly
      const d = Buffer.alloc(3);
      const n5 = d.write('a€');            // the euro sign does not fit: not split
      [n1, n2, n3, b, n4, c, n5, d]
    """)
    assert out == [2, 2, 2, b"abcdxy\0\0", 4, "a€".encode(), 1, b"a\0\0"]


def test_fill(bctx: actors.Context) -> None:
    out = bctx.eval("""
      [Buffer.alloc(5).fill('xy', 1), Buffer.alloc(4).fill(0x41, 1, 3), Buffer.alloc(4).fill('6162', 'hex')]
    """)
    assert out == [b"\0xyxy", b"\0AA\0", b"abab"]


def test_read_write_integers(bctx: actors.Context) -> None:
    out = bctx.eval("""
      const b = Buffer.alloc(16);
      const ends = [b.writeUInt8(0xfe, 0), b.writeUInt16LE(0x1234, 1), b.writeUInt16BE(0x1234, 3),
                    b.writeUInt32LE(0xdeadbeef, 5), b.writeInt32BE(-2, 9), b.writeInt8(-1, 13),
                    b.writeInt16LE(-300, 14)];
      [ends, b.toString('hex'),
       b.readUInt8(0), b.readUInt16LE(1), b.readUInt16BE(3), b.readUInt32LE(5), b.readUInt32BE(5),
       b.readInt32BE(9), b.readInt8(13), b.readInt16LE(14), b.readInt16BE(14), b.readUint16LE(1)]
    """)
    raw = (
        struct.pack("<B", 0xFE) + struct.pack("<H", 0x1234) + struct.pack(">H", 0x1234)
        + struct.pack("<I", 0xDEADBEEF) + struct.pack(">i", -2) + struct.pack("<b", -1)
        + struct.pack("<h", -300)
    )  # fmt: skip
    assert out[0] == [1, 3, 5, 9, 13, 14, 16]
    assert out[1] == raw.hex()
    assert out[2:] == [
        0xFE,
        0x1234,
        0x1234,
        0xDEADBEEF,
        0xEFBEADDE,
        -2,
        -1,
        -300,
        struct.unpack(">h", raw[14:])[0],
        0x1234,
    ]


def test_read_write_other_widths(bctx: actors.Context) -> None:
    out = bctx.eval("""
      const b = Buffer.alloc(8);
      b.writeDoubleLE(1.5); const d = b.readDoubleLE(0);
      b.writeFloatBE(0.25); const f = b.readFloatBE(0);
      b.writeBigUInt64BE(2n ** 63n + 5n); const big = b.readBigUInt64BE(0) === 2n ** 63n + 5n;
      b.writeUIntBE(0x123456, 0, 3); const u = b.readUIntBE(0, 3);
      b.writeIntLE(-5, 0, 6); const i = b.readIntLE(0, 6);
      [d, f, big, u, i]
    """)
    assert out == [1.5, 0.25, True, 0x123456, -5]


def test_out_of_range_access_throws_range_error(bctx: actors.Context) -> None:
    cases = [
        "Buffer.alloc(2).readUInt32LE(0)",
        "Buffer.alloc(4).readUInt16BE(3)",
        "Buffer.alloc(4).readInt8(-1)",
        "Buffer.alloc(4).writeUInt8(256)",
        "Buffer.alloc(4).writeInt16LE(40000)",
    ]
    for code in cases:
        assert bctx.eval(f"try {{ {code}; 'no' }} catch (e) {{ e.constructor.name }}") == "RangeError", code


def test_to_json_copy_swap(bctx: actors.Context) -> None:
    out = bctx.eval("""
      const b = Buffer.from([1, 2, 3, 4]);
      const t = Buffer.alloc(6);
      const n = b.copy(t, 2, 1);
      [JSON.stringify(b), n, t, Buffer.from([1, 2, 3, 4]).swap16(), Buffer.from([1, 2, 3, 4]).swap32()]
    """)
    assert out == [
        '{"type":"Buffer","data":[1,2,3,4]}',
        3,
        b"\0\0\x02\x03\x04\0",
        b"\x02\x01\x04\x03",
        b"\x04\x03\x02\x01",
    ]


def test_large_buffer_to_string(bctx: actors.Context) -> None:
    out = bctx.eval(
        "const big = Buffer.alloc(300000, 'é'); [big.toString().length, big.toString('base64').length]"
    )
    assert out == [150000, 400000]


# ---- Blob and File -------------------------------------------------------------------------------


def test_blob_parts_and_reads(bctx: actors.Context) -> None:
    out = bctx.eval("""
      const inner = new Blob(['in']);
      const parts = ['ab', new Uint8Array([99, 100]).subarray(1), new Uint16Array([0x6665]).buffer, inner, 5];
      const b = new Blob(parts,
                         { type: 'Text/Plain;Charset=UTF-8' });
      [b.size, b.type, await b.text(), await b.bytes(), new Uint8Array(await b.arrayBuffer()).length,
       Object.prototype.toString.call(b)]
    """)
    assert out == [8, "text/plain;charset=utf-8", "abdefin5", b"abdefin5", 8, "[object Blob]"]


def test_blob_copies_its_parts(bctx: actors.Context) -> None:
    out = bctx.eval("const u = new Uint8Array([97]); const b = new Blob([u]); u[0] = 98; await b.text()")
    assert out == "a"


def test_blob_slice(bctx: actors.Context) -> None:
    out = bctx.eval("""
      const b = new Blob(['hello world'], { type: 'text/plain' });
      [await b.slice(6).text(), await b.slice(-5, -2).text(), await b.slice(3, 1).text(),
       b.slice(0, 4, 'X/Y').type, b.slice().type, b.slice(2, 100).size]
    """)
    assert out == ["world", "wor", "", "x/y", "", 9]


def test_blob_type_and_bad_arguments(bctx: actors.Context) -> None:
    assert bctx.eval("new Blob([], { type: 'a\\u00e9' }).type") == ""
    assert bctx.eval("[new Blob().size, new Blob().type]") == [0, ""]
    assert bctx.eval("try { new Blob('abc'); 'no' } catch (e) { e.constructor.name }") == "TypeError"
    assert bctx.eval("await new Blob(['a\\r\\nb\\rc'], { endings: 'native' }).text()") == "a\nb\nc"


def test_blob_text_decodes_invalid_utf8_with_replacement(bctx: actors.Context) -> None:
    assert bctx.eval("await new Blob([new Uint8Array([0x61, 0xff, 0x62])]).text()") == "a\ufffdb"


def test_blob_stream(bctx: actors.Context) -> None:
    out = bctx.eval("""
      const data = new Uint8Array(200000).map((_, i) => i & 255);
      const chunks = [];
      for await (const c of new Blob([data]).stream()) chunks.push(c);
      [chunks.length > 1, chunks.reduce((n, c) => n + c.byteLength, 0),
       chunks.every(c => c instanceof Uint8Array), chunks[1][0] === (65536 & 255)]
    """)
    assert out == [True, 200000, True, True]


def test_file(bctx: actors.Context) -> None:
    out = bctx.eval("""
      const f = new File(['abc'], 'a.txt', { type: 'text/plain', lastModified: 1234 });
      const g = new File([], 'b');
      [f.name, f.lastModified, f.size, f.type, await f.text(), f instanceof Blob,
       Object.prototype.toString.call(f), typeof g.lastModified, g.lastModified > 0,
       await new Blob([f, 'd']).text()]
    """)
    assert out == ["a.txt", 1234, 3, "text/plain", "abc", True, "[object File]", "number", True, "abcd"]
    with pytest.raises(JSError, match="TypeError"):
        bctx.eval("new File(['x'])")


def test_nothing_leaks_onto_global(bctx: actors.Context) -> None:
    before = set(bctx.eval("Object.getOwnPropertyNames(globalThis)"))
    bctx.eval("Buffer.from('x'); new File([], 'y').stream(); 0")
    assert set(bctx.eval("Object.getOwnPropertyNames(globalThis)")) == before
