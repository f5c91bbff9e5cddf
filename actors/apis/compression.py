"""The ``compression`` group: CompressionStream and DecompressionStream through zlib.

Each JS stream opens a zlib compressor or decompressor here, kept in a
per-context table under a small integer id; the polyfill's TransformStream
pushes chunks through it with ``native.callSync``. Decompressed output is
handed back in bounded pieces so a small bomb cannot balloon host memory in
one call; what reaches JS counts against the context's memory limit.
"""

from __future__ import annotations

import threading
import weakref
import zlib
from typing import Any

from actors.apis import Group, register

__all__ = ["MAX_OPEN", "OUTPUT_CHUNK"]

# zlib wbits per format: gzip header, zlib header, no header.
_WBITS = {"gzip": 31, "deflate": 15, "deflate-raw": -15}
# Most codecs one context may hold open at once (each costs ~300 KiB of zlib state).
MAX_OPEN = 256
# Largest piece of decompressed output returned by one call.
OUTPUT_CHUNK = 1 << 20


class _Codec:
    __slots__ = ("compressor", "decompressor")

    def __init__(self, fmt: str, mode: str) -> None:
        wbits = _WBITS[fmt]
        self.compressor: Any = None
        self.decompressor: Any = None
        if mode == "compress":
            self.compressor = zlib.compressobj(wbits=wbits)
        else:
            self.decompressor = zlib.decompressobj(wbits=wbits)


class _Table:
    __slots__ = ("codecs", "next_id")

    def __init__(self) -> None:
        self.codecs: dict[int, _Codec] = {}
        self.next_id = 1


_lock = threading.Lock()
_tables: weakref.WeakKeyDictionary[Any, _Table] = weakref.WeakKeyDictionary()


def _table(ctx: Any) -> _Table:
    with _lock:
        table = _tables.get(ctx)
        if table is None:
            table = _tables[ctx] = _Table()
        return table


def _codec(ctx: Any, cid: int) -> _Codec:
    codec = _table(ctx).codecs.get(cid)
    if codec is None:
        raise ValueError("the compression stream is closed")
    return codec


def _open(ctx: Any, fmt: str, mode: str) -> int:
    if fmt not in _WBITS or mode not in ("compress", "decompress"):
        raise ValueError(f"unsupported compression format {fmt!r}")
    table = _table(ctx)
    with _lock:
        if len(table.codecs) >= MAX_OPEN:
            raise ValueError(f"too many open compression streams (at most {MAX_OPEN} per context)")
        cid = table.next_id
        table.next_id += 1
        table.codecs[cid] = _Codec(fmt, mode)
    return cid


def _check_trailing(d: Any) -> None:
    if d.eof and d.unused_data:
        raise ValueError("junk found after the end of the compressed data")


def _push(ctx: Any, cid: int, data: bytes) -> bytes:
    codec = _codec(ctx, cid)
    if codec.compressor is not None:
        out: bytes = codec.compressor.compress(data)
        return out
    d = codec.decompressor
    if d.eof:
        if data:
            raise ValueError("junk found after the end of the compressed data")
        return b""
    try:
        out = d.decompress(data, OUTPUT_CHUNK)
    except zlib.error as exc:
        raise ValueError(f"invalid compressed data: {exc}") from None
    _check_trailing(d)
    return out


def _drain(ctx: Any, cid: int) -> bytes:
    """More output of a decompressor still waiting in its input tail (b"" when none)."""
    codec = _codec(ctx, cid)
    d = codec.decompressor
    if d is None or not d.unconsumed_tail:
        return b""
    try:
        out: bytes = d.decompress(d.unconsumed_tail, OUTPUT_CHUNK)
    except zlib.error as exc:
        raise ValueError(f"invalid compressed data: {exc}") from None
    _check_trailing(d)
    return out


def _finish(ctx: Any, cid: int) -> bytes:
    table = _table(ctx)
    with _lock:
        codec = table.codecs.pop(cid, None)
    if codec is None:
        raise ValueError("the compression stream is closed")
    if codec.compressor is not None:
        out: bytes = codec.compressor.flush()
        return out
    d = codec.decompressor
    try:
        out = d.flush()
    except zlib.error as exc:
        raise ValueError(f"invalid compressed data: {exc}") from None
    if not d.eof:
        raise ValueError("the compressed data ended early")
    _check_trailing(d)
    return out


def _close(ctx: Any, cid: int) -> None:
    table = _table(ctx)
    with _lock:
        table.codecs.pop(cid, None)


register(
    Group(
        "compression",
        globals=("CompressionStream", "DecompressionStream"),
        requires=("_streams",),
        polyfill="compression.js",
        handlers={"open": _open, "push": _push, "drain": _drain, "finish": _finish, "close": _close},
    )
)
