"""The byte protocol between a pool and its worker processes (process mode).

Every message is a fixed 21-byte header ``<I B Q Q`` (body length, kind, two
integer fields ``a`` and ``b``) followed by the body. Bodies are the pump's
own msgpack frames, passed through untouched: a command frame goes to the
worker as it would go to ``act_ctx_send``, an event frame comes back as
``act_poll`` produced it.

Parent to worker:

=====  ==================  ================  =====================================
kind   a                   b                 body
=====  ==================  ================  =====================================
``N``  token               0                 msgpack options of a new context
``S``  context id          sync token or 0   a command frame
``V``  context id          host call id      the call's answer (msgpack)
``X``  context id          1 if killed       (empty): stop the context
``T``  token               0                 (empty): native stats, please
``F``  delay (ms)          0                 fault to inject (test hook)
``Q``  0                   0                 (empty): stop everything and exit
=====  ==================  ================  =====================================

Worker to parent: ``H`` (ready), ``E`` (event frame), ``C`` (host call
frame), ``R`` (``a`` = token, body = answer; a sync command's answer is the
``[status, payload]`` array a native waiter would have received).
"""

from __future__ import annotations

import socket
import struct
import threading
from collections.abc import Iterator

__all__ = ["HEADER", "SYNC_BIT", "Reader", "Writer", "peek_uint"]

HEADER = struct.Struct("<IBQQ")
# Tokens of blocking commands ride in the frame's req_id with this bit set,
# so their answers can be told from the async ones (counted from 1).
SYNC_BIT = 1 << 62

NEW, SEND, RESOLVE, STOP, STATS, FAULT, QUIT = (ord(c) for c in "NSVXTFQ")
HELLO, EVENT, CALL, REPLY = (ord(c) for c in "HECR")


class Writer:
    """Whole messages onto a socket; safe to share between threads."""

    def __init__(self, sock: socket.socket) -> None:
        self._sock = sock
        self._lock = threading.Lock()

    def send(self, kind: int, a: int = 0, b: int = 0, *body: bytes | memoryview) -> None:
        size = sum(len(p) for p in body)
        parts: list[bytes | memoryview] = [HEADER.pack(size, kind, a, b), *body]
        with self._lock:
            _sendmsg_all(self._sock, parts)

    def send_many(self, messages: list[list[bytes | memoryview]]) -> None:
        """Several messages (each ``[header, *body]``) in as few system calls as possible."""
        flat = [p for m in messages for p in m]
        with self._lock:
            _sendmsg_all(self._sock, flat)


def _sendmsg_all(sock: socket.socket, parts: list[bytes | memoryview]) -> None:
    views = [memoryview(p) for p in parts if len(p)]
    while views:
        sent = sock.sendmsg(views[:512])
        while sent and views:
            n = len(views[0])
            if sent >= n:
                sent -= n
                views.pop(0)
            else:
                views[0] = views[0][sent:]
                sent = 0


class Reader:
    """Messages off a socket, with one ``recv_into`` serving as many as it holds."""

    def __init__(self, sock: socket.socket, chunk: int = 1 << 18) -> None:
        self._sock = sock
        self._buf = bytearray(chunk)

    def messages(self) -> Iterator[tuple[int, int, int, bytes]]:
        """Yields ``(kind, a, b, body)`` until the peer closes (or the socket fails)."""
        buf = self._buf
        hsize = HEADER.size
        start = end = 0  # unread bytes are buf[start:end]
        while True:
            while end - start >= hsize:
                size, kind, a, b = HEADER.unpack_from(buf, start)
                if end - start - hsize < size:
                    break
                body = bytes(buf[start + hsize : start + hsize + size])
                start += hsize + size
                yield kind, a, b, body
            if start == end:
                start = end = 0
            need = hsize if end - start < hsize else hsize + HEADER.unpack_from(buf, start)[0]
            if start + need > len(buf):  # make room: move the partial message to the front
                buf[: end - start] = buf[start:end]
                end -= start
                start = 0
                if need > len(buf):
                    buf.extend(bytes(need - len(buf)))
            try:
                with memoryview(buf) as view:
                    n = self._sock.recv_into(view[end:])
            except OSError:
                return
            if not n:
                return
            end += n


def peek_uint(frame: bytes, pos: int) -> tuple[int, int]:
    """The msgpack unsigned integer at ``frame[pos]`` and the position after it."""
    b = frame[pos]
    if b < 0x80:
        return b, pos + 1
    width = {0xCC: 1, 0xCD: 2, 0xCE: 4, 0xCF: 8}.get(b)
    if width is None:
        raise ValueError(f"not a msgpack unsigned int: 0x{b:02x}")
    return int.from_bytes(frame[pos + 1 : pos + 1 + width], "big"), pos + 1 + width
