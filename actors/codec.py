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
        value = value.replace(tzinfo=_UTC)  # naive datetimes are taken as UTC
    # whole milliseconds (a JS Date has no finer resolution), computed in
    # integers so datetime.max does not round up into year 10000
    return float((value - _EPOCH) // _dt.timedelta(milliseconds=1))


def _bigint(value: int) -> msgpack.ExtType:
    # hexadecimal: Python caps int<->decimal text at 4,300 digits, not hex
    return msgpack.ExtType(EXT_BIGINT, format(value, "x").encode())


def _default(obj: Any) -> Any:
    if isinstance(obj, int) and not isinstance(obj, bool):
        return _bigint(obj)
    if isinstance(obj, _dt.datetime):
        return msgpack.ExtType(EXT_DATE, struct.pack(">d", _date_ms(obj)))
    if isinstance(obj, (bytearray, memoryview)):
        return bytes(obj)
    if isinstance(obj, JSError):
        return msgpack.ExtType(EXT_ERROR, _error_body(obj))
    raise TypeError(f"unsupported type {type(obj).__name__}")


def _error_body(err: JSError) -> bytes:
    fields = [err.name, err.message, err.stack]
    for label, text in zip(("name", "message", "stack"), fields, strict=True):
        if text is not None and not isinstance(text, str):
            raise ConversionError(f"JSError {label} must be a str, not {type(text).__name__}")
    try:
        return msgpack.packb(fields)  # type: ignore[no-any-return]
    except UnicodeEncodeError:
        raise ConversionError(
            "JSError with a lone surrogate in its name, message or stack (not valid Unicode)"
        ) from None


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
    # The walker runs outside the except block so the ConversionError it
    # raises is not chained under msgpack's own TypeError.
    out = bytearray()
    _Walker(out).walk(value, "$")
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
    """Pure-Python msgpack encoder with cycle, depth and type checks.

    Iterative, so a value nested 1,000 levels deep does not hit Python's
    recursion limit on its way to the depth check.
    """

    def __init__(self, out: bytearray) -> None:
        self.out = out

    def walk(self, root: Any, path: str) -> None:
        out = self.out
        # work items: (value, path, depth) to encode, or None to leave a container
        todo: list[tuple[Any, str, int] | None] = [(root, path, 0)]
        open_ids: list[int] = []
        while todo:
            item = todo.pop()
            if item is None:
                open_ids.pop()
                continue
            v, p, d = item
            if isinstance(v, (list, tuple, dict)):
                if d >= MAX_DEPTH:
                    raise ConversionError(f"value nested deeper than {MAX_DEPTH} levels at {p}")
                if id(v) in open_ids:
                    raise ConversionError(f"cyclic reference at {p}")
                open_ids.append(id(v))
                todo.append(None)
                children: list[tuple[Any, str, int] | None] = []
                if isinstance(v, dict):
                    out += _map_header(len(v))
                    for k, item_v in v.items():
                        if not isinstance(k, str):
                            raise ConversionError(f"dict key {k!r} is not a str at {p}")
                        sub = f"{p}.{k}" if k.isidentifier() else f"{p}[{k!r}]"
                        children.append((k, sub, d + 1))
                        children.append((item_v, sub, d + 1))
                else:
                    out += _array_header(len(v))
                    children = [(x, f"{p}[{i}]", d + 1) for i, x in enumerate(v)]
                todo.extend(reversed(children))
                continue
            out += self.scalar(v, p)

    @staticmethod
    def scalar(v: Any, path: str) -> bytes:
        if v is None or isinstance(v, (bool, float)):
            return msgpack.packb(v)  # type: ignore[no-any-return]
        if isinstance(v, int):
            if -(2**63) <= v < 2**64:
                return msgpack.packb(v)  # type: ignore[no-any-return]
            return msgpack.packb(_bigint(v))  # type: ignore[no-any-return]
        if isinstance(v, str):
            try:
                return msgpack.packb(v)  # type: ignore[no-any-return]
            except UnicodeEncodeError:
                raise ConversionError(f"string with a lone surrogate (not valid Unicode) at {path}") from None
        if isinstance(v, (bytes, bytearray, memoryview)):
            return msgpack.packb(bytes(v), use_bin_type=True)  # type: ignore[no-any-return]
        if isinstance(v, (_dt.datetime, JSError)):
            return msgpack.packb(_default(v))  # type: ignore[no-any-return]
        raise ConversionError(f"unsupported value of type {type(v).__name__} at {path}")


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
        try:
            return int(data.decode("ascii"), 16)
        except ValueError:  # UnicodeDecodeError too
            raise ConversionError("malformed BigInt from the context") from None
    if code == EXT_DATE:
        if len(data) != 8:
            raise ConversionError("malformed Date from the context")
        (ms,) = struct.unpack(">d", data)
        if not math.isfinite(ms):
            raise ConversionError("invalid Date")
        try:
            return _EPOCH + _dt.timedelta(milliseconds=ms)
        except OverflowError:
            raise ConversionError(f"Date {ms:.0f} ms from 1970 is outside Python's datetime range") from None
    if code == EXT_ERROR:
        fields = decode(data)
        if (
            not isinstance(fields, list)
            or len(fields) != 3
            or not all(isinstance(f, str) for f in fields[:2])
            or not isinstance(fields[2], (str, type(None)))
        ):
            raise ConversionError("malformed Error from the context")
        return JSError(fields[0], fields[1], fields[2])
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


def decode_envelope(data: bytes) -> Any:
    """Decode a frame leaving extension values raw: enough to route it."""
    return msgpack.unpackb(data, raw=False, strict_map_key=False, unicode_errors="surrogateescape")
