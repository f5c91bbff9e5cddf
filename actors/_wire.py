"""The byte protocol between a pool and its worker processes (process mode).

Both ends are native (``native/client.c`` in the pool's process,
``native/serve.c`` in a worker); Python only sends the rare messages below
and reads their replies. Every message is a fixed 21-byte header
``<I B Q Q`` (body length, kind, two integer fields ``a`` and ``b``)
followed by the body. Bodies are the pump's own msgpack frames, passed
through untouched: a command frame goes to the worker as it would go to
``act_ctx_send``, an event frame comes back as the worker's pump wrote it.

Pool to worker:

=====  ==================  ================  =====================================
kind   a                   b                 body
=====  ==================  ================  =====================================
``N``  token               0                 msgpack options of a new context
``S``  context id          token or 0        a command frame (token: a blocking call)
``V``  context id          host call id      the call's answer (msgpack)
``X``  context id          1 if killed       (empty): stop the context
``K``  context id          request id        (empty): cancel that operation
``T``  token               0                 (empty): native stats, please
``F``  delay (ms)          0                 fault to inject (test hook)
``Q``  0                   0                 (empty): stop everything and exit
=====  ==================  ================  =====================================

Worker to pool: ``H`` (ready, ``a`` = its pid), ``E`` (event frame), ``C``
(host call frame), ``R`` (``a`` = token; body = the answer: for a command,
the ``[status, payload]`` array a native waiter receives).
"""

from __future__ import annotations

__all__ = [
    "CALL",
    "CANCEL",
    "EVENT",
    "FAULT",
    "HELLO",
    "NEW",
    "QUIT",
    "REPLY",
    "RESOLVE",
    "SEND",
    "STATS",
    "STOP",
    "peek_uint",
]

NEW, SEND, RESOLVE, STOP, STATS, FAULT, QUIT = (ord(c) for c in "NSVXTFQ")
CANCEL = ord("K")
HELLO, EVENT, CALL, REPLY = (ord(c) for c in "HECR")

_UINT_WIDTH = {0xCC: 1, 0xCD: 2, 0xCE: 4, 0xCF: 8}


def peek_uint(frame: bytes, pos: int) -> tuple[int, int]:
    """The msgpack unsigned integer at ``frame[pos]`` and the position after it."""
    b = frame[pos]
    if b < 0x80:
        return b, pos + 1
    width = _UINT_WIDTH.get(b)
    if width is None:
        raise ValueError(f"not a msgpack unsigned int: 0x{b:02x}")
    return int.from_bytes(frame[pos + 1 : pos + 1 + width], "big"), pos + 1 + width
