"""The byte protocol between a pool and its worker processes (process mode).

Both ends are native (``native/process/client.c`` in the pool's process,
``native/process/serve.c`` in a worker); Python only sends the rare messages below
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
``M``  context id          token             (empty): how much is queued for it?
``T``  token               0                 (empty): native stats, please
``F``  delay (ms)          0                 fault to inject (test hook)
``Q``  0                   0                 (empty): stop everything and exit
``G``  0                   0                 (empty): give free heap pages back to the OS
=====  ==================  ================  =====================================

Worker to pool: ``H`` (ready, ``a`` = its pid), ``E`` (event frame), ``C``
(host call frame), ``R`` (``a`` = token; body = the answer: for a command,
the ``[status, payload]`` array a native waiter receives; for ``M``,
``[commands, bytes]`` queued for the context once every frame sent before
it has been taken in).

The kinds are defined once, as ``ACT_W_*`` in ``native/actors.h``; the
values here mirror them (``tests/test_wire_kinds.py`` checks).

Bounds: no body is longer than :data:`MAX_BODY` (1 GiB + 1 MiB, the output
budget's cap plus room for the event around it); a sender refuses to write
a longer one. The pool trusts a worker with nothing: a frame that is too
long, of an unknown kind, with a body that is not one well-formed msgpack
value as the pump writes them, a reply to a token it was not given, or an
event or host call for a context that does not live in that worker, makes
the pool stop reading that worker at once, kill it and handle it as a crash
(its contexts exit ``crashed``).
"""

from __future__ import annotations

__all__ = [
    "CALL",
    "CANCEL",
    "EVENT",
    "FAULT",
    "HELLO",
    "MAILBOX",
    "MAX_BODY",
    "NEW",
    "QUIT",
    "REPLY",
    "RESOLVE",
    "SEND",
    "STATS",
    "STOP",
    "TRIM",
    "peek_uint",
]

NEW, SEND, RESOLVE, STOP, STATS, FAULT, QUIT = (ord(c) for c in "NSVXTFQ")
CANCEL, MAILBOX, TRIM = (ord(c) for c in "KMG")
HELLO, EVENT, CALL, REPLY = (ord(c) for c in "HECR")

MAX_BODY = (1 << 30) + (1 << 20)  # WIRE_MAX_BODY (native/internal.h)

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
