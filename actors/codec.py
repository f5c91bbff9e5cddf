"""Python <-> msgpack mapping for values crossing into and out of contexts.

The extension codes below are mirrored in ``native/actors.h`` (ACT_EXT_*);
``tests/test_codec.py`` checks that the two tables agree.

The fast path is the ``msgpack`` C packer. It refuses what the mapping does
not cover and stops at 512 levels, so on any failure the value is walked again
by a small pure-Python encoder that either encodes it (deep but legal values)
or raises ConversionError naming the path of the offending value.
"""

from __future__ import annotations

import datetime as _dt
import math
import struct
import threading
from collections.abc import Mapping
from typing import Any

import msgpack

from actors.errors import ConversionError, JSError

__all__ = ["EXT_BIGINT", "EXT_DATE", "EXT_ERROR", "MAX_DEPTH", "decode", "encode"]

EXT_BIGINT = 1
EXT_DATE = 2
EXT_ERROR = 3

MAX_DEPTH = 1000
_SAFE_INT = 2**53
_UTC = _dt.timezone.utc
_EPOCH = _dt.datetime(1970, 1, 1, tzinfo=_UTC)


def _date_ms(value: _dt.datetime) -> float:
    if value.tzinfo is None:
        value = value.replace(tzinfo=_UTC)   # naive datetimes are taken as UTC
    delta = value - _EPOCH
    return (delta.days * 86400 + delta.seconds) * 1000.0 + delta.microseconds / 1000.0


def _default(obj: Any) -> Any:
    if isinstance(obj, int) and not isinstance(obj, bool):
        return msgpack.ExtType(EXT_BIGINT, str(obj).encode())
    if isinstance(obj, _dt.datetime):
        return msgpack.ExtType(EXT_DATE, struct.pack(">d", _date_ms(obj)))
    if isinstance(obj, (bytearray, memoryview)):
        return bytes(obj)
    raise TypeError(f"unsupported type {type(obj).__name__}")


_local = threading.local()


def _packer() -> msgpack.Packer:
    # One Packer per thread: building one per call costs more than packing a
    # small value, and a Packer is not safe to share (``default`` runs Python).
    p = getattr(_local, "packer", None)
    if p is None:
        p = _local.packer = msgpack.Packer(default=_default, use_bin_type=True, autoreset=True)
    return p


def encode(value: Any) -> bytes:
    """Encode ``value`` for a context, or raise ConversionError with its path."""
    try:
        return _packer().pack(value)  # type: ignore[no-any-return]
    except Exception:
        _packer().reset()
        out = bytearray()
        _Walker(out).walk(value, "$", 0, [])
        return bytes(out)


def encode_frame(head: list[Any], values: tuple[Any, ...]) -> bytes:
    """Encode a command frame ``[*head, *values]``; errors name the path inside ``values``.

    ``head`` holds only plain ints and strings (opcode, request id, ...).
    """
    try:
        return _packer().pack([*head, *values])  # type: ignore[no-any-return]
    except Exception:
        _packer().reset()
    parts = [_packer().pack(h) for h in head]
    for v in values:
        try:
            parts.append(encode(v))
        except ConversionError:
            raise
    return _array_header(len(parts)) + b"".join(parts)


class _Walker:
    """Pure-Python msgpack encoder with cycle, depth and type checks."""

    def __init__(self, out: bytearray) -> None:
        self.out = out

    def fail(self, what: str, path: str) -> ConversionError:
        return ConversionError(f"{what} at {path}")

    def walk(self, v: Any, path: str, depth: int, stack: list[int]) -> None:
        out = self.out
        if v is None or isinstance(v, (bool, float)):
            out += msgpack.packb(v)
            return
        if isinstance(v, int):
            if -(2**63) <= v < 2**64:
                out += msgpack.packb(v)
            else:
                out += msgpack.packb(msgpack.ExtType(EXT_BIGINT, str(v).encode()))
            return
        if isinstance(v, str):
            try:
                out += msgpack.packb(v)
            except UnicodeEncodeError:
                raise self.fail("string with a lone surrogate (not valid Unicode)", path) from None
            return
        if isinstance(v, (bytes, bytearray, memoryview)):
            out += msgpack.packb(bytes(v), use_bin_type=True)
            return
        if isinstance(v, _dt.datetime):
            out += msgpack.packb(msgpack.ExtType(EXT_DATE, struct.pack(">d", _date_ms(v))))
            return
        if isinstance(v, (list, tuple, dict)):
            if depth >= MAX_DEPTH:
                raise self.fail("value nested deeper than 1000 levels", path)
            if id(v) in stack:
                raise self.fail("cyclic reference", path)
            stack.append(id(v))
            if isinstance(v, dict):
                out += _map_header(len(v))
                for k, item in v.items():
                    if not isinstance(k, str):
                        raise self.fail(f"dict key {k!r} is not a str", path)
                    sub = f"{path}.{k}" if k.isidentifier() else f"{path}[{k!r}]"
                    self.walk(k, sub, depth + 1, stack)
                    self.walk(item, sub, depth + 1, stack)
            else:
                out += _array_header(len(v))
                for i, item in enumerate(v):
                    self.walk(item, f"{path}[{i}]", depth + 1, stack)
            stack.pop()
            return
        raise self.fail(f"unsupported value of type {type(v).__name__}", path)


def _array_header(n: int) -> bytes:
    if n < 16:
        return bytes([0x90 | n])
    if n < 2**16:
        return b"\xdc" + struct.pack(">H", n)
    return b"\xdd" + struct.pack(">I", n)


def _map_header(n: int) -> bytes:
    if n < 16:
        return bytes([0x80 | n])
    if n < 2**16:
        return b"\xde" + struct.pack(">H", n)
    return b"\xdf" + struct.pack(">I", n)


def _ext_hook(code: int, data: bytes) -> Any:
    if code == EXT_BIGINT:
        return int(data.decode())
    if code == EXT_DATE:
        (ms,) = struct.unpack(">d", data)
        if not math.isfinite(ms):
            raise ConversionError("invalid Date")
        return _EPOCH + _dt.timedelta(milliseconds=ms)
    if code == EXT_ERROR:
        name, message, stack = decode(data)
        return JSError(name, message, stack)
    return msgpack.ExtType(code, data)


def decode(data: bytes) -> Any:
    """Decode a msgpack frame coming out of the native side."""
    return msgpack.unpackb(
        data,
        ext_hook=_ext_hook,
        raw=False,
        strict_map_key=False,
        use_list=True,
        unicode_errors="surrogateescape",
        max_bin_len=2**31 - 1,
        max_str_len=2**31 - 1,
        max_array_len=2**31 - 1,
        max_map_len=2**31 - 1,
        max_ext_len=2**31 - 1,
    )


def is_plain_mapping(value: object) -> bool:
    """True for the mapping types the encoder accepts as JS objects."""
    return isinstance(value, Mapping)
